package ecma

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Go strings hold UTF-8 and JavaScript strings UTF-16 code units. A valid UTF-8
// string maps one-to-one onto a JavaScript string without lone surrogates. For
// invalid UTF-8 this package uses one rule everywhere: each byte that does not
// begin a valid UTF-8 sequence (as utf8.DecodeRuneInString reports it) stands
// for U+FFFD REPLACEMENT CHARACTER. So "\xff" compares, lowercases and
// stringifies exactly like "\uFFFD", and no function here panics on any input.

// IsSpace reports whether r is an ECMAScript WhiteSpace or LineTerminator code
// point — the set String.prototype.trim, parseFloat and Number() skip: U+0009,
// U+000A, U+000B, U+000C, U+000D, U+0020, U+00A0, U+1680, U+2000..U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF (the Zs category of Unicode
// 15.0 through 17.0 plus the fixed ones). U+0085, U+180E and U+200B are not
// white space.
//
// Cost: O(1), no allocation.
func IsSpace(r rune) bool {
	switch {
	case r <= 0x20:
		return r == 0x20 || (r >= 0x09 && r <= 0x0d)
	case r < 0xa0:
		return false
	case r == 0xa0, r == 0x1680, r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000, r == 0xfeff:
		return true
	default:
		return r >= 0x2000 && r <= 0x200a
	}
}

// skipSpaceForward returns the index of the first non-space code point at or
// after i.
func skipSpaceForward(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < 0x09 || c > 0x0d) {
				return i
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !IsSpace(r) {
			return i
		}
		i += w
	}
	return i
}

// TrimSpace is String.prototype.trim: it returns s without leading and
// trailing white space and line terminators (see IsSpace).
//
// Cost: O(number of trimmed bytes + 1); it returns a substring of s and does
// not allocate.
func TrimSpace(s string) string {
	start := skipSpaceForward(s, 0)
	end := len(s)
	for end > start {
		c := s[end-1]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < 0x09 || c > 0x0d) {
				break
			}
			end--
			continue
		}
		r, w := utf8.DecodeLastRuneInString(s[start:end])
		if !IsSpace(r) {
			break
		}
		end -= w
	}
	return s[start:end]
}

// ToLower is String.prototype.toLowerCase without a locale, as V8 computes it
// with ICU: the full Unicode lowercase mapping, which is the simple mapping
// (unicode.ToLower, Unicode 15.0 tables) except that
//
//   - U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE becomes "i\u0307", and
//   - U+03A3 GREEK CAPITAL LETTER SIGMA becomes final sigma U+03C2 when it is
//     preceded by a cased letter and not followed by one, skipping
//     case-ignorable code points in both directions; otherwise U+03C3.
//
// As in ICU, a code point that is case-ignorable is skipped even when it is
// also cased (U+0345, modifier letters such as U+02B0). Cased means
// Lowercase, Uppercase or Lt; case-ignorable means Mn, Me, Cf, Lm, Sk or
// Word_Break MidLetter, MidNumLet or Single_Quote.
//
// Invalid UTF-8 bytes become U+FFFD in the result (see the package rule), so
// the result is always valid UTF-8.
//
// Cost: O(len(s)). When nothing changes — pure-ASCII lowercase input being the
// common case — it returns s itself without allocating; otherwise it allocates
// the result, usually once.
func ToLower(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c-'A' < 26 {
				break
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if w == 1 || r == 0x130 || r == 0x3a3 || unicode.ToLower(r) != r {
			break // w == 1 here means an invalid byte, which becomes U+FFFD
		}
		i += w
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	it := lowerIter{s: s, i: i}
	for it.i < len(s) {
		if c := s[it.i]; c < utf8.RuneSelf {
			b.WriteByte(lowerASCII(c))
			it.i++
			continue
		}
		r, _ := it.next()
		b.WriteRune(r)
		if it.pending != 0 {
			r, _ = it.next()
			b.WriteRune(r)
		}
	}
	return b.String()
}

// EqualLower reports whether ToLower(a) == ToLower(b).
//
// Cost: O(len(a)+len(b)); it does not allocate (the comparison streams the
// lowercase mappings of both strings), with a fast path for ASCII.
func EqualLower(a, b string) bool {
	if a == b {
		return true
	}
	n := min(len(a), len(b))
	i := 0
	for ; i < n; i++ {
		ca, cb := a[i], b[i]
		if ca|cb >= utf8.RuneSelf {
			break
		}
		if ca != cb && lowerASCII(ca) != lowerASCII(cb) {
			return false
		}
	}
	if i == n {
		// One string is an ASCII-equal prefix of the other; every code point
		// lowercases to at least one code point, so the longer one differs
		// unless both ended.
		return len(a) == len(b)
	}
	// Every byte before i is ASCII in both strings, so i is a code point
	// boundary in both.
	x := lowerIter{s: a, i: i}
	y := lowerIter{s: b, i: i}
	for {
		rx, okx := x.next()
		ry, oky := y.next()
		if okx != oky || rx != ry {
			return false
		}
		if !okx {
			return true
		}
	}
}

func lowerASCII(c byte) byte {
	if c-'A' < 26 {
		return c + ('a' - 'A')
	}
	return c
}

// lowerIter yields the code points of ToLower(s[i:]) one at a time, using all
// of s as the context of the final-sigma rule.
type lowerIter struct {
	s       string
	i       int
	pending rune // second code point of U+0130's mapping, or 0
}

func (it *lowerIter) next() (rune, bool) {
	if it.pending != 0 {
		r := it.pending
		it.pending = 0
		return r, true
	}
	if it.i >= len(it.s) {
		return 0, false
	}
	c := it.s[it.i]
	if c < utf8.RuneSelf {
		it.i++
		return rune(lowerASCII(c)), true
	}
	r, w := utf8.DecodeRuneInString(it.s[it.i:])
	start := it.i
	it.i += w
	switch r {
	case 0x130:
		it.pending = 0x307
		return 'i', true
	case 0x3a3:
		if isFinalSigma(it.s, start, it.i) {
			return 0x3c2, true
		}
		return 0x3c3, true
	}
	return unicode.ToLower(r), true // RuneError (an invalid byte) stays U+FFFD
}

// isFinalSigma evaluates the Final_Sigma condition for the capital sigma at
// s[start:end], the way ICU does: scanning outward, case-ignorable code points
// are skipped first, and the first other code point decides.
func isFinalSigma(s string, start, end int) bool {
	before := false
	for j := start; j > 0; {
		r, w := utf8.DecodeLastRuneInString(s[:j])
		if isCaseIgnorable(r) {
			j -= w
			continue
		}
		before = isCased(r)
		break
	}
	if !before {
		return false
	}
	for j := end; j < len(s); {
		r, w := utf8.DecodeRuneInString(s[j:])
		if isCaseIgnorable(r) {
			j += w
			continue
		}
		return !isCased(r)
	}
	return true
}

// isCased reports the Unicode Cased property: Lowercase, Uppercase or Lt
// (Ll, Lu, Lt, Other_Lowercase, Other_Uppercase).
func isCased(r rune) bool {
	if r < utf8.RuneSelf {
		return uint32(r|0x20)-'a' < 26
	}
	return inRanges(casedRanges(), r)
}

// isCaseIgnorable reports the Unicode Case_Ignorable property: Mn, Me, Cf,
// Lm, Sk, or Word_Break MidLetter, MidNumLet or Single_Quote.
func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '^', '`', 0xb7, 0x387, 0x55f, 0x5f4, 0x2018, 0x2019, 0x2024, 0x2027, 0xfe13, 0xfe52, 0xfe55, 0xff07, 0xff0e, 0xff1a:
		// '^' and '`' are Sk; the rest are Word_Break MidLetter, MidNumLet or
		// Single_Quote.
		return true
	}
	if r < utf8.RuneSelf {
		return false
	}
	return inRanges(ignorableRanges(), r)
}

// casedRanges and ignorableRanges merge the category tables into one sorted
// list each, built on first use, so that a lookup is one binary search.
var (
	casedRanges = sync.OnceValue(func() []runeRange {
		return mergeTables(unicode.Ll, unicode.Lu, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
	})
	ignorableRanges = sync.OnceValue(func() []runeRange {
		return mergeTables(unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
	})
)

type runeRange struct{ lo, hi rune }

func mergeTables(tables ...*unicode.RangeTable) []runeRange {
	var rs []runeRange
	add := func(lo, hi, stride rune) {
		if stride == 1 {
			rs = append(rs, runeRange{lo, hi})
			return
		}
		for r := lo; r <= hi; r += stride {
			rs = append(rs, runeRange{r, r})
		}
	}
	for _, t := range tables {
		for _, e := range t.R16 {
			add(rune(e.Lo), rune(e.Hi), rune(e.Stride))
		}
		for _, e := range t.R32 {
			add(rune(e.Lo), rune(e.Hi), rune(e.Stride))
		}
	}
	slices.SortFunc(rs, func(a, b runeRange) int { return int(a.lo - b.lo) })
	out := rs[:0]
	for _, e := range rs {
		if n := len(out); n > 0 && e.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, e.hi)
			continue
		}
		out = append(out, e)
	}
	return slices.Clip(out)
}

func inRanges(rs []runeRange, r rune) bool {
	lo, hi := 0, len(rs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case r < rs[m].lo:
			hi = m
		case r > rs[m].hi:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// ASCIILower replaces A-Z with a-z and leaves every other byte alone, like
// posthog's asciiLowercase (String(v).replace(/[A-Z]/g, c => c.toLowerCase())).
//
// Cost: O(len(s)). It returns s itself without allocating when s has no A-Z;
// otherwise it allocates the result once.
func ASCIILower(s string) string {
	i := 0
	for i < len(s) && s[i]-'A' >= 26 {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, len(s))
	copy(b, s[:i])
	foldASCII(b[i:], s[i:])
	return string(b)
}

// foldASCII writes src with A-Z lowered into dst[:len(src)], eight bytes at a
// time.
func foldASCII(dst []byte, src string) {
	const (
		lo    = 0x0101010101010101
		hi    = 0x8080808080808080
		low7  = 0x7f7f7f7f7f7f7f7f
		plusA = (0x80 - 'A') * lo     // high bit set in a byte once its low 7 bits reach 'A'
		plusZ = (0x80 - 'Z' - 1) * lo // ... once they pass 'Z'
	)
	dst = dst[:len(src)]
	i := 0
	for ; i+8 <= len(src); i += 8 {
		w := uint64(src[i]) | uint64(src[i+1])<<8 | uint64(src[i+2])<<16 | uint64(src[i+3])<<24 |
			uint64(src[i+4])<<32 | uint64(src[i+5])<<40 | uint64(src[i+6])<<48 | uint64(src[i+7])<<56
		t := w & low7
		upper := ((t + plusA) ^ (t + plusZ)) &^ w & hi
		binary.LittleEndian.PutUint64(dst[i:], w|upper>>2)
	}
	for ; i < len(src); i++ {
		dst[i] = lowerASCII(src[i])
	}
}

// subSafe reports whether byte-level matching of the pattern p is exact under
// the package's invalid-UTF-8 rule: p is valid UTF-8 without U+FFFD, so no
// U+FFFD that an invalid byte of the subject stands for can match it, and p
// starts and ends on code point boundaries.
func subSafe(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] >= utf8.RuneSelf {
			return utf8.ValidString(p[i:]) && !strings.Contains(p[i:], "\uFFFD")
		}
	}
	return true
}

// replaceInvalid returns s with every invalid byte replaced by U+FFFD.
func replaceInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

const (
	foldChunk  = 2048 // bytes of s folded per step by ContainsASCIIFold
	foldSubMax = 256  // longest pattern searched chunk by chunk
)

// ContainsASCIIFold reports whether ASCIILower(s) contains lowerSub, which the
// caller has already passed through ASCIILower (an A-Z in lowerSub can never
// match). This is posthog's icontains: asciiLowercase(a).includes(asciiLowercase(b)).
//
// Cost: O(len(s)+len(lowerSub)) and no allocation. Patterns up to 256 bytes
// are searched in 2 KiB stack-folded chunks with bytes.Index; longer ones with
// the constant-space Two-Way algorithm. Only when lowerSub is invalid UTF-8 or
// contains U+FFFD does it fall back to an allocating path that applies the
// invalid-byte rule to both strings.
func ContainsASCIIFold(s, lowerSub string) bool {
	m := len(lowerSub)
	if m == 0 {
		return true
	}
	if !subSafe(lowerSub) {
		return strings.Contains(ASCIILower(replaceInvalid(s)), replaceInvalid(lowerSub))
	}
	if m > len(s) {
		return false
	}
	if m > foldSubMax {
		return twoWayFold(s, lowerSub)
	}
	var buf [foldChunk]byte
	var pat [foldSubMax]byte
	p := pat[:copy(pat[:], lowerSub)]
	for start := 0; ; {
		end := min(start+foldChunk, len(s))
		n := end - start
		foldASCII(buf[:n], s[start:end])
		if bytes.Contains(buf[:n], p) {
			return true
		}
		if end == len(s) {
			return false
		}
		start = end - (m - 1)
	}
}

// HasPrefixASCIIFold reports whether ASCIILower(s) starts with lowerPrefix
// (already ASCII-lowercased). This is posthog's starts_with.
//
// Cost: O(len(lowerPrefix)), no allocation (except on the rare invalid-UTF-8 /
// U+FFFD path described at ContainsASCIIFold).
func HasPrefixASCIIFold(s, lowerPrefix string) bool {
	if !subSafe(lowerPrefix) {
		return strings.HasPrefix(ASCIILower(replaceInvalid(s)), replaceInvalid(lowerPrefix))
	}
	return len(s) >= len(lowerPrefix) && equalFoldBytes(s[:len(lowerPrefix)], lowerPrefix)
}

// HasSuffixASCIIFold reports whether ASCIILower(s) ends with lowerSuffix
// (already ASCII-lowercased). This is posthog's ends_with.
//
// Cost: O(len(lowerSuffix)), no allocation (except on the rare invalid-UTF-8 /
// U+FFFD path described at ContainsASCIIFold).
func HasSuffixASCIIFold(s, lowerSuffix string) bool {
	if !subSafe(lowerSuffix) {
		return strings.HasSuffix(ASCIILower(replaceInvalid(s)), replaceInvalid(lowerSuffix))
	}
	return len(s) >= len(lowerSuffix) && equalFoldBytes(s[len(s)-len(lowerSuffix):], lowerSuffix)
}

// equalFoldBytes reports whether ASCIILower(a) == lower, len(a) == len(lower).
func equalFoldBytes(a, lower string) bool {
	for i := 0; i < len(lower); i++ {
		if c := a[i]; c != lower[i] && lowerASCII(c) != lower[i] {
			return false
		}
	}
	return true
}

// twoWayFold reports whether ASCIILower(text) contains pat (m = len(pat) >= 1),
// with the Two-Way string matching algorithm of Crochemore and Perrin: linear
// time, constant space. Only text is folded; pat is used as given.
func twoWayFold(text, pat string) bool {
	m, n := len(pat), len(text)
	// Critical factorization pat = pat[:ell+1] pat[ell+1:], from the larger of
	// the maximal suffixes for the two byte orders.
	ms1, p1 := maximalSuffix(pat, false)
	ms2, p2 := maximalSuffix(pat, true)
	ell, per := ms2, p2
	if ms1 > ms2 {
		ell, per = ms1, p1
	}
	if ell+1+per <= m && pat[:ell+1] == pat[per:per+ell+1] {
		// pat has period per: remember how much of the left part matched.
		memory := -1
		for j := 0; j <= n-m; {
			i := max(ell, memory) + 1
			for i < m && pat[i] == lowerASCII(text[i+j]) {
				i++
			}
			if i < m {
				j += i - ell
				memory = -1
				continue
			}
			i = ell
			for i > memory && pat[i] == lowerASCII(text[i+j]) {
				i--
			}
			if i <= memory {
				return true
			}
			j += per
			memory = m - per - 1
		}
		return false
	}
	per = max(ell+1, m-ell-1) + 1
	for j := 0; j <= n-m; {
		i := ell + 1
		for i < m && pat[i] == lowerASCII(text[i+j]) {
			i++
		}
		if i < m {
			j += i - ell
			continue
		}
		i = ell
		for i >= 0 && pat[i] == lowerASCII(text[i+j]) {
			i--
		}
		if i < 0 {
			return true
		}
		j += per
	}
	return false
}

// maximalSuffix returns the start-1 of the lexicographically maximal suffix of
// x (for the reversed byte order when rev) and the period of that suffix.
func maximalSuffix(x string, rev bool) (ms, p int) {
	ms, j, k := -1, 0, 1
	p = 1
	for j+k < len(x) {
		a, b := x[j+k], x[ms+k]
		switch {
		case a == b:
			if k == p {
				j += p
				k = 1
			} else {
				k++
			}
		case (a < b) != rev:
			j += k
			k = 1
			p = j - ms
		default:
			ms = j
			j = ms + 1
			k, p = 1, 1
		}
	}
	return ms, p
}

// CompareUTF16 orders a and b the way JavaScript's relational operators order
// strings: lexicographically by UTF-16 code unit. It returns -1 if a < b, 0 if
// they are equal and +1 if a > b. This differs from Go's byte order (which is
// code point order) only where a supplementary code point (U+10000 and up,
// encoded with a leading surrogate 0xD800-0xDBFF) meets one in U+E000..U+FFFF:
// in UTF-16 the supplementary one is smaller. Invalid bytes compare as U+FFFD.
//
// Cost: O(length of the common prefix + 1), no allocation.
func CompareUTF16(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == len(a) && i == len(b) {
		return 0
	}
	if i < n && a[i]|b[i] < utf8.RuneSelf {
		// The first difference is between two ASCII bytes, which are code
		// point boundaries in both strings, so everything before them decoded
		// alike and they decide.
		if a[i] < b[i] {
			return -1
		}
		return 1
	}
	// Back up to a point where decoding is in step in both strings: the last
	// non-continuation byte among the (shared) three bytes before i, or i
	// itself if there is none, since no valid sequence can then straddle i.
	p := i
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if a[k]&0xc0 != 0x80 {
			p = k
			break
		}
	}
	x, y := p, p
	for x < len(a) && y < len(b) {
		ra, wa := utf8.DecodeRuneInString(a[x:])
		rb, wb := utf8.DecodeRuneInString(b[y:])
		if ra != rb {
			ka, kb := utf16Key(ra), utf16Key(rb)
			if ka < kb {
				return -1
			}
			return 1
		}
		x += wa
		y += wb
	}
	switch {
	case x < len(a):
		return 1
	case y < len(b):
		return -1
	}
	return 0
}

// utf16Key maps code points to keys whose order is UTF-16 code unit order:
// U+E000..U+FFFF move above all supplementary code points.
func utf16Key(r rune) rune {
	if r >= 0xe000 && r <= 0xffff {
		return r + 0x110000 // above U+10FFFF
	}
	return r
}

// AppendQuote appends JSON.stringify(s) to dst: s in double quotes, with '"'
// and '\' escaped by a backslash, U+0008, U+0009, U+000A, U+000C and U+000D as
// \b \t \n \f \r, other code points below U+0020 as \u00xx (lowercase hex),
// and everything else, including U+007F, U+2028, U+2029, '<', '>' and '&',
// verbatim. An invalid UTF-8 byte is written as the character U+FFFD (the
// three bytes EF BF BD, not an escape), which is what JSON.stringify gives for
// the JavaScript string that the package rule maps s to.
//
// Cost: O(len(s)); it does not allocate when dst has room for the result.
func AppendQuote(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, w := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || w != 1 {
				i += w
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
			i++
			start = i
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
