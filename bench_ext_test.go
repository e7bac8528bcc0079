package flags_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/localflags/flags"
	"github.com/localflags/flags/internal/realistic"
)

// Benchmarks over the realistic documents of internal/realistic (the
// committed testdata/realistic-1000.json is Document(1000, 1)).

// realisticClient serves the realistic document of n flags (seed 1) with
// the generator's reference clock, and closes when the test ends.
func realisticClient(tb testing.TB, n int) *flags.Client {
	tb.Helper()
	c, err := flags.New(flags.WithSnapshot(realistic.Document(n, 1)),
		flags.WithClock(func() time.Time { return realistic.ReferenceTime() }))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

func realisticUsers(n int) []flags.User {
	users := make([]flags.User, n)
	for i := range users {
		users[i] = realistic.User(i)
	}
	return users
}

// BenchmarkEvaluateAll1000 evaluates all 1,000 flags of the realistic
// document for one user per iteration, cycling through 256 users.
func BenchmarkEvaluateAll1000(b *testing.B) {
	c := realisticClient(b, 1000)
	users := realisticUsers(256)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkMap = c.EvaluateAll(ctx, users[i%len(users)])
		i++
	}
}

// BenchmarkEvaluateAllInto1000 is BenchmarkEvaluateAll1000 reusing one map.
func BenchmarkEvaluateAllInto1000(b *testing.B) {
	c := realisticClient(b, 1000)
	users := realisticUsers(256)
	ctx := context.Background()
	dst := map[string]flags.Result{}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dst = c.EvaluateAllInto(ctx, users[i%len(users)], dst)
		i++
	}
}

// BenchmarkCompile10k parses and compiles a 10,000-flag document, and
// reports the heap the compiled snapshot retains, per flag and as a
// multiple of the document's size.
func BenchmarkCompile10k(b *testing.B) {
	doc := realistic.Document(10000, 1)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		c, err := flags.New(flags.WithSnapshot(doc))
		if err != nil {
			b.Fatal(err)
		}
		sinkClient = c
	}
	b.StopTimer()
	sinkClient = nil
	before := heapInUse()
	kept, _ := flags.New(flags.WithSnapshot(doc))
	after := heapInUse()
	runtime.KeepAlive(kept)
	retained := float64(after - before)
	b.ReportMetric(retained/10000, "heapB/flag")
	b.ReportMetric(retained/float64(len(doc)), "heap/json")
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

var (
	sinkMap    map[string]flags.Result
	sinkClient *flags.Client
)
