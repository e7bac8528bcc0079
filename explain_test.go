package flags

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// refBucket is PostHog's hash of input computed here, independently of
// bucket: the first 15 hex digits of its SHA-1 over 0xFFFFFFFFFFFFFFF
// (which is 2^60 as a float64).
func refBucket(t *testing.T, input string) float64 {
	t.Helper()
	sum := sha1.Sum([]byte(input))
	n, err := strconv.ParseUint(hex.EncodeToString(sum[:])[:15], 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	return float64(n) / (1 << 60)
}

// knownBucket is refBucket(input), checked against a value computed
// outside this package (a vector of testdata/vectors/hash.json, or
// Python's hashlib for the inputs it lacks).
func knownBucket(t *testing.T, input string, want float64) float64 {
	t.Helper()
	got := refBucket(t, input)
	if math.Abs(got-want) > 1e-15*want {
		t.Fatalf("sha1 hash of %q: %v, want %v", input, got, want)
	}
	return got
}

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
          {"key": "id", "type": "cohort", "value": 5}], "rollout_percentage": 50}
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
	// The hashes of this user, known in advance: outside the 10% holdout
	// (a vector of PostHog's server tests), inside the 50% rollout, and in
	// variant two's range [0.5, 1).
	const id = "some_distinct_id"
	holdoutHash := knownBucket(t, "holdout-"+id, 0.7270002403585725)
	rolloutHash := knownBucket(t, "checkout."+id, 0.0953450168983708)
	variantHash := knownBucket(t, "checkout."+id+"variant", 0.8027883582642313)
	u := User{DistinctID: id, Properties: map[string]any{"email": "ada@acme.com", "plan": "pro", "country": "US"}}
	e := c.Explain(ctx, "checkout", u)
	if r := e.Result; r.Key != "checkout" || !r.Enabled || r.Reason != ReasonMatched || r.Variant != "two" ||
		string(r.Payload) != "2" || r.Condition != 2 || r.Err != nil {
		t.Fatalf("result %+v, want variant two, payload 2, from condition 2", r)
	}
	if want := c.Evaluate(ctx, "checkout", u); !reflect.DeepEqual(e.Result, want) {
		t.Errorf("Explain's result %+v differs from Evaluate's %+v", e.Result, want)
	}
	f := e.Flag
	if f == nil || f.Key != "checkout" || f.Bucketing != id || f.Value != "two" || f.Cause != "" {
		t.Fatalf("flag trace: %+v", f)
	}
	if h := f.Holdout; h == nil || h.Held || h.Percentage != 10 || h.Bucket != holdoutHash || h.Variant != "holdout-3" {
		t.Errorf("holdout trace: %+v, want bucket %v", h, holdoutHash)
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
	if r := c2.Rollout; r == nil || !r.In || r.Percentage != 50 || r.Bucket != rolloutHash {
		t.Errorf("rollout trace: %+v, want in 50%% with bucket %v", r, rolloutHash)
	}
	if v := c2.Variant; v == nil || v.Override || v.Key != "two" || v.Bucket != variantHash || v.Min != 0.5 || v.Max != 1 {
		t.Errorf("variant trace: %+v, want two, bucket %v in [0.5, 1)", v, variantHash)
	}

	text := e.String()
	for _, want := range []string{
		`flag "checkout": two (matched), condition 2`,
		"  payload: 2\n",
		`bucketing id: "some_distinct_id"`,
		"holdout holdout-3: bucket 0.727000 vs 10%: not held out",
		"condition 0: undecided",
		`age gt 18: saw missing: undecided`,
		`country exact ["US","CA"]: saw "US": pass`,
		`plan exact "enterprise": saw "pro": fail`,
		`flag "beta" evaluates to true: pass`,
		`dependency "base":`,
		"cohort 5 (in): pass",
		"cohort 6 (in): fail, negated: pass",
		"rollout 50%: bucket 0.095345: in",
		"variant bucket 0.802788 in [0.500000, 1.000000): two",
		"  value: two\n",
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

// TestExplainRolloutAndHoldout traces a user outside a rollout and a user
// held out of an experiment, with ids whose hashes are vectors of PostHog's
// own tests (testdata/vectors/hash.json).
func TestExplainRolloutAndHoldout(t *testing.T) {
	c := newTestClient(t, `{"flags":[
	  {"key":"simple-flag","active":true,"filters":{"groups":[{"properties":[],"rollout_percentage":50}]}},
	  {"key":"a","active":true,"filters":{"groups":[{"properties":[],"rollout_percentage":40},{"properties":[],"rollout_percentage":42}]}},
	  {"key":"exp","active":true,"filters":{"holdout":{"id":7,"exclusion_percentage":10},
	    "groups":[{"properties":[],"rollout_percentage":100}],"payloads":{"holdout-7":"\"held\"","true":"\"in\""}}}]}`)
	ctx := context.Background()
	rolloutOf := func(e Explanation, i int) *RolloutTrace {
		t.Helper()
		if e.Flag == nil || len(e.Flag.Conditions) <= i {
			t.Fatalf("%s: condition %d not traced: %+v", e.Result.Key, i, e.Flag)
		}
		return e.Flag.Conditions[i].Rollout
	}

	// 0.7837 is above the 50% threshold: out, and the flag is false.
	out := knownBucket(t, "simple-flag.distinct_id_0", 0.7836963764220432)
	e := c.Explain(ctx, "simple-flag", User{DistinctID: "distinct_id_0"})
	if r := e.Result; r.Enabled || r.Reason != ReasonOutOfRollout || r.Condition != -1 || r.Variant != "" || r.Err != nil {
		t.Errorf("distinct_id_0: %+v, want false, out of rollout", r)
	}
	if r := rolloutOf(e, 0); r == nil || r.In || r.Percentage != 50 || r.Bucket != out || r.Bucket <= 0.5 {
		t.Errorf("distinct_id_0: rollout trace %+v, want out of 50%% with bucket %v", r, out)
	}
	if ct := e.Flag.Conditions[0]; ct.Outcome != "out of rollout" || e.Flag.Value != "false" {
		t.Errorf("distinct_id_0: condition %+v, value %q", ct, e.Flag.Value)
	}
	for _, want := range []string{`flag "simple-flag": false (out of rollout)`, "condition 0: out of rollout", "rollout 50%: bucket 0.783696: out", "value: false"} {
		if !strings.Contains(e.String(), want) {
			t.Errorf("String() lacks %q:\n%s", want, e.String())
		}
	}
	// 0.3397 is inside.
	in := knownBucket(t, "simple-flag.distinct_id_1", 0.3397069926995401)
	e = c.Explain(ctx, "simple-flag", User{DistinctID: "distinct_id_1"})
	if r := rolloutOf(e, 0); !e.Result.Enabled || e.Result.Reason != ReasonMatched || r == nil || !r.In || r.Bucket != in {
		t.Errorf("distinct_id_1: %+v, rollout trace %+v, want in with bucket %v", e.Result, r, in)
	}

	// "a.b" hashes to 0.4139: outside 40%, inside 42%, so the first
	// condition is out of rollout and the second matches.
	ab := knownBucket(t, "a.b", 0.4139158829615955)
	e = c.Explain(ctx, "a", User{DistinctID: "b"})
	if r := e.Result; !r.Enabled || r.Reason != ReasonMatched || r.Condition != 1 {
		t.Errorf("a for b: %+v, want true from condition 1", r)
	}
	if r := rolloutOf(e, 0); r == nil || r.In || r.Percentage != 40 || r.Bucket != ab || e.Flag.Conditions[0].Outcome != "out of rollout" {
		t.Errorf("a for b, condition 0: %+v", e.Flag.Conditions[0])
	}
	if r := rolloutOf(e, 1); r == nil || !r.In || r.Percentage != 42 || r.Bucket != ab || e.Flag.Conditions[1].Outcome != "matched" {
		t.Errorf("a for b, condition 1: %+v", e.Flag.Conditions[1])
	}
	if !strings.Contains(e.String(), "rollout 40%: bucket 0.413916: out") || !strings.Contains(e.String(), "rollout 42%: bucket 0.413916: in") {
		t.Errorf("a for b:\n%s", e.String())
	}

	// The holdout hash of ".some_distinct_id" is 0.0866, inside 10%: held
	// out before any condition, with the holdout's variant and payload.
	held := knownBucket(t, "holdout-.some_distinct_id", 0.0866397292395582)
	e = c.Explain(ctx, "exp", User{DistinctID: ".some_distinct_id"})
	if r := e.Result; !r.Enabled || r.Reason != ReasonHoldout || r.Variant != "holdout-7" || string(r.Payload) != `"held"` || r.Condition != -1 || r.Err != nil {
		t.Errorf("held-out user: %+v", r)
	}
	if f := e.Flag; f == nil || f.Holdout == nil || !f.Holdout.Held || f.Holdout.Bucket != held || f.Holdout.Percentage != 10 ||
		f.Holdout.Variant != "holdout-7" || len(f.Conditions) != 0 || f.Value != "holdout-7" {
		t.Errorf("held-out user: trace %+v", f)
	}
	for _, want := range []string{`flag "exp": holdout-7 (holdout)`, `payload: "held"`, "holdout holdout-7: bucket 0.086640 vs 10%: held out: serves holdout-7"} {
		if !strings.Contains(e.String(), want) {
			t.Errorf("String() lacks %q:\n%s", want, e.String())
		}
	}
	// "some_distinct_id" hashes to 0.7270: not held, the condition decides.
	e = c.Explain(ctx, "exp", User{DistinctID: "some_distinct_id"})
	if r := e.Result; !r.Enabled || r.Reason != ReasonMatched || r.Variant != "" || string(r.Payload) != `"in"` ||
		e.Flag == nil || e.Flag.Holdout == nil || e.Flag.Holdout.Held || e.Flag.Holdout.Bucket != knownBucket(t, "holdout-some_distinct_id", 0.7270002403585725) {
		t.Errorf("user outside the holdout: %+v, holdout %+v", r, e.Flag.Holdout)
	}
}
