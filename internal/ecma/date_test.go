package ecma

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestTimeClipVectors(t *testing.T) {
	v := loadVectors(t)
	requireCount(t, "timeClip", len(v.TimeClip), 800)
	for _, e := range v.TimeClip {
		x := bitsFloat(t, e[0].(string))
		ms, ok := TimeClip(x)
		if e[1] == nil {
			if ok {
				t.Errorf("TimeClip(%v) = %d, true; V8 gives an Invalid Date", x, ms)
			}
			continue
		}
		if want := int64(e[1].(float64)); !ok || ms != want {
			t.Errorf("TimeClip(%v) = %d, %v; want %d", x, ms, ok, want)
		}
	}
}

func TestTimeClipCases(t *testing.T) {
	cases := []struct {
		x  float64
		ms int64
		ok bool
	}{
		{1.9, 1, true}, {-1.9, -1, true}, {math.Copysign(0, -1), 0, true}, {8.64e15, 8.64e15, true},
		{-8.64e15, -8.64e15, true}, {8.64e15 + 1, 0, false}, {math.NaN(), 0, false}, {math.Inf(-1), 0, false},
	}
	for _, c := range cases {
		if ms, ok := TimeClip(c.x); ms != c.ms || ok != c.ok {
			t.Errorf("TimeClip(%v) = %d, %v; want %d, %v", c.x, ms, ok, c.ms, c.ok)
		}
	}
}

func TestParseDateVectors(t *testing.T) {
	v := loadVectors(t)
	requireCount(t, "dates", len(v.Dates), 3000)
	requireCount(t, "datesRejected", len(v.DatesRejected), 1500)
	valid := 0
	for _, e := range v.Dates {
		s := e[0].(string)
		ms, ok := ParseDate(s)
		if e[1] == nil {
			if ok {
				t.Errorf("ParseDate(%q) = %d, true; V8 gives an Invalid Date", s, ms)
			}
			continue
		}
		valid++
		if want := int64(e[1].(float64)); !ok || ms != want {
			t.Errorf("ParseDate(%q) = %d, %v; V8 %d", s, ms, ok, want)
		}
	}
	if valid < 2000 {
		t.Fatalf("only %d valid grammar dates", valid)
	}
	for _, e := range v.DatesRejected {
		s := e[0].(string)
		if ms, ok := ParseDate(s); ok {
			t.Errorf("ParseDate(%q) = %d, true; want rejection (V8: %v)", s, ms, e[1])
		}
	}
}

func TestParseDateCases(t *testing.T) {
	good := map[string]int64{
		"1970":                           0,
		"1970-01":                        0,
		"2020-01-01":                     1577836800000,
		"2020-01-01T10:00":               1577872800000,
		"2020-01-01t10:00z":              1577872800000,
		"2020-01-01 10:00:00.5+05:30":    1577853000500,
		"2020-12-31T24:00Z":              1609459200000,
		"2020-01-01T24:00:00.000000":     1577923200000,
		"2020-01-01T00:00:00.9999":       1577836800999,
		"2020-01-01T00:00:00.0123456789": 1577836800123, // V8's reading, not 12
		"+275760-09-13T00:00:00.000Z":    8.64e15,
		"-271821-04-19T23:00-01:00":      -8.64e15,
		"+000000-01-01":                  -62167219200000,
		"0050-06-15T10:00":               -60575004000000,
		"-000005-01-02 10:00":            -62324863200000,
	}
	for s, want := range good {
		if ms, ok := ParseDate(s); !ok || ms != want {
			t.Errorf("ParseDate(%q) = %d, %v; want %d", s, ms, ok, want)
		}
	}
	for _, s := range []string{"", "-000000", "2025-02-30", "2020-1-1", "0050-06-15 10:00", "2020-01-01T24:00:00.0001",
		"2020-01-01T10:00+0500", "+275760-09-13T00:00:00.001Z", " 2020", "2020 ", "2020-01-01T10", "２０２０",
		"2020-01-01T10:00:00.", "\xff", "2020-01-01T10:00+24:00", "2020-02-29T24:00:01"} {
		if ms, ok := ParseDate(s); ok {
			t.Errorf("ParseDate(%q) = %d, true; want rejection", s, ms)
		}
	}
	s := "2024-02-29T12:34:56.789+05:30"
	if n := testing.AllocsPerRun(100, func() { _, _ = ParseDate(s) }); n != 0 {
		t.Errorf("ParseDate allocates %v times", n)
	}
}

func TestCivilMatchesTimePackage(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 200000; i++ {
		days := r.Int64N(2*100_000_001) - 100_000_001
		if i < 1000 {
			days = int64(i) - 500
		}
		tm := time.UnixMilli(days * msPerDay).UTC()
		y, m, d := civilFromDays(days)
		if y != int64(tm.Year()) || m != int64(tm.Month()) || d != int64(tm.Day()) {
			t.Fatalf("civilFromDays(%d) = %d-%d-%d, time says %v", days, y, m, d, tm)
		}
		if back := daysFromCivil(y, m, d); back != days {
			t.Fatalf("daysFromCivil(%d, %d, %d) = %d, want %d", y, m, d, back, days)
		}
		if dim := daysInMonth(y, m); time.Date(int(y), time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() != int(dim) {
			t.Fatalf("daysInMonth(%d, %d) = %d", y, m, dim)
		}
	}
}

func TestRelativeVectors(t *testing.T) {
	v := loadVectors(t)
	requireCount(t, "relative", len(v.Relative), 3000)
	for _, e := range v.Relative {
		now := int64(e[0].(float64))
		s := e[1].(string)
		n, unit, ok := ParseRelativeDate(s)
		got := int64(invalidTime)
		if ok {
			got = RelativeDate(now, n, unit)
		}
		if e[2] == nil {
			if got != invalidTime {
				t.Errorf("now %d (%s) %q: got %d (ok %v), posthog gives null / Invalid Date", now, isoString(now), s, got, ok)
			}
			continue
		}
		if want := int64(e[2].(float64)); got != want {
			t.Errorf("now %d (%s) %q: got %d (%s), posthog %d (%s)", now, isoString(now), s, got, isoString(got), want, isoString(want))
		}
	}
}

func TestParseRelativeDateCases(t *testing.T) {
	type res struct {
		n    int
		unit byte
		ok   bool
	}
	cases := map[string]res{
		"5d": {5, 'd', true}, "-5d": {5, 'd', true}, "0h": {0, 'h', true}, "9999y": {9999, 'y', true},
		"0000009999m": {9999, 'm', true}, "10000d": {}, "1" + strings.Repeat("0", 400) + "w": {}, "5x": {}, "5D": {},
		"5d\n": {}, "d": {}, "-d": {}, "": {}, "--5d": {}, "+5d": {}, " 5d": {}, "5": {}, "5dd": {}, "\xff5d": {},
	}
	for s, want := range cases {
		n, unit, ok := ParseRelativeDate(s)
		if (res{n, unit, ok}) != want {
			t.Errorf("ParseRelativeDate(%q) = %d, %q, %v; want %+v", s, n, unit, ok, want)
		}
	}
}

func TestRelativeDateCases(t *testing.T) {
	at := func(s string) int64 {
		ms, ok := ParseDate(s)
		if !ok {
			t.Fatalf("bad test date %q", s)
		}
		return ms
	}
	cases := []struct {
		now  string
		n    int
		unit byte
		want string
	}{
		{"2024-03-31T10:20:30.456Z", 1, 'm', "2024-02-29T10:20:30.456Z"},
		{"2024-03-31T10:20:30.456Z", 2, 'm', "2024-01-29T10:20:30.456Z"},
		{"2023-03-31T00:00Z", 2, 'm', "2023-01-28T00:00Z"},
		{"2024-02-29T00:00Z", 1, 'y', "2023-02-28T00:00Z"},
		{"2024-02-29T00:00Z", 4, 'y', "2020-02-28T00:00Z"},
		{"2024-02-29T00:00Z", 0, 'y', "2024-02-29T00:00Z"},
		{"2024-01-15T12:00Z", 13, 'm', "2022-12-15T12:00Z"},
		{"1970-01-01T00:00Z", 1, 'h', "1969-12-31T23:00Z"},
		{"2024-01-01T00:00Z", 2, 'w', "2023-12-18T00:00Z"},
		// Date.UTC reads year 1 as 1901, so February of year 0 counts as 28 days.
		{"0001-01-31T00:00Z", 12, 'm', "0000-01-28T00:00Z"},
	}
	for _, c := range cases {
		if got := RelativeDate(at(c.now), c.n, c.unit); got != at(c.want) {
			t.Errorf("RelativeDate(%s, %d, %c) = %s, want %s", c.now, c.n, c.unit, isoString(got), c.want)
		}
	}
	for _, c := range []struct {
		now  int64
		n    int
		unit byte
	}{{-8.64e15, 1, 'h'}, {8.64e15 + 1, 0, 'h'}, {0, 1, 'x'}, {0, math.MaxInt, 'd'}, {0, math.MinInt, 'm'}, {0, math.MaxInt, 'y'}} {
		if got := RelativeDate(c.now, c.n, c.unit); got != math.MinInt64 {
			t.Errorf("RelativeDate(%d, %d, %c) = %d, want math.MinInt64", c.now, c.n, c.unit, got)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = RelativeDate(1718467200123, 7, 'm') }); n != 0 {
		t.Errorf("RelativeDate allocates %v times", n)
	}
}

// isoString formats ms like Date.prototype.toISOString, independently of the
// package (it uses the time package).
func isoString(ms int64) string {
	if ms < -MaxTimeMs || ms > MaxTimeMs {
		return "Invalid Date"
	}
	tm := time.UnixMilli(ms).UTC()
	y := tm.Year()
	var ys string
	switch {
	case y >= 0 && y <= 9999:
		ys = fmt.Sprintf("%04d", y)
	case y < 0:
		ys = fmt.Sprintf("-%06d", -y)
	default:
		ys = fmt.Sprintf("+%06d", y)
	}
	return fmt.Sprintf("%s-%02d-%02dT%02d:%02d:%02d.%03dZ", ys, tm.Month(), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), tm.Nanosecond()/1e6)
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{"2020-01-01", "2020-01-01T10:00:00.123+05:30", "+275760-09-13T00:00:00.000Z", "-000001-12-31 23:59",
		"2020-12-31T24:00", "2020-01-01T00:00:00.0123456789Z", "2020", "\xff", "2020-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, ok := ParseDate(s)
		if !ok {
			return
		}
		if ms < -MaxTimeMs || ms > MaxTimeMs {
			t.Fatalf("ParseDate(%q) = %d, out of range", s, ms)
		}
		iso := isoString(ms)
		back, ok := ParseDate(iso)
		if !ok || back != ms {
			t.Fatalf("ParseDate(%q) = %d; its ISO form %q parses to %d, %v", s, ms, iso, back, ok)
		}
	})
}
