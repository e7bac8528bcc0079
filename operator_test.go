package flags

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Tests of what an operator sees and of the traps taken out of the API.

func TestPersistenceIntoMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{
		filepath.Join(dir, "no-such-dir", "flags.json"),
		filepath.Join(dir, "a-file", "flags.json"),
	} {
		os.WriteFile(filepath.Join(dir, "a-file"), []byte("x"), 0o644)
		if _, err := New(WithPersistence(path)); err == nil || !strings.Contains(err.Error(), "cannot write in") {
			t.Errorf("%s: New: %v, want an error naming the directory", path, err)
		}
	}
	// A directory that goes away later: the failure shows in Status, and
	// the client serves what it loaded.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, docOn("v1"), WithPersistence(filepath.Join(sub, "flags.json")))
	if err := c.Load([]byte(docOn("v2"))); err != nil {
		t.Fatal(err)
	}
	if st := c.Status(); st.PersistError != nil || st.PersistedAt.IsZero() {
		t.Fatalf("after a good write: %+v", st)
	}
	if err := os.RemoveAll(sub); err != nil {
		t.Fatal(err)
	}
	if err := c.Load([]byte(docOn("v3"))); err != nil {
		t.Fatal(err)
	}
	if st := c.Status(); st.PersistError == nil || st.PersistErrorAt.IsZero() || servedVersion(c) != "v3" {
		t.Errorf("after a failed write: %+v, serving %q", st, servedVersion(c))
	}
}

// TestUpdateHandlerHearsFailures: a failing poll and the recovery reach the
// handler, not only changes of definitions.
func TestUpdateHandlerHearsFailures(t *testing.T) {
	srv := newFakeServer(t)
	srv.then(status(500), status(500), ok(docOn("v1"), `"1"`), status(http.StatusNotModified))
	k := newClock()
	got := make(chan Status, 16)
	startPolling(t, srv, k, WithUpdateHandler(func(st Status) { got <- st }))
	await := func(what string, ok func(Status) bool) {
		t.Helper()
		for {
			select {
			case st := <-got:
				if ok(st) {
					return
				}
			case <-time.After(10 * time.Second): // a deadlock guard, not a timing assertion
				t.Fatalf("no update for %s", what)
			}
		}
	}
	k.next(t)
	await("the first failure", func(st Status) bool { return st.ConsecutiveFailures == 1 && st.LastError != nil })
	k.poll(t)
	await("the second failure", func(st Status) bool { return st.ConsecutiveFailures == 2 })
	k.poll(t)
	await("the recovery", func(st Status) bool { return st.ConsecutiveFailures == 0 && st.Source == SourcePoll })
}

func TestPollFailureLogWording(t *testing.T) {
	for _, tc := range []struct {
		bootstrap bool
		want      string
	}{{false, "no definitions to serve yet"}, {true, "serving the last good definitions"}} {
		srv := newFakeServer(t)
		srv.then(status(500))
		var logs logBuffer
		opts := []Option{WithLogger(logs.logger())}
		if tc.bootstrap {
			opts = append(opts, WithSnapshot([]byte(docOn("v1"))))
		}
		k := newClock()
		c := startPolling(t, srv, k, opts...)
		k.next(t)
		if !strings.Contains(logs.String(), "polling PostHog failed; "+tc.want) {
			t.Errorf("bootstrap %v: log %s", tc.bootstrap, logs.String())
		}
		c.Close()
	}
}

// TestDefaultLogger: without WithLogger, warnings reach slog.Default; info
// does not.
func TestDefaultLogger(t *testing.T) {
	var logs logBuffer
	old := slog.Default()
	slog.SetDefault(logs.logger())
	defer slog.SetDefault(old)
	c := newTestClient(t, `{"flags":[{"key":"f","active":"yes"}]}`)
	c.IsEnabled(context.Background(), "nope", User{DistinctID: "u"})
	out := logs.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, `flag=f`) || !strings.Contains(out, `flag=nope`) {
		t.Errorf("the default logger got %s", out)
	}
	if strings.Contains(out, "level=INFO") || strings.Contains(out, "level=DEBUG") {
		t.Errorf("the default logger got info: %s", out)
	}
}

func TestUnknownKeysNoticed(t *testing.T) {
	var logs logBuffer
	c := newTestClient(t, docOn("v1"), WithLogger(logs.logger()))
	ctx := context.Background()
	for range 3 {
		c.IsEnabled(ctx, "new-chekout", User{DistinctID: "u"})
		c.Variant(ctx, "new-chekout", User{DistinctID: "u"})
		c.Evaluate(ctx, "new-chekout", User{DistinctID: "u"})
	}
	c.IsEnabled(ctx, "f", User{DistinctID: "u"}) // known: not counted
	if n := strings.Count(logs.String(), "new-chekout"); n != 1 {
		t.Errorf("the unknown key was logged %d times, want once:\n%s", n, logs.String())
	}
	if st := c.Status(); st.UnknownKeys != 9 {
		t.Errorf("UnknownKeys = %d, want 9", st.UnknownKeys)
	}
	// The keys remembered are bounded.
	for i := range maxUnknownKeys + 50 {
		c.IsEnabled(ctx, fmt.Sprint("k", i), User{})
	}
	if n := strings.Count(logs.String(), "was evaluated"); n != maxUnknownKeys {
		t.Errorf("%d unknown keys logged, want %d", n, maxUnknownKeys)
	}
	if n := strings.Count(logs.String(), "counting them only"); n != 1 {
		t.Errorf("the bound was logged %d times", n)
	}
	if len(c.notes.unknown) != maxUnknownKeys {
		t.Errorf("%d keys remembered", len(c.notes.unknown))
	}
}

func TestInconclusiveRecord(t *testing.T) {
	var flags []string
	for i := range MaxInconclusiveRecord + 20 {
		flags = append(flags, fmt.Sprintf(`{"key":"f%d","active":true,"filters":{"groups":[{"properties":[{"key":"plan","value":"pro"}]}]}}`, i))
	}
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	var tick atomic.Int64
	clock := func() time.Time { return now.Add(time.Duration(tick.Add(1)) * time.Millisecond) }
	c := newTestClient(t, `{"flags":[`+strings.Join(flags, ",")+`]}`, WithClock(clock))
	ctx := context.Background()
	for i := range MaxInconclusiveRecord + 20 {
		c.IsEnabled(ctx, fmt.Sprint("f", i), User{DistinctID: "u"})
	}
	last := fmt.Sprint("f", MaxInconclusiveRecord+19)
	c.Variant(ctx, last, User{DistinctID: "u"})
	c.Evaluate(ctx, last, User{DistinctID: "u"})
	c.EvaluateAll(ctx, User{DistinctID: "u"})                                                // bulk: not recorded
	c.IsEnabled(ctx, "f1", User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}) // decided: not recorded
	got := c.Inconclusive()
	if len(got) != MaxInconclusiveRecord {
		t.Fatalf("%d flags recorded, want %d", len(got), MaxInconclusiveRecord)
	}
	if got[0].Key != last || got[0].Count != 3 || got[0].Cause != `property "plan" is not in the context` {
		t.Errorf("the most frequent: %+v", got[0])
	}
	for _, r := range got {
		if r.Key == "f0" {
			t.Error("the oldest flag was not forgotten")
		}
		if r.Key != last && r.Count != 1 {
			t.Errorf("%+v", r)
		}
	}
}

func TestJSONShapes(t *testing.T) {
	r := Result{Key: "f", Enabled: true, Variant: "test", Payload: json.RawMessage(`{"price":9}`), Reason: ReasonMatched, Condition: 0}
	b, err := json.Marshal(r)
	if err != nil || string(b) != `{"key":"f","enabled":true,"variant":"test","payload":{"price":9},"reason":"matched","condition":0,"error":null}` {
		t.Errorf("Result: %s, %v", b, err)
	}
	r = Result{Key: "g", Reason: ReasonInconclusive, Condition: -1, Err: inconclusive("property %q is not in the context", "plan")}
	b, _ = json.Marshal(r)
	if string(b) != `{"key":"g","enabled":false,"variant":"","payload":null,"reason":"inconclusive","condition":-1,"error":"flags: inconclusive: property \"plan\" is not in the context"}` {
		t.Errorf("an inconclusive Result: %s", b)
	}
	at := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	st := Status{Source: SourcePoll, LoadedAt: at, ETag: `"e"`, Fingerprint: 0xabc, Flags: 2, LastError: errors.New("flags: poll: boom"),
		LastErrorAt: at, ConsecutiveFailures: 1, UnknownKeys: 3, Exposures: ExposureStats{Sent: 4, CaptureError: errors.New("capture: x")}}
	b, err = json.Marshal(st)
	want := `{"source":"poll","loaded_at":"2025-06-15T12:00:00Z","etag":"\"e\"","fingerprint":"0000000000000abc","flags":2,"warnings":[],` +
		`"last_error":"flags: poll: boom","last_error_at":"2025-06-15T12:00:00Z","consecutive_failures":1,"quota_limited":false,"unauthorized":false,` +
		`"checked_at":null,"next_poll":null,"persist_error":null,"persist_error_at":null,"persisted_at":null,"unknown_keys":3,` +
		`"exposures":{"queued":0,"handled":0,"sent":4,"dropped":0,"capture_error":"capture: x","capture_error_at":null}}`
	if err != nil || string(b) != want {
		t.Errorf("Status:\n got  %s\n want %s", b, want)
	}
	// A live client's Status marshals too.
	if _, err := json.Marshal(newTestClient(t, docOn("v1")).Status()); err != nil {
		t.Error(err)
	}
}

func TestBoolOrVariantOr(t *testing.T) {
	c := newTestClient(t, `{"flags":[
	  {"key":"mv","active":true,"filters":{"groups":[{"rollout_percentage":100}],"multivariate":{"variants":[{"key":"a","rollout_percentage":100}]}}},
	  {"key":"off","active":false,"filters":{"groups":[{"rollout_percentage":100}]}},
	  {"key":"undecided","active":true,"filters":{"groups":[{"properties":[{"key":"plan","value":"pro"}]}]}}]}`)
	ctx := context.Background()
	u := User{DistinctID: "u"}
	for _, tc := range []struct {
		key     string
		boolOr  bool
		variant string
	}{{"mv", true, "a"}, {"off", false, ""}, {"undecided", true, "dflt"}, {"missing", true, "dflt"}} {
		r := c.Evaluate(ctx, tc.key, u)
		if got := r.BoolOr(true); got != tc.boolOr {
			t.Errorf("%s: BoolOr(true) = %v", tc.key, got)
		}
		if got := r.VariantOr("dflt"); got != tc.variant {
			t.Errorf("%s: VariantOr = %q, want %q", tc.key, got, tc.variant)
		}
	}
	// A kill switch that must default to on, in one line.
	if !c.Evaluate(ctx, "undecided", u).BoolOr(true) || c.Evaluate(ctx, "off", u).BoolOr(true) {
		t.Error("kill switch")
	}
}

func TestClearOverride(t *testing.T) {
	c := newTestClient(t, docOn("v1"), WithOverrides(map[string]any{"f": false, "other": "x"}))
	ctx := context.Background()
	u := User{DistinctID: "u"}
	c.ClearOverride("f")
	if r := c.Evaluate(ctx, "f", u); r.Reason != ReasonMatched || c.Evaluate(ctx, "other", u).Reason != ReasonOverride {
		t.Errorf("after ClearOverride(f): %+v", r)
	}
	c.ClearOverride("nothing") // no override: nothing happens
	c.ClearOverride("other")
	if c.overrides.Load() != nil {
		t.Error("the last override cleared should leave no set")
	}
}

type (
	plan   string
	level  int
	ratio  float32
	tags   []string
	list   []any
	props  map[string]any
	strSet map[string]string
)

// TestNamedTypes: a named type compares like its underlying kind.
func TestNamedTypes(t *testing.T) {
	c := newTestClient(t, `{"flags":[
	  {"key":"plan","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"exact","value":["pro"]}]}]}},
	  {"key":"level","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"gt","value":3}]}]}},
	  {"key":"contains","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"icontains","value":"b"}]}]}}]}`)
	ctx := context.Background()
	for _, tc := range []struct {
		flag  string
		value any
		want  Reason
	}{
		{"plan", plan("pro"), ReasonMatched},
		{"plan", plan("free"), ReasonNoConditionMatch},
		{"level", level(5), ReasonMatched},
		{"level", level(1), ReasonNoConditionMatch},
		{"level", ratio(3.5), ReasonMatched},
		{"contains", tags{"a", "b"}, ReasonMatched},
		{"contains", list{"a", plan("b")}, ReasonMatched},
		{"contains", props{"k": "v"}, ReasonMatched}, // "[object Object]" holds a b
		{"contains", strSet{"k": "v"}, ReasonInconclusive},
		{"contains", &[]string{"b"}, ReasonInconclusive},
	} {
		r := c.Evaluate(ctx, tc.flag, User{DistinctID: "u", Properties: map[string]any{"v": tc.value}})
		if r.Reason != tc.want {
			t.Errorf("%s with %T %v: %v (%v), want %v", tc.flag, tc.value, tc.value, r.Reason, r.Err, tc.want)
		}
	}
}

// TestAlwaysUndecidableFilters: a filter no context can decide is a Validate
// error, and a flagstest-style probe sees it.
func TestAlwaysUndecidableFilters(t *testing.T) {
	doc := `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"properties":[{"key":"n","operator":"exact","value":50}]}]}},
	  {"key":"g","active":true,"filters":{"groups":[{"properties":[{"key":"n","operator":"exact","value":[50, "x"]}]}]}},
	  {"key":"h","active":true,"filters":{"groups":[{"properties":[{"key":"n","operator":"exact","value":["x", 50]}]}]}}]}`
	var found []string
	for _, p := range Validate([]byte(doc)) {
		if strings.Contains(p.Message, "no context can decide") {
			found = append(found, p.Flag)
		}
	}
	if fmt.Sprint(found) != "[f g]" {
		t.Errorf("undecidable filters reported for %v, want [f g] (h decides \"x\")", found)
	}
}

// TestOneListOfWarnings: what Validate reports is what a client's Status,
// Snapshot and load log say.
func TestOneListOfWarnings(t *testing.T) {
	doc := `{"flags":[{"key":"mv","active":true,"filters":{"groups":[{"rollout_percentage":100}],"multivariate":{"variants":[{"key":"a","rollout_percentage":90}]}}}]}`
	var logs logBuffer
	c := newTestClient(t, doc, WithLogger(logs.logger()))
	var want []string
	for _, p := range Validate([]byte(doc)) {
		want = append(want, p.String())
	}
	if len(want) != 1 || !strings.Contains(want[0], "sum to 90") {
		t.Fatalf("Validate: %v", want)
	}
	if fmt.Sprint(c.Status().Warnings) != fmt.Sprint(want) || fmt.Sprint(c.Snapshot().Warnings()) != fmt.Sprint(want) {
		t.Errorf("Status %v, Snapshot %v, Validate %v", c.Status().Warnings, c.Snapshot().Warnings(), want)
	}
	if !strings.Contains(logs.String(), "flag=mv") || !strings.Contains(logs.String(), "sum to 90") {
		t.Errorf("the load log: %s", logs.String())
	}
}

// TestLegacyDefinitionsPath: an older self-hosted PostHog without
// /flags/definitions is polled at /api/feature_flag/local_evaluation, which
// is remembered.
func TestLegacyDefinitionsPath(t *testing.T) {
	var paths []string
	srv := newFakeServer(t)
	srv.then(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		if r.URL.Path != legacyDefinitionsPath || r.URL.Query().Get("token") != testProjectKey {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(docOn("legacy")))
	})
	k := newClock()
	c := startPolling(t, srv, k)
	k.next(t)
	if servedVersion(c) != "legacy" {
		t.Fatalf("serving %q; paths %v; %v", servedVersion(c), paths, c.Status().LastError)
	}
	k.poll(t)
	if fmt.Sprint(paths) != "["+definitionsPath+" "+legacyDefinitionsPath+" "+legacyDefinitionsPath+"]" {
		t.Errorf("paths asked: %v", paths)
	}
	// A Path of one's own is used as it is.
	doc, _, err := FetchDefinitions(context.Background(), func() PollerConfig {
		cfg := pollerConfig(srv.URL)
		cfg.Path = "/flags/definitions"
		return cfg
	}())
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") || doc != nil {
		t.Errorf("a configured Path that 404s: %v", err)
	}
}

// TestUserAgent: requests name the library and its version.
func TestUserAgent(t *testing.T) {
	srv := newFakeServer(t)
	srv.then(ok(docOn("v1"), ""))
	if _, _, err := FetchDefinitions(context.Background(), pollerConfig(srv.URL)); err != nil {
		t.Fatal(err)
	}
	if ua := srv.lastRequest().Header.Get("User-Agent"); ua != "localflags-go/"+Version {
		t.Errorf("User-Agent %q", ua)
	}
	if !bytes.HasPrefix([]byte(Version), []byte("0.")) {
		t.Errorf("Version %q", Version)
	}
}
