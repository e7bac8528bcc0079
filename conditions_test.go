package flags

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// outcomeOf evaluates a one-filter flag and returns "true", "false" or
// "inconclusive".
func outcomeOf(t *testing.T, filterJSON string, props map[string]any, opts ...Option) string {
	t.Helper()
	doc := `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"properties":[` + filterJSON + `],"rollout_percentage":100}]}}]}`
	c := newTestClient(t, doc, opts...)
	r := c.Evaluate(context.Background(), "f", User{DistinctID: "u", Properties: props})
	switch r.Reason {
	case ReasonMatched:
		return "true"
	case ReasonNoConditionMatch:
		return "false"
	case ReasonInconclusive:
		return "inconclusive"
	}
	t.Fatalf("unexpected reason %v (%v)", r.Reason, r.Err)
	return ""
}

type opCase struct {
	value  any // the property value; missing when absent is true
	absent bool
	want   string
}

// runOperator checks one filter against a table of property values.
func runOperator(t *testing.T, operator string, filterValue any, cases []opCase, opts ...Option) {
	t.Helper()
	fv, err := json.Marshal(filterValue)
	if err != nil {
		t.Fatal(err)
	}
	filter := fmt.Sprintf(`{"key":"k","type":"person","operator":%q,"value":%s}`, operator, fv)
	for _, c := range cases {
		props := map[string]any{}
		if !c.absent {
			props["k"] = c.value
		}
		if got := outcomeOf(t, filter, props, opts...); got != c.want {
			t.Errorf("%s %s with %#v (absent=%v): got %s, want %s", operator, fv, c.value, c.absent, got, c.want)
		}
	}
}

// The tables below are PostHog's own semver examples, which come from
// PostHog's SDK tests. Where posthog-node (the reference this library
// matches) answers differently from posthog-python, the node answer is used
// and the comment says so.

func TestOperatorExact(t *testing.T) {
	runOperator(t, "exact", "value", []opCase{
		{value: "value", want: "true"},
		{value: "VALUE", want: "true"},
		{value: "value2", want: "false"},
		{value: "", want: "false"},
		{value: nil, want: "false"},
		{absent: true, want: "inconclusive"},
	})
	runOperator(t, "exact", []any{"value1", "value2", "value3"}, []opCase{
		{value: "value2", want: "true"},
		{value: "value4", want: "false"},
	})
	// Integral numbers have no spelling posthog-node trusts (5 or 5.0).
	runOperator(t, "exact", 5, []opCase{{value: "5", want: "inconclusive"}})
	runOperator(t, "exact", "5", []opCase{{value: 5, want: "inconclusive"}, {value: 5.5, want: "false"}})
	// Boolean-like values compare truthiness.
	runOperator(t, "exact", "true", []opCase{{value: true, want: "true"}, {value: "TRUE", want: "true"}, {value: 1, want: "false"}})
}

func TestOperatorIsNot(t *testing.T) {
	runOperator(t, "is_not", "value", []opCase{
		{value: "value2", want: "true"},
		{value: "", want: "true"},
		{value: nil, want: "true"},
		{value: "Value", want: "false"},
	})
	// Python compares str(None) = "None" and says false; posthog-node
	// compares "null" and says true.
	runOperator(t, "is_not", "none", []opCase{{value: nil, want: "true"}})
}

func TestOperatorIsSet(t *testing.T) {
	runOperator(t, "is_set", "is_set", []opCase{
		{value: "x", want: "true"},
		{value: nil, want: "true"}, // present with null counts as set
		{absent: true, want: "inconclusive"},
	})
	runOperator(t, "is_not_set", "is_not_set", []opCase{
		{value: "x", want: "false"},
		{value: nil, want: "false"},
		{absent: true, want: "inconclusive"},
	})
}

func TestOperatorIContains(t *testing.T) {
	runOperator(t, "icontains", "valUe", []opCase{
		{value: "343tfvalue5", want: "true"},
		{value: "343tfVALUE5", want: "true"},
		{value: 123, want: "false"},
	})
	runOperator(t, "icontains", "3", []opCase{{value: 323, want: "true"}})
	runOperator(t, "not_icontains", "valUe", []opCase{{value: "343tfvalue5", want: "false"}, {value: "x", want: "true"}})
	// Only ASCII letters fold.
	runOperator(t, "icontains", "é", []opCase{{value: "CAFÉ", want: "false"}, {value: "café", want: "true"}})
}

func TestOperatorPrefixSuffix(t *testing.T) {
	runOperator(t, "starts_with", "Ab", []opCase{{value: "abc", want: "true"}, {value: "cab", want: "false"}})
	runOperator(t, "not_starts_with", "Ab", []opCase{{value: "abc", want: "false"}, {value: "cab", want: "true"}})
	runOperator(t, "ends_with", ".COM", []opCase{{value: "a@b.com", want: "true"}, {value: "a@b.org", want: "false"}})
	runOperator(t, "not_ends_with", ".COM", []opCase{{value: "a@b.com", want: "false"}, {absent: true, want: "inconclusive"}})
}

func TestOperatorRegex(t *testing.T) {
	runOperator(t, "regex", `\.com$`, []opCase{
		{value: "value.com", want: "true"},
		{value: 123, want: "false"},
		{value: "value.com\r", want: "inconclusive"}, // posthog-node leaves \r to the server
	})
	runOperator(t, "regex", "?*", []opCase{{value: "anything", want: "false"}})     // invalid: no match
	runOperator(t, "not_regex", "?*", []opCase{{value: "anything", want: "false"}}) // either way
	runOperator(t, "regex", 4, []opCase{{value: 4, want: "true"}})
	runOperator(t, "regex", "(?=a)a", []opCase{{value: "a", want: "inconclusive"}}) // lookahead is not portable
}

func TestOperatorOrder(t *testing.T) {
	runOperator(t, "gt", 1, []opCase{{value: "23", want: "true"}})
	// Python compares "100" < "30" as strings; posthog-node parses numbers.
	runOperator(t, "lt", "30", []opCase{{value: "100", want: "false"}, {value: 100, want: "false"}})
	runOperator(t, "gt", "123aloha", []opCase{{value: 129, want: "true"}})
	runOperator(t, "lte", "43", []opCase{{value: 42, want: "true"}, {value: "42", want: "true"}, {value: 44, want: "false"}, {value: nil, want: "false"}})
	runOperator(t, "gt", "b", []opCase{{value: "c", want: "true"}, {value: "a", want: "false"}}) // strings when not numbers
}

func TestOperatorSemver(t *testing.T) {
	runOperator(t, "semver_eq", "1.2.3", []opCase{
		{value: "v1.2.3", want: "true"},
		{value: " 1.2.3", want: "true"},
		{value: "1.2.3-alpha.1", want: "true"},
		{value: "1.2.3.4", want: "true"},
		{value: "abc", want: "inconclusive"},
		{value: "", want: "inconclusive"},
		{value: ".1.2.3", want: "inconclusive"},
		{value: "01.2.3", want: "inconclusive"},
		{value: nil, want: "false"},
	})
	runOperator(t, "semver_gte", "1.2.3-alpha", []opCase{{value: "1.2.3", want: "true"}})
	runOperator(t, "semver_caret", "0.0.3", []opCase{{value: "0.0.4", want: "false"}, {value: "0.0.3", want: "true"}})
	runOperator(t, "semver_wildcard", "1.2.*", []opCase{{value: "v1.2.5", want: "true"}, {value: "1.3.0", want: "false"}})
	runOperator(t, "semver_tilde", "1.2.3", []opCase{{value: "1.2.9", want: "true"}, {value: "1.3.0", want: "false"}})
	runOperator(t, "semver_gt", "not-a-version", []opCase{{value: "1.0.0", want: "inconclusive"}})
}

func TestOperatorDates(t *testing.T) {
	// PostHog's relative-date examples, frozen at 2022-05-01T00:00:00Z.
	clock := WithClock(func() time.Time { return time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC) })
	runOperator(t, "is_date_before", "-1d", []opCase{
		{value: "2022-04-29 23:59:00", want: "true"},
		{value: "2022-04-30 00:00:01", want: "false"},
		{value: "June 1, 2025", want: "inconclusive"}, // docs/semantics.md §4.5
		{value: true, want: "inconclusive"},
	}, clock)
	runOperator(t, "is_date_after", "2d", []opCase{
		{value: "2022-04-29 00:00:01", want: "true"},
		{value: "2022-04-29 00:00:00", want: "false"},
		{value: time.Date(2022, 4, 30, 0, 0, 0, 0, time.UTC), want: "true"},
		{value: float64(time.Date(2022, 4, 30, 0, 0, 0, 0, time.UTC).UnixMilli()), want: "true"}, // epoch ms
	}, clock)
	runOperator(t, "is_date_after", "2022-04-01", []opCase{{value: "2022-04-02T00:00:00+02:00", want: "true"}}, clock)
	runOperator(t, "is_date_after", true, []opCase{{value: "2022-04-02", want: "inconclusive"}}, clock)
}

func TestOperatorUnknown(t *testing.T) {
	// posthog-node answers false for a null value before it looks at the
	// operator.
	runOperator(t, "is_date_exact", "2022-01-01", []opCase{
		{value: "2022-01-01", want: "inconclusive"},
		{value: nil, want: "false"},
		{absent: true, want: "inconclusive"},
	})
}

func TestUnsupportedPropertyTypes(t *testing.T) {
	for _, v := range []any{make(chan int), struct{}{}, func() {}, new(int), []int{1}} {
		got := outcomeOf(t, `{"key":"k","operator":"icontains","value":"x"}`, map[string]any{"k": v})
		if got != "inconclusive" {
			t.Errorf("%T: got %s, want inconclusive", v, got)
		}
	}
	r := newTestClient(t, `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"properties":[{"key":"k","value":"x"}]}]}}]}`).
		Evaluate(context.Background(), "f", User{DistinctID: "u", Properties: map[string]any{"k": make(chan int)}})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "chan int") {
		t.Errorf("the cause should name the type: %v", r.Err)
	}
	// Hostile numbers are numbers: NaN and infinities compare as strings
	// ("NaN", "Infinity"), as in JavaScript.
	if got := outcomeOf(t, `{"key":"k","operator":"icontains","value":"infinity"}`, map[string]any{"k": math.Inf(1)}); got != "true" {
		t.Errorf("+Inf icontains infinity: got %s", got)
	}
}

// TestPlainVersionFastPath holds parsePlainVersion to the general grammar
// on every string of up to seven characters over digits, dots and a few
// others: where the fast path answers, it must answer the same.
func TestPlainVersionFastPath(t *testing.T) {
	const alphabet = "019.v- "
	fast := 0
	check := func(s string) {
		if v, ok := parsePlainVersion(s); ok {
			fast++
			if want, wok := parseAnyVersion(s); !wok || want != v {
				t.Fatalf("parsePlainVersion(%q) = %v; the general grammar says %v, %v", s, v, want, wok)
			}
		}
	}
	var walk func(s string)
	walk = func(s string) {
		check(s)
		if len(s) < 7 {
			for i := 0; i < len(alphabet); i++ {
				walk(s + alphabet[i:i+1])
			}
		}
	}
	walk("")
	for _, s := range []string{"123456789012345", "1234567890123456", "1.2.123456789012345", "1.2.3.4", "10.20.30"} {
		check(s)
	}
	if fast < 1000 {
		t.Errorf("the fast path answered only %d strings", fast)
	}
}
