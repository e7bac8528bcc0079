package flags

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// CaptureConfig configures the built-in sender of exposures to PostHog's
// capture API; pass it to [WithCapture]. Zero fields take the defaults
// given.
type CaptureConfig struct {
	// Host is PostHog's API host. The default is the poller's Host when
	// the client has a poller, else "https://us.i.posthog.com".
	Host string
	// ProjectAPIKey ("phc_...") identifies the project the events belong
	// to. The default is the poller's. It appears in no log line or error.
	ProjectAPIKey string
	// BatchSize is the most events one request carries; default 100.
	BatchSize int
	// FlushInterval is the longest an event waits for its batch to fill;
	// default 10s.
	FlushInterval time.Duration
	// QueueSize bounds the events waiting to be sent; default 10,000. An
	// exposure beyond it is dropped and counted in Status, never waited
	// for.
	QueueSize int
	// Timeout bounds one request; default 10s.
	Timeout time.Duration
	// CloseTimeout is how long Close waits to deliver what is queued;
	// default 5s.
	CloseTimeout time.Duration
	// HTTPClient sends the requests; default the poller's, or a client
	// like the poller's default one.
	HTTPClient *http.Client
}

// Defaults of CaptureConfig.
const (
	DefaultCaptureBatchSize     = 100
	DefaultCaptureFlushInterval = 10 * time.Second
	DefaultCaptureTimeout       = 10 * time.Second
	DefaultCaptureCloseTimeout  = 5 * time.Second
	// maxCaptureBackoff caps the wait between retries of one batch.
	maxCaptureBackoff = 30 * time.Second
)

// WithCapture sends every exposure to PostHog's capture API ({Host}/batch/)
// in the background, as posthog-node does: gzip-compressed batches, retried
// with exponential backoff and jitter after a network error, a timeout, a
// 429 or a 5xx (honouring Retry-After), halved after a 413, and dropped
// only on another 4xx, which retrying cannot fix. Every event carries a
// UUID, so PostHog counts an event that a retry delivered twice once.
// [Client.Flush] delivers what is queued, and Close does within
// CaptureConfig.CloseTimeout.
//
// Users of posthog-go can send exposures through their own client instead,
// with [WithExposureHandler].
func WithCapture(cfg CaptureConfig) Option {
	return func(c *config) error {
		if cfg.BatchSize < 0 || cfg.FlushInterval < 0 || cfg.QueueSize < 0 || cfg.Timeout < 0 || cfg.CloseTimeout < 0 {
			return errors.New("flags: WithCapture: sizes and durations must not be negative")
		}
		c.capture = &cfg
		return nil
	}
}

// resolveCapture fills in the defaults of c.capture, some of which come
// from the poller, once every option is applied.
func (c *config) resolveCapture() error {
	cfg := c.capture
	if cfg == nil {
		return nil
	}
	if cfg.Host == "" && c.poller != nil {
		cfg.Host = c.poller.Host
	}
	if cfg.Host == "" {
		cfg.Host = DefaultHost
	}
	host, err := apiHost(cfg.Host)
	if err != nil {
		return fmt.Errorf("flags: WithCapture: Host %q is not an http(s) URL", cfg.Host)
	}
	cfg.Host = host
	if cfg.ProjectAPIKey == "" && c.poller != nil {
		cfg.ProjectAPIKey = c.poller.ProjectAPIKey
	}
	if cfg.ProjectAPIKey == "" {
		return errors.New("flags: WithCapture: ProjectAPIKey is required without a poller")
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = DefaultCaptureBatchSize
	}
	if cfg.FlushInterval == 0 {
		cfg.FlushInterval = DefaultCaptureFlushInterval
	}
	if cfg.QueueSize == 0 {
		cfg.QueueSize = DefaultExposureQueueSize
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultCaptureTimeout
	}
	if cfg.CloseTimeout == 0 {
		cfg.CloseTimeout = DefaultCaptureCloseTimeout
	}
	if cfg.HTTPClient == nil && c.poller != nil {
		cfg.HTTPClient = c.poller.HTTPClient
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = defaultHTTPClient()
		c.ownCaptureClient = true
	}
	return nil
}

// captureSender batches exposures and posts them. Events wait in pending,
// bounded by QueueSize; one goroutine (run) takes them in batches.
type captureSender struct {
	cfg   CaptureConfig
	url   string
	red   *redactor
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	rand  func() float64
	log   func(msg string, args ...any)

	mu       sync.Mutex
	pending  []captureEvent
	inFlight int // events taken by run and not yet settled
	accepted uint64
	settled  uint64 // events sent or dropped, in order
	waiters  []flushWaiter
	lastErr  error
	lastAt   time.Time
	sent     uint64
	dropped  uint64
	// wake is poked when a batch is full or a flush waits.
	wake chan struct{}
}

// captureEvent is an event as the batch endpoint takes it.
type captureEvent struct {
	Event      string         `json:"event"`
	DistinctID string         `json:"distinct_id"`
	Properties map[string]any `json:"properties"`
	Timestamp  string         `json:"timestamp"`
	UUID       string         `json:"uuid"`
}

// flushWaiter is a Flush waiting for the events accepted before it.
type flushWaiter struct {
	upTo    uint64
	dropped uint64 // dropped when it began
	done    chan error
}

func newCaptureSender(cfg CaptureConfig, c *config, log func(string, ...any)) *captureSender {
	return &captureSender{
		cfg:   cfg,
		url:   cfg.Host + "/batch/",
		red:   newRedactor(cfg.ProjectAPIKey),
		now:   c.now,
		sleep: c.sleep,
		rand:  c.rand,
		log:   log,
		wake:  make(chan struct{}, 1),
	}
}

// add queues e, or drops it and counts it when the queue is full.
func (s *captureSender) add(e Exposure) {
	ce := captureEvent{Event: e.Event, DistinctID: e.DistinctID, Properties: e.Properties,
		Timestamp: e.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"), UUID: newUUID(e.Timestamp)}
	s.mu.Lock()
	if len(s.pending) >= s.cfg.QueueSize {
		s.dropped++
		s.mu.Unlock()
		return
	}
	s.pending = append(s.pending, ce)
	s.accepted++
	full := len(s.pending) >= s.cfg.BatchSize
	s.mu.Unlock()
	if full {
		s.poke()
	}
}

func (s *captureSender) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// flush answers done once every event accepted so far is settled: nil if
// all were sent, an error naming what was dropped otherwise.
func (s *captureSender) flush(done chan error) {
	s.mu.Lock()
	if s.settled == s.accepted {
		s.mu.Unlock()
		done <- nil
		return
	}
	s.waiters = append(s.waiters, flushWaiter{upTo: s.accepted, dropped: s.dropped, done: done})
	s.mu.Unlock()
	s.poke()
}

// stats returns the pending, sent and dropped counts, and the last error
// with its time.
func (s *captureSender) stats() (pending int, sent, dropped uint64, at time.Time, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending) + s.inFlight, s.sent, s.dropped, s.lastAt, s.lastErr
}

func (s *captureSender) lastError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

// run sends batches until ctx is done: a full batch at once, and whatever
// is pending when a flush waits or FlushInterval has passed.
func (s *captureSender) run(ctx context.Context) {
	t := time.NewTimer(s.cfg.FlushInterval)
	defer t.Stop()
	for {
		partial := false
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
			partial = true
			t.Reset(s.cfg.FlushInterval)
		}
		for s.sendNext(ctx, partial) {
		}
	}
}

// sendNext sends the oldest batch if it is full, or if partial or a flush
// waits, and reports whether it sent one.
func (s *captureSender) sendNext(ctx context.Context, partial bool) bool {
	s.mu.Lock()
	n := min(len(s.pending), s.cfg.BatchSize)
	if n == 0 || (n < s.cfg.BatchSize && !partial && len(s.waiters) == 0) {
		s.mu.Unlock()
		return false
	}
	batch := s.pending[:n:n]
	s.pending = s.pending[n:]
	s.inFlight = n
	s.mu.Unlock()

	sent, dropped, err := s.deliver(ctx, batch)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight = 0
	s.sent += uint64(sent)
	s.dropped += uint64(dropped)
	s.settled += uint64(sent + dropped)
	if err != nil {
		s.lastErr, s.lastAt = err, s.now()
	}
	if unsent := n - sent - dropped; unsent > 0 {
		// Closing: what was not sent goes back, in order, to be reported
		// as undelivered.
		s.pending = append(batch[n-unsent:], s.pending...)
		return false
	}
	s.answerWaiters()
	return true
}

// answerWaiters answers the flushes whose events are all settled. s.mu is
// held.
func (s *captureSender) answerWaiters() {
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		if s.settled < w.upTo {
			kept = append(kept, w)
			continue
		}
		var err error
		if d := s.dropped - w.dropped; d > 0 {
			err = fmt.Errorf("flags: %d exposures were dropped: %v", d, s.lastErr)
		}
		w.done <- err
	}
	s.waiters = kept
}

// deliver posts batch until PostHog takes it, refuses it for good, or ctx
// is done. It returns how many events were sent and dropped; the rest,
// unsent because ctx is done, are the batch's tail. A 413 halves the batch.
func (s *captureSender) deliver(ctx context.Context, batch []captureEvent) (sent, dropped int, err error) {
	for failures := 0; ; failures++ {
		status, wait, err := s.post(ctx, batch)
		switch {
		case err == nil && status/100 == 2:
			return len(batch), 0, nil
		case err == nil && status == http.StatusRequestEntityTooLarge:
			if len(batch) == 1 {
				return 0, 1, errors.New("flags: capture: PostHog refused an event as too large (HTTP 413)")
			}
			half := len(batch) / 2
			sa, da, errA := s.deliver(ctx, batch[:half])
			if sa+da < half {
				return sa, da, errA // ctx is done
			}
			sb, db, errB := s.deliver(ctx, batch[half:])
			return sa + sb, da + db, cmpOr(errB, errA)
		case err == nil && status/100 == 4 && status != http.StatusTooManyRequests && status != http.StatusRequestTimeout:
			return 0, len(batch), fmt.Errorf("flags: capture: PostHog refused a batch of %d events (HTTP %d)", len(batch), status)
		case err == nil:
			err = fmt.Errorf("flags: capture: PostHog answered HTTP %d", status)
		}
		if ctx.Err() != nil {
			return 0, 0, err
		}
		s.mu.Lock()
		s.lastErr, s.lastAt = err, s.now()
		s.mu.Unlock()
		if s.sleep(ctx, s.backoff(failures, wait)) != nil {
			return 0, 0, err
		}
	}
}

// cmpOr returns the first non-nil error.
func cmpOr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// backoff is the wait before retry n+1: 1s·2^n, capped at
// maxCaptureBackoff, with jitter over its upper half so that clients that
// failed together do not retry together, and never shorter than a
// Retry-After.
func (s *captureSender) backoff(n int, retryAfter time.Duration) time.Duration {
	d := time.Second
	for i := 0; i < n && d < maxCaptureBackoff; i++ {
		d *= 2
	}
	d = min(d, maxCaptureBackoff)
	d = time.Duration(float64(d) * (0.5 + 0.5*s.rand()))
	return max(d, retryAfter)
}

// post sends one batch request.
func (s *captureSender) post(ctx context.Context, batch []captureEvent) (status int, retryAfterWait time.Duration, err error) {
	body, err := encodeBatch(s.cfg.ProjectAPIKey, batch, s.now())
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, s.red.error(fmt.Errorf("flags: capture: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("User-Agent", userAgent)
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, 0, s.red.error(fmt.Errorf("flags: capture: %w", err))
	}
	defer resp.Body.Close()
	// The answer is not needed, but reading it (within a bound) lets the
	// connection be reused, and a body cut off midway is a failure.
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)); err != nil {
		return 0, 0, s.red.error(fmt.Errorf("flags: capture: reading the answer: %w", err))
	}
	return resp.StatusCode, retryAfter(resp.Header.Get("Retry-After"), s.now()), nil
}

// encodeBatch is the gzip-compressed JSON of one batch request.
func encodeBatch(apiKey string, batch []captureEvent, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	err := json.NewEncoder(zw).Encode(struct {
		APIKey string         `json:"api_key"`
		Batch  []captureEvent `json:"batch"`
		SentAt string         `json:"sent_at"`
	}{apiKey, batch, now.UTC().Format("2006-01-02T15:04:05.000Z")})
	if err != nil {
		// A handler cannot change the properties; only a value JSON
		// cannot hold (NaN, say, in a flag id) gets here.
		return nil, fmt.Errorf("flags: capture: encoding the batch: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newUUID is a version 7 UUID for an event at t, as posthog-node gives each
// event: 48 bits of milliseconds, then random bits.
func newUUID(t time.Time) string {
	var u [16]byte
	rand.Read(u[6:])
	ms := uint64(t.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = u[6]&0x0f | 0x70 // version 7
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}
