package flags

import (
	"context"
	"testing"
)

// Benchmarks of the hot path. Read them with -benchmem; the allocation
// tests below enforce the zero-allocation ones in CI.

const (
	docSimple = `{"flags":[{"key":"simple","active":true,"filters":{"groups":[{"properties":[],"rollout_percentage":50}]}}]}`
	docMulti  = `{"flags":[{"key":"multi","active":true,"filters":{"groups":[{"properties":[],"rollout_percentage":100}],
	  "multivariate":{"variants":[{"key":"a","rollout_percentage":20},{"key":"b","rollout_percentage":20},{"key":"c","rollout_percentage":20},{"key":"d","rollout_percentage":20},{"key":"e","rollout_percentage":20}]}}}]}`
)

var sinkBool bool

func BenchmarkIsEnabledSimple(b *testing.B) {
	c := newTestClient(b, docSimple)
	u := User{DistinctID: "user-1234567"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.IsEnabled(ctx, "simple", u)
	}
}

func BenchmarkVariantMultivariate(b *testing.B) {
	c := newTestClient(b, docMulti)
	u := User{DistinctID: "user-1234567"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.Variant(ctx, "multi", u) != ""
	}
}

// TestHotPathAllocations enforces zero allocations for the benchmarked
// calls.
func TestHotPathAllocations(t *testing.T) {
	ctx := context.Background()
	u := User{DistinctID: "user-1234567"}
	simple := newTestClient(t, docSimple)
	multi := newTestClient(t, docMulti)
	for name, f := range map[string]func(){
		"IsEnabled simple":   func() { sinkBool = simple.IsEnabled(ctx, "simple", u) },
		"Variant multi":      func() { sinkBool = multi.Variant(ctx, "multi", u) != "" },
		"Evaluate multi":     func() { sinkBool = multi.Evaluate(ctx, "multi", u).Enabled },
		"IsEnabled notfound": func() { sinkBool = simple.IsEnabled(ctx, "nope", u) },
	} {
		if n := testing.AllocsPerRun(200, f); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, n)
		}
	}
}
