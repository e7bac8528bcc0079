package flags_test

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localflags/flags"
	"github.com/localflags/flags/internal/realistic"
)

var stressDuration = flag.Duration("stress.duration", 2*time.Second, "how long TestStress runs; raise it for a soak")

// TestStress has 16 goroutines evaluate random users against 1,000 flags
// while another goroutine swaps snapshots continuously and a third changes
// overrides. Every result must equal a single-threaded evaluation of one of
// the snapshot versions (or an override), an EvaluateAll must match one
// version as a whole, nothing may panic or race, and the heap must not grow
// with the number of swaps.
func TestStress(t *testing.T) {
	const (
		versions = 3
		users    = 16
		workers  = 16
	)
	ctx := context.Background()
	people := make([]flags.User, users)
	for u := range people {
		people[u] = realistic.User(u)
	}
	docs := make([][]byte, versions)
	for v := range docs {
		docs[v] = realistic.Document(1000, uint64(v+1))
	}
	// Single-threaded answers of each version: every flag for every user
	// (EvaluateAll), and Evaluate on a sample of keys from all versions.
	expectedAll := make([][]map[string]string, versions)
	expected := make([][]map[string]string, versions)
	var keys []string
	for v := range docs {
		c, err := flags.New(flags.WithSnapshot(docs[v]))
		if err != nil {
			t.Fatal(err)
		}
		expectedAll[v] = make([]map[string]string, users)
		for u := range users {
			all := c.EvaluateAll(ctx, people[u])
			m := make(map[string]string, len(all))
			for k, r := range all {
				m[k] = resultText(r)
			}
			expectedAll[v][u] = m
		}
		// 70 keys of each version, the same on every run.
		vkeys := slices.Sorted(maps.Keys(expectedAll[v][0]))
		keys = append(keys, vkeys[:min(70, len(vkeys))]...)
	}
	for v := range docs {
		c, _ := flags.New(flags.WithSnapshot(docs[v]))
		expected[v] = make([]map[string]string, users)
		for u := range users {
			m := make(map[string]string, len(keys))
			for _, k := range keys {
				m[k] = resultText(c.Evaluate(ctx, k, people[u]))
			}
			expected[v][u] = m
		}
	}
	// Overrides come and go on a few keys; their possible results are fixed.
	overridden := keys[:5]
	overrideResults := map[string]bool{}
	for _, k := range overridden {
		for _, val := range []any{true, "stress"} {
			c, _ := flags.New(flags.WithOverrides(map[string]any{k: val}))
			for _, doc := range docs {
				c.Load(doc)
				overrideResults[resultText(c.Evaluate(ctx, k, flags.User{}))] = true
			}
		}
	}

	client, err := flags.New(flags.WithSnapshot(docs[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	heapStart := heapInUse()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var swaps, evals, pinned, failures atomic.Int64
	fail := func(format string, args ...any) {
		if failures.Add(1) <= 10 {
			t.Errorf(format, args...)
		}
	}
	// gen is odd while a swap is under way; current is the version loaded.
	// A worker that sees the same even gen before and after a call knows
	// which version answered it.
	var gen, current atomic.Int64
	wg.Add(2)
	go func() { // swapper
		defer wg.Done()
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			gen.Add(1)
			if err := client.Load(docs[i%versions]); err != nil {
				fail("Load: %v", err)
				return
			}
			current.Store(int64(i % versions))
			gen.Add(1)
			swaps.Add(1)
			time.Sleep(200 * time.Microsecond)
		}
	}()
	go func() { // overrides
		defer wg.Done()
		rng := rand.New(rand.NewPCG(7, 7))
		for {
			select {
			case <-stop:
				return
			default:
			}
			k := overridden[rng.IntN(len(overridden))]
			switch rng.IntN(3) {
			case 0:
				client.Override(k, true)
			case 1:
				client.Override(k, "stress")
			default:
				client.ClearOverrides()
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	isOverridden := map[string]bool{}
	for _, k := range overridden {
		isOverridden[k] = true
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				u := rng.IntN(users)
				if n%50 == 0 {
					all := client.EvaluateAll(ctx, people[u])
					if !matchesAVersion(all, expectedAll, u, isOverridden) {
						fail("EvaluateAll for user %d matches no single snapshot version", u)
					}
					time.Sleep(time.Millisecond)
					continue
				}
				k := keys[rng.IntN(len(keys))]
				g, cur := gen.Load(), current.Load()
				got := resultText(client.Evaluate(ctx, k, people[u]))
				ok := isOverridden[k] && overrideResults[got]
				if g%2 == 0 && gen.Load() == g {
					// No swap overlapped the call: it must be version cur's.
					pinned.Add(1)
					if ok = ok || got == expected[cur][u][k]; !ok {
						fail("flag %q for user %d: %s, not version %d's %s", k, u, got, cur, expected[cur][u][k])
					}
				} else {
					for v := 0; v < versions && !ok; v++ {
						ok = got == expected[v][u][k]
					}
					if !ok {
						fail("flag %q for user %d: %s, which no snapshot version gives", k, u, got)
					}
				}
				// The test checks correctness, not throughput: pace the
				// workers so the swapper gets CPU on a small machine, and
				// under the race detector.
				if evals.Add(1)%16 == 0 {
					time.Sleep(500 * time.Microsecond)
				}
			}
		}()
	}
	// Run for the duration, and until enough swaps happened even on a slow
	// machine; the deadline only guards against a hang.
	deadline := time.Now().Add(*stressDuration + time.Minute)
	time.Sleep(*stressDuration)
	for swaps.Load() < 10 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	client.ClearOverrides()
	heapEnd := heapInUse()
	runtime.KeepAlive(expected) // measured with them, both times
	runtime.KeepAlive(expectedAll)
	t.Logf("%d evaluations (%d of a known version), %d swaps, heap %d KiB before and %d KiB after", evals.Load(), pinned.Load(), swaps.Load(), heapStart>>10, heapEnd>>10)
	if evals.Load() == 0 || pinned.Load() == 0 || swaps.Load() < 10 {
		t.Fatalf("too little happened: %d evaluations (%d of a known version), %d swaps", evals.Load(), pinned.Load(), swaps.Load())
	}
	if heapEnd > heapStart+heapStart/2+8<<20 {
		t.Errorf("the heap grew from %d to %d bytes", heapStart, heapEnd)
	}
}

// resultText is a Result without its error's wrapping, for comparison.
func resultText(r flags.Result) string {
	return fmt.Sprintf("%v|%q|%s|%v|%d|%v", r.Enabled, r.Variant, r.Payload, r.Reason, r.Condition, r.Err)
}

// matchesAVersion reports whether all equals one version's EvaluateAll for
// user u, overridden keys aside.
func matchesAVersion(all map[string]flags.Result, expected [][]map[string]string, u int, overridden map[string]bool) bool {
	for v := range expected {
		want := expected[v][u]
		ok := true
		for k, r := range all {
			if overridden[k] {
				continue
			}
			if w, present := want[k]; !present || w != resultText(r) {
				ok = false
				break
			}
		}
		for k := range want {
			if _, present := all[k]; !present && !overridden[k] {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}
