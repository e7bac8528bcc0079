package flags

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
)

const overrideDoc = `{"flags":[
  {"key":"pricing","active":true,"filters":{"groups":[{"rollout_percentage":100,"variant":"control"}],
    "multivariate":{"variants":[{"key":"control","rollout_percentage":50},{"key":"test","rollout_percentage":50}]},
    "payloads":{"control":"{\"price\":12}","test":"{\"price\":9}"}}},
  {"key":"killswitch","active":true,"filters":{"groups":[{"rollout_percentage":100}],"payloads":{"true":"\"on\""}}},
  {"key":"needs-pricing-test","active":true,"filters":{"groups":[{"properties":[{"key":"pricing","type":"flag","operator":"flag_evaluates_to","value":"test","dependency_chain":["pricing"]}],"rollout_percentage":100}]}}
]}`

func TestOverridesAtConstruction(t *testing.T) {
	c := newTestClient(t, overrideDoc, WithOverrides(map[string]any{"new-ui": true, "pricing": "test", "killswitch": false}))
	ctx := context.Background()
	u := User{DistinctID: "u"}
	if r := c.Evaluate(ctx, "new-ui", u); !r.Enabled || r.Reason != ReasonOverride || r.Err != nil || !r.Conclusive() {
		t.Errorf("an override of a key the definitions lack: %+v", r)
	}
	if r := c.Evaluate(ctx, "pricing", u); r.Variant != "test" || string(r.Payload) != `{"price":9}` {
		t.Errorf("variant override, with the payload the definitions give that variant: %+v", r)
	}
	if r := c.Evaluate(ctx, "killswitch", u); r.Enabled || r.Payload != nil || r.Reason != ReasonOverride {
		t.Errorf("false override: %+v", r)
	}
	// Dependencies still read the definitions (as in posthog-node).
	if c.IsEnabled(ctx, "needs-pricing-test", u) {
		t.Error("a dependency saw the override")
	}
	all := c.EvaluateAll(ctx, u)
	if !all["new-ui"].Enabled || all["pricing"].Variant != "test" || all["killswitch"].Enabled || len(all) != 4 {
		t.Errorf("EvaluateAll: %+v", all)
	}
	c.ClearOverrides()
	if r := c.Evaluate(ctx, "pricing", u); r.Variant != "control" || r.Reason != ReasonMatched {
		t.Errorf("after ClearOverrides: %+v", r)
	}
	if r := c.Evaluate(ctx, "new-ui", u); r.Reason != ReasonNotFound {
		t.Errorf("after ClearOverrides, new-ui: %+v", r)
	}
}

func TestOverridesAtRunTime(t *testing.T) {
	c := newTestClient(t, overrideDoc)
	ctx := context.Background()
	u := User{DistinctID: "u"}
	if err := c.Override("killswitch", true, json.RawMessage(`{"reason":"test"}`)); err != nil {
		t.Fatal(err)
	}
	if r := c.Evaluate(ctx, "killswitch", u); !r.Enabled || string(r.Payload) != `{"reason":"test"}` {
		t.Errorf("payload override: %+v", r)
	}
	if err := c.Override("killswitch", true, json.RawMessage(`null`)); err != nil {
		t.Fatal(err)
	}
	if r := c.Evaluate(ctx, "killswitch", u); r.Payload != nil {
		t.Errorf("a null payload override removes the payload: %+v", r)
	}
	if err := c.Override("brand-new", "beta"); err != nil || c.Variant(ctx, "brand-new", u) != "beta" {
		t.Errorf("a run-time override of a new key: %v", err)
	}
	for _, bad := range []struct {
		value   any
		payload []json.RawMessage
	}{{42, nil}, {"", nil}, {nil, nil}, {true, []json.RawMessage{json.RawMessage(`{`)}}, {true, []json.RawMessage{nil, nil}}} {
		if err := c.Override("x", bad.value, bad.payload...); err == nil || !strings.Contains(err.Error(), `override of "x"`) {
			t.Errorf("Override(%v, %s) = %v, want an error", bad.value, bad.payload, err)
		}
	}
	if _, err := New(WithOverrides(map[string]any{"x": 1.5})); err == nil {
		t.Error("WithOverrides accepted a number")
	}
}

func TestOverridesWithoutDefinitions(t *testing.T) {
	c, err := New(WithOverrides(map[string]any{"a": true}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if !c.IsEnabled(ctx, "a", User{}) {
		t.Error("an override should answer before any definitions are loaded")
	}
	if r := c.Evaluate(ctx, "b", User{}); r.Reason != ReasonNotReady {
		t.Errorf("a key without override: %+v", r)
	}
	if all := c.EvaluateAll(ctx, User{}); len(all) != 1 || !all["a"].Enabled {
		t.Errorf("EvaluateAll: %+v", all)
	}
}

// TestOverrideWhileEvaluating changes overrides while other goroutines
// evaluate: run under -race. Each evaluation sees a whole override set.
func TestOverrideWhileEvaluating(t *testing.T) {
	c := newTestClient(t, overrideDoc)
	ctx := context.Background()
	u := User{DistinctID: "u"}
	var reads atomic.Int64
	stop := startReaders(4, func() bool {
		reads.Add(1)
		r := c.Evaluate(ctx, "pricing", u)
		switch {
		case r.Reason == ReasonMatched && r.Variant == "control":
		case r.Reason == ReasonOverride && (r.Variant == "test" || r.Variant == "control"):
		default:
			t.Errorf("unexpected result: %+v", r)
			return false
		}
		if all := c.EvaluateAll(ctx, u); all["pricing"].Variant != r.Variant && all["pricing"].Reason != ReasonOverride && r.Reason != ReasonOverride {
			t.Errorf("EvaluateAll disagrees with Evaluate without overrides: %+v, %+v", all["pricing"], r)
			return false
		}
		return true
	})
	// Change overrides until the readers have done a good number of
	// evaluations, however the goroutines are scheduled.
	for i := 0; i < 2000 || reads.Load() < 2000; i++ {
		switch i % 3 {
		case 0:
			c.Override("pricing", "test")
		case 1:
			c.Override("pricing", "control")
		default:
			c.ClearOverrides()
		}
	}
	stop()
}
