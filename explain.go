package flags

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/localflags/flags/internal/ecma"
)

// Explanation is the full trace of one evaluation, for a person debugging a
// flag: each condition set in order, each filter with the value it saw, the
// rollout and variant buckets, the dependencies followed and the holdout
// check. [Explanation.String] renders it as text.
type Explanation struct {
	// Result is the answer, as Evaluate gives it.
	Result Result
	// Override is true when an override decided the result; Flag is then
	// nil.
	Override bool
	// Flag is the trace of the flag's evaluation; nil when the flag was not
	// evaluated (not found, not ready, filtered out or overridden).
	Flag *FlagTrace

	red *redactor // for String
}

// FlagTrace traces one flag: the flag asked for, or a dependency.
type FlagTrace struct {
	Key string
	// Notes are the steps before the conditions: an inactive flag, a group
	// the user lacks, the id that was hashed...
	Notes []string
	// Bucketing is the id rollouts and variants hash: the distinct id, the
	// device id, or a group key.
	Bucketing string
	// Holdout is the holdout check, if the flag has a holdout.
	Holdout *HoldoutTrace
	// Conditions are the condition sets evaluated, in order.
	Conditions []ConditionTrace
	// Value is the value the flag took ("true", "false", a variant), or ""
	// when it was undecided; Cause says why it was undecided.
	Value string
	Cause string
}

// HoldoutTrace is an experiment holdout check.
type HoldoutTrace struct {
	Variant    string  // "holdout-<id>"
	Percentage float64 // the exclusion percentage
	Bucket     float64 // the user's holdout hash, in [0, 1]
	Held       bool
}

// ConditionTrace is one condition set.
type ConditionTrace struct {
	Index int
	// Skipped says why the condition was not evaluated (a group condition
	// for a group the user lacks).
	Skipped string
	Filters []FilterTrace
	Rollout *RolloutTrace
	// Variant is how the value was chosen, when the condition matched a
	// multivariate flag.
	Variant *VariantTrace
	// Outcome is "matched", "no match", "out of rollout" or "undecided".
	Outcome string
	Cause   string
}

// FilterOutcome is how a filter came out.
type FilterOutcome uint8

// The outcomes of a filter.
const (
	FilterFail FilterOutcome = iota
	FilterPass
	FilterUndecided
)

// String returns "pass", "fail" or "undecided".
func (o FilterOutcome) String() string {
	switch o {
	case FilterPass:
		return "pass"
	case FilterFail:
		return "fail"
	}
	return "undecided"
}

// FilterTrace is one filter of a condition or a cohort.
type FilterTrace struct {
	// Type is "person", "group", "cohort", "flag", or "AND"/"OR" for a
	// nested group of a cohort.
	Type     string
	Key      string
	Operator string
	// Expected is the filter's value.
	Expected any
	// Actual is the property value seen; Present is false when the
	// context did not have the property.
	Actual  any
	Present bool
	Outcome FilterOutcome
	Cause   string
	// Negated marks a cohort filter whose result is inverted (negation).
	Negated bool
	// Cached marks a cohort already decided earlier in this evaluation:
	// its filters are traced there, not here.
	Cached bool
	// Children are the filters of a cohort, or of a nested group.
	Children []FilterTrace
	// Dependencies are the flags evaluated for a flag filter, in chain
	// order. A flag already evaluated in this evaluation appears once.
	Dependencies []*FlagTrace
}

// RolloutTrace is a rollout check.
type RolloutTrace struct {
	Percentage float64
	Bucket     float64 // the user's rollout hash, in [0, 1]
	In         bool    // Bucket <= Percentage/100
}

// VariantTrace is how a matched condition chose its variant.
type VariantTrace struct {
	// Override is true when the condition's variant override named a real
	// variant; Bucket and the range are then not used.
	Override bool
	Bucket   float64 // the user's variant hash, in [0, 1]
	Key      string  // the variant served, "" for none (then the value is true)
	Min, Max float64 // the range [Min, Max) that holds Bucket
}

// Explain evaluates one flag like Evaluate and returns the trace of every
// step. It allocates freely; Evaluate does not pay for it.
func (c *Client) Explain(ctx context.Context, key string, user User) Explanation {
	s, f, set := c.find(key)
	if f == nil {
		return Explanation{Result: unevaluated(key, s, set), Override: set != nil}
	}
	ev := newEvaluator(s, &user, c.cfg.now)
	ev.tr = &tracer{red: s.red}
	r := ev.result(f, true)
	return Explanation{Result: r, Flag: ev.tr.root, red: s.red}
}

// tracer builds an Explanation while the evaluator runs. The evaluator
// calls it only when it is set, so evaluation without it pays one nil check
// per step.
type tracer struct {
	root    *FlagTrace
	flags   []*FlagTrace   // flags being evaluated, innermost last
	filters []*FilterTrace // filters being evaluated, innermost last
	// bases[i] is len(filters) when flags[i] began: filters above it
	// belong to that flag.
	bases []int
	red   *redactor // for the causes recorded
}

func (t *tracer) flag() *FlagTrace { return t.flags[len(t.flags)-1] }

func (t *tracer) condition() *ConditionTrace {
	f := t.flag()
	return &f.Conditions[len(f.Conditions)-1]
}

func (t *tracer) beginFlag(f *flag) {
	ft := &FlagTrace{Key: f.key}
	switch {
	case t.root == nil:
		t.root = ft
	case len(t.filters) > 0:
		parent := t.filters[len(t.filters)-1]
		parent.Dependencies = append(parent.Dependencies, ft)
	}
	t.flags = append(t.flags, ft)
	t.bases = append(t.bases, len(t.filters))
}

func (t *tracer) endFlag(f *flag, a answer) {
	ft := t.flag()
	switch {
	case a.failed():
		ft.Cause = t.red.string(a.fail.cause.cause)
	case f.variantKey(a.value) != "":
		ft.Value = f.variantKey(a.value)
	default:
		ft.Value = fmt.Sprint(a.on)
	}
	if !a.failed() {
		switch a.reason {
		case ReasonDisabled:
			ft.Notes = append(ft.Notes, "the flag is inactive or deleted, so it is false")
		case ReasonNoGroup:
			ft.Notes = append(ft.Notes, "the user has no group of the flag's type, so it is false")
		}
	}
	t.flags = t.flags[:len(t.flags)-1]
	t.bases = t.bases[:len(t.bases)-1]
}

func (t *tracer) note(format string, args ...any) {
	ft := t.flag()
	ft.Notes = append(ft.Notes, fmt.Sprintf(format, args...))
}

func (t *tracer) bucketing(id string) { t.flag().Bucketing = id }

func (t *tracer) holdout(h *holdout, id string, held bool) {
	t.flag().Holdout = &HoldoutTrace{Variant: h.variant, Percentage: h.threshold * 100, Bucket: bucket(holdoutPrefix, id, ""), Held: held}
}

func (t *tracer) beginCondition(i int) {
	f := t.flag()
	f.Conditions = append(f.Conditions, ConditionTrace{Index: i})
}

func (t *tracer) skipCondition(why string) {
	c := t.condition()
	c.Skipped, c.Outcome = why, "skipped"
}

func (t *tracer) endCondition(res condResult, v verdict) {
	c := t.condition()
	switch res {
	case condMatch:
		c.Outcome = "matched"
	case condNoMatch:
		c.Outcome = "no match"
	case condOutOfRollout:
		c.Outcome = "out of rollout"
	default:
		c.Outcome = "undecided"
		if v.cause != nil {
			c.Cause = t.red.string(v.cause.cause)
		}
	}
}

func (t *tracer) rollout(c *condition, hashKey, id string, in bool) {
	t.condition().Rollout = &RolloutTrace{Percentage: c.threshold * 100, Bucket: bucket(hashKey, id, saltRollout), In: in}
}

func (t *tracer) served(f *flag, c *condition, id string, v value) {
	ct := t.condition()
	if c.override >= 0 {
		ct.Variant = &VariantTrace{Override: true, Key: f.variantKey(v)}
		return
	}
	if len(f.variants) == 0 {
		return
	}
	vt := &VariantTrace{Bucket: bucket(f.hashKey, id, saltVariant), Key: f.variantKey(v)}
	for _, x := range f.variants {
		if vt.Bucket >= x.min && vt.Bucket < x.max {
			vt.Min, vt.Max = x.min, x.max
			break
		}
	}
	ct.Variant = vt
}

// beginFilter opens the trace of a filter, under the filter being traced
// (a cohort) or the current condition.
func (t *tracer) beginFilter(f *filter, props *propsView) *FilterTrace {
	ft := FilterTrace{Key: f.key, Operator: f.opName, Expected: traceValue(f.value), Negated: f.negation}
	switch f.typ {
	case filterCohort:
		ft.Type, ft.Key = "cohort", jsString(f.value)
		if f.notIn {
			ft.Operator = "not_in"
		} else {
			ft.Operator = "in"
		}
	case filterFlag:
		ft.Type = "flag"
		ft.Operator = "flag_evaluates_to"
	default:
		ft.Type = "property"
		if pv, ok := props.get(f.key); ok {
			ft.Present, ft.Actual = true, traceScalar(pv)
		}
	}
	return t.push(ft)
}

// beginGroup opens the trace of a nested group of a cohort.
func (t *tracer) beginGroup(g *propertyGroup) *FilterTrace {
	ft := FilterTrace{Type: "OR"}
	if g.kind == groupAnd {
		ft.Type = "AND"
	}
	return t.push(ft)
}

func (t *tracer) push(ft FilterTrace) *FilterTrace {
	var list *[]FilterTrace
	if n := len(t.filters); n > t.bases[len(t.bases)-1] {
		list = &t.filters[n-1].Children
	} else {
		c := t.condition()
		list = &c.Filters
	}
	*list = append(*list, ft)
	p := &(*list)[len(*list)-1]
	t.filters = append(t.filters, p)
	return p
}

// endFilter records a filter's verdict, before any negation.
func (t *tracer) endFilter(v verdict) {
	ft := t.filters[len(t.filters)-1]
	switch v.out {
	case outTrue:
		ft.Outcome = FilterPass
	case outFalse:
		ft.Outcome = FilterFail
	default:
		ft.Outcome = FilterUndecided
		if v.cause != nil {
			ft.Cause = t.red.string(v.cause.cause)
		}
	}
	t.filters = t.filters[:len(t.filters)-1]
}

// cachedCohort notes that the cohort being traced was decided before.
func (t *tracer) cachedCohort() {
	if n := len(t.filters); n > 0 {
		t.filters[n-1].Cached = true
	}
}

// cached notes a dependency that was already evaluated. The variant is
// copied: it comes from the evaluator's own memory, and keeping a reference
// to it would make escape analysis move every evaluator to the heap.
func (t *tracer) cached(dep *flag, on bool, variant string) {
	if len(t.filters) == 0 {
		return
	}
	ft := &FlagTrace{Key: dep.key, Notes: []string{"already evaluated"}, Value: fmt.Sprint(on)}
	if variant != "" {
		ft.Value = strings.Clone(variant)
	}
	parent := t.filters[len(t.filters)-1]
	parent.Dependencies = append(parent.Dependencies, ft)
}

// traceValue makes a filter value printable: undefined becomes nil.
func traceValue(v any) any {
	if _, ok := v.(undefined); ok {
		return nil
	}
	return v
}

func traceScalar(s scalar) any {
	switch s.kind {
	case kindNull:
		return nil
	case kindBool:
		return s.b
	case kindNumber:
		return s.num
	case kindString:
		return s.str
	}
	return s.raw
}

// maxTraceText bounds the spelling of one value in Explanation.String.
const maxTraceText = 200

// traceText spells a filter's value, or the property value it saw, for
// Explanation.String: as JSON where the value has a JSON form, with NaN,
// Infinity, undefined and (Go type) markers where it has none, cut after
// maxTraceText bytes with an ellipsis. It walks no further than it writes,
// within the bounds of evaluation's walks, so any value the caller built
// prints quickly; encoding/json would recurse without end into a value
// that contains itself.
func traceText(v any) string {
	var w walk
	b, _ := w.appendTrace(nil, readValue(v), 0)
	return string(b)
}

// appendTrace appends the trace spelling of s; cut reports that it stopped
// early, with the ellipsis written.
func (w *walk) appendTrace(dst []byte, s scalar, depth int) (_ []byte, cut bool) {
	if len(dst) >= maxTraceText {
		return append(dst, "…"...), true
	}
	switch s.kind {
	case kindString:
		str := s.str
		if end := maxTraceText - len(dst); len(str) > end {
			for end > 0 && !utf8.RuneStart(str[end]) {
				end-- // keep a character whole
			}
			str, cut = str[:end], true
		}
		if utf8.ValidString(str) {
			dst = ecma.AppendQuote(dst, str)
		} else {
			dst = strconv.AppendQuote(dst, str)
		}
		if cut {
			dst = append(dst, "…"...)
		}
		return dst, cut
	case kindArray:
		var n int
		var elem func(i int) scalar
		switch a := s.raw.(type) {
		case []string:
			n, elem = len(a), func(i int) scalar { return scalar{kind: kindString, str: a[i]} }
		case []any:
			n, elem = len(a), func(i int) scalar { return readValue(a[i]) }
		}
		// Elements are counted as they are written, not all on entry as
		// evaluation does: a long list prints its start.
		if w.enter(depth, 0) != "" {
			return append(dst, "[…]"...), true
		}
		dst = append(dst, '[')
		for i := 0; i < n; i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			if w.enter(depth, 1) != "" {
				return append(dst, "…"...), true
			}
			if dst, cut = w.appendTrace(dst, elem(i), depth+1); cut {
				return dst, true
			}
		}
		return append(dst, ']'), false
	case kindObject:
		m := s.raw.(map[string]any)
		// Keys are sorted so that the text is stable, which needs them all;
		// a large map is summarized instead.
		if len(m) > maxTraceText || w.enter(depth, len(m)) != "" {
			return fmt.Appendf(dst, "{… %d keys}", len(m)), true
		}
		keys := slices.Sorted(maps.Keys(m))
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, cut = w.appendTrace(dst, scalar{kind: kindString, str: k}, depth+1); cut {
				return dst, true
			}
			dst = append(dst, ':')
			if dst, cut = w.appendTrace(dst, readValue(m[k]), depth+1); cut {
				return dst, true
			}
		}
		return append(dst, '}'), false
	case kindDate:
		dst = append(dst, '"')
		return append(appendISO(dst, s.raw.(time.Time)), '"'), false
	case kindUnsupported:
		return append(append(append(dst, '('), typeName(s.raw)...), ')'), false
	}
	// null, booleans, numbers (NaN and the infinities included) and
	// undefined are spelled as String(v) spells them.
	b, _ := appendString(dst, s)
	return b, false
}

// String renders the explanation as indented text, one step a line.
func (e Explanation) String() string {
	var b strings.Builder
	r := e.Result
	fmt.Fprintf(&b, "flag %q: %s (%s)", r.Key, valueText(r), r.Reason)
	if r.Condition >= 0 {
		fmt.Fprintf(&b, ", condition %d", r.Condition)
	}
	b.WriteByte('\n')
	if r.Err != nil {
		fmt.Fprintf(&b, "  error: %v\n", r.Err)
	}
	if r.Payload != nil {
		fmt.Fprintf(&b, "  payload: %s\n", r.Payload)
	}
	if e.Override {
		b.WriteString("  set by an override\n")
	}
	if e.Flag != nil {
		writeFlag(&b, e.Flag, "  ")
	}
	return e.red.string(b.String())
}

func valueText(r Result) string {
	if !r.Conclusive() {
		return "no value"
	}
	return fmt.Sprint(r.Value())
}

func writeFlag(b *strings.Builder, f *FlagTrace, in string) {
	for _, n := range f.Notes {
		fmt.Fprintf(b, "%s%s\n", in, n)
	}
	if f.Bucketing != "" {
		fmt.Fprintf(b, "%sbucketing id: %s\n", in, quoted(f.Bucketing))
	}
	if h := f.Holdout; h != nil {
		verb := "not held out"
		if h.Held {
			verb = "held out: serves " + h.Variant
		}
		fmt.Fprintf(b, "%sholdout %s: bucket %.6f vs %g%%: %s\n", in, h.Variant, h.Bucket, h.Percentage, verb)
	}
	for _, c := range f.Conditions {
		fmt.Fprintf(b, "%scondition %d: %s", in, c.Index, c.Outcome)
		if c.Skipped != "" {
			fmt.Fprintf(b, " (%s)", c.Skipped)
		}
		if c.Cause != "" {
			fmt.Fprintf(b, ": %s", c.Cause)
		}
		b.WriteByte('\n')
		for i := range c.Filters {
			writeFilter(b, &c.Filters[i], in+"  ")
		}
		if r := c.Rollout; r != nil {
			verb := "out"
			if r.In {
				verb = "in"
			}
			fmt.Fprintf(b, "%s  rollout %g%%: bucket %.6f: %s\n", in, r.Percentage, r.Bucket, verb)
		}
		if v := c.Variant; v != nil {
			switch {
			case v.Override:
				fmt.Fprintf(b, "%s  variant override: %s\n", in, v.Key)
			case v.Key == "":
				fmt.Fprintf(b, "%s  variant bucket %.6f is in no variant's range: true\n", in, v.Bucket)
			default:
				fmt.Fprintf(b, "%s  variant bucket %.6f in [%.6f, %.6f): %s\n", in, v.Bucket, v.Min, v.Max, v.Key)
			}
		}
	}
	switch {
	case f.Cause != "":
		fmt.Fprintf(b, "%sundecided: %s\n", in, f.Cause)
	case f.Value != "":
		fmt.Fprintf(b, "%svalue: %s\n", in, f.Value)
	}
}

func writeFilter(b *strings.Builder, f *FilterTrace, in string) {
	outcome := f.Outcome.String()
	if f.Negated && f.Outcome != FilterUndecided {
		outcome += ", negated: " + (f.Outcome ^ 1).String()
	}
	switch f.Type {
	case "AND", "OR":
		fmt.Fprintf(b, "%s%s group: %s\n", in, f.Type, outcome)
	case "cohort":
		cached := ""
		if f.Cached {
			cached = " (decided earlier)"
		}
		fmt.Fprintf(b, "%scohort %s (%s): %s%s\n", in, f.Key, f.Operator, outcome, cached)
	case "flag":
		fmt.Fprintf(b, "%sflag %q evaluates to %s: %s\n", in, f.Key, traceText(f.Expected), outcome)
	default:
		seen := "missing"
		if f.Present {
			seen = traceText(f.Actual)
		}
		fmt.Fprintf(b, "%s%s %s %s: saw %s: %s\n", in, f.Key, f.Operator, traceText(f.Expected), seen, outcome)
	}
	if f.Cause != "" {
		fmt.Fprintf(b, "%s  because %s\n", in, f.Cause)
	}
	for _, d := range f.Dependencies {
		fmt.Fprintf(b, "%s  dependency %q:\n", in, d.Key)
		writeFlag(b, d, in+"    ")
	}
	for i := range f.Children {
		writeFilter(b, &f.Children[i], in+"  ")
	}
}
