package flagstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/localflags/flags"
)

// maxGroupTypes is the number of group types a PostHog project can have.
const maxGroupTypes = 5

// Fixture builds a PostHog flag definitions document. Create one with
// [NewFixture] (the zero value is also ready to use), describe flags with its
// methods, which return the Fixture so that calls chain, and write the
// document with [Fixture.JSON] or [Fixture.Build].
type Fixture struct {
	flags      []*flagDef
	byKey      map[string]*flagDef
	groupTypes []string // group type names, by group type index
	cohorts    []*cohortDef
	byCohort   map[string]*cohortDef
	errs       []error
}

type flagDef struct {
	id         int
	key        string
	conds      []Cond
	variants   []Variant // nil: not multivariate
	payloads   map[string]string
	group      string // aggregation group type; "" for a person flag
	inactive   bool
	continuity bool
	device     bool
	holdout    *holdoutDef
	runtime    string
	contexts   []string
}

// serves reports whether the flag can evaluate to the variant v: one of its
// variants, or its holdout's.
func (d *flagDef) serves(v string) bool {
	if d.holdout != nil && v == "holdout-"+strconv.Itoa(d.holdout.id) {
		return true
	}
	return d.hasVariant(v)
}

// hasVariant reports whether v is one of the flag's variants (its holdout's
// variant is not).
func (d *flagDef) hasVariant(v string) bool {
	return slices.ContainsFunc(d.variants, func(x Variant) bool { return x.Key == v })
}

type holdoutDef struct {
	id      int
	percent float64
}

type cohortDef struct {
	id      int
	name    string
	defined bool
	static  bool
	groups  [][]Filter // ORed; the filters of each are ANDed
}

// NewFixture returns an empty Fixture.
func NewFixture() *Fixture { return &Fixture{} }

// Clone returns an independent copy of f, recorded errors included, so that
// a base fixture can be extended differently by several tests. Clone only
// reads f.
func (f *Fixture) Clone() *Fixture {
	c := &Fixture{
		groupTypes: slices.Clone(f.groupTypes),
		errs:       slices.Clone(f.errs),
	}
	for _, fl := range f.flags {
		d := *fl
		d.conds = slices.Clone(fl.conds) // a Cond is never modified in place
		d.variants = slices.Clone(fl.variants)
		d.contexts = slices.Clone(fl.contexts)
		d.payloads = maps.Clone(fl.payloads)
		if fl.holdout != nil {
			h := *fl.holdout
			d.holdout = &h
		}
		c.addFlag(&d)
	}
	for _, co := range f.cohorts {
		d := *co
		d.groups = slices.Clone(co.groups) // each group is never modified in place
		c.addCohort(&d)
	}
	return c
}

func (f *Fixture) addFlag(d *flagDef) {
	if f.byKey == nil {
		f.byKey = map[string]*flagDef{}
	}
	f.flags = append(f.flags, d)
	f.byKey[d.key] = d
}

func (f *Fixture) addCohort(d *cohortDef) {
	if f.byCohort == nil {
		f.byCohort = map[string]*cohortDef{}
	}
	f.cohorts = append(f.cohorts, d)
	f.byCohort[d.name] = d
}

// flag returns the flag with this key, creating it if needed.
func (f *Fixture) flag(key string) *flagDef {
	if d, ok := f.byKey[key]; ok {
		return d
	}
	d := &flagDef{id: len(f.flags) + 1, key: key}
	f.addFlag(d)
	return d
}

// cohort returns the cohort with this name, creating an undefined one if
// needed, so that ids follow the order of first mention.
func (f *Fixture) cohort(name string) *cohortDef {
	if d, ok := f.byCohort[name]; ok {
		return d
	}
	d := &cohortDef{id: len(f.cohorts) + 1, name: name}
	f.addCohort(d)
	return d
}

// groupIndex returns the index of a group type; ok is false when the
// project's limit of group types is reached.
func (f *Fixture) groupIndex(name string) (int, bool) {
	if i := slices.Index(f.groupTypes, name); i >= 0 {
		return i, true
	}
	if len(f.groupTypes) >= maxGroupTypes {
		return 0, false
	}
	f.groupTypes = append(f.groupTypes, name)
	return len(f.groupTypes) - 1, true
}

// fail records a problem with one call.
func (f *Fixture) fail(call string, format string, args ...any) *Fixture {
	f.errs = append(f.errs, fmt.Errorf("flagstest: %s: %s", call, fmt.Sprintf(format, args...)))
	return f
}

func call(method string, args ...any) string {
	var b bytes.Buffer
	b.WriteString(method)
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		if s, ok := a.(string); ok {
			b.WriteString(strconv.Quote(s))
		} else {
			fmt.Fprint(&b, a)
		}
	}
	b.WriteByte(')')
	return b.String()
}

func checkPercent(p float64) error {
	if math.IsNaN(p) || math.IsInf(p, 0) || p < 0 || p > 100 {
		return fmt.Errorf("percentage %v is outside 0–100", p)
	}
	return nil
}

// Bool adds a condition set with no filters that matches everyone (rollout
// 100%) when on is true, or no one (rollout 0%) when on is false. A flag
// given only Bool(key, false) is active and false for everyone, with the
// reason [flags.ReasonOutOfRollout]; use [Fixture.Inactive] for a flag that
// is switched off.
func (f *Fixture) Bool(key string, on bool) *Fixture {
	if key == "" {
		return f.fail(call("Bool", key, on), "empty flag key")
	}
	pct := 0.0
	if on {
		pct = 100
	}
	d := f.flag(key)
	d.conds = append(d.conds, When().Rollout(pct))
	return f
}

// Rollout adds a condition set with no filters that matches percent% of
// users (of groups, for a group flag), bucketed by PostHog's hash of the
// flag key and the distinct id. percent may be fractional, such as 12.5; it
// must be between 0 and 100.
func (f *Fixture) Rollout(key string, percent float64) *Fixture {
	where := call("Rollout", key, percent)
	if err := checkPercent(percent); err != nil {
		return f.fail(where, "%v", err)
	}
	return f.condition(where, key, When().Rollout(percent))
}

// Where adds a condition set that matches users for whom every filter
// passes (rollout 100%). With no filters it matches everyone. See [Prop],
// [GroupProp], [InCohort], [NotInCohort] and [Flag] for the filters, and
// [Fixture.Condition] for a rollout or a variant override.
func (f *Fixture) Where(key string, filters ...Filter) *Fixture {
	return f.condition(call("Where", key), key, When(filters...))
}

// Condition adds the condition set c, built with [When], to the flag.
func (f *Fixture) Condition(key string, c Cond) *Fixture {
	return f.condition(call("Condition", key), key, c)
}

// DependsOn adds a condition set that matches when flag dep evaluates to
// value: true (any enabled value, variants included), false, or a variant
// key as a string. It is Where(key, Flag(dep, value)). The document carries
// the dependency_chain PostHog's server computes; dep must be defined in the
// fixture, before or after this call.
func (f *Fixture) DependsOn(key, dep string, value any) *Fixture {
	return f.condition(call("DependsOn", key, dep, value), key, When(Flag(dep, value)))
}

func (f *Fixture) condition(where, key string, c Cond) *Fixture {
	if key == "" {
		return f.fail(where, "empty flag key")
	}
	if c.err != nil {
		return f.fail(where, "%v", c.err)
	}
	for _, fl := range c.filters {
		if err := fl.check(); err != nil {
			return f.fail(where, "%v", err)
		}
		if fl.negated {
			return f.fail(where, "%s: PostHog honours negation only inside cohort definitions; use a negative operator or NotInCohort", fl)
		}
	}
	// Number group types in order of first mention; the limit is checked
	// before anything changes.
	var names []string
	if c.group != "" {
		names = append(names, c.group)
	}
	for _, fl := range c.filters {
		if fl.kind == kindGroup {
			names = append(names, fl.groupType)
		}
	}
	if !f.haveRoomFor(names) {
		return f.fail(where, "a PostHog project has at most %d group types", maxGroupTypes)
	}
	for _, n := range names {
		f.groupIndex(n)
	}
	for _, fl := range c.filters {
		if fl.kind == kindCohort {
			f.cohort(fl.key)
		}
	}
	d := f.flag(key)
	d.conds = append(d.conds, c)
	return f
}

// haveRoomFor reports whether the group types in names fit in the limit.
func (f *Fixture) haveRoomFor(names []string) bool {
	n := len(f.groupTypes)
	seen := map[string]bool{}
	for _, name := range names {
		if !seen[name] && !slices.Contains(f.groupTypes, name) {
			seen[name] = true
			n++
		}
	}
	return n <= maxGroupTypes
}

// Variant is one variant of a multivariate flag: its key and the percentage
// of matched users it gets.
type Variant struct {
	Key     string
	Percent float64
}

// Variants makes the flag multivariate, with the variants and percentages
// of the map, replacing any set before.
//
// Variants SORTS THE VARIANTS BY KEY. PostHog's variant hash walks the
// variants in their order, so the order decides who gets what: a fixture
// whose order differs from the flag in PostHog serves many users another
// variant (673 of 1,000 users in one trial). To mirror a real flag, use
// [Fixture.VariantsOrdered] with the variants in PostHog's order; use
// Variants only where the assignment of particular users does not matter.
//
// The percentages need not add up to 100, as in PostHog: when they add up
// to less, matched users past the last variant get plain true; when they add
// up to more, the later variants get less than their share.
func (f *Fixture) Variants(key string, variants map[string]float64) *Fixture {
	list := make([]Variant, 0, len(variants))
	for k, p := range variants {
		list = append(list, Variant{Key: k, Percent: p})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Key < list[j].Key })
	return f.variants(call("Variants", key), key, list)
}

// VariantsOrdered is [Fixture.Variants] with the variants in the order
// given.
func (f *Fixture) VariantsOrdered(key string, variants ...Variant) *Fixture {
	return f.variants(call("VariantsOrdered", key), key, slices.Clone(variants))
}

func (f *Fixture) variants(where, key string, list []Variant) *Fixture {
	if key == "" {
		return f.fail(where, "empty flag key")
	}
	if len(list) == 0 {
		return f.fail(where, "no variants")
	}
	seen := map[string]bool{}
	for _, v := range list {
		if v.Key == "" {
			return f.fail(where, "a variant has an empty key")
		}
		if seen[v.Key] {
			return f.fail(where, "variant %q appears twice", v.Key)
		}
		seen[v.Key] = true
		if err := checkPercent(v.Percent); err != nil {
			return f.fail(where, "variant %q: %v", v.Key, err)
		}
	}
	f.flag(key).variants = list
	return f
}

// Payload attaches a JSON payload to one value of the flag: value is "true"
// for a boolean flag, a variant key, or a holdout's "holdout-<id>". payload
// must be valid JSON, such as `{"price": 9}` or `"text"`; PostHog stores it
// as a JSON-encoded string, and so does the document. A later call for the
// same value replaces the payload.
func (f *Fixture) Payload(key, value, payload string) *Fixture {
	where := call("Payload", key, value, payload)
	switch {
	case key == "":
		return f.fail(where, "empty flag key")
	case value == "" || value == "false":
		return f.fail(where, `payloads belong to "true" or a variant key`)
	case !json.Valid([]byte(payload)):
		return f.fail(where, "the payload is not valid JSON")
	}
	d := f.flag(key)
	if d.payloads == nil {
		d.payloads = map[string]string{}
	}
	d.payloads[value] = payload
	return f
}

// Group makes the flag a group flag, aggregated by the group type named
// groupType (such as "company"): its rollouts hash the group key, its
// conditions read the group's properties (use [GroupProp] filters), and a
// user without a group of that type gets false ([flags.ReasonNoGroup]). The
// fixture numbers group types in order of first mention and writes
// group_type_mapping.
func (f *Fixture) Group(key, groupType string) *Fixture {
	where := call("Group", key, groupType)
	switch {
	case key == "":
		return f.fail(where, "empty flag key")
	case groupType == "":
		return f.fail(where, "empty group type")
	}
	if _, ok := f.groupIndex(groupType); !ok {
		return f.fail(where, "a PostHog project has at most %d group types", maxGroupTypes)
	}
	f.flag(key).group = groupType
	return f
}

// Inactive switches the flag off: it stays in the document, as PostHog
// serves inactive flags, and evaluates to false with [flags.ReasonDisabled].
func (f *Fixture) Inactive(key string) *Fixture {
	return f.set("Inactive", key, func(d *flagDef) { d.inactive = true })
}

// ExperienceContinuity sets ensure_experience_continuity on the flag. Only
// PostHog's server can evaluate such a flag, so local evaluation is
// inconclusive ([flags.ErrInconclusive]).
func (f *Fixture) ExperienceContinuity(key string) *Fixture {
	return f.set("ExperienceContinuity", key, func(d *flagDef) { d.continuity = true })
}

// DeviceBucketing makes the flag bucket users by device id
// (bucketing_identifier "device_id") instead of distinct id: evaluate it
// with [flags.User] DeviceID set, or the result is inconclusive. It does not
// apply to group flags.
func (f *Fixture) DeviceBucketing(key string) *Fixture {
	return f.set("DeviceBucketing", key, func(d *flagDef) { d.device = true })
}

// set applies fn to the flag key, creating it if needed, for a method that
// takes only the key; an empty key is recorded as a problem with the call
// to method instead.
func (f *Fixture) set(method, key string, fn func(*flagDef)) *Fixture {
	if key == "" {
		return f.fail(call(method, key), "empty flag key")
	}
	fn(f.flag(key))
	return f
}

// Holdout puts the flag in an experiment holdout: percent% of users, picked
// by PostHog's holdout hash, get the variant "holdout-<id>"
// ([flags.ReasonHoldout]) before any condition is tried. id must be
// positive; percent must be between 0 and 100.
func (f *Fixture) Holdout(key string, id int, percent float64) *Fixture {
	where := call("Holdout", key, id, percent)
	if key == "" {
		return f.fail(where, "empty flag key")
	}
	if id <= 0 {
		return f.fail(where, "holdout id %d is not positive", id)
	}
	if err := checkPercent(percent); err != nil {
		return f.fail(where, "%v", err)
	}
	f.flag(key).holdout = &holdoutDef{id: id, percent: percent}
	return f
}

// Runtime sets the flag's evaluation_runtime: "server", "client" or "all"
// (the default). A client made with the default [flags.RuntimeServer] does
// not evaluate "client" flags: they report [flags.ReasonFilteredByRuntime].
func (f *Fixture) Runtime(key, runtime string) *Fixture {
	where := call("Runtime", key, runtime)
	if key == "" {
		return f.fail(where, "empty flag key")
	}
	switch runtime {
	case "server", "client", "all":
	default:
		return f.fail(where, `the runtime must be "server", "client" or "all"`)
	}
	f.flag(key).runtime = runtime
	return f
}

// EvaluationContexts sets the flag's evaluation contexts (formerly
// evaluation tags), replacing any set before. A client made with
// [flags.WithEvaluationContexts] evaluates the flag only if they share an
// entry; otherwise it reports [flags.ReasonFilteredByContext]. A flag
// without contexts is never filtered.
func (f *Fixture) EvaluationContexts(key string, contexts ...string) *Fixture {
	where := call("EvaluationContexts", key)
	if key == "" {
		return f.fail(where, "empty flag key")
	}
	if slices.Contains(contexts, "") {
		return f.fail(where, "empty evaluation context")
	}
	f.flag(key).contexts = slices.Clone(contexts)
	return f
}

// Cohort adds a group of filters to the cohort called name, defining it:
// the cohort matches a user for whom every filter of the group passes, and
// each further call adds another group, ORed with the others. Filters are
// person properties ([Prop]), other cohorts ([InCohort], [NotInCohort]) and
// flags ([Flag]); wrap one in [Not] to negate it. Cohort with no filters
// matches everyone. Conditions refer to the cohort by name with
// [InCohort] and [NotInCohort]; the document gives it a numeric id, in
// order of first mention.
func (f *Fixture) Cohort(name string, filters ...Filter) *Fixture {
	where := call("Cohort", name)
	if name == "" {
		return f.fail(where, "empty cohort name")
	}
	if d, ok := f.byCohort[name]; ok && d.static {
		return f.fail(where, "cohort %q is static", name)
	}
	for _, fl := range filters {
		if err := fl.check(); err != nil {
			return f.fail(where, "%v", err)
		}
		if fl.kind == kindGroup {
			return f.fail(where, "%s: cohorts hold person properties only", fl)
		}
	}
	d := f.cohort(name)
	for _, fl := range filters {
		if fl.kind == kindCohort {
			f.cohort(fl.key)
		}
	}
	d.defined = true
	d.groups = append(d.groups, slices.Clone(filters))
	return f
}

// StaticCohort declares a static cohort called name. PostHog never puts
// static cohorts in the definitions document, so a condition that refers to
// it makes its flag inconclusive, exactly as with PostHog's SDKs.
func (f *Fixture) StaticCohort(name string) *Fixture {
	where := call("StaticCohort", name)
	if name == "" {
		return f.fail(where, "empty cohort name")
	}
	if d, ok := f.byCohort[name]; ok && d.defined {
		return f.fail(where, "cohort %q is already defined with filters", name)
	}
	f.cohort(name).static = true
	return f
}

// Err reports every problem the fixture has, joined, or nil: the calls that
// were ignored because of a bad argument, then the references the document
// cannot honour (an undefined cohort or dependency, a variant override or
// payload for a variant the flag does not have, a filter of the wrong kind
// for its condition's aggregation).
func (f *Fixture) Err() error {
	_, err := f.buildErr()
	return err
}

// JSON returns the definitions document: indented JSON with the top-level
// keys flags, group_type_mapping and cohorts. The same calls always give the
// same bytes. JSON returns the document even when [Fixture.Err] reports
// problems; the calls that failed are left out of it.
func (f *Fixture) JSON() []byte {
	doc, _ := f.build()
	return doc
}

// Build returns [Fixture.JSON], or, if [Fixture.Err] reports a problem,
// fails the test with it (t.Fatal) and returns nil. Like t.Fatal, call it
// from the goroutine running the test.
func (f *Fixture) Build(t testing.TB) []byte {
	t.Helper()
	doc, err := f.buildErr()
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	return doc
}

// buildErr writes the document and returns it with every problem the
// fixture has, joined: the recorded errors of its calls, then those build
// finds. It only reads f.
func (f *Fixture) buildErr() ([]byte, error) {
	doc, problems := f.build()
	return doc, errors.Join(append(slices.Clone(f.errs), problems...)...)
}

// NewClient returns a client serving the fixture's document, as
// flags.New(flags.WithSnapshot(doc), opts...) makes it; opts can add
// options such as [flags.WithClock] or [flags.WithRuntime]. It fails the
// test (t.Fatal) if the fixture has a problem, New fails, or compiling the
// document ignores part of it or finds a malformed flag (a Problem with
// Compile set), and closes the client when the test and its
// subtests end (t.Cleanup).
func NewClient(t testing.TB, f *Fixture, opts ...flags.Option) *flags.Client {
	t.Helper()
	if f == nil {
		t.Fatalf("flagstest: NewClient: nil fixture")
		return nil
	}
	doc := f.Build(t)
	if doc == nil {
		return nil
	}
	c, err := flags.New(append([]flags.Option{flags.WithSnapshot(doc)}, opts...)...)
	if err != nil {
		t.Fatalf("flagstest: NewClient: %v", err)
		return nil
	}
	t.Cleanup(func() { c.Close() })
	// A fixture that does not compile cleanly is a bug in the test;
	// Validate's advice (a static cohort, say) is what the test asked for.
	for _, p := range c.Snapshot().Problems() {
		if p.Compile {
			t.Fatalf("flagstest: NewClient: the fixture does not compile cleanly: %v", p)
			return nil
		}
	}
	return c
}

// ---- filters ---------------------------------------------------------------

type filterKind uint8

const (
	kindNone filterKind = iota // the zero Filter
	kindPerson
	kindGroup
	kindCohort
	kindFlag
)

// Filter is one filter of a condition set or a cohort: a person or group
// property compared with an operator, membership of a cohort, or the value
// of another flag. Make one with [Prop], [GroupProp], [InCohort],
// [NotInCohort] or [Flag]. A Filter is an immutable value; a bad argument
// is reported by the Fixture method it is passed to.
type Filter struct {
	kind      filterKind
	key       string // property key, cohort name or flag key
	op        string
	value     json.RawMessage
	groupType string
	notIn     bool
	negated   bool
	variant   string // for a flag filter on a variant
	err       error
}

// operators are the property operators PostHog accepts when a flag is
// saved, plus the string operators its SDKs support.
var operators = map[string]bool{
	"exact": true, "is_not": true, "is_set": true, "is_not_set": true,
	"icontains": true, "not_icontains": true, "icontains_multi": true, "not_icontains_multi": true,
	"regex": true, "not_regex": true,
	"starts_with": true, "not_starts_with": true, "ends_with": true, "not_ends_with": true,
	"gt": true, "gte": true, "lt": true, "lte": true,
	"is_date_exact": true, "is_date_after": true, "is_date_before": true,
	"semver_eq": true, "semver_neq": true, "semver_gt": true, "semver_gte": true,
	"semver_lt": true, "semver_lte": true, "semver_tilde": true, "semver_caret": true, "semver_wildcard": true,
}

// Prop is a person property filter: the user's property key compared with
// value by op, one of PostHog's operators ("exact", "is_not", "icontains",
// "regex", "gt", "is_set", "is_date_after", "semver_gte"...). value is any
// value encoding/json can encode; a list with "exact" or "is_not" means any
// of its items.
//
// The engine compares as posthog-node does: "exact" and "is_not" compare
// lowercased strings, and are inconclusive when the filter value or the
// user's property is an integral number, since posthog-node cannot tell 5
// from 5.0; compare strings instead ("5", or []string{"5"}), as PostHog's
// UI stores them. A user who lacks the property gets an inconclusive
// result, for every operator.
func Prop(key, op string, value any) Filter {
	return property(kindPerson, "", key, op, value)
}

// GroupProp is a group property filter, for a condition aggregated by
// groupType: a group flag ([Fixture.Group]) or a condition set made with
// [Cond.Group]. It compares the property key of the user's group of that
// type, like [Prop].
func GroupProp(groupType, key, op string, value any) Filter {
	f := property(kindGroup, groupType, key, op, value)
	if f.err == nil && groupType == "" {
		f.err = errors.New("GroupProp: empty group type")
	}
	return f
}

func property(kind filterKind, groupType, key, op string, value any) Filter {
	f := Filter{kind: kind, key: key, op: op, groupType: groupType}
	name := "Prop"
	if kind == kindGroup {
		name = "GroupProp"
	}
	switch {
	case key == "":
		f.err = fmt.Errorf("%s: empty property key", name)
	case !operators[op]:
		f.err = fmt.Errorf("%s(%q): unknown operator %q", name, key, op)
	default:
		f.value, f.err = marshalValue(value)
		if f.err != nil {
			f.err = fmt.Errorf("%s(%q): %v", name, key, f.err)
		} else if why := undecidable(key, op, f.value); why != "" {
			f.err = fmt.Errorf("%s(%q): %s", name, key, why)
		}
	}
	return f
}

// undecidable asks the engine's own Validate whether the filter can be
// decided locally at all, and returns why not, or "". A fixture that only
// the server could evaluate is almost always a mistake: exact with the
// integer 50, say, is inconclusive for every user.
func undecidable(key, op string, value json.RawMessage) string {
	k, _ := json.Marshal(key)
	o, _ := json.Marshal(op)
	doc := `{"flags":[{"key":"probe","active":true,"filters":{"groups":[{"properties":[` +
		`{"key":` + string(k) + `,"type":"person","operator":` + string(o) + `,"value":` + strings.TrimSpace(string(value)) + `}]}]}}]}`
	for _, p := range flags.Validate([]byte(doc)) {
		if p.Severity == flags.Error && strings.HasSuffix(p.Path, ".properties[0]") {
			return p.Message
		}
	}
	return ""
}

func marshalValue(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("the value cannot be written as JSON: %v", err)
	}
	return bytes.TrimSpace(b.Bytes()), nil
}

// InCohort is a filter that passes for members of the cohort called name,
// defined with [Fixture.Cohort] or [Fixture.StaticCohort].
func InCohort(name string) Filter {
	f := Filter{kind: kindCohort, key: name}
	if name == "" {
		f.err = errors.New("InCohort: empty cohort name")
	}
	return f
}

// NotInCohort is a filter that passes for users who are not members of the
// cohort called name (operator "not_in").
func NotInCohort(name string) Filter {
	f := Filter{kind: kindCohort, key: name, notIn: true}
	if name == "" {
		f.err = errors.New("NotInCohort: empty cohort name")
	}
	return f
}

// Flag is a flag dependency filter: it passes when the flag called key
// evaluates to value, which is true (any enabled value, variants included),
// false, or a variant key. The flag must be defined in the fixture. See
// [Fixture.DependsOn].
func Flag(key string, value any) Filter {
	f := Filter{kind: kindFlag, key: key, op: "flag_evaluates_to"}
	switch v := value.(type) {
	case bool:
	case string:
		f.variant = v
		if v == "" {
			f.err = fmt.Errorf("Flag(%q): the value must be true, false or a variant key, not an empty string", key)
		}
	default:
		f.err = fmt.Errorf("Flag(%q): the value must be true, false or a variant key, not %T", key, value)
	}
	if key == "" {
		f.err = errors.New("Flag: empty flag key")
	}
	if f.err == nil {
		f.value, _ = marshalValue(value) // a bool or a string: it cannot fail
	}
	return f
}

// Not negates a filter inside a cohort definition ([Fixture.Cohort]), as
// PostHog's "negation" does. PostHog ignores negation in a flag's own
// condition sets, so a fixture reports a negated filter used there; use an
// operator such as "is_not" or [NotInCohort] instead.
func Not(f Filter) Filter {
	f.negated = !f.negated
	return f
}

// check reports a bad argument the filter was made with.
func (fl Filter) check() error {
	if fl.kind == kindNone {
		return errors.New("a zero Filter; make filters with Prop, GroupProp, InCohort, NotInCohort or Flag")
	}
	return fl.err
}

// String describes the filter as the call that made it, for messages.
func (fl Filter) String() string {
	var s string
	switch fl.kind {
	case kindPerson:
		s = fmt.Sprintf("Prop(%q, %q, %s)", fl.key, fl.op, fl.value)
	case kindGroup:
		s = fmt.Sprintf("GroupProp(%q, %q, %q, %s)", fl.groupType, fl.key, fl.op, fl.value)
	case kindCohort:
		if fl.notIn {
			s = fmt.Sprintf("NotInCohort(%q)", fl.key)
		} else {
			s = fmt.Sprintf("InCohort(%q)", fl.key)
		}
	case kindFlag:
		s = fmt.Sprintf("Flag(%q, %s)", fl.key, fl.value)
	default:
		return "Filter{}"
	}
	if fl.negated {
		s = "Not(" + s + ")"
	}
	return s
}

// ---- condition sets --------------------------------------------------------

// Cond is a condition set for [Fixture.Condition]: filters that must all
// pass, a rollout percentage, a variant override and, for mixed targeting,
// the group type it is aggregated by. Make one with [When] and refine it
// with its methods, which return a modified copy. The zero Cond matches
// everyone.
type Cond struct {
	filters    []Filter
	rollout    float64
	hasRollout bool
	variant    string
	group      string
	err        error
}

// When returns a condition set that matches users for whom every filter
// passes, with a 100% rollout.
func When(filters ...Filter) Cond {
	return Cond{filters: slices.Clone(filters)}
}

// Rollout limits the condition set to percent% of the users its filters
// match, bucketed by PostHog's hash of the flag key and the user's distinct
// id (or group key, or device id). percent may be fractional; it must be
// between 0 and 100. Every condition set of a flag hashes a user to the
// same point, so a user outside a 50% rollout is also outside a later 10%
// one, and inside a later 60% one only between 50% and 60%.
func (c Cond) Rollout(percent float64) Cond {
	if err := checkPercent(percent); err != nil && c.err == nil {
		c.err = fmt.Errorf("Cond.Rollout: %v", err)
	}
	c.rollout, c.hasRollout = percent, true
	return c
}

// Serve makes the condition set serve variant to the users it matches,
// instead of a variant picked by hash (a variant override). The flag must
// have that variant.
func (c Cond) Serve(variant string) Cond {
	if variant == "" && c.err == nil {
		c.err = errors.New("Cond.Serve: empty variant")
	}
	c.variant = variant
	return c
}

// Group aggregates the condition set by the group type named groupType,
// within a person flag (PostHog's mixed targeting): it reads the
// properties of the user's group of that type (use [GroupProp] filters),
// its rollout hashes the group key, and it cannot match a user without
// such a group.
func (c Cond) Group(groupType string) Cond {
	if groupType == "" && c.err == nil {
		c.err = errors.New("Cond.Group: empty group type")
	}
	c.group = groupType
	return c
}

// ---- the document ----------------------------------------------------------

type docJSON struct {
	Flags            []flagJSON    `json:"flags"`
	GroupTypeMapping orderedObject `json:"group_type_mapping"`
	Cohorts          orderedObject `json:"cohorts"`
}

type flagJSON struct {
	ID                         int         `json:"id"`
	Key                        string      `json:"key"`
	Active                     bool        `json:"active"`
	Deleted                    bool        `json:"deleted"`
	EnsureExperienceContinuity bool        `json:"ensure_experience_continuity"`
	BucketingIdentifier        *string     `json:"bucketing_identifier"`
	EvaluationRuntime          string      `json:"evaluation_runtime"`
	EvaluationContexts         []string    `json:"evaluation_contexts"`
	Filters                    filtersJSON `json:"filters"`
}

type filtersJSON struct {
	Groups                    []condJSON        `json:"groups"`
	Multivariate              *multivariateJSON `json:"multivariate"`
	AggregationGroupTypeIndex *int              `json:"aggregation_group_type_index"`
	Payloads                  map[string]string `json:"payloads"`
	Holdout                   *holdoutJSON      `json:"holdout,omitempty"`
}

type condJSON struct {
	Properties                []propJSON `json:"properties"`
	RolloutPercentage         float64    `json:"rollout_percentage"`
	Variant                   *string    `json:"variant"`
	AggregationGroupTypeIndex *int       `json:"aggregation_group_type_index,omitempty"`
}

type multivariateJSON struct {
	Variants []variantJSON `json:"variants"`
}

type variantJSON struct {
	Key               string  `json:"key"`
	RolloutPercentage float64 `json:"rollout_percentage"`
}

type holdoutJSON struct {
	ID                  int     `json:"id"`
	ExclusionPercentage float64 `json:"exclusion_percentage"`
}

type propJSON struct {
	Key             string          `json:"key"`
	Type            string          `json:"type"`
	Operator        string          `json:"operator,omitempty"`
	Value           json.RawMessage `json:"value"`
	GroupTypeIndex  *int            `json:"group_type_index,omitempty"`
	Negation        *bool           `json:"negation,omitempty"`
	DependencyChain *[]string       `json:"dependency_chain,omitempty"`
}

type propertyGroupJSON struct {
	Type   string `json:"type"`
	Values []any  `json:"values"`
}

// orderedObject is a JSON object whose keys keep their order.
type orderedObject struct {
	keys   []string
	values []any
}

func (o *orderedObject) add(k string, v any) {
	o.keys = append(o.keys, k)
	o.values = append(o.values, v)
}

// MarshalJSON writes the object with its keys in order, without escaping
// HTML characters, like the rest of the document.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := marshalValue(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalValue(o.values[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// build writes the document and lists the problems found in the fixture as
// a whole. It only reads f.
func (f *Fixture) build() ([]byte, []error) {
	var problems []error
	problem := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf("flagstest: "+format, args...))
	}
	chains := newChainer(f)
	index := func(name string) *int {
		i := slices.Index(f.groupTypes, name)
		return &i
	}
	// filterJSON writes a filter of a condition (inCohort false) or of a
	// cohort definition, and checks what it refers to.
	filterJSON := func(fl Filter, where string, inCohort bool) propJSON {
		p := propJSON{Key: fl.key, Operator: fl.op, Value: fl.value}
		negation := fl.negated
		switch fl.kind {
		case kindPerson:
			p.Type = "person"
		case kindGroup:
			p.Type = "group"
			p.GroupTypeIndex = index(fl.groupType)
		case kindCohort:
			p.Type, p.Key = "cohort", "id"
			c := f.byCohort[fl.key]
			if c == nil || (!c.defined && !c.static) {
				problem("%s: cohort %q is never defined (use Cohort, or StaticCohort for a static cohort)", where, fl.key)
			}
			id := 0
			if c != nil {
				id = c.id
			}
			p.Value = json.RawMessage(strconv.Itoa(id))
			switch {
			case inCohort:
				// Cohort definitions negate nested cohorts with "negation".
				p.Operator = ""
				negation = negation != fl.notIn
			case fl.notIn:
				p.Operator = "not_in"
			default:
				p.Operator = "in"
			}
		case kindFlag:
			p.Type = "flag"
			if dep, ok := f.byKey[fl.key]; !ok {
				problem("%s: flag %q is never defined", where, fl.key)
			} else if fl.variant != "" && !dep.serves(fl.variant) {
				problem("%s: flag %q has no variant %q", where, fl.key, fl.variant)
			}
			chain := chains.chain(fl.key)
			p.DependencyChain = &chain
		}
		if inCohort {
			p.Negation = &negation
		}
		return p
	}

	doc := docJSON{Flags: make([]flagJSON, 0, len(f.flags))}
	for _, d := range f.flags {
		fj := flagJSON{
			ID:                         d.id,
			Key:                        d.key,
			Active:                     !d.inactive,
			EnsureExperienceContinuity: d.continuity,
			EvaluationRuntime:          "all",
			EvaluationContexts:         []string{},
		}
		if d.runtime != "" {
			fj.EvaluationRuntime = d.runtime
		}
		if d.contexts != nil {
			fj.EvaluationContexts = d.contexts
		}
		if d.device {
			s := "device_id"
			fj.BucketingIdentifier = &s
			if d.group != "" {
				problem("flag %q: device bucketing does not apply to a group flag", d.key)
			}
		}
		fs := &fj.Filters
		if d.group != "" {
			fs.AggregationGroupTypeIndex = index(d.group)
		}
		conds := d.conds
		if len(conds) == 0 {
			conds = []Cond{When()}
		}
		fs.Groups = make([]condJSON, 0, len(conds))
		for i, c := range conds {
			where := fmt.Sprintf("flag %q, condition %d", d.key, i)
			cj := condJSON{Properties: make([]propJSON, 0, len(c.filters)), RolloutPercentage: 100}
			if c.hasRollout {
				cj.RolloutPercentage = c.rollout
			}
			if c.variant != "" {
				v := c.variant
				cj.Variant = &v
				if !d.hasVariant(v) {
					problem("%s: it serves variant %q, which the flag does not have", where, v)
				}
			}
			agg := d.group
			if c.group != "" && c.group != d.group {
				agg = c.group
				cj.AggregationGroupTypeIndex = index(c.group)
			}
			for _, fl := range c.filters {
				switch {
				case fl.kind == kindGroup && fl.groupType != agg && agg == "":
					problem("%s: %s needs a condition aggregated by %q (Group or Cond.Group); PostHog's SDKs match every filter against the condition's own properties", where, fl, fl.groupType)
				case fl.kind == kindGroup && fl.groupType != agg:
					problem("%s: %s in a condition aggregated by %q; PostHog's SDKs match every filter against the condition's own properties", where, fl, agg)
				case (fl.kind == kindPerson || fl.kind == kindCohort) && agg != "":
					problem("%s: %s is about the person, but the condition is aggregated by %q; use GroupProp", where, fl, agg)
				}
				cj.Properties = append(cj.Properties, filterJSON(fl, where, false))
			}
			fs.Groups = append(fs.Groups, cj)
		}
		if d.variants != nil {
			mv := &multivariateJSON{Variants: make([]variantJSON, len(d.variants))}
			for i, v := range d.variants {
				mv.Variants[i] = variantJSON{Key: v.Key, RolloutPercentage: v.Percent}
			}
			fs.Multivariate = mv
		}
		fs.Payloads = map[string]string{}
		for k, v := range d.payloads {
			fs.Payloads[k] = v
			if k != "true" && !d.serves(k) {
				problem("flag %q: payload for %q, which is neither \"true\" nor a variant of the flag", d.key, k)
			}
		}
		if d.holdout != nil {
			fs.Holdout = &holdoutJSON{ID: d.holdout.id, ExclusionPercentage: d.holdout.percent}
		}
		doc.Flags = append(doc.Flags, fj)
	}
	for i, name := range f.groupTypes {
		doc.GroupTypeMapping.add(strconv.Itoa(i), name)
	}
	for _, c := range f.cohorts {
		if c.static || !c.defined {
			continue // PostHog never sends static cohorts
		}
		root := propertyGroupJSON{Type: "OR", Values: make([]any, 0, len(c.groups))}
		for i, g := range c.groups {
			and := propertyGroupJSON{Type: "AND", Values: make([]any, 0, len(g))}
			for _, fl := range g {
				and.Values = append(and.Values, filterJSON(fl, fmt.Sprintf("cohort %q, group %d", c.name, i), true))
			}
			root.Values = append(root.Values, and)
		}
		doc.Cohorts.add(strconv.Itoa(c.id), root)
	}

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		problem("writing the document: %v", err)
		return nil, problems
	}
	return b.Bytes(), problems
}

// ---- dependency chains -----------------------------------------------------

// chainer computes dependency_chain values the way PostHog's server does.
type chainer struct {
	f      *Fixture
	chains map[string][]string
	deps   map[string][]string // direct dependencies, by flag key
}

func newChainer(f *Fixture) *chainer {
	return &chainer{f: f, chains: map[string][]string{}, deps: map[string][]string{}}
}

// chain returns the dependency_chain of a filter on flag target: every flag
// target reaches through flag filters (including those in cohorts its
// conditions refer to), dependencies first, ending with target itself. It
// is empty when target reaches a cycle or a flag that is not defined.
func (c *chainer) chain(target string) []string {
	if ch, ok := c.chains[target]; ok {
		return ch
	}
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	order := []string{}
	broken := false
	var visit func(key string)
	visit = func(key string) {
		if broken || state[key] == done {
			return
		}
		if state[key] == visiting {
			broken = true // a cycle
			return
		}
		if _, ok := c.f.byKey[key]; !ok {
			broken = true // a missing flag
			return
		}
		state[key] = visiting
		for _, dep := range c.direct(key) {
			visit(dep)
		}
		state[key] = done
		order = append(order, key)
	}
	visit(target)
	if broken {
		order = []string{}
	}
	c.chains[target] = order
	return order
}

// direct lists the flags a flag's conditions refer to, directly or through
// cohorts, in order of appearance, each once.
func (c *chainer) direct(key string) []string {
	if deps, ok := c.deps[key]; ok {
		return deps
	}
	var out []string
	seenCohorts := map[string]bool{}
	var fromFilters func(filters []Filter)
	fromFilters = func(filters []Filter) {
		for _, fl := range filters {
			switch fl.kind {
			case kindFlag:
				if !slices.Contains(out, fl.key) {
					out = append(out, fl.key)
				}
			case kindCohort:
				co := c.f.byCohort[fl.key]
				if co == nil || !co.defined || co.static || seenCohorts[fl.key] {
					continue
				}
				seenCohorts[fl.key] = true
				for _, g := range co.groups {
					fromFilters(g)
				}
			}
		}
	}
	for _, cond := range c.f.byKey[key].conds {
		fromFilters(cond.filters)
	}
	c.deps[key] = out
	return out
}
