package flags

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
)

func TestPersistedRoundTrip(t *testing.T) {
	doc := []byte(docOn("v1"))
	meta := persistMeta{ETag: `"e1"`, FetchedAt: time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC), Source: SourcePoll}
	p, err := decodePersisted(encodePersisted(doc, meta))
	if err != nil {
		t.Fatal(err)
	}
	if string(p.doc) != string(doc) || p.meta.ETag != `"e1"` || !p.meta.FetchedAt.Equal(meta.FetchedAt) || p.meta.Source != SourcePoll {
		t.Errorf("round trip: %+v", p)
	}
}

// TestPersistedTruncatedAnywhere cuts the persisted file at every byte
// offset and flips every byte: each damaged file must be detected, and
// New, given it, must log the damage and ignore the file, never load part
// of it.
func TestPersistedTruncatedAnywhere(t *testing.T) {
	good := encodePersisted([]byte(goodDoc), persistMeta{ETag: `"e"`, FetchedAt: time.Now().UTC(), Source: SourcePoll})
	var damaged [][]byte
	for n := 0; n < len(good); n++ {
		damaged = append(damaged, good[:n])
	}
	for i := range good {
		b := append([]byte(nil), good...)
		b[i] ^= 0x20
		damaged = append(damaged, b)
	}
	for i, b := range damaged {
		if _, err := decodePersisted(b); err == nil {
			t.Fatalf("damaged file %d (of %d bytes) was accepted", i, len(b))
		}
	}
	path := filepath.Join(t.TempDir(), "flags.cache")
	for i := range damaged {
		if err := os.WriteFile(path, damaged[i], 0o600); err != nil {
			t.Fatal(err)
		}
		var logs logBuffer
		c, err := New(WithPersistence(path), WithLogger(logs.logger()))
		if err != nil {
			t.Fatal(err)
		}
		if c.Snapshot() != nil {
			t.Fatalf("damaged file %d was loaded", i)
		}
		if !strings.Contains(logs.String(), "ignoring the persisted definitions") {
			t.Fatalf("damaged file %d: not logged: %s", i, logs.String())
		}
		c.Close()
	}
	t.Logf("%d damaged files detected", len(damaged))
}

// TestRestartDuringOutage: a client persists what it polled; after a
// restart with the server unreachable, the persisted flags are served at
// once, and the persisted ETag is sent once the server is back.
func TestRestartDuringOutage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.cache")
	srv := newFakeServer(t)
	srv.then(ok(docOn("v1"), `"e1"`))
	k := newClock()
	c := startPolling(t, srv, k, WithPersistence(path))
	k.next(t)
	c.Close()

	down := refusedURL(t)
	k2 := newClock()
	c2, err := New(WithPoller(pollerConfig(down)), withClock(k2), WithPersistence(path), WithSnapshot([]byte(docOn("bootstrap"))))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	select {
	case <-c2.Ready():
	default:
		t.Fatal("not ready at once from the persisted file")
	}
	if servedVersion(c2) != "v1" {
		t.Errorf("serving %q, want the persisted v1 (it wins over the bootstrap)", servedVersion(c2))
	}
	st := c2.Status()
	if st.Source != SourcePersisted || st.ETag != `"e1"` {
		t.Errorf("status %+v", st)
	}
	k2.next(t) // the failed poll
	if servedVersion(c2) != "v1" || c2.Status().ConsecutiveFailures != 1 {
		t.Errorf("after a failed poll: %q %+v", servedVersion(c2), c2.Status())
	}

	up := newFakeServer(t)
	up.then(status(http.StatusNotModified))
	c2.poller.url = strings.Replace(c2.poller.url, down, up.URL, 1)
	k2.poll(t)
	if got := up.lastRequest().Header.Get("If-None-Match"); got != `"e1"` {
		t.Errorf("If-None-Match %q, want the persisted ETag", got)
	}
}

func TestPersistenceWritesEveryLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.cache")
	c := newTestClient(t, docOn("v1"), WithPersistence(path))
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("the bootstrap document should not be persisted")
	}
	if err := c.Load([]byte(docOn("v2"))); err != nil {
		t.Fatal(err)
	}
	p, err := readPersisted(path, MaxDocumentBytes)
	if err != nil || !strings.Contains(string(p.doc), "v2") || p.meta.Source != SourceLoad {
		t.Fatalf("persisted: %+v, %v", p.meta, err)
	}
	if err := c.Load([]byte("{")); err == nil {
		t.Fatal("bad document loaded")
	}
	if p, _ := readPersisted(path, MaxDocumentBytes); !strings.Contains(string(p.doc), "v2") {
		t.Error("a failed load overwrote the persisted file")
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestFileSource(t *testing.T) {
	path := filepath.Join(t.TempDir(), "defs.json")
	write := func(s string) uint64 {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return xxhash.Sum64([]byte(s))
	}
	setMtime := func(m time.Time) {
		t.Helper()
		if err := os.Chtimes(path, m, m); err != nil {
			t.Fatal(err)
		}
	}
	// Every reading of the clock is a new instant, so LoadedAt tells one
	// load from another.
	var ticks atomic.Int64
	base := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Second) }
	// The update handler never blocks: every status it is handed is kept,
	// and the test takes them in order.
	seen := make(chan Status, 64)
	nextUpdate := func(what string, fp uint64) {
		t.Helper()
		select {
		case u := <-seen:
			if u.Source != SourceFile || u.Fingerprint != fp {
				t.Errorf("%s: update %+v, want source file, fingerprint %x", what, u, fp)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no update", what) // a deadlock guard, not a timing assertion
		}
	}

	fp1 := write(docOn("v1"))
	k := newClock()
	var logs logBuffer
	c, err := New(WithFileSource(path, time.Second), withClock(k), WithClock(now), WithLogger(logs.logger()),
		WithUpdateHandler(func(s Status) { seen <- s }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if st := c.Status(); servedVersion(c) != "v1" || st.Source != SourceFile || st.Fingerprint == 0 || st.Fingerprint != fp1 || st.Flags != 1 {
		t.Fatalf("initial file: serving %q, %+v; want fingerprint %x (xxhash of the file)", servedVersion(c), st, fp1)
	}
	nextUpdate("initial file", fp1)
	k.next(t)

	fp2 := write(docOn("v2"))
	k.poll(t)
	if st := c.Status(); servedVersion(c) != "v2" || st.Fingerprint != fp2 || fp2 == fp1 {
		t.Errorf("a changed file: serving %q, %+v; want fingerprint %x", servedVersion(c), st, fp2)
	}
	nextUpdate("changed file", fp2)

	// The same content with a new mtime: no load, no update; the read
	// still confirms the definitions (CheckedAt).
	before, snap := c.Status(), c.Snapshot()
	write(docOn("v2"))
	setMtime(base.Add(time.Hour))
	k.poll(t)
	if st := c.Status(); c.Snapshot() != snap || !st.LoadedAt.Equal(before.LoadedAt) || st.Fingerprint != fp2 || !st.CheckedAt.After(before.CheckedAt) {
		t.Errorf("the same content: %+v, before %+v; want no new load, a new CheckedAt", st, before)
	}

	// New content of the same size, with the old mtime put back: a check
	// by mtime (and size) would miss it, the fingerprint does not.
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	fp3 := write(docOn("v3"))
	setMtime(fi.ModTime())
	if fi2, err := os.Stat(path); err != nil || !fi2.ModTime().Equal(fi.ModTime()) || fi2.Size() != fi.Size() {
		t.Fatalf("the mtime and size were not kept: %v, %v", fi2, err)
	}
	k.poll(t)
	if st := c.Status(); servedVersion(c) != "v3" || st.Fingerprint != fp3 || c.Snapshot() == snap || !st.LoadedAt.After(before.LoadedAt) {
		t.Errorf("a change behind the old mtime: serving %q, %+v", servedVersion(c), st)
	}
	// The next update is v3's: the unchanged rewrite sent none.
	nextUpdate("changed file with the old mtime", fp3)

	write(`{"flags": [`)
	k.poll(t)
	k.poll(t) // the same broken content: reported once
	if st := c.Status(); servedVersion(c) != "v3" || st.LastError == nil || st.ConsecutiveFailures != 1 || st.Fingerprint != fp3 {
		t.Errorf("after a broken file: serving %q, %+v", servedVersion(c), st)
	}
	if n := strings.Count(logs.String(), "reading the definitions file failed"); n != 1 {
		t.Errorf("the broken file was logged %d times", n)
	}
	// Failures reach the update handler too. A quick handler sees each; a
	// slow one may see only the latest, so the test waits for a state.
	awaitUpdate := func(what string, ok func(Status) bool) {
		t.Helper()
		for {
			select {
			case u := <-seen:
				if ok(u) {
					return
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: no such update", what) // a deadlock guard, not a timing assertion
			}
		}
	}
	awaitUpdate("the broken file", func(u Status) bool { return u.LastError != nil && u.ConsecutiveFailures == 1 && u.Fingerprint == fp3 })
	os.Remove(path)
	k.poll(t)
	if st := c.Status(); servedVersion(c) != "v3" || !errors.Is(st.LastError, os.ErrNotExist) || st.ConsecutiveFailures != 2 {
		t.Errorf("after the file vanished: %+v", st)
	}
	awaitUpdate("the vanished file", func(u Status) bool { return errors.Is(u.LastError, os.ErrNotExist) && u.ConsecutiveFailures == 2 })
	fp4 := write(docOn("v4"))
	if err := c.Reload(context.Background()); err != nil || servedVersion(c) != "v4" {
		t.Errorf("Reload of the file: %v, serving %q", err, servedVersion(c))
	}
	if st := c.Status(); st.Fingerprint != fp4 || st.ConsecutiveFailures != 0 {
		t.Errorf("after Reload: %+v", st)
	}
	// The recovery: the new definitions, and the failures over.
	awaitUpdate("Reload", func(u Status) bool {
		return u.Source == SourceFile && u.Fingerprint == fp4 && u.ConsecutiveFailures == 0
	})
	c.Close()
	select {
	case u := <-seen:
		t.Errorf("an update for no change of definitions: %+v", u)
	default:
	}
}

func TestFileSourceMissingAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.json")
	k := newClock()
	c, err := New(WithFileSource(path, time.Second), withClock(k))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Status().LastError == nil {
		t.Error("a missing file should be reported")
	}
	k.next(t)
	os.WriteFile(path, []byte(docOn("v1")), 0o644)
	k.poll(t)
	<-c.Ready()
	if servedVersion(c) != "v1" {
		t.Error("the file was not picked up once it appeared")
	}
}

// TestUpdateHandlerOffThePollPath blocks the update handler: polls and
// swaps must go on, and the handler then sees the latest status.
func TestUpdateHandlerOffThePollPath(t *testing.T) {
	release := make(chan struct{})
	seen := make(chan Status, 16)
	srv := newFakeServer(t)
	srv.then(ok(docOn("v1"), `"1"`), ok(docOn("v2"), `"2"`), ok(docOn("v3"), `"3"`))
	k := newClock()
	c := startPolling(t, srv, k, WithUpdateHandler(func(s Status) {
		<-release
		seen <- s
	}))
	k.next(t)
	k.poll(t)
	k.poll(t)
	if servedVersion(c) != "v3" {
		t.Fatal("a blocked update handler stalled the poller")
	}
	close(release)
	var last Status
	for last.ETag != `"3"` {
		select {
		case last = <-seen:
		case <-time.After(10 * time.Second):
			t.Fatal("the update handler never saw the latest status")
		}
	}
}

func TestLifecycleOptionErrors(t *testing.T) {
	for _, opt := range []Option{
		WithPoller(PollerConfig{}),
		WithPoller(PollerConfig{ProjectAPIKey: "p", SecretKey: testSecret, Host: "ftp://x"}),
		WithPoller(PollerConfig{ProjectAPIKey: "p", SecretKey: testSecret, Interval: -1}),
		WithPoller(PollerConfig{SecretKey: testSecret}),
		WithPersistence(""),
		WithFileSource("", time.Second),
		WithFileSource("x", 0),
		WithUpdateHandler(nil),
	} {
		if _, err := New(opt); err == nil {
			t.Error("a bad option was accepted")
		} else {
			secretFree(t, err.Error())
		}
	}
	for in, want := range map[string]string{
		"https://app.posthog.com/": "https://us.i.posthog.com",
		"https://eu.posthog.com":   "https://eu.i.posthog.com",
		"http://localhost:8000":    "http://localhost:8000",
	} {
		if got, err := apiHost(in); err != nil || got != want {
			t.Errorf("apiHost(%q) = %q, %v", in, got, err)
		}
	}
}
