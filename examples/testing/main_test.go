package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/localflags/flags"
	"github.com/localflags/flags/flagstest"
)

// With overrides, each branch of the application code is one table row:
// no definitions are needed at all.
func TestCheckoutBannerBranches(t *testing.T) {
	for _, tc := range []struct {
		name      string
		overrides map[string]any
		payload   string // of pricing-page, if overridden
		want      string
	}{
		{"no flags at all", nil, "", "$12/month"},
		{"new checkout only", map[string]any{"new-checkout": true}, "", "One-step checkout: $12/month"},
		{"monthly test price", map[string]any{"pricing-page": "test", "new-checkout": true}, `{"price": 9}`, "One-step checkout: $9/month"},
		{"annual test price", map[string]any{"pricing-page": "test"}, `{"price": 7, "annual": true}`, "$7/month, billed yearly"},
		{"experiment off", map[string]any{"pricing-page": false, "new-checkout": false}, "", "$12/month"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := flags.New(flags.WithOverrides(tc.overrides))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if tc.payload != "" {
				if err := c.Override("pricing-page", tc.overrides["pricing-page"], json.RawMessage(tc.payload)); err != nil {
					t.Fatal(err)
				}
			}
			if got := checkoutBanner(context.Background(), c, flags.User{DistinctID: "u"}); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// With the fixture builder, the real engine applies real targeting rules,
// so the test also checks that the right users get each branch.
func TestCheckoutBannerTargeting(t *testing.T) {
	fixture := flagstest.NewFixture().
		Where("new-checkout", flagstest.Prop("plan", "exact", []string{"pro", "team"})).
		Condition("pricing-page", flagstest.When(flagstest.Prop("email", "ends_with", "@posthog.com")).Serve("annual")).
		VariantsOrdered("pricing-page", flagstest.Variant{Key: "control", Percent: 100}, flagstest.Variant{Key: "annual", Percent: 0}).
		Payload("pricing-page", "annual", `{"price": 9, "annual": true}`).
		Payload("pricing-page", "control", `{"price": 12}`)
	c := flagstest.NewClient(t, fixture)

	for _, tc := range []struct {
		name string
		user flags.User
		want string
	}{
		{"staff get the annual price", flags.User{DistinctID: "a", Properties: map[string]any{"email": "ada@posthog.com", "plan": "free"}}, "$9/month, billed yearly"},
		{"pro users get the new checkout", flags.User{DistinctID: "b", Properties: map[string]any{"email": "bo@example.com", "plan": "pro"}}, "One-step checkout: $12/month"},
		{"free users get neither", flags.User{DistinctID: "c", Properties: map[string]any{"email": "cy@example.com", "plan": "free"}}, "$12/month"},
		{"a user without a plan is undecided, so off", flags.User{DistinctID: "d", Properties: map[string]any{"email": "di@example.com"}}, "$12/month"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := checkoutBanner(context.Background(), c, tc.user); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
