package ecma

// The regex and not_regex property operators.
//
// posthog-node decides a regex filter locally only when the pattern stays inside
// a "portable" subset that its flags service (a Rust engine) reads the same way
// as JavaScript; everything else requires server evaluation. For a pattern p and
// a subject v the reference SDK does, in this order:
//
//  1. p == "": every subject matches.
//  2. A left-to-right scan over p (only ASCII, a small set of escapes, only
//     "(" and "(?:" groups, "{" only as a well-formed repetition, no quantified
//     anchors or empty groups, ...). Failing it requires server evaluation.
//  3. new RegExp(p), without flags, that is with the Annex B grammar of web
//     browsers. A SyntaxError makes both operators false.
//  4. new RegExp(c, "u") for every character class c that the scan collected.
//     A SyntaxError (unicode mode is stricter) requires server evaluation.
//  5. A subject holding a character above U+007F or a carriage return requires
//     server evaluation.
//  6. RegExp.prototype.test(v).
//
// CompileRegexp does steps 1 to 4 once per pattern and translates the parsed
// JavaScript pattern into an RE2 pattern for Go's regexp package; Match does
// steps 5 and 6. Because the subject is ASCII without a carriage return and the
// portable subset has neither backreferences nor lookaround, RE2 gives the same
// boolean answer as V8's backtracking engine. Every character set is computed
// over ASCII and emitted explicitly, so \s, \w, \d, ".", negated classes and the
// Annex B class unions mean exactly what they mean in JavaScript on such
// subjects.

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// MaxRegexpPattern is the longest pattern, in bytes, that CompileRegexp
// analyses. A longer (non-empty) pattern is reported as RegexpUnsupported.
const MaxRegexpPattern = 8 << 10

// RegexpStatus classifies a pattern of the regex / not_regex operators.
type RegexpStatus uint8

const (
	RegexpOK          RegexpStatus = iota // compiled; use Match
	RegexpMatchAll                        // empty pattern: every subject matches
	RegexpInvalid                         // JS would throw SyntaxError: regex and not_regex are both false
	RegexpNotPortable                     // outside posthog-node's portable subset: requires server evaluation
	RegexpUnsupported                     // valid and portable in JS but beyond what Go's RE2 can compile
)

func (s RegexpStatus) String() string {
	switch s {
	case RegexpOK:
		return "RegexpOK"
	case RegexpMatchAll:
		return "RegexpMatchAll"
	case RegexpInvalid:
		return "RegexpInvalid"
	case RegexpNotPortable:
		return "RegexpNotPortable"
	case RegexpUnsupported:
		return "RegexpUnsupported"
	}
	return "RegexpStatus(" + strconv.Itoa(int(s)) + ")"
}

// Regexp is a pattern of the regex / not_regex operators, analysed once by
// CompileRegexp. It is safe for concurrent use.
type Regexp struct {
	status RegexpStatus
	reason string
	goPat  string
	re     *regexp.Regexp
	dfa    *dfa // nil when the pattern is too large for one (see dfa.go)
}

// Status reports how the pattern is to be treated.
func (r *Regexp) Status() RegexpStatus { return r.status }

// Reason describes why the status is RegexpInvalid, RegexpNotPortable or
// RegexpUnsupported. It is empty for RegexpOK and RegexpMatchAll.
func (r *Regexp) Reason() string { return r.reason }

// GoPattern returns the RE2 translation of the pattern ("" when there is none).
// It is equivalent to the JavaScript pattern on subjects that are ASCII and
// free of carriage returns, the only subjects Match hands to it.
func (r *Regexp) GoPattern() string { return r.goPat }

// Match reports RegExp.prototype.test(subject) for RegexpOK and RegexpMatchAll
// patterns. portable is false when the subject itself is outside the portable
// subset (a byte >= 0x80, which includes invalid UTF-8, or a carriage return);
// matched is then meaningless and the reference SDK requires server
// evaluation. For other statuses Match returns (false, true). Match does not
// allocate and runs in time linear in len(subject): a table lookup per byte
// for patterns small enough for a DFA, Go's regexp otherwise.
func (r *Regexp) Match(subject string) (matched, portable bool) {
	switch {
	case r.status == RegexpMatchAll:
		return true, true
	case r.status != RegexpOK:
		return false, true
	case r.dfa != nil:
		return r.dfa.match(subject)
	}
	for i := 0; i < len(subject); i++ {
		if c := subject[i]; c >= 0x80 || c == '\r' {
			return false, false
		}
	}
	return r.re.MatchString(subject), true
}

// MatchDFA is Match for a RegexpOK pattern that has a DFA; done is false,
// and nothing was matched, for any other. Unlike Match it does not let
// subject escape, so the subject may live in the caller's stack buffer.
func (r *Regexp) MatchDFA(subject string) (matched, portable, done bool) {
	if r.status != RegexpOK || r.dfa == nil {
		return false, false, false
	}
	matched, portable = r.dfa.match(subject)
	return matched, portable, true
}

// CompileRegexp analyses pattern, which is String(value) of the filter value.
// It never returns nil and never panics.
func CompileRegexp(pattern string) *Regexp {
	if pattern == "" {
		return &Regexp{status: RegexpMatchAll}
	}
	if len(pattern) > MaxRegexpPattern {
		return &Regexp{status: RegexpUnsupported, reason: fmt.Sprintf(
			"pattern is %d bytes long, more than MaxRegexpPattern (%d bytes)", len(pattern), MaxRegexpPattern)}
	}
	classes, why := rxScanPortable(pattern)
	if why != "" {
		return &Regexp{status: RegexpNotPortable, reason: why}
	}
	p := rxParser{src: pattern}
	tree, serr := p.parse()
	if serr != nil {
		if serr.outside {
			return &Regexp{status: RegexpNotPortable, reason: serr.msg}
		}
		return &Regexp{status: RegexpInvalid, reason: fmt.Sprintf(
			"new RegExp throws SyntaxError \"%s\" at offset %d", serr.msg, serr.at)}
	}
	for _, c := range classes {
		if why := rxCheckUnicodeClass(pattern[c[0]:c[1]]); why != "" {
			return &Regexp{status: RegexpNotPortable, reason: why}
		}
	}
	var b strings.Builder
	rxEmit(&b, tree)
	r := &Regexp{status: RegexpUnsupported, goPat: b.String()}
	if why := rxCheckRE2Limits(tree, len(pattern)); why != "" {
		r.reason = why
		return r
	}
	// Parse and compile once: for a DFA when the program is small, and
	// otherwise for Go's regexp package, which compiles the same program.
	rejected := func(err error) *Regexp {
		r.reason = "RE2 rejects the translation: " + err.Error()
		var se *syntax.Error
		if errors.As(err, &se) {
			expr := se.Expr
			if len(expr) > 40 {
				expr = expr[:40] + "..."
			}
			r.reason = fmt.Sprintf("RE2 rejects the translation: %s: `%s`", se.Code, expr)
		}
		return r
	}
	sre, err := syntax.Parse(r.goPat, syntax.Perl)
	if err != nil {
		return rejected(err)
	}
	prog, err := syntax.Compile(sre.Simplify())
	if err != nil {
		return rejected(err)
	}
	if r.dfa = buildDFA(prog, dfaBudgetBase+dfaBudgetPerInst*len(prog.Inst)); r.dfa == nil {
		if r.re, err = regexp.Compile(r.goPat); err != nil {
			return rejected(err)
		}
	}
	r.status = RegexpOK
	return r
}

// A DFA may take dfaBudgetBase + dfaBudgetPerInst * (program size)
// instruction visits to build, so building stays linear in the pattern's
// length (rxCheckRE2Limits bounds the program). Of the vector patterns, half
// need under 500 visits and 99% under 6,000; 98% get a DFA within this
// budget (TestDFAAgreesWithRegexp logs the count).
const (
	dfaBudgetBase    = 4096
	dfaBudgetPerInst = 16
)

// ---------------------------------------------------------------------------
// Step 2: posthog-node's portability scan.

// Values of the scan's "previous token" besides plain characters.
const (
	rxTokNone       = -1 // start of pattern
	rxTokLiteral    = -2 // an escape or a complete character class
	rxTokEmptyGroup = -3 // a group that matches only the empty string: "()" or "(?:)", possibly nested
)

// rxPunctEscapable reports whether posthog-node's scan lets `\c` through as an
// escaped literal: space, ASCII punctuation other than '<' and '>'.
func rxPunctEscapable(c byte) bool {
	switch {
	case c >= 0x20 && c <= 0x2f, c >= 0x5b && c <= 0x60, c >= 0x7b && c <= 0x7e:
		return true
	}
	return c == ':' || c == ';' || c == '=' || c == '?' || c == '@'
}

func rxIsHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func rxHexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// rxScanPortable reproduces posthog-node's scan of a pattern. On success it
// returns the [start, end) offsets of the character classes it found; on
// failure it returns a non-empty reason.
func rxScanPortable(p string) (classes [][2]int, reason string) {
	prev := rxTokNone
	classStart := -1
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 0x80 {
			return nil, fmt.Sprintf("non-ASCII byte 0x%02X at offset %d is outside the portable subset", c, i)
		}
		if c == '\\' {
			i++
			if i >= len(p) {
				break // a trailing backslash is left to the RegExp constructor
			}
			e := p[i]
			switch {
			case e == 'x':
				if i+2 >= len(p) || !rxIsHex(p[i+1]) || !rxIsHex(p[i+2]) {
					return nil, fmt.Sprintf(`escape "\x" at offset %d without two hex digits is outside the portable subset`, i-1)
				}
				i += 2
			case strings.IndexByte("dDsSwWbBfnrtv", e) >= 0, rxPunctEscapable(e):
			default:
				return nil, fmt.Sprintf("escape %q at offset %d is outside the portable subset", p[i-1:i+rxRuneLen(p, i)], i-1)
			}
			if classStart < 0 && (e == 'b' || e == 'B') {
				return nil, fmt.Sprintf(`word boundary assertion "\%c" at offset %d is outside the portable subset`, e, i-1)
			}
			prev = rxTokLiteral
			continue
		}
		switch {
		case c == '[':
			if classStart >= 0 {
				return nil, fmt.Sprintf(`"[" inside a character class (offset %d) is outside the portable subset`, i)
			}
			classStart = i
		case c == ']' && classStart >= 0:
			contentStart := classStart + 1
			if p[contentStart] == '^' {
				contentStart++
			}
			if i == contentStart {
				return nil, fmt.Sprintf("empty character class %q at offset %d is outside the portable subset", p[classStart:i+1], classStart)
			}
			classes = append(classes, [2]int{classStart, i + 1})
			classStart = -1
			prev = rxTokLiteral
			continue
		case classStart >= 0:
			if i+1 < len(p) {
				if op := p[i : i+2]; op == "&&" || op == "--" || op == "~~" {
					return nil, fmt.Sprintf("%q inside a character class (offset %d) is outside the portable subset", op, i)
				}
			}
			continue
		case c == '(' && i+1 < len(p) && p[i+1] == '?':
			if i+2 >= len(p) || p[i+2] != ':' {
				return nil, rxGroupReason(p, i)
			}
			i += 2
		case c == '{':
			end, ok, big := rxScanRepetition(p, i)
			switch {
			case !ok:
				return nil, fmt.Sprintf(`"{" at offset %d that does not start a repetition {n}, {n,} or {n,m} is outside the portable subset`, i)
			case prev == rxTokNone || prev == '|' || prev == '(':
				return nil, fmt.Sprintf("repetition %q at offset %d with nothing to repeat is outside the portable subset", p[i:end], i)
			case big:
				return nil, fmt.Sprintf("repetition %q at offset %d with a count above 4294967295 is outside the portable subset", p[i:end], i)
			}
		case (c == '*' || c == '+' || c == '?' || c == '}') && i+1 < len(p) && (p[i+1] == '+' || p[i+1] == '{'):
			return nil, fmt.Sprintf("%q at offset %d (possessive or repeated quantifier) is outside the portable subset", p[i:i+2], i)
		}
		if c == '*' || c == '+' || c == '?' || c == '{' {
			switch prev {
			case '^', '$':
				return nil, fmt.Sprintf("quantified anchor %q at offset %d is outside the portable subset", string(rune(prev))+string(c), i-1)
			case rxTokEmptyGroup:
				return nil, fmt.Sprintf("quantifier %q at offset %d after an empty group is outside the portable subset", c, i)
			}
		}
		if c == ')' && (prev == '(' || prev == rxTokEmptyGroup) {
			prev = rxTokEmptyGroup
		} else {
			prev = int(c)
		}
	}
	return classes, ""
}

// rxRuneLen is the length of the (possibly invalid) UTF-8 sequence at p[i],
// used only to quote whole characters in reasons.
func rxRuneLen(p string, i int) int {
	n := 1
	if p[i] >= 0xc0 {
		for i+n < len(p) && n < 4 && p[i+n]&0xc0 == 0x80 {
			n++
		}
	}
	return n
}

func rxGroupReason(p string, i int) string {
	rest := p[i:]
	switch {
	case strings.HasPrefix(rest, "(?="), strings.HasPrefix(rest, "(?!"),
		strings.HasPrefix(rest, "(?<="), strings.HasPrefix(rest, "(?<!"):
		n := 3
		if rest[2] == '<' {
			n = 4
		}
		return fmt.Sprintf("lookaround %q at offset %d is outside the portable subset", rest[:n], i)
	case strings.HasPrefix(rest, "(?<"):
		return fmt.Sprintf(`named group "(?<" at offset %d is outside the portable subset`, i)
	case len(rest) == 2:
		return fmt.Sprintf(`"(?" at offset %d is outside the portable subset`, i)
	}
	return fmt.Sprintf("group syntax %q at offset %d is outside the portable subset", rest[:2+rxRuneLen(rest, 2)], i)
}

// rxScanRepetition matches `{digits}`, `{digits,}` or `{digits,digits}` at
// p[i]. big reports a count above 4294967295 (leading zeros do not count).
func rxScanRepetition(p string, i int) (end int, ok, big bool) {
	j := i + 1
	n, big1, j := rxScanCount(p, j)
	if n == 0 {
		return 0, false, false
	}
	if j < len(p) && p[j] == ',' {
		_, big2, k := rxScanCount(p, j+1)
		if k < len(p) && p[k] == '}' {
			return k + 1, true, big1 || big2
		}
	}
	if j < len(p) && p[j] == '}' {
		return j + 1, true, big1
	}
	return 0, false, false
}

// rxScanCount reads decimal digits from p[j]: how many, whether their value
// exceeds 4294967295, and the offset after them.
func rxScanCount(p string, j int) (digits int, big bool, end int) {
	var v uint64
	for end = j; end < len(p) && p[end] >= '0' && p[end] <= '9'; end++ {
		if !big {
			v = v*10 + uint64(p[end]-'0')
			big = v > 0xffffffff
		}
	}
	return end - j, big, end
}

// ---------------------------------------------------------------------------
// Step 3: the RegExp constructor without flags (ECMAScript Annex B grammar),
// checked in the order V8 reports errors. The parser sees only patterns that
// passed the scan, so it needs no lookaround, backreferences, \c, \u, \k or
// named groups; if it ever meets them it reports them as outside the subset.

// rxInfinity is V8's RegExpTree::kInfinity. V8 clamps larger repetition
// counts to it, and a maximum equal to it means "unbounded".
const rxInfinity = 1<<31 - 1

type rxKind uint8

const (
	rxEmpty  rxKind = iota
	rxChar          // one character out of set
	rxBegin         // ^
	rxEnd           // $
	rxConcat        // subs in sequence
	rxAlt           // one of subs
	rxGroup         // subs[0] in a group
	rxRepeat        // subs[0] repeated min..max times (max < 0: unbounded)
)

// rxSet is a set of ASCII characters. Characters above 0x7F (written as
// \x80 to \xFF) are dropped: they never occur in a subject that Match tests.
type rxSet [2]uint64

func (s *rxSet) add(c byte) {
	if c < 128 {
		s[c>>6] |= 1 << (c & 63)
	}
}

func (s *rxSet) addRange(lo, hi byte) {
	for c := int(lo); c <= int(hi); c++ {
		s.add(byte(c))
	}
}
func (s *rxSet) union(t rxSet)    { s[0] |= t[0]; s[1] |= t[1] }
func (s rxSet) has(c byte) bool   { return c < 128 && s[c>>6]&(1<<(c&63)) != 0 }
func (s rxSet) complement() rxSet { return rxSet{^s[0], ^s[1]} }
func (s rxSet) count() (n int) {
	for c := 0; c < 128; c++ {
		if s.has(byte(c)) {
			n++
		}
	}
	return n
}

func rxSingle(c byte) rxSet {
	var s rxSet
	s.add(c)
	return s
}

// rxClassEscape returns the ASCII part of \d \D \s \S \w \W as JavaScript
// defines them (\s includes \v, unlike RE2's \s).
func rxClassEscape(e byte) rxSet {
	var s rxSet
	switch e | 0x20 {
	case 'd':
		s.addRange('0', '9')
	case 's':
		s.addRange('\t', '\r')
		s.add(' ')
	case 'w':
		s.addRange('0', '9')
		s.addRange('A', 'Z')
		s.addRange('a', 'z')
		s.add('_')
	}
	if e >= 'A' && e <= 'Z' {
		s = s.complement()
	}
	return s
}

func rxControlEscape(e byte) (byte, bool) {
	switch e {
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'v':
		return '\v', true
	}
	return 0, false
}

type rxNode struct {
	kind     rxKind
	set      rxSet
	subs     []*rxNode
	min, max int
	src      string // rxRepeat: the quantifier as written
}

type rxSyntaxError struct {
	msg     string
	at      int
	outside bool // not a SyntaxError: the construct is outside the portable subset
}

type rxParser struct {
	src string
	pos int
}

func (p *rxParser) fail(msg string, at int) *rxSyntaxError {
	return &rxSyntaxError{msg: msg, at: at}
}

func (p *rxParser) outside(what string, at int) *rxSyntaxError {
	return &rxSyntaxError{msg: fmt.Sprintf("%s at offset %d is outside the portable subset", what, at), at: at, outside: true}
}

func (p *rxParser) parse() (*rxNode, *rxSyntaxError) {
	return p.disjunction(false)
}

// disjunction parses alternatives up to the end of the pattern or, inside a
// group, up to the closing parenthesis, which it leaves for the caller.
func (p *rxParser) disjunction(inGroup bool) (*rxNode, *rxSyntaxError) {
	var alts []*rxNode
	for {
		alt, err := p.alternative()
		if err != nil {
			return nil, err
		}
		alts = append(alts, alt)
		if p.pos < len(p.src) && p.src[p.pos] == '|' {
			p.pos++
			continue
		}
		break
	}
	if p.pos >= len(p.src) {
		if inGroup {
			return nil, p.fail("Unterminated group", p.pos)
		}
	} else if !inGroup { // ')'
		return nil, p.fail("Unmatched ')'", p.pos)
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &rxNode{kind: rxAlt, subs: alts}, nil
}

func (p *rxParser) alternative() (*rxNode, *rxSyntaxError) {
	var terms []*rxNode
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		var atom *rxNode
		switch c {
		case '|', ')':
			return rxConcatOf(terms), nil
		case '^', '$':
			kind := rxBegin
			if c == '$' {
				kind = rxEnd
			}
			terms = append(terms, &rxNode{kind: kind})
			p.pos++
			continue // an assertion takes no quantifier
		case '*', '+', '?':
			return nil, p.fail("Nothing to repeat", p.pos)
		case '{':
			if _, _, _, ok := p.interval(p.pos); ok {
				return nil, p.fail("Nothing to repeat", p.pos)
			}
			atom = &rxNode{kind: rxChar, set: rxSingle('{')}
			p.pos++
		case '(':
			start := p.pos
			p.pos++
			if p.pos < len(p.src) && p.src[p.pos] == '?' {
				if p.pos+1 >= len(p.src) || p.src[p.pos+1] != ':' {
					return nil, p.outside(`group "(?"`, start)
				}
				p.pos += 2
			}
			inner, err := p.disjunction(true)
			if err != nil {
				return nil, err
			}
			p.pos++ // ')'
			atom = &rxNode{kind: rxGroup, subs: []*rxNode{inner}}
		case '[':
			var err *rxSyntaxError
			if atom, err = p.class(); err != nil {
				return nil, err
			}
		case '\\':
			var err *rxSyntaxError
			if atom, err = p.atomEscape(); err != nil {
				return nil, err
			}
		case '.':
			var s rxSet
			s.add('\n')
			s.add('\r')
			atom = &rxNode{kind: rxChar, set: s.complement()}
			p.pos++
		default:
			atom = &rxNode{kind: rxChar, set: rxSingle(c)}
			p.pos++
		}
		atom, err := p.quantifier(atom)
		if err != nil {
			return nil, err
		}
		terms = append(terms, atom)
	}
	return rxConcatOf(terms), nil
}

func rxConcatOf(terms []*rxNode) *rxNode {
	switch len(terms) {
	case 0:
		return &rxNode{kind: rxEmpty}
	case 1:
		return terms[0]
	}
	return &rxNode{kind: rxConcat, subs: terms}
}

// interval parses `{min}`, `{min,}` or `{min,max}` at offset i the way V8
// does: counts saturate at rxInfinity and an omitted maximum is rxInfinity.
func (p *rxParser) interval(i int) (min, max, end int, ok bool) {
	j := i + 1
	min, j, ok = p.count(j)
	if !ok || j >= len(p.src) {
		return 0, 0, 0, false
	}
	switch p.src[j] {
	case '}':
		return min, min, j + 1, true
	case ',':
		j++
		if j < len(p.src) && p.src[j] == '}' {
			return min, rxInfinity, j + 1, true
		}
		max, j, ok = p.count(j)
		if ok && j < len(p.src) && p.src[j] == '}' {
			return min, max, j + 1, true
		}
	}
	return 0, 0, 0, false
}

func (p *rxParser) count(j int) (v, end int, ok bool) {
	for end = j; end < len(p.src) && p.src[end] >= '0' && p.src[end] <= '9'; end++ {
		if v < rxInfinity {
			v = v*10 + int(p.src[end]-'0')
			if v > rxInfinity {
				v = rxInfinity
			}
		}
	}
	return v, end, end > j
}

func (p *rxParser) quantifier(atom *rxNode) (*rxNode, *rxSyntaxError) {
	if p.pos >= len(p.src) {
		return atom, nil
	}
	start := p.pos
	min, max := 0, -1
	switch p.src[p.pos] {
	case '*':
		p.pos++
	case '+':
		min = 1
		p.pos++
	case '?':
		max = 1
		p.pos++
	case '{':
		lo, hi, end, ok := p.interval(p.pos)
		if !ok {
			return atom, nil // Annex B: the '{' is a literal character
		}
		if hi < lo {
			return nil, p.fail("numbers out of order in {} quantifier", p.pos)
		}
		min, max = lo, hi
		if hi == rxInfinity {
			max = -1
		}
		p.pos = end
	default:
		return atom, nil
	}
	if p.pos < len(p.src) && p.src[p.pos] == '?' {
		p.pos++ // lazy: the same set of matches, so the same test() result
	}
	return &rxNode{kind: rxRepeat, subs: []*rxNode{atom}, min: min, max: max, src: p.src[start:p.pos]}, nil
}

// atomEscape parses an escape outside a character class.
func (p *rxParser) atomEscape() (*rxNode, *rxSyntaxError) {
	start := p.pos
	p.pos++
	if p.pos >= len(p.src) {
		return nil, p.fail(`\ at end of pattern`, start)
	}
	e := p.src[p.pos]
	p.pos++
	switch e {
	case 'd', 'D', 's', 'S', 'w', 'W':
		return &rxNode{kind: rxChar, set: rxClassEscape(e)}, nil
	case 'x':
		if v, ok := p.hexEscape(); ok {
			return &rxNode{kind: rxChar, set: rxSingle(v)}, nil
		}
		return &rxNode{kind: rxChar, set: rxSingle('x')}, nil // Annex B identity escape
	case 'b', 'B', 'c', 'k', 'u', 'p', 'P', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return nil, p.outside(fmt.Sprintf("escape %q", p.src[start:p.pos]), start)
	}
	if v, ok := rxControlEscape(e); ok {
		return &rxNode{kind: rxChar, set: rxSingle(v)}, nil
	}
	if e >= 0x80 {
		return nil, p.outside("non-ASCII escape", start)
	}
	return &rxNode{kind: rxChar, set: rxSingle(e)}, nil // identity escape
}

// hexEscape reads the two hex digits of \xHH if present.
func (p *rxParser) hexEscape() (byte, bool) {
	if p.pos+1 < len(p.src) && rxIsHex(p.src[p.pos]) && rxIsHex(p.src[p.pos+1]) {
		v := rxHexVal(p.src[p.pos])<<4 | rxHexVal(p.src[p.pos+1])
		p.pos += 2
		return v, true
	}
	return 0, false
}

// class parses a character class in non-unicode mode: a class escape next to
// '-' makes a union with '-' rather than a range.
func (p *rxParser) class() (*rxNode, *rxSyntaxError) {
	p.pos++ // '['
	negated := p.pos < len(p.src) && p.src[p.pos] == '^'
	if negated {
		p.pos++
	}
	var set rxSet
	for p.pos < len(p.src) && p.src[p.pos] != ']' {
		at := p.pos
		s1, v1, cls1, err := p.classAtom()
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) || p.src[p.pos] != '-' {
			set.union(s1)
			continue
		}
		p.pos++ // '-'
		if p.pos >= len(p.src) {
			break
		}
		if p.src[p.pos] == ']' {
			set.union(s1)
			set.add('-')
			continue
		}
		s2, v2, cls2, err := p.classAtom()
		if err != nil {
			return nil, err
		}
		switch {
		case cls1 || cls2:
			set.union(s1)
			set.add('-')
			set.union(s2)
		case v1 > v2:
			return nil, p.fail("Range out of order in character class", at)
		default:
			set.addRange(v1, v2)
		}
	}
	if p.pos >= len(p.src) {
		return nil, p.fail("Unterminated character class", p.pos)
	}
	p.pos++ // ']'
	if negated {
		set = set.complement()
	}
	return &rxNode{kind: rxChar, set: set}, nil
}

// classAtom parses one class atom: its set, its character value (when it is a
// single character) and whether it is a class escape such as \d.
func (p *rxParser) classAtom() (set rxSet, v byte, isClass bool, err *rxSyntaxError) {
	c := p.src[p.pos]
	start := p.pos
	p.pos++
	if c != '\\' {
		return rxSingle(c), c, false, nil
	}
	if p.pos >= len(p.src) {
		return set, 0, false, p.fail(`\ at end of pattern`, start)
	}
	e := p.src[p.pos]
	p.pos++
	switch e {
	case 'd', 'D', 's', 'S', 'w', 'W':
		return rxClassEscape(e), 0, true, nil
	case 'b':
		return rxSingle('\b'), '\b', false, nil
	case 'x':
		if h, ok := p.hexEscape(); ok {
			return rxSingle(h), h, false, nil
		}
		return rxSingle('x'), 'x', false, nil
	case 'c', 'k', 'u', 'p', 'P', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return set, 0, false, p.outside(fmt.Sprintf("escape %q", p.src[start:p.pos]), start)
	}
	if ctl, ok := rxControlEscape(e); ok {
		return rxSingle(ctl), ctl, false, nil
	}
	if e >= 0x80 {
		return set, 0, false, p.outside("non-ASCII escape", start)
	}
	return rxSingle(e), e, false, nil // identity escape, including \B and \-
}

// ---------------------------------------------------------------------------
// Step 4: new RegExp(class, "u") for each class found by the scan. Only the
// constructs that can pass the scan and step 3 need handling.

func rxCheckUnicodeClass(cls string) string {
	bad := func(detail string) string {
		return fmt.Sprintf("character class %q is outside the portable subset: unicode-mode RegExp rejects it (%s)", cls, detail)
	}
	i := 1
	if i < len(cls) && cls[i] == '^' {
		i++
	}
	// atom reads one class atom at cls[i].
	atom := func() (v byte, isClass bool, detail string) {
		c := cls[i]
		i++
		if c != '\\' {
			return c, false, ""
		}
		if i >= len(cls) {
			return 0, false, `\ at end of pattern`
		}
		e := cls[i]
		i++
		switch {
		case e == 'b':
			return '\b', false, ""
		case e == '-':
			return '-', false, ""
		case strings.IndexByte("dDsSwW", e) >= 0:
			return 0, true, ""
		case e == 'x':
			if i+1 < len(cls) && rxIsHex(cls[i]) && rxIsHex(cls[i+1]) {
				i += 2
				return rxHexVal(cls[i-2])<<4 | rxHexVal(cls[i-1]), false, ""
			}
		case strings.IndexByte(`^$\.*+?()[]{}|/`, e) >= 0:
			return e, false, ""
		default:
			if ctl, ok := rxControlEscape(e); ok {
				return ctl, false, ""
			}
		}
		return 0, false, fmt.Sprintf(`Invalid escape %q`, cls[i-2:i])
	}
	for i < len(cls) && cls[i] != ']' {
		at := i
		v1, cls1, detail := atom()
		if detail != "" {
			return bad(detail)
		}
		if i+1 >= len(cls) || cls[i] != '-' || cls[i+1] == ']' {
			continue
		}
		i++ // '-'
		v2, cls2, detail := atom()
		if detail != "" {
			return bad(detail)
		}
		if cls1 || cls2 {
			return bad(fmt.Sprintf("Invalid character class: class escape in range %q", cls[at:i]))
		}
		if v1 > v2 {
			return bad("Range out of order in character class")
		}
	}
	if i+1 != len(cls) {
		return bad("Unterminated character class") // unreachable after the scan
	}
	return ""
}

// ---------------------------------------------------------------------------
// Step 6: translation to RE2.

// rxMaxRepeat is the largest repetition count Go's regexp accepts.
const rxMaxRepeat = 1000

// rxMaxProgram bounds the estimated RE2 program size (in instructions) of a
// translation, so that loading definitions never builds huge matchers. A
// short pattern gets a smaller allowance (rxProgramBase plus rxProgramPerByte
// per byte of pattern): each instruction costs about 200 bytes to build, and
// without it a 7-byte ".{1000}" would cost 200 KB, so a document of such
// patterns could need memory thousands of times its size.
const (
	rxMaxProgram     = 1 << 14
	rxProgramBase    = 1024
	rxProgramPerByte = 64
)

func rxCheckRE2Limits(n *rxNode, patternLen int) string {
	if why := rxCheckCounts(n); why != "" {
		return why
	}
	limit := min(int64(rxMaxProgram), rxProgramBase+rxProgramPerByte*int64(patternLen))
	if size := rxProgSize(n); size > limit {
		return fmt.Sprintf("the RE2 translation needs about %d instructions, more than the limit of %d for a pattern of %d bytes", size, limit, patternLen)
	}
	return ""
}

func rxCheckCounts(n *rxNode) string {
	if n.kind == rxRepeat && (n.min > rxMaxRepeat || n.max > rxMaxRepeat) {
		return fmt.Sprintf("repetition %q exceeds RE2's limit of %d repetitions", n.src, rxMaxRepeat)
	}
	for _, s := range n.subs {
		if why := rxCheckCounts(s); why != "" {
			return why
		}
	}
	return ""
}

// rxProgSize estimates the number of RE2 instructions for n, saturating.
func rxProgSize(n *rxNode) int64 {
	const limit = 1 << 40
	var size int64
	switch n.kind {
	case rxConcat:
		for _, s := range n.subs {
			size += rxProgSize(s)
		}
	case rxAlt:
		size = int64(len(n.subs) - 1)
		for _, s := range n.subs {
			size += rxProgSize(s)
		}
	case rxGroup:
		size = rxProgSize(n.subs[0])
	case rxRepeat:
		s := rxProgSize(n.subs[0])
		switch {
		case n.max < 0 && n.min <= 1:
			size = s + 1
		case n.max < 0:
			size = int64(n.min)*s + 1
		default:
			size = int64(n.min)*s + int64(n.max-n.min)*(s+1)
		}
	default:
		size = 1
	}
	if size > limit {
		size = limit
	}
	return size
}

func rxEmit(b *strings.Builder, n *rxNode) {
	switch n.kind {
	case rxEmpty:
	case rxChar:
		rxEmitSet(b, n.set)
	case rxBegin:
		b.WriteByte('^')
	case rxEnd:
		b.WriteByte('$')
	case rxConcat:
		for _, s := range n.subs {
			rxEmit(b, s)
		}
	case rxAlt:
		for i, s := range n.subs {
			if i > 0 {
				b.WriteByte('|')
			}
			rxEmit(b, s)
		}
	case rxGroup:
		b.WriteString("(?:")
		rxEmit(b, n.subs[0])
		b.WriteByte(')')
	case rxRepeat:
		rxEmit(b, n.subs[0]) // always a single character set or a group
		switch {
		case n.min == 0 && n.max < 0:
			b.WriteByte('*')
		case n.min == 1 && n.max < 0:
			b.WriteByte('+')
		case n.min == 0 && n.max == 1:
			b.WriteByte('?')
		case n.max < 0:
			fmt.Fprintf(b, "{%d,}", n.min)
		case n.min == n.max:
			fmt.Fprintf(b, "{%d}", n.min)
		default:
			fmt.Fprintf(b, "{%d,%d}", n.min, n.max)
		}
	}
}

// rxEmitSet writes one RE2 atom matching exactly the ASCII characters of s.
func rxEmitSet(b *strings.Builder, s rxSet) {
	switch n := s.count(); {
	case n == 0:
		b.WriteString(`[^\x00-\x{10FFFF}]`)
	case n == 128:
		b.WriteString(`[\x00-\x{10FFFF}]`)
	case n == 1:
		for c := 0; c < 128; c++ {
			if s.has(byte(c)) {
				rxEmitLiteral(b, byte(c))
			}
		}
	case n > 64: // shorter as a negated class; non-ASCII never reaches it
		b.WriteString("[^")
		rxEmitRanges(b, s.complement())
		b.WriteByte(']')
	default:
		b.WriteByte('[')
		rxEmitRanges(b, s)
		b.WriteByte(']')
	}
}

func rxEmitRanges(b *strings.Builder, s rxSet) {
	for c := 0; c < 128; c++ {
		if !s.has(byte(c)) {
			continue
		}
		lo := c
		for c+1 < 128 && s.has(byte(c+1)) {
			c++
		}
		rxEmitClassChar(b, byte(lo))
		if c > lo+1 {
			b.WriteByte('-')
		}
		if c > lo {
			rxEmitClassChar(b, byte(c))
		}
	}
}

func rxEmitLiteral(b *strings.Builder, c byte) {
	switch {
	case c < 0x20 || c == 0x7f:
		rxEmitControl(b, c)
	case strings.IndexByte(`\.+*?()|[]{}^$`, c) >= 0:
		b.WriteByte('\\')
		b.WriteByte(c)
	default:
		b.WriteByte(c)
	}
}

func rxEmitClassChar(b *strings.Builder, c byte) {
	switch {
	case c < 0x20 || c == 0x7f:
		rxEmitControl(b, c)
	case strings.IndexByte(`\]-[^`, c) >= 0:
		b.WriteByte('\\')
		b.WriteByte(c)
	default:
		b.WriteByte(c)
	}
}

func rxEmitControl(b *strings.Builder, c byte) {
	switch c {
	case '\t':
		b.WriteString(`\t`)
	case '\n':
		b.WriteString(`\n`)
	case '\v':
		b.WriteString(`\v`)
	case '\f':
		b.WriteString(`\f`)
	case '\r':
		b.WriteString(`\r`)
	default:
		fmt.Fprintf(b, `\x%02X`, c)
	}
}
