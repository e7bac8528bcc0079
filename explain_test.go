package flags

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// explainDoc has a flag that exercises every step Explain records: a
// holdout, an undecided condition, a failing one, and a matching one with a
// property, a dependency chain and a nested, negated cohort, a rollout and
// a variant split.
const explainDoc = `{
  "flags": [
    {"key": "base", "active": true, "filters": {"groups": [{"properties": [], "rollout_percentage": 100}]}},
    {"key": "beta", "active": true, "filters": {"groups": [{"properties": [
        {"key": "base", "type": "flag", "operator": "flag_evaluates_to", "value": true, "dependency_chain": ["base"]}], "rollout_percentage": 100}]}},
    {"key": "checkout", "active": true, "filters": {
      "holdout": {"id": 3, "exclusion_percentage": 10},
      "groups": [
        {"properties": [{"key": "age", "type": "person", "operator": "gt", "value": 18}], "rollout_percentage": 100},
        {"properties": [{"key": "plan", "type": "person", "operator": "exact", "value": "enterprise"}], "rollout_percentage": 100},
        {"properties": [
          {"key": "email", "type": "person", "operator": "icontains", "value": "@acme"},
          {"key": "beta", "type": "flag", "operator": "flag_evaluates_to", "value": true, "dependency_chain": ["base", "beta"]},
          {"key": "id", "type": "cohort", "value": 5}], "rollout_percentage": 100}
      ],
      "multivariate": {"variants": [{"key": "one", "rollout_percentage": 50}, {"key": "two", "rollout_percentage": 50}]},
      "payloads": {"one": "1", "two": "2"}}}
  ],
  "cohorts": {
    "5": {"type": "AND", "values": [
      {"type": "OR", "values": [{"key": "country", "type": "person", "operator": "exact", "value": ["US", "CA"]}]},
      {"type": "AND", "values": [{"key": "id", "type": "cohort", "value": 6, "negation": true}]}]},
    "6": {"type": "AND", "values": [{"key": "plan", "type": "person", "operator": "exact", "value": "free"}]}
  }
}`

func TestExplainEveryStep(t *testing.T) {
	c := newTestClient(t, explainDoc)
	ctx := context.Background()
	// The first distinct id outside the 10% holdout.
	var id string
	for i := 0; ; i++ {
		id = fmt.Sprintf("user-%d", i)
		if bucket(holdoutPrefix, id, "") > 0.1 {
			break
		}
	}
	u := User{DistinctID: id, Properties: map[string]any{"email": "ada@acme.com", "plan": "pro", "country": "US"}}
	e := c.Explain(ctx, "checkout", u)
	if want := c.Evaluate(ctx, "checkout", u); !reflect.DeepEqual(e.Result, want) {
		t.Fatalf("Explain's result %+v differs from Evaluate's %+v", e.Result, want)
	}
	f := e.Flag
	if f == nil || f.Key != "checkout" || f.Bucketing != id || f.Value != e.Result.Variant {
		t.Fatalf("flag trace: %+v", f)
	}
	if h := f.Holdout; h == nil || h.Held || h.Percentage != 10 || h.Bucket <= 0.1 || h.Variant != "holdout-3" {
		t.Errorf("holdout trace: %+v", h)
	}
	if len(f.Conditions) != 3 {
		t.Fatalf("%d conditions traced", len(f.Conditions))
	}
	c0, c1, c2 := f.Conditions[0], f.Conditions[1], f.Conditions[2]
	if c0.Outcome != "undecided" || !strings.Contains(c0.Cause, `"age"`) || c0.Filters[0].Present || c0.Filters[0].Outcome != FilterUndecided {
		t.Errorf("condition 0: %+v", c0)
	}
	if c1.Outcome != "no match" || c1.Filters[0].Actual != "pro" || c1.Filters[0].Outcome != FilterFail || c1.Filters[0].Expected != "enterprise" {
		t.Errorf("condition 1: %+v", c1)
	}
	if c2.Outcome != "matched" || len(c2.Filters) != 3 {
		t.Fatalf("condition 2: %+v", c2)
	}
	prop, dep, coh := c2.Filters[0], c2.Filters[1], c2.Filters[2]
	if prop.Operator != "icontains" || prop.Actual != "ada@acme.com" || prop.Outcome != FilterPass {
		t.Errorf("property filter: %+v", prop)
	}
	if dep.Type != "flag" || dep.Outcome != FilterPass || len(dep.Dependencies) != 2 ||
		dep.Dependencies[0].Key != "base" || dep.Dependencies[1].Key != "beta" || dep.Dependencies[1].Value != "true" {
		t.Errorf("dependency filter: %+v", dep)
	} else if inner := dep.Dependencies[1].Conditions[0].Filters[0]; inner.Type != "flag" || len(inner.Dependencies) != 1 || inner.Dependencies[0].Notes[0] != "already evaluated" {
		t.Errorf("beta's own dependency on base: %+v", inner)
	}
	if coh.Type != "cohort" || coh.Key != "5" || coh.Outcome != FilterPass || len(coh.Children) != 2 ||
		coh.Children[0].Type != "OR" || coh.Children[1].Children[0].Type != "cohort" || !coh.Children[1].Children[0].Negated ||
		coh.Children[1].Children[0].Outcome != FilterFail {
		t.Errorf("cohort filter: %+v", coh)
	}
	if r := c2.Rollout; r == nil || !r.In || r.Percentage != 100 {
		t.Errorf("rollout trace: %+v", r)
	}
	if v := c2.Variant; v == nil || v.Override || v.Key != e.Result.Variant || v.Bucket < v.Min || v.Bucket >= v.Max {
		t.Errorf("variant trace: %+v", v)
	}

	text := e.String()
	for _, want := range []string{
		`flag "checkout": ` + e.Result.Variant + ` (matched), condition 2`,
		"holdout holdout-3: bucket",
		"condition 0: undecided",
		`age gt 18: saw missing: undecided`,
		`country exact ["US","CA"]: saw "US": pass`,
		`plan exact "enterprise": saw "pro": fail`,
		`flag "beta" evaluates to true: pass`,
		`dependency "base":`,
		"cohort 5 (in): pass",
		"cohort 6 (in): fail, negated: pass",
		"rollout 100%: bucket",
		"variant bucket",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("String() lacks %q:\n%s", want, text)
		}
	}
	t.Log("\n" + text)
}

func TestExplainOtherResults(t *testing.T) {
	c := newTestClient(t, explainDoc, WithOverrides(map[string]any{"base": false}))
	ctx := context.Background()
	if e := c.Explain(ctx, "nope", User{}); e.Flag != nil || e.Result.Reason != ReasonNotFound || !strings.Contains(e.String(), "not found") {
		t.Errorf("missing flag: %+v", e)
	}
	if e := c.Explain(ctx, "base", User{}); !e.Override || e.Result.Reason != ReasonOverride || !strings.Contains(e.String(), "override") {
		t.Errorf("override: %+v", e)
	}
	empty, _ := New()
	if e := empty.Explain(ctx, "x", User{}); e.Result.Reason != ReasonNotReady {
		t.Errorf("not ready: %+v", e)
	}
}
