package flags

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
)

// Tests of the hardening of the lifecycle: persistence ordered with the
// swaps, temporary files swept, every file read bounded, a 304 with nothing
// loaded, the keys kept out of all text and off redirects, and the
// handler, Retry-After, ETag, empty-document and cohort-chain corners.

// persistedDoc reads the document in the persistence file at path.
func persistedDoc(t *testing.T, path string) []byte {
	t.Helper()
	p, err := readPersisted(path, MaxDocumentBytes)
	if err != nil {
		t.Fatal(err)
	}
	return p.doc
}

// TestPersistenceFollowsTheSwaps races a Load against a file-source reload
// 1,000 times: after both return, the persisted file must hold the
// document served, or a restart would serve different definitions.
func TestPersistenceFollowsTheSwaps(t *testing.T) {
	dir := t.TempDir()
	src, persist := filepath.Join(dir, "source.json"), filepath.Join(dir, "flags.json")
	if err := os.WriteFile(src, []byte(docOn("file-start")), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := New(WithFileSource(src, time.Hour), WithPersistence(persist))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rounds := 1000
	if testing.Short() {
		rounds = 100
	}
	disagreements := 0
	for i := range rounds {
		if err := os.WriteFile(src, []byte(docOn(fmt.Sprint("file-", i))), 0o644); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Add(2)
		go func() { defer wg.Done(); errs[0] = c.Reload(context.Background()) }()
		go func() { defer wg.Done(); errs[1] = c.Load([]byte(docOn(fmt.Sprint("load-", i)))) }()
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v", i, errors.Join(errs...))
		}
		if xxhash.Sum64(persistedDoc(t, persist)) != c.Status().Fingerprint {
			disagreements++
		}
	}
	if disagreements != 0 {
		t.Errorf("in %d of %d rounds the persisted file held other definitions than those served", disagreements, rounds)
	}
}

const persistLoopEnv = "LOCALFLAGS_PERSIST_LOOP"

// TestSweepAfterKill kills a process that keeps persisting large documents,
// again and again: each kill can leave a temporary file, and the next New
// with the same persistence path must remove it.
func TestSweepAfterKill(t *testing.T) {
	if path := os.Getenv(persistLoopEnv); path != "" {
		persistForever(t, path)
		return
	}
	if testing.Short() {
		t.Skip("kills processes; skipped in -short mode")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "flags.json")
	kills, interrupted := 25, 0
	for i := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSweepAfterKill$", "-test.count=1")
		cmd.Env = append(os.Environ(), persistLoopEnv+"="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it once it is writing, after a first complete write, at a
		// point that varies from round to round.
		mine := ".tmp-" + strconv.Itoa(cmd.Process.Pid) + "-"
		waitFor(t, func() bool {
			return fileExists(path) && strings.Contains(strings.Join(tempFiles(t, dir), " "), mine)
		})
		time.Sleep(time.Duration(i%5) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		if len(tempFiles(t, dir)) > 0 {
			interrupted++
		}
		c, err := New(WithPersistence(path))
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if left := tempFiles(t, dir); len(left) > 0 {
			t.Fatalf("kill %d: New left %v", i, left)
		}
		if c.Snapshot() == nil {
			t.Fatalf("kill %d: the persisted definitions did not load", i)
		}
	}
	// The test proves nothing unless kills did interrupt writes.
	if interrupted == 0 {
		t.Fatalf("none of %d kills interrupted a write", kills)
	}
	t.Logf("%d of %d kills left a temporary file, and New removed each", interrupted, kills)
}

// persistForever loads and persists 1 MiB documents until it is killed.
func persistForever(t *testing.T, path string) {
	c, err := New(WithPersistence(path))
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", 1<<20)
	for i := 0; ; i++ {
		doc := `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"rollout_percentage":100}],"payloads":{"true":"\"` + strconv.Itoa(i) + pad + `\""}}}]}`
		if err := c.Load([]byte(doc)); err != nil {
			t.Fatal(err)
		}
	}
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// waitFor polls cond until it holds; the bound only catches a deadlock.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the condition never held")
		}
	}
}

// TestSweepKeepsLiveWrites: a temporary file that a live process may still
// be writing survives the sweep until it is stale; those of dead processes,
// and stale ones, go.
func TestSweepKeepsLiveWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flags.json")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true(1) to make a dead process id:", err)
	}
	now := time.Now()
	files := map[string]bool{ // name -> swept
		".flags.json.tmp-" + strconv.Itoa(dead.Process.Pid) + "-1": true,  // its writer is gone
		".flags.json.tmp-" + strconv.Itoa(os.Getppid()) + "-2":     false, // a live writer
		".flags.json.tmp-" + strconv.Itoa(os.Getpid()) + "-3":      false, // this process: maybe another client
		".flags.json.tmp-123456789":                                false, // the old naming, fresh
		".flags.json.tmp-987654321":                                true,  // the old naming, stale
		".other.json.tmp-" + strconv.Itoa(dead.Process.Pid) + "-4": false, // another path's
	}
	for name := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := now.Add(-2 * staleTemp)
	if err := os.Chtimes(filepath.Join(dir, ".flags.json.tmp-987654321"), old, old); err != nil {
		t.Fatal(err)
	}
	if n := sweepTemp(path, now); n != 2 {
		t.Errorf("swept %d files, want 2", n)
	}
	for name, swept := range files {
		if fileExists(filepath.Join(dir, name)) == swept {
			t.Errorf("%s: swept %v, want %v", name, !swept, swept)
		}
	}
}

// TestFileReadsBounded points every file option at /dev/zero, an endless
// file, and at a sparse file one byte over the limit: each must be refused,
// never read into memory whole.
func TestFileReadsBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxDocumentBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	zero := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/dev/zero", big} {
		if _, err := New(WithSnapshotFile(path)); err == nil || !strings.Contains(err.Error(), "larger than the limit") {
			t.Errorf("WithSnapshotFile(%s): %v, want an error naming the limit", path, err)
		}
		c, err := New(WithFileSource(path, time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if st := c.Status(); st.LastError == nil || !strings.Contains(st.LastError.Error(), "larger than the limit") || c.Snapshot() != nil {
			t.Errorf("WithFileSource(%s): %v", path, st.LastError)
		}
		c.Close()
	}
	var logs logBuffer
	c, err := New(WithPersistence(zero), WithLogger(logs.logger()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Snapshot() != nil || !strings.Contains(logs.String(), "larger than the limit") {
		t.Errorf("WithPersistence on /dev/zero: loaded %v, logged %s", c.Snapshot() != nil, logs.String())
	}
	// The first write replaces the link with a real file.
	if err := c.Load([]byte(docOn("v1"))); err != nil {
		t.Fatal(err)
	}
	if got := string(persistedDoc(t, zero)); got != docOn("v1") {
		t.Errorf("persisted %q", got)
	}
	// At the limit itself a document is read (and then rejected by the
	// compiler for not being JSON, not for its size).
	if err := os.Truncate(big, MaxDocumentBytes); err != nil {
		t.Fatal(err)
	}
	if _, err := New(WithSnapshotFile(big)); err == nil || strings.Contains(err.Error(), "limit") {
		t.Errorf("a file at the limit: %v, want a JSON error", err)
	}
}

// Test304WithNothingLoaded: a server that only ever answers 304 must not
// look healthy: the client has nothing to serve.
func Test304WithNothingLoaded(t *testing.T) {
	srv := newFakeServer(t)
	srv.then(status(http.StatusNotModified, "ETag", `"v1"`))
	c, err := New(WithPoller(pollerConfig(srv.URL)), withSleep(func(ctx context.Context, _ time.Duration) error {
		<-ctx.Done()
		return ctx.Err()
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 1; i <= 2; i++ {
		err := c.Reload(context.Background())
		if !errors.Is(err, errNothingModified) {
			t.Fatalf("Reload %d: %v, want the 304 reported as an error", i, err)
		}
		if inm := srv.lastRequest().Header.Get("If-None-Match"); inm != "" {
			t.Errorf("Reload %d sent If-None-Match %q with nothing loaded", i, inm)
		}
	}
	st := c.Status()
	if !errors.Is(st.LastError, errNothingModified) || st.ConsecutiveFailures < 2 || !st.CheckedAt.IsZero() || st.ETag != "" {
		t.Errorf("Status after 304s with nothing loaded: %+v", st)
	}
	select {
	case <-c.Ready():
		t.Error("the client is ready with nothing loaded")
	default:
	}
	// Once definitions are loaded, a 304 confirms them.
	srv.then(ok(docOn("v1"), `"v1"`), status(http.StatusNotModified, "ETag", `"v1"`))
	if err := c.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.Reload(context.Background()); err != nil || c.Status().ConsecutiveFailures != 0 {
		t.Errorf("a 304 after a 200: %v, %+v", err, c.Status())
	}
}

// keysFree fails if any text holds the secret or the project key.
func keysFree(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, testSecret) || strings.Contains(s, testProjectKey) {
			t.Errorf("%s: a key leaked: %.400s", what, s)
		}
	}
}

// TestKeysNeverInText runs a server that echoes the Authorization header
// and the token into flag keys, a property key, filter values and a
// dependency: the keys must show in no log line, warning, error, cause or
// explanation.
func TestKeysNeverInText(t *testing.T) {
	srv := newFakeServer(t)
	echo := func(w http.ResponseWriter, r *http.Request) {
		auth, token := r.Header.Get("Authorization"), r.URL.Query().Get("token")
		q := func(s string) string { return strconv.Quote(s) }
		fmt.Fprintf(w, `{"flags":[
		  {"key":%s,"active":true,"filters":{"groups":[{"properties":[{"key":%s,"value":"x"}]}]}},
		  {"key":%s,"active":true,"filters":{"groups":[{"rollout_percentage":100}]}},
		  {"key":%s,"active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"semver_gt","value":%s}]}]}},
		  {"key":"dep","active":true,"filters":{"groups":[{"properties":[{"key":%s,"type":"flag","operator":"flag_evaluates_to","value":true,"dependency_chain":[%s]}]}]}},
		  {"key":%s,"active":true,"filters":{"groups":[{"properties":[{"key":"p","operator":%s,"value":"x"}]}]}}]}`,
			q(auth), q("prop "+token), q(token), q("ver"), q(auth), q(auth), q(auth), q(token), q("op "+auth))
	}
	var logs logBuffer
	srv.then(echo)
	c, err := New(WithPoller(pollerConfig(srv.URL)), WithLogger(logs.logger()), withSleep(func(ctx context.Context, _ time.Duration) error {
		<-ctx.Done()
		return ctx.Err()
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.Snapshot().Len() != 4 {
		t.Fatalf("the echoed document has %d flags: %v", c.Snapshot().Len(), c.Snapshot().Warnings())
	}
	ctx := context.Background()
	u := User{DistinctID: "u", Properties: map[string]any{"v": "not a version", "p": "x"}}
	var texts []string
	for _, key := range []string{"Bearer " + testSecret, testProjectKey, "ver", "dep"} {
		r := c.Evaluate(ctx, key, u)
		if r.Err == nil {
			t.Errorf("%s: %+v, want an inconclusive cause to check", key, r)
		}
		texts = append(texts, errMsg(r.Err), c.Explain(ctx, key, u).String())
		for _, r := range c.EvaluateAll(ctx, u) {
			texts = append(texts, errMsg(r.Err))
		}
	}
	// A failing poll: a transport error quotes the URL, which holds the
	// project key.
	srv.Close()
	rerr := c.Reload(ctx)
	if rerr == nil {
		t.Fatal("Reload against a closed server succeeded")
	}
	st := c.Status()
	texts = append(texts, rerr.Error(), st.LastError.Error(), fmt.Sprintf("%+v", st), logs.String())
	texts = append(texts, c.Snapshot().Warnings()...)
	keysFree(t, "client text", texts...)
	if !strings.Contains(logs.String(), redacted) || !strings.Contains(strings.Join(st.Warnings, "\n"), redacted) {
		t.Errorf("the echoed keys should show as %s in the logs and warnings:\n%s\n%v", redacted, logs.String(), st.Warnings)
	}
	_, _, ferr := FetchDefinitions(ctx, pollerConfig(refusedURL(t)))
	if ferr == nil {
		t.Fatal("FetchDefinitions from a refused port succeeded")
	}
	keysFree(t, "FetchDefinitions", ferr.Error())
}

// TestRedactedErrorsMatch: a redacted error still matches what the
// original matched.
func TestRedactedErrorsMatch(t *testing.T) {
	r := newRedactor(testSecret, testProjectKey)
	orig := fmt.Errorf("poll %s: %w", testProjectKey, context.DeadlineExceeded)
	err := r.error(orig)
	if err.Error() != "poll "+redacted+": "+context.DeadlineExceeded.Error() || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%q, Is DeadlineExceeded %v", err, errors.Is(err, context.DeadlineExceeded))
	}
	if errors.Unwrap(err) != nil {
		t.Error("a redacted error unwraps to its unredacted text")
	}
	plain := errors.New("nothing secret")
	if r.error(plain) != plain || r.string("x") != "x" || (*redactor)(nil).string(testSecret) != testSecret {
		t.Error("text without a key must pass through unchanged")
	}
	if newRedactor("", "") != nil {
		t.Error("no keys, no redactor")
	}
}

// TestRedirectsKeepTheSecret: the secret goes to the host and port it was
// configured for, and never over plain http after https.
func TestRedirectsKeepTheSecret(t *testing.T) {
	var otherAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization"))
		w.Write([]byte(docOn("other-port")))
	}))
	defer other.Close()
	var sameAuth atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("/flags/definitions", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/moved?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		sameAuth.Store(r.Header.Get("Authorization"))
		http.Redirect(w, r, other.URL+"/flags/definitions?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	doc, _, err := FetchDefinitions(context.Background(), pollerConfig(srv.URL))
	if err != nil || string(doc) != docOn("other-port") {
		t.Fatalf("fetch through the redirects: %q, %v", doc, err)
	}
	if got := sameAuth.Load(); got != "Bearer "+testSecret {
		t.Errorf("a redirect on the same host and port lost the secret: %q", got)
	}
	if got := otherAuth.Load(); got != "" {
		t.Errorf("a redirect to another port received Authorization %q", got)
	}

	// https to http is refused before any request is sent.
	var plainHits atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { plainHits.Add(1) }))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer tlsSrv.Close()
	userChecks := 0
	hc := tlsSrv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { userChecks++; return nil }
	cfg := pollerConfig(tlsSrv.URL)
	cfg.HTTPClient = hc
	if _, _, err := FetchDefinitions(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "from https to http") {
		t.Errorf("https to http: %v, want it refused", err)
	}
	if plainHits.Load() != 0 || userChecks != 0 {
		t.Errorf("the http server got %d requests, the user's CheckRedirect %d calls", plainHits.Load(), userChecks)
	}
	if hc.CheckRedirect == nil || cfg.HTTPClient != hc {
		t.Error("the caller's client was modified")
	}
	// The caller's CheckRedirect still runs for redirects the guard lets
	// through.
	hc2 := srv.Client()
	calls := 0
	hc2.CheckRedirect = func(*http.Request, []*http.Request) error { calls++; return nil }
	cfg2 := pollerConfig(srv.URL)
	cfg2.HTTPClient = hc2
	if _, _, err := FetchDefinitions(context.Background(), cfg2); err != nil || calls != 2 {
		t.Errorf("with the caller's CheckRedirect: %v, %d calls, want 2", err, calls)
	}
}

// TestCloseWithBlockedHandler: an update handler that never returns costs
// Close a bounded wait, and an error that says so.
func TestCloseWithBlockedHandler(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	var once sync.Once
	c, err := New(WithSnapshot([]byte(docOn("v1"))), WithUpdateHandler(func(Status) {
		once.Do(func() { close(entered) })
		<-release
	}), func(c *config) error { c.handlerWait = 50 * time.Millisecond; return nil })
	if err != nil {
		t.Fatal(err)
	}
	<-entered
	if err := c.Close(); err == nil || !strings.Contains(err.Error(), "update handler") {
		t.Errorf("Close with a blocked handler: %v", err)
	}
	close(release)
	<-c.handlerDone // the handler's goroutine ends with the handler
	if err := c.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

func TestRetryAfterClamped(t *testing.T) {
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	for h, want := range map[string]time.Duration{
		"":                              0,
		"-5":                            0,
		"0":                             0,
		"120":                           2 * time.Minute,
		" 60 ":                          time.Minute,
		"3600":                          maxRetryAfter,
		"9223372036":                    maxRetryAfter, // overflows time.Duration once multiplied by a second
		"9223372036854775807":           maxRetryAfter,
		"99999999999999999999":          maxRetryAfter, // overflows int64
		"-99999999999999999999":         0,
		"soon":                          0,
		"Sun, 15 Jun 2025 12:00:30 GMT": 30 * time.Second,
		"Fri, 31 Dec 9999 23:59:59 GMT": maxRetryAfter,
	} {
		if got := retryAfter(h, now); got != want {
			t.Errorf("Retry-After %q: %v, want %v", h, got, want)
		}
	}
}

// TestPersistedETagLossless: an ETag is stored byte for byte, so the first
// poll after a restart still gets its 304.
func TestPersistedETagLossless(t *testing.T) {
	for _, etag := range []string{`"v1"`, `W/"caf` + "\xe9" + `"`, `"ünïcödé ☃"`, "\xff\xfe", `"a<b>&c` + "\u2028" + `"`} {
		t.Run(hex.EncodeToString([]byte(etag)), func(t *testing.T) {
			p, err := decodePersisted(encodePersisted([]byte(docOn("v1")), persistMeta{ETag: etag, Source: SourcePoll}))
			if err != nil || p.meta.ETag != etag {
				t.Fatalf("round trip: %q, %v", p.meta.ETag, err)
			}
			path := filepath.Join(t.TempDir(), "flags.json")
			srv := newFakeServer(t)
			srv.then(ok(docOn("v1"), etag))
			c := startPolling(t, srv, newClock(), WithPersistence(path))
			if err := c.WaitReady(context.Background()); err != nil {
				t.Fatal(err)
			}
			c.Close()
			var sent atomic.Value
			srv.then(func(w http.ResponseWriter, r *http.Request) {
				sent.Store(r.Header.Get("If-None-Match"))
				w.WriteHeader(http.StatusNotModified)
			})
			k := newClock()
			c2 := startPolling(t, srv, k, WithPersistence(path))
			k.next(t)
			if got, _ := sent.Load().(string); got != etag {
				t.Errorf("after a restart, If-None-Match %q, want %q", got, etag)
			}
			if st := c2.Status(); st.ConsecutiveFailures != 0 || st.Source != SourcePersisted {
				t.Errorf("Status: %+v", st)
			}
		})
	}
}

// TestEmptiedDefinitionsNoticed: a 200 that takes the client from some
// flags to none is served, and said loudly.
func TestEmptiedDefinitionsNoticed(t *testing.T) {
	var logs logBuffer
	got := make(chan Status, 4)
	c, err := New(WithSnapshot([]byte(docOn("v1"))), WithLogger(logs.logger()), WithUpdateHandler(func(st Status) { got <- st }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Load([]byte(`{"flags":[]}`)); err != nil {
		t.Fatal(err)
	}
	want := "hold no flags; the definitions they replaced held 1"
	if w := strings.Join(c.Status().Warnings, "\n"); !strings.Contains(w, want) || c.Status().Flags != 0 {
		t.Errorf("Status().Warnings = %q", w)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), want) {
		t.Errorf("not logged at warn level: %s", logs.String())
	}
	for heard := false; !heard; {
		select {
		case st := <-got:
			heard = strings.Contains(strings.Join(st.Warnings, "\n"), want)
		case <-time.After(10 * time.Second): // a deadlock guard, not a timing assertion
			t.Fatal("the update handler never heard of the emptied definitions")
		}
	}
	// Empty again is no news.
	logs = logBuffer{}
	if err := c.Load([]byte(`{"flags":[]}`)); err != nil {
		t.Fatal(err)
	}
	if len(c.Status().Warnings) != 0 {
		t.Errorf("empty after empty: %q", c.Status().Warnings)
	}
}

const cohortChainEnv = "LOCALFLAGS_COHORT_CHAIN"

// TestCohortChainNeedsNoStack compiles a chain of 100,000 cohorts, each
// including the next, with the goroutine stack capped at 4 MiB: the depth
// analysis must not recurse along the chain. A stack overflow is fatal, so
// the compile runs in a subprocess.
func TestCohortChainNeedsNoStack(t *testing.T) {
	if os.Getenv(cohortChainEnv) != "" {
		debug.SetMaxStack(4 << 20)
		const n = 100_000
		var b strings.Builder
		b.WriteString(`{"flags":[{"key":"f","active":true,"filters":{"groups":[{"properties":[{"key":"id","type":"cohort","value":0}]}]}}],"cohorts":{`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			next := `{"key":"plan","type":"person","value":"pro"}`
			if i+1 < n {
				next = `{"key":"id","type":"cohort","value":` + strconv.Itoa(i+1) + `}`
			}
			fmt.Fprintf(&b, `"%d":{"type":"AND","values":[%s]}`, i, next)
		}
		b.WriteString(`}}`)
		c := newTestClient(t, b.String())
		r := c.Evaluate(context.Background(), "f", User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}})
		if r.Reason != ReasonInconclusive || !strings.Contains(errMsg(r.Err), "MaxNesting") {
			t.Fatalf("a 100,000-cohort chain: %+v, want inconclusive over MaxNesting", r)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCohortChainNeedsNoStack$", "-test.count=1")
	cmd.Env = append(os.Environ(), cohortChainEnv+"=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compiling the chain: %v\n%s", err, tail(out))
	}
}

// TestEachCauseIsComplete finds, by reflection, every cause a compiled
// snapshot holds, and requires eachCause to visit each: a cause field it
// missed would escape redaction.
func TestEachCauseIsComplete(t *testing.T) {
	var docs [][]byte
	for _, path := range []string{"testdata/snapshot.json", "testdata/validate/problems.json", "testdata/realistic-1000.json"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	docs = append(docs, []byte(hostileDoc()), []byte(`{"group_type_mapping":{},"flags":[
	  {"key":"g","active":true,"filters":{"aggregation_group_type_index":7,"groups":[{}]}},
	  {"key":"b","active":true,"filters":{"groups":"not a list"}},
	  {"key":"c","active":true,"filters":{"groups":[{"properties":[{"key":"id","type":"cohort","value":1},{"key":"id","type":"cohort","value":3}]}]}},
	  {"key":"d","active":true,"filters":{"groups":[{"properties":[{"key":"nope","type":"flag","operator":"flag_evaluates_to","value":true,"dependency_chain":[]}]}]}},
	  {"key":"e","active":true,"filters":{"groups":[{"properties":[{"key":"n","operator":"exact","value":5},{"key":"r","operator":"regex","value":"(?<=x)"},{"key":"q","operator":"nope"}]}]}}],
	  "cohorts":{"1":{"type":"AND","values":[{"key":"id","type":"cohort","value":1}]},"3":{"type":"XOR","values":[]}}}`))
	for i, doc := range docs {
		s, err := compile(doc, compileOptions{runtime: RuntimeAll})
		if err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		visited := map[*inconclusiveError]bool{}
		s.eachCause(func(c **inconclusiveError) {
			if *c != nil {
				visited[*c] = true
			}
		})
		found := map[*inconclusiveError]bool{}
		findCauses(reflect.ValueOf(s), found, map[uintptr]bool{})
		if len(found) == 0 {
			t.Fatalf("document %d: no causes found; the reflection walk is broken", i)
		}
		for c := range found {
			if !visited[c] && !fixedCause(c) {
				t.Errorf("document %d: eachCause misses the cause %q", i, c.cause)
			}
		}
	}
}

// fixedCause reports whether c is one of the package's fixed causes, which
// hold no document text.
func fixedCause(c *inconclusiveError) bool {
	return c == unknownCause || c == continuity || c == noDeviceID
}

// findCauses collects every *inconclusiveError reachable from v.
func findCauses(v reflect.Value, found map[*inconclusiveError]bool, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		if v.Type() == reflect.TypeFor[*inconclusiveError]() {
			found[(*inconclusiveError)(v.UnsafePointer())] = true
			return
		}
		findCauses(v.Elem(), found, seen)
	case reflect.Struct:
		for i := range v.NumField() {
			findCauses(v.Field(i), found, seen)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			findCauses(v.Index(i), found, seen)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			findCauses(it.Value(), found, seen)
		}
	case reflect.Interface:
		findCauses(v.Elem(), found, seen)
	}
}
