package flags_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/localflags/flags"
	"github.com/localflags/flags/internal/realistic"
)

// EvaluateAll shares dependency, cohort and property reads across flags;
// these tests hold it to the answers of Evaluate, which shares nothing.

func TestEvaluateAllAgreesWithEvaluate(t *testing.T) {
	t.Parallel()
	c := realisticClient(t, 1000)
	dst := map[string]flags.Result{}
	for i := range 48 {
		u := realistic.User(i)
		dst = c.EvaluateAllInto(context.Background(), u, dst)
		checkBulk(t, c, u, dst, 1000)
	}
}

// TestEvaluateAllBeyondDenseTables uses a document whose property keys
// times group types exceed the bulk evaluation's dense tables, so it takes
// the sparse path.
func TestEvaluateAllBeyondDenseTables(t *testing.T) {
	t.Parallel()
	const groups, keys = 4, 9000 // 5 views × 9,000 keys > 2^15
	var fl []string
	for g := range groups {
		for k := 0; k < keys; k += 1000 {
			var fs []string
			for j := k; j < k+1000; j++ {
				fs = append(fs, fmt.Sprintf(`{"key":"p%d","type":"group","group_type_index":%d,"operator":"is_not","value":"x"}`, j, g))
			}
			fl = append(fl, fmt.Sprintf(`{"key":"g%d-%d","active":true,"filters":{"aggregation_group_type_index":%d,"groups":[{"properties":[%s],"rollout_percentage":100}]}}`,
				g, k, g, strings.Join(fs, ",")))
		}
	}
	for k := 0; k < keys; k += 1000 {
		var fs []string
		for j := k; j < k+1000; j++ {
			fs = append(fs, fmt.Sprintf(`{"key":"p%d","type":"person","operator":"is_not","value":"x"}`, j))
		}
		fl = append(fl, fmt.Sprintf(`{"key":"person-%d","active":true,"filters":{"groups":[{"properties":[%s],"rollout_percentage":100}]}}`, k, strings.Join(fs, ",")))
	}
	doc := fmt.Sprintf(`{"flags":[%s],"group_type_mapping":{"0":"g0","1":"g1","2":"g2","3":"g3"},"cohorts":{}}`, strings.Join(fl, ","))
	c, err := flags.New(flags.WithSnapshot([]byte(doc)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	props := map[string]any{}
	for j := range keys {
		props[fmt.Sprintf("p%d", j)] = "y"
	}
	full := flags.User{DistinctID: "u", Properties: props, Groups: map[string]flags.Group{}}
	for g := range groups {
		full.Groups[fmt.Sprintf("g%d", g)] = flags.Group{Key: "k", Properties: props}
	}
	sparse := flags.User{DistinctID: "v", Properties: map[string]any{"p1": "x"},
		Groups: map[string]flags.Group{"g1": {Key: "k", Properties: map[string]any{"p3": "y"}}}}
	for _, u := range []flags.User{full, sparse} {
		all := c.EvaluateAll(context.Background(), u)
		checkBulk(t, c, u, all, len(fl))
	}
	if r := c.EvaluateAll(context.Background(), full)["g2-8000"]; !r.Enabled {
		t.Errorf("g2-8000 for a user matching every filter: %+v", r)
	}
}

func checkBulk(t *testing.T, c *flags.Client, u flags.User, all map[string]flags.Result, want int) {
	t.Helper()
	if len(all) != want {
		t.Fatalf("user %q: EvaluateAll returned %d results, want %d", u.DistinctID, len(all), want)
	}
	for k, got := range all {
		one := c.Evaluate(context.Background(), k, u)
		if resultText(got) != resultText(one) || got.Key != k {
			t.Fatalf("user %q flag %q: EvaluateAll %+v, Evaluate %+v", u.DistinctID, k, got, one)
		}
	}
}

// A Result is a map value in every bulk evaluation; its field order keeps
// it small, which this pins.
func TestResultSize(t *testing.T) {
	if got := unsafe.Sizeof(flags.Result{}); got != 88 {
		t.Errorf("Result is %d bytes, want 88", got)
	}
}

// TestEvaluateAllAllocations holds EvaluateAll to at most one allocation
// per returned result, and EvaluateAllInto with a reused map to none.
func TestEvaluateAllAllocations(t *testing.T) {
	c := realisticClient(t, 1000)
	ctx := context.Background()
	users := realisticUsers(16)
	i := 0
	all := c.EvaluateAll(ctx, users[0])
	if n := testing.AllocsPerRun(50, func() {
		all = c.EvaluateAll(ctx, users[i%len(users)])
		i++
	}); n > float64(len(all)) {
		t.Errorf("EvaluateAll: %v allocations for %d results, want at most one each", n, len(all))
	}
	if raceEnabled {
		// sync.Pool drops items at random under the race detector; CI also
		// runs this test without it.
		t.Log("EvaluateAllInto's zero-allocation check is not run under -race")
		return
	}
	if n := testing.AllocsPerRun(50, func() {
		all = c.EvaluateAllInto(ctx, users[i%len(users)], all)
		i++
	}); n != 0 {
		t.Errorf("EvaluateAllInto with a reused map: %v allocations per call, want 0", n)
	}
}
