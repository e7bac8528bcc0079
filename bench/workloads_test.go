package bench

import (
	"time"

	"github.com/launchdarkly/go-sdk-common/v3/ldvalue"
	"github.com/launchdarkly/go-server-sdk-evaluation/v3/ldbuilders"
	"github.com/launchdarkly/go-server-sdk-evaluation/v3/ldmodel"

	"github.com/localflags/flags/internal/realistic"
)

// The workloads, each as a PostHog definitions document (read by localflags
// and served to posthog-go) and as the closest LaunchDarkly flags and
// segments. README.md discusses how equivalent they are.

// workload is one flag to evaluate, in each library's terms.
type workload struct {
	name  string
	key   string // the PostHog flag key (localflags and posthog-go)
	ldKey string // the LaunchDarkly flag key
	doc   []byte // the PostHog definitions document
	ld    *ldStore
	// variant: the answer is a variant string, not a bool.
	variant bool
	// posthogGoSkip is why posthog-go cannot run the workload, or "".
	posthogGoSkip string
}

var (
	ldFalse = ldvalue.Bool(false)
	ldTrue  = ldvalue.Bool(true)
)

// Boolean LaunchDarkly flags use variation 0 for false and 1 for true.
const (
	varFalse = 0
	varTrue  = 1
)

// boolFlag starts a LaunchDarkly boolean flag that is on and serves false
// when off or when a prerequisite fails.
func boolFlag(key string) *ldbuilders.FlagBuilder {
	return ldbuilders.NewFlagBuilder(key).On(true).Variations(ldFalse, ldTrue).OffVariation(varFalse)
}

// ldRollout is a boolean rollout to pct percent. true comes first, so that a
// user is in when the bucket is below pct/100, as in PostHog (hash <=
// pct/100).
func ldRollout(pct int) ldmodel.VariationOrRollout {
	return ldbuilders.Rollout(ldbuilders.Bucket(varTrue, pct*1000), ldbuilders.Bucket(varFalse, (100-pct)*1000))
}

func str(s ...string) []ldvalue.Value {
	out := make([]ldvalue.Value, len(s))
	for i, x := range s {
		out[i] = ldvalue.String(x)
	}
	return out
}

// Simple: a 50% boolean rollout, no properties.
//
// PostHog hashes "<flag key>.<distinct id>"; LaunchDarkly hashes
// "<flag key>.<salt>.<context key>". Naming the PostHog flag "simple.v1" and
// giving the LaunchDarkly flag "simple" the salt "v1" makes both hash the
// same string, so that both put the same users in the rollout.
func simpleWorkload() workload {
	return workload{
		name: "Simple", key: "simple.v1", ldKey: "simple",
		doc: []byte(`{"flags": [{"id": 1, "key": "simple.v1", "active": true,
  "filters": {"groups": [{"properties": [], "rollout_percentage": 50}]}}],
"group_type_mapping": {"0": "company"}, "cohorts": {}}`),
		ld: newLDStore([]ldmodel.FeatureFlag{boolFlag("simple").Salt("v1").Fallthrough(ldRollout(50)).Build()}, nil),
	}
}

var variantKeys = []string{"control", "blue", "green", "orange", "purple"}

// Multivariate: five variants of 20% over a 100% rollout; the answer is the
// variant.
func multivariateWorkload() workload {
	vals := str(variantKeys...)
	buckets := make([]ldmodel.WeightedVariation, len(vals))
	for i := range vals {
		buckets[i] = ldbuilders.Bucket(i, 20000)
	}
	return workload{
		name: "Multivariate", key: "multivariate", ldKey: "multivariate", variant: true,
		doc: []byte(`{"flags": [{"id": 2, "key": "multivariate", "active": true,
  "filters": {"groups": [{"properties": [], "rollout_percentage": 100}],
    "multivariate": {"variants": [
      {"key": "control", "rollout_percentage": 20}, {"key": "blue", "rollout_percentage": 20},
      {"key": "green", "rollout_percentage": 20}, {"key": "orange", "rollout_percentage": 20},
      {"key": "purple", "rollout_percentage": 20}]},
    "payloads": {"control": "{\"color\": \"grey\"}", "blue": "{\"color\": \"blue\"}"}}}],
"group_type_mapping": {"0": "company"}, "cohorts": {}}`),
		ld: newLDStore([]ldmodel.FeatureFlag{
			ldbuilders.NewFlagBuilder("multivariate").On(true).Variations(vals...).OffVariation(0).
				Fallthrough(ldbuilders.Rollout(buckets...)).Build(),
		}, nil),
	}
}

// Properties: three condition sets of three filters each, on a user with
// about twenty properties.
func propertiesWorkload() workload {
	since := now.AddDate(0, 0, -180).Format(time.RFC3339)
	return workload{
		name: "Properties", key: "properties", ldKey: "properties",
		doc: []byte(`{"flags": [{"id": 3, "key": "properties", "active": true,
  "filters": {"groups": [
    {"properties": [
      {"key": "plan", "type": "person", "operator": "exact", "value": ["pro", "team", "enterprise"]},
      {"key": "email", "type": "person", "operator": "icontains", "value": "gmail"},
      {"key": "app_version", "type": "person", "operator": "semver_gte", "value": "2.4.0"}],
     "rollout_percentage": null},
    {"properties": [
      {"key": "country", "type": "person", "operator": "exact", "value": ["US", "CA", "GB", "DE"]},
      {"key": "signup_date", "type": "person", "operator": "is_date_after", "value": "-180d"},
      {"key": "sessions_last_30d", "type": "person", "operator": "gt", "value": 5}],
     "rollout_percentage": null},
    {"properties": [
      {"key": "email", "type": "person", "operator": "regex", "value": "^[a-z]+\\.[a-z]+[0-9]*@"},
      {"key": "age", "type": "person", "operator": "gt", "value": 30},
      {"key": "$browser", "type": "person", "operator": "exact", "value": ["Chrome", "Firefox", "Edge"]}],
     "rollout_percentage": null}]}}],
"group_type_mapping": {"0": "company"}, "cohorts": {}}`),
		ld: newLDStore([]ldmodel.FeatureFlag{boolFlag("properties").
			AddRule(ldbuilders.NewRuleBuilder().ID("a").Variation(varTrue).Clauses(
				ldbuilders.Clause("plan", ldmodel.OperatorIn, str("pro", "team", "enterprise")...),
				ldbuilders.Clause("email", ldmodel.OperatorContains, str("gmail")...),
				// semver_gte: LaunchDarkly has no >=; "not less than" is
				// the one-clause equivalent.
				ldbuilders.Negate(ldbuilders.Clause("app_version", ldmodel.OperatorSemVerLessThan, str("2.4.0")...)),
			)).
			AddRule(ldbuilders.NewRuleBuilder().ID("b").Variation(varTrue).Clauses(
				ldbuilders.Clause("country", ldmodel.OperatorIn, str("US", "CA", "GB", "DE")...),
				// is_date_after "-180d": LaunchDarkly dates are absolute, so
				// the flag holds now-180d and must be rebuilt to move on.
				ldbuilders.Clause("signup_date", ldmodel.OperatorAfter, str(since)...),
				ldbuilders.Clause("sessions_last_30d", ldmodel.OperatorGreaterThan, ldvalue.Int(5)),
			)).
			AddRule(ldbuilders.NewRuleBuilder().ID("c").Variation(varTrue).Clauses(
				ldbuilders.Clause("email", ldmodel.OperatorMatches, str(`^[a-z]+\.[a-z]+[0-9]*@`)...),
				ldbuilders.Clause("age", ldmodel.OperatorGreaterThan, ldvalue.Int(30)),
				ldbuilders.Clause("$browser", ldmodel.OperatorIn, str("Chrome", "Firefox", "Edge")...),
			)).
			FallthroughVariation(varFalse).Build()}, nil),
	}
}

// Cohort: a flag on a cohort that nests another cohort, negated: users in
// core markets who are not casual users.
func cohortWorkload() workload {
	return workload{
		name: "Cohort", key: "cohort", ldKey: "cohort",
		doc: []byte(`{"flags": [{"id": 4, "key": "cohort", "active": true,
  "filters": {"groups": [{"properties": [{"key": "id", "type": "cohort", "value": 2}], "rollout_percentage": null}]}}],
"group_type_mapping": {"0": "company"},
"cohorts": {
  "1": {"type": "OR", "values": [
    {"type": "AND", "values": [{"key": "plan", "type": "person", "operator": "exact", "value": ["free", "trial"]}]},
    {"type": "AND", "values": [{"key": "sessions_last_30d", "type": "person", "operator": "lt", "value": 3}]}]},
  "2": {"type": "AND", "values": [
    {"type": "AND", "values": [
      {"key": "country", "type": "person", "operator": "exact", "value": ["US", "CA", "GB", "DE", "FR"]},
      {"key": "id", "type": "cohort", "value": 1, "negation": true}]}]}}}`),
		ld: newLDStore(
			[]ldmodel.FeatureFlag{boolFlag("cohort").
				AddRule(ldbuilders.NewRuleBuilder().ID("in").Variation(varTrue).Clauses(ldbuilders.SegmentMatchClause("engaged-core"))).
				FallthroughVariation(varFalse).Build()},
			[]ldmodel.Segment{
				// Segment rules are ORed, their clauses ANDed: cohort 1.
				ldbuilders.NewSegmentBuilder("casual").
					AddRule(ldbuilders.NewSegmentRuleBuilder().ID("plan").Clauses(
						ldbuilders.Clause("plan", ldmodel.OperatorIn, str("free", "trial")...))).
					AddRule(ldbuilders.NewSegmentRuleBuilder().ID("sessions").Clauses(
						ldbuilders.Clause("sessions_last_30d", ldmodel.OperatorLessThan, ldvalue.Int(3)))).
					Build(),
				// Cohort 2: a rule with a negated segmentMatch on cohort 1.
				ldbuilders.NewSegmentBuilder("engaged-core").
					AddRule(ldbuilders.NewSegmentRuleBuilder().ID("core").Clauses(
						ldbuilders.Clause("country", ldmodel.OperatorIn, str("US", "CA", "GB", "DE", "FR")...),
						ldbuilders.Negate(ldbuilders.SegmentMatchClause("casual")))).
					Build(),
			}),
	}
}

// DependencyChain: flag "chain-top" depends on "chain-middle", which depends
// on "chain-base.v1", a 60% rollout (depth 3). chain-middle also requires a
// country.
func dependencyWorkload() workload {
	return workload{
		name: "DependencyChain", key: "chain-top", ldKey: "chain-top",
		doc: []byte(`{"flags": [
  {"id": 5, "key": "chain-base.v1", "active": true,
   "filters": {"groups": [{"properties": [], "rollout_percentage": 60}]}},
  {"id": 6, "key": "chain-middle", "active": true,
   "filters": {"groups": [{"properties": [
     {"key": "chain-base.v1", "type": "flag", "operator": "flag_evaluates_to", "value": true, "dependency_chain": ["chain-base.v1"]},
     {"key": "country", "type": "person", "operator": "exact", "value": ["US", "CA", "GB", "DE", "FR", "ES", "IT"]}],
    "rollout_percentage": null}]}},
  {"id": 7, "key": "chain-top", "active": true,
   "filters": {"groups": [{"properties": [
     {"key": "chain-middle", "type": "flag", "operator": "flag_evaluates_to", "value": true, "dependency_chain": ["chain-base.v1", "chain-middle"]}],
    "rollout_percentage": null}]}}],
"group_type_mapping": {"0": "company"}, "cohorts": {}}`),
		ld: newLDStore([]ldmodel.FeatureFlag{
			boolFlag("chain-base").Salt("v1").Fallthrough(ldRollout(60)).Build(),
			boolFlag("chain-middle").AddPrerequisite("chain-base", varTrue).
				AddRule(ldbuilders.NewRuleBuilder().ID("country").Variation(varTrue).Clauses(
					ldbuilders.Clause("country", ldmodel.OperatorIn, str("US", "CA", "GB", "DE", "FR", "ES", "IT")...))).
				FallthroughVariation(varFalse).Build(),
			boolFlag("chain-top").AddPrerequisite("chain-middle", varTrue).FallthroughVariation(varTrue).Build(),
		}, nil),
		posthogGoSkip: "posthog-go v1.5.2 has no flag dependencies: it reads a type \"flag\" filter as a person property, which is missing, so the flag is never decided locally",
	}
}

// sharedWorkloads are the workloads every library evaluates one flag of.
func sharedWorkloads() []workload {
	return []workload{simpleWorkload(), multivariateWorkload(), propertiesWorkload(), cohortWorkload(), dependencyWorkload()}
}

// realisticDocument is the EvaluateAll1000 document.
func realisticDocument() []byte { return realistic.Document(1000, 1) }

// ldSkipEvaluateAll says why LaunchDarkly does not run EvaluateAll1000.
const ldSkipEvaluateAll = "the realistic document has no faithful LaunchDarkly translation (see README): " +
	"per-condition flag dependencies, missing-property semantics, relative dates, case-insensitive matching and PostHog's two-hash variants"
