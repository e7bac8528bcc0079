package ecma

// A small deterministic automaton for the regex operators.
//
// Go's regexp package simulates its program for every subject: about 15 ns a
// byte, a third of a typical flag evaluation with one regex filter. The
// subjects Match hands on are ASCII without a carriage return, and most
// patterns in flag filters are small, so CompileRegexp also tries to turn the
// RE2 program into a DFA over ASCII once, when the flag is loaded. Matching
// is then one table lookup a byte. A pattern whose DFA would be large, or
// would take long to build, keeps using the regexp package; both give the
// same answer (the regex vectors and TestDFAAgreesWithRegexp check it).
//
// The construction is the textbook subset construction over the program's
// instructions, with two details:
//
//   - Matching is unanchored, as regexp.MatchString is: the program's start
//     is added to the thread set before every byte, and a state that has
//     seen a match is absorbing, since only the boolean answer is needed.
//   - Empty-width assertions (^, $, \b, \B) depend on the byte before the
//     position and the byte after it. A state therefore remembers what kind
//     of byte came last (none, newline, word, other), and its threads are
//     followed through assertions only when the next byte is known, on the
//     transition.
//
// Bytes are grouped into classes that every instruction treats alike, so the
// table has a column per class rather than per byte.

import (
	"regexp/syntax"
	"slices"
)

// Rows are uint16, so states times classes must stay below 65536.
const (
	dfaMaxStates = 255 // plus the match state
	dfaMaxClass  = 64
)

// dfa answers regexp.MatchString for subjects of ASCII bytes.
type dfa struct {
	// class maps a byte to its column, or to noClass for the bytes that
	// make a subject non-portable (0x80 and above, and '\r').
	class [256]uint8
	ncls  int
	// next[row+class] is the row of the next state, where a state's row is
	// its number times ncls; the match state's row is 0.
	next   []uint16
	accept []bool // accept[state]: matched, or matches at the end of text
}

const noClass = 0xff

// match reports whether the automaton accepts s; portable is false when s
// holds a byte that is not portable, and matched is then meaningless.
func (d *dfa) match(s string) (matched, portable bool) {
	row := d.ncls // the start state, 1
	for i := 0; i < len(s); i++ {
		c := d.class[s[i]]
		if c == noClass {
			return false, false
		}
		row = int(d.next[row+int(c)])
	}
	return d.accept[row/d.ncls], true
}

// Kinds of the byte before a position, which is all the assertions read.
const (
	prevStart = iota
	prevNewline
	prevWord
	prevOther
)

var prevRune = [4]rune{prevStart: -1, prevNewline: '\n', prevWord: 'a', prevOther: ' '}

func prevKind(r rune) uint8 {
	switch {
	case r == '\n':
		return prevNewline
	case syntax.IsWordChar(r):
		return prevWord
	}
	return prevOther
}

// dfaBuilder holds the working state of one construction.
type dfaBuilder struct {
	prog    *syntax.Prog
	budget  int      // instruction visits left
	onStack []bool   // by instruction: visited by the current closure
	visited []uint32 // the instructions to clear in onStack
	stack   []uint32
	runes   []uint32 // rune instructions reached by the last closure
	// matches[pc] is the set of ASCII bytes rune instruction pc accepts.
	matches [][2]uint64
}

// buildDFA returns the automaton for prog, or nil when it would need more
// than dfaMaxStates states or dfaMaxClass byte classes, or more than budget
// instruction visits to build.
func buildDFA(prog *syntax.Prog, budget int) *dfa {
	b := &dfaBuilder{prog: prog, budget: budget, onStack: make([]bool, len(prog.Inst))}
	d := &dfa{}
	reps, ok := b.classes(d)
	if !ok {
		return nil
	}
	assertions := false
	for _, in := range prog.Inst {
		if in.Op == syntax.InstEmptyWidth {
			assertions = true
		}
	}

	// A state is a thread set (sorted instruction numbers, before their
	// closure) and the kind of the byte before it, keyed by their encoding.
	type state struct {
		prev uint8
		pcs  []uint32
	}
	var kb []byte
	key := func(prev uint8, pcs []uint32) []byte {
		kb = append(kb[:0], prev)
		for _, pc := range pcs {
			kb = append(kb, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
		}
		return kb
	}
	states := []state{{}, {prev: prevStart}} // 0 is the match state, 1 the start
	index := map[string]int{string(key(prevStart, nil)): 1}
	var pcs []uint32
	d.accept = []bool{true}
	d.next = make([]uint16, d.ncls) // the match state loops to itself
	for si := 1; si < len(states); si++ {
		s := states[si]
		// The closure at the end of the text; without assertions it is
		// the closure before every byte too, and b.runes stays valid.
		atEnd, ok := b.closure(s.pcs, syntax.EmptyOpContext(prevRune[s.prev], -1))
		if !ok {
			return nil
		}
		d.accept = append(d.accept, atEnd)
		for c := 0; c < d.ncls; c++ {
			r := reps[c]
			matched := atEnd
			if assertions {
				if matched, ok = b.closure(s.pcs, syntax.EmptyOpContext(prevRune[s.prev], r)); !ok {
					return nil
				}
			}
			if matched {
				d.next = append(d.next, 0)
				continue
			}
			pcs = pcs[:0]
			for _, pc := range b.runes {
				if b.matches[pc][r>>6]>>(r&63)&1 != 0 {
					pcs = append(pcs, prog.Inst[pc].Out)
				}
			}
			slices.Sort(pcs)
			pcs = slices.Compact(pcs)
			var prev uint8
			if assertions {
				prev = prevKind(r)
			}
			k := key(prev, pcs)
			ti, seen := index[string(k)] // no allocation for the lookup
			if !seen {
				if len(states) == dfaMaxStates+1 {
					return nil
				}
				ti = len(states)
				index[string(k)] = ti
				states = append(states, state{prev: prev, pcs: slices.Clone(pcs)})
			}
			d.next = append(d.next, uint16(ti*d.ncls))
		}
	}
	return d
}

// classes groups the ASCII bytes that every rune instruction, and the
// assertions, treat alike, fills d.class and d.ncls, and returns a
// representative byte for each class.
func (b *dfaBuilder) classes(d *dfa) (reps []rune, ok bool) {
	var runeInsts []int
	for i := range b.prog.Inst {
		switch b.prog.Inst[i].Op {
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			runeInsts = append(runeInsts, i)
		}
	}
	b.budget -= 128 * len(runeInsts)
	if b.budget < 0 {
		return nil, false
	}
	b.matches = make([][2]uint64, len(b.prog.Inst))
	for _, pc := range runeInsts {
		for c := rune(0); c < 128; c++ {
			if b.prog.Inst[pc].MatchRune(c) {
				b.matches[pc][c>>6] |= 1 << (c & 63)
			}
		}
	}
	ids := map[string]uint8{}
	sig := make([]byte, 0, 2+len(runeInsts))
	for c := rune(0); c < 128; c++ {
		sig = sig[:0]
		sig = append(sig, prevKind(c))
		for _, pc := range runeInsts {
			sig = append(sig, byte(b.matches[pc][c>>6]>>(c&63)&1))
		}
		id, seen := ids[string(sig)]
		if !seen {
			if len(reps) == dfaMaxClass {
				return nil, false
			}
			id = uint8(len(reps))
			ids[string(sig)] = id
			reps = append(reps, c)
		}
		d.class[c] = id
	}
	for c := 0x80; c < 0x100; c++ {
		d.class[c] = noClass
	}
	d.class['\r'] = noClass // after its column was made: a column must not be missing
	d.ncls = len(reps)
	return reps, true
}

// closure follows the threads pcs, and a new thread at the program's start,
// through every instruction that consumes no byte, given the assertions
// that hold at this position. It reports whether a thread reached a match,
// and leaves in b.runes the rune instructions reached. ok is false when the
// budget ran out.
func (b *dfaBuilder) closure(pcs []uint32, ctx syntax.EmptyOp) (matched, ok bool) {
	b.runes = b.runes[:0]
	b.stack = append(b.stack[:0], uint32(b.prog.Start))
	for i := len(pcs) - 1; i >= 0; i-- {
		b.stack = append(b.stack, pcs[i])
	}
	b.visited = b.visited[:0]
	defer func() {
		for _, pc := range b.visited {
			b.onStack[pc] = false
		}
	}()
	for len(b.stack) > 0 {
		pc := b.stack[len(b.stack)-1]
		b.stack = b.stack[:len(b.stack)-1]
		if b.onStack[pc] {
			continue
		}
		b.onStack[pc] = true
		b.visited = append(b.visited, pc)
		if b.budget--; b.budget < 0 {
			return false, false
		}
		switch in := &b.prog.Inst[pc]; in.Op {
		case syntax.InstMatch:
			matched = true
		case syntax.InstAlt, syntax.InstAltMatch:
			b.stack = append(b.stack, in.Arg, in.Out)
		case syntax.InstCapture, syntax.InstNop:
			b.stack = append(b.stack, in.Out)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg)&^ctx == 0 {
				b.stack = append(b.stack, in.Out)
			}
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			b.runes = append(b.runes, pc)
		}
	}
	return matched, true
}
