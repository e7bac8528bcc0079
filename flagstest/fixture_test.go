package flagstest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/localflags/flags"
	"github.com/localflags/flags/flagstest"
)

var ctx = context.Background()

// load builds the fixture (failing the test on a fixture error), loads it
// with flags.New and checks that the engine found nothing malformed in it.
func load(t *testing.T, f *flagstest.Fixture, opts ...flags.Option) *flags.Client {
	t.Helper()
	doc := f.Build(t)
	c, err := flags.New(append([]flags.Option{flags.WithSnapshot(doc)}, opts...)...)
	if err != nil {
		t.Fatalf("flags.New: %v\n%s", err, doc)
	}
	t.Cleanup(func() { c.Close() })
	for _, p := range c.Snapshot().Problems() {
		if p.Compile {
			t.Fatalf("the engine could not compile the document cleanly: %v\n%s", p, doc)
		}
	}
	return c
}

func user(id string, props map[string]any) flags.User {
	return flags.User{DistinctID: id, Properties: props}
}

// share evaluates key for n distinct ids and returns the share enabled, in
// percent.
func share(c *flags.Client, key string, n int) float64 {
	on := 0
	for i := range n {
		if c.IsEnabled(ctx, key, user(fmt.Sprintf("user-%d", i), nil)) {
			on++
		}
	}
	return 100 * float64(on) / float64(n)
}

func within(t *testing.T, what string, got, lo, hi float64) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %.2f%%, want between %v%% and %v%%", what, got, lo, hi)
	}
}

// docView decodes the parts of a document the tests look at.
type docView struct {
	Flags []struct {
		ID                         int      `json:"id"`
		Key                        string   `json:"key"`
		Active                     bool     `json:"active"`
		EnsureExperienceContinuity bool     `json:"ensure_experience_continuity"`
		BucketingIdentifier        *string  `json:"bucketing_identifier"`
		EvaluationRuntime          string   `json:"evaluation_runtime"`
		EvaluationContexts         []string `json:"evaluation_contexts"`
		Filters                    struct {
			AggregationGroupTypeIndex *int `json:"aggregation_group_type_index"`
			Groups                    []struct {
				Properties []struct {
					Key             string          `json:"key"`
					Type            string          `json:"type"`
					Operator        string          `json:"operator"`
					Value           json.RawMessage `json:"value"`
					GroupTypeIndex  *int            `json:"group_type_index"`
					DependencyChain []string        `json:"dependency_chain"`
				} `json:"properties"`
				RolloutPercentage         *float64 `json:"rollout_percentage"`
				Variant                   *string  `json:"variant"`
				AggregationGroupTypeIndex *int     `json:"aggregation_group_type_index"`
			} `json:"groups"`
			Multivariate *struct {
				Variants []struct {
					Key               string  `json:"key"`
					RolloutPercentage float64 `json:"rollout_percentage"`
				} `json:"variants"`
			} `json:"multivariate"`
			Payloads map[string]any `json:"payloads"`
			Holdout  *struct {
				ID                  int     `json:"id"`
				ExclusionPercentage float64 `json:"exclusion_percentage"`
			} `json:"holdout"`
		} `json:"filters"`
	} `json:"flags"`
	GroupTypeMapping map[string]string          `json:"group_type_mapping"`
	Cohorts          map[string]json.RawMessage `json:"cohorts"`
}

func view(t *testing.T, doc []byte) docView {
	t.Helper()
	var v docView
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("the document does not decode: %v\n%s", err, doc)
	}
	return v
}

// chain returns the dependency_chain of the first flag filter of a flag.
func chain(t *testing.T, doc []byte, key string) []string {
	t.Helper()
	for _, f := range view(t, doc).Flags {
		if f.Key != key {
			continue
		}
		for _, g := range f.Filters.Groups {
			for _, p := range g.Properties {
				if p.Type == "flag" {
					if p.DependencyChain == nil {
						t.Fatalf("flag %q: the flag filter has no dependency_chain", key)
					}
					return p.DependencyChain
				}
			}
		}
	}
	t.Fatalf("flag %q has no flag filter", key)
	return nil
}

func TestBool(t *testing.T) {
	c := load(t, flagstest.NewFixture().Bool("on", true).Bool("off", false))
	for i := range 50 {
		u := user(fmt.Sprintf("user-%d", i), nil)
		on := c.Evaluate(ctx, "on", u)
		if !on.Enabled || on.Variant != "" || on.Reason != flags.ReasonMatched || on.Condition != 0 || on.Err != nil {
			t.Fatalf("on for %s: %+v", u.DistinctID, on)
		}
		off := c.Evaluate(ctx, "off", u)
		if off.Enabled || off.Reason != flags.ReasonOutOfRollout || off.Err != nil || !off.Conclusive() {
			t.Fatalf("off for %s: %+v", u.DistinctID, off)
		}
	}
}

func TestRollout(t *testing.T) {
	c := load(t, flagstest.NewFixture().
		Rollout("beta", 30).
		Rollout("fraction", 12.5).
		Rollout("nobody", 0).
		Rollout("everyone", 100))
	within(t, "beta (30%)", share(c, "beta", 2000), 25, 35)
	within(t, "fraction (12.5%)", share(c, "fraction", 2000), 10, 15)
	within(t, "nobody (0%)", share(c, "nobody", 2000), 0, 0)
	within(t, "everyone (100%)", share(c, "everyone", 2000), 100, 100)

	// Bucketing is stable: it depends only on the flag key and the distinct
	// id, so a client built from another fixture holding the same flag (with
	// another id, among other flags) gives every user the same answer, and
	// widening the rollout keeps everyone who was in.
	same := load(t, flagstest.NewFixture().Bool("other", true).Rollout("beta", 30))
	wider := load(t, flagstest.NewFixture().Rollout("beta", 60))
	for i := range 2000 {
		u := user(fmt.Sprintf("user-%d", i), nil)
		in := c.IsEnabled(ctx, "beta", u)
		if same.IsEnabled(ctx, "beta", u) != in {
			t.Fatalf("beta is not stable for %s: another fixture's client disagrees", u.DistinctID)
		}
		if in && !wider.IsEnabled(ctx, "beta", u) {
			t.Fatalf("%s is in the 30%% rollout of beta but not in the 60%% one", u.DistinctID)
		}
	}
}

func TestVariants(t *testing.T) {
	f := flagstest.NewFixture().Variants("pricing", map[string]float64{"test": 50, "control": 50, "annual": 0})
	c := load(t, f)
	counts := map[string]int{}
	for i := range 2000 {
		r := c.Evaluate(ctx, "pricing", user(fmt.Sprintf("user-%d", i), nil))
		if !r.Enabled || r.Reason != flags.ReasonMatched {
			t.Fatalf("pricing: %+v", r)
		}
		counts[r.Variant]++
	}
	if counts["annual"] != 0 || counts["control"]+counts["test"] != 2000 {
		t.Errorf("variants served: %v", counts)
	}
	within(t, "control", float64(counts["control"])/20, 45, 55)

	// The map is written sorted by key, which is the order that decides
	// bucketing.
	mv := view(t, f.JSON()).Flags[0].Filters.Multivariate
	var keys []string
	for _, v := range mv.Variants {
		keys = append(keys, v.Key)
	}
	if !slices.Equal(keys, []string{"annual", "control", "test"}) {
		t.Errorf("variant order %v, want sorted by key", keys)
	}
	ordered := flagstest.NewFixture().VariantsOrdered("pricing",
		flagstest.Variant{Key: "annual", Percent: 0},
		flagstest.Variant{Key: "control", Percent: 50},
		flagstest.Variant{Key: "test", Percent: 50})
	if !bytes.Equal(f.JSON(), ordered.JSON()) {
		t.Error("Variants should equal VariantsOrdered with the keys sorted")
	}
}

func TestVariantsOrdered(t *testing.T) {
	f := flagstest.NewFixture().
		VariantsOrdered("exp", flagstest.Variant{Key: "b", Percent: 20}, flagstest.Variant{Key: "a", Percent: 80})
	got := view(t, f.JSON()).Flags[0].Filters.Multivariate.Variants
	if len(got) != 2 || got[0].Key != "b" || got[0].RolloutPercentage != 20 || got[1].Key != "a" || got[1].RolloutPercentage != 80 {
		t.Errorf("VariantsOrdered did not keep the order: %+v", got)
	}
	c := load(t, f)
	counts := map[string]int{}
	for i := range 2000 {
		counts[c.Variant(ctx, "exp", user(fmt.Sprintf("user-%d", i), nil))]++
	}
	if counts["a"]+counts["b"] != 2000 {
		t.Errorf("variants served: %v", counts)
	}
	within(t, "variant b", float64(counts["b"])/20, 15, 25)
}

func TestVariantOrderChangesBucketing(t *testing.T) {
	// The same flag key with the variants in two orders: some users move.
	ab := load(t, flagstest.NewFixture().VariantsOrdered("exp", flagstest.Variant{Key: "a", Percent: 50}, flagstest.Variant{Key: "b", Percent: 50}))
	ba := load(t, flagstest.NewFixture().VariantsOrdered("exp", flagstest.Variant{Key: "b", Percent: 50}, flagstest.Variant{Key: "a", Percent: 50}))
	moved := 0
	for i := range 1000 {
		u := user(fmt.Sprintf("user-%d", i), nil)
		if ab.Variant(ctx, "exp", u) != ba.Variant(ctx, "exp", u) {
			moved++
		}
	}
	if moved < 900 {
		t.Errorf("swapping two 50%% variants moved %d of 1000 users, want nearly all", moved)
	}
}

func TestVariantsUnder100(t *testing.T) {
	c := load(t, flagstest.NewFixture().Variants("partial", map[string]float64{"a": 25, "b": 25}))
	plain := 0
	for i := range 2000 {
		r := c.Evaluate(ctx, "partial", user(fmt.Sprintf("user-%d", i), nil))
		if !r.Enabled {
			t.Fatalf("partial: %+v", r)
		}
		if r.Variant == "" {
			plain++
		}
	}
	within(t, "users past the last variant (plain true)", float64(plain)/20, 45, 55)
}

func TestPayload(t *testing.T) {
	f := flagstest.NewFixture().
		Bool("limits", true).
		Payload("limits", "true", `{"max": 10}`).
		Payload("limits", "true", `{"max": 20}`). // replaces
		Variants("pricing", map[string]float64{"control": 50, "test": 50}).
		Payload("pricing", "control", `{"price": 12}`).
		Payload("pricing", "test", `{"price": 9}`).
		Bool("text", true).
		Payload("text", "true", `"plain text"`)
	v := view(t, f.JSON())
	if got := v.Flags[1].Filters.Payloads["test"]; got != `{"price": 9}` {
		t.Errorf("payloads are stored as JSON-encoded strings; got %#v", got)
	}
	c := load(t, f)

	r := c.Evaluate(ctx, "limits", user("u", nil))
	type limits struct{ Max int }
	if l, err := flags.PayloadAs[limits](r); err != nil || l.Max != 20 {
		t.Errorf("limits payload: %+v, %v (%s)", l, err, r.Payload)
	}
	type pricing struct{ Price int }
	for i := range 20 {
		r := c.Evaluate(ctx, "pricing", user(fmt.Sprintf("user-%d", i), nil))
		p, err := flags.PayloadAs[pricing](r)
		want := map[string]int{"control": 12, "test": 9}[r.Variant]
		if err != nil || want == 0 || p.Price != want {
			t.Errorf("pricing for user-%d: variant %q payload %s, err %v", i, r.Variant, r.Payload, err)
		}
	}
	if s, err := flags.PayloadAs[string](c.Evaluate(ctx, "text", user("u", nil))); err != nil || s != "plain text" {
		t.Errorf("text payload: %q, %v", s, err)
	}
}

func TestWhere(t *testing.T) {
	c := load(t, flagstest.NewFixture().
		Where("pro-only", flagstest.Prop("plan", "exact", "pro")).
		Where("pro-us", flagstest.Prop("plan", "exact", []string{"pro", "enterprise"}), flagstest.Prop("country", "exact", "US")).
		Where("staff-or-beta", flagstest.Prop("email", "icontains", "@example.com")).
		Where("staff-or-beta", flagstest.Prop("beta", "exact", "true")))

	if r := c.Evaluate(ctx, "pro-only", user("a", map[string]any{"plan": "pro"})); !r.Enabled || r.Condition != 0 {
		t.Errorf("pro user: %+v", r)
	}
	if r := c.Evaluate(ctx, "pro-only", user("b", map[string]any{"plan": "free"})); r.Enabled || r.Reason != flags.ReasonNoConditionMatch {
		t.Errorf("free user: %+v", r)
	}
	r := c.Evaluate(ctx, "pro-only", user("c", nil))
	if r.Enabled || !errors.Is(r.Err, flags.ErrInconclusive) || r.Reason != flags.ReasonInconclusive {
		t.Errorf("user without plan: %+v, want inconclusive", r)
	}

	// Several filters in one condition are ANDed.
	if !c.IsEnabled(ctx, "pro-us", user("d", map[string]any{"plan": "enterprise", "country": "US"})) {
		t.Error("pro-us: enterprise in the US should match")
	}
	if r := c.Evaluate(ctx, "pro-us", user("e", map[string]any{"plan": "pro", "country": "FR"})); r.Enabled || r.Err != nil {
		t.Errorf("pro-us for a French user: %+v", r)
	}
	// A definite false rules the condition out even if a later property is missing.
	if r := c.Evaluate(ctx, "pro-us", user("f", map[string]any{"plan": "free"})); r.Enabled || r.Err != nil {
		t.Errorf("pro-us for a free user without country: %+v", r)
	}

	// Several calls add conditions, ORed in order.
	if r := c.Evaluate(ctx, "staff-or-beta", user("g", map[string]any{"email": "x@example.com", "beta": false})); !r.Enabled || r.Condition != 0 {
		t.Errorf("staff: %+v", r)
	}
	if r := c.Evaluate(ctx, "staff-or-beta", user("h", map[string]any{"email": "x@other.org", "beta": true})); !r.Enabled || r.Condition != 1 {
		t.Errorf("beta user: %+v", r)
	}
}

func TestCondition(t *testing.T) {
	f := flagstest.NewFixture().
		Variants("pricing", map[string]float64{"control": 50, "test": 50}).
		Condition("pricing", flagstest.When(flagstest.Prop("email", "ends_with", "@example.com")).Serve("test")).
		Condition("pricing", flagstest.When(flagstest.Prop("plan", "exact", "pro")).Rollout(50)).
		Condition("pricing", flagstest.When().Rollout(60).Serve("control")).
		Condition("everyone", flagstest.Cond{})
	v := view(t, f.JSON())
	g := v.Flags[0].Filters.Groups
	if len(g) != 3 || *g[0].Variant != "test" || *g[1].RolloutPercentage != 50 || *g[2].RolloutPercentage != 60 {
		t.Fatalf("conditions written: %+v", g)
	}
	c := load(t, f)

	for i := range 100 {
		r := c.Evaluate(ctx, "pricing", user(fmt.Sprintf("staff-%d", i), map[string]any{"email": "a@example.com"}))
		if r.Variant != "test" || r.Condition != 0 {
			t.Fatalf("staff get the override: %+v", r)
		}
	}
	inPro, inRest := 0, 0
	for i := range 2000 {
		r := c.Evaluate(ctx, "pricing", user(fmt.Sprintf("user-%d", i), map[string]any{"email": "a@b.c", "plan": "pro"}))
		switch r.Condition {
		case 1:
			inPro++
			if r.Variant != "control" && r.Variant != "test" {
				t.Fatalf("pro users get a hashed variant: %+v", r)
			}
		case 2:
			inRest++
			if r.Variant != "control" {
				t.Fatalf("condition 2 serves control: %+v", r)
			}
		}
	}
	within(t, "pro users in the 50% rollout", float64(inPro)/20, 45, 55)
	// Every condition of a flag hashes a user alike, so the 60% condition
	// gets only the users between 50% and 60%.
	within(t, "pro users left to the 60% condition", float64(inRest)/20, 7, 13)

	if !c.IsEnabled(ctx, "everyone", user("x", nil)) {
		t.Error("the zero Cond matches everyone")
	}
}

func TestGroupFlag(t *testing.T) {
	f := flagstest.NewFixture().
		Group("audit-log", "company").
		Where("audit-log", flagstest.GroupProp("company", "seats", "gte", 50)).
		Group("org-rollout", "company").
		Rollout("org-rollout", 50).
		Group("project-flag", "project").
		Bool("project-flag", true)
	v := view(t, f.JSON())
	if v.GroupTypeMapping["0"] != "company" || v.GroupTypeMapping["1"] != "project" || len(v.GroupTypeMapping) != 2 {
		t.Errorf("group_type_mapping = %v", v.GroupTypeMapping)
	}
	if idx := v.Flags[0].Filters.AggregationGroupTypeIndex; idx == nil || *idx != 0 {
		t.Errorf("audit-log aggregation index = %v", idx)
	}
	if p := v.Flags[0].Filters.Groups[0].Properties[0]; p.Type != "group" || p.GroupTypeIndex == nil || *p.GroupTypeIndex != 0 {
		t.Errorf("group filter written as %+v", p)
	}
	c := load(t, f)

	member := func(id, company string, seats int) flags.User {
		return flags.User{DistinctID: id, Groups: map[string]flags.Group{
			"company": {Key: company, Properties: map[string]any{"seats": seats}},
		}}
	}
	if !c.IsEnabled(ctx, "audit-log", member("u1", "acme", 120)) {
		t.Error("audit-log: a 120-seat company should match")
	}
	if r := c.Evaluate(ctx, "audit-log", member("u2", "tiny", 3)); r.Enabled || r.Err != nil {
		t.Errorf("audit-log for a 3-seat company: %+v", r)
	}
	if r := c.Evaluate(ctx, "audit-log", user("u3", map[string]any{"seats": 500})); r.Enabled || r.Reason != flags.ReasonNoGroup {
		t.Errorf("audit-log without a company: %+v, want ReasonNoGroup (person properties are not read)", r)
	}
	if r := c.Evaluate(ctx, "project-flag", member("u4", "acme", 1)); r.Enabled || r.Reason != flags.ReasonNoGroup {
		t.Errorf("project-flag for a user with only a company: %+v", r)
	}

	// A group rollout buckets companies, not users.
	on := 0
	for i := range 400 {
		company := fmt.Sprintf("company-%d", i)
		first := c.IsEnabled(ctx, "org-rollout", member("a-"+company, company, 1))
		for j := range 3 {
			if c.IsEnabled(ctx, "org-rollout", member(fmt.Sprintf("user-%d-%d", i, j), company, 1)) != first {
				t.Fatalf("users of %s disagree", company)
			}
		}
		if first {
			on++
		}
	}
	within(t, "companies in the 50% rollout", float64(on)/4, 42, 58)
}

func TestMixedTargeting(t *testing.T) {
	f := flagstest.NewFixture().
		Where("mixed", flagstest.Prop("email", "ends_with", "@example.com")).
		Condition("mixed", flagstest.When(flagstest.GroupProp("company", "plan", "exact", "enterprise")).Group("company"))
	v := view(t, f.JSON())
	g := v.Flags[0].Filters.Groups
	if v.Flags[0].Filters.AggregationGroupTypeIndex != nil || g[0].AggregationGroupTypeIndex != nil || g[1].AggregationGroupTypeIndex == nil || *g[1].AggregationGroupTypeIndex != 0 {
		t.Fatalf("mixed targeting written as %+v", v.Flags[0].Filters)
	}
	c := load(t, f)
	staff := user("s", map[string]any{"email": "s@example.com"})
	if r := c.Evaluate(ctx, "mixed", staff); !r.Enabled || r.Condition != 0 {
		t.Errorf("staff: %+v", r)
	}
	ent := flags.User{DistinctID: "e", Properties: map[string]any{"email": "e@corp.com"},
		Groups: map[string]flags.Group{"company": {Key: "corp", Properties: map[string]any{"plan": "enterprise"}}}}
	if r := c.Evaluate(ctx, "mixed", ent); !r.Enabled || r.Condition != 1 {
		t.Errorf("enterprise member: %+v", r)
	}
	// Without a company the group condition is skipped, not inconclusive.
	if r := c.Evaluate(ctx, "mixed", user("n", map[string]any{"email": "n@corp.com"})); r.Enabled || r.Err != nil {
		t.Errorf("no company: %+v", r)
	}
}

func TestCohorts(t *testing.T) {
	f := flagstest.NewFixture().
		Cohort("north-america", flagstest.Prop("country", "exact", []string{"US", "CA"})).
		Cohort("north-america", flagstest.Prop("region", "exact", "na")). // ORed
		Cohort("customers", flagstest.InCohort("north-america"), flagstest.Not(flagstest.Prop("plan", "exact", "free"))).
		StaticCohort("uploaded-list").
		Where("na", flagstest.InCohort("north-america")).
		Where("not-na", flagstest.NotInCohort("north-america")).
		Where("customers", flagstest.InCohort("customers")).
		Where("static", flagstest.InCohort("uploaded-list")).
		Cohort("elsewhere", flagstest.NotInCohort("north-america")).
		Cohort("elsewhere-too", flagstest.Not(flagstest.InCohort("north-america"))).
		Cohort("back-home", flagstest.Not(flagstest.NotInCohort("north-america"))).
		Where("elsewhere", flagstest.InCohort("elsewhere")).
		Where("elsewhere-too", flagstest.InCohort("elsewhere-too")).
		Where("back-home", flagstest.InCohort("back-home"))
	v := view(t, f.JSON())
	if len(v.Cohorts) != 5 || v.Cohorts["1"] == nil || v.Cohorts["2"] == nil {
		t.Errorf("cohorts written: %v (a static cohort is never sent)", v.Cohorts)
	}
	if p := v.Flags[1].Filters.Groups[0].Properties[0]; p.Type != "cohort" || p.Key != "id" || p.Operator != "not_in" || string(p.Value) != "1" {
		t.Errorf("NotInCohort written as %+v", p)
	}
	c := load(t, f)

	us := user("us", map[string]any{"country": "us", "plan": "pro"})
	na := user("na", map[string]any{"country": "MX", "region": "na", "plan": "free"})
	fr := user("fr", map[string]any{"country": "FR", "region": "eu", "plan": "pro"})
	for _, tc := range []struct {
		u                    flags.User
		na, notNA, customers bool
	}{
		{us, true, false, true},
		{na, true, false, false},
		{fr, false, true, false},
	} {
		if got := c.IsEnabled(ctx, "na", tc.u); got != tc.na {
			t.Errorf("na for %s = %v", tc.u.DistinctID, got)
		}
		if got := c.IsEnabled(ctx, "not-na", tc.u); got != tc.notNA {
			t.Errorf("not-na for %s = %v", tc.u.DistinctID, got)
		}
		if got := c.IsEnabled(ctx, "customers", tc.u); got != tc.customers {
			t.Errorf("customers for %s = %v", tc.u.DistinctID, got)
		}
		// Inside a cohort, not being in another cohort is written as a
		// negated membership.
		for _, k := range []string{"elsewhere", "elsewhere-too"} {
			if got := c.IsEnabled(ctx, k, tc.u); got != tc.notNA {
				t.Errorf("%s for %s = %v", k, tc.u.DistinctID, got)
			}
		}
		if got := c.IsEnabled(ctx, "back-home", tc.u); got != tc.na {
			t.Errorf("back-home for %s = %v", tc.u.DistinctID, got)
		}
	}
	if r := c.Evaluate(ctx, "static", us); !errors.Is(r.Err, flags.ErrInconclusive) {
		t.Errorf("a static cohort should be inconclusive: %+v", r)
	}
}

func TestDependsOn(t *testing.T) {
	f := flagstest.NewFixture().
		Where("base", flagstest.Prop("plan", "exact", "pro")).
		Condition("exp", flagstest.When(flagstest.Prop("plan", "exact", "pro")).Serve("test")).
		Variants("exp", map[string]float64{"control": 100, "test": 0}).
		DependsOn("if-on", "base", true).
		DependsOn("if-off", "base", false).
		DependsOn("if-test", "exp", "test").
		Where("combined", flagstest.Flag("base", true), flagstest.Prop("country", "exact", "US"))
	c := load(t, f)
	pro := user("p", map[string]any{"plan": "pro", "country": "US"})
	free := user("f", map[string]any{"plan": "free", "country": "US"})
	for _, tc := range []struct {
		key       string
		pro, free bool
	}{
		{"if-on", true, false},
		{"if-off", false, true},
		{"if-test", true, false},
		{"combined", true, false},
	} {
		if got := c.IsEnabled(ctx, tc.key, pro); got != tc.pro {
			t.Errorf("%s for a pro user = %v", tc.key, got)
		}
		if got := c.IsEnabled(ctx, tc.key, free); got != tc.free {
			t.Errorf("%s for a free user = %v", tc.key, got)
		}
	}
	// The dependency's own inconclusive result carries through.
	if r := c.Evaluate(ctx, "if-on", user("x", nil)); !errors.Is(r.Err, flags.ErrInconclusive) {
		t.Errorf("if-on without plan: %+v", r)
	}
	doc := f.JSON()
	if got := chain(t, doc, "if-on"); !slices.Equal(got, []string{"base"}) {
		t.Errorf("chain of if-on = %v", got)
	}
}

func TestDependencyChains(t *testing.T) {
	f := flagstest.NewFixture().
		DependsOn("c", "b", true). // defined before its dependency: order does not matter
		DependsOn("b", "a", true).
		Rollout("a", 50).
		Where("diamond", flagstest.Flag("c", true), flagstest.Flag("a", true)).
		Cohort("beta-users", flagstest.Flag("a", true)).
		Where("via-cohort", flagstest.InCohort("beta-users")).
		DependsOn("on-cohort-flag", "via-cohort", true).
		DependsOn("x", "y", true).
		DependsOn("y", "x", true).
		DependsOn("after-cycle", "x", true).
		DependsOn("self", "self", true)
	if err := f.Err(); err != nil {
		t.Fatalf("cycles are not fixture errors: %v", err)
	}
	doc := f.JSON()
	for key, want := range map[string][]string{
		"b":              {"a"},
		"c":              {"a", "b"},
		"diamond":        {"a", "b", "c"},
		"on-cohort-flag": {"a", "via-cohort"},
		"x":              {},
		"y":              {},
		"after-cycle":    {},
		"self":           {},
	} {
		if got := chain(t, doc, key); !slices.Equal(got, want) {
			t.Errorf("dependency_chain of %s's filter = %q, want %q", key, got, want)
		}
	}
	if !strings.Contains(string(doc), `"dependency_chain": []`) {
		t.Error("an empty chain must be written as [], not left out")
	}
	// The cohort's flag leaf carries a chain too.
	var cohort struct {
		Values []struct {
			Values []struct {
				DependencyChain []string `json:"dependency_chain"`
			} `json:"values"`
		} `json:"values"`
	}
	if err := json.Unmarshal(view(t, doc).Cohorts["1"], &cohort); err != nil || !slices.Equal(cohort.Values[0].Values[0].DependencyChain, []string{"a"}) {
		t.Errorf("cohort flag leaf: %+v, %v", cohort, err)
	}

	c := load(t, f)
	for i := range 300 {
		u := user(fmt.Sprintf("user-%d", i), nil)
		a := c.IsEnabled(ctx, "a", u)
		for _, k := range []string{"b", "c", "diamond", "via-cohort", "on-cohort-flag"} {
			if got := c.IsEnabled(ctx, k, u); got != a {
				t.Fatalf("%s = %v for %s, but a = %v", k, got, u.DistinctID, a)
			}
		}
	}
	for _, k := range []string{"x", "y", "after-cycle", "self"} {
		if r := c.Evaluate(ctx, k, user("u", nil)); !errors.Is(r.Err, flags.ErrInconclusive) {
			t.Errorf("%s (cyclic) = %+v, want inconclusive", k, r)
		}
	}
}

func TestInactive(t *testing.T) {
	f := flagstest.NewFixture().Bool("old", true).Inactive("old").DependsOn("needs-old", "old", false)
	if view(t, f.JSON()).Flags[0].Active {
		t.Error("an inactive flag is written with active: false")
	}
	c := load(t, f)
	if r := c.Evaluate(ctx, "old", user("u", nil)); r.Enabled || r.Reason != flags.ReasonDisabled {
		t.Errorf("old: %+v", r)
	}
	if !c.IsEnabled(ctx, "needs-old", user("u", nil)) {
		t.Error("a flag depending on an inactive flag being false should be on")
	}
}

func TestExperienceContinuity(t *testing.T) {
	c := load(t, flagstest.NewFixture().Bool("sticky", true).ExperienceContinuity("sticky"))
	r := c.Evaluate(ctx, "sticky", user("u", nil))
	if r.Enabled || !errors.Is(r.Err, flags.ErrInconclusive) {
		t.Errorf("sticky: %+v, want inconclusive", r)
	}
}

func TestDeviceBucketing(t *testing.T) {
	f := flagstest.NewFixture().Rollout("device", 50).DeviceBucketing("device")
	if b := view(t, f.JSON()).Flags[0].BucketingIdentifier; b == nil || *b != "device_id" {
		t.Errorf("bucketing_identifier = %v", b)
	}
	c := load(t, f)
	on := 0
	for i := range 2000 {
		device := fmt.Sprintf("device-%d", i)
		first := c.IsEnabled(ctx, "device", flags.User{DistinctID: "a" + device, DeviceID: device})
		if second := c.IsEnabled(ctx, "device", flags.User{DistinctID: "b" + device, DeviceID: device}); second != first {
			t.Fatalf("two users on %s disagree", device)
		}
		if first {
			on++
		}
	}
	within(t, "devices in the 50% rollout", float64(on)/20, 45, 55)
	if r := c.Evaluate(ctx, "device", user("no-device", nil)); !errors.Is(r.Err, flags.ErrInconclusive) {
		t.Errorf("without a device id: %+v, want inconclusive", r)
	}
}

func TestHoldout(t *testing.T) {
	f := flagstest.NewFixture().
		Variants("exp", map[string]float64{"control": 50, "test": 50}).
		Holdout("exp", 7, 100).
		Payload("exp", "holdout-7", `{"held": true}`).
		Variants("partial", map[string]float64{"control": 50, "test": 50}).
		Holdout("partial", 8, 30)
	if h := view(t, f.JSON()).Flags[0].Filters.Holdout; h == nil || h.ID != 7 || h.ExclusionPercentage != 100 {
		t.Errorf("holdout written as %+v", h)
	}
	c := load(t, f)
	r := c.Evaluate(ctx, "exp", user("u", nil))
	if r.Variant != "holdout-7" || !r.Enabled || r.Reason != flags.ReasonHoldout || string(r.Payload) != `{"held":true}` {
		t.Errorf("exp: %+v", r)
	}
	held := 0
	for i := range 2000 {
		r := c.Evaluate(ctx, "partial", user(fmt.Sprintf("user-%d", i), nil))
		switch r.Variant {
		case "holdout-8":
			held++
		case "control", "test":
		default:
			t.Fatalf("partial: %+v", r)
		}
	}
	within(t, "users held out", float64(held)/20, 25, 35)
}

func TestRuntime(t *testing.T) {
	f := flagstest.NewFixture().
		Bool("browser", true).Runtime("browser", "client").
		Bool("backend", true).Runtime("backend", "server").
		Bool("anywhere", true).Runtime("anywhere", "all").
		DependsOn("needs-browser", "browser", true)
	u := user("u", nil)

	server := load(t, f) // the default runtime is the server's
	if r := server.Evaluate(ctx, "browser", u); r.Enabled || r.Reason != flags.ReasonFilteredByRuntime {
		t.Errorf("browser on a server client: %+v", r)
	}
	if !server.IsEnabled(ctx, "backend", u) || !server.IsEnabled(ctx, "anywhere", u) {
		t.Error("backend and anywhere should be on for a server client")
	}
	if server.IsEnabled(ctx, "needs-browser", u) {
		t.Error("a flag depending on a filtered flag sees false")
	}
	if _, ok := server.EvaluateAll(ctx, u)["browser"]; ok {
		t.Error("EvaluateAll should leave out filtered flags")
	}

	client := load(t, f, flags.WithRuntime(flags.RuntimeClient))
	if !client.IsEnabled(ctx, "browser", u) || !client.IsEnabled(ctx, "needs-browser", u) {
		t.Error("browser should be on for a client runtime")
	}
	if r := client.Evaluate(ctx, "backend", u); r.Reason != flags.ReasonFilteredByRuntime {
		t.Errorf("backend on a client runtime: %+v", r)
	}
}

func TestEvaluationContexts(t *testing.T) {
	f := flagstest.NewFixture().
		Bool("web-only", true).EvaluationContexts("web-only", "web", "marketing").
		Bool("api-only", true).EvaluationContexts("api-only", "api").
		Bool("untagged", true)
	if got := view(t, f.JSON()).Flags[0].EvaluationContexts; !slices.Equal(got, []string{"web", "marketing"}) {
		t.Errorf("evaluation_contexts = %q", got)
	}
	u := user("u", nil)
	web := load(t, f, flags.WithEvaluationContexts("web"))
	if !web.IsEnabled(ctx, "web-only", u) || !web.IsEnabled(ctx, "untagged", u) {
		t.Error("web-only and untagged should be on for the web context")
	}
	if r := web.Evaluate(ctx, "api-only", u); r.Enabled || r.Reason != flags.ReasonFilteredByContext {
		t.Errorf("api-only in the web context: %+v", r)
	}
	all := load(t, f)
	if !all.IsEnabled(ctx, "api-only", u) {
		t.Error("without WithEvaluationContexts nothing is filtered")
	}
}

func TestEvaluateAll(t *testing.T) {
	c := load(t, flagstest.NewFixture().
		Bool("on", true).
		Bool("off", false).
		Variants("exp", map[string]float64{"only": 100}).
		Where("pro", flagstest.Prop("plan", "exact", "pro")))
	all := c.EvaluateAll(ctx, user("u", map[string]any{"plan": "free"}))
	if len(all) != 4 || !all["on"].Enabled || all["off"].Enabled || all["exp"].Variant != "only" || all["pro"].Enabled || all["pro"].Err != nil {
		t.Errorf("EvaluateAll: %+v", all)
	}
}

func TestDocumentShape(t *testing.T) {
	f := flagstest.NewFixture().
		Payload("first", "true", `1`). // a flag with no condition of its own is on for everyone
		Bool("second", true).
		Rollout("third", 0.5)
	v := view(t, f.JSON())
	for i, fl := range v.Flags {
		if fl.ID != i+1 || !fl.Active || fl.EvaluationRuntime != "all" || fl.EvaluationContexts == nil || fl.BucketingIdentifier != nil {
			t.Errorf("flag %d: %+v", i, fl)
		}
	}
	if keys := []string{v.Flags[0].Key, v.Flags[1].Key, v.Flags[2].Key}; !slices.Equal(keys, []string{"first", "second", "third"}) {
		t.Errorf("flags are written in order of first mention; got %v", keys)
	}
	if g := v.Flags[0].Filters.Groups; len(g) != 1 || *g[0].RolloutPercentage != 100 || len(g[0].Properties) != 0 {
		t.Errorf("default condition: %+v", g)
	}
	if p := *v.Flags[2].Filters.Groups[0].RolloutPercentage; p != 0.5 {
		t.Errorf("fractional rollout written as %v", p)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(f.JSON(), &top); err != nil || len(top) != 3 || top["flags"] == nil || string(top["group_type_mapping"]) != "{}" || string(top["cohorts"]) != "{}" {
		t.Errorf("top-level keys: %v, %v", top, err)
	}
	if !load(t, f).IsEnabled(ctx, "first", user("u", nil)) {
		t.Error("a flag with only a payload is on for everyone")
	}
}

// full builds a valid fixture that uses every method of Fixture that adds
// to the document, every filter constructor and every method of Cond.
func full() *flagstest.Fixture {
	return flagstest.NewFixture().
		Bool("new-ui", true).
		Rollout("beta", 30).
		Variants("pricing", map[string]float64{"control": 40, "test": 40, "annual": 20}).
		Payload("pricing", "test", `{"price": 9}`).
		Payload("pricing", "control", `{"price": 12}`).
		Payload("pricing", "annual", `{"price": 99}`).
		Where("pro-only", flagstest.Prop("plan", "exact", "pro")).
		Group("org", "company").
		Condition("org", flagstest.When(flagstest.GroupProp("company", "seats", "gte", "50")).Rollout(20)).
		Cohort("us", flagstest.Prop("country", "exact", "US"), flagstest.Not(flagstest.InCohort("staff"))).
		Cohort("staff", flagstest.Prop("email", "icontains", "@example.com")).
		Where("us-only", flagstest.InCohort("us")).
		DependsOn("child", "pricing", "test").
		Holdout("pricing", 3, 10).
		Inactive("old").
		ExperienceContinuity("sticky").
		DeviceBucketing("device").
		Runtime("device", "server").
		EvaluationContexts("device", "web").
		VariantsOrdered("layout", flagstest.Variant{Key: "wide", Percent: 70}, flagstest.Variant{Key: "narrow", Percent: 30}).
		Condition("layout", flagstest.When(flagstest.Prop("plan", "exact", "pro")).Serve("narrow")).
		Condition("project-tier", flagstest.When(flagstest.GroupProp("project", "tier", "exact", "gold")).Group("project")).
		Where("wide-outside-us", flagstest.Flag("layout", "wide"), flagstest.NotInCohort("us")).
		StaticCohort("uploaded").
		Where("uploaded-only", flagstest.InCohort("uploaded"))
}

func TestDeterministic(t *testing.T) {
	want := full().JSON()
	if err := full().Err(); err != nil {
		t.Fatalf("full fixture: %v", err)
	}
	for i := range 50 {
		if got := full().JSON(); !bytes.Equal(got, want) {
			t.Fatalf("build %d differs:\n%s\nvs\n%s", i, got, want)
		}
	}
	// JSON, Err and Clone only read the fixture: calling them again on the
	// same fixture gives the same bytes as a fresh one.
	f := full()
	for i := range 3 {
		if got := f.JSON(); !bytes.Equal(got, want) {
			t.Fatalf("call %d of JSON on one fixture differs from a fresh fixture's", i)
		}
		if err := f.Err(); err != nil {
			t.Fatalf("call %d of Err: %v", i, err)
		}
		if got := f.Clone().JSON(); !bytes.Equal(got, want) {
			t.Fatalf("call %d: a clone's JSON differs", i)
		}
	}
	if !json.Valid(want) || !bytes.Contains(want, []byte("\n  ")) {
		t.Error("the document should be valid, indented JSON")
	}
	load(t, full())
}

func TestClone(t *testing.T) {
	base := flagstest.NewFixture().Where("f", flagstest.Prop("plan", "exact", "pro")).Variants("v", map[string]float64{"a": 100})
	before := base.JSON()
	c := base.Clone().Where("f", flagstest.Prop("plan", "exact", "free")).Payload("v", "a", `1`).Bool("new", true)
	if !bytes.Equal(base.JSON(), before) {
		t.Error("changing a clone changed the original")
	}
	if bytes.Equal(c.JSON(), before) {
		t.Error("the clone did not change")
	}
	cl := load(t, c)
	if !cl.IsEnabled(ctx, "f", user("u", map[string]any{"plan": "free"})) || !cl.IsEnabled(ctx, "new", user("u", nil)) {
		t.Error("the clone's additions are missing")
	}
	// A fixture with errors keeps them in its clones.
	bad := flagstest.NewFixture().Rollout("x", 200)
	if bad.Clone().Err() == nil {
		t.Error("Clone dropped the recorded errors")
	}
}

func TestZeroFixture(t *testing.T) {
	var f flagstest.Fixture
	f.Bool("on", true)
	if !load(t, &f).IsEnabled(ctx, "on", user("u", nil)) {
		t.Error("the zero Fixture should be usable")
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		build  func(f *flagstest.Fixture)
		want   string // in Err()
		absent string // a flag the failed call must not have created
	}{
		{"rollout above 100", func(f *flagstest.Fixture) { f.Rollout("r", 120) }, "outside 0–100", "r"},
		{"negative rollout", func(f *flagstest.Fixture) { f.Rollout("r", -1) }, "outside 0–100", "r"},
		{"NaN rollout", func(f *flagstest.Fixture) { f.Rollout("r", math.NaN()) }, "outside 0–100", "r"},
		{"empty key", func(f *flagstest.Fixture) { f.Bool("", true) }, "empty flag key", ""},
		{"invalid payload", func(f *flagstest.Fixture) { f.Bool("p", true).Payload("p", "true", `{"price": `) }, "not valid JSON", ""},
		{"payload for false", func(f *flagstest.Fixture) { f.Payload("p", "false", `1`) }, `"true" or a variant`, "p"},
		{"payload for a missing variant", func(f *flagstest.Fixture) { f.Variants("p", map[string]float64{"a": 100}).Payload("p", "b", `1`) }, `payload for "b"`, ""},
		{"no variants", func(f *flagstest.Fixture) { f.Variants("v", nil) }, "no variants", "v"},
		{"duplicate variant", func(f *flagstest.Fixture) {
			f.VariantsOrdered("v", flagstest.Variant{Key: "a", Percent: 50}, flagstest.Variant{Key: "a", Percent: 50})
		}, "appears twice", "v"},
		{"empty variant key", func(f *flagstest.Fixture) { f.VariantsOrdered("v", flagstest.Variant{Percent: 50}) }, "empty key", "v"},
		{"variant above 100", func(f *flagstest.Fixture) { f.Variants("v", map[string]float64{"a": 150}) }, "outside 0–100", "v"},
		{"unknown operator", func(f *flagstest.Fixture) { f.Where("w", flagstest.Prop("plan", "exactly", "pro")) }, `unknown operator "exactly"`, "w"},
		{"empty property key", func(f *flagstest.Fixture) { f.Where("w", flagstest.Prop("", "exact", "pro")) }, "empty property key", "w"},
		{"value that is not JSON", func(f *flagstest.Fixture) { f.Where("w", flagstest.Prop("n", "gt", math.Inf(1))) }, "cannot be written as JSON", "w"},
		{"zero filter", func(f *flagstest.Fixture) { f.Where("w", flagstest.Filter{}) }, "zero Filter", "w"},
		{"negation in a condition", func(f *flagstest.Fixture) { f.Where("w", flagstest.Not(flagstest.Prop("plan", "exact", "pro"))) }, "negation only inside cohort", "w"},
		{"undefined cohort", func(f *flagstest.Fixture) { f.Where("w", flagstest.InCohort("nobody")) }, `cohort "nobody" is never defined`, ""},
		{"empty cohort name", func(f *flagstest.Fixture) { f.Where("w", flagstest.NotInCohort("")) }, "empty cohort name", "w"},
		{"undefined dependency", func(f *flagstest.Fixture) { f.DependsOn("w", "missing", true) }, `flag "missing" is never defined`, ""},
		{"bad dependency value", func(f *flagstest.Fixture) { f.Bool("a", true).DependsOn("w", "a", 3) }, "true, false or a variant key", "w"},
		{"dependency on a missing variant", func(f *flagstest.Fixture) {
			f.Variants("exp", map[string]float64{"a": 100}).DependsOn("w", "exp", "b")
		}, `flag "exp" has no variant "b"`, ""},
		{"empty dependency key", func(f *flagstest.Fixture) { f.Where("w", flagstest.Flag("", true)) }, "empty flag key", "w"},
		{"condition rollout", func(f *flagstest.Fixture) { f.Condition("w", flagstest.When().Rollout(101)) }, "outside 0–100", "w"},
		{"override of a missing variant", func(f *flagstest.Fixture) { f.Condition("w", flagstest.When().Serve("nope")) }, `serves variant "nope"`, ""},
		{"empty override", func(f *flagstest.Fixture) { f.Condition("w", flagstest.When().Serve("")) }, "empty variant", "w"},
		{"empty condition group", func(f *flagstest.Fixture) { f.Condition("w", flagstest.When().Group("")) }, "empty group type", "w"},
		{"group filter in a person flag", func(f *flagstest.Fixture) { f.Where("w", flagstest.GroupProp("company", "seats", "gte", 5)) }, "needs a condition aggregated by", ""},
		{"person filter in a group flag", func(f *flagstest.Fixture) { f.Group("g", "company").Where("g", flagstest.Prop("plan", "exact", "pro")) }, "is about the person", ""},
		{"cohort in a group flag", func(f *flagstest.Fixture) {
			f.Cohort("c").Group("g", "company").Where("g", flagstest.InCohort("c"))
		}, "is about the person", ""},
		{"group filter of another type", func(f *flagstest.Fixture) {
			f.Group("g", "company").Where("g", flagstest.GroupProp("project", "size", "gt", 1))
		}, `aggregated by "company"`, ""},
		{"empty group type", func(f *flagstest.Fixture) { f.Group("g", "") }, "empty group type", "g"},
		{"empty GroupProp type", func(f *flagstest.Fixture) { f.Where("w", flagstest.GroupProp("", "seats", "gt", 1)) }, "empty group type", "w"},
		{"too many group types", func(f *flagstest.Fixture) {
			for _, g := range []string{"a", "b", "c", "d", "e", "f"} {
				f.Group("flag-"+g, g)
			}
		}, "at most 5 group types", "flag-f"},
		{"device bucketing of a group flag", func(f *flagstest.Fixture) { f.Group("g", "company").DeviceBucketing("g") }, "does not apply to a group flag", ""},
		{"holdout id", func(f *flagstest.Fixture) { f.Holdout("h", 0, 10) }, "not positive", "h"},
		{"holdout percentage", func(f *flagstest.Fixture) { f.Holdout("h", 1, 101) }, "outside 0–100", "h"},
		{"runtime", func(f *flagstest.Fixture) { f.Runtime("r", "browser") }, `"server", "client" or "all"`, "r"},
		{"empty evaluation context", func(f *flagstest.Fixture) { f.EvaluationContexts("e", "web", "") }, "empty evaluation context", "e"},
		{"empty cohort", func(f *flagstest.Fixture) { f.Cohort("") }, "empty cohort name", ""},
		{"group filter in a cohort", func(f *flagstest.Fixture) { f.Cohort("c", flagstest.GroupProp("company", "seats", "gt", 1)) }, "person properties only", ""},
		{"static cohort with filters", func(f *flagstest.Fixture) {
			f.StaticCohort("s").Cohort("s", flagstest.Prop("plan", "exact", "pro"))
		}, `cohort "s" is static`, ""},
		{"cohort made static", func(f *flagstest.Fixture) {
			f.Cohort("s", flagstest.Prop("plan", "exact", "pro")).StaticCohort("s")
		}, "already defined", ""},
		{"empty inactive key", func(f *flagstest.Fixture) { f.Inactive("") }, "empty flag key", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := flagstest.NewFixture().Bool("ok", true)
			tc.build(f) // must not panic
			err := f.Err()
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "flagstest: ") {
				t.Fatalf("Err() = %v, want a message containing %q", err, tc.want)
			}
			// The document is still written, and loads.
			c, lerr := flags.New(flags.WithSnapshot(f.JSON()))
			if lerr != nil {
				t.Fatalf("the document does not load: %v\n%s", lerr, f.JSON())
			}
			defer c.Close()
			if !c.IsEnabled(ctx, "ok", user("u", nil)) {
				t.Error("the valid flag of a fixture with errors should still work")
			}
			if tc.absent != "" {
				if r := c.Evaluate(ctx, tc.absent, user("u", nil)); !errors.Is(r.Err, flags.ErrNotFound) {
					t.Errorf("the failed call created flag %q: %+v", tc.absent, r)
				}
			}
		})
	}
	// Errors accumulate, in call order.
	f := flagstest.NewFixture().Rollout("a", 101).Rollout("b", -1)
	msg := f.Err().Error()
	if i, j := strings.Index(msg, `Rollout("a"`), strings.Index(msg, `Rollout("b"`); i < 0 || j < i {
		t.Errorf("errors in call order: %q", msg)
	}
	if err := full().Err(); err != nil {
		t.Errorf("a valid fixture: %v", err)
	}
}

// fakeTB records what Build and NewClient do with a test.
type fakeTB struct {
	testing.TB // nil: calling anything else panics, which would be a bug
	mu         sync.Mutex
	fatals     []string
	cleanups   []func()
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

func TestBuild(t *testing.T) {
	good := flagstest.NewFixture().Bool("on", true)
	tb := &fakeTB{}
	if doc := good.Build(tb); !bytes.Equal(doc, good.JSON()) || len(tb.fatals) != 0 {
		t.Errorf("Build of a good fixture: fatals %q", tb.fatals)
	}
	bad := flagstest.NewFixture().Bool("on", true).Payload("on", "true", "{")
	tb = &fakeTB{}
	if doc := bad.Build(tb); doc != nil || len(tb.fatals) != 1 || !strings.Contains(tb.fatals[0], "not valid JSON") {
		t.Errorf("Build of a bad fixture: doc %q, fatals %q", doc, tb.fatals)
	}
}

func TestNewClient(t *testing.T) {
	c := flagstest.NewClient(t, flagstest.NewFixture().Bool("on", true).Runtime("on", "client"), flags.WithRuntime(flags.RuntimeClient))
	if !c.IsEnabled(ctx, "on", user("u", nil)) {
		t.Error("NewClient: the options should reach flags.New")
	}

	tb := &fakeTB{}
	c = flagstest.NewClient(tb, flagstest.NewFixture().Bool("on", true))
	if c == nil || len(tb.fatals) != 0 || len(tb.cleanups) != 1 {
		t.Fatalf("NewClient: client %v, fatals %q, %d cleanups", c, tb.fatals, len(tb.cleanups))
	}
	if err := c.Reload(ctx); !errors.Is(err, flags.ErrNoSource) {
		t.Errorf("before cleanup, Reload = %v", err)
	}
	tb.cleanups[0]()
	if err := c.Reload(ctx); !errors.Is(err, flags.ErrClosed) {
		t.Errorf("after cleanup, Reload = %v, want ErrClosed: the cleanup closes the client", err)
	}

	for name, tc := range map[string]struct {
		f    *flagstest.Fixture
		opts []flags.Option
		want string
	}{
		"fixture error": {flagstest.NewFixture().Rollout("r", 400), nil, "outside 0–100"},
		"nil fixture":   {nil, nil, "nil fixture"},
		"New fails":     {flagstest.NewFixture(), []flags.Option{flags.WithClock(nil)}, "nil clock"},
	} {
		tb := &fakeTB{}
		if c := flagstest.NewClient(tb, tc.f, tc.opts...); c != nil || len(tb.fatals) != 1 || !strings.Contains(tb.fatals[0], tc.want) || len(tb.cleanups) != 0 {
			t.Errorf("%s: client %v, fatals %q", name, c, tb.fatals)
		}
	}
}

func TestParallel(t *testing.T) {
	base := full()
	want := base.JSON()
	ref := load(t, base)
	for i := range 16 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			// Reading the shared base concurrently is safe.
			if !bytes.Equal(base.JSON(), want) || base.Err() != nil {
				t.Error("the shared base changed")
			}
			own := fmt.Sprintf("own-%d", i)
			f := base.Clone().Rollout(own, float64(i*5)).Where("pro-only", flagstest.Prop("plan", "exact", "free"))
			c := flagstest.NewClient(t, f)
			within(t, own, share(c, own, 1000), float64(i*5)-5, float64(i*5)+5)
			for j := range 200 {
				u := user(fmt.Sprintf("user-%d", j), map[string]any{"plan": "free"})
				if c.Variant(ctx, "pricing", u) != ref.Variant(ctx, "pricing", u) {
					t.Fatalf("pricing differs from the base for %s", u.DistinctID)
				}
				if !c.IsEnabled(ctx, "pro-only", u) || ref.IsEnabled(ctx, "pro-only", u) {
					t.Fatalf("the clone's condition leaked or is missing for %s", u.DistinctID)
				}
			}
			// Building fresh fixtures concurrently gives the same bytes.
			if !bytes.Equal(full().JSON(), want) {
				t.Error("a fixture built concurrently differs")
			}
		})
	}
}

// TestNoHTMLEscaping checks that names holding '<', '>' or '&' are written
// as they are, not as \u003c escapes, wherever they appear in the document
// (flag keys, variants, flag dependency values, group types, cohort
// filters), and that the document still loads and evaluates.
func TestNoHTMLEscaping(t *testing.T) {
	f := flagstest.NewFixture().
		VariantsOrdered("x<y", flagstest.Variant{Key: "<b>", Percent: 100}).
		DependsOn("dep&", "x<y", "<b>").
		Group("org", "co<mp>").
		Bool("org", true).
		Cohort("c<1>", flagstest.Prop("k<", "exact", "v<&>")).
		Where("in-c", flagstest.InCohort("c<1>"))
	doc := f.Build(t)
	for _, esc := range []string{`\u003c`, `\u003e`, `\u0026`} {
		if bytes.Contains(doc, []byte(esc)) {
			t.Errorf("the document holds %s escapes", esc)
		}
	}
	for _, want := range []string{
		`"key": "x<y"`,    // a flag key
		`"key": "<b>"`,    // a variant
		`"key": "dep&"`,   // a flag key
		`"value": "<b>"`,  // the value of a flag filter (Flag)
		`"0": "co<mp>"`,   // a group type, in group_type_mapping
		`"key": "k<"`,     // a property key inside a cohort
		`"value": "v<&>"`, // a property value inside a cohort
	} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("the document lacks %s", want)
		}
	}
	if t.Failed() {
		t.Fatalf("the document:\n%s", doc)
	}
	c := load(t, f)
	u := user("u", map[string]any{"k<": "v<&>"})
	if got := c.Variant(ctx, "x<y", u); got != "<b>" {
		t.Errorf("x<y = %q, want <b>", got)
	}
	if !c.IsEnabled(ctx, "dep&", u) {
		t.Error("dep& should follow x<y serving <b>")
	}
	if !c.IsEnabled(ctx, "org", flags.User{DistinctID: "u", Groups: map[string]flags.Group{"co<mp>": {Key: "acme"}}}) {
		t.Error("org should be on for a member of a co<mp> group")
	}
	if !c.IsEnabled(ctx, "in-c", u) || c.IsEnabled(ctx, "in-c", user("v", map[string]any{"k<": "v"})) {
		t.Error("in-c should match exactly the users with k< = v<&>")
	}
}
