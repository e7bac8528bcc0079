package flags

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/localflags/flags/internal/ecma"
)

// PostHog counts a user in an experiment only once it has received a
// $feature_flag_called event for that user, flag and value. This file sends
// those events as posthog-node 5.74.0 does for a locally evaluated flag:
//
//   - IsEnabled, Variant and Evaluate send one; EvaluateAll, EvaluateAllInto,
//     Explain and payload-only reads send none, as getAllFlags and
//     getFeatureFlagPayload send none. An overridden flag sends none, as
//     posthog-node returns an override before it reaches the event.
//   - A call sends its event once per distinct id, flag, response and
//     groups: posthog-node's key "<flag>_<response>" plus the sorted groups,
//     in an LRU of distinct ids (exposureCache).
//   - An inconclusive, filtered or unknown flag sends an event without a
//     response, with locally_evaluated false.
//
// The caller's goroutine only checks the dedup cache and, for a new event,
// copies what the event needs into a bounded queue; a full queue drops the
// event and counts it. One goroutine of the client's turns queued items into
// events and hands them to the handler and the capture sender.

// Exposure is one $feature_flag_called event, as PostHog receives it.
type Exposure struct {
	// Event is "$feature_flag_called".
	Event string
	// DistinctID is the user the flag was evaluated for.
	DistinctID string
	// Properties are exactly the event properties PostHog receives. The
	// map is the handler's to keep; the client does not touch it again.
	Properties map[string]any
	// Timestamp is when the flag was evaluated, by the client's clock.
	Timestamp time.Time
}

// ExposureEvent is the event name of an exposure.
const ExposureEvent = "$feature_flag_called"

// DefaultExposureCacheSize is how many distinct ids the exposure dedup cache
// remembers, as posthog-node's maxCacheSize does.
const DefaultExposureCacheSize = 50_000

// DefaultExposureQueueSize bounds the exposures waiting to be handled when
// no CaptureConfig.QueueSize says otherwise.
const DefaultExposureQueueSize = 10_000

// WithExposureHandler calls fn with every exposure the client sends (see
// [Exposure]). Calls are made in order, from one goroutine of the client's,
// never from the goroutine that evaluated the flag. A slow fn makes the
// queue fill up, and exposures past its size are dropped and counted in
// [Status]. Close waits at most [HandlerCloseWait] for the calls still due.
//
// With WithCapture as well, every exposure goes to both.
func WithExposureHandler(fn func(Exposure)) Option {
	return func(c *config) error {
		if fn == nil {
			return errors.New("flags: WithExposureHandler: nil handler")
		}
		c.exposureHandler = fn
		return nil
	}
}

// WithExposureCacheSize sets how many distinct ids the exposure dedup cache
// remembers; the default is [DefaultExposureCacheSize]. When it is full,
// the least recently used distinct id is forgotten, so that id's next calls
// send their exposures again. Each remembered id costs about 100 bytes plus
// 8 per flag value it has been exposed to.
func WithExposureCacheSize(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("flags: WithExposureCacheSize: %d, want at least 1", n)
		}
		c.exposureCacheSize = n
		return nil
	}
}

type noExposureKey struct{}

// WithoutExposure returns a context that makes the IsEnabled, Variant or
// Evaluate call it is passed to send no exposure. It is the one use the
// evaluation calls make of their context: a check of one value, made only
// when exposures are on.
func WithoutExposure(ctx context.Context) context.Context {
	return context.WithValue(ctx, noExposureKey{}, true)
}

// exposures is a client's exposure pipeline; nil when exposures are off.
type exposures struct {
	handler func(Exposure)
	capture *captureSender // nil without WithCapture
	now     func() time.Time
	log     func(msg string, args ...any)

	seen   exposureCache
	queue  chan exposureItem
	closed atomic.Bool
	done   chan struct{} // closed when the dispatcher ends

	handled, dropped atomic.Uint64
}

// exposureItem is what the caller's goroutine queues: the parts of an event
// that cannot be read later, or a flush marker.
type exposureItem struct {
	key, distinctID string
	decided, on     bool
	variant         string
	flag            *flag     // the flag evaluated; nil when unknown or not ready
	snap            *Snapshot // the snapshot it came from
	groups          []groupKey
	at              time.Time
	// idHash and keyHash are the dedup reservation, undone if the event is lost.
	idHash, keyHash uint64
	// anonymous: the call had no distinct id, and distinctID is a UUID.
	anonymous bool

	flush chan error // a flush marker, when non-nil
}

type groupKey struct{ name, key string }

func newExposures(cfg *config, log func(string, ...any)) *exposures {
	size := DefaultExposureQueueSize
	if cfg.capture != nil {
		size = cfg.capture.QueueSize
	}
	x := &exposures{
		handler: cfg.exposureHandler,
		now:     cfg.now,
		log:     log,
		queue:   make(chan exposureItem, size),
		done:    make(chan struct{}),
	}
	x.seen.init(cfg.exposureCacheSize)
	return x
}

// observe sends the exposure of one evaluation call, unless the call opted
// out or the same exposure was sent already. It never blocks. s and f are
// nil when there was no snapshot or no such flag; decided, on and variant
// are the answer when the flag was decided.
func (x *exposures) observe(ctx context.Context, s *Snapshot, f *flag, key, distinctID string, groups map[string]Group, decided, on bool, variant string) {
	if x.closed.Load() || (ctx != nil && ctx.Value(noExposureKey{}) != nil) {
		return
	}
	idHash := xxhash.Sum64String(distinctID)
	var keyHash uint64
	if f != nil && len(groups) == 0 {
		keyHash = f.responseKey(decided, on, variant)
	} else {
		keyHash = dedupKey(key, decided, on, variant, groups)
	}
	if !x.seen.reserve(idHash, keyHash) {
		return
	}
	item := exposureItem{key: key, distinctID: distinctID, decided: decided, on: on, variant: variant,
		flag: f, snap: s, at: x.now(), idHash: idHash, keyHash: keyHash}
	if len(groups) > 0 {
		// The caller may change its map once the call returns.
		item.groups = make([]groupKey, 0, len(groups))
		for name, g := range groups {
			item.groups = append(item.groups, groupKey{name, g.Key})
		}
	}
	select {
	case x.queue <- item:
	default:
		x.lost(item)
	}
}

// lost counts a dropped event and forgets that it was sent, so that a later
// call sends it again.
func (x *exposures) lost(item exposureItem) {
	x.seen.release(item.idHash, item.keyHash)
	x.dropped.Add(1)
}

// dedupKey is the xxhash of posthog-node's dedup key for an event:
// "<flag>_<response>", then, with groups, "_" and the JSON of the groups'
// [type, key] pairs sorted by type. The response is true, false, the
// variant, or undefined for an undecided flag. Hashing the whole string
// keeps posthog-node's equalities, such as a variant named "true" sharing
// the key of the response true. The string is spelled in a buffer on the
// stack for the common sizes.
func dedupKey(key string, decided, on bool, variant string, groups map[string]Group) uint64 {
	var buf [256]byte
	b := append(buf[:0], key...)
	b = append(b, '_')
	b = append(b, responseText(decided, on, variant)...)
	if len(groups) > 0 {
		var stack [8]groupKey
		sorted := stack[:0]
		for name, g := range groups {
			sorted = append(sorted, groupKey{name, g.Key})
		}
		if len(sorted) > 1 {
			// posthog-node sorts with JavaScript's <, which compares
			// UTF-16 code units.
			slices.SortFunc(sorted, func(a, b groupKey) int { return ecma.CompareUTF16(a.name, b.name) })
		}
		b = append(b, "_["...)
		for i, g := range sorted {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = ecma.AppendQuote(b, g.name)
			b = append(b, ',')
			b = ecma.AppendQuote(b, g.key)
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return xxhash.Sum64(b)
}

// responseText is the response as posthog-node's dedup key spells it.
func responseText(decided, on bool, variant string) string {
	switch {
	case !decided:
		return "undefined"
	case variant != "":
		return variant
	case on:
		return "true"
	}
	return "false"
}

// hashResponses computes, at load time, the dedup keys of f's responses
// without groups, so that a repeated exposure hashes nothing but the
// distinct id.
func (f *flag) hashResponses() {
	f.dedupOff = dedupKey(f.key, true, false, "", nil)
	f.dedupOn = dedupKey(f.key, true, true, "", nil)
	f.dedupUndecided = dedupKey(f.key, false, false, "", nil)
	for i := range f.variants {
		f.variants[i].dedup = dedupKey(f.key, true, true, f.variants[i].key, nil)
	}
	if h := f.holdout; h != nil {
		h.dedup = dedupKey(f.key, true, true, h.variant, nil)
	}
}

// responseKey is dedupKey for f without groups, from the keys computed at
// load time.
func (f *flag) responseKey(decided, on bool, variant string) uint64 {
	switch {
	case !decided:
		return f.dedupUndecided
	case variant == "" && on:
		return f.dedupOn
	case variant == "":
		return f.dedupOff
	case f.holdout != nil && variant == f.holdout.variant:
		return f.holdout.dedup
	}
	for i := range f.variants {
		if f.variants[i].key == variant {
			return f.variants[i].dedup
		}
	}
	return dedupKey(f.key, decided, on, variant, nil)
}

// run turns queued items into events until ctx is done.
func (x *exposures) run(ctx context.Context) {
	defer close(x.done)
	for {
		select {
		case <-ctx.Done():
			return
		case item := <-x.queue:
			x.dispatch(item)
		}
	}
}

// dispatch handles one queued item: a flush marker is answered once every
// item before it is delivered (handled, and sent or dropped by capture).
func (x *exposures) dispatch(item exposureItem) {
	if item.flush != nil {
		if x.capture == nil {
			item.flush <- nil
		} else {
			x.capture.flush(item.flush)
		}
		return
	}
	if item.distinctID == "" {
		// posthog-node sends an event without a distinct id under a fresh
		// one, and tells PostHog not to make a person of it.
		item.distinctID, item.anonymous = newUUID(item.at), true
	}
	e := item.event()
	if x.handler != nil {
		x.callHandler(e)
		if x.capture != nil {
			e = item.event() // the handler may keep and change its map
		}
	}
	if x.capture != nil {
		x.capture.add(e)
	}
}

// callHandler calls the handler; a panic in it is logged, not fatal to the
// process, since it happens on the client's goroutine.
func (x *exposures) callHandler(e Exposure) {
	defer func() {
		if p := recover(); p != nil {
			x.log("flags: the exposure handler panicked", "flag", e.Properties["$feature_flag"], "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	x.handler(e)
	x.handled.Add(1)
}

// event builds the exposure for item with exactly the properties
// posthog-node sends for a locally evaluated flag.
func (item *exposureItem) event() Exposure {
	p := make(map[string]any, 14)
	p["$feature_flag"] = item.key
	if item.decided {
		var response any = item.on
		if item.variant != "" {
			response = item.variant
		}
		p["$feature_flag_response"] = response
		p["$feature/"+item.key] = response
		p["$feature_flag_reason"] = "Evaluated locally"
		p["$feature_flag_evaluated_at"] = item.at.UnixMilli()
		if f := item.flag; f != nil {
			if f.idSet {
				p["$feature_flag_id"] = jsonNumber(f.id)
			}
			if f.experimentSet {
				p["$feature_flag_has_experiment"] = f.hasExperiment
			}
		}
		if item.snap != nil {
			p["$feature_flag_definitions_loaded_at"] = item.snap.loadedAt
		}
	}
	p["locally_evaluated"] = item.decided
	if item.anonymous {
		p["$process_person_profile"] = false
	}
	if len(item.groups) > 0 {
		groups := make(map[string]any, len(item.groups))
		for _, g := range item.groups {
			groups[g.name] = g.key
		}
		p["$groups"] = groups
	}
	p["$lib"] = libName
	p["$lib_version"] = Version
	p["$is_server"] = true
	p["$geoip_disable"] = true
	return Exposure{Event: ExposureEvent, DistinctID: item.distinctID, Properties: p, Timestamp: item.at}
}

// jsonNumber turns an integral float64 (a flag id, as the document's JSON
// had it) into an int64, which reads better and encodes the same.
func jsonNumber(v any) any {
	if f, ok := v.(float64); ok && f == float64(int64(f)) && f >= -1<<53 && f <= 1<<53 {
		return int64(f)
	}
	return v
}

// flushExposures delivers every exposure queued before the call, or returns
// why it could not by the time ctx is done.
func (x *exposures) flushExposures(ctx context.Context) error {
	done := make(chan error, 1)
	select {
	case x.queue <- exposureItem{flush: done}:
	case <-x.done:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("flags: Flush: %w", ctx.Err())
	}
	select {
	case err := <-done:
		return err
	case <-x.done:
		return ErrClosed
	case <-ctx.Done():
		return x.flushTimeout(ctx)
	}
}

func (x *exposures) flushTimeout(ctx context.Context) error {
	if x.capture != nil {
		if err := x.capture.lastError(); err != nil {
			return fmt.Errorf("flags: Flush: %w; the capture sender's last error: %v", ctx.Err(), err)
		}
	}
	return fmt.Errorf("flags: Flush: %w", ctx.Err())
}

// exposureCache is the dedup cache: for each distinct id (by xxhash), the
// dedup keys (by xxhash) of the events sent for it, with the distinct ids
// in least-recently-used order, as posthog-node keeps them: every call
// makes its distinct id the most recent, and a new id beyond the capacity
// evicts the least recent.
type exposureCache struct {
	mu   sync.Mutex
	max  int
	byID map[uint64]*seenID
	// newest and oldest end the list of ids, most recent first.
	newest, oldest *seenID
}

// seenID is one distinct id's entry: the keys sent, inline while there are
// few, and its place in the recency list.
type seenID struct {
	id           uint64
	newer, older *seenID
	few          [4]uint64
	nfew         int
	more         map[uint64]struct{}
}

func (c *exposureCache) init(max int) {
	if max == 0 {
		max = DefaultExposureCacheSize
	}
	c.max = max
	c.byID = make(map[uint64]*seenID)
}

// reserve records key as sent for id and reports whether it was new.
func (c *exposureCache) reserve(id, key uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.byID[id]
	if e == nil {
		e = &seenID{id: id}
		c.byID[id] = e
		c.pushNewest(e)
	} else if e != c.newest {
		c.unlink(e)
		c.pushNewest(e)
	}
	if e.has(key) {
		return false
	}
	e.add(key)
	for len(c.byID) > c.max {
		old := c.oldest
		c.unlink(old)
		delete(c.byID, old.id)
	}
	return true
}

// release forgets that key was sent for id.
func (c *exposureCache) release(id, key uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.byID[id]; e != nil {
		e.remove(key)
	}
}

func (c *exposureCache) pushNewest(e *seenID) {
	e.older, e.newer = c.newest, nil
	if c.newest != nil {
		c.newest.newer = e
	}
	c.newest = e
	if c.oldest == nil {
		c.oldest = e
	}
}

func (c *exposureCache) unlink(e *seenID) {
	if e.newer != nil {
		e.newer.older = e.older
	} else {
		c.newest = e.older
	}
	if e.older != nil {
		e.older.newer = e.newer
	} else {
		c.oldest = e.newer
	}
	e.newer, e.older = nil, nil
}

func (e *seenID) has(key uint64) bool {
	for _, k := range e.few[:e.nfew] {
		if k == key {
			return true
		}
	}
	_, ok := e.more[key]
	return ok
}

func (e *seenID) add(key uint64) {
	if e.nfew < len(e.few) {
		e.few[e.nfew] = key
		e.nfew++
		return
	}
	if e.more == nil {
		e.more = make(map[uint64]struct{})
	}
	e.more[key] = struct{}{}
}

func (e *seenID) remove(key uint64) {
	for i, k := range e.few[:e.nfew] {
		if k == key {
			e.nfew--
			e.few[i] = e.few[e.nfew]
			return
		}
	}
	delete(e.more, key)
}
