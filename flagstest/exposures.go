package flagstest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/localflags/flags"
)

// ExposureRecorder records the exposures ($feature_flag_called events) a
// client sends, so that a test can check that code behind an experiment
// reports it:
//
//	rec := flagstest.NewExposureRecorder()
//	c := flagstest.NewClient(t, fixture, flags.WithExposureHandler(rec.Record))
//	checkout(c, user) // code under test, which calls c.Variant(ctx, "pricing", user)
//	rec.AssertSent(t, c, user.DistinctID, "pricing", "test")
//
// The client sends exposures from a goroutine of its own: call
// [flags.Client.Flush] before reading what was recorded, as AssertSent
// does. A recorder is safe for concurrent use, and each test (parallel or
// not) should have its own.
type ExposureRecorder struct {
	mu     sync.Mutex
	events []flags.Exposure
}

// NewExposureRecorder returns an empty recorder.
func NewExposureRecorder() *ExposureRecorder { return &ExposureRecorder{} }

// Record records e; pass it to [flags.WithExposureHandler].
func (r *ExposureRecorder) Record(e flags.Exposure) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// Exposures returns a copy of the exposures recorded so far, in the order
// they were sent.
func (r *ExposureRecorder) Exposures() []flags.Exposure {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]flags.Exposure(nil), r.events...)
}

// Reset forgets every exposure recorded.
func (r *ExposureRecorder) Reset() {
	r.mu.Lock()
	r.events = nil
	r.mu.Unlock()
}

// Sent reports whether an exposure was recorded for the distinct id and
// flag with the value: a variant string, true or false, or nil for an
// exposure without a value (the flag was inconclusive or unknown).
func (r *ExposureRecorder) Sent(distinctID, key string, value any) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.events {
		if e.DistinctID == distinctID && e.Properties["$feature_flag"] == key && e.Properties["$feature_flag_response"] == value {
			return true
		}
	}
	return false
}

// AssertSent flushes c and fails t, listing what was recorded, unless an
// exposure was sent for the distinct id and flag with the value (as
// [ExposureRecorder.Sent] matches it).
func (r *ExposureRecorder) AssertSent(t testing.TB, c *flags.Client, distinctID, key string, value any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Flush(ctx); err != nil {
		t.Errorf("flagstest: flushing the exposures: %v", err)
	}
	if !r.Sent(distinctID, key, value) {
		t.Errorf("flagstest: no exposure of %q with value %#v for %q; recorded:\n%s", key, value, distinctID, r.describe())
	}
}

// describe lists the recorded exposures, one a line.
func (r *ExposureRecorder) describe() string {
	events := r.Exposures()
	if len(events) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "  %q: %q = %#v\n", e.DistinctID, e.Properties["$feature_flag"], e.Properties["$feature_flag_response"])
	}
	return b.String()
}
