package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// TestEvalExposures replays the exposure goldens recorded from posthog-node
// (testdata/conformance/exposures.jsonl.gz) through `flagctl eval
// --exposures`: each call that sends events becomes a single-flag line,
// getAllFlags an all-flags line; the calls that touch no dedup state in
// posthog-node (payload reads, calls with events off) are left out. The
// events written must be posthog-node's, in order, with the values of $lib
// and $lib_version aside, and with the two timestamps at --now, since the
// command has one clock for the run.
func TestEvalExposures(t *testing.T) {
	f, err := os.Open("../../testdata/conformance/exposures.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	const now = "2025-06-15T12:00:00Z"
	nowMs := float64(time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC).UnixMilli())
	sequences, events := 0, 0
	for sc.Scan() {
		var seq struct {
			Kind        string          `json:"kind"`
			CacheSize   int             `json:"cache_size"`
			Definitions json.RawMessage `json:"definitions"`
			Calls       []struct {
				Method           string            `json:"method"`
				Key              string            `json:"key"`
				DistinctID       string            `json:"distinct_id"`
				Groups           map[string]string `json:"groups,omitempty"`
				PersonProperties map[string]any    `json:"person_properties,omitempty"`
				Event            map[string]any    `json:"event"`
			} `json:"calls"`
		}
		if err := json.Unmarshal(sc.Bytes(), &seq); err != nil {
			t.Fatal(err)
		}
		if seq.Kind != "sequence" {
			continue
		}
		dir := t.TempDir()
		defs, out := filepath.Join(dir, "defs.json"), filepath.Join(dir, "exposures.jsonl")
		if err := os.WriteFile(defs, seq.Definitions, 0o644); err != nil {
			t.Fatal(err)
		}
		var in bytes.Buffer
		var want []map[string]any
		for _, c := range seq.Calls {
			line := map[string]any{"distinct_id": c.DistinctID, "groups": c.Groups, "person_properties": c.PersonProperties}
			switch c.Method {
			case "getFeatureFlagPayload", "getFeatureFlagNoEvent":
				continue
			case "getAllFlags":
			default:
				line["flag"] = c.Key
			}
			b, _ := json.Marshal(line)
			in.Write(append(b, '\n'))
			if c.Event != nil {
				p := c.Event["properties"].(map[string]any)
				for _, k := range []string{"$feature_flag_evaluated_at", "$feature_flag_definitions_loaded_at"} {
					if _, ok := p[k]; ok {
						p[k] = nowMs
					}
				}
				want = append(want, c.Event)
			}
		}
		args := []string{"eval", "--definitions", defs, "--now", now, "--runtime", "all",
			"--exposures", out, "--exposure-cache-size", strconv.Itoa(seq.CacheSize)}
		var stdout, stderr bytes.Buffer
		if code := run(args, &in, &stdout, &stderr); code != 0 {
			t.Fatalf("sequence %d: exit %d: %s", sequences, code, stderr.String())
		}
		got := readJSONLines(t, out)
		if len(got) != len(want) {
			t.Fatalf("sequence %d: %d exposures written, posthog-node sent %d", sequences, len(got), len(want))
		}
		for i := range got {
			for _, e := range []map[string]any{got[i], want[i]} {
				p := e["properties"].(map[string]any)
				if p["$lib"] == nil || p["$lib_version"] == nil {
					t.Fatalf("sequence %d event %d: no $lib or $lib_version: %v", sequences, i, e)
				}
				p["$lib"], p["$lib_version"] = nil, nil
			}
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("sequence %d event %d:\n wrote        %v\n posthog-node %v", sequences, i, got[i], want[i])
			}
		}
		sequences++
		events += len(got)
	}
	if sequences == 0 {
		t.Fatal("no sequences")
	}
	t.Logf("%d sequences, %d exposures through flagctl eval --exposures", sequences, events)
}

func readJSONLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for i, line := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatal(fmt.Errorf("line %d: %w", i+1, err))
		}
		out = append(out, m)
	}
	return out
}
