package flagstest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/localflags/flags"
	"github.com/localflags/flags/flagstest"
)

func TestExposureRecorder(t *testing.T) {
	t.Parallel()
	rec := flagstest.NewExposureRecorder()
	fixture := flagstest.NewFixture().Bool("on", true).VariantsOrdered("pricing", flagstest.Variant{Key: "test", Percent: 100})
	c := flagstest.NewClient(t, fixture, flags.WithExposureHandler(rec.Record))
	ctx := context.Background()
	c.Variant(ctx, "pricing", flags.User{DistinctID: "ada"})
	c.IsEnabled(ctx, "on", flags.User{DistinctID: "ada"})
	c.IsEnabled(ctx, "nope", flags.User{DistinctID: "bob"})
	rec.AssertSent(t, c, "ada", "pricing", "test")
	rec.AssertSent(t, c, "ada", "on", true)
	rec.AssertSent(t, c, "bob", "nope", nil)
	if rec.Sent("bob", "on", true) || rec.Sent("ada", "pricing", "control") || len(rec.Exposures()) != 3 {
		t.Errorf("recorded %+v", rec.Exposures())
	}
	// A missing exposure fails the test, listing what was recorded.
	var fake fakeT
	rec.AssertSent(&fake, c, "ada", "pricing", "control")
	if !fake.failed || !strings.Contains(fake.msg, `"ada": "pricing" = "test"`) {
		t.Errorf("AssertSent of a missing exposure: failed %v, %q", fake.failed, fake.msg)
	}
	rec.Reset()
	if len(rec.Exposures()) != 0 {
		t.Error("Reset kept exposures")
	}
}

// fakeT records a failure instead of failing.
type fakeT struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.failed = true
	f.msg += fmt.Sprintf(format, args...)
}

// TestPropUndecidable: a filter no context can decide is a fixture error,
// as Validate reports it.
func TestPropUndecidable(t *testing.T) {
	t.Parallel()
	f := flagstest.NewFixture().Where("n", flagstest.Prop("n", "exact", 50))
	if err := f.Err(); err == nil || !strings.Contains(err.Error(), "no context can decide") {
		t.Errorf("exact with the integer 50: %v", err)
	}
	if err := flagstest.NewFixture().Where("n", flagstest.Prop("n", "exact", "50")).Err(); err != nil {
		t.Errorf("exact with the string \"50\": %v", err)
	}
	if err := flagstest.NewFixture().Where("n", flagstest.Prop("n", "exact", []any{"x", 50})).Err(); err != nil {
		t.Errorf("a list that decides \"x\" first: %v", err)
	}
}
