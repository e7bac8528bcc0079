package realistic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/localflags/flags"
)

const goldenPath = "../../testdata/realistic-1000.json"

// TestGoldenIsRegenerable checks that the committed document is exactly
// Document(1000, 1), so that it can be regenerated.
func TestGoldenIsRegenerable(t *testing.T) {
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := Document(1000, 1); !bytes.Equal(got, want) {
		t.Fatalf("%s differs from Document(1000, 1) (%d bytes, want %d); regenerate it with\n\tgo run ./internal/realistic/gen -o testdata/realistic-1000.json",
			filepath.Base(goldenPath), len(got), len(want))
	}
}

func TestDeterministic(t *testing.T) {
	if !bytes.Equal(Document(300, 7), Document(300, 7)) {
		t.Error("Document(300, 7) differs between calls")
	}
	if bytes.Equal(Document(300, 7), Document(300, 8)) {
		t.Error("seeds 7 and 8 give the same document")
	}
	a, b := User(42), User(42)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Error("User(42) differs between calls")
	}
	if User(1).DistinctID == User(2).DistinctID {
		t.Error("users 1 and 2 share a distinct id")
	}
	for _, n := range []int{0, 1, 2, 5, 13} {
		if _, err := flags.New(flags.WithSnapshot(Document(n, 3))); err != nil {
			t.Errorf("Document(%d, 3): %v", n, err)
		}
	}
}

// TestLoadsWithoutWarnings checks that the library compiles the document
// cleanly.
func TestLoadsWithoutWarnings(t *testing.T) {
	c := newClient(t, Document(1000, 1))
	s := c.Snapshot()
	if s.Len() != 1000 {
		t.Errorf("snapshot has %d flags, want 1000", s.Len())
	}
	for _, w := range s.Warnings() {
		t.Errorf("warning: %s", w)
	}
}

func newClient(t testing.TB, doc []byte) *flags.Client {
	t.Helper()
	c, err := flags.New(flags.WithSnapshot(doc), flags.WithClock(ReferenceTime))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestShape checks the document's structure: the kinds' shares, unique
// ASCII keys, the group type mapping, shipped cohorts and correct
// dependency chains.
func TestShape(t *testing.T) {
	const n = 1000
	var doc struct {
		Flags []struct {
			Key     string `json:"key"`
			Active  bool   `json:"active"`
			Filters struct {
				Groups []struct {
					Properties []struct {
						Key   string   `json:"key"`
						Type  string   `json:"type"`
						Value any      `json:"value"`
						Chain []string `json:"dependency_chain"`
					} `json:"properties"`
				} `json:"groups"`
				Holdout   any  `json:"holdout"`
				EarlyExit bool `json:"early_exit"`
			} `json:"filters"`
		} `json:"flags"`
		GroupTypeMapping map[string]string `json:"group_type_mapping"`
		Cohorts          map[string]any    `json:"cohorts"`
	}
	if err := json.Unmarshal(Document(n, 1), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Flags) != n {
		t.Fatalf("%d flags, want %d", len(doc.Flags), n)
	}
	if doc.GroupTypeMapping["0"] != "company" || len(doc.GroupTypeMapping) != 1 {
		t.Errorf("group_type_mapping = %v", doc.GroupTypeMapping)
	}
	kinds := Kinds(n, 1)
	count := map[Kind]int{}
	for _, k := range kinds {
		count[k]++
	}
	for k := range numKinds {
		if want := n * kindShares[k] / 100; count[k] < want || count[k] > want+1 {
			t.Errorf("%d %s flags, want about %d", count[k], k, want)
		}
	}

	position := map[string]int{}
	deps := map[string][]string{} // flag -> the flags its filters name
	holdouts, earlyExits := 0, 0
	for i, f := range doc.Flags {
		if _, dup := position[f.Key]; dup {
			t.Errorf("key %q is used twice", f.Key)
		}
		for _, c := range f.Key {
			if c > 0x7e || c < 0x20 {
				t.Errorf("key %q is not printable ASCII", f.Key)
				break
			}
		}
		position[f.Key] = i
		if f.Active != (kinds[f.Key] != KindInactive) {
			t.Errorf("flag %q (%s) has active=%v", f.Key, kinds[f.Key], f.Active)
		}
		if f.Filters.Holdout != nil {
			holdouts++
		}
		if f.Filters.EarlyExit {
			earlyExits++
		}
		for _, g := range f.Filters.Groups {
			for _, p := range g.Properties {
				switch p.Type {
				case "flag":
					deps[f.Key] = append(deps[f.Key], p.Key)
				case "cohort":
					if _, ok := doc.Cohorts[fmt.Sprint(p.Value)]; !ok {
						t.Errorf("flag %q uses cohort %v, which the document does not ship", f.Key, p.Value)
					}
				}
			}
		}
	}
	if holdouts == 0 || earlyExits == 0 {
		t.Errorf("%d flags with a holdout and %d with early_exit, want a few of each", holdouts, earlyExits)
	}
	// Every dependency_chain lists the dependency's transitive dependencies,
	// each after its own, and ends with the dependency.
	for _, f := range doc.Flags {
		for _, g := range f.Filters.Groups {
			for _, p := range g.Properties {
				if p.Type != "flag" {
					continue
				}
				if len(p.Chain) == 0 || p.Chain[len(p.Chain)-1] != p.Key {
					t.Errorf("flag %q: the chain %v of %q does not end with it", f.Key, p.Chain, p.Key)
					continue
				}
				want := closure(p.Key, deps)
				if got := slices.Sorted(slices.Values(p.Chain)); !slices.Equal(got, want) {
					t.Errorf("flag %q: the chain of %q holds %v, want %v", f.Key, p.Key, got, want)
				}
				for i, k := range p.Chain {
					for _, d := range deps[k] {
						if j := slices.Index(p.Chain, d); j < 0 || j > i {
							t.Errorf("flag %q: in the chain %v, %q comes before its dependency %q", f.Key, p.Chain, k, d)
						}
					}
				}
			}
		}
	}
	if len(doc.Cohorts) < 3 {
		t.Errorf("%d cohorts shipped, want a few", len(doc.Cohorts))
	}
}

// closure returns key and every flag it depends on, sorted.
func closure(key string, deps map[string][]string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(k string) {
		if seen[k] {
			return
		}
		seen[k] = true
		for _, d := range deps[k] {
			walk(d)
		}
	}
	walk(key)
	return slices.Sorted(func(yield func(string) bool) {
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	})
}

// TestAnswers evaluates the whole document for 200 users and checks that
// every kind of flag is on for some users and off for others, and that
// evaluation is rarely inconclusive (every property a filter reads is set).
func TestAnswers(t *testing.T) {
	const users = 200
	c := newClient(t, Document(1000, 1))
	kinds := Kinds(1000, 1)
	type tally struct{ on, off, variant, inconclusive int }
	per := map[Kind]*tally{}
	for k := range numKinds {
		per[k] = &tally{}
	}
	causes := map[string]int{}
	varies := 0 // flags with both answers across the users
	seen := map[string][2]bool{}
	total, inconclusive := 0, 0
	for i := range users {
		u := User(i)
		for key, r := range c.EvaluateAll(context.Background(), u) {
			tl := per[kinds[key]]
			total++
			switch {
			case r.Err != nil:
				if !errors.Is(r.Err, flags.ErrInconclusive) {
					t.Fatalf("user %d, flag %q: %v", i, key, r.Err)
				}
				inconclusive++
				tl.inconclusive++
				causes[cause(r.Err)]++
				continue
			case r.Variant != "":
				tl.variant++
			case r.Enabled:
				tl.on++
			default:
				tl.off++
			}
			s := seen[key]
			s[boolIndex(r.Enabled)] = true
			seen[key] = s
		}
	}
	for _, s := range seen {
		if s[0] && s[1] {
			varies++
		}
	}
	for k := range numKinds {
		tl := per[k]
		t.Logf("%-12s on %6d  variant %6d  off %6d  inconclusive %4d", k, tl.on, tl.variant, tl.off, tl.inconclusive)
		switch k {
		case KindInactive:
			if tl.on+tl.variant+tl.inconclusive != 0 {
				t.Errorf("inactive flags answered %+v, want always false", *tl)
			}
		case KindMultivariate:
			if tl.variant == 0 || tl.off == 0 {
				t.Errorf("multivariate flags: %+v, want variants and false", *tl)
			}
		default:
			if tl.on+tl.variant == 0 || tl.off == 0 {
				t.Errorf("%s flags: %+v, want both true and false", k, *tl)
			}
		}
	}
	share := float64(inconclusive) / float64(total)
	t.Logf("%d answers, %.2f%% inconclusive; %d of %d flags are on for some users and off for others",
		total, 100*share, varies, len(seen))
	for _, kv := range topCauses(causes, 10) {
		t.Logf("  %5d × %s", kv.n, kv.cause)
	}
	if share >= 0.05 {
		t.Errorf("%.1f%% of the answers are inconclusive, want under 5%%", 100*share)
	}
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// cause strips what varies per flag from an inconclusive error, so that
// causes can be counted.
func cause(err error) string {
	s := strings.TrimPrefix(err.Error(), "flags: inconclusive: ")
	if i := strings.Index(s, `"`); i >= 0 {
		if j := strings.Index(s[i+1:], `"`); j >= 0 {
			s = s[:i] + `"…"` + s[i+1+j+1:]
		}
	}
	return s
}

type causeCount struct {
	cause string
	n     int
}

func topCauses(m map[string]int, n int) []causeCount {
	out := make([]causeCount, 0, len(m))
	for c, k := range m {
		out = append(out, causeCount{c, k})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].cause < out[j].cause
	})
	return out[:min(n, len(out))]
}

// TestUsers checks that users carry about twenty properties and a company.
func TestUsers(t *testing.T) {
	for i := range 50 {
		u := User(i)
		if n := len(u.Properties); n < 18 || n > 25 {
			t.Errorf("user %d has %d properties", i, n)
		}
		g, ok := u.Groups["company"]
		if !ok || g.Key == "" || len(g.Properties) == 0 {
			t.Errorf("user %d has no company: %+v", i, u.Groups)
		}
		if _, err := time.Parse(time.DateOnly, u.Properties["signup_date"].(string)); err != nil {
			t.Errorf("user %d: signup_date: %v", i, err)
		}
	}
}

// TestLargeDocumentIsFast checks that a 10,000-flag document generates well
// under a second. It measures CPU time, the best of three runs, so that a
// busy machine does not fail it.
func TestLargeDocumentIsFast(t *testing.T) {
	best, wall := time.Duration(math.MaxInt64), time.Duration(0)
	var size int
	for range 3 {
		start, startWall := cpuTime(), time.Now()
		size = len(Document(10000, 1))
		best, wall = min(best, cpuTime()-start), time.Since(startWall)
	}
	t.Logf("Document(10000, 1): %d bytes in %v of CPU time (last run: %v wall clock)", size, best, wall)
	if best > time.Second && !raceEnabled {
		t.Errorf("Document(10000, 1) took %v of CPU time, want well under a second", best)
	}
}

func BenchmarkDocument10000(b *testing.B) {
	for b.Loop() {
		Document(10000, 1)
	}
}

func BenchmarkUser(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		User(i)
	}
}
