package flags

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// batchServer is a stand-in for PostHog's /batch/ endpoint that answers each
// request with the next fault of a script, and records the events of every
// request it accepted (a slow answer is accepted before it is cut off, so
// the client retries an event PostHog already has).
type batchServer struct {
	*httptest.Server
	mu       sync.Mutex
	faults   []string
	requests int
	seen     map[string]captureEvent // by UUID
	received int                     // events received, duplicates included
	badBody  error
}

func newBatchServer(t *testing.T, faults ...string) *batchServer {
	s := &batchServer{faults: faults, seen: map[string]captureEvent{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *batchServer) serve(w http.ResponseWriter, r *http.Request) {
	batch, err := readBatch(r)
	s.mu.Lock()
	fault := "ok"
	if len(s.faults) > 0 {
		fault = s.faults[s.requests%len(s.faults)]
	}
	s.requests++
	if err != nil && s.badBody == nil {
		s.badBody = err
	}
	accept := func() {
		for _, e := range batch {
			s.seen[e.UUID] = e
		}
		s.received += len(batch)
	}
	switch fault {
	case "ok", "slow-answer":
		accept()
	case "413":
		if len(batch) == 1 {
			accept()
			fault = "ok"
		}
	}
	s.mu.Unlock()
	switch fault {
	case "ok":
		w.Write([]byte(`{"status":1}`))
	case "500", "503", "400", "413":
		var code int
		fmt.Sscan(fault, &code)
		w.WriteHeader(code)
	case "429":
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	case "reset":
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok {
				tcp.SetLinger(0) // a reset, not a clean close
			}
			conn.Close()
		}
	case "timeout":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	case "slow-answer":
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 50 && r.Context().Err() == nil; i++ {
			w.Write([]byte(" "))
			w.(http.Flusher).Flush()
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// readBatch checks and decodes one /batch/ request.
func readBatch(r *http.Request) ([]captureEvent, error) {
	if r.Method != http.MethodPost || r.URL.Path != "/batch/" || r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Content-Type") != "application/json" {
		return nil, fmt.Errorf("request %s %s with headers %v", r.Method, r.URL.Path, r.Header)
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		return nil, err
	}
	var body struct {
		APIKey string         `json:"api_key"`
		Batch  []captureEvent `json:"batch"`
		SentAt string         `json:"sent_at"`
	}
	if err := json.NewDecoder(zr).Decode(&body); err != nil {
		return nil, err
	}
	if body.APIKey != testProjectKey || body.SentAt == "" {
		return nil, fmt.Errorf("api_key %q, sent_at %q", body.APIKey, body.SentAt)
	}
	for _, e := range body.Batch {
		if e.Event != ExposureEvent || e.UUID == "" || e.Timestamp == "" || e.Properties["$lib"] != libName {
			return nil, fmt.Errorf("event %+v", e)
		}
	}
	return body.Batch, nil
}

func (s *batchServer) delivered() (unique, received int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen), s.received, s.badBody
}

// fastRetries makes the capture sender's backoff waits a millisecond.
func fastRetries() Option {
	return withSleep(func(ctx context.Context, d time.Duration) error { return sleep(ctx, time.Millisecond) })
}

func captureClient(t *testing.T, cfg CaptureConfig, opts ...Option) *Client {
	t.Helper()
	if cfg.ProjectAPIKey == "" {
		cfg.ProjectAPIKey = testProjectKey
	}
	c, err := New(append([]Option{WithSnapshot([]byte(docOn("v1"))), WithCapture(cfg), fastRetries()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// expose makes n distinct exposures, from several goroutines.
func expose(c *Client, n int) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += 4 {
				c.IsEnabled(context.Background(), "f", User{DistinctID: fmt.Sprint("user-", i)})
			}
		}()
	}
	wg.Wait()
}

// TestCaptureFaults sends exposures through a server that fails in every
// way it can: each event queued while the queue had room must arrive at
// least once, and the drop counter must account for every other.
func TestCaptureFaults(t *testing.T) {
	srv := newBatchServer(t, "500", "429", "reset", "ok", "timeout", "413", "slow-answer", "503", "ok", "ok")
	c := captureClient(t, CaptureConfig{Host: srv.URL, BatchSize: 8, FlushInterval: 5 * time.Millisecond,
		QueueSize: 64, Timeout: 150 * time.Millisecond})
	const n = 600
	expose(c, n)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	st := c.Status().Exposures
	unique, received, bad := srv.delivered()
	if bad != nil {
		t.Fatalf("a malformed request: %v", bad)
	}
	if uint64(unique)+st.Dropped != n || st.Sent != uint64(unique) || st.Queued != 0 {
		t.Errorf("%d exposures: %d arrived (%d with duplicates), %d dropped, %d counted sent, %d queued", n, unique, received, st.Dropped, st.Sent, st.Queued)
	}
	if st.Dropped == 0 || unique < 64 {
		t.Errorf("the queue of 64 should both fill and deliver: %d arrived, %d dropped", unique, st.Dropped)
	}
	if st.CaptureError == nil {
		t.Error("the faults left no CaptureError")
	}
	t.Logf("%d exposures: %d arrived (%d received with retries' duplicates) in %d requests, %d dropped; last error: %v",
		n, unique, received, srv.requests, st.Dropped, st.CaptureError)
}

// TestCaptureRefusedBatch: a 400 cannot be fixed by retrying: the batch is
// dropped, counted, and Flush says so (for the batches it waited for: the
// full ones may have gone out, and been refused, before it was called).
func TestCaptureRefusedBatch(t *testing.T) {
	srv := newBatchServer(t, "400")
	c := captureClient(t, CaptureConfig{Host: srv.URL, BatchSize: 5, FlushInterval: time.Hour})
	defer c.Close()
	expose(c, 12)
	err := c.Flush(context.Background())
	if err == nil || !strings.Contains(err.Error(), "exposures were dropped") || !strings.Contains(err.Error(), "HTTP 400") {
		t.Errorf("Flush: %v", err)
	}
	if st := c.Status().Exposures; st.Dropped != 12 || st.Sent != 0 || srv.requests != 3 {
		t.Errorf("%+v after %d requests", st, srv.requests)
	}
}

// TestCaptureHalvesOn413: a 413 halves the batch until PostHog takes it.
func TestCaptureHalvesOn413(t *testing.T) {
	srv := newBatchServer(t, "413")
	c := captureClient(t, CaptureConfig{Host: srv.URL, BatchSize: 8, FlushInterval: time.Hour})
	defer c.Close()
	expose(c, 8)
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// 8 → 4+4 → 2+2+2+2 → eight single events: 1+2+4+8 requests.
	if unique, _, _ := srv.delivered(); unique != 8 || srv.requests != 15 {
		t.Errorf("%d events arrived in %d requests", unique, srv.requests)
	}
}

// TestCaptureCloseDeadline: a server that never answers costs Close its
// deadline, not more, and Close reports what it could not deliver.
func TestCaptureCloseDeadline(t *testing.T) {
	srv := newBatchServer(t, "timeout")
	c := captureClient(t, CaptureConfig{Host: srv.URL, BatchSize: 4, FlushInterval: time.Millisecond,
		Timeout: time.Hour, CloseTimeout: 100 * time.Millisecond})
	expose(c, 10)
	start := time.Now()
	err := c.Close()
	// The bound only catches a Close that ignores its deadline.
	if elapsed := time.Since(start); elapsed > 30*time.Second {
		t.Errorf("Close took %v with a 100ms deadline", elapsed)
	}
	if err == nil || !strings.Contains(err.Error(), "10 exposures were not delivered") {
		t.Errorf("Close: %v", err)
	}
	if st := c.Status().Exposures; st.Dropped != 10 || st.Sent != 0 {
		t.Errorf("after Close: %+v", st)
	}
}

// TestCaptureKeyNeverInErrors: the project key is in every request body,
// and in no error.
func TestCaptureKeyNeverInErrors(t *testing.T) {
	var logs logBuffer
	c := captureClient(t, CaptureConfig{Host: refusedURL(t) + "/" + testProjectKey, BatchSize: 1, FlushInterval: time.Millisecond,
		CloseTimeout: 50 * time.Millisecond}, WithLogger(logs.logger()))
	expose(c, 1)
	waitFor(t, func() bool { return c.Status().Exposures.CaptureError != nil })
	err := c.Close()
	keysFree(t, "capture", fmt.Sprint(c.Status().Exposures.CaptureError), fmt.Sprint(err), logs.String())
}

func TestCaptureConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{[]Option{WithCapture(CaptureConfig{})}, "ProjectAPIKey is required"},
		{[]Option{WithCapture(CaptureConfig{ProjectAPIKey: "k", Host: "ftp://x"})}, "not an http(s) URL"},
		{[]Option{WithCapture(CaptureConfig{ProjectAPIKey: "k", BatchSize: -1})}, "must not be negative"},
		{[]Option{WithExposureHandler(nil)}, "nil handler"},
		{[]Option{WithExposureCacheSize(0)}, "want at least 1"},
	} {
		if _, err := New(tc.opts...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v, want an error containing %q", err, tc.want)
		}
	}
	// The poller's host and key are the defaults.
	var c config
	for _, opt := range []Option{WithPoller(PollerConfig{Host: "https://eu.posthog.com", ProjectAPIKey: "phc_x", SecretKey: "phs_y"}), WithCapture(CaptureConfig{})} {
		if err := opt(&c); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.resolveCapture(); err != nil || c.capture.Host != "https://eu.i.posthog.com" || c.capture.ProjectAPIKey != "phc_x" ||
		c.capture.HTTPClient != c.poller.HTTPClient || c.capture.BatchSize != DefaultCaptureBatchSize {
		t.Errorf("%v, %+v", err, c.capture)
	}
}

// TestCaptureBackoff: the waits between retries grow, are capped, vary,
// and honour Retry-After.
func TestCaptureBackoff(t *testing.T) {
	srv := newBatchServer(t, "429", "500", "500", "500", "ok")
	var mu sync.Mutex
	var waits []time.Duration
	c, err := New(WithSnapshot([]byte(docOn("v1"))), WithCapture(CaptureConfig{Host: srv.URL, ProjectAPIKey: testProjectKey, BatchSize: 1}),
		withSleep(func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return nil
		}), func(c *config) error { c.rand = func() float64 { return 1 }; return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	expose(c, 1)
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []time.Duration{7 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v (Retry-After 7 first, then 1s·2^n)", waits, want)
	}
	s := &captureSender{rand: func() float64 { return 0 }}
	if d := s.backoff(0, 0); d != 500*time.Millisecond {
		t.Errorf("the least jittered first wait: %v", d)
	}
	if d := s.backoff(30, 0); d != maxCaptureBackoff/2 {
		t.Errorf("the least jittered capped wait: %v", d)
	}
}

// TestCaptureWithHandler: with both destinations, each gets its own event,
// so a handler that changes the properties races with nothing (run with
// -race) and changes nothing PostHog receives.
func TestCaptureWithHandler(t *testing.T) {
	srv := newBatchServer(t)
	c := captureClient(t, CaptureConfig{Host: srv.URL, BatchSize: 4, FlushInterval: time.Millisecond},
		WithExposureHandler(func(e Exposure) { e.Properties["$feature_flag"] = "changed by the handler" }))
	expose(c, 40)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.seen) != 40 {
		t.Fatalf("%d events arrived", len(srv.seen))
	}
	for _, e := range srv.seen {
		if e.Properties["$feature_flag"] != "f" {
			t.Fatalf("PostHog received %v", e.Properties)
		}
	}
	if st := c.Status().Exposures; st.Handled != 40 || st.Sent != 40 {
		t.Errorf("%+v", st)
	}
}
