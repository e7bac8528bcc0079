package ecma

import "math"

// MaxTimeMs is the largest magnitude of an ECMAScript time value: 8.64e15
// milliseconds (100,000,000 days) either side of 1970-01-01T00:00:00Z.
const MaxTimeMs = 8.64e15

const (
	msPerDay    = 86_400_000
	msPerHour   = 3_600_000
	msPerMinute = 60_000

	// invalidTime is what RelativeDate returns where V8 gives an Invalid Date.
	invalidTime = math.MinInt64
)

// TimeClip is the time value of new Date(x) for a number x: NaN, ±Infinity
// and |x| > 8.64e15 are invalid (ok is false); otherwise x is truncated toward
// zero (new Date(1.9) is 1, new Date(-1.9) is -1, and -0 becomes 0).
//
// Cost: O(1), no allocation.
func TimeClip(x float64) (ms int64, ok bool) {
	if !(x >= -MaxTimeMs && x <= MaxTimeMs) { // also catches NaN
		return 0, false
	}
	return int64(x), true // conversion truncates toward zero
}

// ParseDate parses s with a strict version of the ECMAScript date-time string
// format and returns its time value in milliseconds since the epoch. It accepts
// exactly:
//
//	date     = YYYY | YYYY-MM | YYYY-MM-DD
//	         | (+|-)YYYYYY | (+|-)YYYYYY-MM | (+|-)YYYYYY-MM-DD   ("-000000" is invalid)
//	datetime = date-with-day ("T" | "t" | " ") HH:mm [":" ss ["." fraction]]
//	           ["Z" | "z" | (+|-)HH:mm]
//
// with ASCII digits, month 01-12, day 01 to the length of that month (so
// 2025-02-30 is invalid, though V8 rolls it over to March), hour 00-23 or 24
// when minutes, seconds and fraction are all zero (24:00 is the next midnight),
// minutes and seconds 00-59 (no leap second), and an offset of hours 00-23 and
// minutes 00-59. Date-only forms and forms without an offset are UTC (V8 reads
// the latter as local time; this package's answers are V8's with TZ=UTC). The
// result must lie within ±MaxTimeMs after applying the offset. Nothing else is
// accepted: no surrounding white space, no "+HHmm", no names, none of V8's
// legacy fallback forms.
//
// Two rules follow V8 rather than the letter of the grammar, so that every
// accepted string gives exactly V8's value:
//
//   - The fraction gives milliseconds the way V8's date parser reads them: it
//     keeps the first 9 significant digits (after leading zeros) of the digit
//     run, then scales by the run's length capped at 9. For runs of up to 9
//     digits, or without a leading zero, that is truncation to milliseconds;
//     ".0123456789" gives 123 ms, not 12.
//   - With a space separator V8 leaves its ISO parser and applies its legacy
//     rules, which read a year from 0 to 99 as 19xx/20xx or even as a month, so
//     a space-separated date-time with a year from 0 to 99 is rejected.
//
// Cost: O(len(s)), no allocation.
func ParseDate(s string) (ms int64, ok bool) {
	var year int64
	p := 0
	switch {
	case len(s) >= 7 && (s[0] == '+' || s[0] == '-'):
		v, ok := digitsAt(s, 1, 6)
		if !ok || (s[0] == '-' && v == 0) {
			return 0, false
		}
		year = v
		if s[0] == '-' {
			year = -v
		}
		p = 7
	default:
		v, ok := digitsAt(s, 0, 4)
		if !ok {
			return 0, false
		}
		year = v
		p = 4
	}
	month, day := int64(1), int64(1)
	var hour, minute, second, milli, offset int64
	if p < len(s) {
		if s[p] != '-' {
			return 0, false
		}
		v, ok := digitsAt(s, p+1, 2)
		if !ok || v < 1 || v > 12 {
			return 0, false
		}
		month = v
		p += 3
	}
	if p < len(s) {
		if s[p] != '-' {
			return 0, false
		}
		v, ok := digitsAt(s, p+1, 2)
		if !ok || v < 1 || v > daysInMonth(year, month) {
			return 0, false
		}
		day = v
		p += 3
	}
	if p < len(s) {
		switch s[p] {
		case 'T', 't':
		case ' ':
			if year >= 0 && year <= 99 {
				return 0, false
			}
		default:
			return 0, false
		}
		var ok1, ok2 bool
		hour, ok1 = digitsAt(s, p+1, 2)
		minute, ok2 = digitsAt(s, p+4, 2)
		if !ok1 || !ok2 || s[p+3] != ':' || minute > 59 {
			return 0, false
		}
		p += 6
		fractionZero := true
		if p < len(s) && s[p] == ':' {
			v, ok := digitsAt(s, p+1, 2)
			if !ok || v > 59 {
				return 0, false
			}
			second = v
			p += 3
			if p < len(s) && s[p] == '.' {
				q := p + 1
				for q < len(s) && isDigit(s[q]) {
					if s[q] != '0' {
						fractionZero = false
					}
					q++
				}
				if q == p+1 {
					return 0, false
				}
				milli = v8Milliseconds(s[p+1 : q])
				p = q
			}
		}
		if hour > 24 || (hour == 24 && (minute != 0 || second != 0 || !fractionZero)) {
			return 0, false
		}
		if p < len(s) {
			switch s[p] {
			case 'Z', 'z':
				p++
			case '+', '-':
				oh, ok1 := digitsAt(s, p+1, 2)
				om, ok2 := digitsAt(s, p+4, 2)
				if !ok1 || !ok2 || s[p+3] != ':' || oh > 23 || om > 59 {
					return 0, false
				}
				offset = oh*msPerHour + om*msPerMinute
				if s[p] == '-' {
					offset = -offset
				}
				p += 6
			default:
				return 0, false
			}
		}
		if p != len(s) {
			return 0, false
		}
	}
	t := daysFromCivil(year, month, day)*msPerDay + hour*msPerHour + minute*msPerMinute + second*1000 + milli - offset
	if t < -MaxTimeMs || t > MaxTimeMs {
		return 0, false
	}
	return t, true
}

// digitsAt reads n ASCII digits at s[i:i+n].
func digitsAt(s string, i, n int) (int64, bool) {
	if i < 0 || i+n > len(s) {
		return 0, false
	}
	var v int64
	for j := i; j < i+n; j++ {
		c := s[j]
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// v8Milliseconds turns a fraction's digit run into milliseconds the way V8's
// DateParser::ReadMilliseconds does (see ParseDate).
func v8Milliseconds(f string) int64 {
	i := 0
	for i < len(f) && f[i] == '0' {
		i++
	}
	var n int64
	for j := i; j < len(f) && j < i+9; j++ {
		n = n*10 + int64(f[j]-'0')
	}
	switch l := len(f); {
	case l == 1:
		n *= 100
	case l == 2:
		n *= 10
	case l > 3:
		for l = min(l, 9); l > 3; l-- {
			n /= 10
		}
	}
	return n
}

// isLeap reports whether year is a leap year of the proleptic Gregorian
// calendar (year 0 is 1 BC).
func isLeap(year int64) bool {
	return year%4 == 0 && (year%100 != 0 || year%400 == 0)
}

// daysInMonth returns the length of month (1-12) of year.
func daysInMonth(year, month int64) int64 {
	switch month {
	case 2:
		if isLeap(year) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the day number (days since 1970-01-01) of the given
// proleptic Gregorian date, month 1-12 and day 1-31; valid for any year whose
// day number fits an int64 comfortably (|year| < 10^12).
func daysFromCivil(year, month, day int64) int64 {
	if month <= 2 {
		year--
	}
	era := floorDiv(year, 400)
	yoe := year - era*400                  // [0, 399]
	mp := (month + 9) % 12                 // March = 0
	doy := (153*mp+2)/5 + day - 1          // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return era*146097 + doe - 719468       // 719468 = days from 0000-03-01 to 1970-01-01
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (year, month, day int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11]
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if month > 12 {
		month -= 12
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// makeDay is ECMAScript's MakeDay(year, month, date) for integers: month is
// 0-based and may be any integer (it carries into the year), date may be any
// integer (it carries into the month).
func makeDay(year, month, date int64) int64 {
	year += floorDiv(month, 12)
	month -= floorDiv(month, 12) * 12
	return daysFromCivil(year, month+1, 1) + date - 1
}

// ParseRelativeDate recognizes posthog's relative date filter values: the
// whole of s must match /^-?([0-9]+)([a-z])$/ (JavaScript's $ is the end of
// the input, so no trailing newline), the number must be below 10000 (any
// number of leading zeros is fine; longer digit strings are rejected) and the
// unit one of h, d, w, m, y. The sign is ignored, as posthog ignores it: "-5d"
// and "5d" both give n = 5.
//
// Cost: O(len(s)), no allocation.
func ParseRelativeDate(s string) (n int, unit byte, ok bool) {
	if len(s) < 2 {
		return 0, 0, false
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	last := len(s) - 1
	if i == last {
		return 0, 0, false
	}
	for ; i < last; i++ {
		c := s[i]
		if !isDigit(c) {
			return 0, 0, false
		}
		n = n*10 + int(c-'0')
		if n >= 10000 {
			return 0, 0, false
		}
	}
	switch u := s[last]; u {
	case 'h', 'd', 'w', 'm', 'y':
		return n, u, true
	}
	return 0, 0, false
}

// RelativeDate computes the instant that posthog-core 1.69.2's
// relativeDateParseForFeatureFlagMatching returns for "<n><unit>" when the
// clock reads nowMs (milliseconds since the epoch, UTC), with V8's Date
// arithmetic:
//
//   - 'h': n hours earlier; 'd': n days earlier; 'w': 7n days earlier.
//   - 'm': the day of month is clamped stepping back one month at a time (while
//     it exceeds 28) to the last day of each month passed, then the month is
//     set n months back, carrying into the year. The last-day lookup uses
//     Date.UTC(year, ...), which reads a year from 0 to 99 as 1900-1999; that
//     quirk is reproduced (it matters only for February of year 0).
//   - 'y': February 29 becomes February 28 when n > 0, then the year is set n
//     years back.
//
// The time of day is kept throughout; dates are proleptic Gregorian, valid for
// negative years. Where V8 would produce an Invalid Date — nowMs or the result
// outside ±MaxTimeMs, an unknown unit, or an n so large that the result cannot
// be in range — RelativeDate returns math.MinInt64; every other result lies
// within ±MaxTimeMs. n is normally what ParseRelativeDate returned (0-9999);
// other values, including negative ones, follow the same arithmetic.
//
// Cost: O(1) (the month clamp takes at most 25 steps), no allocation.
func RelativeDate(nowMs int64, n int, unit byte) int64 {
	if nowMs < -MaxTimeMs || nowMs > MaxTimeMs {
		return invalidTime
	}
	k := int64(n)
	// The calendar fields are needed only for months and years, and they
	// cost as much as the rest together.
	calendar := func() (tod, year, month, day int64) {
		days := floorDiv(nowMs, msPerDay)
		year, month, day = civilFromDays(days)
		return nowMs - days*msPerDay, year, month, day
	}
	var t int64
	switch unit {
	case 'h':
		if k > 1e10 || k < -1e10 {
			return invalidTime
		}
		t = nowMs - k*msPerHour
	case 'd', 'w':
		if unit == 'w' {
			if k > 1e9 || k < -1e9 {
				return invalidTime
			}
			k *= 7
		}
		if k > 1e9 || k < -1e9 {
			return invalidTime
		}
		t = nowMs - k*msPerDay
	case 'm':
		if k > 1e8 || k < -1e8 {
			return invalidTime
		}
		tod, year, month, day := calendar()
		m0 := month - 1
		utcYear := year // Date.UTC maps years 0-99 to 1900-1999
		if utcYear >= 0 && utcYear <= 99 {
			utcYear += 1900
		}
		for step := int64(1); step <= k && day > 28; step++ {
			// new Date(Date.UTC(utcYear, m0-step+1, 0)).getUTCDate(): the last
			// day of month m0-step; NaN if that instant is out of range.
			d := makeDay(utcYear, m0-step+1, 0)
			if d*msPerDay < -MaxTimeMs || d*msPerDay > MaxTimeMs {
				return invalidTime
			}
			_, _, last := civilFromDays(d)
			day = min(day, last)
		}
		t = makeDay(year, m0-k, day)*msPerDay + tod
	case 'y':
		if k > 1e7 || k < -1e7 {
			return invalidTime
		}
		tod, year, month, day := calendar()
		if k > 0 && month == 2 && day == 29 {
			day = 28
		}
		t = makeDay(year-k, month-1, day)*msPerDay + tod
	default:
		return invalidTime
	}
	if t < -MaxTimeMs || t > MaxTimeMs {
		return invalidTime
	}
	return t
}
