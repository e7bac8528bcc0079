package flags

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
)

const exposureDoc = `{"group_type_mapping":{"0":"company"},"flags":[
  {"id":42,"key":"on","active":true,"has_experiment":true,"filters":{"groups":[{"rollout_percentage":100}]}},
  {"id":43,"key":"mv","active":true,"filters":{"groups":[{"rollout_percentage":100}],"multivariate":{"variants":[{"key":"a","rollout_percentage":100}]}}},
  {"id":44,"key":"plan","active":true,"filters":{"groups":[{"properties":[{"key":"plan","type":"person","value":"pro"}]}]}},
  {"key":"noid","active":false,"filters":{"groups":[{"rollout_percentage":100}]}}]}`

// exposureTestClient is a client of exposureDoc whose clock stands at
// 2025-06-15T12:00:00Z, recording its exposures.
func exposureTestClient(t *testing.T, opts ...Option) (*Client, *exposureLog) {
	t.Helper()
	var log exposureLog
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	c := newTestClient(t, exposureDoc, append([]Option{WithClock(func() time.Time { return now }), WithExposureHandler(log.record)}, opts...)...)
	return c, &log
}

// flushed returns the exposures sent so far.
func flushed(t *testing.T, c *Client, log *exposureLog) []Exposure {
	t.Helper()
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return log.take()
}

func TestExposureProperties(t *testing.T) {
	c, log := exposureTestClient(t)
	ctx := context.Background()
	const ms = int64(1749988800000)
	common := map[string]any{"$lib": libName, "$lib_version": Version, "$is_server": true, "$geoip_disable": true}
	with := func(m map[string]any) map[string]any {
		for k, v := range common {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name string
		call func()
		want Exposure
	}{
		{"a flag with an id and has_experiment", func() { c.IsEnabled(ctx, "on", User{DistinctID: "u1"}) },
			Exposure{ExposureEvent, "u1", with(map[string]any{"$feature_flag": "on", "$feature_flag_response": true, "$feature/on": true,
				"$feature_flag_id": int64(42), "$feature_flag_reason": "Evaluated locally", "locally_evaluated": true,
				"$feature_flag_evaluated_at": ms, "$feature_flag_definitions_loaded_at": ms, "$feature_flag_has_experiment": true}), time.UnixMilli(ms).UTC()}},
		{"a variant, with groups", func() {
			c.Variant(ctx, "mv", User{DistinctID: "u1", Groups: map[string]Group{"company": {Key: "acme"}, "team": {Key: "t"}}})
		},
			Exposure{ExposureEvent, "u1", with(map[string]any{"$feature_flag": "mv", "$feature_flag_response": "a", "$feature/mv": "a",
				"$feature_flag_id": int64(43), "$feature_flag_reason": "Evaluated locally", "locally_evaluated": true,
				"$feature_flag_evaluated_at": ms, "$feature_flag_definitions_loaded_at": ms,
				"$groups": map[string]any{"company": "acme", "team": "t"}}), time.UnixMilli(ms).UTC()}},
		{"false, with no id", func() { c.Evaluate(ctx, "noid", User{DistinctID: "u1"}) },
			Exposure{ExposureEvent, "u1", with(map[string]any{"$feature_flag": "noid", "$feature_flag_response": false, "$feature/noid": false,
				"$feature_flag_reason": "Evaluated locally", "locally_evaluated": true,
				"$feature_flag_evaluated_at": ms, "$feature_flag_definitions_loaded_at": ms}), time.UnixMilli(ms).UTC()}},
		{"inconclusive", func() { c.IsEnabled(ctx, "plan", User{DistinctID: "u1"}) },
			Exposure{ExposureEvent, "u1", with(map[string]any{"$feature_flag": "plan", "locally_evaluated": false}), time.UnixMilli(ms).UTC()}},
		{"not found", func() { c.Evaluate(ctx, "nope", User{DistinctID: "u1"}) },
			Exposure{ExposureEvent, "u1", with(map[string]any{"$feature_flag": "nope", "locally_evaluated": false}), time.UnixMilli(ms).UTC()}},
	} {
		tc.call()
		got := flushed(t, c, log)
		if len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
			t.Errorf("%s:\n got  %+v\n want %+v", tc.name, got, tc.want)
		}
	}

	// An event without a distinct id goes out under a fresh one, as
	// posthog-node sends it, marked to make no person.
	c.IsEnabled(ctx, "on", User{})
	got := flushed(t, c, log)
	if len(got) != 1 || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(got[0].DistinctID) ||
		got[0].Properties["$process_person_profile"] != false {
		t.Errorf("empty distinct id: %+v", got)
	}
}

// TestExposureCalls: which calls send, and that each sends once per
// distinct id, flag, value and groups.
func TestExposureCalls(t *testing.T) {
	c, log := exposureTestClient(t)
	ctx := context.Background()
	u := User{DistinctID: "u1", Properties: map[string]any{"plan": "pro"}}
	count := func(what string, want int, calls ...func()) {
		t.Helper()
		for _, call := range calls {
			call()
		}
		if got := flushed(t, c, log); len(got) != want {
			t.Errorf("%s: %d exposures, want %d: %+v", what, len(got), want, got)
		}
	}
	count("IsEnabled, Variant and Evaluate of one flag", 1,
		func() { c.IsEnabled(ctx, "on", u) }, func() { c.Variant(ctx, "on", u) }, func() { c.Evaluate(ctx, "on", u) })
	count("the same again", 0, func() { c.IsEnabled(ctx, "on", u) })
	count("bulk reads and Explain", 0,
		func() { c.EvaluateAll(ctx, u) }, func() { c.EvaluateAllInto(ctx, u, nil) }, func() { c.Explain(ctx, "mv", u) })
	count("WithoutExposure", 0, func() { c.Evaluate(WithoutExposure(ctx), "mv", u) })
	count("the flag WithoutExposure skipped, now", 1, func() { c.Evaluate(ctx, "mv", u) })
	count("another user", 1, func() { c.IsEnabled(ctx, "on", User{DistinctID: "u2"}) })
	count("the same user with a group", 1, func() {
		c.IsEnabled(ctx, "on", User{DistinctID: "u1", Groups: map[string]Group{"company": {Key: "acme"}}})
	})
	count("the same group again", 0, func() {
		c.IsEnabled(ctx, "on", User{DistinctID: "u1", Groups: map[string]Group{"company": {Key: "acme"}}})
	})
	count("another group key", 1, func() {
		c.IsEnabled(ctx, "on", User{DistinctID: "u1", Groups: map[string]Group{"company": {Key: "globex"}}})
	})
	// A new value is a new exposure.
	count("inconclusive, then decided", 2,
		func() { c.IsEnabled(ctx, "plan", User{DistinctID: "u3"}) }, func() { c.IsEnabled(ctx, "plan", User{DistinctID: "u3", Properties: map[string]any{"plan": "pro"}}) })
	if err := c.Override("mv", "b"); err != nil {
		t.Fatal(err)
	}
	count("an overridden flag, as posthog-node returns an override before its event", 0, func() { c.Variant(ctx, "mv", User{DistinctID: "u9"}) })
	if st := c.Status().Exposures; st.Handled != 7 || st.Dropped != 0 || st.Queued != 0 {
		t.Errorf("Status().Exposures = %+v, want 7 handled", st)
	}
}

// TestExposureBeforeDefinitions: a client with nothing loaded sends the
// undecided event, as posthog-node does for a flag it does not have.
func TestExposureBeforeDefinitions(t *testing.T) {
	var log exposureLog
	c, err := New(WithExposureHandler(log.record))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.IsEnabled(context.Background(), "on", User{DistinctID: "u"})
	got := flushed(t, c, &log)
	if len(got) != 1 || got[0].Properties["locally_evaluated"] != false || got[0].Properties["$feature_flag_response"] != nil {
		t.Errorf("%+v", got)
	}
}

// TestExposureCacheEvictsLeastRecent: with room for two distinct ids, the
// id used least recently is forgotten, so its next call sends again.
func TestExposureCacheEvictsLeastRecent(t *testing.T) {
	c, log := exposureTestClient(t, WithExposureCacheSize(2))
	ctx := context.Background()
	seq := func(ids ...string) []string {
		for _, id := range ids {
			c.IsEnabled(ctx, "on", User{DistinctID: id})
		}
		var sent []string
		for _, e := range flushed(t, c, log) {
			sent = append(sent, e.DistinctID)
		}
		return sent
	}
	// a, b; a again makes b the least recent; c evicts b; then a is still
	// known, b is new again.
	got := seq("a", "b", "a", "c", "a", "b")
	if fmt.Sprint(got) != "[a b c b]" {
		t.Errorf("sent for %v, want [a b c b]", got)
	}
}

// TestExposureNeverBlocks: a handler that blocks does not block the
// caller; past the queue's size exposures are dropped, counted, and sent
// by a later call once there is room.
func TestExposureNeverBlocks(t *testing.T) {
	release := make(chan struct{})
	var handled atomic.Int64
	c, err := New(WithSnapshot([]byte(exposureDoc)), WithExposureHandler(func(Exposure) {
		<-release
		handled.Add(1)
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	n := DefaultExposureQueueSize + 500
	for i := range n {
		c.IsEnabled(ctx, "on", User{DistinctID: fmt.Sprint("u", i)})
	}
	st := c.Status().Exposures
	// One item may sit in the blocked handler, the rest in the queue.
	if st.Dropped < 499 || st.Dropped > 500 || uint64(st.Queued)+st.Dropped+1 < uint64(n) {
		t.Errorf("with a blocked handler: %+v", st)
	}
	close(release)
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// A dropped exposure is not remembered as sent.
	before := handled.Load()
	c.IsEnabled(ctx, "on", User{DistinctID: fmt.Sprint("u", n-1)})
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if handled.Load() != before+1 {
		t.Errorf("a dropped exposure was not sent again: %d, then %d", before, handled.Load())
	}
}

// TestExposureHandlerPanics: a panic in the handler is logged, and the
// client goes on.
func TestExposureHandlerPanics(t *testing.T) {
	var logs logBuffer
	calls := 0
	c, err := New(WithSnapshot([]byte(exposureDoc)), WithLogger(logs.logger()), WithExposureHandler(func(e Exposure) {
		calls++
		if e.DistinctID == "bad" {
			panic("boom")
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.IsEnabled(context.Background(), "on", User{DistinctID: "bad"})
	c.IsEnabled(context.Background(), "on", User{DistinctID: "good"})
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls != 2 || !strings.Contains(logs.String(), "exposure handler panicked") {
		t.Errorf("%d calls; log %s", calls, logs.String())
	}
}

// TestExposureAllocations: a repeated exposure allocates nothing, with or
// without groups.
func TestExposureAllocations(t *testing.T) {
	c, _ := exposureTestClient(t)
	ctx := context.Background()
	for _, u := range []User{{DistinctID: "u1"}, {DistinctID: "u1", Groups: map[string]Group{"company": {Key: "acme"}, "team": {Key: "t"}}}} {
		c.IsEnabled(ctx, "mv", u)
		for name, f := range map[string]func(){
			"IsEnabled": func() { sinkBool = c.IsEnabled(ctx, "mv", u) },
			"Variant":   func() { sinkBool = c.Variant(ctx, "mv", u) != "" },
			"Evaluate":  func() { sinkResult = c.Evaluate(ctx, "mv", u) },
		} {
			if n := testing.AllocsPerRun(100, f); n != 0 {
				t.Errorf("%s, a repeated exposure with %d groups: %v allocations per call, want 0", name, len(u.Groups), n)
			}
		}
	}
}

// TestDedupKeyIsPostHogs checks the dedup key against posthog-node's
// string for the same call: equal strings, equal keys.
func TestDedupKeyIsPostHogs(t *testing.T) {
	groups := map[string]Group{"team": {Key: "t\"1"}, "company": {Key: "acme"}, "ábc": {Key: "x"}}
	want := map[string]uint64{
		`on_true`:      dedupKey("on", true, true, "", nil),
		`on_undefined`: dedupKey("on", false, false, "", nil),
		`on_a_[["company","acme"],["team","t\"1"],["ábc","x"]]`: dedupKey("on", true, true, "a", groups),
	}
	for s, got := range want {
		if d := xxhash.Sum64String(s); d != got {
			t.Errorf("%s: %x, want %x", s, got, d)
		}
	}
	// posthog-node's key for the variant "true" is the response true's.
	if dedupKey("f", true, true, "true", nil) != dedupKey("f", true, true, "", nil) {
		t.Error(`the variant "true" and the response true must share a key, as in posthog-node`)
	}
	var f flag
	f.key, f.variants = "f", []variant{{key: "a"}, {key: "b"}}
	f.hashResponses()
	for _, tc := range []struct {
		decided, on bool
		variant     string
	}{{true, true, ""}, {true, false, ""}, {false, false, ""}, {true, true, "b"}, {true, true, "zzz"}} {
		if f.responseKey(tc.decided, tc.on, tc.variant) != dedupKey("f", tc.decided, tc.on, tc.variant, nil) {
			t.Errorf("responseKey%+v differs from dedupKey", tc)
		}
	}
}
