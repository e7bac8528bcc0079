package flags

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	goflag "flag"
	"fmt"
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// Native fuzz targets of the root package. Run one with, for example,
//
//	go test -run '^$' -fuzz '^FuzzLoad$' -fuzztime 3m -parallel 2 .
//
// `go test ./...` replays their seeds: the f.Add seeds built below from the
// bundled snapshot and the conformance goldens, and the corpus files under
// testdata/fuzz/<FuzzName>/ (hand-written seeds and every failure found).
// .ci/fuzz-smoke runs each target for a few seconds. The hand-written corpus
// files use the clock 2025-06-15T12:00:00Z (nowMs 1749988800000); in
// FuzzEvaluate's mode, bits 0-1 pick the runtime, bits 2-3 the evaluation
// contexts, and the rest seeds the conversion of property values into other
// Go types (0: none, values stay as decoded with UseNumber).

// fuzzMaxInput bounds the inputs whose cost FuzzLoad checks.
const fuzzMaxInput = 64 << 10

// fuzzGolden is the header of one conformance golden file, with its first
// cases' contexts.
type fuzzGolden struct {
	Now                time.Time       `json:"now"`
	EvaluationContexts []string        `json:"evaluation_contexts"`
	Definitions        json.RawMessage `json:"definitions"`
	cases              []fuzzCase
}

// fuzzCase is a golden case's context, in the generator's input format.
type fuzzCase struct {
	DistinctID       string          `json:"distinct_id"`
	DeviceID         string          `json:"device_id"`
	PersonProperties json.RawMessage `json:"person_properties"`
	Groups           json.RawMessage `json:"groups"`
	GroupProperties  json.RawMessage `json:"group_properties"`
}

// fuzzGoldens reads the header and the first few cases of every
// testdata/conformance/seed-*.jsonl.gz file. The files are committed, so a
// missing or unreadable one fails the fuzz target rather than quietly
// leaving it without seeds.
func fuzzGoldens(tb testing.TB, cases int) []fuzzGolden {
	files, _ := filepath.Glob("testdata/conformance/seed-*.jsonl.gz")
	if len(files) == 0 {
		tb.Fatal("fuzz seeds: no testdata/conformance/seed-*.jsonl.gz")
	}
	var out []fuzzGolden
	for _, path := range files {
		g, err := fuzzReadGolden(path, cases)
		if err != nil {
			tb.Fatalf("fuzz seeds: %s: %v", path, err)
		}
		out = append(out, g)
	}
	return out
}

func fuzzReadGolden(path string, cases int) (fuzzGolden, error) {
	var g fuzzGolden
	f, err := os.Open(path)
	if err != nil {
		return g, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return g, err
	}
	r := bufio.NewReader(zr)
	line, err := r.ReadBytes('\n')
	if err != nil {
		return g, err
	}
	if err := json.Unmarshal(line, &g); err != nil {
		return g, err
	}
	for len(g.cases) < cases {
		line, err := r.ReadBytes('\n')
		if err != nil {
			break
		}
		var c struct {
			Input fuzzCase `json:"input"`
		}
		if json.Unmarshal(line, &c) == nil {
			g.cases = append(g.cases, c.Input)
		}
	}
	return g, nil
}

// fuzzOperatorCase is one line of testdata/conformance/operators.jsonl.gz:
// a single property filter and the person properties it is decided against.
type fuzzOperatorCase struct {
	Property   json.RawMessage `json:"property"`
	Properties json.RawMessage `json:"properties"`
	PMV        json.RawMessage `json:"pmv"`
	Now        time.Time       `json:"now"`
}

// fuzzOperatorCases reads every step-th line of the operator goldens.
func fuzzOperatorCases(step int) []fuzzOperatorCase {
	f, err := os.Open("testdata/conformance/operators.jsonl.gz")
	if err != nil {
		return nil
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var out []fuzzOperatorCase
	for n := 0; sc.Scan(); n++ {
		if n%step != 0 {
			continue
		}
		var c fuzzOperatorCase
		if json.Unmarshal(sc.Bytes(), &c) == nil && len(c.Property) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// fuzzOperatorDoc wraps one property filter into a definitions document.
func fuzzOperatorDoc(c fuzzOperatorCase) []byte {
	pmv := c.PMV
	if len(pmv) == 0 {
		pmv = json.RawMessage("null")
	}
	return fmt.Appendf(nil, `{"flags":[{"key":"op","active":true,"filters":{"groups":[{"properties":[%s],"rollout_percentage":100}],"payloads":{"true":"{\"p\":1.5}"}}}],"property_matching_version":%s}`, c.Property, pmv)
}

// ---------------------------------------------------------------------------
// FuzzLoad

// fuzzHeapAllocs is the process's cumulative heap allocation in bytes.
func fuzzHeapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// fuzzLoadBudget is what loading a document of n bytes may cost: a generous
// constant factor over the worst ordinary shapes (about 200 bytes allocated
// per byte of input for lists of empty filters, 50 ms for 64 KiB), so that
// only costs out of proportion with the input fail.
func fuzzLoadBudget(n int) (allocs uint64, elapsed time.Duration) {
	return 1<<20 + 1024*uint64(n), 2 * time.Second
}

// fuzzExpectLoad decides independently of compile whether doc must load:
// a single JSON value (encoding/json's grammar, as JSON.parse's), an object,
// with a "flags" field that is an array or null. It also counts the distinct
// string keys of the flags, which is Snapshot.Len.
func fuzzExpectLoad(doc []byte) (ok bool, why string, keys int) {
	if !json.Valid(doc) {
		return false, "not a single valid JSON value", 0
	}
	trimmed := bytes.TrimLeft(doc, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return false, "not a JSON object", 0
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return false, "not a JSON object: " + err.Error(), 0
	}
	raw, present := top["flags"]
	if !present {
		return false, `no "flags" field`, 0
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return true, "", 0
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return false, `"flags" is not an array`, 0
	}
	seen := map[string]bool{}
	for _, e := range list {
		e = bytes.TrimSpace(e)
		if len(e) == 0 || e[0] != '{' {
			continue
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(e, &m) != nil {
			continue
		}
		k := bytes.TrimSpace(m["key"])
		if len(k) == 0 || k[0] != '"' {
			continue
		}
		var key string
		if json.Unmarshal(k, &key) == nil {
			seen[key] = true
		}
	}
	return true, "", len(seen)
}

// fuzzLoadSeeds are documents for FuzzLoad beyond the corpus files: the
// bundled snapshot and the goldens' documents, truncations and byte edits of
// them, deep nesting and numbers at the edges of float64.
func fuzzLoadSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	snapshot, err := os.ReadFile("testdata/snapshot.json")
	if err == nil {
		seeds = append(seeds, snapshot)
	}
	var golden []byte
	for _, g := range fuzzGoldens(tb, 0) {
		seeds = append(seeds, g.Definitions)
		if golden == nil {
			golden = g.Definitions
		}
	}
	for _, doc := range [][]byte{snapshot, golden} {
		if len(doc) == 0 {
			continue
		}
		for k := 1; k < 8; k++ {
			seeds = append(seeds, doc[:len(doc)*k/8])
		}
		r := rand.New(rand.NewPCG(uint64(len(doc)), 7))
		for range 6 {
			m := slices.Clone(doc)
			switch i := r.IntN(len(m)); r.IntN(3) {
			case 0:
				m[i] ^= 1 << r.IntN(8)
			case 1:
				m = slices.Delete(m, i, i+1)
			default:
				m = slices.Insert(m, i, `[]{}",:0e-`[r.IntN(10)])
			}
			seeds = append(seeds, m)
		}
	}
	nest := func(open, close string, n int) []byte {
		return []byte(`{"flags":[],"x":` + strings.Repeat(open, n) + strings.Repeat(close, n) + `}`)
	}
	seeds = append(seeds,
		nest("[", "]", 9990),    // just under encoding/json's depth limit
		nest("[", "]", 10001),   // just over it
		nest(`{"a":`, "}", 500), // nested objects
		[]byte(`{"flags":[{"key":"f","active":true,"filters":{"groups":[{"properties":[{"key":"p","value":`+strings.Repeat("[", 5000)+strings.Repeat("]", 5000)+`}]}]}}]}`),
		[]byte(`{"flags":[],"cohorts":{"1":`+strings.Repeat(`{"type":"AND","values":[`, 300)+strings.Repeat("]}", 300)+`}}`),
	)
	for _, n := range []string{"1e400", "-1e400", "1e-400", "-0", "0e0", "123456789012345678901234567890", "4.9e-324", "1.7976931348623157e308", `"NaN"`, `"Infinity"`, `"-Infinity"`, `"1e400"`, `"0x10"`, "null"} {
		seeds = append(seeds, fmt.Appendf(nil, `{"flags":[{"key":"n","active":true,"filters":{"aggregation_group_type_index":%[1]s,"groups":[{"properties":[{"key":"p","operator":"gt","value":%[1]s},{"key":"d","operator":"is_date_after","value":%[1]s}],"rollout_percentage":%[1]s}],"multivariate":{"variants":[{"key":"a","rollout_percentage":%[1]s}]},"holdout":{"id":%[1]s,"exclusion_percentage":%[1]s}}}],"group_type_mapping":{"0":"company"},"property_matching_version":%[1]s}`, n))
	}
	return seeds
}

// FuzzLoad feeds arbitrary bytes to Client.Load. Load must return an error
// exactly when the document is not a JSON object with a "flags" array (or
// null), keep the old definitions when it fails, count the flags right when
// it succeeds, and never panic. Its cost must stay proportional to the
// input: a document under 64 KiB must load within fuzzLoadBudget.
func FuzzLoad(f *testing.F) {
	for _, s := range fuzzLoadSeeds(f) {
		f.Add(s)
	}
	base := []byte(`{"flags":[{"key":"base","active":true,"filters":{"groups":[{"rollout_percentage":100}]}}]}`)
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := New(WithSnapshot(base), WithRuntime(RuntimeAll), WithEvaluationContexts("web"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fuzzWithin(t, fuzzHangLimit, func() error { return fuzzCheckLoad(c, doc) })
	})
}

func fuzzCheckLoad(c *Client, doc []byte) error {
	prev := c.Snapshot()
	wantOK, why, keys := fuzzExpectLoad(doc)
	measure := func() (uint64, time.Duration, error) {
		a0, t0 := fuzzHeapAllocs(), time.Now()
		err := c.Load(doc)
		return fuzzHeapAllocs() - a0, time.Since(t0), err
	}
	allocs, elapsed, err := measure()
	switch {
	case err == nil && !wantOK:
		return fmt.Errorf("Load accepted a document that is invalid: %s (%q)", why, fuzzShort(doc))
	case err != nil && wantOK:
		return fmt.Errorf("Load rejected a valid document: %v (%q)", err, fuzzShort(doc))
	case err != nil:
		if !strings.HasPrefix(err.Error(), "flags: ") {
			return fmt.Errorf("Load error %q does not start with \"flags: \"", err)
		}
		if c.Snapshot() != prev {
			return errors.New("a failed Load replaced the definitions")
		}
	default:
		s := c.Snapshot()
		if s == prev || s == nil {
			return errors.New("a successful Load kept the old definitions")
		}
		if s.Len() != keys {
			return fmt.Errorf("Snapshot.Len() = %d, want %d distinct string keys", s.Len(), keys)
		}
	}

	if len(doc) >= fuzzMaxInput {
		return nil
	}
	maxAllocs, maxElapsed := fuzzLoadBudget(len(doc))
	if allocs > maxAllocs || elapsed > maxElapsed {
		// Confirm once, so that a stall of the machine or a cached span
		// refill is not taken for a cost of the input.
		allocs2, elapsed2, _ := measure()
		if allocs2 > maxAllocs {
			return fmt.Errorf("loading %d bytes allocated %d bytes (%.0f per byte of input), more than the budget of %d", len(doc), allocs2, float64(allocs2)/float64(max(len(doc), 1)), maxAllocs)
		}
		if elapsed > maxElapsed && elapsed2 > maxElapsed {
			return fmt.Errorf("loading %d bytes took %v and %v, more than the budget of %v", len(doc), elapsed, elapsed2, maxElapsed)
		}
	}
	return nil
}

// fuzzHangLimit is how long one input of FuzzLoad or FuzzEvaluate may take
// before it counts as a hang.
const fuzzHangLimit = 10 * time.Second

// fuzzWithin runs check in a goroutine and fails t with its error, or with
// its panic and stack. If check runs longer than limit, t fails while
// replaying the seed corpus (the goroutine is left running, and the other
// seeds still run); while fuzzing, it panics, so that the fuzzer records the
// input as a crasher instead of stalling on it (and does not try to minimize
// it, which would pile up stuck goroutines).
func fuzzWithin(t *testing.T, limit time.Duration, check func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		done <- check()
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-timer.C:
		msg := fmt.Sprintf("%s: one input took more than %v (a hang, or a cost out of proportion with the input)", t.Name(), limit)
		if fuzzing() {
			panic(msg)
		}
		t.Fatal(msg)
	}
}

// fuzzing reports whether this process runs the fuzzer (a worker), rather
// than replaying the seed corpus as tests.
func fuzzing() bool {
	for _, name := range []string{"test.fuzz", "test.fuzzworker"} {
		if fl := goflag.Lookup(name); fl != nil && fl.Value.String() != "" && fl.Value.String() != "false" {
			return true
		}
	}
	return false
}

func fuzzShort(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}

// ---------------------------------------------------------------------------
// FuzzEvaluate

// fuzzConverter turns values decoded with UseNumber into the other Go types
// a caller may put in properties, chosen by a PRNG seeded from the input so
// that the same input always builds the same user.
type fuzzConverter struct {
	r *rand.Rand
}

func (c *fuzzConverter) value(v any) any {
	if s, ok := v.(string); ok {
		if shape, ok := fuzzShape(s); ok {
			return shape
		}
	}
	if c.r == nil {
		return v
	}
	switch x := v.(type) {
	case json.Number:
		f, ferr := x.Float64()
		i, ierr := x.Int64()
		switch c.r.IntN(10) {
		case 0, 1:
			if ferr == nil || math.IsInf(f, 0) {
				return f
			}
		case 2:
			if ierr == nil {
				return int(i)
			}
		case 3:
			if ierr == nil {
				return i
			}
		case 4:
			if ferr == nil {
				return float32(f)
			}
		case 5:
			if ierr == nil && i >= 0 && i <= math.MaxUint8 {
				return uint8(i)
			}
		case 6:
			if ierr == nil && i >= 0 {
				return uint64(i)
			}
		case 7:
			return string(x)
		}
		return x
	case string:
		switch c.r.IntN(8) {
		case 0:
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return t
			}
		case 1:
			return json.Number(x) // often not a number: an unsupported value
		case 2:
			switch x {
			case "NaN":
				return math.NaN()
			case "Infinity":
				return math.Inf(1)
			case "-Infinity":
				return math.Inf(-1)
			case "-0":
				return math.Copysign(0, -1)
			}
		case 3:
			if c.r.IntN(4) == 0 {
				return []byte(x) // an unsupported type
			}
		}
		return x
	case []any:
		out := make([]any, len(x))
		strs := make([]string, 0, len(x))
		for i, e := range x {
			out[i] = c.value(e)
			if s, ok := e.(string); ok {
				strs = append(strs, s)
			}
		}
		switch c.r.IntN(6) {
		case 0:
			if len(strs) == len(x) {
				return strs
			}
		case 1:
			return []int{len(x)} // an unsupported type
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			out[k] = c.value(x[k])
		}
		if c.r.IntN(16) == 0 {
			return map[string]string{"k": "v"} // an unsupported type
		}
		return out
	case nil:
		if c.r.IntN(16) == 0 {
			return struct{}{}
		}
	}
	return v
}

// fuzzShape builds the value a "$hostile:<shape>-<n>" string names, the
// shapes no JSON can hold: values that contain themselves, parts shared to
// exponential size, deep nesting and huge slices. n is capped so that one
// input stays cheap to build; every cap is past the MaxValue limits.
func fuzzShape(s string) (any, bool) {
	spec, ok := strings.CutPrefix(s, "$hostile:")
	if !ok {
		return nil, false
	}
	name, arg, _ := strings.Cut(spec, "-")
	n, _ := strconv.Atoi(arg)
	n = max(n, 0)
	switch name {
	case "cycle":
		m := map[string]any{"k": "v"}
		m["self"] = m
		return m, true
	case "cycleslice":
		a := []any{"x", nil}
		a[1] = a
		return a, true
	case "cyclemixed":
		m := map[string]any{}
		m["list"] = []any{m}
		return m, true
	case "dag": // maps, each holding the next twice
		var v any = map[string]any{}
		for range min(n, 64) {
			v = map[string]any{"a": v, "b": v}
		}
		return v, true
	case "dagslice":
		var v any = []any{}
		for range min(n, 64) {
			v = []any{v, v}
		}
		return v, true
	case "deep":
		var v any = "x"
		for range min(n, 4*MaxValueDepth) {
			v = []any{v}
		}
		return v, true
	case "deepmap":
		var v any = "x"
		for range min(n, 4*MaxValueDepth) {
			v = map[string]any{"k": v}
		}
		return v, true
	case "wide":
		return make([]any, min(n, 4*MaxValueElements)), true
	case "widestrings":
		return make([]string, min(n, 4*MaxValueElements)), true
	case "long": // one string of n KiB in a slice
		return []string{strings.Repeat("x", min(n, 2*MaxValueBytes>>10)<<10)}, true
	case "chan":
		return []any{make(chan int)}, true
	}
	return nil, false
}

// fuzzFingerprint spells a user for comparing before and after evaluation:
// %#v for scalars, maps with sorted keys, at most a fixed number of nodes,
// and a marker where a value contains itself, so that it ends on the
// values fuzzShape builds.
func fuzzFingerprint(u User) string {
	var b strings.Builder
	budget := 20_000
	var walk func(v any, path []any)
	walk = func(v any, path []any) {
		if budget--; budget < 0 {
			b.WriteString("…")
			return
		}
		for _, p := range path {
			if fuzzSame(p, v) {
				b.WriteString("<cycle>")
				return
			}
		}
		switch x := v.(type) {
		case map[string]any:
			b.WriteString("{")
			for _, k := range slices.Sorted(maps.Keys(x)) {
				fmt.Fprintf(&b, "%q:", k)
				walk(x[k], append(path, v))
				b.WriteString(",")
			}
			b.WriteString("}")
		case []any:
			b.WriteString("[")
			for _, e := range x {
				walk(e, append(path, v))
				b.WriteString(",")
			}
			b.WriteString("]")
		case []string:
			fmt.Fprintf(&b, "%d strings %q", len(x), x[:min(len(x), 8)])
		case chan int:
			b.WriteString("chan")
		default:
			fmt.Fprintf(&b, "%#v", x)
		}
	}
	fmt.Fprintf(&b, "%q %q ", u.DistinctID, u.DeviceID)
	walk(u.Properties, nil)
	for _, name := range slices.Sorted(maps.Keys(u.Groups)) {
		fmt.Fprintf(&b, " %q=%q:", name, u.Groups[name].Key)
		walk(u.Groups[name].Properties, nil)
	}
	return b.String()
}

// fuzzSame reports whether a and b are the same map or slice.
func fuzzSame(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && x != nil && reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
	case []any:
		y, ok := b.([]any)
		return ok && len(x) > 0 && len(y) > 0 && &x[0] == &y[0]
	}
	return false
}

// fuzzDecode decodes JSON with UseNumber; anything that does not decode is
// nil.
func fuzzDecode(b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

// fuzzUser builds the user of a FuzzEvaluate input: person properties from
// JSON, group keys from a JSON object of group type to key, and group
// properties from a JSON object of group type to properties.
func fuzzUser(distinctID, deviceID string, person, groups, groupProps []byte, seed uint64) User {
	conv := &fuzzConverter{}
	if seed != 0 {
		conv.r = rand.New(rand.NewPCG(seed, seed>>32|1))
	}
	u := User{DistinctID: distinctID, DeviceID: deviceID}
	if m, ok := fuzzDecode(person).(map[string]any); ok {
		u.Properties = map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			u.Properties[k] = conv.value(m[k])
		}
	}
	gm, _ := fuzzDecode(groups).(map[string]any)
	gp, _ := fuzzDecode(groupProps).(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(gm)) {
		var key string
		switch k := gm[name].(type) {
		case string:
			key = k
		case json.Number:
			key = string(k)
		default:
			continue
		}
		g := Group{Key: key}
		if props, ok := gp[name].(map[string]any); ok {
			g.Properties = map[string]any{}
			for _, k := range slices.Sorted(maps.Keys(props)) {
				g.Properties[k] = conv.value(props[k])
			}
		}
		if u.Groups == nil {
			u.Groups = map[string]Group{}
		}
		u.Groups[name] = g
	}
	return u
}

// fuzzOptions derives the client options of a FuzzEvaluate input from its
// mode: the runtime from bits 0-1 and the evaluation contexts from bits 2-3.
func fuzzOptions(doc []byte, now time.Time, mode uint64) []Option {
	opts := []Option{WithSnapshot(doc), WithClock(func() time.Time { return now })}
	switch mode & 3 {
	case 1:
		opts = append(opts, WithRuntime(RuntimeClient))
	case 2, 3:
		opts = append(opts, WithRuntime(RuntimeAll))
	}
	switch mode >> 2 & 3 {
	case 1:
		opts = append(opts, WithEvaluationContexts("web", "api"))
	case 2:
		opts = append(opts, WithEvaluationContexts())
	case 3:
		opts = append(opts, WithEvaluationContexts("mobile"))
	}
	return opts
}

func fuzzErrText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// fuzzResultDiff says how two results differ, or returns "".
func fuzzResultDiff(a, b Result) string {
	switch {
	case a.Key != b.Key:
		return fmt.Sprintf("Key %q != %q", a.Key, b.Key)
	case a.Enabled != b.Enabled:
		return fmt.Sprintf("Enabled %v != %v", a.Enabled, b.Enabled)
	case a.Variant != b.Variant:
		return fmt.Sprintf("Variant %q != %q", a.Variant, b.Variant)
	case !bytes.Equal(a.Payload, b.Payload) || (a.Payload == nil) != (b.Payload == nil):
		return fmt.Sprintf("Payload %q != %q", a.Payload, b.Payload)
	case a.Reason != b.Reason:
		return fmt.Sprintf("Reason %v != %v", a.Reason, b.Reason)
	case a.Condition != b.Condition:
		return fmt.Sprintf("Condition %d != %d", a.Condition, b.Condition)
	case fuzzErrText(a.Err) != fuzzErrText(b.Err):
		return fmt.Sprintf("Err %q != %q", fuzzErrText(a.Err), fuzzErrText(b.Err))
	}
	return ""
}

// fuzzCheckResult checks the invariants of a single result for key.
func fuzzCheckResult(s *Snapshot, key string, r Result) error {
	if r.Key != key {
		return fmt.Errorf("Evaluate(%q).Key = %q", key, r.Key)
	}
	idx, known := s.byKey[key]
	switch r.Reason {
	case ReasonMatched, ReasonHoldout:
		if !r.Enabled || r.Err != nil {
			return fmt.Errorf("%q: reason %v with Enabled %v, Err %v", key, r.Reason, r.Enabled, r.Err)
		}
	case ReasonNoConditionMatch, ReasonOutOfRollout, ReasonNoGroup, ReasonDisabled,
		ReasonFilteredByRuntime, ReasonFilteredByContext:
		if r.Enabled || r.Variant != "" || r.Err != nil || r.Payload != nil {
			return fmt.Errorf("%q: reason %v with %+v", key, r.Reason, r)
		}
	case ReasonInconclusive:
		if !errors.Is(r.Err, ErrInconclusive) || r.Enabled || r.Variant != "" || r.Payload != nil {
			return fmt.Errorf("%q: inconclusive with %+v", key, r)
		}
	case ReasonNotFound:
		if known || !errors.Is(r.Err, ErrNotFound) {
			return fmt.Errorf("%q: not found (known %v) with Err %v", key, known, r.Err)
		}
	default:
		return fmt.Errorf("%q: unexpected reason %v", key, r.Reason)
	}
	if r.Reason != ReasonNotFound && !known {
		return fmt.Errorf("%q is not in the definitions but has reason %v", key, r.Reason)
	}
	if r.Variant != "" && !r.Enabled {
		return fmt.Errorf("%q: variant %q but not enabled", key, r.Variant)
	}
	if r.Reason == ReasonHoldout && !strings.HasPrefix(r.Variant, holdoutPrefix) {
		return fmt.Errorf("%q: reason %v with variant %q", key, r.Reason, r.Variant)
	}
	if r.Condition < -1 || (known && r.Condition >= len(s.flags[idx].conditions)) || (r.Condition >= 0) != (r.Reason == ReasonMatched) {
		return fmt.Errorf("%q: condition %d with reason %v", key, r.Condition, r.Reason)
	}
	if r.Payload != nil && !json.Valid(r.Payload) {
		return fmt.Errorf("%q: payload %q is not JSON", key, r.Payload)
	}
	if (r.Err == nil) != r.Conclusive() && r.Reason != ReasonFilteredByRuntime && r.Reason != ReasonFilteredByContext {
		return fmt.Errorf("%q: Conclusive() = %v with Err %v", key, r.Conclusive(), r.Err)
	}
	return nil
}

// fuzzEvaluateSeeds are (document, user) pairs beyond the corpus files: every
// golden document with the contexts of its first cases, and a sample of the
// operator goldens, each a one-filter document.
func fuzzEvaluateSeeds(f *testing.F) {
	mode := func(g fuzzGolden) uint64 {
		switch {
		case g.EvaluationContexts == nil:
			return 2
		case len(g.EvaluationContexts) == 0:
			return 2 | 2<<2
		}
		return 2 | 1<<2
	}
	for _, g := range fuzzGoldens(f, 3) {
		for i, c := range g.cases {
			f.Add([]byte(g.Definitions), c.DistinctID, c.DeviceID, []byte(c.PersonProperties), []byte(c.Groups), []byte(c.GroupProperties), g.Now.UnixMilli(), mode(g)|uint64(i)<<4)
		}
	}
	for i, c := range fuzzOperatorCases(25) {
		f.Add(fuzzOperatorDoc(c), fmt.Sprintf("user-%d", i), "", []byte(c.Properties), []byte(nil), []byte(nil), c.Now.UnixMilli(), uint64(i%3)<<4)
	}
	// Values no JSON can hold (see fuzzShape), under every operator, as
	// person and group properties and as the device id of a device-bucketed
	// flag.
	doc := []byte(hostileDoc())
	for i, shape := range []string{"cycle", "cycleslice", "cyclemixed", "dag-20", "dag-40", "dagslice-40",
		"deep-101", "deep-400", "deepmap-400", "wide-40000", "widestrings-40000", "long-1100", "chan"} {
		v := `"$hostile:` + shape + `"`
		f.Add(doc, "user-1", "", []byte(`{"v":`+v+`,"$device_id":`+v+`}`), []byte(`{"company":"acme"}`),
			[]byte(`{"company":{"v":`+v+`}}`), int64(1749988800000), uint64(i+1)<<4)
	}
}

// FuzzEvaluate loads a fuzzed document into two clients with a fixed clock
// and evaluates every flag for a fuzzed user, with Evaluate, IsEnabled,
// Variant and EvaluateAll. Nothing may panic or hang; evaluating the same
// input again, on the same client or on a second one compiled from the same
// document, must give identical results; EvaluateAll must agree with
// Evaluate for every key; every result must be consistent with its reason;
// and the user's maps must not be modified.
func FuzzEvaluate(f *testing.F) {
	fuzzEvaluateSeeds(f)
	f.Fuzz(func(t *testing.T, doc []byte, distinctID, deviceID string, person, groups, groupProps []byte, nowMs int64, mode uint64) {
		now := time.UnixMilli(nowMs).UTC()
		c1, err1 := New(fuzzOptions(doc, now, mode)...)
		c2, err2 := New(fuzzOptions(doc, now, mode)...)
		if (err1 == nil) != (err2 == nil) || fuzzErrText(err1) != fuzzErrText(err2) {
			t.Fatalf("loading the same document twice: %v, then %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		defer c1.Close()
		defer c2.Close()
		user := fuzzUser(distinctID, deviceID, person, groups, groupProps, mode>>4)
		fuzzWithin(t, fuzzHangLimit, func() error { return fuzzCheckEvaluate(c1, c2, user) })
	})
}

func fuzzCheckEvaluate(c1, c2 *Client, user User) error {
	before := fuzzFingerprint(user)
	ctx := context.Background()
	s := c1.Snapshot()
	keys := slices.Sorted(maps.Keys(s.byKey))
	for _, k := range []string{"", "no-such-flag"} {
		if _, ok := s.byKey[k]; !ok {
			keys = append(keys, k)
		}
	}
	first := make(map[string]Result, len(keys))
	for _, k := range keys {
		r := c1.Evaluate(ctx, k, user)
		if err := fuzzCheckResult(s, k, r); err != nil {
			return err
		}
		if d := fuzzResultDiff(r, c1.Evaluate(ctx, k, user)); d != "" {
			return fmt.Errorf("Evaluate(%q) twice on one client: %s", k, d)
		}
		if d := fuzzResultDiff(r, c2.Evaluate(ctx, k, user)); d != "" {
			return fmt.Errorf("Evaluate(%q) on two clients of one document: %s", k, d)
		}
		if got := c1.IsEnabled(ctx, k, user); got != r.Enabled {
			return fmt.Errorf("IsEnabled(%q) = %v, Evaluate says %v", k, got, r.Enabled)
		}
		if got := c1.Variant(ctx, k, user); got != r.Variant {
			return fmt.Errorf("Variant(%q) = %q, Evaluate says %q", k, got, r.Variant)
		}
		first[k] = r
	}
	all1, all2 := c1.EvaluateAll(ctx, user), c2.EvaluateAll(ctx, user)
	if len(all1) != len(all2) {
		return fmt.Errorf("EvaluateAll on two clients: %d and %d results", len(all1), len(all2))
	}
	for k, r := range all1 {
		if d := fuzzResultDiff(r, all2[k]); d != "" {
			return fmt.Errorf("EvaluateAll on two clients, %q: %s", k, d)
		}
		if _, ok := s.byKey[k]; !ok {
			return fmt.Errorf("EvaluateAll returned %q, which is not a flag", k)
		}
	}
	for _, k := range keys {
		r := first[k]
		got, ok := all1[k]
		switch r.Reason {
		case ReasonNotFound, ReasonFilteredByRuntime, ReasonFilteredByContext:
			if ok {
				return fmt.Errorf("EvaluateAll has %q (%+v), which Evaluate reports %v", k, got, r.Reason)
			}
			continue
		}
		if !ok {
			return fmt.Errorf("EvaluateAll lacks %q, which Evaluate reports %v", k, r.Reason)
		}
		if d := fuzzResultDiff(r, got); d != "" {
			return fmt.Errorf("EvaluateAll and Evaluate disagree on %q: %s\n Evaluate:    %+v\n EvaluateAll: %+v", k, d, r, got)
		}
	}
	if after := fuzzFingerprint(user); after != before {
		return fmt.Errorf("evaluation modified the user:\n before %s\n after  %s", before, after)
	}
	return nil
}

// ---------------------------------------------------------------------------
// FuzzSemver

// The reference below restates PostHog's version grammar from semver.go's
// comments, docs/semantics.md §3 and posthog-core's
// parseFeatureFlagSemver, computeTildeBounds, computeCaretBounds and
// computeWildcardBounds, without sharing code with semver.go.

// fuzzJSSpace is ECMAScript WhiteSpace or LineTerminator, the set
// String.prototype.trim removes.
func fuzzJSSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', ' ', 0xA0, 0xFEFF, '\n', '\r', 0x2028, 0x2029:
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

// fuzzParseInt is JavaScript's parseInt of a string of ASCII digits: the
// nearest double, Infinity beyond the range.
func fuzzParseInt(digits string) float64 {
	if len(digits) > 400 { // no leading zero, so at least 1e399
		return math.Inf(1)
	}
	var z big.Int
	z.SetString(digits, 10)
	f, _ := new(big.Float).SetInt(&z).Float64()
	return f
}

// fuzzStrictPart is /^\d+$/ without a leading zero.
func fuzzStrictPart(p string) (float64, bool) {
	if p == "" || (len(p) > 1 && p[0] == '0') {
		return 0, false
	}
	for _, c := range []byte(p) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return fuzzParseInt(p), true
}

func fuzzStripV(s string) string {
	s = strings.TrimFunc(s, fuzzJSSpace)
	if strings.HasPrefix(s, "v") || strings.HasPrefix(s, "V") {
		s = s[1:]
	}
	return s
}

func fuzzRefParse(s string) (v version, ok bool) {
	text := fuzzStripV(s)
	base := strings.Split(strings.Split(text, "-")[0], "+")[0]
	if base == "" || base[0] == '.' {
		return v, false
	}
	parts := strings.Split(base, ".")
	for i := 0; i < 3 && i < len(parts); i++ {
		if parts[i] == "" {
			continue
		}
		n, ok := fuzzStrictPart(parts[i])
		if !ok {
			return version{}, false
		}
		v[i] = n
	}
	return v, true
}

func fuzzRefTilde(s string) (versionRange, bool) {
	v, ok := fuzzRefParse(s)
	if !ok {
		return versionRange{}, false
	}
	return versionRange{v, version{v[0], v[1] + 1, 0}}, true
}

func fuzzRefCaret(s string) (versionRange, bool) {
	v, ok := fuzzRefParse(s)
	if !ok {
		return versionRange{}, false
	}
	switch {
	case v[0] > 0:
		return versionRange{v, version{v[0] + 1, 0, 0}}, true
	case v[1] > 0:
		return versionRange{v, version{0, v[1] + 1, 0}}, true
	}
	return versionRange{v, version{0, 0, v[2] + 1}}, true
}

func fuzzRefWildcard(s string) (versionRange, bool) {
	text := fuzzStripV(s)
	text = strings.TrimSuffix(text, ".*")
	text = strings.TrimSuffix(text, "*")
	if text == "" {
		return versionRange{}, false
	}
	parts := strings.Split(text, ".")
	major, ok := fuzzStrictPart(parts[0])
	if !ok {
		return versionRange{}, false
	}
	if len(parts) == 1 {
		return versionRange{version{major, 0, 0}, version{major + 1, 0, 0}}, true
	}
	minor, ok := fuzzStrictPart(parts[1])
	if !ok {
		return versionRange{}, false
	}
	return versionRange{version{major, minor, 0}, version{major, minor + 1, 0}}, true
}

const fuzzMaxSafe = 1 << 53

func fuzzExact(v version) bool {
	return v[0] < fuzzMaxSafe && v[1] < fuzzMaxSafe && v[2] < fuzzMaxSafe
}

// FuzzSemver checks parseVersion, tildeRange, caretRange and wildcardRange
// against the reference above, the round trip of plain dotted versions, and
// that every range holds its lower bound and not its upper one.
func FuzzSemver(f *testing.F) {
	for _, s := range []string{
		"1.2.3", "v1.2.3", "V1.2.3", " 1.2.3 ", "\u00a01.2.3\u3000", "\ufeff1.2.3", "1.2.3-alpha.1", "1.2.3+build",
		"1.2.3.4", "1.2", "1", "1..3", "1.", ".1.2.3", "01.2.3", "1.07.0", "0", "0.0.0", "", "abc", "v", "vv1",
		"-1", "+1", "1-2+3", "1+2-3", "1.2.x", "1.2.*", "1.*", "1.**", "*", ".*", "v1.2.*", "1.2.3.*", "1.*.3",
		"9007199254740993.0.0", "1.9007199254740993.5", "99999999999999999999999", strings.Repeat("9", 400),
		"1.2.3\x00", "1.2.3\xff", "１.２.３", "0.0.4", "0.3.1", "^1.2.3", "~1.2.3", "1.2.3 ", "\u20281\u2029",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseVersion(s)
		rv, rok := fuzzRefParse(s)
		if ok != rok || (ok && v != rv) {
			t.Fatalf("parseVersion(%q) = %v, %v; the reference says %v, %v", s, v, ok, rv, rok)
		}

		if ok && s != "" && strings.Trim(s, "0123456789.") == "" && fuzzExact(v) {
			back := fmt.Sprintf("%d.%d.%d", uint64(v[0]), uint64(v[1]), uint64(v[2]))
			v2, ok2 := parseVersion(back)
			if !ok2 || v2 != v {
				t.Fatalf("parseVersion(%q) = %v, but its spelling %q parses to %v, %v", s, v, back, v2, ok2)
			}
		}

		for _, op := range []struct {
			name     string
			got, ref func(string) (versionRange, bool)
		}{
			{"tildeRange", tildeRange, fuzzRefTilde},
			{"caretRange", caretRange, fuzzRefCaret},
			{"wildcardRange", wildcardRange, fuzzRefWildcard},
		} {
			r, ok := op.got(s)
			want, wok := op.ref(s)
			if ok != wok || (ok && r != want) {
				t.Fatalf("%s(%q) = %v, %v; the reference says %v, %v", op.name, s, r, ok, want, wok)
			}
			if !ok {
				continue
			}
			if op.name != "wildcardRange" && !rok {
				t.Fatalf("%s(%q) is valid but parseVersion rejects it", op.name, s)
			}
			// With parts beyond 2^53, part+1 may round back to part, as in
			// JavaScript, and the range is then empty; below, it never is.
			if fuzzExact(r.lo) && fuzzExact(r.hi) && r.lo.compare(r.hi) >= 0 {
				t.Fatalf("%s(%q) = [%v, %v) is empty", op.name, s, r.lo, r.hi)
			}
			if r.lo.compare(r.hi) < 0 {
				if !r.contains(r.lo) {
					t.Fatalf("%s(%q) = [%v, %v) does not contain its lower bound", op.name, s, r.lo, r.hi)
				}
				if r.contains(r.hi) {
					t.Fatalf("%s(%q) = [%v, %v) contains its upper bound", op.name, s, r.lo, r.hi)
				}
			}
		}
	})
}
