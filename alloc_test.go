package flags

import (
	"context"
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
