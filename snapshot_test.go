package flags

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// goodDoc has one flag of each shape the wrong-type test mutates, next to a
// plain flag ("good") whose answer must never change.
const goodDoc = `{
  "flags": [
    {"key": "good", "active": true, "filters": {"groups": [{"properties": [{"key": "plan", "type": "person", "operator": "exact", "value": "pro"}], "rollout_percentage": 100}], "payloads": {"true": "{\"ok\": 1}"}}},
    {"key": "target", "active": true, "deleted": false, "ensure_experience_continuity": false,
     "bucketing_identifier": "distinct_id", "evaluation_runtime": "all", "evaluation_contexts": ["web"],
     "filters": {
       "aggregation_group_type_index": null,
       "early_exit": false,
       "holdout": {"id": 4, "exclusion_percentage": 10},
       "groups": [
         {"properties": [
            {"key": "plan", "type": "person", "operator": "exact", "value": ["pro"], "negation": false},
            {"key": "dep", "type": "flag", "operator": "flag_evaluates_to", "value": true, "dependency_chain": ["dep"]},
            {"key": "id", "type": "cohort", "value": 1}
          ], "rollout_percentage": 100, "variant": "a", "aggregation_group_type_index": null}
       ],
       "multivariate": {"variants": [{"key": "a", "rollout_percentage": 60}, {"key": "b", "rollout_percentage": 40}]},
       "payloads": {"a": "{\"x\": 1}", "true": "2"}
     }},
    {"key": "dep", "active": true, "filters": {"groups": [{"properties": [], "rollout_percentage": 100}]}}
  ],
  "group_type_mapping": {"0": "company"},
  "cohorts": {"1": {"type": "OR", "values": [{"type": "AND", "values": [{"key": "plan", "type": "person", "value": "pro"}]}]}},
  "property_matching_version": 1
}`

func TestGoodDocument(t *testing.T) {
	c := newTestClient(t, goodDoc)
	ctx := context.Background()
	u := User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}
	if r := c.Evaluate(ctx, "good", u); !r.Enabled || string(r.Payload) != `{"ok":1}` {
		t.Fatalf("good: %+v", r)
	}
	if r := c.Evaluate(ctx, "target", u); r.Reason != ReasonMatched && r.Reason != ReasonHoldout {
		t.Fatalf("target: %+v", r)
	}
}

// wrongValues are JSON values of every type.
var wrongValues = []string{`"str"`, `7`, `1.5`, `true`, `null`, `[]`, `[1,"x"]`, `{}`, `{"a":1}`}

// TestWrongTypesInEveryField replaces every field of the document, one at a
// time, with a value of each JSON type. The document must either be
// rejected with an error that names the problem, or load; when it loads,
// evaluation must not panic and the untouched flag "good" must keep its
// answer.
func TestWrongTypesInEveryField(t *testing.T) {
	var base any
	if err := json.Unmarshal([]byte(goodDoc), &base); err != nil {
		t.Fatal(err)
	}
	paths := fieldPaths(base, nil)
	if len(paths) < 40 {
		t.Fatalf("only %d field paths", len(paths))
	}
	ctx := context.Background()
	users := []User{
		{DistinctID: "u", Properties: map[string]any{"plan": "pro"}},
		{DistinctID: "v", DeviceID: "d", Properties: map[string]any{"plan": "free"}, Groups: map[string]Group{"company": {Key: "acme"}}},
	}
	loaded, rejected := 0, 0
	for _, path := range paths {
		if len(path) >= 3 && path[0] == "flags" && path[1] == "0" {
			continue // the control flag stays intact
		}
		for _, wrong := range wrongValues {
			doc := mutate(t, base, path, wrong)
			name := strings.Join(path, ".") + "=" + wrong
			c, err := New(WithSnapshot(doc), WithRuntime(RuntimeAll))
			if err != nil {
				rejected++
				if !strings.HasPrefix(err.Error(), "flags: definitions") {
					t.Errorf("%s: error does not say what is wrong: %v", name, err)
				}
				continue
			}
			loaded++
			for _, u := range users {
				for _, key := range []string{"target", "dep", "missing"} {
					c.Evaluate(ctx, key, u) // must not panic
				}
				c.EvaluateAll(ctx, u)
			}
			if replacesGood := len(path) <= 2 && path[0] == "flags"; replacesGood {
				continue
			}
			if r := c.Evaluate(ctx, "good", users[0]); !r.Enabled || string(r.Payload) != `{"ok":1}` {
				t.Errorf("%s: flag good changed: %+v", name, r)
			}
		}
	}
	t.Logf("%d field paths x %d values: %d loaded, %d rejected", len(paths), len(wrongValues), loaded, rejected)
	if rejected == 0 {
		t.Error("no mutation was rejected, so the top-level checks were never exercised")
	}
}

// fieldPaths lists the path of every object field and array element.
func fieldPaths(v any, prefix []string) [][]string {
	var out [][]string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := append(append([]string(nil), prefix...), k)
			out = append(out, p)
			out = append(out, fieldPaths(e, p)...)
		}
	case []any:
		for i, e := range x {
			p := append(append([]string(nil), prefix...), fmt.Sprint(i))
			out = append(out, p)
			out = append(out, fieldPaths(e, p)...)
		}
	}
	return out
}

// mutate returns base, re-encoded, with the value at path replaced by raw.
func mutate(t *testing.T, base any, path []string, raw string) []byte {
	t.Helper()
	var doc any
	b, _ := json.Marshal(base)
	json.Unmarshal(b, &doc)
	var repl any
	if err := json.Unmarshal([]byte(raw), &repl); err != nil {
		t.Fatal(err)
	}
	cur := doc
	for i, p := range path {
		last := i == len(path)-1
		switch x := cur.(type) {
		case map[string]any:
			if last {
				x[p] = repl
			} else {
				cur = x[p]
			}
		case []any:
			var idx int
			fmt.Sscan(p, &idx)
			if last {
				x[idx] = repl
			} else {
				cur = x[idx]
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTruncatedDocument(t *testing.T) {
	c := newTestClient(t, goodDoc)
	for n := 0; n < len(goodDoc); n++ {
		err := c.Load([]byte(goodDoc[:n]))
		if err == nil {
			t.Fatalf("a document cut at byte %d loaded", n)
		}
		if !strings.Contains(err.Error(), "not valid JSON") && !strings.Contains(err.Error(), "must be a JSON object") {
			t.Fatalf("cut at %d: unclear error %v", n, err)
		}
	}
	// The last good definitions are still served.
	if !c.IsEnabled(context.Background(), "good", User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}) {
		t.Error("after failed loads the good definitions are gone")
	}
}

func TestDocumentErrors(t *testing.T) {
	for doc, want := range map[string]string{
		``:                          "not valid JSON",
		`[]`:                        "must be a JSON object",
		`{}`:                        `no "flags" field`,
		`{"flags": {}}`:             `"flags" must be an array`,
		`{"flags": []} {}`:          "more follows the document",
		`{"flags": []} A`:           "more follows the document",
		`{"flags": [] `:             "not valid JSON",
		strings.Repeat("[", 100000): "not valid JSON",
	} {
		_, err := New(WithSnapshot([]byte(doc)))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.30q: got %v, want an error containing %q", doc, err, want)
		}
	}
	if _, err := New(WithSnapshot([]byte(`{"flags": null}`))); err != nil {
		t.Errorf(`"flags": null is an empty document: %v`, err)
	}
}

// TestBrokenFlagIsolated puts a flag with an unknown operator, one with a
// self-dependency and one malformed flag next to a good flag.
func TestBrokenFlagIsolated(t *testing.T) {
	doc := `{"flags": [
	  {"key": "good", "active": true, "filters": {"groups": [{"properties": [], "rollout_percentage": 100}]}},
	  {"key": "unknown-op", "active": true, "filters": {"groups": [{"properties": [{"key": "plan", "operator": "bogus", "value": "x"}], "rollout_percentage": 100}]}},
	  {"key": "self", "active": true, "filters": {"groups": [{"properties": [{"key": "self", "type": "flag", "operator": "flag_evaluates_to", "value": true, "dependency_chain": []}], "rollout_percentage": 100}]}},
	  {"key": "self-lying", "active": true, "filters": {"groups": [{"properties": [{"key": "self-lying", "type": "flag", "operator": "flag_evaluates_to", "value": true, "dependency_chain": ["self-lying"]}], "rollout_percentage": 100}]}},
	  {"key": "malformed", "active": true, "filters": {"groups": [{"properties": "plan", "rollout_percentage": "50"}]}}
	]}`
	c := newTestClient(t, doc)
	ctx := context.Background()
	u := User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}
	if !c.IsEnabled(ctx, "good", u) {
		t.Error("good should be on")
	}
	for key, cause := range map[string]string{
		"unknown-op": `unknown operator "bogus"`,
		"self":       "circular",
		"self-lying": "dependency cycle",
		"malformed":  "malformed",
	} {
		r := c.Evaluate(ctx, key, u)
		if r.Reason != ReasonInconclusive || !errors.Is(r.Err, ErrInconclusive) || !strings.Contains(r.Err.Error(), cause) {
			t.Errorf("%s: got %v (%v), want inconclusive mentioning %q", key, r.Reason, r.Err, cause)
		}
	}
	all := c.EvaluateAll(ctx, u)
	if len(all) != 5 || !all["good"].Enabled {
		t.Errorf("EvaluateAll: %+v", all)
	}
	if r := c.Evaluate(ctx, "nope", u); r.Reason != ReasonNotFound || !errors.Is(r.Err, ErrNotFound) {
		t.Errorf("missing flag: %+v", r)
	}
}
