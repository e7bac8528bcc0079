package bench

import (
	"context"
	"crypto/sha1"
	"testing"
)

// Every benchmark evaluates one flag (or, for EvaluateAll1000, every flag)
// for one user per operation, cycling through the same 256 generated users
// in every library. Inputs are built before the timer starts: localflags'
// flags.User, posthog-go's property maps and LaunchDarkly's contexts.
//
//	go test -bench . -benchmem -count 10 | tee out.txt
//	go run golang.org/x/perf/cmd/benchstat@latest out.txt

var (
	sinkBool   bool
	sinkString string
	sinkAny    any
	sinkInt    int
)

func BenchmarkSimple(b *testing.B)          { runWorkload(b, simpleWorkload()) }
func BenchmarkMultivariate(b *testing.B)    { runWorkload(b, multivariateWorkload()) }
func BenchmarkProperties(b *testing.B)      { runWorkload(b, propertiesWorkload()) }
func BenchmarkCohort(b *testing.B)          { runWorkload(b, cohortWorkload()) }
func BenchmarkDependencyChain(b *testing.B) { runWorkload(b, dependencyWorkload()) }

// runWorkload runs one workload for the three libraries, as sub-benchmarks
// named localflags, posthog-go and launchdarkly, which benchstat groups.
func runWorkload(b *testing.B, w workload) {
	us := benchUsers()
	ctx := context.Background()

	b.Run("localflags", func(b *testing.B) {
		c := newLocalflags(b, w.doc)
		b.ReportAllocs()
		if w.variant {
			for i := 0; b.Loop(); i++ {
				sinkString = c.Variant(ctx, w.key, us[i&(nUsers-1)].lf)
			}
			return
		}
		for i := 0; b.Loop(); i++ {
			sinkBool = c.IsEnabled(ctx, w.key, us[i&(nUsers-1)].lf)
		}
	})

	b.Run("posthog-go", func(b *testing.B) {
		if w.posthogGoSkip != "" {
			b.Skip(w.posthogGoSkip)
		}
		p := startPostHog(b, w.doc)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			u := &us[i&(nUsers-1)]
			sinkAny, _ = p.client.GetFeatureFlag(u.posthogPayload(w.key))
		}
		b.StopTimer()
		p.close()
		if reqs := p.requests(); len(reqs) > 0 {
			b.Fatalf("posthog-go sent %d requests besides polls, such as %s", len(reqs), reqs[0])
		}
	})

	b.Run("launchdarkly", func(b *testing.B) {
		p := newLDPeer(w.ld)
		b.ReportAllocs()
		if w.variant {
			for i := 0; b.Loop(); i++ {
				sinkString = p.evaluate(w.ldKey, us[i&(nUsers-1)].ld).StringValue()
			}
			return
		}
		for i := 0; b.Loop(); i++ {
			sinkBool = p.evaluate(w.ldKey, us[i&(nUsers-1)].ld).BoolValue()
		}
	})
}

// BenchmarkEvaluateAll1000 evaluates every flag of realistic.Document(1000, 1)
// for one user per operation.
func BenchmarkEvaluateAll1000(b *testing.B) {
	us := benchUsers()
	doc := realisticDocument()
	ctx := context.Background()

	b.Run("localflags", func(b *testing.B) {
		c := newLocalflags(b, doc)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			sinkInt = len(c.EvaluateAll(ctx, us[i&(nUsers-1)].lf))
		}
	})

	b.Run("posthog-go", func(b *testing.B) {
		p := startPostHog(b, posthogGoDocument(doc))
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m, _ := p.client.GetAllFlags(us[i&(nUsers-1)].posthogAllPayload())
			sinkInt = len(m)
		}
		b.StopTimer()
		p.close()
		if reqs := p.requests(); len(reqs) > 0 {
			b.Fatalf("posthog-go sent %d requests besides polls, such as %s", len(reqs), reqs[0])
		}
	})

	b.Run("launchdarkly", func(b *testing.B) {
		b.Skip(ldSkipEvaluateAll)
	})
}

// BenchmarkSHA1Floor is the SHA-1 of the string the Simple flag hashes,
// "<flag key>.<distinct id>": no library can bucket a user faster, so
// Simple's ratios to it show what each library adds.
func BenchmarkSHA1Floor(b *testing.B) {
	us := benchUsers()
	key := simpleWorkload().key
	inputs := make([][]byte, nUsers)
	for i := range inputs {
		inputs[i] = []byte(key + "." + us[i].lf.DistinctID)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sum := sha1.Sum(inputs[i&(nUsers-1)])
		sinkInt = int(sum[0])
	}
}
