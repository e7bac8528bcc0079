package flags

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/localflags/flags/internal/ecma"
)

// This file decides single property filters and cohorts. Each filter is
// compiled once, at load time, into the form its operator needs (a lowercase
// set, a compiled regex, a parsed version or date), so that deciding it reads
// the user's value and compares, without parsing the filter again.
//
// The rules are posthog-node 5.74.0's. The ones that most often surprise:
//
//   - A property absent from the context is inconclusive for every operator,
//     is_not_set included; a property present with a null value is set, and
//     is false for every operator that does not compare strings.
//   - exact and is_not compare lowercased JSON spellings and cannot spell an
//     integral number (5 and 5.0 are the same JavaScript number), so those
//     are inconclusive; boolean-like filter values compare truthiness unless
//     the document's property_matching_version is 2.
//   - icontains and its relatives fold ASCII letters only.
//   - gt and its relatives compare numbers when both sides parse as numbers
//     (JavaScript parseFloat), and strings otherwise.

// operator is a compiled filter operator.
type operator uint8

const (
	opUnknown operator = iota
	opExact
	opIsNot
	opIsSet
	opIsNotSet
	opIContains
	opNotIContains
	opStartsWith
	opNotStartsWith
	opEndsWith
	opNotEndsWith
	opRegex
	opNotRegex
	opGT
	opGTE
	opLT
	opLTE
	opDateBefore
	opDateAfter
	opSemverEQ
	opSemverNEQ
	opSemverGT
	opSemverGTE
	opSemverLT
	opSemverLTE
	opSemverTilde
	opSemverCaret
	opSemverWildcard
)

var operatorByName = map[string]operator{
	"exact":           opExact,
	"is_not":          opIsNot,
	"is_set":          opIsSet,
	"is_not_set":      opIsNotSet,
	"icontains":       opIContains,
	"not_icontains":   opNotIContains,
	"starts_with":     opStartsWith,
	"not_starts_with": opNotStartsWith,
	"ends_with":       opEndsWith,
	"not_ends_with":   opNotEndsWith,
	"regex":           opRegex,
	"not_regex":       opNotRegex,
	"gt":              opGT,
	"gte":             opGTE,
	"lt":              opLT,
	"lte":             opLTE,
	"is_date_before":  opDateBefore,
	"is_date_after":   opDateAfter,
	"semver_eq":       opSemverEQ,
	"semver_neq":      opSemverNEQ,
	"semver_gt":       opSemverGT,
	"semver_gte":      opSemverGTE,
	"semver_lt":       opSemverLT,
	"semver_lte":      opSemverLTE,
	"semver_tilde":    opSemverTilde,
	"semver_caret":    opSemverCaret,
	"semver_wildcard": opSemverWildcard,
}

// nullCompares reports whether the operator compares a null property value
// as the string "null" rather than answering false.
func (op operator) nullCompares() bool {
	switch op {
	case opExact, opIsNot, opIContains, opNotIContains, opStartsWith, opNotStartsWith,
		opEndsWith, opNotEndsWith, opRegex, opNotRegex:
		return true
	}
	return false
}

// outcome is how a filter, condition or flag was decided. Besides true and
// false, posthog-node has three ways of not deciding, and they propagate
// differently, so they are kept apart.
type outcome uint8

const (
	outFalse outcome = iota
	outTrue
	// outInconclusive: this part cannot be decided; later conditions still
	// may decide the flag.
	outInconclusive
	// outServer: data only the server has (a static cohort); the whole flag
	// falls back at once.
	outServer
	// outFatal: the definition cannot be evaluated at all (a cohort that
	// includes itself); the flag stops here.
	outFatal
)

// verdict is the answer for a filter, a cohort group or a condition. regex
// carries posthog-node's mark for an undecided regex, which forbids a later
// condition from choosing a different value.
type verdict struct {
	out   outcome
	regex bool
	cause *inconclusiveError
}

// addUndecided records the undecided verdict v in p, which holds the first
// one seen (vFalse until then): the first keeps its cause, and the regex
// mark stays if any carried it.
func (p *verdict) addUndecided(v verdict) {
	if p.out == outFalse {
		*p = verdict{out: outInconclusive, regex: v.regex, cause: v.cause}
		return
	}
	p.regex = p.regex || v.regex
}

var (
	vTrue  = verdict{out: outTrue}
	vFalse = verdict{out: outFalse}
)

func boolVerdict(b bool) verdict {
	if b {
		return vTrue
	}
	return vFalse
}

func undecided(cause *inconclusiveError) verdict {
	return verdict{out: outInconclusive, cause: cause}
}

// not negates a decided verdict and passes the others through.
func (v verdict) not() verdict {
	if v.out <= outTrue {
		v.out ^= 1
	}
	return v
}

// filterType says what a filter reads.
type filterType uint8

const (
	filterProperty filterType = iota
	filterCohort
	filterFlag
)

// filter is one compiled property filter of a condition or a cohort.
type filter struct {
	typ      filterType
	op       operator
	negation bool  // cohort leaves only: invert the result
	notIn    bool  // cohort filters only: the operator is not_in
	keyID    int32 // property filters: the key's number, for propCache
	key      string
	opName   string
	value    any // the filter value, canonical, kept for explanations

	// bad is set when the filter value cannot be used with its operator (an
	// unknown operator, a version or date that does not parse): the filter
	// is inconclusive whenever it is reached with a non-null value.
	bad *inconclusiveError
	// missing is the cause reported when the property is absent.
	missing *inconclusiveError
	// unportable is the cause reported when a regex filter's subject holds
	// what posthog-node leaves to the server.
	unportable *inconclusiveError

	exact  *exactTarget
	folded string  // ASCII-lowercased String(value): the contains family
	text   string  // String(value): the string side of gt and friends
	num    float64 // the numeric side of gt and friends; NaN if none
	re     *ecma.Regexp
	date   dateTarget
	ver    version
	vrange versionRange

	cohort int32 // index into Snapshot.cohorts; -1 for a cohort not shipped
	// fatal is set for a cohort filter that reaches a cohort cycle or nests
	// too deep (see graph.go): deciding it aborts the flag.
	fatal *inconclusiveError
	dep   *dependency
}

// exactTarget is the compiled value of an exact or is_not filter.
type exactTarget struct {
	// truthy: compare truthiness, wanting want. posthog-node does this for a
	// boolean-like value ("true", false, or a list of them) unless
	// property_matching_version is 2, and always for an empty list.
	truthy bool
	want   bool
	// boolish: the value is boolean-like. Under version 2 a number never
	// equals it.
	boolish bool
	// list: the value is a list. The lowercased spellings of its items, up
	// to the first item that cannot be spelled (posthog-node compares items
	// in order and stops with an error there), are in few when there are at
	// most maxFew of them (comparing a handful of short strings beats
	// hashing), and in set otherwise.
	list bool
	few  []string
	set  map[string]struct{}
	// scalar is the lowercased spelling of a single value.
	scalar string
	// unspellable is the cause when the value (or the first bad item) has no
	// spelling.
	unspellable *inconclusiveError
}

// undecidable reports whether the exact value is undecided for every
// property value: a value, or a list's first item, that exact cannot spell
// (an integer, say), before any item a property could equal.
func (t *exactTarget) undecidable() bool {
	return !t.truthy && t.unspellable != nil && (!t.list || (len(t.few) == 0 && t.set == nil))
}

// dateTarget is the compiled value of a date filter.
type dateTarget struct {
	relative bool
	n        int
	unit     byte
	ms       int64
}

// propsView is a property map as filters see it: the caller's map plus the
// values posthog-node injects (distinct_id, $device_id, $group_key), which
// apply only where the caller set no value of their own.
type propsView struct {
	// slot names the property set for remembering cohort verdicts: 0 for
	// the person, then one per group type.
	slot       int32
	m          map[string]any
	injectKey1 string
	injectVal1 string
	injectKey2 string
	injectVal2 string
}

func (p *propsView) get(key string) (scalar, bool) {
	if v, ok := p.m[key]; ok {
		if s, ok := v.(string); ok { // most values; skips the type switch
			return scalar{kind: kindString, str: s}, true
		}
		return readValue(v), true
	}
	if p.injectKey1 != "" && key == p.injectKey1 {
		return scalar{kind: kindString, str: p.injectVal1}, true
	}
	if p.injectKey2 != "" && key == p.injectKey2 {
		return scalar{kind: kindString, str: p.injectVal2}, true
	}
	return scalar{}, false
}

// propCache remembers the property values read during a bulk evaluation,
// where hundreds of flags read the same few keys: entry view*keys+keyID.
type propCache struct {
	keys    int32
	entries []propEntry
}

type propEntry struct {
	pv    scalar
	state uint8 // 0 not read yet, 1 present, 2 absent
}

func (c *propCache) get(f *filter, props *propsView) (scalar, bool) {
	e := &c.entries[props.slot*c.keys+f.keyID]
	switch e.state {
	case 1:
		return e.pv, true
	case 2:
		return scalar{}, false
	}
	pv, ok := props.get(f.key)
	e.pv, e.state = pv, 2
	if ok {
		e.state = 1
	}
	return pv, ok
}

func personView(u *User) propsView {
	p := propsView{m: u.Properties, injectKey1: "distinct_id", injectVal1: u.DistinctID}
	if u.DeviceID != "" {
		p.injectKey2, p.injectVal2 = "$device_id", u.DeviceID
	}
	return p
}

func groupView(g *Group, slot int32) propsView {
	return propsView{slot: slot, m: g.Properties, injectKey1: "$group_key", injectVal1: g.Key}
}

// property decides a person or group property filter against props.
func (ev *evaluator) property(f *filter, props *propsView) verdict {
	var pv scalar
	var present bool
	if ev.props != nil {
		pv, present = ev.props.get(f, props)
	} else {
		pv, present = props.get(f.key)
	}
	if !present {
		if f.bad != nil {
			return undecided(f.bad)
		}
		return undecided(f.missing)
	}
	switch {
	case f.op == opIsSet:
		return vTrue
	case f.op == opIsNotSet:
		return vFalse
	case pv.kind == kindNull && !f.op.nullCompares():
		return vFalse
	case f.bad != nil:
		// A regex outside the portable subset carries posthog-node's regex
		// mark; only a missing property (above) does not.
		return verdict{out: outInconclusive, regex: f.op == opRegex || f.op == opNotRegex, cause: f.bad}
	case pv.kind == kindUnsupported:
		return undecided(unsupportedType(f.key, pv.raw))
	}
	switch f.op {
	case opExact:
		return exactMatch(f, pv, ev.s.pmv2)
	case opIsNot:
		return exactMatch(f, pv, ev.s.pmv2).not()
	case opIContains, opNotIContains, opStartsWith, opNotStartsWith, opEndsWith, opNotEndsWith:
		return textMatch(f, pv)
	case opRegex, opNotRegex:
		return regexMatch(f, pv)
	case opGT, opGTE, opLT, opLTE:
		return orderMatch(f, pv)
	case opDateBefore, opDateAfter:
		return ev.dateMatch(f, pv)
	default:
		return versionMatch(f, pv)
	}
}

// exactMatch decides exact (is_not is its negation).
func exactMatch(f *filter, pv scalar, pmv2 bool) verdict {
	t := f.exact
	if t.truthy {
		if why := representable(pv); why != "" {
			return undecided(propertyCause(f.key, "holds ", why, ", which has no JSON spelling"))
		}
		return boolVerdict(truthy(pv) == t.want)
	}
	if pmv2 && t.boolish && pv.kind == kindNumber {
		if math.IsNaN(pv.num) || math.IsInf(pv.num, 0) {
			return undecided(propertyCause(f.key, "is a non-finite number"))
		}
		return vFalse
	}
	if !t.list && t.unspellable != nil {
		return undecided(t.unspellable)
	}
	var buf [128]byte
	actual, why := spell(pv, buf[:])
	if why != "" {
		if pv.kind == kindNumber && isFinite(pv.num) {
			return undecided(propertyCause(f.key, "holds ", why, ", which exact cannot compare; pass the number as a string, such as \"",
				ecma.FormatNumber(pv.num), "\", to compare its digits"))
		}
		return undecided(propertyCause(f.key, "holds ", why, ", which exact cannot compare"))
	}
	if !t.list {
		return boolVerdict(ecma.EqualLower(actual, t.scalar))
	}
	if t.set != nil {
		if hasLower(t.set, actual) {
			return vTrue
		}
	} else {
		for _, w := range t.few {
			if ecma.EqualLower(actual, w) {
				return vTrue
			}
		}
	}
	if t.unspellable != nil {
		return undecided(t.unspellable)
	}
	return vFalse
}

// hasLower reports whether the lowercase form of s is in set, without
// allocating when s is short ASCII.
func hasLower(set map[string]struct{}, s string) bool {
	var buf [64]byte
	if len(s) <= len(buf) {
		ascii := true
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		if ascii {
			_, ok := set[string(buf[:len(s)])]
			return ok
		}
	}
	_, ok := set[ecma.ToLower(s)]
	return ok
}

// spell returns the string exact compares for a property value: a string
// (or a date's ISO spelling) as it is, anything else as JSON written into
// buf. why is non-empty when the value has no spelling. The result may
// alias buf.
func spell(pv scalar, buf []byte) (s string, why string) {
	switch pv.kind {
	case kindString:
		if !utf8.ValidString(pv.str) {
			return "", "a string that is not valid UTF-8"
		}
		return pv.str, ""
	case kindDate:
		return bytesString(appendISO(buf[:0], pv.raw.(time.Time))), ""
	}
	b, why := appendJSON(buf[:0], pv)
	return bytesString(b), why
}

// boolishValue is posthog-core's isTruthyOrFalsyPropertyValue.
func boolishValue(v any) bool {
	switch x := v.(type) {
	case bool:
		return true
	case string:
		return ecma.EqualLower(x, "true") || ecma.EqualLower(x, "false")
	case []any:
		for _, e := range x {
			if !boolishValue(e) {
				return false
			}
		}
		return true
	}
	return false
}

// textMatch decides the contains, starts-with and ends-with operators and
// their negations, which fold ASCII letters only.
func textMatch(f *filter, pv scalar) verdict {
	var buf [128]byte
	s, why := scalarString(pv, buf[:])
	if why != "" {
		return undecided(valueCause(f.key, why))
	}
	var r bool
	switch f.op {
	case opIContains, opNotIContains:
		r = ecma.ContainsASCIIFold(s, f.folded)
	case opStartsWith, opNotStartsWith:
		r = ecma.HasPrefixASCIIFold(s, f.folded)
	default:
		r = ecma.HasSuffixASCIIFold(s, f.folded)
	}
	switch f.op {
	case opNotIContains, opNotStartsWith, opNotEndsWith:
		r = !r
	}
	return boolVerdict(r)
}

// regexMatch decides regex and not_regex.
func regexMatch(f *filter, pv scalar) verdict {
	if f.re.Status() == ecma.RegexpInvalid {
		return vFalse // a pattern JavaScript rejects matches nothing, either way
	}
	var matched, portable bool
	if pv.kind == kindString {
		matched, portable = f.re.Match(pv.str)
	} else {
		// String(v) for any other value is written into buf. Match lets its
		// subject escape (Go's regexp keeps it in a pooled matcher), so buf
		// is handed only to a DFA, and copied for the regexp package.
		var buf [64]byte
		s, why := scalarString(pv, buf[:])
		if why != "" {
			return undecided(valueCause(f.key, why))
		}
		var done bool
		if matched, portable, done = f.re.MatchDFA(s); !done {
			matched, portable = f.re.Match(strings.Clone(s))
		}
	}
	if !portable {
		return verdict{out: outInconclusive, regex: true, cause: f.unportable}
	}
	return boolVerdict(matched == (f.op == opRegex))
}

// orderMatch decides gt, gte, lt and lte: numerically when both sides parse
// as numbers, otherwise by comparing strings as JavaScript does.
func orderMatch(f *filter, pv scalar) verdict {
	var buf [128]byte
	var s string
	num := pv.num
	if pv.kind != kindNumber {
		var why string
		if s, why = scalarString(pv, buf[:]); why != "" {
			return undecided(valueCause(f.key, why))
		}
		num = ecma.ParseFloat(s)
	}
	if isFinite(num) && isFinite(f.num) {
		return boolVerdict(compareOrder(f.op, cmpFloat(num, f.num)))
	}
	if pv.kind == kindNumber {
		s = bytesString(ecma.AppendNumber(buf[:0], pv.num))
	}
	return boolVerdict(compareOrder(f.op, ecma.CompareUTF16(s, f.text)))
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareOrder(op operator, c int) bool {
	switch op {
	case opGT:
		return c > 0
	case opGTE:
		return c >= 0
	case opLT:
		return c < 0
	}
	return c <= 0
}

// dateMatch decides is_date_before and is_date_after, strictly (< and >), at
// millisecond precision.
func (ev *evaluator) dateMatch(f *filter, pv scalar) verdict {
	want := f.date.ms
	if f.date.relative {
		want = ecma.RelativeDate(ev.nowMs(), f.date.n, f.date.unit)
	}
	var got int64
	switch pv.kind {
	case kindDate:
		got = pv.raw.(time.Time).UnixMilli()
	case kindString:
		ms, ok := ecma.ParseDate(pv.str)
		if !ok {
			return undecided(propertyValueCause(f.key, "is not a date posthog-node can read: ", pv.str, ""))
		}
		got = ms
	case kindNumber:
		ms, ok := ecma.TimeClip(pv.num)
		if !ok {
			return undecided(propertyCause(f.key, "is a number outside the range of dates"))
		}
		got = ms
	default:
		return undecided(propertyCause(f.key, "must be a date string, a number or a time.Time"))
	}
	if want == math.MinInt64 {
		// A relative date out of range is an Invalid Date in JavaScript, and
		// every comparison with it is false.
		return vFalse
	}
	if f.op == opDateBefore {
		return boolVerdict(got < want)
	}
	return boolVerdict(got > want)
}

// versionMatch decides the semver operators.
func versionMatch(f *filter, pv scalar) verdict {
	var buf [128]byte
	s, why := scalarString(pv, buf[:])
	if why != "" {
		return undecided(valueCause(f.key, why))
	}
	v, ok := parseVersion(s)
	if !ok {
		return undecided(propertyValueCause(f.key, "is not a version: ", s, ""))
	}
	switch f.op {
	case opSemverTilde, opSemverCaret, opSemverWildcard:
		return boolVerdict(f.vrange.contains(v))
	}
	c := v.compare(f.ver)
	var r bool
	switch f.op {
	case opSemverEQ:
		r = c == 0
	case opSemverNEQ:
		r = c != 0
	case opSemverGT:
		r = c > 0
	case opSemverGTE:
		r = c >= 0
	case opSemverLT:
		r = c < 0
	case opSemverLTE:
		r = c <= 0
	}
	return boolVerdict(r)
}

// groupKind is the shape of a cohort's property group.
type groupKind uint8

const (
	groupAnd groupKind = iota
	groupOr
	// groupEmpty is {}: it matches everything.
	groupEmpty
	// groupUnsupported has a type other than AND and OR: posthog-node leaves
	// it to the server.
	groupUnsupported
)

// propertyGroup is a compiled cohort definition or one of its nested groups.
// posthog-node decides by the first entry whether the entries are groups or
// leaf filters, and treats all of them alike.
type propertyGroup struct {
	kind   groupKind
	groups []propertyGroup
	leaves []filter
	why    *inconclusiveError // groupUnsupported
}

// cohort is a compiled cohort definition.
type cohort struct {
	id   string
	root propertyGroup
	loop *inconclusiveError // reported when the cohort includes itself
}

// maxNesting bounds how deeply cohorts may include cohorts (and groups nest
// within one cohort), and how long a dependency chain may be. See graph.go.
const maxNesting = 64

// cohortFilter decides a flag condition's (or a cohort's) cohort filter. A
// cohort's verdict for a property set is remembered for the rest of the
// evaluation: it cannot change, and a document may use one cohort from many
// places (or include it twice at every level, which would otherwise cost
// time exponential in the nesting).
func (ev *evaluator) cohortFilter(f *filter, props *propsView) verdict {
	switch {
	case f.cohort < 0:
		return verdict{out: outServer, cause: f.bad}
	case f.fatal != nil:
		return verdict{out: outFatal, cause: f.fatal}
	}
	key := cohortKey{cohort: f.cohort, slot: props.slot}
	var v verdict
	if s, ok := ev.cohortMemo.get(key); ok {
		v = ev.load(s).fail
		if ev.tr != nil {
			ev.tr.cachedCohort()
		}
	} else {
		v = ev.group(&ev.s.cohorts[f.cohort].root, props)
		ev.cohortMemo.put(key, ev.store(answer{fail: v}))
	}
	if f.notIn {
		v = v.not()
	}
	return v
}

// group decides a property group. An undecided entry is remembered and the
// loop goes on, because a later entry may still decide the group; data only
// the server has stops it at once.
func (ev *evaluator) group(g *propertyGroup, props *propsView) verdict {
	switch g.kind {
	case groupEmpty:
		return vTrue
	case groupUnsupported:
		return verdict{out: outServer, cause: g.why}
	}
	and := g.kind == groupAnd
	var pending verdict
	decide := func(v verdict) (verdict, bool) {
		switch v.out {
		case outTrue, outFalse:
			if (v.out == outTrue) != and {
				return v, true // AND meets a false, or OR meets a true
			}
		case outInconclusive:
			pending.addUndecided(v)
		default:
			return v, true
		}
		return verdict{}, false
	}
	for i := range g.groups {
		sub := &g.groups[i]
		if ev.tr != nil {
			ev.tr.beginGroup(sub)
		}
		v := ev.group(sub, props)
		if ev.tr != nil {
			ev.tr.endFilter(v)
		}
		if v, done := decide(v); done {
			return v
		}
	}
	for i := range g.leaves {
		l := &g.leaves[i]
		v := ev.filter(l, props)
		if l.negation {
			v = v.not()
		}
		if v, done := decide(v); done {
			return v
		}
	}
	if pending.out == outInconclusive {
		return pending
	}
	return boolVerdict(and)
}

// filter decides any filter of a condition or a cohort.
func (ev *evaluator) filter(f *filter, props *propsView) verdict {
	if ev.tr != nil {
		ev.tr.beginFilter(f, props)
		v := ev.decide(f, props)
		ev.tr.endFilter(v)
		return v
	}
	return ev.decide(f, props)
}

func (ev *evaluator) decide(f *filter, props *propsView) verdict {
	switch f.typ {
	case filterCohort:
		return ev.cohortFilter(f, props)
	case filterFlag:
		return ev.dependency(f)
	}
	return ev.property(f, props)
}
