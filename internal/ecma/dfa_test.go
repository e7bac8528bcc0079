package ecma

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"regexp"
	"testing"
)

// dfaSubjects returns n random subjects for pattern: ASCII strings (no
// carriage return) built mostly from the pattern's own bytes, so that they
// reach deep into its automaton, with newlines, spaces and word characters
// mixed in for the assertions.
func dfaSubjects(rng *rand.Rand, pattern string, n int) []string {
	alphabet := []byte("\n a_0Z.-@")
	for i := 0; i < len(pattern); i++ {
		if c := pattern[i]; c < 0x80 && c != '\r' {
			alphabet = append(alphabet, c)
		}
	}
	out := []string{""}
	for len(out) < n {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			if rng.IntN(8) == 0 {
				b[i] = byte(rng.IntN(0x80))
				if b[i] == '\r' {
					b[i] = '\n'
				}
			} else {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		out = append(out, string(b))
	}
	return out
}

// TestDFAAgreesWithRegexp compares the automaton with Go's regexp on every
// vector pattern that gets one: the vector subjects (which the vector test
// also checks against V8) and random ones.
func TestDFAAgreesWithRegexp(t *testing.T) {
	data, err := os.ReadFile("testdata/regexp-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Patterns []rxVectorPattern `json:"patterns"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	patterns := []string{
		`\b`, `\B`, `^`, `$`, `^$`, `a$|^b`, `\bfoo\b`, `\Bo\B`, `(?:)`, `a*`, `x|`, `^\s*$`,
		`^[a-z0-9._%+-]+@example\.com$`, `(a|b)*c\s\S\d`, `^.{0,10}$`, `[^\n]+\n`, `.\b.`,
	}
	for _, v := range file.Patterns {
		patterns = append(patterns, v.P)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ok, withDFA, subjects := 0, 0, 0
	for _, p := range patterns {
		r := CompileRegexp(p)
		if r.Status() != RegexpOK {
			continue
		}
		ok++
		if r.dfa == nil {
			continue
		}
		withDFA++
		re := regexp.MustCompile(r.GoPattern())
		for _, s := range dfaSubjects(rng, p, 64) {
			subjects++
			if got, _ := r.dfa.match(s); got != re.MatchString(s) {
				t.Fatalf("pattern %q (RE2 %q), subject %q: DFA %v, regexp %v", p, r.GoPattern(), s, got, !got)
			}
		}
	}
	t.Logf("%d compiled patterns, %d with a DFA, %d subjects compared", ok, withDFA, subjects)
	if withDFA < ok*9/10 {
		t.Errorf("only %d of %d patterns got a DFA", withDFA, ok)
	}
}

// TestDFALimits checks that a pattern too large for a DFA still matches,
// through the regexp package.
func TestDFALimits(t *testing.T) {
	// (a|b)*a(a|b){9} needs 2^10 states.
	r := CompileRegexp(`(a|b)*a(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)`)
	if r.Status() != RegexpOK {
		t.Fatal(r.Reason())
	}
	if r.dfa != nil {
		t.Fatal("a pattern needing 1,024 states got a DFA")
	}
	for s, want := range map[string]bool{"abbbbbbbbb": true, "bbbbbbbbbb": false, "aabbbbbbbbbb": true} {
		if got, _ := r.Match(s); got != want {
			t.Errorf("Match(%q) = %v, want %v", s, got, want)
		}
	}
	small := CompileRegexp(`^[a-z.]+@acme\.com$`)
	if small.dfa == nil {
		t.Fatal("a small pattern got no DFA")
	}
}

func BenchmarkRegexpMatchDFA(b *testing.B) {
	r := CompileRegexp(`^[a-z0-9._%+-]+@example\.com$`)
	if r.dfa == nil {
		b.Fatal("no DFA")
	}
	re := regexp.MustCompile(r.GoPattern())
	const s = "john.doe+flags@example.com"
	b.Run("dfa", func(b *testing.B) {
		for b.Loop() {
			r.Match(s)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			re.MatchString(s)
		}
	})
}
