package flags

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestNotReady(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	r := c.Evaluate(context.Background(), "x", User{DistinctID: "u"})
	if r.Reason != ReasonNotReady || !errors.Is(r.Err, ErrNotReady) || r.Enabled || r.Conclusive() {
		t.Errorf("before any load: %+v", r)
	}
	if got := c.EvaluateAll(context.Background(), User{}); len(got) != 0 {
		t.Errorf("EvaluateAll before any load: %v", got)
	}
}

func TestOptions(t *testing.T) {
	if _, err := New(WithSnapshotFile("testdata/does-not-exist.json")); err == nil {
		t.Error("a missing snapshot file should fail New")
	}
	if _, err := New(WithSnapshot([]byte(`{"flags":[]}`)), WithSnapshotFile("testdata/snapshot.json")); err == nil {
		t.Error("two snapshots should fail New")
	}
	if _, err := New(WithClock(nil)); err == nil {
		t.Error("a nil clock should fail New")
	}
	if _, err := New(WithRuntime(Runtime(9))); err == nil {
		t.Error("an unknown runtime should fail New")
	}
	if _, err := New(WithLogger(nil)); err == nil {
		t.Error("a nil logger should fail New")
	}
	c, err := New(WithSnapshotFile("testdata/snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Snapshot().Len() != 6 {
		t.Errorf("snapshot has %d flags, want 6", c.Snapshot().Len())
	}
	if err := c.Close(); err != nil || c.Close() != nil {
		t.Error("Close should be idempotent")
	}
}

func TestBundledSnapshot(t *testing.T) {
	c, err := New(WithSnapshotFile("testdata/snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	staff := User{DistinctID: "user-1", Properties: map[string]any{"email": "ada@posthog.com", "plan": "pro", "app_version": "2.5.1", "country": "US"}}

	r := c.Evaluate(ctx, "pricing-page", staff)
	if r.Variant != "test" || r.Condition != 0 || string(r.Payload) != `{"price":9,"annual":true}` {
		t.Errorf("pricing-page for staff: %+v", r)
	}
	type price struct {
		Price  int  `json:"price"`
		Annual bool `json:"annual"`
	}
	if p, err := PayloadAs[price](r); err != nil || p.Price != 9 || !p.Annual {
		t.Errorf("PayloadAs: %+v, %v", p, err)
	}
	if !c.IsEnabled(ctx, "pro-beta", staff) {
		t.Error("pro-beta should be on for a pro user on 2.5.1")
	}
	old := staff
	old.Properties = map[string]any{"plan": "pro", "app_version": "2.3.9"}
	if c.IsEnabled(ctx, "pro-beta", old) {
		t.Error("pro-beta should be off below 2.4.0")
	}
	if r := c.Evaluate(ctx, "audit-log", staff); r.Reason != ReasonNoGroup || r.Enabled {
		t.Errorf("audit-log without a company: %+v", r)
	}
	big := staff
	big.Groups = map[string]Group{"company": {Key: "acme", Properties: map[string]any{"seats": 120}}}
	if r := c.Evaluate(ctx, "audit-log", big); !r.Enabled || string(r.Payload) != `{"retention_days":365}` {
		t.Errorf("audit-log for a large company: %+v", r)
	}
	if r := c.Evaluate(ctx, "old-dashboard", staff); r.Reason != ReasonDisabled || r.Enabled {
		t.Errorf("old-dashboard: %+v", r)
	}
	if _, err := PayloadAs[price](c.Evaluate(ctx, "old-dashboard", staff)); err == nil {
		t.Error("PayloadAs of a flag without payload should fail")
	}
	if _, err := PayloadAs[price](c.Evaluate(ctx, "nope", staff)); !errors.Is(err, ErrNotFound) {
		t.Errorf("PayloadAs of a missing flag: %v", err)
	}
}

func TestDeviceBucketing(t *testing.T) {
	// PostHog's published vectors: device-bucket-flag hashes 0.3873 for
	// distinct-123 and 0.6099 for device-456; at 50% only bucketing by
	// device is off.
	doc := `{"flags":[{"key":"device-bucket-flag","active":true,"bucketing_identifier":"device_id","filters":{"groups":[{"properties":[],"rollout_percentage":50}]}}]}`
	c := newTestClient(t, doc)
	ctx := context.Background()
	if r := c.Evaluate(ctx, "device-bucket-flag", User{DistinctID: "distinct-123", DeviceID: "device-456"}); r.Enabled || r.Reason != ReasonOutOfRollout {
		t.Errorf("bucketed by device: %+v", r)
	}
	if r := c.Evaluate(ctx, "device-bucket-flag", User{DistinctID: "distinct-123"}); r.Reason != ReasonInconclusive {
		t.Errorf("no device id: %+v", r)
	}
	// A $device_id property set by the caller wins over DeviceID.
	u := User{DistinctID: "x", DeviceID: "device-456", Properties: map[string]any{"$device_id": "distinct-123"}}
	if !c.IsEnabled(ctx, "device-bucket-flag", u) {
		t.Error("the caller's $device_id should be used")
	}
}

func TestHoldout(t *testing.T) {
	// holdout-some_distinct_id hashes to 0.7270 (a published PostHog vector).
	doc := `{"flags":[{"key":"exp","active":true,"filters":{"holdout":{"id":7,"exclusion_percentage":%v},
	  "groups":[{"properties":[],"rollout_percentage":100}],"payloads":{"holdout-7":"\"held\""}}}]}`
	ctx := context.Background()
	for pct, held := range map[string]bool{"73": true, "72.7": false, "100": true, "0": false, "null": false, "-5": false, "500": true} {
		c := newTestClient(t, fmt.Sprintf(doc, pct))
		r := c.Evaluate(ctx, "exp", User{DistinctID: "some_distinct_id"})
		if held {
			if r.Variant != "holdout-7" || r.Reason != ReasonHoldout || string(r.Payload) != `"held"` {
				t.Errorf("exclusion %s: %+v", pct, r)
			}
		} else if r.Variant != "" || !r.Enabled {
			t.Errorf("exclusion %s: %+v", pct, r)
		}
	}
}

func TestRuntimeAndContextFiltering(t *testing.T) {
	doc := `{"flags":[
	  {"key":"client-only","active":true,"evaluation_runtime":"client","filters":{"groups":[{"rollout_percentage":100}]}},
	  {"key":"server-only","active":true,"evaluation_runtime":"server","filters":{"groups":[{"rollout_percentage":100}]}},
	  {"key":"web","active":true,"evaluation_contexts":["web"],"filters":{"groups":[{"rollout_percentage":100}]}},
	  {"key":"legacy-tags","active":true,"evaluation_tags":["api"],"filters":{"groups":[{"rollout_percentage":100}]}},
	  {"key":"needs-web-off","active":true,"filters":{"groups":[{"properties":[{"key":"web","type":"flag","operator":"flag_evaluates_to","value":false,"dependency_chain":["web"]}],"rollout_percentage":100}]}},
	  {"key":"deleted","active":true,"deleted":true,"filters":{"groups":[{"rollout_percentage":100}]}}
	]}`
	ctx := context.Background()
	u := User{DistinctID: "u"}
	want := func(c *Client, key string, reason Reason) {
		t.Helper()
		if r := c.Evaluate(ctx, key, u); r.Reason != reason {
			t.Errorf("%s: got %v, want %v", key, r.Reason, reason)
		}
	}
	server := newTestClient(t, doc)
	want(server, "client-only", ReasonFilteredByRuntime)
	want(server, "server-only", ReasonMatched)
	want(server, "deleted", ReasonDisabled) // docs/semantics.md §4.3
	client := newTestClient(t, doc, WithRuntime(RuntimeClient))
	want(client, "client-only", ReasonMatched)
	want(client, "server-only", ReasonFilteredByRuntime)
	all := newTestClient(t, doc, WithRuntime(RuntimeAll))
	want(all, "client-only", ReasonMatched)
	want(all, "web", ReasonMatched)

	api := newTestClient(t, doc, WithEvaluationContexts("api"))
	want(api, "web", ReasonFilteredByContext)
	want(api, "legacy-tags", ReasonMatched)
	want(api, "needs-web-off", ReasonMatched) // a filtered dependency is false
	got := api.EvaluateAll(ctx, u)
	if _, ok := got["web"]; ok {
		t.Error("EvaluateAll should leave filtered flags out")
	}
	if _, ok := got["client-only"]; ok {
		t.Error("EvaluateAll should leave runtime-filtered flags out")
	}
}

func TestEmptyDistinctIDEvaluates(t *testing.T) {
	// docs/semantics.md §4.4: posthog-node answers nothing for an empty distinct
	// id; this library evaluates.
	c := newTestClient(t, `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"rollout_percentage":100}]}}]}`)
	if !c.IsEnabled(context.Background(), "f", User{}) {
		t.Error("a 100% flag should be on for an empty distinct id")
	}
	if got := c.EvaluateAll(context.Background(), User{}); !got["f"].Enabled {
		t.Errorf("EvaluateAll: %v", got)
	}
}

// TestSwapUnderLoad evaluates from many goroutines while snapshots are
// swapped. In each snapshot "child" depends on "parent" having that
// snapshot's variant, so an evaluation that mixed two snapshots would see
// child off.
func TestSwapUnderLoad(t *testing.T) {
	docs := [][]byte{[]byte(swapDoc("a")), []byte(swapDoc("b"))}
	c := newTestClient(t, string(docs[0]))
	ctx := context.Background()
	u := User{DistinctID: "u"}
	stop := startReaders(8, func() bool {
		if !c.IsEnabled(ctx, "child", u) {
			t.Error("child was off: an evaluation mixed two snapshots")
			return false
		}
		all := c.EvaluateAll(ctx, u)
		p := all["parent"]
		if !all["child"].Enabled || string(p.Payload) != `"`+p.Variant+`"` {
			t.Errorf("EvaluateAll mixed snapshots: %+v", all)
			return false
		}
		return true
	})
	for i := 0; i < 500; i++ {
		if err := c.Load(docs[i%2]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Microsecond)
	}
	if stop() == 0 {
		t.Fatal("no evaluation ran")
	}
}

func TestReasonString(t *testing.T) {
	for r := ReasonMatched; r <= ReasonNotReady; r++ {
		if s := r.String(); s == "" || strings.HasPrefix(s, "Reason(") {
			t.Errorf("reason %d has no name", r)
		}
	}
	if s := Reason(200).String(); s != "Reason(200)" {
		t.Errorf("unknown reason: %q", s)
	}
}
