package flags

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The hostile-values matrix: every kind of Go value a caller can put in a
// property, under every operator that reads a value, as a person property,
// a group property and the $device_id of a device-bucketed flag, through
// Evaluate, IsEnabled, Variant, EvaluateAll, Explain and Explain.String.
// Nothing may crash or hang, the entry points must agree, and every
// inconclusive answer must carry a cause that names the property and, for
// the operators the value defeats, says why.
//
// A value that used to crash the process (a cycle, deep nesting) or hang it
// (shared parts) runs in a subprocess of its own: a fatal stack overflow
// cannot be recovered, so in-process it would take the whole test binary
// down with no word on which case did it.

// matrixOp is one operator of the matrix.
type matrixOp struct {
	name   string
	filter string // the filter's operator and value, as JSON fields
}

// The operators, by how they read the value: the ones that spell it
// (String or JSON), the truthiness exact, presence, and dates.
const (
	opsSpelled  = 1<<6 - 1 // the first six below
	opsTruthy   = 1 << 6
	opsPresence = 1<<7 | 1<<8
	opsDate     = 1 << 9
	opString    = 1 << 2 // icontains: String(v), as device bucketing reads it
)

var matrixOps = []matrixOp{
	{"exact", `"operator":"exact","value":"x"`},
	{"is_not", `"operator":"is_not","value":["x","y"]`},
	{"icontains", `"operator":"icontains","value":"x"`},
	{"regex", `"operator":"regex","value":"^x"`},
	{"gt", `"operator":"gt","value":5.5`},
	{"semver_gt", `"operator":"semver_gt","value":"1.2.3"`},
	{"exact_true", `"operator":"exact","value":"true"`},
	{"is_set", `"operator":"is_set","value":"is_set"`},
	{"is_not_set", `"operator":"is_not_set","value":"is_not_set"`},
	{"is_date_before", `"operator":"is_date_before","value":"2030-01-01"`},
}

// hostileValue is one kind of value. For the operators in fails, every
// answer must be inconclusive with a cause containing cause; for the
// others, any answer is fine as long as it is consistent and, when
// inconclusive, clearly caused.
type hostileValue struct {
	name       string
	build      func() any
	cause      string
	fails      int
	subprocess bool // crashed or hung the process before the walks were bounded
}

type selfRef struct{ next *selfRef }

// dag is depth maps, each holding the next one under two keys: walking it
// naively reaches the innermost map 2^depth times.
func dag(depth int) any {
	var v any = map[string]any{}
	for i := 0; i < depth; i++ {
		v = map[string]any{"a": v, "b": v}
	}
	return v
}

func dagSlices(depth int) any {
	var v any = []any{}
	for i := 0; i < depth; i++ {
		v = []any{v, v}
	}
	return v
}

func nestSlices(depth int) any {
	var v any = "x"
	for i := 0; i < depth; i++ {
		v = []any{v}
	}
	return v
}

func nestMaps(depth int) any {
	var v any = "x"
	for i := 0; i < depth; i++ {
		v = map[string]any{"k": v}
	}
	return v
}

const (
	causeDeep     = "levels deep"
	causeElements = "elements"
	causeBytes    = "bytes (MaxValueBytes)"
	causeType     = "unsupported type"
)

var hostileValues = []hostileValue{
	// Types with no JSON counterpart.
	{name: "chan", build: func() any { return make(chan int) }, cause: causeType, fails: opsSpelled | opsTruthy | opsDate},
	{name: "nil chan", build: func() any { return (chan int)(nil) }, cause: causeType, fails: opsSpelled | opsTruthy | opsDate},
	{name: "func", build: func() any { return func() {} }, cause: causeType, fails: opsSpelled | opsTruthy | opsDate},
	{name: "nil func", build: func() any { return (func())(nil) }, cause: causeType, fails: opsSpelled | opsTruthy | opsDate},
	{name: "pointer", build: func() any { x := 5; return &x }, cause: causeType, fails: opsSpelled | opsTruthy | opsDate},
	{name: "typed nil pointer", build: func() any { return (*int)(nil) }, cause: causeType, fails: opsSpelled | opsTruthy | opsDate},
	{name: "struct", build: func() any { return struct{ A int }{1} }, cause: causeType, fails: opsSpelled | opsTruthy | opsDate},
	{name: "struct that points to itself", build: func() any { n := &selfRef{}; n.next = n; return n }, cause: causeType, fails: opsSpelled | opsTruthy | opsDate},
	{name: "map[string]string", build: func() any { return map[string]string{"k": "v"} }, cause: causeType, fails: opsSpelled | opsTruthy | opsDate},
	{name: "chan inside a slice", build: func() any { return []any{"a", make(chan int)} }, cause: causeType, fails: opsSpelled | opsTruthy},
	{name: "struct holding a cyclic map inside a map", build: func() any {
		m := map[string]any{}
		m["self"] = m
		return map[string]any{"s": struct{ M map[string]any }{m}}
	}, cause: causeType, fails: opsSpelled | opsTruthy, subprocess: true},
	{name: "json.Number that is not a number", build: func() any { return json.Number("12abc") }, cause: "json.Number", fails: opsSpelled | opsTruthy | opsDate},

	// Values that contain themselves.
	{name: "cyclic map", build: func() any { m := map[string]any{}; m["self"] = m; return m }, cause: causeDeep, fails: opsSpelled | opsTruthy, subprocess: true},
	{name: "cyclic slice", build: func() any { a := []any{nil}; a[0] = a; return a }, cause: causeDeep, fails: opsSpelled | opsTruthy, subprocess: true},
	{name: "map holding a slice holding the map", build: func() any {
		m := map[string]any{}
		m["list"] = []any{"a", m}
		return m
	}, cause: causeDeep, fails: opsSpelled | opsTruthy, subprocess: true},

	// Shared parts: tiny in memory, exponential to unfold.
	{name: "DAG of maps, depth 20", build: func() any { return dag(20) }, cause: causeElements, fails: opsSpelled | opsTruthy, subprocess: true},
	{name: "DAG of maps, depth 40", build: func() any { return dag(40) }, cause: causeElements, fails: opsSpelled | opsTruthy, subprocess: true},
	{name: "DAG of slices, depth 40", build: func() any { return dagSlices(40) }, cause: causeElements, fails: opsSpelled | opsTruthy, subprocess: true},

	// Depth, at the limit and past it.
	{name: "slices nested MaxValueDepth deep", build: func() any { return nestSlices(MaxValueDepth) }},
	{name: "slices nested MaxValueDepth+1 deep", build: func() any { return nestSlices(MaxValueDepth + 1) }, cause: causeDeep, fails: opsSpelled | opsTruthy},
	{name: "slices nested 10^6 deep", build: func() any { return nestSlices(1_000_000) }, cause: causeDeep, fails: opsSpelled | opsTruthy, subprocess: true},
	{name: "maps nested 10^6 deep", build: func() any { return nestMaps(1_000_000) }, cause: causeDeep, fails: opsSpelled | opsTruthy, subprocess: true},

	// Size.
	{name: "MaxValueElements strings", build: func() any { return make([]string, MaxValueElements) }},
	{name: "10M-element []any", build: func() any { return make([]any, 10_000_000) }, cause: causeElements, fails: opsSpelled | opsTruthy, subprocess: true},
	{name: "10M-element []string", build: func() any { return make([]string, 10_000_000) }, cause: causeElements, fails: opsSpelled | opsTruthy, subprocess: true},
	{name: "1M-key map", build: func() any {
		m := make(map[string]any, 1_000_000)
		for i := range 1_000_000 {
			m[fmt.Sprint(i)] = i
		}
		return m
	}, cause: causeElements, fails: opsSpelled | opsTruthy, subprocess: true},
	{name: "a 2 MiB string inside a slice", build: func() any { return []string{strings.Repeat("x", 2<<20)} }, cause: causeBytes, fails: opsSpelled},
	{name: "a 1 MiB string", build: func() any { return strings.Repeat("9", 1<<20) }},

	// Numbers with no JSON spelling.
	{name: "NaN", build: func() any { return math.NaN() }, cause: "non-finite", fails: opsTruthy | 1<<0 | 1<<1},
	{name: "+Inf", build: func() any { return math.Inf(1) }, cause: "non-finite", fails: opsTruthy | 1<<0 | 1<<1},
	{name: "-Inf", build: func() any { return math.Inf(-1) }, cause: "non-finite", fails: opsTruthy | 1<<0 | 1<<1},
	{name: "float32 NaN", build: func() any { return float32(math.NaN()) }, cause: "non-finite", fails: opsTruthy | 1<<0 | 1<<1},
	{name: "NaN and Inf in a slice", build: func() any { return []any{math.NaN(), math.Inf(1)} }, cause: "non-finite", fails: opsTruthy | 1<<0 | 1<<1},
	{name: "NaN in a map", build: func() any { return map[string]any{"n": math.NaN()} }, cause: "non-finite", fails: opsTruthy | 1<<0 | 1<<1},

	// Invalid UTF-8.
	{name: "invalid UTF-8 string", build: func() any { return "ab\xff\xfe" }, cause: "UTF-8", fails: opsTruthy | 1<<0 | 1<<1},
	{name: "invalid UTF-8 key", build: func() any { return map[string]any{"\xff": "v"} }, cause: "UTF-8", fails: opsTruthy | 1<<0 | 1<<1},
	{name: "invalid UTF-8 in a []string", build: func() any { return []string{"ok", "\xff"} }, cause: "UTF-8", fails: opsTruthy | 1<<0 | 1<<1},

	// Nothing at all.
	{name: "nil", build: func() any { return nil }},
	{name: "typed nil map", build: func() any { return map[string]any(nil) }},
	{name: "typed nil []any", build: func() any { return []any(nil) }},
	{name: "typed nil []string", build: func() any { return []string(nil) }},
}

// hostileDoc is a document with a flag per operator and placement:
// person-<op>, group-<op> and device-<op>.
func hostileDoc() string {
	var flags []string
	for _, op := range matrixOps {
		flags = append(flags,
			`{"key":"person-`+op.name+`","id":1,"active":true,"filters":{"groups":[{"properties":[{"key":"v","type":"person",`+op.filter+`}],"rollout_percentage":100}]}}`,
			`{"key":"group-`+op.name+`","id":2,"active":true,"filters":{"aggregation_group_type_index":0,"groups":[{"properties":[{"key":"v","type":"group","group_type_index":0,`+op.filter+`}],"rollout_percentage":100}]}}`,
			`{"key":"device-`+op.name+`","id":3,"active":true,"bucketing_identifier":"device_id","filters":{"groups":[{"properties":[{"key":"$device_id","type":"person",`+op.filter+`}],"rollout_percentage":50}]}}`)
	}
	return `{"group_type_mapping":{"0":"company"},"flags":[` + strings.Join(flags, ",") + `]}`
}

const hostileEnv = "LOCALFLAGS_HOSTILE_VALUE"

func TestHostileValuesMatrix(t *testing.T) {
	if name := os.Getenv(hostileEnv); name != "" {
		for _, hv := range hostileValues {
			if hv.name == name {
				checkHostileValue(t, hv)
				return
			}
		}
		t.Fatalf("no hostile value %q", name)
	}
	names := map[string]bool{}
	for _, hv := range hostileValues {
		if names[hv.name] {
			t.Fatalf("two values are named %q", hv.name)
		}
		names[hv.name] = true
		if !hv.subprocess {
			t.Run(hv.name, func(t *testing.T) { checkHostileValue(t, hv) })
			continue
		}
		t.Run(hv.name, func(t *testing.T) {
			if testing.Short() {
				t.Skip("subprocess cases are skipped in -short mode")
			}
			t.Parallel()
			// The bound is a hang detector, far above the milliseconds the
			// case takes, not a measurement.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHostileValuesMatrix$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), hostileEnv+"="+hv.name)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("the subprocess hung (killed after 3 minutes):\n%s", tail(out))
			}
			if err != nil || !strings.Contains(string(out), "\nPASS") {
				t.Fatalf("the subprocess failed (%v):\n%s", err, tail(out))
			}
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, "slowest evaluation") {
					t.Log(strings.TrimSpace(line))
				}
			}
		})
	}
	if len(hostileValues) < 35 || len(matrixOps) != 10 {
		t.Fatalf("the matrix is %d values × %d operators, want at least 35 × 10", len(hostileValues), len(matrixOps))
	}
}

func tail(b []byte) string {
	if len(b) > 4000 {
		return "…" + string(b[len(b)-4000:])
	}
	return string(b)
}

// checkHostileValue runs the matrix for one value.
func checkHostileValue(t *testing.T, hv hostileValue) {
	c := newTestClient(t, hostileDoc())
	v := hv.build()
	u := User{
		DistinctID: "user-1",
		Properties: map[string]any{"v": v, "$device_id": v},
		Groups:     map[string]Group{"company": {Key: "acme", Properties: map[string]any{"v": v}}},
	}
	ctx := context.Background()
	var slowest time.Duration
	var slowestCall string
	timed := func(call string, fn func()) {
		start := time.Now()
		fn()
		if d := time.Since(start); d > slowest {
			slowest, slowestCall = d, call
		}
	}
	var all map[string]Result
	timed("EvaluateAll", func() { all = c.EvaluateAll(ctx, u) })
	for i, op := range matrixOps {
		for _, placement := range []string{"person", "group", "device"} {
			key := placement + "-" + op.name
			var r Result
			var on bool
			var variant string
			var e Explanation
			var text string
			timed("Evaluate "+key, func() { r = c.Evaluate(ctx, key, u) })
			timed("IsEnabled "+key, func() { on = c.IsEnabled(ctx, key, u) })
			timed("Variant "+key, func() { variant = c.Variant(ctx, key, u) })
			timed("Explain "+key, func() { e = c.Explain(ctx, key, u) })
			timed("Explain.String "+key, func() { text = e.String() })

			if on != r.Enabled || variant != r.Variant {
				t.Errorf("%s: IsEnabled %v and Variant %q, Evaluate %+v", key, on, variant, r)
			}
			if d := fuzzResultDiff(r, e.Result); d != "" {
				t.Errorf("%s: Explain and Evaluate differ: %s", key, d)
			}
			if d := fuzzResultDiff(r, all[key]); d != "" {
				t.Errorf("%s: EvaluateAll and Evaluate differ: %s", key, d)
			}
			if !strings.Contains(text, key) || len(text) > 16<<10 {
				t.Errorf("%s: Explain.String is %d bytes: %.300s", key, len(text), text)
			}

			if r.Reason == ReasonInconclusive {
				msg := errMsg(r.Err)
				named := strings.Contains(msg, `property "v"`)
				if placement == "device" {
					named = strings.Contains(msg, `"$device_id"`) || strings.Contains(msg, "device id")
				}
				if !named || len(msg) > 600 {
					t.Errorf("%s: the cause should name the property, in at most 600 bytes: %.700s", key, msg)
				}
			} else if !r.Conclusive() {
				t.Errorf("%s: %+v", key, r)
			}
			// A device-bucketed flag reads the value before any filter, to
			// bucket on it: what defeats the filters defeats it.
			fails := hv.fails&(1<<i) != 0 || (placement == "device" && hv.fails&opString != 0)
			if fails && (r.Reason != ReasonInconclusive || !strings.Contains(errMsg(r.Err), hv.cause)) {
				t.Errorf("%s: %v (%v), want inconclusive because of %q", key, r.Reason, r.Err, hv.cause)
			}
			if hv.fails == 0 && placement != "device" && r.Reason == ReasonInconclusive && op.name != "semver_gt" && op.name != "is_date_before" {
				t.Errorf("%s: a value within the limits is inconclusive: %v", key, r.Err)
			}
		}
	}
	t.Logf("%s: slowest evaluation: %s, %v", hv.name, slowestCall, slowest)
}

func TestTraceText(t *testing.T) {
	cyclic := map[string]any{"k": "v"}
	cyclic["self"] = cyclic
	long := strings.Repeat("é", 300)
	for _, tc := range []struct {
		v    any
		want string // the whole text, or its start when it ends in "…"
	}{
		{nil, "null"},
		{math.NaN(), "NaN"},
		{math.Inf(-1), "-Infinity"},
		{make(chan int), "(chan int)"},
		{map[string]any{"b": 1.0, "a": "x"}, `{"a":"x","b":1}`},
		{[]any{"a", nil, true, []string{"x"}}, `["a",null,true,["x"]]`},
		{"ab\xff", `"ab\xff"`},
		{time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC), `"2025-06-15T12:00:00.000Z"`},
		{long, `"` + strings.Repeat("é", 100) + `"…`},
		{cyclic, `{"k":"v","self":{"k":"v","self":{`},
		{make([]string, 1_000_000), `["","","",`},
		{nestSlices(1_000_000), `[[[[[[`},
		{dag(40), `{"a":{"a":{"a":`},
	} {
		got := traceText(tc.v)
		if strings.Contains(got, "…") {
			if !strings.HasPrefix(got, tc.want) || len(got) > maxTraceText+20 || !utf8ValidOrQuoted(got) {
				t.Errorf("traceText(%T) = %q (%d bytes), want a cut text starting %q", tc.v, got, len(got), tc.want)
			}
		} else if got != tc.want {
			t.Errorf("traceText(%T) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func utf8ValidOrQuoted(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
