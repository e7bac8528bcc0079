package flags

// This file checks, once at load time, the two graphs that make evaluation
// recursive: cohorts that include cohorts, and flags that depend on flags
// (directly, or through flag filters inside the cohorts they use). After it,
// both graphs are acyclic and cohort nesting is bounded, so an evaluation
// always terminates, each flag and cohort is decided at most once per
// evaluation (see memo), and no answer depends on the order in which flags
// were reached.
//
// PostHog's server never sends a cohort that includes itself, and sends an
// empty dependency_chain for a circular dependency; posthog-node overflows
// its stack or recurses forever on the documents this rejects. So the
// choices here only change answers for hand-written or hostile documents:
//
//   - a cohort filter that reaches a cohort cycle, or cohorts nested deeper
//     than MaxNesting, aborts its flag (posthog-node's stack overflow);
//   - a flag filter whose dependency_chain names a flag that lies on a
//     dependency cycle is undecided.

// depGraph is the static dependency graph, for evaluating a dependency's
// own dependencies first (see evaluator.prepare). flagFlags[f] are the
// flags f's conditions depend on, flagCohorts[f] the cohorts they use;
// cohortFlags and cohortCohorts are the same for cohorts.
type depGraph struct {
	flagFlags     [][]int32
	flagCohorts   [][]int32
	cohortFlags   [][]int32
	cohortCohorts [][]int32
}

// eachFilter calls fn for every filter of every flag condition and every
// cohort, with the node number of its owner: flag i is node i, cohort j is
// node len(s.flags)+j.
func (s *Snapshot) eachFilter(fn func(node int, f *filter)) {
	for i := range s.flags {
		for j := range s.flags[i].conditions {
			for k := range s.flags[i].conditions[j].filters {
				fn(i, &s.flags[i].conditions[j].filters[k])
			}
		}
	}
	for j := range s.cohorts {
		forEachFilter(&s.cohorts[j].root, func(f *filter) { fn(len(s.flags)+j, f) })
	}
}

// forEachFilter calls fn for every filter of every group in g, nested ones
// included.
func forEachFilter(g *propertyGroup, fn func(*filter)) {
	for i := range g.groups {
		forEachFilter(&g.groups[i], fn)
	}
	for i := range g.leaves {
		fn(&g.leaves[i])
	}
}

// analyze checks the graphs and builds the depGraph.
func (c *compiler) analyze() {
	s := c.s
	nc := len(s.cohorts)
	nf := len(s.flags)

	// Cohorts: which cohorts each cohort includes.
	cohortRefs := make([][]int32, nc)
	for i := range s.cohorts {
		forEachFilter(&s.cohorts[i].root, func(f *filter) {
			if f.typ == filterCohort && f.cohort >= 0 {
				cohortRefs[i] = append(cohortRefs[i], f.cohort)
			}
		})
	}
	cyclic := cyclicNodes(nc, func(i int32) []int32 { return cohortRefs[i] })
	depth := cohortDepths(cohortRefs, cyclic)
	markCohort := func(f *filter) {
		if f.typ != filterCohort || f.cohort < 0 {
			return
		}
		switch t := f.cohort; {
		case cyclic[t]:
			f.fatal = s.cohorts[t].loop
		case depth[t] > maxNesting:
			f.fatal = inconclusive("cohort %s nests cohorts %d deep, over the limit of %d (MaxNesting)", s.cohorts[t].id, depth[t], maxNesting)
		}
	}
	s.eachFilter(func(_ int, f *filter) { markCohort(f) })

	// Flags and cohorts together: node i < nf is flag i, node nf+j cohort j.
	g := &depGraph{
		flagFlags: make([][]int32, nf), flagCohorts: make([][]int32, nf),
		cohortFlags: make([][]int32, nc), cohortCohorts: make([][]int32, nc),
	}
	lists := func(n int) (flags, cohorts *[]int32) {
		if n < nf {
			return &g.flagFlags[n], &g.flagCohorts[n]
		}
		return &g.cohortFlags[n-nf], &g.cohortCohorts[n-nf]
	}
	edges := func() {
		for n := 0; n < nf+nc; n++ {
			flags, cohorts := lists(n)
			*flags, *cohorts = (*flags)[:0], (*cohorts)[:0]
		}
		s.eachFilter(func(n int, f *filter) {
			flags, cohorts := lists(n)
			switch {
			case f.typ == filterFlag && f.dep.broken == nil:
				*flags = append(*flags, f.dep.chain...)
			case f.typ == filterCohort && f.cohort >= 0 && f.fatal == nil:
				*cohorts = append(*cohorts, f.cohort)
			}
		})
	}
	edges()
	succ := func(n int32) []int32 {
		flags, cohorts := lists(int(n))
		out := make([]int32, 0, len(*flags)+len(*cohorts))
		out = append(out, *flags...)
		for _, c := range *cohorts {
			out = append(out, int32(nf)+c)
		}
		return out
	}
	onCycle := cyclicNodes(int32(nf+nc), succ)
	breakCycles := func(f *filter) {
		if f.typ != filterFlag || f.dep.broken != nil {
			return
		}
		for _, m := range f.dep.chain {
			if onCycle[m] {
				f.dep.broken = inconclusive("the dependency on %q goes through flag %q, which is on a dependency cycle", f.key, s.flags[m].key)
				return
			}
		}
	}
	s.eachFilter(func(_ int, f *filter) { breakCycles(f) })
	edges() // without the broken filters: the graph is now acyclic
	s.graph = g
}

// cohortDepths returns, for each cohort, how many cohorts deep deciding it
// goes: 1 for a cohort of plain filters, 1 + the deepest of the cohorts it
// includes otherwise, leaving out the cohorts on cycles. It walks with an
// explicit stack, like cyclicNodes: a chain of cohorts as long as a
// document can hold costs no recursion.
func cohortDepths(refs [][]int32, cyclic []bool) []int {
	depth := make([]int, len(refs)) // 0: not reached yet; -1: on the stack
	type frame struct {
		c    int32
		next int
	}
	var stack []frame
	for root := range refs {
		if depth[root] != 0 {
			continue
		}
		depth[root] = -1
		stack = append(stack[:0], frame{c: int32(root)})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if kids := refs[top.c]; top.next < len(kids) {
				j := kids[top.next]
				top.next++
				// Below a cohort that is not on a cycle, every cohort
				// reached off the cycles is finished or new, never on
				// the stack.
				if !cyclic[j] && depth[j] == 0 {
					depth[j] = -1
					stack = append(stack, frame{c: j})
				}
				continue
			}
			d := 1
			for _, j := range refs[top.c] {
				if !cyclic[j] {
					d = max(d, 1+depth[j])
				}
			}
			depth[top.c] = d
			stack = stack[:len(stack)-1]
		}
	}
	return depth
}

// cyclicNodes reports, for a graph of n nodes with successors succ, which
// nodes lie on a cycle (a strongly connected component of two or more
// nodes, or a node with an edge to itself). It is Tarjan's algorithm with an
// explicit stack, so a long chain cannot exhaust the goroutine stack.
func cyclicNodes[N int | int32](n N, succ func(int32) []int32) []bool {
	size := int(n)
	index := make([]int32, size) // visit order + 1; 0 means unvisited
	low := make([]int32, size)
	onStack := make([]bool, size)
	cyclic := make([]bool, size)
	var stack []int32
	type frame struct {
		v    int32
		next int
		kids []int32
	}
	var calls []frame
	counter := int32(0)
	for root := 0; root < size; root++ {
		if index[root] != 0 {
			continue
		}
		calls = append(calls[:0], frame{v: int32(root), kids: succ(int32(root))})
		counter++
		index[root], low[root] = counter, counter
		stack = append(stack, int32(root))
		onStack[root] = true
		for len(calls) > 0 {
			top := &calls[len(calls)-1]
			if top.next < len(top.kids) {
				w := top.kids[top.next]
				top.next++
				switch {
				case w == top.v:
					cyclic[w] = true
				case index[w] == 0:
					counter++
					index[w], low[w] = counter, counter
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{v: w, kids: succ(w)})
				case onStack[w]:
					low[top.v] = min(low[top.v], index[w])
				}
				continue
			}
			v := top.v
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				parent := calls[len(calls)-1].v
				low[parent] = min(low[parent], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			// v roots a component: pop it.
			start := len(stack) - 1
			for stack[start] != v {
				start--
			}
			if len(stack)-start > 1 {
				for _, w := range stack[start:] {
					cyclic[w] = true
				}
			}
			for _, w := range stack[start:] {
				onStack[w] = false
			}
			stack = stack[:start]
		}
	}
	return cyclic
}
