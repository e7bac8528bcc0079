package flags

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// Hostile or unusual input, each with the behaviour it must have.

func evalOne(t *testing.T, doc, key string, u User, opts ...Option) Result {
	t.Helper()
	return newTestClient(t, doc, opts...).Evaluate(context.Background(), key, u)
}

func oneFlag(filters string) string {
	return `{"flags":[{"key":"f","active":true,"filters":` + filters + `}]}`
}

func wantInconclusive(t *testing.T, r Result, cause string) {
	t.Helper()
	if r.Reason != ReasonInconclusive || r.Err == nil || !strings.Contains(r.Err.Error(), cause) {
		t.Errorf("got %v (%v), want inconclusive mentioning %q", r.Reason, r.Err, cause)
	}
}

func TestHostileDuplicateKeys(t *testing.T) {
	var logs logBuffer
	doc := `{"flags":[
	  {"key":"dup","active":true,"filters":{"groups":[{"rollout_percentage":100}],"payloads":{"true":"\"first\""}}},
	  {"key":"dup","active":true,"filters":{"groups":[{"rollout_percentage":100}],"payloads":{"true":"\"second\""}}}]}`
	c := newTestClient(t, doc, WithLogger(logs.logger()))
	r := c.Evaluate(context.Background(), "dup", User{DistinctID: "u"})
	if string(r.Payload) != `"second"` {
		t.Errorf("the later definition should win: %s", r.Payload)
	}
	if all := c.EvaluateAll(context.Background(), User{DistinctID: "u"}); len(all) != 1 || string(all["dup"].Payload) != `"second"` {
		t.Errorf("EvaluateAll: %+v", all)
	}
	if !strings.Contains(logs.String(), `flag \"dup\" is defined more than once`) {
		t.Errorf("not logged: %s", logs.String())
	}
	if w := c.Status().Warnings; len(w) != 1 || !strings.Contains(w[0], "more than once") {
		t.Errorf("not in Status: %v", w)
	}
}

func TestHostileNumbers(t *testing.T) {
	u := User{DistinctID: "u", Properties: map[string]any{"n": 5}}
	// A rollout that overflows to +Inf includes everyone.
	if r := evalOne(t, oneFlag(`{"groups":[{"rollout_percentage":1e400}]}`), "f", u); !r.Enabled {
		t.Errorf("rollout 1e400: %+v", r)
	}
	// A filter value that overflows has no JSON spelling: exact is undecided.
	wantInconclusive(t, evalOne(t, oneFlag(`{"groups":[{"properties":[{"key":"n","value":1e400}]}]}`), "f", u), "non-finite")
	// gt against an infinity compares strings, as JavaScript does:
	// "5" > "-Infinity" because '5' sorts after '-'.
	if r := evalOne(t, oneFlag(`{"groups":[{"properties":[{"key":"n","operator":"gt","value":-1e400}]}]}`), "f", u); r.Reason != ReasonMatched {
		t.Errorf(`gt -Infinity compares "5" with "-Infinity" as strings: %+v`, r)
	}
	// NaN-like strings are strings: a rollout of "NaN" is the wrong type.
	wantInconclusive(t, evalOne(t, oneFlag(`{"groups":[{"rollout_percentage":"NaN"}]}`), "f", u), "rollout_percentage is a string")
	if r := evalOne(t, oneFlag(`{"groups":[{"properties":[{"key":"n","operator":"gt","value":"NaN"}]}]}`), "f", u); r.Reason != ReasonNoConditionMatch {
		t.Errorf(`gt "NaN": "5" > "NaN" is false as strings: %+v`, r)
	}
}

func TestHostileRollouts(t *testing.T) {
	for pct, on := range map[string]bool{"-5": false, "0": false, "100": true, "250": true, "0.0001": false} {
		doc := oneFlag(`{"groups":[{"rollout_percentage":` + pct + `}]}`)
		c := newTestClient(t, doc)
		n := 0
		for i := 0; i < 500; i++ {
			if c.IsEnabled(context.Background(), "f", User{DistinctID: fmt.Sprint(i)}) {
				n++
			}
		}
		if (n == 500) != on || (n == 0) == on {
			t.Errorf("rollout %s: %d of 500 users in", pct, n)
		}
	}
}

func TestHostileVariants(t *testing.T) {
	count := func(variants string) map[string]int {
		c := newTestClient(t, oneFlag(`{"groups":[{"rollout_percentage":100}],"multivariate":{"variants":[`+variants+`]}}`))
		got := map[string]int{}
		for i := 0; i < 2000; i++ {
			got[fmt.Sprint(c.Evaluate(context.Background(), "f", User{DistinctID: fmt.Sprint(i)}).Value())]++
		}
		return got
	}
	// A negative percentage is an empty range; later ranges shift down.
	got := count(`{"key":"a","rollout_percentage":-10},{"key":"b","rollout_percentage":60},{"key":"c","rollout_percentage":60}`)
	if got["a"] != 0 || got["b"] == 0 || got["c"] == 0 || got["true"] != 0 {
		t.Errorf("negative variant: %v", got)
	}
	// Over 100: the ranges beyond 1 are never reached.
	got = count(`{"key":"a","rollout_percentage":80},{"key":"b","rollout_percentage":80}`)
	if got["a"]+got["b"] != 2000 || got["a"] < got["b"]*3 {
		t.Errorf("over 100: %v", got)
	}
	// Under 100: users past the last range get true.
	got = count(`{"key":"a","rollout_percentage":30}`)
	if got["a"] == 0 || got["true"] == 0 {
		t.Errorf("under 100: %v", got)
	}
}

func TestHostileDependencyChains(t *testing.T) {
	const flags = `{"key":"on","active":true,"filters":{"groups":[{"rollout_percentage":100}]}},
	  {"key":"undecided","active":true,"filters":{"groups":[{"properties":[{"key":"missing-prop","value":"x"}]}]}},`
	u := User{DistinctID: "u"}
	dep := func(chain string) string {
		return `{"flags":[` + flags + `{"key":"f","active":true,"filters":{"groups":[{"properties":[{"key":"on","type":"flag","operator":"flag_evaluates_to","value":true,"dependency_chain":` + chain + `}]}]}}]}`
	}
	if r := evalOne(t, dep(`["on"]`), "f", u); !r.Enabled {
		t.Errorf("a true chain: %+v", r)
	}
	// A chain that names a flag that is not a dependency still evaluates it,
	// as posthog-node does; an undecided one makes the filter undecided.
	wantInconclusive(t, evalOne(t, dep(`["undecided","on"]`), "f", u), `flag "undecided" is undecided`)
	// A chain that names a flag missing from the definitions.
	if r := evalOne(t, dep(`["on","f2"]`), "f", u); r.Reason != ReasonInconclusive || r.Enabled ||
		errMsg(r.Err) != `flags: inconclusive: flag "f2", in the dependency chain of "on", is not in the definitions` {
		t.Errorf("a chain naming a missing flag: %+v", r)
	}
	// A chain that lacks the dependency itself lies: undecided.
	wantInconclusive(t, evalOne(t, dep(`["undecided"]`), "f", u), `the dependency_chain of "on" does not include "on" itself`)
}

// TestHostileDependencyChainOrder: top needs mid to be true, mid needs
// base to be false, base needs plan = pro; so top is on exactly for users
// whose plan is not pro. PostHog's server lists a chain deepest first
// (["base","mid"]); one in the wrong order (["mid","base"]) gives the same
// answers, because a flag's own dependencies are decided before it
// whatever the chain says, and the filter compares the value of its own
// flag (mid), not of the chain's last one. Only the cause of an undecided
// answer differs: the chain is followed in its order, so the first flag it
// names that is undecided is mid.
func TestHostileDependencyChainOrder(t *testing.T) {
	doc := func(chain string) string {
		return `{"flags":[
		  {"key":"top","active":true,"filters":{"groups":[{"properties":[{"key":"mid","type":"flag","operator":"flag_evaluates_to","value":true,"dependency_chain":` + chain + `}],"rollout_percentage":100}]}},
		  {"key":"mid","active":true,"filters":{"groups":[{"properties":[{"key":"base","type":"flag","operator":"flag_evaluates_to","value":false,"dependency_chain":["base"]}],"rollout_percentage":100}]}},
		  {"key":"base","active":true,"filters":{"groups":[{"properties":[{"key":"plan","type":"person","operator":"exact","value":"pro"}],"rollout_percentage":100}]}}]}`
	}
	const baseUndecided = `the dependency on "base": flag "base" is undecided: property "plan" is not in the context`
	pro := User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}
	free := User{DistinctID: "u", Properties: map[string]any{"plan": "free"}}
	none := User{DistinctID: "u"}
	for _, tc := range []struct {
		chain string
		user  User
		// want is "true", "false", or the exact error of an inconclusive
		// answer.
		want string
	}{
		{`["base","mid"]`, pro, "false"},
		{`["base","mid"]`, free, "true"},
		{`["base","mid"]`, none, `flags: inconclusive: the dependency on "mid": flag "base" is undecided: property "plan" is not in the context`},
		{`["mid","base"]`, pro, "false"},
		{`["mid","base"]`, free, "true"},
		{`["mid","base"]`, none, `flags: inconclusive: the dependency on "mid": flag "mid" is undecided: ` + baseUndecided},
		// mid alone: base is still decided first, as mid's own dependency.
		{`["mid"]`, pro, "false"},
		{`["mid"]`, free, "true"},
	} {
		c := newTestClient(t, doc(tc.chain))
		for _, evaluate := range []func() Result{
			func() Result { return c.Evaluate(context.Background(), "top", tc.user) },
			func() Result { return c.EvaluateAll(context.Background(), tc.user)["top"] },
		} {
			r := evaluate()
			switch tc.want {
			case "true":
				if !r.Enabled || r.Reason != ReasonMatched || r.Condition != 0 || r.Err != nil {
					t.Errorf("chain %s, %v: %+v, want true", tc.chain, tc.user.Properties, r)
				}
			case "false":
				if r.Enabled || r.Reason != ReasonNoConditionMatch || r.Condition != -1 || r.Err != nil {
					t.Errorf("chain %s, %v: %+v, want false (no condition matched)", tc.chain, tc.user.Properties, r)
				}
			default:
				if r.Enabled || r.Reason != ReasonInconclusive || !errors.Is(r.Err, ErrInconclusive) || errMsg(r.Err) != tc.want {
					t.Errorf("chain %s, %v: %+v\n want inconclusive: %s", tc.chain, tc.user.Properties, r, tc.want)
				}
			}
		}
	}
}

func TestHostileCohorts(t *testing.T) {
	u := User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}
	doc := `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"properties":[{"key":"id","type":"cohort","value":1}]},{"rollout_percentage":100}]}}],
	  "cohorts":{"1":{"type":"OR","values":[{"key":"id","type":"cohort","value":1}]}}}`
	// posthog-node recurses until its stack overflows, which abandons the
	// whole flag, later conditions included. Here the cycle is found at
	// load time and the flag is inconclusive.
	wantInconclusive(t, evalOne(t, doc, "f", u), "cohort 1 includes itself")
	// posthog-node would answer when an earlier entry decides the group
	// before the recursion; a cohort on a cycle is rejected whatever the
	// data (PostHog's server never sends one), so the answer stays the same.
	doc = strings.Replace(doc, `"values":[{"key":"id"`, `"values":[{"key":"plan","value":"pro"},{"key":"id"`, 1)
	wantInconclusive(t, evalOne(t, doc, "f", u), "cohort 1 includes itself")
	// A cycle through two cohorts, used from a second condition: the first
	// condition still decides.
	doc = `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"rollout_percentage":100},{"properties":[{"key":"id","type":"cohort","value":1}]}]}}],
	  "cohorts":{"1":{"type":"AND","values":[{"key":"id","type":"cohort","value":2}]},"2":{"type":"AND","values":[{"key":"id","type":"cohort","value":1}]}}}`
	if r := evalOne(t, doc, "f", u); !r.Enabled || r.Condition != 0 {
		t.Errorf("a cycle in a condition never reached: %+v", r)
	}
}

// TestExponentialStructures uses a cohort, and a dependency, twice at every
// level of a 40-level structure: deciding each once per evaluation keeps
// this linear (posthog-node itself would take 2^40 steps).
func TestExponentialStructures(t *testing.T) {
	u := User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}
	var cohorts, flagsJSON strings.Builder
	for i := 0; i < 40; i++ {
		if i > 0 {
			cohorts.WriteByte(',')
			flagsJSON.WriteByte(',')
		}
		if i < 39 {
			fmt.Fprintf(&cohorts, `"%d":{"type":"AND","values":[{"key":"id","type":"cohort","value":%d},{"key":"id","type":"cohort","value":%d}]}`, i, i+1, i+1)
			dep := fmt.Sprintf(`{"key":"d%d","type":"flag","operator":"flag_evaluates_to","value":true,"dependency_chain":["d%d"]}`, i+1, i+1)
			fmt.Fprintf(&flagsJSON, `{"key":"d%d","active":true,"filters":{"groups":[{"properties":[%s,%s]}]}}`, i, dep, dep)
		} else {
			fmt.Fprintf(&cohorts, `"%d":{"type":"AND","values":[{"key":"missing","value":"x"}]}`, i)
			fmt.Fprintf(&flagsJSON, `{"key":"d%d","active":true,"filters":{"groups":[{"properties":[{"key":"missing","value":"x"}]}]}}`, i)
		}
	}
	doc := `{"flags":[{"key":"c","active":true,"filters":{"groups":[{"properties":[{"key":"id","type":"cohort","value":0}]}]}},` +
		flagsJSON.String() + `],"cohorts":{` + cohorts.String() + `}}`
	c := newTestClient(t, doc)
	ctx := context.Background()
	wantInconclusive(t, c.Evaluate(ctx, "c", u), `property "missing"`)
	wantInconclusive(t, c.Evaluate(ctx, "d0", u), `flag "d1" is undecided`)
	if all := c.EvaluateAll(ctx, u); len(all) != 41 {
		t.Errorf("EvaluateAll: %d results", len(all))
	}
}

func TestHostileObjectFilterValues(t *testing.T) {
	exact := oneFlag(`{"groups":[{"properties":[{"key":"o","value":{"b":[1.5,"x"],"a":null}}]}]}`)
	// exact compares sorted-key JSON, lowercased.
	if r := evalOne(t, exact, "f", User{Properties: map[string]any{"o": map[string]any{"a": nil, "b": []any{1.5, "X"}}}}); !r.Enabled {
		t.Errorf("object equal to the filter value: %+v", r)
	}
	// An integer inside has no spelling posthog-node trusts.
	wantInconclusive(t, evalOne(t, exact, "f", User{Properties: map[string]any{"o": map[string]any{"a": 1}}}), "integer")
	// String(object) is "[object Object]".
	ic := oneFlag(`{"groups":[{"properties":[{"key":"s","operator":"icontains","value":{"any":"thing"}}]}]}`)
	if r := evalOne(t, ic, "f", User{Properties: map[string]any{"s": "an [OBJECT object] here"}}); !r.Enabled {
		t.Errorf("icontains an object: %+v", r)
	}
}

func TestHostileManyConditions(t *testing.T) {
	doc := withGood(fmt.Sprintf(`{"key":"huge","active":true,"filters":{"groups":[%s]}}`, conditions(10000)))
	checkFlag(t, doc, "huge", User{DistinctID: "u"}, true, "MaxConditions")
}

// TestHostileContexts feeds property values of every Go kind.
func TestHostileContexts(t *testing.T) {
	x := 1
	paris, _ := time.LoadLocation("Europe/Paris")
	if paris == nil {
		paris = time.FixedZone("CEST", 2*3600)
	}
	for _, tc := range []struct {
		name   string
		value  any
		filter string // operator and value
		want   string // "true", "false" or an inconclusive cause
	}{
		{"pointer", &x, `"operator":"exact","value":"1"`, "*int"},
		{"struct", struct{ A int }{1}, `"operator":"icontains","value":"a"`, "struct"},
		{"channel", make(chan int), `"operator":"is_set","value":"is_set"`, "true"}, // presence only
		{"func", func() {}, `"operator":"regex","value":"x"`, "func()"},
		{"NaN exact", math.NaN(), `"operator":"exact","value":"nan"`, "non-finite"},
		{"NaN icontains", math.NaN(), `"operator":"icontains","value":"nan"`, "true"},
		{"+Inf gt", math.Inf(1), `"operator":"gt","value":5`, "true"},
		{"-Inf lt", math.Inf(-1), `"operator":"lt","value":5`, "true"},
		{"uint64 max exact", uint64(math.MaxUint64), `"operator":"exact","value":"18446744073709551615"`, "integer"},
		{"uint64 max gt", uint64(math.MaxUint64), `"operator":"gt","value":1e18`, "true"},
		{"json.Number 1e400", json.Number("1e400"), `"operator":"gt","value":5`, "true"},
		{"json.Number junk", json.Number("12abc"), `"operator":"gt","value":5`, "json.Number"},
		{"time with location", time.Date(2025, 6, 15, 14, 0, 0, 0, paris), `"operator":"is_date_after","value":"2025-06-15T11:59:59Z"`, "true"},
		{"time before, same wall clock", time.Date(2025, 6, 15, 12, 0, 0, 0, paris), `"operator":"is_date_after","value":"2025-06-15T11:59:59Z"`, "false"},
		{"invalid UTF-8 exact", "ab\xffc", `"operator":"exact","value":"abc"`, "UTF-8"},
		{"invalid UTF-8 icontains", "ab\xffc", `"operator":"icontains","value":"AB"`, "true"},
		{"nested unsupported", []any{make(chan int)}, `"operator":"icontains","value":"x"`, "unsupported type chan int"},
	} {
		doc := oneFlag(`{"groups":[{"properties":[{"key":"v",` + tc.filter + `}]}]}`)
		r := evalOne(t, doc, "f", User{DistinctID: "u", Properties: map[string]any{"v": tc.value}})
		switch tc.want {
		case "true", "false":
			if fmt.Sprint(r.Enabled) != tc.want || r.Err != nil {
				t.Errorf("%s: %v (%v), want %s", tc.name, r.Enabled, r.Err, tc.want)
			}
		default:
			if r.Reason != ReasonInconclusive || !strings.Contains(r.Err.Error(), tc.want) {
				t.Errorf("%s: %v (%v), want inconclusive naming %q", tc.name, r.Reason, r.Err, tc.want)
			}
		}
	}
}

func TestHostileNilAndEmpty(t *testing.T) {
	c := newTestClient(t, goodDoc)
	ctx := context.Background()
	// None of these users has a plan, and all have the empty distinct id.
	// good needs plan; target is past its holdout (the holdout hash of ""
	// is 0.9269, outside 10%) and then needs plan first; dep is a 100%
	// rollout.
	const noPlan = `flags: inconclusive: property "plan" is not in the context`
	for _, u := range []User{{}, {Properties: map[string]any{}}, {Groups: map[string]Group{"company": {}}}} {
		for _, key := range []string{"good", "target"} {
			r := c.Evaluate(ctx, key, u)
			if r.Key != key || r.Enabled || r.Reason != ReasonInconclusive || r.Condition != -1 || r.Variant != "" ||
				r.Payload != nil || !errors.Is(r.Err, ErrInconclusive) || errMsg(r.Err) != noPlan {
				t.Errorf("%s for %+v: %+v, want inconclusive: %s", key, u, r, noPlan)
			}
		}
		if r := c.Evaluate(ctx, "dep", u); r.Key != "dep" || !r.Enabled || r.Reason != ReasonMatched || r.Condition != 0 || r.Err != nil {
			t.Errorf("dep for %+v: %+v, want true", u, r)
		}
		got := c.EvaluateAll(ctx, u)
		if len(got) != 3 || got["good"].Reason != ReasonInconclusive || got["target"].Reason != ReasonInconclusive ||
			errMsg(got["target"].Err) != noPlan || !got["dep"].Enabled {
			t.Errorf("EvaluateAll for %+v: %+v", u, got)
		}
	}
	// The empty distinct id is hashed like any other (docs/semantics.md §4.4):
	// "simple." hashes to 0.5845, outside the 50% rollout.
	if r := evalOne(t, docSimple, "simple", User{}); r.Enabled || r.Reason != ReasonOutOfRollout || r.Err != nil {
		t.Errorf("empty distinct id: %+v, want false, out of rollout", r)
	}
}

func TestHostileHugeContext(t *testing.T) {
	props := make(map[string]any, 100_000)
	for i := 0; i < 100_000; i++ {
		props[fmt.Sprintf("k%d", i)] = i
	}
	props["plan"] = "pro"
	if r := evalOne(t, goodDoc, "good", User{DistinctID: "u", Properties: props}); !r.Enabled {
		t.Errorf("100,000 properties: %+v", r)
	}
}

func TestHostilePayloads(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	doc := oneFlag(`{"groups":[{"rollout_percentage":100}],"multivariate":{"variants":[{"key":"a","rollout_percentage":100}]},
	  "payloads":{"a":` + fmt.Sprintf("%q", `{"big":"`+huge+`"}`) + `}}`)
	r := evalOne(t, doc, "f", User{DistinctID: "u"})
	if len(r.Payload) != len(huge)+10 {
		t.Errorf("a 1 MiB payload came back as %d bytes", len(r.Payload))
	}
	for stored, want := range map[string]string{
		`"{broken"`:           `"{broken"`,         // invalid JSON: the raw text, as a JSON string
		`"\"{\\\"a\\\":1}\""`: `"{\"a\":1}"`,       // a JSON string holding JSON: decoded once only
		`"  [1, 2,\n 3] "`:    `[1,2,3]`,           // valid JSON, compacted
		`{"not":"encoded"}`:   `{"not":"encoded"}`, // a stored object is itself
		`""`:                  ``,                  // empty: no payload
		`"null"`:              ``,                  // JSON null: no payload
		`0`:                   ``,                  // JavaScript-false stored values: none
		`"0"`:                 `0`,                 // but an encoded 0 is a payload
	} {
		doc := oneFlag(`{"groups":[{"rollout_percentage":100}],"payloads":{"true":` + stored + `}}`)
		r := evalOne(t, doc, "f", User{DistinctID: "u"})
		if string(r.Payload) != want {
			t.Errorf("stored %s: payload %q, want %q", stored, r.Payload, want)
		}
	}
}

// An object property is "[object Object]" to the text operators, but only
// when everything inside it is a supported type.
func TestObjectWithUnsupportedValue(t *testing.T) {
	doc := `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"properties":[
	  {"key":"p","type":"person","operator":"icontains","value":"object"}],"rollout_percentage":100}]}}]}`
	c := newTestClient(t, doc)
	ok := c.Evaluate(context.Background(), "f", User{DistinctID: "u", Properties: map[string]any{"p": map[string]any{"a": 1}}})
	if !ok.Enabled {
		t.Errorf("object of supported values: %+v", ok)
	}
	for _, v := range []any{
		map[string]any{"a": make(chan int)},
		[]any{map[string]any{"a": []any{struct{}{}}}},
	} {
		r := c.Evaluate(context.Background(), "f", User{DistinctID: "u", Properties: map[string]any{"p": v}})
		if r.Reason != ReasonInconclusive || !strings.Contains(fmt.Sprint(r.Err), "unsupported type") {
			t.Errorf("%T holding an unsupported value: %+v", v, r)
		}
	}
}

// errMsg is err's text, or "" for nil.
func errMsg(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
