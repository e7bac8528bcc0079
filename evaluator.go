package flags

import (
	"time"
)

// This file is the per-flag procedure, as posthog-node 5.70.0 runs it:
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
// The evaluator lives on the caller's stack for one call. It holds the
// answers of dependencies already evaluated, so a flag reached twice through
// dependency chains is evaluated once, and the flags and cohorts in progress,
// so that a cycle is detected instead of recursing forever.

// value is a decided flag value with what it came from.
type value struct {
	on      bool
	variant string // "" for a plain true or false
	payload []byte
	reason  Reason
	cond    int
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
	s     *Snapshot
	user  *User
	clock func() time.Time
	now   int64
	nowOK bool
	memo  memo
	flags nesting // flags being evaluated, outermost first
	// cohorts being decided, outermost first
	cohorts nesting
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
	ev.flags.push(f.index)
	a := ev.traced(f)
	ev.flags.pop()
	if a.failed() {
		return Result{Key: f.key, Reason: ReasonInconclusive, Condition: -1, Err: a.fail.cause}
	}
	if ev.memo.dense != nil {
		// Evaluating every flag: flags that depend on this one reuse it.
		ev.memo.put(f.index, a.value)
	}
	r := Result{Key: f.key, Enabled: a.on, Variant: a.variant, Reason: a.reason, Condition: a.cond}
	if withPayload {
		r.Payload = a.payload
	}
	return r
}

var (
	disabledValue = value{reason: ReasonDisabled, cond: -1}
	noGroupValue  = value{reason: ReasonNoGroup, cond: -1}
	continuity    = inconclusive("the flag has experience continuity enabled, which needs the server")
)

// traced is flagValue, recorded when tracing.
func (ev *evaluator) traced(f *flag) answer {
	if ev.tr == nil {
		return ev.flagValue(f)
	}
	ev.tr.beginFlag(f)
	a := ev.flagValue(f)
	ev.tr.endFlag(a)
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
		props := groupView(&g)
		if ev.tr != nil {
			ev.tr.note("group flag: the user's %q is %q", f.group.name, g.Key)
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
		var buf [32]byte
		s, b, ok := scalarString(pv, buf[:])
		if !ok {
			return failure(undecided(unsupportedType("$device_id", pv.raw)))
		}
		if b != nil {
			s = string(b)
		}
		id = s
	}
	if ev.tr != nil {
		if f.device {
			ev.tr.note("the flag buckets by device id")
		}
		ev.tr.bucketing(id)
	}
	return ev.conditions(f, &props, id)
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
			return decided(value{on: true, variant: h.variant, payload: h.payload, reason: ReasonHoldout, cond: -1})
		}
	}
	var pending verdict // the first undecided condition, with the regex marks of all
	var deferred deferredValues
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
			gprops = groupView(&g)
			cprops, cid = &gprops, g.Key
		}
		res, v := ev.condition(f, c, cprops, cid)
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
			if deferred.conflict(val) {
				return failure(pending)
			}
			return decided(val)
		case condOutOfRollout:
			outOfRollout = true
			if f.earlyExit {
				if pending.out != outFalse {
					return failure(pending)
				}
				return decided(value{reason: ReasonOutOfRollout, cond: -1})
			}
		case condUndecided:
			if v.out != outInconclusive {
				return failure(v) // server data or a broken definition: stop here
			}
			if pending.out == outFalse {
				pending = v
			} else {
				pending.regex = pending.regex || v.regex
			}
			if v.regex {
				deferred.add(f.wouldServe(c, i, cid))
			}
		}
	}
	if pending.out != outFalse {
		return failure(pending)
	}
	if outOfRollout {
		return decided(value{reason: ReasonOutOfRollout, cond: -1})
	}
	return decided(value{reason: ReasonNoConditionMatch, cond: -1})
}

// condition is posthog-node's isConditionMatch. Every filter is tried even
// after one is undecided, because a later filter that is definitely false
// still rules the condition out.
func (ev *evaluator) condition(f *flag, c *condition, props *propsView, id string) (condResult, verdict) {
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
			if pending.out == outFalse {
				pending = verdict{out: outInconclusive, regex: v.regex, cause: v.cause}
			} else {
				pending.regex = pending.regex || v.regex
			}
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
		out := outOfRollout(c.threshold, f.hashKey, id)
		if ev.tr != nil {
			ev.tr.rollout(c, f.hashKey, id, !out)
		}
		if out {
			return condOutOfRollout, verdict{}
		}
	}
	return condMatch, verdict{}
}

// serve is the value a matched condition serves: its variant override if it
// names a real variant, else the hashed variant, else true.
func (f *flag) serve(c *condition, i int, id string) value {
	v := c.override
	if v < 0 {
		v = pickVariant(f.variants, f.hashKey, id)
	}
	if v < 0 || f.variants[v].key == "" {
		return value{on: true, payload: f.truePayload, reason: ReasonMatched, cond: i}
	}
	return value{on: true, variant: f.variants[v].key, payload: f.variants[v].payload, reason: ReasonMatched, cond: i}
}

// wouldServe is what an undecided condition would serve if it matched:
// posthog-node records it for a condition whose regex it cannot decide.
func (f *flag) wouldServe(c *condition, i int, id string) value {
	if f.earlyExit && c.hasRollout && bucket(f.hashKey, id, saltRollout) > c.threshold {
		return value{}
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

func (d *deferredValues) add(v value) {
	if d.n == 0 {
		d.first = v
	} else if !sameValue(d.first, v) {
		d.mixed = true
	}
	d.n++
}

func (d *deferredValues) conflict(v value) bool {
	return d.n > 0 && (d.mixed || !sameValue(d.first, v))
}

func sameValue(a, b value) bool { return a.on == b.on && a.variant == b.variant }

// dependency decides a flag filter: every flag of its dependency_chain is
// evaluated in order (an undecided one makes the filter undecided), then the
// dependency's value is compared with the filter's.
func (ev *evaluator) dependency(f *filter) verdict {
	d := f.dep
	if d.broken != nil {
		return undecided(d.broken)
	}
	for _, idx := range d.chain {
		if v, ok := ev.memo.get(idx); ok {
			if ev.tr != nil {
				ev.tr.cached(&ev.s.flags[idx], v.on, v.variant)
			}
			continue
		}
		dep := &ev.s.flags[idx]
		var val value // flags filtered out, inactive or deleted are false
		if dep.filtered == 0 && dep.active && !dep.deleted {
			if !ev.flags.push(idx) {
				return undecided(d.cycle)
			}
			a := ev.traced(dep)
			ev.flags.pop()
			if a.failed() {
				out := outInconclusive
				if a.fail.out == outServer {
					out = outServer
				}
				return verdict{out: out, regex: a.fail.regex,
					cause: inconclusive("dependency %q of %q is undecided: %s", dep.key, f.key, a.fail.cause.cause)}
			}
			val = a.value
		}
		ev.memo.put(idx, val)
	}
	val, _ := ev.memo.get(d.target)
	return boolVerdict(d.satisfied(val))
}

// memo holds decided flag values for the evaluation's duration. A single
// evaluation rarely touches more than a few dependencies, so they live
// inline; a bulk evaluation uses a dense table.
type memo struct {
	n      int
	keys   [4]int32
	vals   [4]value
	more   map[int32]value
	dense  []value
	filled []bool
}

func (m *memo) get(i int32) (value, bool) {
	if m.dense != nil {
		return m.dense[i], m.filled[i]
	}
	for j := 0; j < m.n; j++ {
		if m.keys[j] == i {
			return m.vals[j], true
		}
	}
	v, ok := m.more[i]
	return v, ok
}

func (m *memo) put(i int32, v value) {
	switch {
	case m.dense != nil:
		m.dense[i], m.filled[i] = v, true
	case m.n < len(m.keys):
		m.keys[m.n], m.vals[m.n] = i, v
		m.n++
	default:
		if m.more == nil {
			m.more = make(map[int32]value)
		}
		m.more[i] = v
	}
}

// nesting is the stack of flags or cohorts in progress, bounded by
// maxNesting. It is a fixed array so that the evaluator never stores a
// pointer through itself, which would move it (and the caller's User) to the
// heap.
type nesting struct {
	n     int
	items [maxNesting]int32
}

// push adds i, or reports false if i is already in progress (a cycle) or
// the stack is full.
func (s *nesting) push(i int32) bool {
	if s.n >= maxNesting {
		return false
	}
	for _, j := range s.items[:s.n] {
		if j == i {
			return false
		}
	}
	s.items[s.n] = i
	s.n++
	return true
}

func (s *nesting) pop() { s.n-- }
