package flags

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Each limit is tested at the limit (works) and one past it (rejected, or
// inconclusive for that flag only, with a cause naming the limit).

// withGood adds a plain flag "good" beside the flags under test.
func withGood(flagsJSON string) string {
	return `{"flags":[{"key":"good","active":true,"filters":{"groups":[{"rollout_percentage":100}]}},` + flagsJSON + `]}`
}

// checkFlag evaluates key and requires it matched at the limit, or
// inconclusive with a cause naming limit past it, and "good" to stay on.
func checkFlag(t *testing.T, doc, key string, u User, overLimit bool, limit string) {
	t.Helper()
	c := newTestClient(t, doc)
	ctx := context.Background()
	r := c.Evaluate(ctx, key, u)
	if overLimit {
		if r.Reason != ReasonInconclusive || !strings.Contains(r.Err.Error(), limit) {
			t.Errorf("%s over the limit: %v (%v), want inconclusive naming %s", key, r.Reason, r.Err, limit)
		}
	} else if r.Reason != ReasonMatched || !r.Enabled {
		t.Errorf("%s at the limit: %v (%v), want it matched", key, r.Reason, r.Err)
	}
	if !c.IsEnabled(ctx, "good", u) {
		t.Error("the good flag is affected")
	}
}

func TestLimitDocumentBytes(t *testing.T) {
	base := `{"flags":[]}`
	at := base + strings.Repeat(" ", MaxDocumentBytes-len(base))
	if _, err := compile([]byte(at), compileOptions{}); err != nil {
		t.Errorf("a document of exactly %d bytes: %v", MaxDocumentBytes, err)
	}
	_, err := compile([]byte(at+" "), compileOptions{})
	if err == nil || !strings.Contains(err.Error(), "MaxDocumentBytes") {
		t.Errorf("one byte over: %v", err)
	}
	// A poller configured for larger bodies raises the limit.
	if _, err := compile([]byte(at+" "), compileOptions{maxBytes: MaxDocumentBytes + 1}); err != nil {
		t.Errorf("with a larger MaxBodyBytes: %v", err)
	}
}

func TestLimitFlags(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"flags":[`)
	for i := 0; i < MaxFlags; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"key":"f%d","active":true}`, i)
	}
	at := b.String() + `]}`
	s, err := compile([]byte(at), compileOptions{})
	if err != nil || s.Len() != MaxFlags {
		t.Fatalf("%d flags: %v", MaxFlags, err)
	}
	_, err = compile([]byte(b.String()+`,{"key":"one-more"}]}`), compileOptions{})
	if err == nil || !strings.Contains(err.Error(), "MaxFlags") {
		t.Errorf("one flag over: %v", err)
	}
}

func conditions(n int) string {
	return strings.TrimSuffix(strings.Repeat(`{"properties":[{"key":"plan","value":"x"}]},`, n-1)+`{"rollout_percentage":100},`, ",")
}

func TestLimitConditions(t *testing.T) {
	u := User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}
	for _, n := range []int{MaxConditions, MaxConditions + 1} {
		doc := withGood(fmt.Sprintf(`{"key":"many","active":true,"filters":{"groups":[%s]}}`, conditions(n)))
		checkFlag(t, doc, "many", u, n > MaxConditions, "MaxConditions")
	}
}

func TestLimitFilters(t *testing.T) {
	u := User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}
	filters := func(n int) string {
		return strings.TrimSuffix(strings.Repeat(`{"key":"plan","value":"pro"},`, n), ",")
	}
	for _, n := range []int{MaxFilters, MaxFilters + 1} {
		doc := withGood(fmt.Sprintf(`{"key":"wide","active":true,"filters":{"groups":[{"properties":[%s]}]}}`, filters(n)))
		checkFlag(t, doc, "wide", u, n > MaxFilters, "MaxFilters")
		// The same bound applies to the entries of a cohort group.
		doc = fmt.Sprintf(`{"flags":[{"key":"good","active":true,"filters":{"groups":[{"rollout_percentage":100}]}},
		  {"key":"cohort","active":true,"filters":{"groups":[{"properties":[{"key":"id","type":"cohort","value":1}]}]}}],
		  "cohorts":{"1":{"type":"AND","values":[%s]}}}`, filters(n))
		checkFlag(t, doc, "cohort", u, n > MaxFilters, "MaxFilters")
	}
}

func TestLimitCohortNesting(t *testing.T) {
	u := User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}
	// A chain of cohorts, each including the next.
	chain := func(n int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			if i > 1 {
				b.WriteByte(',')
			}
			if i < n {
				fmt.Fprintf(&b, `"%d":{"type":"AND","values":[{"key":"id","type":"cohort","value":%d}]}`, i, i+1)
			} else {
				fmt.Fprintf(&b, `"%d":{"type":"AND","values":[{"key":"plan","value":"pro"}]}`, i)
			}
		}
		return `{"flags":[{"key":"good","active":true,"filters":{"groups":[{"rollout_percentage":100}]}},
		  {"key":"deep","active":true,"filters":{"groups":[{"properties":[{"key":"id","type":"cohort","value":1}]}]}}],
		  "cohorts":{` + b.String() + `}}`
	}
	for _, n := range []int{MaxNesting, MaxNesting + 1} {
		checkFlag(t, chain(n), "deep", u, n > MaxNesting, "MaxNesting")
	}
	// Groups nested within one cohort.
	nested := func(n int) string {
		g := `{"type":"AND","values":[{"key":"plan","value":"pro"}]}`
		for i := 0; i < n; i++ {
			g = `{"type":"AND","values":[` + g + `]}`
		}
		return `{"flags":[{"key":"good","active":true,"filters":{"groups":[{"rollout_percentage":100}]}},
		  {"key":"deep","active":true,"filters":{"groups":[{"properties":[{"key":"id","type":"cohort","value":1}]}]}}],
		  "cohorts":{"1":` + g + `}}`
	}
	for _, n := range []int{MaxNesting, MaxNesting + 1} {
		checkFlag(t, nested(n), "deep", u, n > MaxNesting, "MaxNesting")
	}
}

func TestLimitDependencyChain(t *testing.T) {
	u := User{DistinctID: "u"}
	// top depends on f1, which depends on f2, ..., fn, which is on; top's
	// chain lists all n flags, deepest first, as the server sends it.
	doc := func(n int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			var chain []string
			for j := n; j > i; j-- {
				chain = append(chain, fmt.Sprintf(`"f%d"`, j))
			}
			props := ""
			if i < n {
				props = fmt.Sprintf(`{"key":"f%d","type":"flag","operator":"flag_evaluates_to","value":true,"dependency_chain":[%s]}`, i+1, strings.Join(append(chain[:len(chain)-1:len(chain)-1], fmt.Sprintf(`"f%d"`, i+1)), ","))
			}
			fmt.Fprintf(&b, `{"key":"f%d","active":true,"filters":{"groups":[{"properties":[%s],"rollout_percentage":100}]}},`, i, props)
		}
		var chain []string
		for j := n; j >= 1; j-- {
			chain = append(chain, fmt.Sprintf(`"f%d"`, j))
		}
		fmt.Fprintf(&b, `{"key":"top","active":true,"filters":{"groups":[{"properties":[{"key":"f1","type":"flag","operator":"flag_evaluates_to","value":true,"dependency_chain":[%s]}],"rollout_percentage":100}]}}`, strings.Join(chain, ","))
		return withGood(b.String())
	}
	for _, n := range []int{MaxNesting, MaxNesting + 1} {
		checkFlag(t, doc(n), "top", u, n > MaxNesting, "MaxNesting")
	}
	if !newTestClient(t, doc(MaxNesting)).IsEnabled(context.Background(), "top", u) {
		t.Error("top should be on at the limit")
	}
}

func TestLimitRegexLength(t *testing.T) {
	u := User{DistinctID: "u", Properties: map[string]any{"s": strings.Repeat("a", MaxRegexLength)}}
	for _, n := range []int{MaxRegexLength, MaxRegexLength + 1} {
		doc := withGood(fmt.Sprintf(`{"key":"re","active":true,"filters":{"groups":[{"properties":[{"key":"s","operator":"regex","value":"%s"}]}]}}`, strings.Repeat("a", n)))
		checkFlag(t, doc, "re", u, n > MaxRegexLength, "8192")
	}
}

// TestLongPropertyStrings compares a 1 MiB property string; icontains and
// regex run in linear time (BenchmarkLongProperty measures it).
func TestLongPropertyStrings(t *testing.T) {
	long := strings.Repeat("ab", 1<<19) + "needle"
	u := User{DistinctID: "u", Properties: map[string]any{"s": long}}
	for op, value := range map[string]string{"icontains": "NEEDLE", "ends_with": "needle", "regex": "(a|b)*needle$"} {
		doc := withGood(fmt.Sprintf(`{"key":"f","active":true,"filters":{"groups":[{"properties":[{"key":"s","operator":%q,"value":%q}]}]}}`, op, value))
		if !newTestClient(t, doc).IsEnabled(context.Background(), "f", u) {
			t.Errorf("%s %q on a 1 MiB string: off", op, value)
		}
	}
}

// BenchmarkLongProperty measures icontains and regex on property strings
// of 64 KiB and 1 MiB: ns/op growing 16-fold with the 16-fold length is the
// linear time the limits table promises (read as a ratio within one run).
func BenchmarkLongProperty(b *testing.B) {
	for _, op := range []struct{ name, value string }{{"icontains", "NEEDLE"}, {"regex", "(a|b)*needle$"}} {
		doc := fmt.Sprintf(`{"flags":[{"key":"f","active":true,"filters":{"groups":[{"properties":[{"key":"s","operator":%q,"value":%q}]}]}}]}`, op.name, op.value)
		c := newTestClient(b, doc)
		for _, size := range []int{64 << 10, 1 << 20} {
			u := User{DistinctID: "u", Properties: map[string]any{"s": strings.Repeat("ab", size/2-3) + "needle"}}
			b.Run(fmt.Sprintf("%s/%dKiB", op.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(size))
				for b.Loop() {
					if !c.IsEnabled(context.Background(), "f", u) {
						b.Fatal("no match")
					}
				}
			})
		}
	}
}
