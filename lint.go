package flags

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/localflags/flags/internal/ecma"
)

// Severity grades a [Problem].
type Severity uint8

const (
	// Warning: the definitions evaluate, but probably not as meant.
	Warning Severity = iota
	// Error: the document does not parse, or some flag cannot be decided
	// locally (it is inconclusive for every user, or for the users a
	// condition reaches).
	Error
)

// String returns "warning" or "error".
func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Problem is one finding of [Validate].
type Problem struct {
	Severity Severity
	// Flag is the key of the flag concerned, or "" for the document or a
	// cohort.
	Flag string
	// Path locates the problem in the document, such as
	// "flags[2].filters.groups[0].properties[1]" or "cohorts.12".
	Path string
	// Line and Column locate a document that does not parse (1-based); 0
	// otherwise.
	Line, Column int
	Message      string
	// Compile marks a problem found by compiling: a part of the document
	// ignored, or a malformed flag. The others are found by linting
	// definitions that compile as written.
	Compile bool
}

// String formats the problem as "error: flag \"key\" (path): message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Severity.String())
	b.WriteString(": ")
	switch {
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d, column %d: ", p.Line, p.Column)
	case p.Flag != "":
		fmt.Fprintf(&b, "flag %q (%s): ", p.Flag, p.Path)
	case p.Path != "":
		fmt.Fprintf(&b, "%s: ", p.Path)
	}
	b.WriteString(p.Message)
	return b.String()
}

// Validate lints a definitions document and returns its problems, errors
// first and then warnings, each in document order. It reports a document that
// does not parse, unknown operators, regexes that do not compile or lie
// outside the portable subset, invalid versions and dates in filter
// values, malformed flags, variant percentages that do not sum to 100,
// variant overrides that name no variant, cohorts the document does not
// ship, dependency cycles and missing dependencies, conditions that an
// earlier condition makes unreachable, flags that can never be decided
// locally, duplicate keys, and client-only flags. It evaluates every
// runtime and every evaluation context.
func Validate(doc []byte) []Problem {
	s, err := compile(doc, compileOptions{runtime: RuntimeAll})
	if err != nil {
		p := Problem{Severity: Error, Message: strings.TrimPrefix(err.Error(), "flags: ")}
		if syn := (*json.SyntaxError)(nil); errors.As(err, &syn) {
			p.Line, p.Column = position(doc, syn.Offset)
		}
		return []Problem{p}
	}
	return s.problems
}

// lint finds the problems of a compiled snapshot, and sets its warnings
// to their text: a client's Status and logs and Validate report the same
// list.
func lint(s *Snapshot) []Problem {
	l := &linter{s: s}
	l.document()
	for i := range s.cohorts {
		c := &s.cohorts[i]
		l.group(&c.root, "", "cohorts."+c.id)
	}
	for i := range s.flags {
		l.flag(&s.flags[i])
	}
	slices.SortStableFunc(l.out, func(a, b Problem) int { return int(b.Severity) - int(a.Severity) })
	s.warnings = make([]string, len(l.out))
	for i, p := range l.out {
		s.warnings[i] = p.String()
	}
	return l.out
}

// position turns a byte offset into a 1-based line and column.
func position(doc []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(doc)))
	before := doc[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

type linter struct {
	s   *Snapshot
	out []Problem
}

func (l *linter) add(sev Severity, flag, path, format string, args ...any) {
	l.out = append(l.out, Problem{Severity: sev, Flag: flag, Path: path, Message: fmt.Sprintf(format, args...)})
}

// document reports what compiling the document noted outside any flag:
// duplicate keys and ignored entries. Malformed flags, whose warnings are
// their causes, are reported by flag.
func (l *linter) document() {
	broken := map[string]bool{}
	for i := range l.s.flags {
		if b := l.s.flags[i].broken; b != nil {
			broken[b.cause] = true
		}
	}
	for _, w := range l.s.noted {
		if !broken[w] {
			l.add(Warning, "", "flags", "%s", w)
			l.out[len(l.out)-1].Compile = true
		}
	}
}

func (l *linter) flag(f *flag) {
	path := fmt.Sprintf("flags[%d]", f.docIndex)
	if f.broken != nil {
		l.add(Error, f.key, path, "%s", strings.TrimPrefix(f.broken.cause, malformedPrefix(f.key)))
		l.out[len(l.out)-1].Compile = true
	}
	if f.continuity && f.active {
		l.add(Error, f.key, path, "experience continuity is enabled: the flag can never be decided locally")
	}
	if f.runtime == "client" {
		l.add(Warning, f.key, path, `evaluation_runtime is "client": a server-side client (the default) does not evaluate it`)
	}
	if f.group.set && f.group.name == "" {
		l.add(Error, f.key, path+".filters.aggregation_group_type_index", "%s", f.group.unknown.cause)
	}
	if len(f.variants) > 0 {
		sum := 0.0
		for _, v := range f.variants {
			sum += v.max - v.min
		}
		if math.IsNaN(sum) || math.Abs(sum-1) > 1e-9 {
			l.add(Warning, f.key, path+".filters.multivariate", "variant percentages sum to %g, not 100", math.Round(sum*1e9)/1e7)
		}
	}
	unreachableFrom := -1
	for i := range f.conditions {
		c := &f.conditions[i]
		cpath := fmt.Sprintf("%s.filters.groups[%d]", path, i)
		if unreachableFrom >= 0 {
			l.add(Warning, f.key, cpath, "unreachable: condition %d has no filters and a 100%% rollout, so it always matches first", unreachableFrom)
		}
		if c.rawVariant != "" && c.override < 0 {
			l.add(Warning, f.key, cpath+".variant", "variant override %q names no variant of the flag", c.rawVariant)
		}
		for j := range c.filters {
			l.filter(&c.filters[j], f.key, fmt.Sprintf("%s.properties[%d]", cpath, j))
		}
		if unreachableFrom < 0 && len(c.filters) == 0 && !c.mixed && (!c.hasRollout || c.threshold >= 1) {
			unreachableFrom = i
		}
	}
}

// filter reports what is wrong with one filter of a flag (or, with flag
// "", of a cohort).
func (l *linter) filter(f *filter, flag, path string) {
	switch f.typ {
	case filterCohort:
		switch {
		case f.cohort < 0:
			l.add(Error, flag, path, "cohort %s is not in the document's cohorts (a static cohort): only the server can evaluate it", jsString(f.value))
		case f.fatal != nil:
			l.add(Error, flag, path, "%s", f.fatal.cause)
		}
		return
	case filterFlag:
		if d := f.dep; d.broken != nil {
			l.add(Error, flag, path, "%s", d.broken.cause)
		}
		return
	}
	switch {
	case f.re != nil && f.re.Status() == ecma.RegexpInvalid:
		l.add(Error, flag, path, "regex %q does not compile in JavaScript (%s): it never matches", jsString(f.value), f.re.Reason())
	case f.bad != nil:
		l.add(Error, flag, path, "%s", f.bad.cause)
	case f.exact != nil && f.exact.undecidable():
		l.add(Error, flag, path, "%s: no context can decide this filter", f.exact.unspellable.cause)
	}
}

// group walks a cohort's property group.
func (l *linter) group(g *propertyGroup, flag, path string) {
	if g.kind == groupUnsupported {
		l.add(Error, flag, path, "%s", g.why.cause)
	}
	for i := range g.groups {
		l.group(&g.groups[i], flag, fmt.Sprintf("%s.values[%d]", path, i))
	}
	for i := range g.leaves {
		l.filter(&g.leaves[i], flag, fmt.Sprintf("%s.values[%d]", path, i))
	}
}
