package ecma

import (
	"math"
	"strconv"
)

// AppendNumber appends Number::toString(x) in radix 10 — what String(x) gives
// in JavaScript — to dst and returns the extended buffer.
//
// The digits are the shortest that round-trip to x (ECMA-262 §6.1.6.1.20; when
// several shortest strings exist, the one closest to x, as V8 does). Fixed
// notation is used when 1e-7 <= |x| < 1e21, exponent notation ("1e+21",
// "1.5e-7") otherwise; -0 gives "0", NaN "NaN", ±Infinity "Infinity" and
// "-Infinity".
//
// Cost: O(1); it does not allocate when dst has room for the result (at most
// 25 bytes).
func AppendNumber(dst []byte, x float64) []byte {
	switch {
	case x != x:
		return append(dst, "NaN"...)
	case x == 0:
		return append(dst, '0')
	case x > math.MaxFloat64:
		return append(dst, "Infinity"...)
	case x < -math.MaxFloat64:
		return append(dst, "-Infinity"...)
	}
	if x < 0 {
		dst = append(dst, '-')
		x = -x
	}
	// Integers below 2^53 print as themselves: the round-trip interval of such
	// a double holds no other integer, and the shortest digits never need a
	// fraction.
	if x < 1<<53 && x == math.Trunc(x) {
		return strconv.AppendUint(dst, uint64(x), 10)
	}

	// strconv's shortest 'e' format gives the same digits as the spec's
	// (k as small as possible, then closest to x): d[.ddd]e±XX.
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], x, 'e', -1, 64)
	var digits [24]byte
	k := 0
	i := 0
	for ; i < len(b) && b[i] != 'e'; i++ {
		if b[i] != '.' {
			digits[k] = b[i]
			k++
		}
	}
	exp := 0
	negExp := false
	if i+1 < len(b) {
		i++
		if b[i] == '-' || b[i] == '+' {
			negExp = b[i] == '-'
			i++
		}
		for ; i < len(b); i++ {
			exp = exp*10 + int(b[i]-'0')
		}
	}
	if negExp {
		exp = -exp
	}
	n := exp + 1 // x = 0.d1d2...dk × 10^n

	switch {
	case k <= n && n <= 21:
		dst = append(dst, digits[:k]...)
		for j := k; j < n; j++ {
			dst = append(dst, '0')
		}
	case 0 < n && n <= 21:
		dst = append(dst, digits[:n]...)
		dst = append(dst, '.')
		dst = append(dst, digits[n:k]...)
	case -6 < n && n <= 0:
		dst = append(dst, '0', '.')
		for j := n; j < 0; j++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits[:k]...)
	default:
		dst = append(dst, digits[0])
		if k > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:k]...)
		}
		dst = append(dst, 'e')
		e := n - 1
		if e < 0 {
			dst = append(dst, '-')
			e = -e
		} else {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, int64(e), 10)
	}
	return dst
}

// FormatNumber returns String(x) for a JavaScript number; see AppendNumber.
//
// Cost: O(1) and one allocation for the returned string.
func FormatNumber(x float64) string {
	var buf [32]byte
	return string(AppendNumber(buf[:0], x))
}

// ParseFloat is JavaScript's global parseFloat applied to a string.
//
// It skips leading white space (see IsSpace), then reads the longest prefix
// that is a StrDecimalLiteral: an optional sign followed by "Infinity" or by
// digits with an optional fraction and exponent ("5.", ".5", "1e-3"). A
// dangling exponent marker is not part of the prefix ("1e" and "1e+" give 1),
// there are no hexadecimal, octal or binary forms ("0x10" gives 0), and no
// prefix at all gives NaN. The value is correctly rounded; magnitudes too large
// for a double give ±Infinity and too small ones ±0, as in JavaScript.
//
// Invalid UTF-8 never matches white space or a digit, so it ends the prefix.
//
// Cost: O(len(s)); it does not allocate.
func ParseFloat(s string) float64 {
	i := skipSpaceForward(s, 0)
	end, inf := scanDecimal(s, i)
	if end < 0 {
		return math.NaN()
	}
	if inf {
		if s[i] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	return decimalValue(s[i:end])
}

// StringToNumber is the abstract operation ToNumber applied to a string, i.e.
// JavaScript's Number(s) or unary +s.
//
// Leading and trailing white space (see IsSpace) is ignored; an empty or
// all-space string gives 0. What remains must be, as a whole, a
// StrDecimalLiteral (including "Infinity", "+Infinity" and "-Infinity") or an
// unsigned 0x/0X, 0o/0O or 0b/0B integer literal; anything else, including
// numeric separators ("1_000") and signed non-decimal literals ("-0x10"), gives
// NaN. Decimal values are correctly rounded; non-decimal literals are rounded
// to the nearest double, ties to even, like V8, and may overflow to +Infinity.
//
// Cost: O(len(s)); it does not allocate.
func StringToNumber(s string) float64 {
	t := TrimSpace(s)
	if t == "" {
		return 0
	}
	if len(t) >= 2 && t[0] == '0' {
		shift := uint(0)
		switch t[1] {
		case 'x', 'X':
			shift = 4
		case 'o', 'O':
			shift = 3
		case 'b', 'B':
			shift = 1
		}
		if shift != 0 {
			return parsePow2Integer(t[2:], shift)
		}
	}
	end, inf := scanDecimal(t, 0)
	if end != len(t) {
		return math.NaN()
	}
	if inf {
		if t[0] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	return decimalValue(t)
}

func isDigit(c byte) bool { return c-'0' < 10 }

// scanDecimal matches the longest StrDecimalLiteral at s[i:]. It returns the
// end of the match, or -1 when nothing matches, and whether the literal is a
// (signed) Infinity.
func scanDecimal(s string, i int) (end int, inf bool) {
	j := i
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	if len(s)-j >= 8 && s[j:j+8] == "Infinity" {
		return j + 8, true
	}
	start := j
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	nInt := j - start
	nFrac := 0
	if j < len(s) && s[j] == '.' {
		k := j + 1
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		nFrac = k - (j + 1)
		if nInt > 0 || nFrac > 0 {
			j = k
		}
	}
	if nInt == 0 && nFrac == 0 {
		return -1, false
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		d := k
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k > d {
			j = k
		}
	}
	return j, false
}

// overflowThreshold is 2^1024 - 2^970, the exact decimal value halfway between
// math.MaxFloat64 and 2^1024: every decimal literal at least this large rounds
// to Infinity (the tie goes to the even significand, 2^1024). It has 309 digits;
// number_test.go recomputes it with math/big.
const overflowThreshold = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"

// decimalValue converts a StrDecimalLiteral without "Infinity" (lit is known to
// match the grammar) to the nearest double.
func decimalValue(lit string) float64 {
	neg := lit[0] == '-'
	// Fast path: up to 15 digits and nothing else is an exact integer.
	i := 0
	if neg || lit[0] == '+' {
		i++
	}
	if len(lit)-i <= 15 {
		var v uint64
		j := i
		for ; j < len(lit) && isDigit(lit[j]); j++ {
			v = v*10 + uint64(lit[j]-'0')
		}
		if j == len(lit) {
			f := float64(v)
			if neg {
				f = -f // -0 stays -0
			}
			return f
		}
	}
	if overflows(lit) {
		if neg {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	// strconv only reports an error (and only then allocates) when the value
	// overflows, which overflows has ruled out; its value is right either way.
	f, _ := strconv.ParseFloat(lit, 64)
	return f
}

// overflows reports whether the decimal literal lit is at least
// overflowThreshold in magnitude, i.e. rounds to ±Infinity.
func overflows(lit string) bool {
	i := 0
	if lit[0] == '+' || lit[0] == '-' {
		i++
	}
	// Significand digits: find the first non-zero one and the position of the
	// decimal point relative to it.
	first := -1 // index in lit of the first non-zero digit
	intDigits := 0
	pos := 0 // digits (integer and fraction) seen before first
	seenPoint := false
	j := i
	for ; j < len(lit) && lit[j] != 'e' && lit[j] != 'E'; j++ {
		c := lit[j]
		if c == '.' {
			seenPoint = true
			continue
		}
		if !seenPoint {
			intDigits++
		}
		if first < 0 {
			if c != '0' {
				first = j
			} else {
				pos++
			}
		}
	}
	if first < 0 {
		return false // zero
	}
	sigEnd := j
	exp := 0
	if j < len(lit) {
		j++
		negExp := false
		if lit[j] == '+' || lit[j] == '-' {
			negExp = lit[j] == '-'
			j++
		}
		for ; j < len(lit); j++ {
			if exp < 1e9 {
				exp = exp*10 + int(lit[j]-'0')
			}
		}
		if negExp {
			exp = -exp
		}
	}
	// value in [10^e10, 10^(e10+1)); len(lit) bounds the other terms.
	e10 := intDigits - 1 - pos + exp
	if e10 != len(overflowThreshold)-1 {
		return e10 > len(overflowThreshold)-1
	}
	t := 0
	for j = first; j < sigEnd; j++ {
		c := lit[j]
		if c == '.' {
			continue
		}
		if t == len(overflowThreshold) {
			return true // equal so far, and lit has more digits: not smaller
		}
		if c != overflowThreshold[t] {
			return c > overflowThreshold[t]
		}
		t++
	}
	// lit's digits ran out while equal: lit is equal only if the rest of the
	// threshold is zeros, which it is not (it ends in 2).
	return t == len(overflowThreshold)
}

// parsePow2Integer converts the digits of a 0x / 0o / 0b literal (without the
// prefix) in radix 1<<shift to the nearest double, ties to even. It returns NaN
// unless digits is a non-empty run of valid digits.
func parsePow2Integer(digits string, shift uint) float64 {
	if digits == "" {
		return math.NaN()
	}
	radix := byte(1) << shift
	var mant uint64
	exp := 0
	sticky := false
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d byte
		switch {
		case isDigit(c):
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return math.NaN()
		}
		if d >= radix {
			return math.NaN()
		}
		if mant < 1<<58 {
			mant = mant<<shift | uint64(d)
		} else {
			// mant already holds more than 55 significant bits: later digits
			// only matter as a sticky bit below the rounding position.
			exp += int(shift)
			if d != 0 {
				sticky = true
			}
		}
	}
	if sticky {
		mant |= 1
	}
	// mant < 2^62, so the conversion is a correctly rounded (ties to even)
	// hardware conversion, and the sticky bit sits below the rounding bit.
	return math.Ldexp(float64(mant), exp)
}
