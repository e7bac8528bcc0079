package flags

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/localflags/flags/internal/ecma"
)

// Snapshot is a compiled definitions document: every flag preprocessed for
// evaluation (regexes compiled, lists turned into lowercase sets, dates,
// numbers and versions parsed, variant ranges precomputed, dependencies and
// cohorts linked). It is immutable and safe to share between goroutines.
type Snapshot struct {
	flags    []flag
	byKey    map[string]int32
	cohorts  []cohort
	graph    *depGraph
	views    int // property views: the person and one per group type used
	propKeys int // distinct property keys filters read (filter.keyID)
	pmv2     bool
	// noted are what compiling noticed: entries ignored, malformed flags,
	// duplicate keys. problems are Validate's findings, noted ones
	// included, and warnings their text.
	noted    []string
	problems []Problem
	warnings []string
	// red removes the client's keys from the causes evaluations build
	// (see redact.go); nil when the client has none.
	red *redactor
	// loadedAt is when the client loaded the snapshot, in epoch
	// milliseconds of its clock: exposure events report it.
	loadedAt int64
}

// Len returns the number of flags in the snapshot, including flags filtered
// out by runtime or evaluation context.
func (s *Snapshot) Len() int { return len(s.byKey) }

// Warnings returns the problems found while compiling: flags that are
// malformed (they evaluate as inconclusive), duplicate keys, entries that
// were ignored. The slice must not be modified.
func (s *Snapshot) Warnings() []string { return s.warnings }

// Problems returns the problems [Validate] reports for the document the
// snapshot was compiled from: Warnings, with their severity, flag and
// path. The slice must not be modified.
func (s *Snapshot) Problems() []Problem { return s.problems }

// flag is one compiled flag.
type flag struct {
	key        string
	index      int32
	docIndex   int32  // position in the document's flags array
	runtime    string // evaluation_runtime as given, for Validate
	hashKey    string // key + ".", the prefix of every rollout and variant hash
	active     bool
	deleted    bool
	continuity bool
	device     bool   // bucket on the device id
	filtered   Reason // ReasonFilteredByRuntime or ReasonFilteredByContext, or 0
	earlyExit  bool
	// broken is set for a flag whose definition has a wrong JSON type in a
	// field evaluation needs; such a flag is inconclusive.
	broken      *inconclusiveError
	group       groupRef
	holdout     *holdout
	conditions  []condition
	variants    []variant
	truePayload []byte
	// shadowed: a later flag has the same key, so this one is never served.
	shadowed bool
	// plain: every condition is a bare rollout (no filters, no group) and
	// the flag has no holdout, group, device bucketing, continuity or
	// defect, so it is decided by plainValue without an evaluator.
	plain bool

	// id and hasExperiment are the document's "id" and "has_experiment",
	// as canonical values, for exposure events; idSet and experimentSet say
	// whether the document has them at all (null is a value).
	id, hasExperiment    any
	idSet, experimentSet bool
	// dedupOff, dedupOn and dedupUndecided are the exposure dedup keys of
	// the responses false, true and undecided, without groups.
	dedupOff, dedupOn, dedupUndecided uint64
}

// groupRef is a flag's or condition's aggregation group type.
type groupRef struct {
	set     bool    // aggregation_group_type_index is a number
	index   float64 // that number
	name    string  // its group type name; "" if the mapping lacks it
	slot    int32   // the property view of that group (see propsView.slot)
	unknown *inconclusiveError
}

// holdout is a compiled experiment holdout.
type holdout struct {
	dedup     uint64  // the exposure dedup key of the holdout variant
	all       bool    // exclusion percentage 100: no hash needed
	threshold float64 // exclusion percentage / 100
	variant   string  // "holdout-<id>"
	payload   []byte
}

// condition is one compiled condition set.
type condition struct {
	filters    []filter
	hasRollout bool
	threshold  float64 // rollout percentage / 100
	override   int     // index of the variant override, or -1
	rawVariant string  // the variant override as given, for Validate
	// mixed: the condition targets a group type other than the flag's.
	// groupName is that type's name, "" if the mapping lacks it (the
	// condition can then never match).
	mixed     bool
	groupName string
	groupSlot int32
}

// dependency is a compiled flag filter (type "flag").
type dependency struct {
	chain   []int32 // flags to evaluate, in order
	target  int32   // the flag whose value is compared
	expect  expectKind
	variant string
	broken  *inconclusiveError
}

type expectKind uint8

const (
	expectNever expectKind = iota // a value flag_evaluates_to cannot compare
	expectTrue
	expectFalse
	expectVariant
)

// satisfied reports whether the value v of the dependency dep is what the
// filter expects.
func (d *dependency) satisfied(dep *flag, v value) bool {
	switch d.expect {
	case expectTrue:
		return v.on
	case expectFalse:
		return !v.on
	case expectVariant:
		key := dep.variantKey(v)
		return key != "" && key == d.variant
	}
	return false
}

// compileOptions are the client settings that shape a snapshot.
type compileOptions struct {
	runtime  Runtime
	contexts []string
	maxBytes int64 // a larger document limit than MaxDocumentBytes, if any
	// redact removes the client's keys from the warnings and causes.
	redact *redactor
}

// compiler holds the state of one compile.
type compiler struct {
	s        *Snapshot
	opts     compileOptions
	mapping  map[string]string
	cohortID map[string]int32
	raw      []map[string]any // the flags as decoded, by index
	slots    map[string]int32 // group type name -> property view slot
	keyIDs   map[string]int32 // property key -> filter.keyID
	regexps  map[string]*ecma.Regexp
}

// regexp compiles a regex filter's pattern once per document: a Regexp is
// immutable, so flags with the same pattern share it.
func (c *compiler) regexp(pattern string) *ecma.Regexp {
	if r, ok := c.regexps[pattern]; ok {
		return r
	}
	if c.regexps == nil {
		c.regexps = map[string]*ecma.Regexp{}
	}
	r := ecma.CompileRegexp(pattern)
	c.regexps[pattern] = r
	return r
}

// compile parses and compiles a definitions document.
func compile(doc []byte, opts compileOptions) (*Snapshot, error) {
	if limit := max(MaxDocumentBytes, opts.maxBytes); int64(len(doc)) > limit {
		return nil, fmt.Errorf("flags: definitions are %d bytes, over the limit of %d bytes (MaxDocumentBytes)", len(doc), limit)
	}
	// Unpaired surrogates stay visible (see internal/ecma's surrogate.go):
	// the filters that compare them are inconclusive.
	doc, _ = ecma.MarkLoneSurrogates(doc)
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("flags: definitions are not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("flags: definitions are not valid JSON: more follows the document")
	}
	// Numbers become float64 once, for the whole tree, as JSON.parse makes
	// them JavaScript numbers (overflow is ±Inf).
	top = fromJSON(top)
	obj, ok := top.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("flags: definitions must be a JSON object, not %s", jsonType(top))
	}
	rawFlags, ok := obj["flags"]
	if !ok {
		return nil, errors.New(`flags: definitions have no "flags" field`)
	}
	list, ok := rawFlags.([]any)
	if rawFlags != nil && !ok {
		return nil, fmt.Errorf(`flags: definitions field "flags" must be an array, not %s`, jsonType(rawFlags))
	}
	if len(list) > MaxFlags {
		return nil, fmt.Errorf("flags: definitions hold %d flags, over the limit of %d (MaxFlags)", len(list), MaxFlags)
	}

	c := &compiler{
		s:        &Snapshot{byKey: make(map[string]int32, len(list))},
		opts:     opts,
		mapping:  map[string]string{},
		cohortID: map[string]int32{},
	}
	c.s.pmv2 = obj["property_matching_version"] == 2.0
	c.readMapping(obj["group_type_mapping"])

	// Index every flag before compiling any, since conditions and cohorts
	// refer to flags by key.
	c.s.flags = make([]flag, 0, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			c.warnf("flags[%d] is %s, not an object; ignored", i, jsonType(e))
			continue
		}
		key, ok := m["key"].(string)
		if !ok {
			c.warnf("flags[%d] has no string key; ignored", i)
			continue
		}
		idx := int32(len(c.s.flags))
		if prev, dup := c.s.byKey[key]; dup {
			c.warnf("flag %q is defined more than once; the later definition wins", key)
			c.s.flags[prev].shadowed = true
		}
		c.s.byKey[key] = idx
		c.s.flags = append(c.s.flags, flag{key: key, index: idx, docIndex: int32(i), hashKey: key + "."})
		c.raw = append(c.raw, m)
	}
	c.readCohorts(obj["cohorts"])
	for i := range c.s.flags {
		c.compileFlag(&c.s.flags[i], c.raw[i])
		c.s.flags[i].hashResponses()
	}
	c.analyze()
	c.s.views = len(c.slots) + 1
	c.s.propKeys = len(c.keyIDs)
	c.s.problems = lint(c.s)
	c.s.redact(opts.redact)
	return c.s, nil
}

func (c *compiler) warnf(format string, args ...any) {
	c.s.noted = append(c.s.noted, fmt.Sprintf(format, args...))
}

func (c *compiler) readMapping(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		if v != nil {
			c.warnf("group_type_mapping is %s, not an object; ignored", jsonType(v))
		}
		return
	}
	for k, e := range m {
		if name, ok := e.(string); ok && name != "" {
			c.mapping[k] = name
		} else {
			c.warnf("group_type_mapping[%q] is not a group type name; ignored", k)
		}
	}
}

func (c *compiler) readCohorts(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		if v != nil {
			c.warnf("cohorts is %s, not an object; ignored", jsonType(v))
		}
		return
	}
	// Number every cohort first: cohorts refer to each other in any order.
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	c.s.cohorts = make([]cohort, len(ids))
	for i, id := range ids {
		c.cohortID[id] = int32(i)
		c.s.cohorts[i] = cohort{id: id, loop: inconclusive("cohort %s includes itself, directly or through other cohorts", id)}
	}
	for i, id := range ids {
		c.s.cohorts[i].root = c.compileGroup(m[id], "cohort "+id, 0)
	}
}

// compileGroup compiles a cohort property group as posthog-node reads it:
// {} (or a JavaScript-false value) matches everything; the type must be AND
// or OR ("property" means AND); and the first entry decides whether the
// entries are nested groups or leaf filters.
func (c *compiler) compileGroup(v any, where string, depth int) propertyGroup {
	if depth > maxNesting {
		return propertyGroup{kind: groupUnsupported, why: inconclusive("%s nests groups deeper than %d (MaxNesting)", where, maxNesting)}
	}
	if !jsTruthy(v) {
		return propertyGroup{kind: groupEmpty}
	}
	m, ok := v.(map[string]any)
	if !ok {
		if a, isArray := v.([]any); isArray && len(a) == 0 {
			return propertyGroup{kind: groupEmpty}
		}
		return propertyGroup{kind: groupUnsupported, why: inconclusive("%s is %s, not a property group", where, jsonType(v))}
	}
	if len(m) == 0 {
		return propertyGroup{kind: groupEmpty}
	}
	var g propertyGroup
	switch m["type"] {
	case "AND", "property":
		g.kind = groupAnd
	case "OR":
		g.kind = groupOr
	default:
		return propertyGroup{kind: groupUnsupported, why: inconclusive("%s has type %v, which only the server evaluates", where, m["type"])}
	}
	values, ok := m["values"].([]any)
	if !ok && m["values"] != nil {
		return propertyGroup{kind: groupUnsupported, why: inconclusive("%s has values that are not a list", where)}
	}
	if len(values) == 0 {
		return g
	}
	if len(values) > MaxFilters {
		return propertyGroup{kind: groupUnsupported, why: inconclusive("%s has a group of %d entries, over the limit of %d (MaxFilters)", where, len(values), MaxFilters)}
	}
	if first, ok := values[0].(map[string]any); ok {
		if _, nested := first["values"]; nested {
			g.groups = make([]propertyGroup, len(values))
			for i, e := range values {
				g.groups[i] = c.compileGroup(e, where, depth+1)
			}
			return g
		}
	}
	g.leaves = make([]filter, len(values))
	for i, e := range values {
		m, ok := e.(map[string]any)
		if !ok {
			g.leaves[i] = brokenFilter(inconclusive("%s has an entry that is %s, not a filter", where, jsonType(e)))
			continue
		}
		g.leaves[i] = c.compileFilter(m)
		g.leaves[i].negation = jsTruthy(m["negation"])
	}
	return g
}

// brokenFilter is a filter that is always undecided.
func brokenFilter(why *inconclusiveError) filter {
	return filter{typ: filterProperty, op: opUnknown, key: "\x00", bad: why, missing: why}
}

// malformedPrefix begins the cause of a flag that a malformed field breaks.
func malformedPrefix(key string) string { return fmt.Sprintf("flag %q is malformed: ", key) }

// compileFlag compiles one flag. Problems confined to one filter make that
// filter undecided; a wrong JSON type in a field the flag cannot do without
// marks the whole flag broken.
func (c *compiler) compileFlag(f *flag, m map[string]any) {
	breakf := func(format string, args ...any) {
		if f.broken == nil {
			f.broken = inconclusive("%s%s", malformedPrefix(f.key), fmt.Sprintf(format, args...))
			c.warnf("%s", f.broken.cause)
		}
	}
	f.active = c.flagBool(m, "active", breakf)
	f.deleted = c.flagBool(m, "deleted", breakf)
	f.continuity = c.flagBool(m, "ensure_experience_continuity", breakf)
	f.device = m["bucketing_identifier"] == "device_id"
	f.id, f.idSet = m["id"]
	f.hasExperiment, f.experimentSet = m["has_experiment"]
	f.runtime, _ = m["evaluation_runtime"].(string)
	f.filtered = c.filterReason(f, m)

	var filters map[string]any
	switch v := m["filters"].(type) {
	case map[string]any:
		filters = v
	case nil:
	default:
		breakf("filters is %s", jsonType(v))
	}
	f.earlyExit = c.flagBool(filters, "early_exit", breakf)

	switch g := filters["aggregation_group_type_index"].(type) {
	case nil:
	case float64:
		f.group = c.groupRef(g)
	default:
		breakf("aggregation_group_type_index is %s", jsonType(g))
	}

	var payloads map[string]any
	switch p := filters["payloads"].(type) {
	case map[string]any:
		payloads = p
	case nil:
	default:
		breakf("payloads is %s", jsonType(p))
	}
	payload := func(key string) []byte {
		stored, ok := payloads[key]
		if !ok {
			return nil
		}
		p, err := compilePayload(stored)
		if err != nil {
			c.warnf("flag %q: payload %q ignored: %v", f.key, key, err)
		}
		return p
	}
	f.truePayload = payload("true")

	if mv, ok := filters["multivariate"].(map[string]any); ok {
		f.variants = c.compileVariants(mv["variants"], breakf)
	} else if filters["multivariate"] != nil {
		breakf("multivariate is %s", jsonType(filters["multivariate"]))
	}
	for i := range f.variants {
		f.variants[i].payload = payload(f.variants[i].key)
	}

	f.holdout = c.compileHoldout(filters["holdout"], breakf)
	if f.holdout != nil {
		f.holdout.payload = payload(f.holdout.variant)
	}

	groups, ok := filters["groups"].([]any)
	if !ok && filters["groups"] != nil {
		breakf("groups is %s", jsonType(filters["groups"]))
	}
	if len(groups) > MaxConditions {
		breakf("it has %d condition sets, over the limit of %d (MaxConditions)", len(groups), MaxConditions)
		groups = nil
	}
	f.conditions = make([]condition, 0, len(groups))
	for i, e := range groups {
		cm, ok := e.(map[string]any)
		if !ok {
			breakf("groups[%d] is %s", i, jsonType(e))
			continue
		}
		f.conditions = append(f.conditions, c.compileCondition(f, filters, cm, i, breakf))
	}
	f.plain = f.broken == nil && !f.continuity && !f.group.set && !f.device && f.holdout == nil
	for i := range f.conditions {
		if len(f.conditions[i].filters) > 0 || f.conditions[i].mixed {
			f.plain = false
		}
	}
}

// flagBool reads a boolean field; absent and null are false.
func (c *compiler) flagBool(m map[string]any, key string, breakf func(string, ...any)) bool {
	switch v := m[key].(type) {
	case bool:
		return v
	case nil:
		return false
	default:
		breakf("%s is %s, not a boolean", key, jsonType(v))
		return false
	}
}

// filterReason applies runtime and evaluation-context filtering.
func (c *compiler) filterReason(f *flag, m map[string]any) Reason {
	switch m["evaluation_runtime"] {
	case "client":
		if c.opts.runtime == RuntimeServer {
			return ReasonFilteredByRuntime
		}
	case "server":
		if c.opts.runtime == RuntimeClient {
			return ReasonFilteredByRuntime
		}
	}
	if len(c.opts.contexts) == 0 {
		return 0
	}
	tags := m["evaluation_contexts"]
	if tags == nil {
		tags = m["evaluation_tags"] // the field's name before 2026-03
	}
	list, ok := tags.([]any)
	if !ok {
		if tags != nil {
			c.warnf("flag %q: evaluation_contexts is %s, not a list; ignored", f.key, jsonType(tags))
		}
		return 0
	}
	if len(list) == 0 {
		return 0
	}
	for _, t := range list {
		for _, want := range c.opts.contexts {
			if t == want {
				return 0
			}
		}
	}
	return ReasonFilteredByContext
}

func (c *compiler) groupRef(index float64) groupRef {
	id := ecma.FormatNumber(index)
	name := c.mapping[id]
	return groupRef{set: true, index: index, name: name, slot: c.groupSlot(name),
		unknown: inconclusive("group type index %s is not in group_type_mapping", id)}
}

// groupSlot numbers a group type name, from 1 (0 is the person), so that
// cohort verdicts can be remembered per property set.
func (c *compiler) groupSlot(name string) int32 {
	if name == "" {
		return 0
	}
	if c.slots == nil {
		c.slots = map[string]int32{}
	}
	if n, ok := c.slots[name]; ok {
		return n
	}
	n := int32(len(c.slots) + 1)
	c.slots[name] = n
	return n
}

// compileVariants precomputes each variant's bucket range with the same
// float64 additions posthog-node makes. A missing percentage is NaN there,
// which makes that range and every later one match nothing; null is 0.
func (c *compiler) compileVariants(v any, breakf func(string, ...any)) []variant {
	list, ok := v.([]any)
	if !ok {
		if v != nil {
			breakf("multivariate.variants is %s", jsonType(v))
		}
		return nil
	}
	out := make([]variant, 0, len(list))
	lo := 0.0
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			breakf("variant %d is %s", i, jsonType(e))
			return nil
		}
		key, ok := m["key"].(string)
		if !ok {
			breakf("variant %d has no string key", i)
			return nil
		}
		pct := math.NaN()
		if raw, present := m["rollout_percentage"]; present {
			switch p := raw.(type) {
			case float64:
				pct = p
			case nil:
				pct = 0
			default:
				breakf("variant %q rollout_percentage is %s", key, jsonType(p))
				return nil
			}
		}
		hi := lo + pct/100
		out = append(out, variant{key: key, min: lo, max: hi})
		lo = hi
	}
	return out
}

// compileHoldout reads filters.holdout. Like posthog-node, a null id or
// percentage, or a non-finite percentage, means no holdout, and the
// percentage is clamped to [0, 100].
func (c *compiler) compileHoldout(v any, breakf func(string, ...any)) *holdout {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		breakf("holdout is %s", jsonType(v))
		return nil
	}
	var id string
	switch x := m["id"].(type) {
	case nil:
		return nil
	case float64:
		id = ecma.FormatNumber(x)
	case string:
		id = x
	default:
		breakf("holdout id is %s", jsonType(x))
		return nil
	}
	var pct float64
	switch x := m["exclusion_percentage"].(type) {
	case nil:
		return nil
	case float64:
		pct = x
	default:
		breakf("holdout exclusion_percentage is %s", jsonType(x))
		return nil
	}
	if !isFinite(pct) {
		return nil
	}
	pct = math.Min(math.Max(pct, 0), 100)
	return &holdout{all: pct == 100, threshold: pct / 100, variant: holdoutPrefix + id}
}

func (c *compiler) compileCondition(f *flag, filters, m map[string]any, i int, breakf func(string, ...any)) condition {
	cond := condition{override: -1}
	switch r := m["rollout_percentage"].(type) {
	case nil:
	case float64:
		cond.hasRollout, cond.threshold = true, r/100
	default:
		breakf("groups[%d].rollout_percentage is %s", i, jsonType(r))
	}
	switch v := m["variant"].(type) {
	case nil:
	case string:
		cond.rawVariant = v
		for j := range f.variants {
			if f.variants[j].key == v && v != "" {
				cond.override = j
				break
			}
		}
	default:
		breakf("groups[%d].variant is %s", i, jsonType(v))
	}
	// A condition's own aggregation_group_type_index overrides the flag's
	// (mixed targeting); explicit null means the person, and leaves the
	// flag's own context in place.
	if raw, present := m["aggregation_group_type_index"]; present {
		switch g := raw.(type) {
		case nil:
		case float64:
			if !f.group.set || g != f.group.index {
				cond.mixed = true
				cond.groupName = c.mapping[ecma.FormatNumber(g)]
				cond.groupSlot = c.groupSlot(cond.groupName)
			}
		default:
			breakf("groups[%d].aggregation_group_type_index is %s", i, jsonType(g))
		}
	}
	switch props := m["properties"].(type) {
	case nil:
	case []any:
		if len(props) > MaxFilters {
			breakf("groups[%d] has %d filters, over the limit of %d (MaxFilters)", i, len(props), MaxFilters)
			break
		}
		cond.filters = make([]filter, 0, len(props))
		for j, e := range props {
			pm, ok := e.(map[string]any)
			if !ok {
				breakf("groups[%d].properties[%d] is %s", i, j, jsonType(e))
				continue
			}
			cond.filters = append(cond.filters, c.compileFilter(pm))
		}
	default:
		breakf("groups[%d].properties is %s", i, jsonType(props))
	}
	return cond
}

// compileFilter compiles one property filter of a condition or a cohort.
func (c *compiler) compileFilter(m map[string]any) filter {
	rawValue, present := m["value"]
	var val any = undefined{}
	if present {
		val = rawValue
	}
	keyVal, ok := m["key"]
	var key string
	if ok {
		key = jsString(keyVal)
	} else {
		key = "undefined"
	}
	// A missing or JavaScript-false operator means exact; an operator that
	// is not a string names no operator, whatever it spells.
	opName, named := "exact", true
	if op := m["operator"]; jsTruthy(op) {
		_, named = op.(string)
		opName = jsString(op)
	}
	f := filter{key: key, opName: opName, value: val, cohort: -1}
	switch m["type"] {
	case "cohort":
		f.typ = filterCohort
		f.notIn = m["operator"] == "not_in"
		id := jsString(val)
		if i, ok := c.cohortID[id]; ok {
			f.cohort = i
		} else {
			f.bad = inconclusive("cohort %s is not in the definitions (static cohorts are evaluated by the server)", id)
		}
		return f
	case "flag":
		f.typ = filterFlag
		f.dep = c.compileDependency(key, m, val)
		return f
	}
	f.missing = inconclusive("property %q is not in the context", key)
	if c.keyIDs == nil {
		c.keyIDs = map[string]int32{}
	}
	id, ok := c.keyIDs[key]
	if !ok {
		id = int32(len(c.keyIDs))
		c.keyIDs[key] = id
	}
	f.keyID = id
	if named {
		f.op = operatorByName[opName]
	}
	if f.op == opUnknown {
		f.bad = inconclusive("unknown operator %q", opName)
		return f
	}
	c.compileOperand(&f, val)
	return f
}

// compileOperand prepares the filter value for the operator.
func (c *compiler) compileOperand(f *filter, val any) {
	switch f.op {
	case opExact, opIsNot:
		f.exact = compileExact(val, c.s.pmv2)
		return
	case opDateBefore, opDateAfter:
		f.date, f.bad = compileDate(val)
		return
	}
	text := jsString(val) // what the other operators read
	switch f.op {
	case opIsSet, opIsNotSet:
	default:
		if ecma.HasLoneSurrogate(text) {
			f.bad = inconclusive("filter value %q holds an unpaired UTF-16 surrogate, which posthog-node compares code unit by code unit (docs/semantics.md §4.7)", ecma.DecodedAsGo(text))
			return
		}
	}
	switch f.op {
	case opIContains, opNotIContains, opStartsWith, opNotStartsWith, opEndsWith, opNotEndsWith:
		f.folded = ecma.ASCIILower(text)
	case opRegex, opNotRegex:
		f.re = c.regexp(text)
		f.unportable = inconclusive("property %q holds non-ASCII characters or a carriage return: posthog-node leaves such a regex subject to the server", f.key)
		switch f.re.Status() {
		case ecma.RegexpNotPortable:
			f.bad = inconclusive("regex %q needs the server: %s", text, f.re.Reason())
		case ecma.RegexpUnsupported:
			f.bad = inconclusive("regex %q cannot be run by Go's RE2: %s", text, f.re.Reason())
		}
	case opGT, opGTE, opLT, opLTE:
		f.text = text
		if n, ok := val.(float64); ok {
			f.num = n
		} else {
			f.num = ecma.ParseFloat(text)
		}
	case opSemverEQ, opSemverNEQ, opSemverGT, opSemverGTE, opSemverLT, opSemverLTE:
		var ok bool
		if f.ver, ok = parseVersion(text); !ok {
			f.bad = inconclusive("filter value %q is not a version", text)
		}
	case opSemverTilde, opSemverCaret, opSemverWildcard:
		var ok bool
		switch f.op {
		case opSemverTilde:
			f.vrange, ok = tildeRange(text)
		case opSemverCaret:
			f.vrange, ok = caretRange(text)
		default:
			f.vrange, ok = wildcardRange(text)
		}
		if !ok {
			f.bad = inconclusive("filter value %q is not a version for %s", text, f.opName)
		}
	}
}

// compileDate reads a date filter value: a relative "-7d", an ISO-8601
// string, or epoch milliseconds.
func compileDate(val any) (dateTarget, *inconclusiveError) {
	if _, ok := val.(bool); ok {
		return dateTarget{}, inconclusive("a boolean is not a date")
	}
	if n, unit, ok := ecma.ParseRelativeDate(jsString(val)); ok {
		return dateTarget{relative: true, n: n, unit: unit}, nil
	}
	switch x := val.(type) {
	case string:
		if ms, ok := ecma.ParseDate(x); ok {
			return dateTarget{ms: ms}, nil
		}
		return dateTarget{}, inconclusive("filter value %q is not an ISO-8601 date or a relative date", x)
	case float64:
		if ms, ok := ecma.TimeClip(x); ok {
			return dateTarget{ms: ms}, nil
		}
		return dateTarget{}, inconclusive("filter value %s is outside the range of dates", ecma.FormatNumber(x))
	}
	return dateTarget{}, inconclusive("filter value %s is not a date", jsString(val))
}

// compileExact prepares an exact or is_not value.
func compileExact(val any, pmv2 bool) *exactTarget {
	t := &exactTarget{boolish: boolishValue(val)}
	list, isList := val.([]any)

	if (!pmv2 && t.boolish) || (isList && len(list) == 0) {
		t.truthy, t.want = true, truthy(readValue(val))
		return t
	}
	if !isList {
		s, why := exactString(val)
		if why != "" {
			t.unspellable = inconclusive("exact cannot compare the filter value, %s", why)
		} else {
			t.scalar = ecma.ToLower(s)
		}
		return t
	}
	t.list = true
	seen := make(map[string]struct{}, len(list))
	for i, e := range list {
		s, why := exactString(e)
		if why != "" {
			t.unspellable = inconclusive("exact cannot compare item %d of the filter value, %s", i, why)
			break // posthog-node stops comparing at this item
		}
		lower := ecma.ToLower(s)
		if _, dup := seen[lower]; !dup {
			seen[lower] = struct{}{}
			t.few = append(t.few, lower)
		}
	}
	if len(t.few) > maxFew {
		t.set, t.few = seen, nil
	} else {
		t.few = slices.Clip(t.few)
	}
	return t
}

// maxFew is the longest exact list compared item by item (exactTarget.few).
const maxFew = 4

// exactString is posthog-core's exactMatchString for a canonical value. A
// string with an unpaired surrogate has no spelling there either.
func exactString(v any) (string, string) {
	if s, ok := v.(string); ok {
		if ecma.HasLoneSurrogate(s) {
			return "", whyLoneSurrogate
		}
		return s, ""
	}
	w := walk{unbounded: true}
	b, why := w.appendJSON(nil, readValue(v), 0)
	return string(b), why
}

func (c *compiler) compileDependency(key string, m map[string]any, val any) *dependency {
	d := &dependency{target: -1}
	switch x := val.(type) {
	case bool:
		if x {
			d.expect = expectTrue
		} else {
			d.expect = expectFalse
		}
	case string:
		d.expect, d.variant = expectVariant, x
	}
	raw, present := m["dependency_chain"]
	if !present {
		d.broken = inconclusive("the dependency on %q has no dependency_chain", key)
		return d
	}
	chain, ok := raw.([]any)
	switch {
	case !ok:
		d.broken = inconclusive("the dependency on %q has a dependency_chain that is not a list", key)
		return d
	case len(chain) == 0:
		d.broken = inconclusive("the dependency on %q is circular or missing (empty dependency_chain)", key)
		return d
	case len(chain) > maxNesting:
		d.broken = inconclusive("the dependency chain of %q is %d flags long, over the limit of %d (MaxNesting)", key, len(chain), maxNesting)
		return d
	}
	d.chain = make([]int32, len(chain))
	for i, e := range chain {
		k := jsString(e)
		idx, ok := c.s.byKey[k]
		if !ok {
			d.broken = inconclusive("flag %q, in the dependency chain of %q, is not in the definitions", k, key)
			return d
		}
		d.chain[i] = idx
		if k == key {
			d.target = idx
		}
	}
	if d.target < 0 {
		d.broken = inconclusive("the dependency_chain of %q does not include %q itself", key, key)
	}
	return d
}

// jsonType names the JSON type of a decoded value, for messages.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return typeName(v)
}
