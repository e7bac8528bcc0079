package flags

import (
	"strings"
	"time"
)

// This file is the per-flag procedure, as posthog-node 5.74.0 runs it:
//
//  1. An inactive (or deleted) flag is false; a flag with experience
//     continuity is inconclusive.
//  2. A group flag reads the group of its type and buckets on the group key;
//     without that group it is false. A person flag buckets on the distinct
//     id, or on the device id for device bucketing.
//  3. A holdout is checked before any condition.
//  4. Conditions run top to bottom; the first that matches serves its
//     variant override, a hashed variant, or true.
//
// The evaluator lives on the caller's stack for one call. It remembers every
// flag and cohort it decides, so each is decided once per evaluation however
// often dependencies and cohorts reach it. The load-time analysis in
// graph.go guarantees there is no cycle to guard against at run time.

// value is a decided flag value with what it came from. It is 8 bytes: the
// variant is an index into the flag's variants, and its key and payload are
// read from the flag when a Result is built.
type value struct {
	on     bool
	reason Reason
	vidx   int16 // the variant served: an index, noVariant or holdoutVariant
	cond   int32 // the condition that matched, or -1
}

const (
	noVariant      = -1
	holdoutVariant = -2
)

// variantKey is the variant v serves for f, or "".
func (f *flag) variantKey(v value) string {
	switch {
	case v.vidx >= 0:
		return f.variants[v.vidx].key
	case v.vidx == holdoutVariant:
		return f.holdout.variant
	}
	return ""
}

// payloadOf is the payload attached to the value v of f.
func (f *flag) payloadOf(v value) []byte {
	switch {
	case !v.on:
		return nil
	case v.vidx >= 0:
		return f.variants[v.vidx].payload
	case v.vidx == holdoutVariant:
		return f.holdout.payload
	}
	return f.truePayload
}

// answer is a decided value, or the verdict that kept the flag undecided.
type answer struct {
	value
	fail verdict // fail.out is outInconclusive, outServer or outFatal when undecided
}

func (a *answer) failed() bool { return a.fail.out > outTrue }

func decided(v value) answer { return answer{value: v} }

func failure(v verdict) answer {
	if v.cause == nil {
		v.cause = unknownCause
	}
	return answer{fail: v}
}

var unknownCause = inconclusive("the flag could not be evaluated locally")

// evaluator evaluates flags of one snapshot for one user.
type evaluator struct {
	s          *Snapshot
	user       *User
	clock      func() time.Time
	now        int64
	nowOK      bool
	memo       memo
	cohortMemo cohortMemo
	// ext holds what does not fit inline, allocated on first use.
	ext *evalExt
	// props caches property reads in a bulk evaluation; nil otherwise.
	props *propCache
	// tr records the evaluation for Explain; nil otherwise.
	tr *tracer
}

func newEvaluator(s *Snapshot, u *User, clock func() time.Time) evaluator {
	return evaluator{s: s, user: u, clock: clock}
}

// nowMs reads the clock once per evaluation, truncated to milliseconds as a
// JavaScript Date is.
func (ev *evaluator) nowMs() int64 {
	if !ev.nowOK {
		ev.now, ev.nowOK = ev.clock().UnixMilli(), true
	}
	return ev.now
}

// result evaluates f as the flag asked for.
func (ev *evaluator) result(f *flag, withPayload bool) Result {
	if f.filtered != 0 {
		return Result{Key: f.key, Reason: f.filtered, Condition: -1}
	}
	var a answer
	switch {
	case ev.tr != nil:
		a = ev.traced(f)
	case f.plain:
		a = decided(f.plainValue(ev.user.DistinctID))
	default:
		var ok bool
		if a, ok = ev.answerOf(f.index); !ok {
			a = ev.traced(f)
			// Only a bulk evaluation can ask for this flag again, as a
			// dependency of a later one; remembering an undecided answer
			// costs an allocation for its cause.
			if ev.memo.dense != nil {
				ev.remember(f.index, a)
			}
		}
	}
	r := f.resultOf(a, withPayload)
	if ev.s.red != nil && a.failed() {
		r.Err = ev.s.red.cause(a.fail.cause) // may quote the document's text
	}
	return r
}

// resultOf turns f's answer into a Result.
func (f *flag) resultOf(a answer, withPayload bool) Result {
	if a.failed() {
		return Result{Key: f.key, Reason: ReasonInconclusive, Condition: -1, Err: a.fail.cause}
	}
	r := Result{Key: f.key, Enabled: a.on, Variant: f.variantKey(a.value), Reason: a.reason, Condition: int(a.cond)}
	if withPayload {
		r.Payload = f.payloadOf(a.value)
	}
	return r
}

var (
	disabledValue     = value{reason: ReasonDisabled, vidx: noVariant, cond: -1}
	outOfRolloutValue = value{reason: ReasonOutOfRollout, vidx: noVariant, cond: -1}
	noMatchValue      = value{reason: ReasonNoConditionMatch, vidx: noVariant, cond: -1}
	noGroupValue      = value{reason: ReasonNoGroup, vidx: noVariant, cond: -1}
	continuity        = inconclusive("the flag has experience continuity enabled, which needs the server")
)

// traced is flagValue, recorded when tracing.
func (ev *evaluator) traced(f *flag) answer {
	if ev.tr == nil {
		return ev.flagValue(f)
	}
	ev.tr.beginFlag(f)
	a := ev.flagValue(f)
	ev.tr.endFlag(f, a)
	return a
}

// flagValue is posthog-node's computeFlagValueLocally.
func (ev *evaluator) flagValue(f *flag) answer {
	if !f.active || f.deleted {
		return decided(disabledValue)
	}
	if f.continuity {
		return failure(undecided(continuity))
	}
	if f.broken != nil {
		return failure(undecided(f.broken))
	}
	if f.group.set {
		if f.group.name == "" {
			return failure(undecided(f.group.unknown))
		}
		g, ok := ev.user.Groups[f.group.name]
		if !ok {
			return decided(noGroupValue)
		}
		props := groupView(&g, f.group.slot)
		if ev.tr != nil {
			ev.tr.note("group flag: the user's %q is %s", f.group.name, quoted(g.Key))
			ev.tr.bucketing(g.Key)
		}
		return ev.conditions(f, &props, g.Key)
	}
	props := personView(ev.user)
	id := ev.user.DistinctID
	if f.device {
		pv, ok := props.get("$device_id")
		if !ok || pv.kind == kindNull || (pv.kind == kindString && pv.str == "") {
			return failure(undecided(noDeviceID))
		}
		id = pv.str
		if pv.kind != kindString {
			s, why := spellID(pv)
			if why != "" {
				return failure(undecided(valueCause("$device_id", why)))
			}
			id = s
		}
	}
	if ev.tr != nil {
		if f.device {
			ev.tr.note("the flag buckets by device id")
		}
		ev.tr.bucketing(id)
	}
	return ev.conditions(f, &props, id)
}

// spellID is String(v) for a device id that is not a string, copied: the
// bucketing id outlives the buffer it is spelled in. Kept apart from
// flagValue so that its buffer does not move to the heap on every
// evaluation of a device-bucketed flag.
func spellID(pv scalar) (string, string) {
	var buf [32]byte
	s, why := scalarString(pv, buf[:])
	return strings.Clone(s), why
}

var noDeviceID = inconclusive("the flag buckets by device id and the context has none")

// condResult is how one condition set came out.
type condResult uint8

const (
	condNoMatch condResult = iota
	condMatch
	// condOutOfRollout: the filters matched but the rollout excluded the
	// user. With early_exit this ends the flag as false.
	condOutOfRollout
	condUndecided
)

const holdoutPrefix = "holdout-"

// conditions is posthog-node's matchFeatureFlagProperties: the holdout, then
// the condition sets in order.
func (ev *evaluator) conditions(f *flag, props *propsView, id string) answer {
	if h := f.holdout; h != nil {
		held := h.all || bucket(holdoutPrefix, id, "") <= h.threshold
		if ev.tr != nil {
			ev.tr.holdout(h, id, held)
		}
		if held {
			return decided(value{on: true, vidx: holdoutVariant, reason: ReasonHoldout, cond: -1})
		}
	}
	var pending verdict // the first undecided condition, with the regex marks of all
	var deferred deferredValues
	var rh rolloutHash
	outOfRollout := false
	for i := range f.conditions {
		c := &f.conditions[i]
		if ev.tr != nil {
			ev.tr.beginCondition(i)
		}
		cprops, cid := props, id
		var gprops propsView
		if c.mixed {
			if c.groupName == "" {
				if ev.tr != nil {
					ev.tr.skipCondition("its group type index is not in group_type_mapping")
				}
				continue
			}
			g, ok := ev.user.Groups[c.groupName]
			if !ok {
				if ev.tr != nil {
					ev.tr.skipCondition("the user has no " + c.groupName + " group")
				}
				continue // a condition on a group the user lacks cannot match
			}
			gprops = groupView(&g, c.groupSlot)
			cprops, cid = &gprops, g.Key
		}
		res, v := ev.condition(f, c, cprops, cid, &rh)
		if ev.tr != nil {
			ev.tr.endCondition(res, v)
		}
		switch res {
		case condMatch:
			val := f.serve(c, i, cid)
			if ev.tr != nil {
				ev.tr.served(f, c, cid, val)
			}
			// An earlier condition with an undecided regex could have served
			// something else, so the later match cannot stand.
			if deferred.conflict(f, val) {
				return failure(pending)
			}
			return decided(val)
		case condOutOfRollout:
			outOfRollout = true
			if f.earlyExit {
				if pending.out != outFalse {
					return failure(pending)
				}
				return decided(outOfRolloutValue)
			}
		case condUndecided:
			if v.out != outInconclusive {
				return failure(v) // server data or a broken definition: stop here
			}
			pending.addUndecided(v)
			if v.regex {
				deferred.add(f, f.wouldServe(c, i, cid, &rh))
			}
		}
	}
	if pending.out != outFalse {
		return failure(pending)
	}
	if outOfRollout {
		return decided(outOfRolloutValue)
	}
	return decided(noMatchValue)
}

// condition is posthog-node's isConditionMatch. Every filter is tried even
// after one is undecided, because a later filter that is definitely false
// still rules the condition out.
func (ev *evaluator) condition(f *flag, c *condition, props *propsView, id string, rh *rolloutHash) (condResult, verdict) {
	if len(c.filters) > 0 {
		var pending, server verdict
	filters:
		for i := range c.filters {
			v := ev.filter(&c.filters[i], props)
			switch v.out {
			case outTrue:
				continue
			case outFalse:
				return condNoMatch, v
			case outServer:
				// Server data decides only when nothing before it was
				// undecided, as when posthog-node stopped at it.
				if pending.out == outFalse {
					server = v
				}
			case outFatal:
				if pending.out == outFalse {
					return condUndecided, v
				}
				break filters
			}
			pending.addUndecided(v)
		}
		if server.out == outServer {
			return condUndecided, server
		}
		if pending.out != outFalse {
			return condUndecided, pending
		}
		if !c.hasRollout {
			return condMatch, verdict{}
		}
	}
	if c.hasRollout {
		out := rh.out(c.threshold, f.hashKey, id)
		if ev.tr != nil {
			ev.tr.rollout(c, f.hashKey, id, !out)
		}
		if out {
			return condOutOfRollout, verdict{}
		}
	}
	return condMatch, verdict{}
}

// plainValue decides a plain flag (see flag.plain) for the bucketing id: it
// is conditions without filters, groups or holdouts, and without the
// evaluator that those need.
func (f *flag) plainValue(id string) value {
	if !f.active || f.deleted {
		return disabledValue
	}
	var rh rolloutHash
	out := false
	for i := range f.conditions {
		c := &f.conditions[i]
		if c.hasRollout && rh.out(c.threshold, f.hashKey, id) {
			if f.earlyExit {
				return outOfRolloutValue
			}
			out = true
			continue
		}
		return f.serve(c, i, id)
	}
	if out {
		return outOfRolloutValue
	}
	return noMatchValue
}

// serve is the value a matched condition serves: its variant override if it
// names a real variant, else the hashed variant, else true.
func (f *flag) serve(c *condition, i int, id string) value {
	v := c.override
	if v < 0 {
		v = pickVariant(f.variants, f.hashKey, id)
	}
	if v < 0 || f.variants[v].key == "" {
		v = noVariant
	}
	return value{on: true, vidx: int16(v), reason: ReasonMatched, cond: int32(i)}
}

// wouldServe is what an undecided condition would serve if it matched:
// posthog-node records it for a condition whose regex it cannot decide.
func (f *flag) wouldServe(c *condition, i int, id string, rh *rolloutHash) value {
	if f.earlyExit && c.hasRollout && rh.out(c.threshold, f.hashKey, id) {
		return value{vidx: noVariant}
	}
	return f.serve(c, i, id)
}

// deferredValues remembers what undecided regex conditions would have
// served, enough to tell whether any differs from a later match.
type deferredValues struct {
	n     int
	first value
	mixed bool // two remembered values differ
}

func (d *deferredValues) add(f *flag, v value) {
	if d.n == 0 {
		d.first = v
	} else if !f.sameValue(d.first, v) {
		d.mixed = true
	}
	d.n++
}

func (d *deferredValues) conflict(f *flag, v value) bool {
	return d.n > 0 && (d.mixed || !f.sameValue(d.first, v))
}

func (f *flag) sameValue(a, b value) bool {
	return a.on == b.on && f.variantKey(a) == f.variantKey(b)
}

// dependency decides a flag filter: every flag of its dependency_chain is
// decided in order (an undecided one makes the filter undecided, as in
// posthog-node), then the dependency's value is compared with the filter's.
func (ev *evaluator) dependency(f *filter) verdict {
	d := f.dep
	if d.broken != nil {
		return undecided(d.broken)
	}
	for _, idx := range d.chain {
		a, ok := ev.answerOf(idx)
		if ok {
			if ev.tr != nil {
				ev.tr.cached(&ev.s.flags[idx], a.on, ev.s.flags[idx].variantKey(a.value))
			}
		} else {
			ev.prepare(idx)
			a, _ = ev.answerOf(idx)
		}
		if a.failed() {
			out := outInconclusive
			if a.fail.out == outServer {
				out = outServer
			}
			return verdict{out: out, regex: a.fail.regex,
				cause: inconclusive("the dependency on %q: flag %q is undecided: %s", f.key, ev.s.flags[idx].key, a.fail.cause.cause)}
		}
	}
	target, _ := ev.memo.get(d.target)
	return boolVerdict(d.satisfied(&ev.s.flags[d.target], target.value))
}

// prepare decides flag root and, first, every flag it can depend on that is
// not decided yet, in post-order, so that each flag is decided when all its
// dependencies already are. It walks the load-time dependency graph with an
// explicit stack: a chain of dependencies however long (or a dependency_chain
// that lies about its order) costs no recursion.
func (ev *evaluator) prepare(root int32) {
	g, nf := ev.s.graph, int32(len(ev.s.flags))
	// The common case: a chain from PostHog's server lists dependencies
	// deepest first, so the flag's own dependencies are already decided and
	// it uses no cohort; decide it without the walk.
	if len(g.flagCohorts[root]) == 0 {
		ready := true
		for _, d := range g.flagFlags[root] {
			if _, done := ev.memo.get(d); !done {
				ready = false
				break
			}
		}
		if ready {
			ev.decideDependency(root)
			return
		}
	}
	x := ev.extension()
	base := len(x.stack)
	x.stack = append(x.stack, prepFrame{node: root})
	for len(x.stack) > base {
		top := &x.stack[len(x.stack)-1]
		var flags, cohorts []int32
		if top.node < nf {
			flags, cohorts = g.flagFlags[top.node], g.flagCohorts[top.node]
		} else {
			flags, cohorts = g.cohortFlags[top.node-nf], g.cohortCohorts[top.node-nf]
		}
		if i := int(top.next); i < len(flags)+len(cohorts) {
			top.next++
			if i < len(flags) {
				if _, done := ev.memo.get(flags[i]); !done {
					x.stack = append(x.stack, prepFrame{node: flags[i]})
				}
			} else if c := cohorts[i-len(flags)]; !x.seen[c] {
				if x.seen == nil {
					x.seen = map[int32]bool{}
				}
				x.seen[c] = true
				x.stack = append(x.stack, prepFrame{node: nf + c})
			}
			continue
		}
		n := top.node
		x.stack = x.stack[:len(x.stack)-1]
		if n >= nf {
			continue
		}
		if _, done := ev.memo.get(n); !done { // it may have been reached twice
			ev.decideDependency(n)
		}
	}
}

// decideDependency decides flag n as a dependency and remembers it.
func (ev *evaluator) decideDependency(n int32) {
	dep := &ev.s.flags[n]
	a := decided(disabledValue) // filtered out, inactive or deleted: false
	if dep.filtered == 0 && dep.active && !dep.deleted {
		a = ev.traced(dep)
	}
	ev.remember(n, a)
}

// prepFrame is a node of prepare's walk: a flag (node < number of flags) or
// a cohort, and the next of its successors to visit.
type prepFrame struct {
	node int32
	next int32
}

// evalExt is an evaluation's storage beyond the inline arrays, allocated
// the first time something overflows them. Keeping it behind one pointer
// that only ever receives a fresh allocation keeps the evaluator itself on
// the caller's stack.
type evalExt struct {
	causes []*inconclusiveError // of undecided memo entries
	stack  []prepFrame
	seen   map[int32]bool // cohorts prepare has walked
}

func (ev *evaluator) extension() *evalExt {
	if ev.ext == nil {
		ev.ext = &evalExt{}
	}
	return ev.ext
}

// memo holds the answers of the flags decided so far in this evaluation,
// undecided ones included. A single evaluation rarely decides more than a
// few, so they live inline; a bulk evaluation uses a dense table.
//
// Entries hold no pointers: an undecided answer's cause lives in
// evalExt.causes and the entry keeps its index. Escape analysis does not
// tell the evaluator's fields apart, so a pointer read out of the evaluator
// and stored back into it would move the whole evaluator, and the caller's
// User, to the heap.
type memo struct {
	n      int
	keys   [4]int32
	vals   [4]stored
	spill  *map[int32]stored
	dense  []stored
	filled []bool
}

// stored is an answer (or a verdict) kept in a memo.
type stored struct {
	value
	out   outcome
	regex bool
	cause int32 // index into evalExt.causes, or -1
}

// store turns an answer into a memo entry.
func (ev *evaluator) store(a answer) stored {
	return stored{value: a.value, out: a.fail.out, regex: a.fail.regex, cause: ev.keepCause(a.fail.cause)}
}

// load turns a memo entry back into an answer.
func (ev *evaluator) load(s stored) answer {
	return answer{value: s.value, fail: verdict{out: s.out, regex: s.regex, cause: ev.cause(s.cause)}}
}

func (ev *evaluator) keepCause(c *inconclusiveError) int32 {
	if c == nil {
		return -1
	}
	x := ev.extension()
	x.causes = append(x.causes, c)
	return int32(len(x.causes) - 1)
}

func (ev *evaluator) cause(i int32) *inconclusiveError {
	if i < 0 {
		return nil
	}
	return ev.ext.causes[i]
}

// answerOf returns the remembered answer of flag i.
func (ev *evaluator) answerOf(i int32) (answer, bool) {
	s, ok := ev.memo.get(i)
	if !ok {
		return answer{}, false
	}
	return ev.load(s), true
}

// remember keeps the answer of flag i.
func (ev *evaluator) remember(i int32, a answer) { ev.memo.put(i, ev.store(a)) }

func (m *memo) get(i int32) (stored, bool) {
	if m.dense != nil {
		return m.dense[i], m.filled[i]
	}
	for j := 0; j < m.n; j++ {
		if m.keys[j] == i {
			return m.vals[j], true
		}
	}
	if m.spill != nil {
		s, ok := (*m.spill)[i]
		return s, ok
	}
	return stored{}, false
}

func (m *memo) put(i int32, s stored) {
	switch {
	case m.dense != nil:
		m.dense[i], m.filled[i] = s, true
	case m.n < len(m.keys):
		m.keys[m.n], m.vals[m.n] = i, s
		m.n++
	default:
		if m.spill == nil {
			mm := make(map[int32]stored)
			m.spill = &mm
		}
		(*m.spill)[i] = s
	}
}

// cohortKey names a cohort decided for a property set.
type cohortKey struct{ cohort, slot int32 }

// cohortMemo remembers cohort verdicts, like memo (and, like it, without
// pointers). A bulk evaluation uses a dense table of views entries per
// cohort.
type cohortMemo struct {
	n      int
	keys   [4]cohortKey
	vals   [4]stored
	spill  *map[cohortKey]stored
	views  int32
	dense  []stored
	filled []bool
}

func (m *cohortMemo) get(k cohortKey) (stored, bool) {
	if m.dense != nil {
		i := k.cohort*m.views + k.slot
		return m.dense[i], m.filled[i]
	}
	for j := 0; j < m.n; j++ {
		if m.keys[j] == k {
			return m.vals[j], true
		}
	}
	if m.spill != nil {
		s, ok := (*m.spill)[k]
		return s, ok
	}
	return stored{}, false
}

func (m *cohortMemo) put(k cohortKey, s stored) {
	if m.dense != nil {
		i := k.cohort*m.views + k.slot
		m.dense[i], m.filled[i] = s, true
		return
	}
	if m.n < len(m.keys) {
		m.keys[m.n], m.vals[m.n] = k, s
		m.n++
		return
	}
	if m.spill == nil {
		mm := make(map[cohortKey]stored)
		m.spill = &mm
	}
	(*m.spill)[k] = s
}
