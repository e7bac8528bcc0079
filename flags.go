// Package flags evaluates PostHog feature flags in-process, with no network
// call per check.
//
// A [Client] holds an immutable, compiled snapshot of a PostHog flag
// definitions document (the JSON served by /flags/definitions and
// /api/feature_flag/local_evaluation). Evaluation reads that snapshot without
// taking a lock, hashes the flag key and the user's id with SHA-1 exactly as
// PostHog does, and returns the answer PostHog's reference SDK, posthog-node
// 5.74.0, gives for the same definitions and context. Where posthog-node cannot
// decide locally (it would ask the PostHog server), the result is inconclusive
// and carries the cause; the client never guesses.
//
// # Getting started
//
//	c, err := flags.New(flags.WithSnapshotFile("flags.json"))
//	if err != nil {
//		return err
//	}
//	defer c.Close()
//	user := flags.User{DistinctID: "user-42", Properties: map[string]any{"plan": "pro"}}
//	if c.IsEnabled(ctx, "new-checkout", user) {
//		// ...
//	}
//
// # Property values
//
// [User.Properties] and [Group.Properties] hold the values that property
// filters compare. Each supported Go type behaves like the JSON value
// posthog-node would see:
//
//   - string: a JSON string. Go strings are UTF-8; a string that is not valid
//     UTF-8 makes exact and is_not inconclusive (it has no JSON spelling).
//   - bool: a JSON boolean.
//   - every integer kind, float32, float64 and [encoding/json.Number]: a JSON
//     number, held as a float64 like a JavaScript number. float32 values use
//     their shortest decimal spelling, so float32(0.1) is 0.1. Because
//     posthog-node cannot tell 5 from 5.0, exact and is_not are inconclusive
//     for integral numbers unless the filter compares truthiness.
//   - nil: JSON null. A null property counts as set.
//   - []any, []string and map[string]any: JSON arrays and objects. Elements
//     must themselves be supported types.
//   - [time.Time]: a JavaScript Date. Date operators compare its instant, at
//     millisecond precision; every other operator sees its ISO-8601 UTC
//     spelling, such as "2025-06-15T12:00:00.000Z".
//
// Any other type makes the filters that read it inconclusive, with a cause
// that names the type. Nothing a property value holds can make evaluation
// panic, overflow the stack or run long: a composite value is walked within
// [MaxValueDepth] levels, [MaxValueElements] elements and [MaxValueBytes] of
// text, so a map that holds itself, or a tree of shared parts whose
// unfolding is exponential, makes the filters that read it inconclusive,
// with a cause that names the limit.
//
// # Exposures
//
// PostHog counts a user in an experiment once it receives a
// $feature_flag_called event for that user, flag and value. With
// [WithCapture] or [WithExposureHandler], IsEnabled, Variant and Evaluate
// send those events as posthog-node does, deduplicated, from a goroutine of
// the client's: the call itself only checks the dedup cache and, for a new
// event, queues it without waiting. See [Exposure].
//
// # How evaluation works
//
// A flag's condition sets are tried top to bottom and the first that matches
// decides the value. A condition matches when every property filter passes
// and the user falls inside its rollout percentage; a matched multivariate
// flag then picks a variant by a second hash. A filter that cannot be decided
// (a missing property, an unparseable version, a static cohort...) makes its
// condition inconclusive but does not stop later conditions; the flag is
// false only if nothing matched and nothing was inconclusive. The README lists
// the few places where this library deliberately differs from posthog-node.
package flags

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"
)

// User is the context a flag is evaluated for.
//
// The zero value is usable; nil maps are treated as empty.
type User struct {
	// DistinctID identifies the person. Person-level rollouts and variants
	// hash it, and it is visible to filters as the person property
	// "distinct_id" unless Properties sets that key.
	DistinctID string
	// DeviceID buckets flags whose bucketing_identifier is "device_id". It is
	// visible to filters as the person property "$device_id" unless
	// Properties sets that key. Empty means no device id.
	DeviceID string
	// Properties are the person properties filters compare.
	Properties map[string]any
	// Groups maps a group type name, such as "company", to the group the
	// user belongs to. Group flags evaluate against these.
	Groups map[string]Group
}

// Group is one group of a [User], for group flags and group conditions.
type Group struct {
	// Key identifies the group; group rollouts hash it. It is visible to
	// filters as the group property "$group_key" unless Properties sets it.
	Key string
	// Properties are the group properties filters compare.
	Properties map[string]any
}

// Result is the full answer for one flag.
type Result struct {
	// Key is the flag key that was asked for.
	Key string
	// Enabled is true when the flag evaluated to true or to any variant.
	Enabled bool
	// Reason says why the flag has this value. (It sits beside Enabled so
	// that a Result is 88 bytes rather than 104.)
	Reason Reason
	// Variant is the variant served, or "holdout-<id>" for a user held out
	// of an experiment; it is "" when the value is a plain true or false.
	Variant string
	// Payload is the JSON payload attached to the value served, or nil. It
	// shares memory with the snapshot: treat it as read-only, or use
	// [PayloadAs] to decode it.
	Payload json.RawMessage
	// Condition is the index of the condition set that matched, or -1.
	Condition int
	// Err is non-nil when no value could be decided: it wraps
	// [ErrInconclusive] together with the cause, or is [ErrNotFound], or
	// wraps [ErrNotReady].
	Err error
}

// Value returns the flag's value the way PostHog's SDKs return it: the
// variant string when one was served, otherwise the bool Enabled.
func (r Result) Value() any {
	if r.Variant != "" {
		return r.Variant
	}
	return r.Enabled
}

// BoolOr returns Enabled when the result is conclusive, and def otherwise
// (inconclusive, not found, not ready or filtered out). A kill switch that
// must stay on when the flag cannot be decided is
// c.Evaluate(ctx, "killswitch", u).BoolOr(true).
func (r Result) BoolOr(def bool) bool {
	if r.Conclusive() {
		return r.Enabled
	}
	return def
}

// VariantOr returns Variant when the result is conclusive, and def
// otherwise. A conclusive result that is not a variant (plain true or
// false) gives "".
func (r Result) VariantOr(def string) string {
	if r.Conclusive() {
		return r.Variant
	}
	return def
}

// MarshalJSON writes the result for logs and APIs: the reason by name, the
// error as its message, the payload as the JSON it is:
//
//	{"key":"f","enabled":true,"variant":"test","payload":{"price":9},
//	 "reason":"matched","condition":0,"error":null}
func (r Result) MarshalJSON() ([]byte, error) {
	payload := r.Payload
	if payload == nil || !json.Valid(payload) {
		payload = json.RawMessage("null")
	}
	return json.Marshal(struct {
		Key       string          `json:"key"`
		Enabled   bool            `json:"enabled"`
		Variant   string          `json:"variant"`
		Payload   json.RawMessage `json:"payload"`
		Reason    Reason          `json:"reason"`
		Condition int             `json:"condition"`
		Error     *string         `json:"error"`
	}{r.Key, r.Enabled, r.Variant, payload, r.Reason, r.Condition, errText(r.Err)})
}

// errText is err's message for JSON, or nil.
func errText(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

// Conclusive reports whether the result is a decided value (true, false or
// a variant), as opposed to inconclusive, not found, not ready or filtered
// out.
func (r Result) Conclusive() bool {
	switch r.Reason {
	case ReasonInconclusive, ReasonNotFound, ReasonNotReady, ReasonFilteredByRuntime, ReasonFilteredByContext:
		return false
	}
	return true
}

// Reason says why a flag has the value it has.
type Reason uint8

// The reasons a [Result] can carry.
const (
	// ReasonMatched: a condition set matched.
	ReasonMatched Reason = iota + 1
	// ReasonHoldout: the user is in the experiment's holdout group.
	ReasonHoldout
	// ReasonNoConditionMatch: no condition set matched.
	ReasonNoConditionMatch
	// ReasonOutOfRollout: a condition's filters matched but its rollout
	// percentage excluded the user, and nothing else matched.
	ReasonOutOfRollout
	// ReasonNoGroup: a group flag was evaluated for a user that does not
	// belong to a group of its type, so it is false.
	ReasonNoGroup
	// ReasonDisabled: the flag is inactive or deleted.
	ReasonDisabled
	// ReasonInconclusive: the flag cannot be decided locally; Err has the
	// cause.
	ReasonInconclusive
	// ReasonNotFound: no flag has this key.
	ReasonNotFound
	// ReasonFilteredByRuntime: the flag's evaluation_runtime excludes this
	// client's runtime (see [WithRuntime]).
	ReasonFilteredByRuntime
	// ReasonFilteredByContext: the flag's evaluation contexts share none
	// with this client's (see [WithEvaluationContexts]).
	ReasonFilteredByContext
	// ReasonNotReady: the client has no definitions yet.
	ReasonNotReady
	// ReasonOverride: an override set the value (see [WithOverrides]).
	ReasonOverride
)

var reasonNames = [...]string{
	ReasonMatched:           "matched",
	ReasonHoldout:           "holdout",
	ReasonNoConditionMatch:  "no condition matched",
	ReasonOutOfRollout:      "out of rollout",
	ReasonNoGroup:           "no group",
	ReasonDisabled:          "disabled",
	ReasonInconclusive:      "inconclusive",
	ReasonNotFound:          "not found",
	ReasonFilteredByRuntime: "filtered by runtime",
	ReasonFilteredByContext: "filtered by evaluation context",
	ReasonNotReady:          "not ready",
	ReasonOverride:          "override",
}

// String returns the reason in words, such as "no condition matched".
func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// MarshalText returns the reason as [Reason.String] spells it.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Errors a [Result] can carry; compare with [errors.Is].
var (
	// ErrInconclusive marks a flag that cannot be decided locally: the
	// reference SDK would ask the PostHog server. The error that wraps it
	// names the cause.
	ErrInconclusive = errors.New("flags: inconclusive")
	// ErrNotFound marks a key that no flag in the definitions has.
	ErrNotFound = errors.New("flags: flag not found")
	// ErrNotReady marks a client that has no definitions yet.
	ErrNotReady = errors.New("flags: definitions not loaded yet")
)

// inconclusiveError wraps ErrInconclusive with its cause. Causes that depend
// only on the definitions are built once at load time, so reporting them on
// the hot path costs nothing.
type inconclusiveError struct{ cause string }

func (e *inconclusiveError) Error() string { return "flags: inconclusive: " + e.cause }
func (e *inconclusiveError) Is(target error) bool {
	return target == ErrInconclusive
}

func inconclusive(format string, args ...any) *inconclusiveError {
	return &inconclusiveError{cause: fmt.Sprintf(format, args...)}
}

// Runtime selects which flags a client evaluates, by their
// evaluation_runtime field.
type Runtime uint8

const (
	// RuntimeServer evaluates flags marked "server" or "all" (or unmarked);
	// flags marked "client" are filtered out. It is the default.
	RuntimeServer Runtime = iota
	// RuntimeClient evaluates flags marked "client" or "all" (or unmarked).
	RuntimeClient
	// RuntimeAll evaluates every flag, as posthog-node does.
	RuntimeAll
)

// Option configures a [Client]; pass options to [New].
type Option func(*config) error

type config struct {
	snapshot     []byte
	snapshotFile string
	now          func() time.Time
	runtime      Runtime
	contexts     []string
	logger       *slog.Logger
	poller       *PollerConfig
	// ownHTTPClient: the poller's HTTP client was made here, so Close also
	// closes its idle connections.
	ownHTTPClient bool
	persistPath   string
	filePath      string
	fileInterval  time.Duration
	onUpdate      func(Status)
	overrides     overrideSet
	// handlerWait is how long Close waits for a running update handler.
	handlerWait time.Duration

	exposureHandler   func(Exposure)
	exposureCacheSize int
	capture           *CaptureConfig
	// ownCaptureClient: the capture sender's HTTP client was made here.
	ownCaptureClient bool

	// Hooks that tests replace to control time: sleep waits for d or until
	// ctx is done, and rand returns a number in [0, 1) for jitter.
	sleep func(ctx context.Context, d time.Duration) error
	rand  func() float64
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WithSnapshot bootstraps the client from a definitions document (JSON), so
// it serves from the moment [New] returns. New fails if doc does not parse.
func WithSnapshot(doc []byte) Option {
	return func(c *config) error {
		c.snapshot = doc
		return nil
	}
}

// WithSnapshotFile is [WithSnapshot] with the document read from path when
// [New] runs.
func WithSnapshotFile(path string) Option {
	return func(c *config) error {
		c.snapshotFile = path
		return nil
	}
}

// WithClock sets the clock that relative date filters such as "-7d" are
// measured from. The default is [time.Now].
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("flags: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithRuntime chooses which flags are evaluated by their evaluation_runtime;
// the default is [RuntimeServer]. Filtered flags report
// [ReasonFilteredByRuntime], and flags that depend on them see false.
func WithRuntime(r Runtime) Option {
	return func(c *config) error {
		if r > RuntimeAll {
			return fmt.Errorf("flags: WithRuntime: unknown runtime %d", r)
		}
		c.runtime = r
		return nil
	}
}

// WithEvaluationContexts keeps only the flags whose evaluation contexts
// (evaluation_contexts, or the legacy evaluation_tags) are empty or share at
// least one entry with contexts, as posthog-node's evaluationContexts option
// does. Matching is exact. Filtered flags report [ReasonFilteredByContext],
// and flags that depend on them see false. Without this option nothing is
// filtered.
func WithEvaluationContexts(contexts ...string) Option {
	return func(c *config) error {
		c.contexts = append([]string(nil), contexts...)
		return nil
	}
}

// WithLogger sets where the client logs: load problems such as a
// malformed flag, failing polls, unknown keys. Without it, warnings and
// errors go to [slog.Default] (as net/http's server logs its errors), and
// nothing else is logged; pass a logger with a discarding handler to log
// nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("flags: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// Client evaluates flags against the definitions it holds. It is safe for
// concurrent use: evaluations read an immutable snapshot through an atomic
// pointer and never wait for a reload.
type Client struct {
	cfg   config
	snap  atomic.Pointer[Snapshot]
	exp   *exposures // nil when exposures are off
	notes notices    // unknown keys and inconclusive flags, for operators

	mu     sync.Mutex // guards status; never held while fetching or compiling
	status Status

	ready     chan struct{}
	readyOnce sync.Once
	updates   chan Status // to the update handler; nil without one
	// handlerDone is closed when the update handler's goroutine ends.
	handlerDone chan struct{}

	// loadMu orders each swap of definitions with the persistence write
	// that follows it, so that the file always ends up holding the
	// definitions served last. Evaluations never take it.
	loadMu sync.Mutex
	// red removes the poller's keys from every log line, error and warning
	// (see redact.go); nil without a poller.
	red *redactor

	overrides atomic.Pointer[overrideSet] // nil when there are none
	ovMu      sync.Mutex                  // serializes changes to overrides

	poller *poller
	files  *fileSource

	ctx       context.Context // canceled by Close
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// New returns a client configured by opts. It does not wait for the
// network: with [WithSnapshot], [WithSnapshotFile] or a valid
// [WithPersistence] file it serves those definitions at once; otherwise
// every result is [ReasonNotReady] until a poll, the file source or
// [Client.Load] provides definitions. Call [Client.Close] to stop the
// background work.
func New(opts ...Option) (*Client, error) {
	c := &Client{
		cfg: config{
			now:         time.Now,
			logger:      slog.New(defaultHandler{}),
			sleep:       sleep,
			rand:        rand.Float64,
			handlerWait: HandlerCloseWait,
		},
		ready: make(chan struct{}),
	}
	for _, opt := range opts {
		if err := opt(&c.cfg); err != nil {
			return nil, err
		}
	}
	if err := c.cfg.resolveCapture(); err != nil {
		return nil, err
	}
	if p := c.cfg.poller; p != nil {
		c.red = newRedactor(p.SecretKey, p.ProjectAPIKey)
	}
	if c.red != nil {
		c.cfg.logger = slog.New(redactHandler{next: c.cfg.logger.Handler(), r: c.red})
	}
	if c.cfg.overrides != nil {
		c.overrides.Store(&c.cfg.overrides)
	}
	if c.cfg.persistPath != "" {
		if err := checkWritable(c.cfg.persistPath); err != nil {
			return nil, c.red.error(err)
		}
		// File ages are wall-clock time, whatever WithClock says.
		if n := sweepTemp(c.cfg.persistPath, time.Now()); n > 0 {
			c.cfg.logger.Info("flags: removed temporary files left by an interrupted write", "path", c.cfg.persistPath, "files", n)
		}
	}
	if err := c.bootstrap(); err != nil {
		return nil, err
	}
	etag := c.loadPersisted()
	if c.cfg.filePath != "" {
		c.files = &fileSource{path: c.cfg.filePath, interval: c.cfg.fileInterval}
		c.checkFile()
	}

	c.ctx, c.cancel = context.WithCancel(context.Background())
	if c.cfg.exposureHandler != nil || c.cfg.capture != nil {
		log := func(msg string, args ...any) { c.cfg.logger.Error(msg, args...) }
		c.exp = newExposures(&c.cfg, log)
		if cc := c.cfg.capture; cc != nil {
			c.exp.capture = newCaptureSender(*cc, &c.cfg, log)
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				c.exp.capture.run(c.ctx)
			}()
		}
		go c.exp.run(c.ctx)
	}
	if c.cfg.onUpdate != nil {
		c.updates = make(chan Status, 1)
		c.handlerDone = make(chan struct{})
		go c.runUpdates(c.ctx)
		if c.snap.Load() != nil {
			c.notify(c.Status())
		}
	}
	if c.cfg.poller != nil {
		c.poller = newPoller(*c.cfg.poller, etag)
		c.wg.Add(1)
		go c.runPoller(c.ctx)
	}
	if c.files != nil {
		c.wg.Add(1)
		go c.runFileSource(c.ctx)
	}
	return c, nil
}

// bootstrap loads WithSnapshot or WithSnapshotFile.
func (c *Client) bootstrap() error {
	doc := c.cfg.snapshot
	if c.cfg.snapshotFile != "" {
		if doc != nil {
			return errors.New("flags: WithSnapshot and WithSnapshotFile are mutually exclusive")
		}
		var err error
		if doc, err = readFile(c.cfg.snapshotFile, c.docLimit()); err != nil {
			return c.red.error(fmt.Errorf("flags: reading snapshot: %w", err))
		}
	}
	if doc == nil {
		return nil
	}
	return c.load(doc, loaded{source: SourceBootstrap, at: c.cfg.now()}, false)
}

// loadPersisted loads the WithPersistence file, if valid, and returns its
// ETag for the first poll.
func (c *Client) loadPersisted() string {
	if c.cfg.persistPath == "" {
		return ""
	}
	p, err := readPersisted(c.cfg.persistPath, c.docLimit())
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.cfg.logger.Error("flags: ignoring the persisted definitions", "error", err)
		}
		return ""
	}
	if err := c.load(p.doc, loaded{source: SourcePersisted, at: p.meta.FetchedAt, etag: p.meta.ETag}, false); err != nil {
		c.cfg.logger.Error("flags: ignoring the persisted definitions", "path", c.cfg.persistPath, "error", err)
		return ""
	}
	return p.meta.ETag
}

// Load parses and compiles a definitions document and swaps it in
// atomically. If doc does not parse, Load returns an error that says what is
// wrong and the client keeps its current definitions. A flag that is
// malformed but parses is loaded and evaluates as inconclusive, with the
// cause, without affecting other flags. Its cost is proportional to the size
// of doc; evaluations in flight finish on the snapshot they started with.
func (c *Client) Load(doc []byte) error {
	return c.load(doc, loaded{source: SourceLoad, at: c.cfg.now()}, true)
}

func (c *Client) compileOpts() compileOptions {
	o := compileOptions{runtime: c.cfg.runtime, contexts: c.cfg.contexts, redact: c.red}
	if c.cfg.poller != nil {
		o.maxBytes = c.cfg.poller.MaxBodyBytes
	}
	return o
}

// docLimit is the size limit of a definitions document from any source.
func (c *Client) docLimit() int64 {
	if c.cfg.poller != nil {
		return max(MaxDocumentBytes, c.cfg.poller.MaxBodyBytes)
	}
	return MaxDocumentBytes
}

// load compiles doc and swaps it in, as l describes (load fills in its
// snapshot, and its fingerprint unless the caller has one), and logs its
// warnings. With persist, and persistence on, it also writes doc to the
// persistence file, in the order of the swaps: loads racing from Load, the
// poller and the file source leave the file holding what is served. On
// error the current definitions stay.
func (c *Client) load(doc []byte, l loaded, persist bool) error {
	s, err := compile(doc, c.compileOpts())
	if err != nil {
		return c.red.error(err)
	}
	l.snap = s
	s.loadedAt = c.cfg.now().UnixMilli()
	if l.fingerprint == 0 {
		l.fingerprint = xxhash.Sum64(doc)
	}
	for _, p := range s.problems {
		attrs := []any{"problem", p.Message, "severity", p.Severity.String()}
		if p.Flag != "" {
			attrs = append(attrs, "flag", p.Flag)
		}
		if p.Path != "" {
			attrs = append(attrs, "path", p.Path)
		}
		c.cfg.logger.Warn("flags: definitions loaded with a problem", attrs...)
	}
	c.loadMu.Lock()
	defer c.loadMu.Unlock()
	c.swap(l)
	if !persist || c.cfg.persistPath == "" {
		return nil
	}
	meta := persistMeta{ETag: l.etag, FetchedAt: l.at, Source: l.source}
	err = writePersisted(c.cfg.persistPath, doc, meta)
	if err != nil {
		c.cfg.logger.Error("flags: persisting the definitions failed; serving them anyway", "path", c.cfg.persistPath, "error", err)
	}
	c.recordPersist(err)
	return nil
}

// Reload refreshes the definitions now and returns the outcome: it polls
// PostHog if the client has a poller, otherwise it rereads the file source.
// It returns [ErrNoSource] when there is neither.
func (c *Client) Reload(ctx context.Context) error {
	if c.ctx.Err() != nil {
		return ErrClosed
	}
	switch {
	case c.poller != nil:
		// Closing the client cancels the reload too.
		ctx, stop := context.WithCancel(ctx)
		defer stop()
		unlink := context.AfterFunc(c.ctx, stop)
		defer unlink()
		return c.poll(ctx).err
	case c.files != nil:
		return c.red.error(c.checkFile())
	}
	return ErrNoSource
}

// Snapshot returns the definitions the client currently serves, or nil
// before the first load. A Snapshot is immutable.
func (c *Client) Snapshot() *Snapshot { return c.snap.Load() }

// HandlerCloseWait is how long Close waits for an update handler (see
// [WithUpdateHandler]) that is still running.
const HandlerCloseWait = 5 * time.Second

// Close stops every goroutine of the client and cancels a request in
// flight. Evaluation keeps working on the last definitions. It is safe to
// call more than once.
//
// No goroutine outlives Close but one: an update handler that is still
// running after [HandlerCloseWait]. Close then returns an error saying so,
// and the handler's goroutine ends when the handler returns; it is not
// called again.
func (c *Client) Close() error {
	var errs []error
	c.closeOnce.Do(func() {
		if c.exp != nil {
			errs = append(errs, c.closeExposures())
		}
		c.cancel()
		c.wg.Wait()
		if c.cfg.ownHTTPClient {
			c.cfg.poller.HTTPClient.CloseIdleConnections()
		}
		if c.cfg.ownCaptureClient {
			c.cfg.capture.HTTPClient.CloseIdleConnections()
		}
		if c.exp != nil && !closedWithin(c.exp.done, c.cfg.handlerWait) {
			errs = append(errs, fmt.Errorf("flags: Close: the exposure handler was still running after %v; not waiting for it", c.cfg.handlerWait))
		}
		if c.handlerDone != nil && !closedWithin(c.handlerDone, c.cfg.handlerWait) {
			errs = append(errs, fmt.Errorf("flags: Close: the update handler was still running after %v; not waiting for it", c.cfg.handlerWait))
		}
	})
	return errors.Join(errs...)
}

// closedWithin waits at most d for done to close and reports whether it did.
func closedWithin(done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// closeExposures stops taking exposures and delivers the queued ones within
// CaptureConfig.CloseTimeout (HandlerCloseWait without capture). What is
// still queued after that is counted as dropped and reported.
func (c *Client) closeExposures() error {
	x := c.exp
	x.closed.Store(true)
	wait := c.cfg.handlerWait
	if x.capture != nil {
		wait = x.capture.cfg.CloseTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := x.flushExposures(ctx)
	if err == nil {
		return nil
	}
	undelivered := len(x.queue)
	if x.capture != nil {
		pending, _, _, _, _ := x.capture.stats()
		undelivered += pending
	}
	x.dropped.Add(uint64(undelivered))
	return fmt.Errorf("flags: Close: %d exposures were not delivered: %w", undelivered, err)
}

// Flush delivers every exposure queued before it: to the exposure handler,
// and with [WithCapture] to PostHog, retrying as the capture sender does.
// It returns nil once all of them are delivered; an error that says how
// many were dropped when PostHog refused some for good; or, when ctx is
// done first, ctx's error with the capture sender's last error. Without
// exposures it returns nil at once.
func (c *Client) Flush(ctx context.Context) error {
	if c.exp == nil {
		return nil
	}
	if c.ctx.Err() != nil {
		return ErrClosed
	}
	return c.exp.flushExposures(ctx)
}

// IsEnabled reports whether the flag is on for user: true for true or any
// variant, false otherwise, including when the flag is inconclusive or
// unknown. With exposures on (see [WithCapture]), it sends the flag's
// exposure unless ctx comes from [WithoutExposure]; that check is the only
// use of ctx, and nothing in the call blocks.
//
// It does not allocate, with these exceptions:
//   - a filter the user's own value leaves undecided (a version or a date
//     that does not parse, a value of an unsupported type or over the
//     MaxValue limits) allocates its cause: two allocations;
//   - a flag whose dependency is undecided allocates its cause, which
//     names the dependency's;
//   - a composite property value whose spelling is longer than 128 bytes
//     (a list compared with exact, say) is spelled on the heap;
//   - a regex filter whose pattern is too large for a DFA, reading a
//     property that is not a string, copies the property's spelling.
func (c *Client) IsEnabled(ctx context.Context, key string, user User) bool {
	s, f, set := c.find(key)
	if f == nil {
		c.unevaluatedCall(ctx, s, set, key, &user)
		return unevaluated(key, s, set).Enabled
	}
	if f.plain && f.filtered == 0 && c.exp == nil {
		return f.plainValue(user.DistinctID).on // nothing to note or send
	}
	v, cause := c.decide(s, f, &user)
	ok := cause == nil && f.filtered == 0
	if cause != nil {
		c.noteInconclusive(key, cause)
	}
	if c.exp != nil {
		variant := ""
		if ok {
			variant = f.variantKey(v)
		}
		c.exp.observe(ctx, s, f, key, user.DistinctID, user.Groups, ok, v.on, variant)
	}
	return ok && v.on
}

// Variant returns the variant served to user, or "" when the flag is not a
// variant (true, false, inconclusive or unknown). It costs what IsEnabled
// costs, and sends the flag's exposure as IsEnabled does.
func (c *Client) Variant(ctx context.Context, key string, user User) string {
	s, f, set := c.find(key)
	if f == nil {
		c.unevaluatedCall(ctx, s, set, key, &user)
		return unevaluated(key, s, set).Variant
	}
	if f.plain && f.filtered == 0 && c.exp == nil {
		return f.variantKey(f.plainValue(user.DistinctID)) // nothing to note or send
	}
	v, cause := c.decide(s, f, &user)
	ok := cause == nil && f.filtered == 0
	if cause != nil {
		c.noteInconclusive(key, cause)
	}
	variant := ""
	if ok {
		variant = f.variantKey(v)
	}
	if c.exp != nil {
		c.exp.observe(ctx, s, f, key, user.DistinctID, user.Groups, ok, v.on, variant)
	}
	return variant
}

// Evaluate returns the full answer for one flag, with its payload, reason
// and, when no value could be decided, the error. Like IsEnabled, it sends
// the flag's exposure when exposures are on.
func (c *Client) Evaluate(ctx context.Context, key string, user User) Result {
	s, f, set := c.find(key)
	r := c.evaluate(s, f, set, key, &user, true)
	switch {
	case f == nil:
		if s != nil && set == nil {
			c.noteUnknown(key)
		}
	case r.Reason == ReasonInconclusive:
		e, _ := r.Err.(*inconclusiveError)
		c.noteInconclusive(key, e)
	}
	if c.exp != nil && set == nil {
		c.exp.observe(ctx, s, f, key, user.DistinctID, user.Groups, r.Conclusive(), r.Enabled, r.Variant)
	}
	return r
}

// EvaluateAll evaluates every flag the client serves for user. Flags
// filtered out by runtime or evaluation context are left out of the map.
// Dependencies, cohorts and property reads shared by several flags are
// evaluated once. Its only allocation is the map (a handful of allocations
// for its storage, about 230 B per flag); EvaluateAllInto reuses a map
// instead.
func (c *Client) EvaluateAll(ctx context.Context, user User) map[string]Result {
	return c.EvaluateAllInto(ctx, user, nil)
}

// EvaluateAllInto is EvaluateAll writing into dst, which it clears first,
// and returns; a nil dst is allocated. Reusing the map from call to call
// makes the evaluation itself allocation-free for flags whose answers need
// no allocation (see IsEnabled).
func (c *Client) EvaluateAllInto(ctx context.Context, user User, dst map[string]Result) map[string]Result {
	s := c.snap.Load()
	set := c.overrides.Load()
	if dst == nil {
		n := 0
		if s != nil {
			n = len(s.flags)
		}
		dst = make(map[string]Result, n)
	} else {
		clear(dst)
	}
	if s != nil {
		ev := newEvaluator(s, &user, c.cfg.now)
		// The cohort and property tables have an entry per cohort, or per
		// property key, for each property view (the person and each group
		// type). Past maxDense entries the evaluation uses the sparse cohort
		// memo of a single evaluation and reads the user's maps each time.
		cohorts, props := len(s.cohorts)*s.views, s.propKeys*s.views
		if cohorts > maxDense {
			cohorts = 0
		}
		if props > maxDense {
			props = 0
		}
		scratch := getDense(len(s.flags), cohorts, props)
		ev.memo.dense, ev.memo.filled = scratch.flags, scratch.flagsSet
		if cohorts > 0 {
			ev.cohortMemo.views = int32(s.views)
			ev.cohortMemo.dense, ev.cohortMemo.filled = scratch.cohorts, scratch.cohortsSet
		}
		if props > 0 {
			scratch.props.keys = int32(s.propKeys)
			ev.props = &scratch.props
		}
		for i := range s.flags {
			f := &s.flags[i]
			if f.filtered != 0 || f.shadowed {
				continue
			}
			dst[f.key] = ev.result(f, true)
		}
		putDense(scratch)
	}
	if set != nil {
		for k := range *set {
			dst[k] = set.result(k, s)
		}
	}
	return dst
}

// dense is EvaluateAllInto's per-call memo of flags and cohorts, pooled so
// that a bulk evaluation allocates nothing in the steady state.
type dense struct {
	flags      []stored
	flagsSet   []bool
	cohorts    []stored
	cohortsSet []bool
	props      propCache
}

var densePool sync.Pool

// maxDense bounds the cohort and property tables of a bulk evaluation
// (1.8 MiB of property entries), so a document with thousands of group
// types cannot make EvaluateAll allocate without bound.
const maxDense = 1 << 15

func getDense(flags, cohorts, props int) *dense {
	d, _ := densePool.Get().(*dense)
	if d == nil || cap(d.flags) < flags || cap(d.cohorts) < cohorts || cap(d.props.entries) < props {
		return &dense{flags: make([]stored, flags), flagsSet: make([]bool, flags),
			cohorts: make([]stored, cohorts), cohortsSet: make([]bool, cohorts),
			props: propCache{entries: make([]propEntry, props)}}
	}
	d.flags, d.flagsSet = d.flags[:flags], d.flagsSet[:flags]
	d.cohorts, d.cohortsSet = d.cohorts[:cohorts], d.cohortsSet[:cohorts]
	d.props.entries = d.props.entries[:props]
	clear(d.flagsSet)
	clear(d.cohortsSet)
	return d
}

// putDense returns d to the pool, first dropping the property values it
// holds, so the pool does not keep a user's data alive.
func putDense(d *dense) {
	clear(d.props.entries)
	densePool.Put(d)
}

// evaluate is the Result for the flag find resolved key to.
func (c *Client) evaluate(s *Snapshot, f *flag, set *overrideSet, key string, user *User, withPayload bool) Result {
	if f == nil {
		return unevaluated(key, s, set)
	}
	if f.plain && f.filtered == 0 {
		return f.resultOf(decided(f.plainValue(user.DistinctID)), withPayload)
	}
	ev := newEvaluator(s, user, c.cfg.now)
	return ev.result(f, withPayload)
}

// find resolves key to the flag to evaluate, with its snapshot. It returns
// a nil flag when the answer needs no evaluation: an override (set is then
// the override set that has it), no definitions yet, or no such flag;
// unevaluated gives that answer from what find loaded, so one call sees one
// override set and one snapshot.
func (c *Client) find(key string) (s *Snapshot, f *flag, set *overrideSet) {
	s = c.snap.Load()
	if set = c.overrides.Load(); set != nil {
		if _, ok := (*set)[key]; ok {
			return s, nil, set
		}
	}
	if s == nil {
		return nil, nil, nil
	}
	if i, ok := s.byKey[key]; ok {
		return s, &s.flags[i], nil
	}
	return s, nil, nil
}

// unevaluated is the answer for a key find resolved to no flag.
func unevaluated(key string, s *Snapshot, set *overrideSet) Result {
	switch {
	case set != nil:
		return set.result(key, s)
	case s == nil:
		return Result{Key: key, Reason: ReasonNotReady, Condition: -1, Err: ErrNotReady}
	}
	return Result{Key: key, Reason: ReasonNotFound, Condition: -1, Err: ErrNotFound}
}

// decide evaluates f for user, and returns the cause when f is undecided.
// A flag filtered out comes back with its zero value and no cause.
func (c *Client) decide(s *Snapshot, f *flag, user *User) (v value, cause *inconclusiveError) {
	switch {
	case f.filtered != 0:
		return value{}, nil
	case f.plain:
		return f.plainValue(user.DistinctID), nil
	}
	ev := newEvaluator(s, user, c.cfg.now)
	a := ev.traced(f)
	if a.failed() {
		return a.value, a.fail.cause
	}
	return a.value, nil
}

// unevaluatedCall notes a single-flag call that found no flag to evaluate:
// an unknown key is counted (and logged once), and its exposure sent.
func (c *Client) unevaluatedCall(ctx context.Context, s *Snapshot, set *overrideSet, key string, user *User) {
	if set != nil {
		return // an override
	}
	if s != nil {
		c.noteUnknown(key)
	}
	if c.exp != nil {
		c.exp.observe(ctx, s, nil, key, user.DistinctID, user.Groups, false, false, "")
	}
}
