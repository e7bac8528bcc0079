package flags

import (
	"context"
	"strings"
	"testing"
)

// TestUndecidedAllocations holds single-flag evaluations to zero
// allocations when the answer is inconclusive too: the cause is compiled
// into the snapshot, not built per call. (A flag whose dependency is
// undecided is the exception: its cause names the dependency's, so it is
// built when it happens.)
func TestUndecidedAllocations(t *testing.T) {
	c := newTestClient(t, `{"flags":[
	  {"key":"missing","active":true,"filters":{"groups":[{"properties":[{"key":"plan","type":"person","operator":"exact","value":["pro"]}],"rollout_percentage":100}]}},
	  {"key":"regex-number","active":true,"filters":{"groups":[{"properties":[{"key":"n","type":"person","operator":"regex","value":"^4[0-9]$"}],"rollout_percentage":100}]}},
	  {"key":"bad-version","active":true,"filters":{"groups":[{"properties":[{"key":"v","type":"person","operator":"semver_gt","value":"x"}],"rollout_percentage":100}]}}]}`)
	ctx := context.Background()
	u := User{DistinctID: "u", Properties: map[string]any{"v": "1.0.0", "n": 42}}
	if r := c.Evaluate(ctx, "regex-number", u); !r.Enabled {
		t.Fatalf("regex-number: %+v, want a match", r)
	}
	if n := testing.AllocsPerRun(100, func() { sinkResult = c.Evaluate(ctx, "regex-number", u) }); n != 0 {
		t.Errorf("a regex filter on a number property: %v allocations per call, want 0", n)
	}
	for _, key := range []string{"missing", "bad-version"} {
		if r := c.Evaluate(ctx, key, u); r.Reason != ReasonInconclusive {
			t.Fatalf("%s: %+v, want inconclusive", key, r)
		}
		if n := testing.AllocsPerRun(100, func() { sinkResult = c.Evaluate(ctx, key, u) }); n != 0 {
			t.Errorf("Evaluate(%q), inconclusive: %v allocations per call, want 0", key, n)
		}
	}
}

// TestDeviceBucketingAllocations: a device-bucketed flag with a string
// device id costs nothing more than a person flag.
func TestDeviceBucketingAllocations(t *testing.T) {
	c := newTestClient(t, `{"flags":[{"key":"d","active":true,"bucketing_identifier":"device_id","filters":{"groups":[{"properties":[{"key":"plan","type":"person","operator":"exact","value":["pro"]}],"rollout_percentage":50}]}}]}`)
	ctx := context.Background()
	u := User{DistinctID: "u", DeviceID: "device-7", Properties: map[string]any{"plan": "pro"}}
	if r := c.Evaluate(ctx, "d", u); !r.Conclusive() {
		t.Fatalf("%+v", r)
	}
	if n := testing.AllocsPerRun(100, func() { sinkBool = c.IsEnabled(ctx, "d", u) }); n != 0 {
		t.Errorf("IsEnabled of a device-bucketed flag: %v allocations per call, want 0", n)
	}
}

// TestCauseAllocations holds an inconclusive answer whose cause quotes the
// caller's value to two allocations (the text and the error), however long
// the value: a version or a date that does not parse, a value of an
// unsupported type, a value over the MaxValue limits.
func TestCauseAllocations(t *testing.T) {
	c := newTestClient(t, `{"flags":[
	  {"key":"semver","active":true,"filters":{"groups":[{"properties":[{"key":"v","type":"person","operator":"semver_gt","value":"1.0.0"}]}]}},
	  {"key":"date","active":true,"filters":{"groups":[{"properties":[{"key":"v","type":"person","operator":"is_date_before","value":"2030-01-01"}]}]}},
	  {"key":"text","active":true,"filters":{"groups":[{"properties":[{"key":"v","type":"person","operator":"icontains","value":"x"}]}]}}]}`)
	ctx := context.Background()
	deep := nestSlices(MaxValueDepth + 1)
	for _, tc := range []struct {
		key   string
		value any
	}{
		{"semver", "not a version"},
		{"semver", strings.Repeat("v", 1<<20)},
		{"date", "not a date"},
		{"date", strings.Repeat("d", 1<<20)},
		{"date", []any{"a list"}},
		{"text", make(chan int)},
		{"text", deep},
		{"text", make([]string, MaxValueElements+1)},
	} {
		u := User{DistinctID: "u", Properties: map[string]any{"v": tc.value}}
		r := c.Evaluate(ctx, tc.key, u)
		if r.Reason != ReasonInconclusive || len(r.Err.Error()) > 400 {
			t.Fatalf("%s with %T: %v (%d bytes), want a short inconclusive cause", tc.key, tc.value, r.Err, len(errMsg(r.Err)))
		}
		if n := testing.AllocsPerRun(20, func() { sinkResult = c.Evaluate(ctx, tc.key, u) }); n > 2 {
			t.Errorf("%s with %T: %v allocations per call, want at most 2: %v", tc.key, tc.value, n, r.Err)
		}
	}
}
