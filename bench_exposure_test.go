package flags

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// Exposure benchmarks. The repeated-exposure benchmarks evaluate a flag
// whose exposure was sent already, so each call is a dedup hit: read them
// as a ratio to the same benchmark with exposures off (the "Off" variant of
// each pair), in one run.

// exposureClient is a client for doc with exposures on, counting them.
func exposureClient(b testing.TB, doc string, handled *atomic.Int64, opts ...Option) *Client {
	return newTestClient(b, doc, append([]Option{WithExposureHandler(func(Exposure) { handled.Add(1) })}, opts...)...)
}

func BenchmarkExposureRepeatedOff(b *testing.B) {
	benchIsEnabled(b, docSimple, "simple", User{DistinctID: benchUserID})
}

// BenchmarkExposureRepeated is IsEnabled with exposures on, for a user,
// flag and value already sent: a dedup hit.
func BenchmarkExposureRepeated(b *testing.B) {
	var handled atomic.Int64
	c := exposureClient(b, docSimple, &handled)
	ctx := context.Background()
	u := User{DistinctID: benchUserID}
	c.IsEnabled(ctx, "simple", u)
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.IsEnabled(ctx, "simple", u)
	}
}

func BenchmarkExposureRepeatedGroupsOff(b *testing.B) {
	benchIsEnabled(b, docSimple, "simple", benchGroupUser())
}

// BenchmarkExposureRepeatedGroups is BenchmarkExposureRepeated for a user
// with two groups, whose dedup key holds them sorted.
func BenchmarkExposureRepeatedGroups(b *testing.B) {
	var handled atomic.Int64
	c := exposureClient(b, docSimple, &handled)
	ctx := context.Background()
	u := benchGroupUser()
	c.IsEnabled(ctx, "simple", u)
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.IsEnabled(ctx, "simple", u)
	}
}

func benchGroupUser() User {
	return User{DistinctID: benchUserID, Groups: map[string]Group{"company": {Key: "acme"}, "team": {Key: "growth"}}}
}

// BenchmarkExposureFirst sends a new exposure on every call (a new distinct
// id each time): the cost of creating and queueing an event, which the
// client's goroutine then hands to a handler that does nothing.
func BenchmarkExposureFirst(b *testing.B) {
	var handled atomic.Int64
	c := exposureClient(b, docSimple, &handled, WithExposureCacheSize(1000))
	ctx := context.Background()
	ids := make([]User, 4096)
	for i := range ids {
		ids[i] = User{DistinctID: fmt.Sprint("user-", i)}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkBool = c.IsEnabled(ctx, "simple", ids[i%len(ids)])
		i++
	}
}

func BenchmarkExposureRepeatedParallelOff(b *testing.B) {
	c := newTestClient(b, docSimple)
	benchExposureParallel(b, c)
}

// BenchmarkExposureRepeatedParallel runs dedup hits from every P, each
// goroutine with users of its own, so the dedup cache's lock is contended.
func BenchmarkExposureRepeatedParallel(b *testing.B) {
	var handled atomic.Int64
	c := exposureClient(b, docSimple, &handled)
	benchExposureParallel(b, c)
}

func benchExposureParallel(b *testing.B, c *Client) {
	ctx := context.Background()
	var next atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		g := next.Add(1)
		users := make([]User, 64)
		for i := range users {
			users[i] = User{DistinctID: fmt.Sprint("user-", g, "-", i)}
			c.IsEnabled(ctx, "simple", users[i])
		}
		i := 0
		for pb.Next() {
			sinkBool = c.IsEnabled(ctx, "simple", users[i%len(users)])
			i++
		}
	})
}
