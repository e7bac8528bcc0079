package flags

import (
	"context"
	"crypto/sha1"
	"sync/atomic"
	"testing"
	"time"
)

// Benchmarks of the hot path. Read them with -benchmem, as ratios to
// BenchmarkSHA1Floor within one run; TestHotPathAllocations enforces the
// zero-allocation ones in CI.

const (
	benchUserID = "user-1234567"

	docSimple = `{"flags":[{"key":"simple","active":true,"filters":{"groups":[{"properties":[],"rollout_percentage":50}]}}]}`

	docMulti = `{"flags":[{"key":"multi","active":true,"filters":{"groups":[{"properties":[],"rollout_percentage":100}],
	  "multivariate":{"variants":[{"key":"a","rollout_percentage":20},{"key":"b","rollout_percentage":20},{"key":"c","rollout_percentage":20},{"key":"d","rollout_percentage":20},{"key":"e","rollout_percentage":20}]}}}]}`

	// docProperties has three condition sets of three filters each. The
	// benchmark user fails the last filter of the first two, so all nine
	// filters run, and matches the third.
	docProperties = `{"flags":[{"key":"props","active":true,"filters":{"groups":[
	  {"properties":[
	    {"key":"email","type":"person","operator":"icontains","value":"@acme"},
	    {"key":"app_version","type":"person","operator":"semver_gte","value":"2.0.0"},
	    {"key":"plan","type":"person","operator":"exact","value":["enterprise"]}],"rollout_percentage":100},
	  {"properties":[
	    {"key":"signup_date","type":"person","operator":"is_date_after","value":"-30d"},
	    {"key":"age","type":"person","operator":"gt","value":"18"},
	    {"key":"country","type":"person","operator":"exact","value":["DE","FR","IT"]}],"rollout_percentage":100},
	  {"properties":[
	    {"key":"email","type":"person","operator":"regex","value":"^[a-z.]+@acme\\.com$"},
	    {"key":"plan","type":"person","operator":"exact","value":["pro","team"]},
	    {"key":"app_version","type":"person","operator":"semver_gte","value":"2.1.0"}],"rollout_percentage":100}]}}]}`

	// docCohort targets a nested cohort with a negated leaf: cohort 1 is
	// (country in US/CA) AND NOT (cohort 2), cohort 2 is plan = free.
	docCohort = `{"flags":[{"key":"cohort","active":true,"filters":{"groups":[{"properties":[{"key":"id","type":"cohort","value":1}],"rollout_percentage":100}]}}],
	  "cohorts":{
	    "1":{"type":"AND","values":[{"type":"OR","values":[{"key":"country","type":"person","operator":"exact","value":["US","CA"]}]},
	                                 {"type":"AND","values":[{"key":"id","type":"cohort","value":2,"negation":true}]}]},
	    "2":{"type":"AND","values":[{"key":"plan","type":"person","operator":"exact","value":["free"]}]}}}`

	// docChain is a dependency chain of depth 3: top needs mid, mid needs
	// base, base is a 100% rollout.
	docChain = `{"flags":[
	  {"key":"base","active":true,"filters":{"groups":[{"properties":[],"rollout_percentage":100}]}},
	  {"key":"mid","active":true,"filters":{"groups":[{"properties":[{"key":"base","type":"flag","operator":"flag_evaluates_to","value":true,"dependency_chain":["base"]}],"rollout_percentage":100}]}},
	  {"key":"top","active":true,"filters":{"groups":[{"properties":[{"key":"mid","type":"flag","operator":"flag_evaluates_to","value":true,"dependency_chain":["base","mid"]}],"rollout_percentage":100}]}}]}`
)

// benchUser has about twenty properties, like a real person profile.
func benchUser() User {
	return User{DistinctID: benchUserID, Properties: map[string]any{
		"email": "jane.doe@acme.com", "plan": "pro", "country": "US", "app_version": "2.4.1",
		"signup_date": time.Now().Add(-72 * time.Hour).UTC().Format(time.RFC3339), "age": 34,
		"is_beta": true, "company_size": 120, "$browser": "Chrome", "$os": "Mac OS X",
		"locale": "en-US", "timezone": "America/New_York", "role": "admin", "team": "growth",
		"seats": 12, "mrr": 499.5, "referrer": "google", "first_name": "Jane", "last_name": "Doe",
		"tags": []any{"early", "vip"},
	}}
}

var sinkBool bool
var sinkResult Result

// BenchmarkSHA1Floor is the one unavoidable step of a simple flag: hashing
// "<key>.<distinct id>". The other benchmarks are read as ratios to it.
func BenchmarkSHA1Floor(b *testing.B) {
	in := []byte("simple." + benchUserID)
	b.ReportAllocs()
	for b.Loop() {
		sum := sha1.Sum(in)
		sinkBool = sum[0] == 0
	}
}

func benchIsEnabled(b *testing.B, doc, key string, u User) {
	c := newTestClient(b, doc)
	ctx := context.Background()
	if r := c.Evaluate(ctx, key, u); !r.Conclusive() {
		b.Fatalf("%s is not conclusive: %v", key, r.Err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.IsEnabled(ctx, key, u)
	}
}

func BenchmarkIsEnabledSimple(b *testing.B) {
	benchIsEnabled(b, docSimple, "simple", User{DistinctID: benchUserID})
}

func BenchmarkVariantMultivariate(b *testing.B) {
	c := newTestClient(b, docMulti)
	u := User{DistinctID: benchUserID}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.Variant(ctx, "multi", u) != ""
	}
}

func BenchmarkIsEnabledProperties(b *testing.B) {
	benchIsEnabled(b, docProperties, "props", benchUser())
}

func BenchmarkIsEnabledCohort(b *testing.B) {
	benchIsEnabled(b, docCohort, "cohort", benchUser())
}

func BenchmarkIsEnabledDependencyChain(b *testing.B) {
	benchIsEnabled(b, docChain, "top", benchUser())
}

func BenchmarkEvaluateProperties(b *testing.B) {
	c := newTestClient(b, docProperties)
	u := benchUser()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sinkResult = c.Evaluate(ctx, "props", u)
	}
}

// BenchmarkIsEnabledParallel is BenchmarkIsEnabledParallelDuringSwap's
// baseline: the same evaluations with no swapping.
func BenchmarkIsEnabledParallel(b *testing.B) {
	benchParallel(b, false)
}

// BenchmarkIsEnabledParallelDuringSwap evaluates from every P while another
// goroutine loads a new snapshot every millisecond.
func BenchmarkIsEnabledParallelDuringSwap(b *testing.B) {
	benchParallel(b, true)
}

func benchParallel(b *testing.B, swap bool) {
	c := newTestClient(b, docProperties)
	ctx := context.Background()
	var swaps atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		if !swap {
			return
		}
		docs := [][]byte{[]byte(docProperties), []byte(docProperties + " ")}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-t.C:
				if err := c.Load(docs[i%2]); err != nil {
					panic(err)
				}
				swaps.Add(1)
			}
		}
	}()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		u := benchUser()
		for pb.Next() {
			if !c.IsEnabled(ctx, "props", u) {
				panic("props should be on")
			}
		}
	})
	close(stop)
	<-done
	if swap {
		b.ReportMetric(float64(swaps.Load()), "swaps")
	}
}

// TestHotPathAllocations enforces zero allocations for the benchmarked
// calls.
func TestHotPathAllocations(t *testing.T) {
	ctx := context.Background()
	plain := User{DistinctID: benchUserID}
	rich := benchUser()
	for _, tc := range []struct {
		doc, key string
		user     User
	}{
		{docSimple, "simple", plain},
		{docMulti, "multi", plain},
		{docProperties, "props", rich},
		{docCohort, "cohort", rich},
		{docChain, "top", rich},
		{docSimple, "no-such-flag", plain},
	} {
		c := newTestClient(t, tc.doc)
		if r := c.Evaluate(ctx, tc.key, tc.user); !r.Conclusive() && r.Reason != ReasonNotFound {
			t.Fatalf("%s: %v", tc.key, r.Err)
		}
		for name, f := range map[string]func(){
			"IsEnabled": func() { sinkBool = c.IsEnabled(ctx, tc.key, tc.user) },
			"Variant":   func() { sinkBool = c.Variant(ctx, tc.key, tc.user) != "" },
			"Evaluate":  func() { sinkResult = c.Evaluate(ctx, tc.key, tc.user) },
		} {
			if n := testing.AllocsPerRun(100, f); n != 0 {
				t.Errorf("%s(%q): %v allocations per call, want 0", name, tc.key, n)
			}
		}
	}
}

// TestBenchmarkDocsCompile checks that every benchmark document compiles
// cleanly with the flags it is meant to have, and that the benchmark user
// gets the answer each benchmark is meant to measure: a benchmark of an
// undecided flag, or of a document that lost a flag, measures nothing.
func TestBenchmarkDocsCompile(t *testing.T) {
	ctx := context.Background()
	plain := User{DistinctID: benchUserID}
	rich := benchUser()
	// "simple.user-1234567" hashes to 0.0069, inside 50%;
	// "multi.user-1234567variant" to 0.5094, in c's range [0.4, 0.6).
	knownBucket(t, "simple."+benchUserID, 0.006905016201164684)
	knownBucket(t, "multi."+benchUserID+"variant", 0.5094370356860233)
	type want struct {
		key       string
		value     any // true or a variant
		condition int
	}
	for _, tc := range []struct {
		name  string
		doc   string
		user  User
		flags []want
	}{
		{"docSimple", docSimple, plain, []want{{"simple", true, 0}}},
		{"docMulti", docMulti, plain, []want{{"multi", "c", 0}}},
		// The user fails the first two condition sets on their last filter.
		{"docProperties", docProperties, rich, []want{{"props", true, 2}}},
		{"docCohort", docCohort, rich, []want{{"cohort", true, 0}}},
		{"docChain", docChain, rich, []want{{"base", true, 0}, {"mid", true, 0}, {"top", true, 0}}},
	} {
		c, err := New(WithSnapshot([]byte(tc.doc)))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		s := c.Snapshot()
		if s.Len() != len(tc.flags) || len(s.Warnings()) != 0 {
			t.Errorf("%s: %d flags, warnings %q; want %d flags and no warnings", tc.name, s.Len(), s.Warnings(), len(tc.flags))
		}
		for _, w := range tc.flags {
			r := c.Evaluate(ctx, w.key, tc.user)
			if !r.Conclusive() || r.Reason != ReasonMatched || r.Value() != w.value || r.Condition != w.condition || r.Err != nil {
				t.Errorf("%s: %s for the benchmark user: %+v, want %v from condition %d", tc.name, w.key, r, w.value, w.condition)
			}
			if got := c.IsEnabled(ctx, w.key, tc.user); !got {
				t.Errorf("%s: IsEnabled(%q) = false", tc.name, w.key)
			}
		}
		if all := c.EvaluateAll(ctx, tc.user); len(all) != len(tc.flags) {
			t.Errorf("%s: EvaluateAll gave %d results: %v", tc.name, len(all), all)
		}
		c.Close()
	}
}

// BenchmarkNamedType reads a property of a named string type (type plan
// string), which takes the reflection path of readNamed; BenchmarkNamedTypeOff
// is the same filter reading a plain string.
func BenchmarkNamedType(b *testing.B) {
	benchIsEnabled(b, docNamed, "named", User{DistinctID: benchUserID, Properties: map[string]any{"plan": plan("pro")}})
}

func BenchmarkNamedTypeOff(b *testing.B) {
	benchIsEnabled(b, docNamed, "named", User{DistinctID: benchUserID, Properties: map[string]any{"plan": "pro"}})
}

const docNamed = `{"flags":[{"key":"named","active":true,"filters":{"groups":[{"properties":[{"key":"plan","type":"person","operator":"icontains","value":"pr"}],"rollout_percentage":100}]}}]}`
