package flags_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/localflags/flags"
	"github.com/localflags/flags/internal/conformance"
	"github.com/localflags/flags/internal/evalio"
)

// TestConformance replays every golden case that conformance/generate.mjs
// recorded from posthog-node 5.74.0 through the public API. Any difference
// fails the test and prints the case.
func TestConformance(t *testing.T) {
	files, err := filepath.Glob("testdata/conformance/seed-*.jsonl.gz")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in testdata/conformance (see conformance/README.md): %v", err)
	}
	ctx := context.Background()
	var single, all, mismatches, surrogates, surrogateSeedChecked int
	flagKeys := map[string]bool{}
	for _, path := range files {
		h, cases, err := conformance.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Flags []struct {
				Key string `json:"key"`
			} `json:"flags"`
		}
		if err := json.Unmarshal(h.Definitions, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, f := range doc.Flags {
			flagKeys[filepath.Base(path)+"/"+f.Key] = true
		}
		c, err := flags.New(h.Options()...)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, cs := range cases {
			in, err := evalio.ParseCase(cs.Input)
			if err != nil {
				t.Fatalf("%s %s: %v", path, cs.ID, err)
			}
			if !in.AllFlags {
				single++
				got := evalio.FromResult(c.Evaluate(ctx, in.Flag, in.User()))
				switch {
				case h.LoneSurrogates && got.Reason == flags.ReasonInconclusive.String() &&
					strings.Contains(c.Explain(ctx, in.Flag, in.User()).String(), conformance.SurrogateCause):
					// docs/semantics.md §4.7: a comparison of an unpaired
					// surrogate was refused somewhere in the evaluation.
					surrogates++
				case h.LoneSurrogates:
					surrogateSeedChecked++
					err = conformance.CheckSingle(cs.Expect, got)
				default:
					err = conformance.CheckSingle(cs.Expect, got)
				}
			} else {
				all++
				err = conformance.CheckAll(cs.Expect, evalio.FromResults(c.EvaluateAll(ctx, in.User())))
			}
			if err != nil {
				mismatches++
				if mismatches <= 25 {
					t.Errorf("case %s (now %s, contexts %v):\n  %v\n  input:  %s\n  expect: %s", cs.ID, h.Now.Format("2006-01-02T15:04:05Z07:00"), h.EvaluationContexts, err, cs.Input, cs.Expect)
				}
			}
		}
		c.Close()
	}
	t.Logf("%d golden files, %d flags, %d single-flag and %d all-flags cases, %d mismatches", len(files), len(flagKeys), single, all, mismatches)
	t.Logf("in the files with unpaired surrogates: %d cases inconclusive because of one (docs/semantics.md §4.7), %d compared as usual", surrogates, surrogateSeedChecked)
	if surrogates == 0 || surrogateSeedChecked == 0 {
		t.Errorf("the unpaired-surrogate goldens should have both kinds of case")
	}
	if mismatches > 25 {
		t.Errorf("... and %d more mismatches", mismatches-25)
	}
	if single+all < 20000 || len(flagKeys) < 300 || single == 0 || all == 0 {
		t.Errorf("the goldens are too small: %d cases over %d flags (want at least 20,000 over 300, of both kinds)", single+all, len(flagKeys))
	}
}

// TestExplainMatchesEvaluate checks that tracing never changes an answer:
// over every single-flag case of a golden file, Explain and Evaluate agree.
func TestExplainMatchesEvaluate(t *testing.T) {
	h, cases, err := conformance.ReadFile("testdata/conformance/seed-0001.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	c, err := flags.New(h.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n := 0
	for _, cs := range cases {
		in, _ := evalio.ParseCase(cs.Input)
		if in.AllFlags {
			continue
		}
		u := in.User()
		got, want := c.Explain(ctx, in.Flag, u).Result, c.Evaluate(ctx, in.Flag, u)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("case %s: Explain %+v, Evaluate %+v", cs.ID, got, want)
		}
		n++
	}
	if n < 1000 {
		t.Fatalf("only %d cases", n)
	}
}
