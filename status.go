package flags

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Source says where the definitions a client serves came from.
type Source uint8

// The sources of definitions.
const (
	// SourceNone: nothing has been loaded yet.
	SourceNone Source = iota
	// SourceBootstrap: WithSnapshot or WithSnapshotFile.
	SourceBootstrap
	// SourcePersisted: the file written by WithPersistence, at startup.
	SourcePersisted
	// SourcePoll: a response from PostHog (WithPoller or Reload).
	SourcePoll
	// SourceFile: the file watched by WithFileSource.
	SourceFile
	// SourceLoad: a call to Client.Load.
	SourceLoad
)

var sourceNames = [...]string{"none", "bootstrap", "persisted", "poll", "file", "load"}

// String names the source, such as "poll".
func (s Source) String() string {
	if int(s) < len(sourceNames) {
		return sourceNames[s]
	}
	return fmt.Sprintf("Source(%d)", uint8(s))
}

// MarshalText returns the source as [Source.String] spells it.
func (s Source) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a source as [Source.String] spells it.
func (s *Source) UnmarshalText(b []byte) error {
	for i, name := range sourceNames {
		if string(b) == name {
			*s = Source(i)
			return nil
		}
	}
	return fmt.Errorf("flags: unknown source %q", b)
}

// Status describes the definitions a client serves and the health of the
// sources that keep them fresh. It never contains the secret key.
type Status struct {
	// Source is where the current definitions came from.
	Source Source
	// LoadedAt is when they were loaded (for SourcePoll, fetched).
	LoadedAt time.Time
	// ETag is PostHog's ETag for them, if any.
	ETag string
	// Fingerprint is the xxhash64 of the definitions document.
	Fingerprint uint64
	// Flags is the number of flags in them.
	Flags int
	// Warnings are the problems found when they were compiled, such as
	// malformed flags or duplicate keys, and a warning when they hold no
	// flags though the definitions they replaced held some. The slice is
	// shared: do not modify it.
	Warnings []string

	// LastError is the most recent failure to refresh, and LastErrorAt
	// its time. A success does not clear them; ConsecutiveFailures, which
	// counts failures since the last success, tells whether it is current.
	LastError           error
	LastErrorAt         time.Time
	ConsecutiveFailures int
	// QuotaLimited: PostHog's last answer was 402, over the feature flag
	// quota. The client keeps serving the last good definitions.
	QuotaLimited bool
	// Unauthorized: PostHog's last answer was 401 or 403. Check the keys.
	Unauthorized bool
	// CheckedAt is the last time a source confirmed the definitions: a 200
	// or 304 from PostHog, or a successful read of the file source.
	CheckedAt time.Time
	// NextPoll is when the poller will fetch next (zero without a poller).
	NextPoll time.Time

	// PersistError is the last failure to write the WithPersistence file,
	// and PersistErrorAt its time; PersistedAt is the last successful
	// write. The client goes on serving the definitions it loaded.
	PersistError   error
	PersistErrorAt time.Time
	PersistedAt    time.Time

	// UnknownKeys counts the evaluations of keys no flag of the
	// definitions has (a mistyped key, or a flag deleted in PostHog).
	// Each such key is also logged once, at warn level.
	UnknownKeys uint64

	// Exposures counts the $feature_flag_called events the client has
	// sent (see WithExposureHandler and WithCapture).
	Exposures ExposureStats
}

// ExposureStats counts a client's exposure events. Every exposure the client
// created is queued, handled or sent, or dropped.
type ExposureStats struct {
	// Queued are waiting to be handled or sent.
	Queued int
	// Handled were handed to the WithExposureHandler function.
	Handled uint64
	// Sent were accepted by PostHog's capture API.
	Sent uint64
	// Dropped were lost: the queue was full, PostHog refused them for
	// good, or they were still queued when Close stopped waiting. A
	// dropped exposure means PostHog may not count that user in that
	// experiment; the next call for the same user and value sends it again
	// when the queue was full.
	Dropped uint64
	// CaptureError is the capture sender's most recent failure, and
	// CaptureErrorAt its time. A later success does not clear them.
	CaptureError   error
	CaptureErrorAt time.Time
}

// MarshalJSON writes the status for health endpoints and logs: sources by
// name, errors as their messages, times in RFC 3339 (null when zero).
func (s Status) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Source              Source        `json:"source"`
		LoadedAt            *time.Time    `json:"loaded_at"`
		ETag                string        `json:"etag"`
		Fingerprint         string        `json:"fingerprint"`
		Flags               int           `json:"flags"`
		Warnings            []string      `json:"warnings"`
		LastError           *string       `json:"last_error"`
		LastErrorAt         *time.Time    `json:"last_error_at"`
		ConsecutiveFailures int           `json:"consecutive_failures"`
		QuotaLimited        bool          `json:"quota_limited"`
		Unauthorized        bool          `json:"unauthorized"`
		CheckedAt           *time.Time    `json:"checked_at"`
		NextPoll            *time.Time    `json:"next_poll"`
		PersistError        *string       `json:"persist_error"`
		PersistErrorAt      *time.Time    `json:"persist_error_at"`
		PersistedAt         *time.Time    `json:"persisted_at"`
		UnknownKeys         uint64        `json:"unknown_keys"`
		Exposures           ExposureStats `json:"exposures"`
	}{s.Source, timeOrNil(s.LoadedAt), s.ETag, fmt.Sprintf("%016x", s.Fingerprint), s.Flags, nonNil(s.Warnings),
		errText(s.LastError), timeOrNil(s.LastErrorAt), s.ConsecutiveFailures, s.QuotaLimited, s.Unauthorized,
		timeOrNil(s.CheckedAt), timeOrNil(s.NextPoll), errText(s.PersistError), timeOrNil(s.PersistErrorAt),
		timeOrNil(s.PersistedAt), s.UnknownKeys, s.Exposures})
}

// MarshalJSON writes the counts, with the capture error as its message.
func (e ExposureStats) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Queued         int        `json:"queued"`
		Handled        uint64     `json:"handled"`
		Sent           uint64     `json:"sent"`
		Dropped        uint64     `json:"dropped"`
		CaptureError   *string    `json:"capture_error"`
		CaptureErrorAt *time.Time `json:"capture_error_at"`
	}{e.Queued, e.Handled, e.Sent, e.Dropped, errText(e.CaptureError), timeOrNil(e.CaptureErrorAt)})
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Errors reported by the lifecycle; compare with [errors.Is].
var (
	// ErrNoSource is returned by Reload for a client with neither a poller
	// nor a file source.
	ErrNoSource = errors.New("flags: no poller or file source to reload from")
	// ErrClosed is returned by Reload after Close.
	ErrClosed = errors.New("flags: client is closed")
)

// WithUpdateHandler calls fn with the new status:
//
//   - after each change of definitions, from any source (and at New, when
//     it loaded some);
//   - after each failed load, poll or file read (Status.LastError says
//     what failed, Status.ConsecutiveFailures how often in a row);
//   - after the first success that follows failures: a poll answered 200
//     or 304, or a file read, with ConsecutiveFailures back at 0.
//
// Calls are made in order from one goroutine of the client's, never from
// the goroutine that loaded the definitions; if fn is slow, intermediate
// statuses are skipped and fn sees the latest. fn is not called after
// Close, which waits at most [HandlerCloseWait] for a call in progress.
func WithUpdateHandler(fn func(Status)) Option {
	return func(c *config) error {
		if fn == nil {
			return errors.New("flags: WithUpdateHandler: nil handler")
		}
		c.onUpdate = fn
		return nil
	}
}

// Status returns a copy of the client's current status. It takes short
// locks that evaluations never take.
func (c *Client) Status() Status {
	c.mu.Lock()
	st := c.status
	c.mu.Unlock()
	st.UnknownKeys = c.notes.unknownEvals.Load()
	if x := c.exp; x != nil {
		e := &st.Exposures
		e.Queued = len(x.queue)
		e.Handled, e.Dropped = x.handled.Load(), x.dropped.Load()
		if x.capture != nil {
			pending, sent, dropped, at, err := x.capture.stats()
			e.Queued += pending
			e.Sent, e.Dropped = sent, e.Dropped+dropped
			e.CaptureError, e.CaptureErrorAt = err, at
		}
	}
	return st
}

// Ready returns a channel that is closed at the first successful load of
// definitions from any source. With a bootstrap snapshot it is closed when
// New returns.
func (c *Client) Ready() <-chan struct{} { return c.ready }

// WaitReady blocks until the first definitions are loaded, or ctx is done,
// in which case it returns ctx's error.
func (c *Client) WaitReady(ctx context.Context) error {
	select {
	case <-c.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// loaded describes definitions about to be swapped in.
type loaded struct {
	snap        *Snapshot
	source      Source
	at          time.Time
	etag        string
	fingerprint uint64
}

// swap makes l the served definitions and records it. It is the one place
// the snapshot pointer changes after New.
func (c *Client) swap(l loaded) {
	prev := c.snap.Swap(l.snap)
	warnings := l.snap.warnings
	if prev != nil && prev.Len() > 0 && l.snap.Len() == 0 {
		// PostHog can mean it (every flag deleted), but it is more often a
		// broken deployment or proxy; it should not go unnoticed.
		w := fmt.Sprintf("the new definitions (source %s) hold no flags; the definitions they replaced held %d", l.source, prev.Len())
		c.cfg.logger.Warn("flags: "+w, "source", l.source, "previous_flags", prev.Len())
		warnings = append(slices.Clip(warnings), w)
	}
	c.mu.Lock()
	c.status.Source = l.source
	c.status.LoadedAt = l.at
	c.status.ETag = l.etag
	c.status.Fingerprint = l.fingerprint
	c.status.Flags = l.snap.Len()
	c.status.Warnings = warnings
	st := c.status
	c.mu.Unlock()
	c.readyOnce.Do(func() { close(c.ready) })
	c.notify(st)
}

// recordError notes a failure to refresh, and tells the update handler.
func (c *Client) recordError(err error) {
	err = c.red.error(err)
	c.mu.Lock()
	c.status.LastError = err
	c.status.LastErrorAt = c.cfg.now()
	c.status.ConsecutiveFailures++
	st := c.status
	c.mu.Unlock()
	c.notify(st)
}

// recordCheck notes that a source confirmed the definitions served, and
// tells the update handler when that ends a run of failures.
func (c *Client) recordCheck() {
	c.mu.Lock()
	recovered := c.status.ConsecutiveFailures > 0
	c.status.ConsecutiveFailures = 0
	c.status.CheckedAt = c.cfg.now()
	st := c.status
	c.mu.Unlock()
	if recovered {
		c.notify(st)
	}
}

// recordPersist notes the outcome of a write of the persistence file.
func (c *Client) recordPersist(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.status.PersistError, c.status.PersistErrorAt = c.red.error(err), c.cfg.now()
	} else {
		c.status.PersistedAt = c.cfg.now()
	}
}

// notify hands st to the update handler's goroutine without waiting: a
// status still pending there is replaced by the newer one.
func (c *Client) notify(st Status) {
	if c.updates == nil {
		return
	}
	for {
		select {
		case c.updates <- st:
			return
		default:
		}
		select {
		case <-c.updates: // drop the stale one
		default:
		}
	}
}

// runUpdates delivers statuses to the update handler until the client
// closes. It is not one of the goroutines Close waits for without a bound:
// the handler is the caller's code, and may block (see Client.Close).
func (c *Client) runUpdates(ctx context.Context) {
	defer close(c.handlerDone)
	for {
		select {
		case <-ctx.Done():
			return
		case st := <-c.updates:
			if ctx.Err() != nil {
				return
			}
			c.cfg.onUpdate(st)
		}
	}
}
