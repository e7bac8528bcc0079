package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/localflags/flags/internal/conformance"
	"github.com/localflags/flags/internal/evalio"
)

// TestEvalConformance drives `flagctl eval` with golden cases recorded from
// posthog-node and checks every output line.
func TestEvalConformance(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/conformance/seed-*.jsonl.gz")
	if len(files) < 2 {
		t.Fatal("no golden files")
	}
	for _, path := range files[:2] {
		h, cases, err := conformance.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defs := filepath.Join(t.TempDir(), "defs.json")
		if err := os.WriteFile(defs, h.Definitions, 0o644); err != nil {
			t.Fatal(err)
		}
		var in bytes.Buffer
		for _, c := range cases {
			in.Write(c.Input)
			in.WriteByte('\n')
		}
		args := []string{"eval", "--definitions", defs, "--now", h.Now.Format("2006-01-02T15:04:05.999Z07:00"), "--runtime", "all"}
		if len(h.EvaluationContexts) > 0 {
			args = append(args, "--contexts", strings.Join(h.EvaluationContexts, ","))
		}
		var out, errOut bytes.Buffer
		if code := run(args, &in, &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 64<<20)
		i := 0
		for ; sc.Scan(); i++ {
			if i >= len(cases) {
				t.Fatal("more output lines than cases")
			}
			c := cases[i]
			cs, err := evalio.ParseCase(c.Input)
			if err != nil {
				t.Fatalf("case %s: the golden input does not parse: %v\n  input: %s", c.ID, err, c.Input)
			}
			if cs.AllFlags {
				var got evalio.All
				if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
					t.Fatalf("case %s: output line %d is not a result: %v\n  output: %s", c.ID, i+1, err, sc.Bytes())
				}
				err = conformance.CheckAll(c.Expect, got)
			} else {
				var got evalio.Single
				if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
					t.Fatalf("case %s: output line %d is not a result: %v\n  output: %s", c.ID, i+1, err, sc.Bytes())
				}
				err = conformance.CheckSingle(c.Expect, got)
			}
			if err != nil {
				t.Fatalf("case %s: %v\n  input: %s\n  output: %s", c.ID, err, c.Input, sc.Bytes())
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		if i != len(cases) {
			t.Fatalf("%d output lines for %d cases", i, len(cases))
		}
		t.Logf("%s: %d cases through flagctl eval", filepath.Base(path), len(cases))
	}
}

func TestEvalLines(t *testing.T) {
	defs := filepath.Join(t.TempDir(), "defs.json")
	if err := os.WriteFile(defs, []byte(`{"flags":[{"key":"on","active":true,"filters":{"groups":[{"rollout_percentage":100}],"payloads":{"true":"{\"a\":1}"}}},
	  {"key":"needs-plan","active":true,"filters":{"groups":[{"properties":[{"key":"plan","value":"pro"}]}]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	in := strings.Join([]string{
		`{"flag":"on","distinct_id":"u"}`,
		`{"flag":"needs-plan","distinct_id":"u"}`,
		`not json`,
		`{"distinct_id":"u","person_properties":{"plan":"pro"}}`,
		`{"flag":"","distinct_id":"u"}`,
	}, "\n")
	var out, errOut bytes.Buffer
	code := run([]string{"eval", "--definitions", defs}, strings.NewReader(in), &out, &errOut)
	if code != 1 {
		t.Errorf("a bad line should make the exit status 1, got %d", code)
	}
	want := []string{
		`{"flag":"on","value":true,"payload":{"a":1},"reason":"matched","inconclusive":false,"error":null}`,
		`{"flag":"needs-plan","value":null,"payload":null,"reason":"inconclusive","inconclusive":true,"error":"flags: inconclusive: property \"plan\" is not in the context"}`,
		`{"error":"line 3: not a case: invalid character 'o' in literal null (expecting 'u')"}`,
		`{"flags":{"needs-plan":true,"on":true},"payloads":{"on":{"a":1}},"inconclusive":[]}`,
		`{"flag":"","value":null,"payload":null,"reason":"not found","inconclusive":false,"error":"flags: flag not found"}`,
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d lines:\n%s", len(got), out.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got  %s\n want %s", i+1, got[i], want[i])
		}
	}
}

// TestUsage checks the exit status of each usage error and where its text
// goes: help asked for with "help" on stdout, errors on stderr with nothing
// on stdout, and a subcommand's -h on stderr, as the flag package writes
// it.
func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stdout bool // the text goes to stdout, not stderr
		text   string
	}{
		{nil, 2, false, "Usage: flagctl <command>"},
		{[]string{"help"}, 0, true, "Usage: flagctl <command>"},
		{[]string{"frobnicate"}, 2, false, `unknown command "frobnicate"`},
		{[]string{"eval"}, 2, false, "--definitions is required"},
		{[]string{"eval", "-h"}, 0, false, "Omit \"flag\" to evaluate every flag"},
		{[]string{"eval", "--definitions", "x.json", "--runtime", "edge"}, 2, false, "--runtime must be"},
		{[]string{"eval", "--definitions", "x.json", "--now", "yesterday"}, 2, false, "--now"},
		{[]string{"eval", "--definitions", "/does/not/exist.json"}, 1, false, "reading snapshot"},
	} {
		var out, errOut bytes.Buffer
		code := run(tc.args, strings.NewReader(""), &out, &errOut)
		want, other, where := &errOut, &out, "stderr"
		if tc.stdout {
			want, other, where = &out, &errOut, "stdout"
		}
		if code != tc.code || !strings.Contains(want.String(), tc.text) || other.Len() != 0 {
			t.Errorf("flagctl %v: exit %d, stdout %q, stderr %q; want exit %d, %q on %s only",
				tc.args, code, out.String(), errOut.String(), tc.code, tc.text, where)
		}
	}
}
