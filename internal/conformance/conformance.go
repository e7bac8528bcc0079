// Package conformance reads the golden files that conformance/generate.mjs
// writes from posthog-node's answers, and checks this library's answers
// against them. The rules of comparison are docs/semantics.md's: identical
// conclusive values and payloads, and no local answer exactly where the
// reference has none.
package conformance

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"time"

	"github.com/localflags/flags"
	"github.com/localflags/flags/internal/evalio"
)

// Header is the first line of a golden file: the document and the options
// posthog-node ran with.
type Header struct {
	Seed               int             `json:"seed"`
	PosthogNode        string          `json:"posthog_node"`
	Now                time.Time       `json:"now"`
	EvaluationContexts []string        `json:"evaluation_contexts"`
	Definitions        json.RawMessage `json:"definitions"`
	// LoneSurrogates: the generator cut strings inside surrogate pairs in
	// this file's filter values and contexts.
	LoneSurrogates bool `json:"lone_surrogates"`
}

// SurrogateCause is what the cause of an answer left inconclusive by an
// unpaired surrogate says (docs/semantics.md §4.7). In a file with
// LoneSurrogates, such an answer stands in for the reference's when the
// explanation of the evaluation shows a comparison refused for that cause;
// a conclusive answer must still be the reference's.
const SurrogateCause = "unpaired UTF-16 surrogate"

// Case is one golden case: an input line and posthog-node's answer.
type Case struct {
	ID     string          `json:"id"`
	Input  json.RawMessage `json:"input"`
	Expect json.RawMessage `json:"expect"`
}

// Options returns the client options that reproduce the header's run:
// the pinned clock, every runtime (posthog-node ignores evaluation_runtime)
// and the evaluation contexts.
func (h Header) Options() []flags.Option {
	now := h.Now
	opts := []flags.Option{
		flags.WithSnapshot(h.Definitions),
		flags.WithClock(func() time.Time { return now }),
		flags.WithRuntime(flags.RuntimeAll),
	}
	if h.EvaluationContexts != nil {
		opts = append(opts, flags.WithEvaluationContexts(h.EvaluationContexts...))
	}
	return opts
}

// ReadFile reads a gzipped golden file.
func ReadFile(path string) (Header, []Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return Header{}, nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return Header{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), 256<<20)
	var h Header
	var cases []Case
	for n := 1; sc.Scan(); n++ {
		var kind struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal(sc.Bytes(), &kind); err != nil {
			return h, nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		switch {
		case n == 1 && kind.Kind == "header":
			err = json.Unmarshal(sc.Bytes(), &h)
		case n > 1 && kind.Kind == "case":
			var c Case
			err = json.Unmarshal(sc.Bytes(), &c)
			cases = append(cases, c)
		default:
			err = fmt.Errorf("unexpected line of kind %q", kind.Kind)
		}
		if err != nil {
			return h, nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return h, nil, fmt.Errorf("%s: %w", path, err)
	}
	if h.Definitions == nil {
		return h, nil, fmt.Errorf("%s: no header", path)
	}
	return h, cases, nil
}

// singleExpect is posthog-node's answer for one flag.
type singleExpect struct {
	Value    any             `json:"value"`
	Payload  json.RawMessage `json:"payload"`
	Defined  bool            `json:"defined"`
	Filtered bool            `json:"filtered"`
	Threw    string          `json:"threw"`
}

// allExpect is posthog-node's getAllFlagsAndPayloads answer.
type allExpect struct {
	Flags    map[string]any             `json:"flags"`
	Payloads map[string]json.RawMessage `json:"payloads"`
}

// CheckSingle compares one flag's output line with the reference.
func CheckSingle(expect json.RawMessage, got evalio.Single) error {
	var want singleExpect
	if err := json.Unmarshal(expect, &want); err != nil {
		return fmt.Errorf("bad expectation: %w", err)
	}
	if want.Value == nil {
		var wantReason flags.Reason
		switch {
		case !want.Defined:
			wantReason = flags.ReasonNotFound
		case want.Filtered:
			wantReason = flags.ReasonFilteredByContext
		default:
			wantReason = flags.ReasonInconclusive
		}
		if got.Reason != wantReason.String() {
			return fmt.Errorf("reference has no local answer (%s), got value %v (reason %q)", wantReason, got.Value, got.Reason)
		}
		return nil
	}
	if !reflect.DeepEqual(got.Value, want.Value) {
		return fmt.Errorf("value: reference %v, got %v (reason %q, error %s)", want.Value, got.Value, got.Reason, errText(got.Error))
	}
	wantPayload := want.Payload
	if bytes.Equal(wantPayload, []byte("null")) {
		wantPayload = nil
	}
	gotPayload := []byte(got.Payload)
	if bytes.Equal(gotPayload, []byte("null")) {
		gotPayload = nil
	}
	if err := samePayload(wantPayload, gotPayload); err != nil {
		return err
	}
	return nil
}

// CheckAll compares an every-flag output line with the reference.
func CheckAll(expect json.RawMessage, got evalio.All) error {
	var want allExpect
	if err := json.Unmarshal(expect, &want); err != nil {
		return fmt.Errorf("bad expectation: %w", err)
	}
	var errs []error
	for k, wv := range want.Flags {
		gv, ok := got.Flags[k]
		if !ok {
			errs = append(errs, fmt.Errorf("flag %q: reference %v, got no value", k, wv))
		} else if !reflect.DeepEqual(gv, wv) {
			errs = append(errs, fmt.Errorf("flag %q: reference %v, got %v", k, wv, gv))
		}
	}
	for k, gv := range got.Flags {
		if _, ok := want.Flags[k]; !ok {
			errs = append(errs, fmt.Errorf("flag %q: reference has no local answer, got %v", k, gv))
		}
	}
	for k, wp := range want.Payloads {
		if err := samePayload(wp, got.Payloads[k]); err != nil {
			errs = append(errs, fmt.Errorf("flag %q: %w", k, err))
		}
	}
	for k, gp := range got.Payloads {
		if _, ok := want.Payloads[k]; ok {
			continue
		}
		// posthog-node's getAllFlagsAndPayloads keeps a payload only if it
		// is JavaScript-true ("if (matchPayload)"), so 0, false and "" are
		// dropped there while single-flag calls return them.
		if _, decided := want.Flags[k]; decided && !jsFalsy(gp) {
			errs = append(errs, fmt.Errorf("flag %q: reference has no payload, got %s", k, gp))
		}
	}
	return errors.Join(errs...)
}

func samePayload(want, got []byte) error {
	switch {
	case want == nil && got == nil:
		return nil
	case want == nil:
		return fmt.Errorf("payload: reference none, got %s", got)
	case got == nil:
		return fmt.Errorf("payload: reference %s, got none", want)
	}
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		return fmt.Errorf("payload: reference %s is not JSON: %w", want, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		return fmt.Errorf("payload: got %s, which is not JSON: %w", got, err)
	}
	if !reflect.DeepEqual(w, g) {
		return fmt.Errorf("payload: reference %s, got %s", want, got)
	}
	return nil
}

func jsFalsy(raw json.RawMessage) bool {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case float64:
		return x == 0
	case string:
		return x == ""
	}
	return false
}

func errText(s *string) string {
	if s == nil {
		return "none"
	}
	return *s
}
