package flags

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testProjectKey = "phc_project_key"
	testSecret     = "phs_very_secret_value_123"
)

// docOn is a definitions document with one flag "f", fully on, whose payload
// names the document's version, so a test can tell which one is served.
func docOn(version string) string {
	return `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"rollout_percentage":100}],"payloads":{"true":"\"` + version + `\""}}}]}`
}

// servedVersion is the version of the document the client serves for "f".
func servedVersion(c *Client) string {
	r := c.Evaluate(context.Background(), "f", User{DistinctID: "u"})
	return strings.Trim(string(r.Payload), `"`)
}

// fakeServer answers each request with the next queued handler; with none
// queued, it repeats the last one. It keeps the last request it saw.
type fakeServer struct {
	*httptest.Server
	mu      sync.Mutex
	queue   []http.HandlerFunc
	last    http.HandlerFunc
	request *http.Request
}

func newFakeServer(t *testing.T) *fakeServer {
	s := &fakeServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h := s.last
		if len(s.queue) > 0 {
			h, s.queue = s.queue[0], s.queue[1:]
			s.last = h
		}
		s.request = r.Clone(context.Background())
		s.mu.Unlock()
		if h == nil {
			http.Error(w, "no answer queued", http.StatusTeapot)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *fakeServer) then(hs ...http.HandlerFunc) {
	s.mu.Lock()
	s.queue = append(s.queue, hs...)
	s.mu.Unlock()
}

func (s *fakeServer) lastRequest() *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.request
}

func ok(doc, etag string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.Write([]byte(doc))
	}
}

func status(code int, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		if code == http.StatusPaymentRequired {
			w.Write([]byte(`{"type":"quota_limited","detail":"You have exceeded your feature flag request quota","code":"payment_required"}`))
		}
	}
}

// clock drives the poller: each wait the poller asks for is sent on waits,
// and the poller sleeps until the test calls tick.
type clock struct {
	waits chan time.Duration
	ticks chan struct{}
	rand  float64
}

func newClock() *clock {
	return &clock{waits: make(chan time.Duration, 64), ticks: make(chan struct{}), rand: 0}
}

func (k *clock) sleep(ctx context.Context, d time.Duration) error {
	select {
	case k.waits <- d:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-k.ticks:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// next returns the wait the poller asked for after its latest poll, so the
// poll has been applied when it returns.
func (k *clock) next(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-k.waits:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("the poller did not finish a poll") // a deadlock guard, not a timing assertion
		return 0
	}
}

// poll releases the poller for one more poll and returns the next wait.
func (k *clock) poll(t *testing.T) time.Duration {
	t.Helper()
	k.ticks <- struct{}{}
	return k.next(t)
}

func withClock(k *clock) Option {
	return func(c *config) error {
		c.sleep = k.sleep
		c.rand = func() float64 { return k.rand }
		return nil
	}
}

// withSleep replaces the wait between polls.
func withSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *config) error {
		c.sleep = sleep
		return nil
	}
}

// refusedURL is the address of a local port nothing listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// logBuffer collects log output safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func pollerConfig(url string) PollerConfig {
	return PollerConfig{Host: url, ProjectAPIKey: testProjectKey, SecretKey: testSecret, Interval: 30 * time.Second, Timeout: 2 * time.Second}
}

func startPolling(t *testing.T, srv *fakeServer, k *clock, opts ...Option) *Client {
	t.Helper()
	c, err := New(append([]Option{WithPoller(pollerConfig(srv.URL)), withClock(k)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestPoll200Then304(t *testing.T) {
	srv := newFakeServer(t)
	srv.then(ok(docOn("v1"), `"etag-1"`), status(http.StatusNotModified, "ETag", `"etag-2"`), status(http.StatusNotModified))
	k := newClock()
	c := startPolling(t, srv, k)
	if d := k.next(t); d != 30*time.Second {
		t.Errorf("wait after a success: %v, want the interval", d)
	}
	<-c.Ready()
	r := srv.lastRequest()
	if r.URL.Path != "/flags/definitions" || r.URL.Query().Get("token") != testProjectKey || !strings.Contains(r.URL.RawQuery, "send_cohorts") {
		t.Errorf("request URL %s", r.URL)
	}
	if r.Header.Get("Authorization") != "Bearer "+testSecret || r.Header.Get("If-None-Match") != "" {
		t.Errorf("first request headers %v", r.Header)
	}
	st := c.Status()
	if st.Source != SourcePoll || st.ETag != `"etag-1"` || st.Flags != 1 || servedVersion(c) != "v1" {
		t.Fatalf("after 200: %+v, serving %q", st, servedVersion(c))
	}

	k.poll(t)
	if got := srv.lastRequest().Header.Get("If-None-Match"); got != `"etag-1"` {
		t.Errorf("If-None-Match %q, want the ETag of the 200", got)
	}
	if st := c.Status(); st.ETag != `"etag-2"` || st.Source != SourcePoll || servedVersion(c) != "v1" {
		t.Errorf("after a 304 with a new ETag: %+v", st)
	}
	k.poll(t)
	if got := srv.lastRequest().Header.Get("If-None-Match"); got != `"etag-2"` {
		t.Errorf("If-None-Match %q, want the ETag refreshed by the 304", got)
	}
	if st := c.Status(); st.ETag != `"etag-2"` || st.ConsecutiveFailures != 0 || st.CheckedAt.IsZero() {
		t.Errorf("after a 304 without an ETag: %+v", st)
	}
}

func TestPollETagChange(t *testing.T) {
	srv := newFakeServer(t)
	srv.then(ok(docOn("v1"), `"a"`), ok(docOn("v2"), `"b"`), status(http.StatusNotModified))
	k := newClock()
	c := startPolling(t, srv, k)
	k.next(t)
	if servedVersion(c) != "v1" {
		t.Fatal("v1 not served")
	}
	k.poll(t)
	if servedVersion(c) != "v2" || c.Status().ETag != `"b"` {
		t.Errorf("after a new document: serving %q, %+v", servedVersion(c), c.Status())
	}
	k.poll(t)
	if got := srv.lastRequest().Header.Get("If-None-Match"); got != `"b"` {
		t.Errorf("If-None-Match %q after the ETag changed", got)
	}
}

// TestPollFailures injects each kind of failure after a good poll: the last
// good definitions must still be served and Status must say what happened.
func TestPollFailures(t *testing.T) {
	refused := refusedURL(t)
	cut := func(w http.ResponseWriter, r *http.Request) {
		doc := docOn("v2")
		w.Header().Set("Content-Length", fmt.Sprint(len(doc)))
		w.Write([]byte(doc[:len(doc)/2]))
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	for _, tc := range []struct {
		name        string
		answer      http.HandlerFunc
		host        string // instead of the server
		wantErr     string
		wantIs      error
		quota, auth bool
		wantWait    time.Duration // with rand 0.5 (no jitter), after one failure
	}{
		{name: "401", answer: status(401), wantIs: ErrUnauthorized, auth: true, wantWait: 60 * time.Second},
		{name: "403", answer: status(403), wantIs: ErrUnauthorized, auth: true, wantWait: 60 * time.Second},
		{name: "402", answer: status(402), wantIs: ErrQuotaLimited, quota: true, wantWait: 30 * time.Second},
		{name: "429 with Retry-After", answer: status(429, "Retry-After", "120"), wantErr: "HTTP 429", wantWait: 120 * time.Second},
		{name: "500", answer: status(500), wantErr: "HTTP 500", wantWait: 60 * time.Second},
		{name: "body cut mid-stream", answer: cut, wantErr: "reading the definitions", wantWait: 60 * time.Second},
		{name: "body over the limit", answer: ok(docOn("v2")+strings.Repeat(" ", 4096), `"big"`), wantErr: "exceed the 4096-byte limit", wantWait: 60 * time.Second},
		{name: "garbage JSON", answer: ok(`{"flags": [nonsense`, `"bad"`), wantErr: "not valid JSON", wantWait: 60 * time.Second},
		{name: "no flags field", answer: ok(`{"detail": "oops"}`, `"bad"`), wantErr: `no "flags" field`, wantWait: 60 * time.Second},
		{name: "slower than Timeout", answer: slow, wantErr: "deadline exceeded", wantWait: 60 * time.Second},
		{name: "connection refused", host: refused, wantErr: "connection refused", wantWait: 60 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t)
			srv.then(ok(docOn("v1"), `"v1"`), tc.answer)
			k := newClock()
			var logs logBuffer
			cfg := pollerConfig(srv.URL)
			cfg.Timeout = 200 * time.Millisecond
			cfg.MaxBodyBytes = 4096
			c, err := New(WithPoller(cfg), withClock(k), WithLogger(logs.logger()))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			k.next(t)
			if tc.host != "" {
				c.poller.url = strings.Replace(c.poller.url, srv.URL, tc.host, 1)
			}
			wait := k.poll(t)

			if servedVersion(c) != "v1" {
				t.Errorf("the last good definitions are not served: %q", servedVersion(c))
			}
			st := c.Status()
			if st.LastError == nil || st.ConsecutiveFailures != 1 || st.LastErrorAt.IsZero() {
				t.Fatalf("status does not report the failure: %+v", st)
			}
			if tc.wantIs != nil && !errors.Is(st.LastError, tc.wantIs) {
				t.Errorf("LastError %v, want %v", st.LastError, tc.wantIs)
			}
			if !strings.Contains(st.LastError.Error(), tc.wantErr) {
				t.Errorf("LastError %q, want it to mention %q", st.LastError, tc.wantErr)
			}
			if st.QuotaLimited != tc.quota || st.Unauthorized != tc.auth {
				t.Errorf("QuotaLimited %v, Unauthorized %v", st.QuotaLimited, st.Unauthorized)
			}
			if st.Source != SourcePoll || st.ETag != `"v1"` {
				t.Errorf("the status of the served definitions changed: %+v", st)
			}
			if wait != tc.wantWait {
				t.Errorf("next wait %v, want %v", wait, tc.wantWait)
			}
			// A manual reload meets the same answer: its error must say so
			// without the secret either.
			rerr := c.Reload(context.Background())
			same := rerr != nil && (tc.wantIs != nil && errors.Is(rerr, tc.wantIs) ||
				tc.wantErr != "" && strings.Contains(rerr.Error(), tc.wantErr))
			if !same {
				t.Errorf("Reload: %v, want the same failure", rerr)
			}
			secretFree(t, logs.String(), fmt.Sprintf("%+v", st), st.LastError.Error(), fmt.Sprint(rerr), fmt.Sprintf("%+v", c.Status()))
		})
	}
}

// secretFree fails if any text contains the secret key.
func secretFree(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, testSecret) {
			t.Errorf("the secret key leaked: %s", s)
		}
	}
}

// TestBackoff asserts the growth, the cap and the jitter of the wait
// between polls without sleeping: the clock hook records each wait.
func TestBackoff(t *testing.T) {
	srv := newFakeServer(t)
	srv.then(status(500))
	k := newClock()
	var logs logBuffer
	c := startPolling(t, srv, k, WithLogger(logs.logger()))
	want := []time.Duration{60, 120, 240, 300, 300, 300}
	for i, w := range want {
		var d time.Duration
		if i == 0 {
			d = k.next(t)
		} else {
			d = k.poll(t)
		}
		if d != w*time.Second {
			t.Errorf("wait after failure %d: %v, want %v", i+1, d, w*time.Second)
		}
	}
	if n := c.Status().ConsecutiveFailures; n != len(want) {
		t.Errorf("ConsecutiveFailures %d, want %d", n, len(want))
	}
	if n := strings.Count(logs.String(), "polling PostHog failed"); n != 1 {
		t.Errorf("the failure was logged %d times, want once per change of state", n)
	}
	// Jitter: the wait is shortened by up to 10%, never lengthened.
	k.rand = 0.5
	if d := k.poll(t); d != 285*time.Second {
		t.Errorf("middle jitter: %v, want 285s", d)
	}
	k.rand = 0.999999
	if d := k.poll(t); d <= 270*time.Second || d > 271*time.Second {
		t.Errorf("most jitter: %v, want just over 270s", d)
	}
	// A success resets the backoff.
	k.rand = 0
	srv.then(ok(docOn("v1"), ""))
	if d := k.poll(t); d != 30*time.Second {
		t.Errorf("wait after recovering: %v", d)
	}
	if st := c.Status(); st.ConsecutiveFailures != 0 || st.LastError == nil {
		t.Errorf("after recovering: %+v", st)
	}
	if !strings.Contains(logs.String(), "works again") {
		t.Error("recovery was not logged")
	}
	// The interval between good polls is jittered too, so fleets drift
	// apart, but never beyond the interval.
	k.rand = 0.999999
	srv.then(status(http.StatusNotModified))
	if d := k.poll(t); d <= 27*time.Second || d > 28*time.Second {
		t.Errorf("interval with the most jitter: %v, want just over 27s", d)
	}
	for _, r := range []float64{0, 0.25, 0.5, 0.75, 0.999999} {
		k.rand = r
		if d := c.nextPoll(pollOutcome{}); d > 30*time.Second || d < 27*time.Second {
			t.Errorf("rand %v: a wait of %v for the 30s interval", r, d)
		}
	}
	// A Retry-After shorter than the backoff does not shorten it.
	k.rand = 0
	srv.then(status(429, "Retry-After", "1"))
	if d := k.poll(t); d != 60*time.Second {
		t.Errorf("wait after a 429 asking for 1s: %v, want the 60s backoff", d)
	}
}

func TestUnauthorizedLoggedOncePerChange(t *testing.T) {
	srv := newFakeServer(t)
	srv.then(status(401), status(401), status(401), ok(docOn("v1"), ""), status(403))
	k := newClock()
	var logs logBuffer
	startPolling(t, srv, k, WithLogger(logs.logger()))
	k.next(t)
	for i := 0; i < 4; i++ {
		k.poll(t)
	}
	out := logs.String()
	if n := strings.Count(out, "level=ERROR msg=\"flags: PostHog refused the keys"); n != 2 {
		t.Errorf("unauthorized logged %d times at error level, want 2 (once per change of state):\n%s", n, out)
	}
	secretFree(t, out)
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	if d := retryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now); d != 90*time.Second {
		t.Errorf("Retry-After as a date: %v", d)
	}
	for h, want := range map[string]time.Duration{"": 0, "-5": 0, "junk": 0, "7": 7 * time.Second, "999999": maxRetryAfter} {
		if d := retryAfter(h, now); d != want {
			t.Errorf("Retry-After %q: %v, want %v", h, d, want)
		}
	}
}

func TestReload(t *testing.T) {
	srv := newFakeServer(t)
	srv.then(ok(docOn("v1"), ""))
	k := newClock()
	c := startPolling(t, srv, k)
	k.next(t)
	srv.then(ok(docOn("v2"), ""))
	if err := c.Reload(context.Background()); err != nil || servedVersion(c) != "v2" {
		t.Errorf("Reload: %v, serving %q", err, servedVersion(c))
	}
	srv.then(status(401))
	if err := c.Reload(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Reload on 401: %v", err)
	}
	c.Close()
	if err := c.Reload(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Reload after Close: %v", err)
	}
	plain := newTestClient(t, docOn("v1"))
	if err := plain.Reload(context.Background()); !errors.Is(err, ErrNoSource) {
		t.Errorf("Reload without a source: %v", err)
	}
}

func TestWaitReady(t *testing.T) {
	srv := newFakeServer(t)
	srv.then(status(500))
	k := newClock()
	c := startPolling(t, srv, k)
	k.next(t)
	if r := c.Evaluate(context.Background(), "f", User{DistinctID: "u"}); r.Reason != ReasonNotReady {
		t.Errorf("before the first load: %v", r.Reason)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.WaitReady(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitReady with a done context: %v", err)
	}
	srv.then(ok(docOn("v1"), ""))
	k.ticks <- struct{}{}
	if err := c.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	if servedVersion(c) != "v1" {
		t.Error("ready but not serving")
	}
	k.next(t)
}

// TestCloseCancelsInFlight closes a client whose request hangs: Close must
// return (the request is canceled) and no goroutine may remain (TestMain
// checks with goleak).
func TestCloseCancelsInFlight(t *testing.T) {
	entered := make(chan struct{})
	var once sync.Once
	srv := newFakeServer(t)
	srv.then(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(entered) })
		<-r.Context().Done()
	})
	c, err := New(WithPoller(PollerConfig{Host: srv.URL, ProjectAPIKey: testProjectKey, SecretKey: testSecret, Timeout: time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	<-entered
	done := make(chan struct{})
	go func() {
		c.Close()
		c.Close() // twice is safe
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not cancel the request in flight")
	}
	if r := c.Evaluate(context.Background(), "f", User{}); r.Reason != ReasonNotReady {
		t.Errorf("after Close: %v", r.Reason)
	}
}

// TestSwapsDuringEvaluation runs 8 goroutines evaluating continuously while
// the poller swaps snapshots every few milliseconds. In every document,
// "child" is on exactly when "parent" has that document's variant, so an
// evaluation that mixed two snapshots would see child off.
func TestSwapsDuringEvaluation(t *testing.T) {
	var n atomic.Int64
	srv := newFakeServer(t)
	srv.then(func(w http.ResponseWriter, r *http.Request) {
		v := "a"
		if n.Add(1)%2 == 0 {
			v = "b"
		}
		w.Write([]byte(swapDoc(v)))
	})
	fast := withSleep(func(ctx context.Context, d time.Duration) error { return sleep(ctx, 2*time.Millisecond) })
	c, err := New(WithPoller(pollerConfig(srv.URL)), fast)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := User{DistinctID: "u"}
	var evals atomic.Int64
	stop := startReaders(8, func() bool {
		all := c.EvaluateAll(ctx, u)
		p := all["parent"]
		if !c.IsEnabled(ctx, "child", u) || !all["child"].Enabled || string(p.Payload) != `"`+p.Variant+`"` {
			t.Errorf("an evaluation mixed snapshots: %+v", all)
			return false
		}
		// Leave the poller some CPU on a small machine.
		if evals.Add(1)%64 == 0 {
			time.Sleep(100 * time.Microsecond)
		}
		return true
	})
	for n.Load() < 60 {
		time.Sleep(time.Millisecond)
	}
	if stop() == 0 {
		t.Fatal("no evaluation ran")
	}
	t.Logf("%d evaluations across %d swaps", evals.Load(), n.Load())
}
