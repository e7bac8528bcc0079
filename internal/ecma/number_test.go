package ecma

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// vectors mirrors testdata/values-vectors.json (see values-vectors.mjs for the
// meaning of each list). Tuples are decoded as []any: strings, float64 numbers
// (exact: every integer in the file is below 2^53), bools and nil.
type vectors struct {
	Meta           map[string]any `json:"meta"`
	NumberToString [][]any        `json:"numberToString"`
	Parse          [][]any        `json:"parse"`
	Whitespace     []int          `json:"whitespace"`
	LowerMap       [][]any        `json:"lowerMap"`
	SigmaClass     [][]any        `json:"sigmaClass"`
	ToLower        [][]any        `json:"toLower"`
	EqualLower     [][]any        `json:"equalLower"`
	Compare        [][]any        `json:"compare"`
	Quote          [][]any        `json:"quote"`
	TimeClip       [][]any        `json:"timeClip"`
	Dates          [][]any        `json:"dates"`
	DatesRejected  [][]any        `json:"datesRejected"`
	Relative       [][]any        `json:"relative"`
}

var (
	vectorsOnce sync.Once
	vectorsData *vectors
	vectorsErr  error
)

func loadVectors(t testing.TB) *vectors {
	t.Helper()
	vectorsOnce.Do(func() {
		b, err := os.ReadFile("testdata/values-vectors.json")
		if err != nil {
			vectorsErr = err
			return
		}
		var v vectors
		if err := json.Unmarshal(b, &v); err != nil {
			vectorsErr = err
			return
		}
		vectorsData = &v
	})
	if vectorsErr != nil {
		t.Fatalf("loading vectors: %v", vectorsErr)
	}
	return vectorsData
}

// requireCount fails the test when a vector list is suspiciously short, so a
// truncated or regenerated-empty file cannot make the vector tests vacuous.
func requireCount(t *testing.T, name string, got, min int) {
	t.Helper()
	if got < min {
		t.Fatalf("%s: only %d vectors, want at least %d", name, got, min)
	}
}

// bitsFloat decodes the script's double encoding: 16 hex digits of the IEEE
// bits, or "nan".
func bitsFloat(t *testing.T, s string) float64 {
	t.Helper()
	if s == "nan" {
		return math.NaN()
	}
	u, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		t.Fatalf("bad bits %q: %v", s, err)
	}
	return math.Float64frombits(u)
}

// sameFloat is identity of JavaScript numbers: NaN equals NaN, +0 differs
// from -0.
func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

func TestNumberToStringVectors(t *testing.T) {
	v := loadVectors(t)
	requireCount(t, "numberToString", len(v.NumberToString), 4000)
	for _, e := range v.NumberToString {
		x := bitsFloat(t, e[0].(string))
		want := e[1].(string)
		if got := FormatNumber(x); got != want {
			t.Errorf("FormatNumber(%v [%s]) = %q, want %q", x, e[0], got, want)
		}
		got := AppendNumber([]byte("pre:"), x)
		if string(got) != "pre:"+want {
			t.Errorf("AppendNumber(pre:, %v) = %q, want %q", x, got, "pre:"+want)
		}
	}
}

func TestNumberToStringCases(t *testing.T) {
	tenth := 0.1 // a variable, so that 0.1+0.2 is computed in float64, not exactly
	cases := []struct {
		x    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
		{1e21, "1e+21"}, {999999999999999900000, "999999999999999900000"}, {1e-7, "1e-7"}, {1.5e-7, "1.5e-7"},
		{1e-6, "0.000001"}, {123e-20, "1.23e-18"}, {tenth + 2*tenth, "0.30000000000000004"}, {-1.5, "-1.5"},
		{5e-324, "5e-324"}, {math.MaxFloat64, "1.7976931348623157e+308"}, {1 << 53, "9007199254740992"},
		{1 << 60, "1152921504606847000"}, {1e20 + 1e5, "100000000000000100000"}, {-0.000001234, "-0.000001234"},
	}
	for _, c := range cases {
		if got := FormatNumber(c.x); got != c.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}

func TestParseVectors(t *testing.T) {
	v := loadVectors(t)
	requireCount(t, "parse", len(v.Parse), 3000)
	for _, e := range v.Parse {
		s := e[0].(string)
		pf := bitsFloat(t, e[1].(string))
		nu := bitsFloat(t, e[2].(string))
		if got := ParseFloat(s); !sameFloat(got, pf) {
			t.Errorf("ParseFloat(%q) = %v, want %v", s, got, pf)
		}
		if got := StringToNumber(s); !sameFloat(got, nu) {
			t.Errorf("StringToNumber(%q) = %v, want %v", s, got, nu)
		}
	}
}

func TestParseFloatCases(t *testing.T) {
	cases := []struct {
		in   string
		want float64
	}{
		{"1e", 1}, {"1e+", 1}, {"0x10", 0}, {"-.5e-3x", -0.0005}, {"Infinity", math.Inf(1)},
		{"-Infinity1", math.Inf(-1)}, {"1e400", math.Inf(1)}, {"-1e400", math.Inf(-1)}, {"  \u00a0\u2028 12abc", 12},
		{"5.", 5}, {".5", 0.5}, {"5.e3", 5000}, {"infinity", math.NaN()}, {"", math.NaN()}, {".", math.NaN()},
		{"+-1", math.NaN()}, {"1e-400", 0}, {"-0", math.Copysign(0, -1)}, {"\xff1", math.NaN()}, {"1\xff", 1},
	}
	for _, c := range cases {
		if got := ParseFloat(c.in); !sameFloat(got, c.want) {
			t.Errorf("ParseFloat(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestStringToNumberCases(t *testing.T) {
	cases := []struct {
		in   string
		want float64
	}{
		{"", 0}, {" \n\t ", 0}, {"12", 12}, {" 12 ", 12}, {"1e", math.NaN()}, {"0x10", 16}, {"0X1f", 31},
		{"0o17", 15}, {"0b101", 5}, {"-0x10", math.NaN()}, {"+0x10", math.NaN()}, {"0x", math.NaN()},
		{"1_000", math.NaN()}, {"Infinity", math.Inf(1)}, {"-Infinity", math.Inf(-1)}, {"+Infinity", math.Inf(1)},
		{"Infinityx", math.NaN()}, {"5.", 5}, {".5", 0.5}, {".", math.NaN()}, {"-0", math.Copysign(0, -1)},
		{"0x20000000000001", 9007199254740992}, {"0x20000000000003", 9007199254740996},
		{"0x" + strings.Repeat("f", 257), math.Inf(1)}, {"0b2", math.NaN()}, {"0o8", math.NaN()}, {"1\xff", math.NaN()},
	}
	for _, c := range cases {
		if got := StringToNumber(c.in); !sameFloat(got, c.want) {
			t.Errorf("StringToNumber(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestOverflowThreshold(t *testing.T) {
	want := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 1024), new(big.Int).Lsh(big.NewInt(1), 970))
	if overflowThreshold != want.String() {
		t.Fatalf("overflowThreshold is not 2^1024-2^970")
	}
}

// TestOverflowsMatchesStrconv checks the pre-check that keeps ParseFloat
// allocation-free against strconv's own overflow report, around the boundary.
func TestOverflowsMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	th := overflowThreshold
	lits := []string{th, "-" + th, th[:308] + "1", th + "0", th + ".0", th + ".00001", th[:1] + "." + th[1:] + "e308",
		"0." + th + "e309", "0.000" + th + "e312", th[:20] + "e288", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "1e308", "9.99e308", "1e309", "0e999999", "0.0", "1e-999999999999", "1e999999999999"}
	for i := 0; i < 3000; i++ {
		// Perturb a random digit of the threshold, cut it anywhere, and place
		// the decimal point anywhere with a compensating exponent.
		d := []byte(th)
		d[r.IntN(len(d))] = byte('0' + r.IntN(10))
		d = d[:1+r.IntN(len(d))]
		pt := r.IntN(len(d) + 1)
		exp := len(th) - pt
		lit := string(d[:pt]) + "." + string(d[pt:])
		if lit == "." {
			lit = "0."
		}
		lits = append(lits, fmt.Sprintf("%se%d", lit, exp))
	}
	for _, lit := range lits {
		_, err := strconv.ParseFloat(lit, 64)
		want := errors.Is(err, strconv.ErrRange)
		if err != nil && !want {
			t.Fatalf("strconv rejects %q: %v", lit, err)
		}
		if got := overflows(lit); got != want {
			t.Errorf("overflows(%q) = %v, strconv says %v", lit, got, want)
		}
	}
}

func TestNumberAllocs(t *testing.T) {
	buf := make([]byte, 0, 64)
	for _, x := range []float64{0, 1, -1.5, 1e21, 1.2345e-7, 5e-324, math.MaxFloat64, 123456.789, math.NaN(), math.Inf(-1)} {
		if n := testing.AllocsPerRun(100, func() { buf = AppendNumber(buf[:0], x) }); n != 0 {
			t.Errorf("AppendNumber(%v) allocates %v times", x, n)
		}
	}
	var sink float64
	for _, s := range []string{"12.5", "  -1e400", "1e-400", overflowThreshold, strings.Repeat("9", 400), "1.7976931348623159e308",
		"0x" + strings.Repeat("f", 300), "Infinity", "abc", "0." + strings.Repeat("0", 500) + "1e400", "1e99999999999999999999"} {
		if n := testing.AllocsPerRun(100, func() { sink += ParseFloat(s) }); n != 0 {
			t.Errorf("ParseFloat(%.20q...) allocates %v times", s, n)
		}
		if n := testing.AllocsPerRun(100, func() { sink += StringToNumber(s) }); n != 0 {
			t.Errorf("StringToNumber(%.20q...) allocates %v times", s, n)
		}
	}
	_ = sink
}

var plainFloat = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"1", "1e", "-.5e-3x", "Infinity", "0x10", "1e400", " \u00a012", overflowThreshold, "\xff", "5.e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pf := ParseFloat(s)
		nu := StringToNumber(s)
		if !plainFloat.MatchString(s) {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			t.Fatalf("strconv.ParseFloat(%q): %v", s, err)
		}
		if !sameFloat(pf, want) {
			t.Errorf("ParseFloat(%q) = %v, strconv %v", s, pf, want)
		}
		if !sameFloat(nu, want) {
			t.Errorf("StringToNumber(%q) = %v, strconv %v", s, nu, want)
		}
	})
}

var benchSinkFloat float64

func BenchmarkParseFloat(b *testing.B) {
	for _, s := range []string{"42", "3.14159", "  -1.2345678901234567e-300xyz", "1e400"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchSinkFloat += ParseFloat(s)
			}
		})
	}
}

func BenchmarkAppendNumber(b *testing.B) {
	buf := make([]byte, 0, 32)
	for _, x := range []float64{42, 0.1, 1.2345678901234567e-300, 1e21} {
		b.Run(strconv.FormatFloat(x, 'g', -1, 64), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf = AppendNumber(buf[:0], x)
			}
		})
	}
}
