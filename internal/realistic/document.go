// Package realistic generates realistic PostHog flag definitions documents
// and users, deterministically, for tests and benchmarks.
//
// [Document] builds a document with a mix of flags like a production
// project's: boolean rollouts, property-targeted flags, multivariate
// experiments (some with holdouts), group flags, flags depending on other
// flags, flags using cohorts, and inactive flags. [User] builds users whose
// properties those flags read, so that evaluation is rarely inconclusive
// and most flags are on for some users and off for others.
//
// Evaluate with flags.WithClock([ReferenceTime]) for stable answers to
// relative date filters. testdata/realistic-1000.json, at the root of the
// module, is Document(1000, 1); regenerate it with
//
//	go run ./internal/realistic/gen -o testdata/realistic-1000.json
package realistic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind is the kind of a generated flag.
type Kind uint8

// The kinds of flags [Document] generates, with their approximate shares.
const (
	// KindRollout: a boolean flag rolled out to a percentage of users, some
	// fractional, with no property filters (40%).
	KindRollout Kind = iota
	// KindProperty: a boolean flag targeted by person property filters
	// (30%); a few use early_exit.
	KindProperty
	// KindMultivariate: an experiment with 2 to 5 variants and JSON
	// payloads (12%); some have variant overrides, a few a holdout.
	KindMultivariate
	// KindGroup: a flag aggregated on the "company" group (8%).
	KindGroup
	// KindDependency: a flag with a condition on another flag's value (4%).
	KindDependency
	// KindCohort: a flag with a condition on a cohort (3%).
	KindCohort
	// KindInactive: a flag that is switched off (3%).
	KindInactive
	numKinds
)

var kindNames = [numKinds]string{"rollout", "property", "multivariate", "group", "dependency", "cohort", "inactive"}

// String names the kind, such as "multivariate".
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// kindShares are the kinds' shares of a document, in percent.
var kindShares = [numKinds]int{40, 30, 12, 8, 4, 3, 3}

// Document returns a realistic definitions document, in the format of
// PostHog's /flags/definitions endpoint, with n flags. The same n and seed
// always give the same bytes. Keys are ASCII, the group type mapping is
// {"0": "company"}, and the document ships the cohorts its flags use.
func Document(n int, seed uint64) []byte {
	return build(n, seed).encode()
}

// Kinds returns the kind of every flag of Document(n, seed), by key.
func Kinds(n int, seed uint64) map[string]Kind {
	g := build(n, seed)
	out := make(map[string]Kind, len(g.flags))
	for i, f := range g.flags {
		out[f.Key] = g.kinds[i]
	}
	return out
}

// The JSON shapes of the document. Field order follows PostHog's
// serializer, so the output reads like a real document.

type flagDef struct {
	ID                         int     `json:"id"`
	TeamID                     int     `json:"team_id"`
	Name                       string  `json:"name"`
	Key                        string  `json:"key"`
	Filters                    filters `json:"filters"`
	Deleted                    bool    `json:"deleted"`
	Active                     bool    `json:"active"`
	EnsureExperienceContinuity bool    `json:"ensure_experience_continuity"`
	Version                    int     `json:"version"`
	EvaluationRuntime          string  `json:"evaluation_runtime"`
	BucketingIdentifier        *string `json:"bucketing_identifier"`
}

type filters struct {
	Groups                    []condition       `json:"groups"`
	Multivariate              *multivariate     `json:"multivariate"`
	AggregationGroupTypeIndex *int              `json:"aggregation_group_type_index"`
	Payloads                  map[string]string `json:"payloads"`
	Holdout                   *holdout          `json:"holdout,omitempty"`
	EarlyExit                 bool              `json:"early_exit,omitempty"`
}

type condition struct {
	Properties        []property `json:"properties"`
	RolloutPercentage *float64   `json:"rollout_percentage"`
	Variant           *string    `json:"variant"`
}

type property struct {
	Key             string   `json:"key"`
	Type            string   `json:"type"`
	Value           any      `json:"value"`
	Operator        string   `json:"operator,omitempty"`
	GroupTypeIndex  *int     `json:"group_type_index,omitempty"`
	Negation        bool     `json:"negation,omitempty"`
	DependencyChain []string `json:"dependency_chain,omitempty"`
}

type multivariate struct {
	Variants []variant `json:"variants"`
}

type variant struct {
	Key               string `json:"key"`
	Name              string `json:"name"`
	RolloutPercentage int    `json:"rollout_percentage"`
}

type holdout struct {
	ID                  int `json:"id"`
	ExclusionPercentage int `json:"exclusion_percentage"`
}

type propertyGroup struct {
	Type   string `json:"type"`
	Values []any  `json:"values"`
}

// generator holds the state of one Document call.
type generator struct {
	r       *rng
	flags   []flagDef
	kinds   []Kind
	chains  [][]string // per flag: its dependency chain, ending with itself
	keys    map[string]bool
	suffix  map[string]int  // per key base, the last numeric suffix tried
	targets []int           // indexes of the flags a dependency can target
	byKind  [numKinds][]int // indexes of the flags of each kind so far
	cohorts map[int]bool    // cohort ids the flags use
}

func build(n int, seed uint64) *generator {
	if n < 0 {
		n = 0
	}
	g := &generator{
		r:       newRNG(seed, 0x464c414753), // "FLAGS"
		flags:   make([]flagDef, 0, n),
		kinds:   planKinds(n, newRNG(seed, 0x4b494e4453)), // "KINDS"
		chains:  make([][]string, 0, n),
		keys:    make(map[string]bool, n),
		suffix:  map[string]int{},
		cohorts: map[int]bool{},
	}
	for i, k := range g.kinds {
		g.flags = append(g.flags, g.flag(i, k))
		if dependable(k) {
			g.targets = append(g.targets, i)
		}
		g.byKind[k] = append(g.byKind[k], i)
	}
	return g
}

// planKinds returns the kind of each of n flags: the shares rounded by
// largest remainder, in a shuffled order where every dependency flag has an
// earlier flag it can depend on.
func planKinds(n int, r *rng) []Kind {
	counts := [numKinds]int{}
	type rem struct {
		k    Kind
		frac int
	}
	rems := make([]rem, 0, numKinds)
	total := 0
	for k := range numKinds {
		counts[k] = n * kindShares[k] / 100
		total += counts[k]
		rems = append(rems, rem{k, n * kindShares[k] % 100})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return b.frac - a.frac })
	for i := 0; total < n; i++ {
		counts[rems[i%len(rems)].k]++
		total++
	}
	kinds := make([]Kind, 0, n)
	for k := range numKinds {
		for range counts[k] {
			kinds = append(kinds, k)
		}
	}
	for i := len(kinds) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		kinds[i], kinds[j] = kinds[j], kinds[i]
	}
	seen := false
	for i := range kinds {
		if kinds[i] == KindDependency && !seen {
			j := slices.IndexFunc(kinds[i+1:], func(k Kind) bool { return k != KindDependency && dependable(k) })
			if j < 0 {
				kinds[i] = KindRollout
			} else {
				kinds[i], kinds[i+1+j] = kinds[i+1+j], kinds[i]
			}
		}
		seen = seen || dependable(kinds[i])
	}
	return kinds
}

// dependable reports whether flags of kind k can be the target of a
// generated dependency.
func dependable(k Kind) bool {
	return k == KindRollout || k == KindProperty || k == KindMultivariate || k == KindDependency
}

// encode writes the document with one flag per line, so that it diffs well.
func (g *generator) encode() []byte {
	var b bytes.Buffer
	b.Grow(len(g.flags) * 700)
	b.WriteString("{\n\"flags\": [\n")
	for i := range g.flags {
		line, err := json.Marshal(&g.flags[i])
		if err != nil {
			panic(err) // the shapes above always marshal
		}
		b.Write(line)
		if i < len(g.flags)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("],\n\"group_type_mapping\": {\"0\": \"company\"},\n\"cohorts\": {")
	ids := make([]int, 0, len(g.cohorts))
	for id := range g.cohorts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for i, id := range ids {
		line, err := json.Marshal(cohortDefs[id].def)
		if err != nil {
			panic(err)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n%q: %s", strconv.Itoa(id), line)
	}
	b.WriteString("\n}\n}\n")
	return b.Bytes()
}

var (
	areas = []string{"checkout", "onboarding", "billing", "search", "dashboard", "editor", "settings", "notifications",
		"mobile-app", "api", "reports", "inbox", "pricing", "signup", "profile", "analytics", "export", "integrations",
		"sidebar", "home-feed", "comments", "sharing", "calendar", "invoices", "team-invites", "sso", "audit-log",
		"webhooks", "payments", "cart"}
	features = []string{"redesign", "v2", "beta", "new-flow", "banner", "tooltips", "dark-mode", "ai-assist",
		"rollout", "killswitch", "fast-path", "caching", "limits", "upsell", "tour", "nudge", "layout", "copy",
		"perf", "preview"}
	experimentFeatures = []string{"experiment", "ab-test", "cta-test", "pricing-test", "layout-test", "copy-test"}
	variantSets        = [][]string{
		{"control", "test"},
		{"control", "variant-a", "variant-b"},
		{"control", "short", "long", "video"},
		{"control", "blue", "green", "orange", "purple"},
		{"off", "on"},
		{"baseline", "aggressive", "gentle"},
	}
	fractionalRollouts = []float64{0.5, 1.5, 2.5, 7.5, 12.5, 33.3, 66.6, 87.5, 99.9}
	wholeRollouts      = []float64{0, 1, 5, 10, 20, 25, 30, 40, 50, 60, 75, 90, 100}
)

// newKey returns a fresh, realistic kebab-case key.
func (g *generator) newKey(feats []string) string {
	base := pick(g.r, areas) + "-" + pick(g.r, feats)
	key := base
	for g.keys[key] {
		n := max(g.suffix[base], 1) + 1
		g.suffix[base] = n
		key = base + "-" + strconv.Itoa(n)
	}
	g.keys[key] = true
	return key
}

func nameOf(key string) string {
	words := strings.Split(key, "-")
	words[0] = titleCase(words[0])
	return strings.Join(words, " ")
}

func pct(p float64) *float64 { return &p }

func (g *generator) rollout(fractional float64) *float64 {
	if g.r.chance(fractional) {
		return pct(pick(g.r, fractionalRollouts))
	}
	return pct(pick(g.r, wholeRollouts))
}

// flag generates flag number i of kind k.
func (g *generator) flag(i int, k Kind) flagDef {
	r := g.r
	f := flagDef{
		ID:                i + 1,
		TeamID:            2,
		Version:           r.between(1, 12),
		Active:            true,
		EvaluationRuntime: []string{"all", "server"}[r.weighted(75, 25)],
		Filters:           filters{Payloads: map[string]string{}},
	}
	var chain []string
	switch k {
	case KindRollout:
		f.Key = g.newKey(features)
		f.Filters.Groups = []condition{{Properties: []property{}, RolloutPercentage: g.rollout(0.25)}}
		g.maybeTruePayload(&f, 0.3)
	case KindProperty:
		f.Key = g.newKey(features)
		g.propertyConditions(&f)
		g.maybeTruePayload(&f, 0.25)
	case KindMultivariate:
		f.Key = g.newKey(experimentFeatures)
		g.experiment(&f)
	case KindGroup:
		f.Key = g.newKey(features)
		zero := 0
		f.Filters.AggregationGroupTypeIndex = &zero
		g.groupConditions(&f)
		g.maybeTruePayload(&f, 0.3)
	case KindDependency:
		f.Key = g.newKey(features)
		chain = g.dependencyConditions(&f)
	case KindCohort:
		f.Key = g.newKey(features)
		g.cohortConditions(&f)
	case KindInactive:
		f.Key = g.newKey(features)
		f.Active = false
		if r.chance(0.5) {
			f.Filters.Groups = []condition{{Properties: []property{}, RolloutPercentage: pct(100)}}
		} else {
			g.propertyConditions(&f)
		}
	}
	f.Name = nameOf(f.Key)
	g.chains = append(g.chains, append(chain, f.Key))
	return f
}

func (g *generator) maybeTruePayload(f *flagDef, p float64) {
	if !g.r.chance(p) {
		return
	}
	switch g.r.intn(4) {
	case 0:
		f.Filters.Payloads["true"] = fmt.Sprintf(`{"limit": %d}`, g.r.between(1, 100)*10)
	case 1:
		f.Filters.Payloads["true"] = fmt.Sprintf(`{"message": "%s", "dismissible": %t}`, pick(g.r, messages), g.r.chance(0.5))
	case 2:
		f.Filters.Payloads["true"] = strconv.Quote(pick(g.r, messages))
	default:
		f.Filters.Payloads["true"] = fmt.Sprintf(`{"endpoints": ["/v%d/items", "/v%d/search"], "timeout_ms": %d}`,
			g.r.between(1, 3), g.r.between(1, 3), g.r.between(1, 30)*100)
	}
}

var messages = []string{"Try the new editor", "Upgrade to save 20%", "Welcome back!", "New: dark mode",
	"Your trial ends soon", "Invite your team", "We moved the settings page"}

// propertyConditions gives f one to three condition sets of person filters.
func (g *generator) propertyConditions(f *flagDef) {
	r := g.r
	n := 1 + r.weighted(55, 30, 15)
	for range n {
		c := condition{}
		for range 1 + r.weighted(45, 40, 15) {
			c.Properties = append(c.Properties, g.personFilter())
		}
		switch r.weighted(55, 10, 25, 10) {
		case 0: // null: 100% without hashing
		case 1:
			c.RolloutPercentage = pct(100)
		case 2:
			c.RolloutPercentage = pct(pick(r, []float64{10, 20, 25, 50, 75, 80}))
		default:
			c.RolloutPercentage = pct(pick(r, fractionalRollouts))
		}
		f.Filters.Groups = append(f.Filters.Groups, c)
	}
	if r.chance(0.08) {
		// early_exit: the first condition's rollout is final for users its
		// filters match.
		f.Filters.EarlyExit = true
		f.Filters.Groups[0].RolloutPercentage = pct(pick(r, []float64{20, 50, 70}))
	}
}

func person(key, op string, value any) property {
	return property{Key: key, Type: "person", Operator: op, Value: value}
}

func list(xs ...string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func sampleList(r *rng, xs []string, lo, hi int) []any {
	return list(sample(r, xs, r.between(lo, hi))...)
}

// personFilter draws one person property filter, over the properties
// [User] sets, with operators of every family.
func (g *generator) personFilter() property {
	r := g.r
	switch r.weighted(10, 7, 4, 7, 5, 3, 4, 3, 4, 4, 3, 3, 4, 3, 3, 4, 3, 3, 2, 2, 2, 2, 2, 2) {
	case 0:
		return person("plan", "exact", sampleList(r, plans, 1, 3))
	case 1:
		return person("country", "exact", sampleList(r, countries, 2, 6))
	case 2:
		return person("country", "is_not", pick(r, countries))
	case 3:
		return person("email", "icontains", pick(r, []string{"@gmail.com", "acme", "@globex.com", ".io", "example", "hooli", "@initech"}))
	case 4:
		return person("email", "regex", pick(r, []string{`@(acme|globex)\.(io|com)$`, `^[a-z]+\.[a-z]+[0-9]*@`, `\.(io|co|xyz)$`, `^[a-m]`, `[0-9]{2}@`}))
	case 5:
		return person("email", "not_icontains", pick(r, []string{"@example.org", "@gmail.com", "test"}))
	case 6:
		return person("locale", "starts_with", pick(r, []string{"en", "de", "fr", "es", "pt", "en-US"}))
	case 7:
		return person("email", "ends_with", pick(r, []string{".com", ".io", "@outlook.com"}))
	case 8:
		return person("$browser", "exact", sampleList(r, browsers, 1, 3))
	case 9:
		if r.chance(0.5) {
			return person("$os", "is_not", pick(r, systems))
		}
		return person("$os", "exact", list("iOS", "Android"))
	case 10:
		return person("age", pick(r, []string{"gt", "gte", "lt", "lte"}), r.between(21, 55))
	case 11:
		return person("sessions_last_30d", pick(r, []string{"gt", "gte"}), pick(r, []int{1, 3, 5, 10, 20, 40}))
	case 12:
		return person("app_version", pick(r, []string{"semver_gte", "semver_gt"}), pick(r, []string{"2.0.0", "2.3.0", "2.4.0", "2.5.1", "3.0.0"}))
	case 13:
		return person("app_version", "semver_lt", pick(r, []string{"2.4.0", "3.0.0", "2.2.0"}))
	case 14:
		if r.chance(0.3) {
			return person("app_version", "semver_wildcard", pick(r, []string{"2.*", "3.*", "2.4.*"}))
		}
		return person("app_version", pick(r, []string{"semver_caret", "semver_tilde"}), pick(r, []string{"2.3.0", "2.4.0", "3.0.0"}))
	case 15:
		return person("signup_date", "is_date_after", pick(r, []string{"-7d", "-30d", "-90d", "-6m", "-1y", "-2w"}))
	case 16:
		return person("signup_date", pick(r, []string{"is_date_after", "is_date_before"}), pick(r, []string{"2025-01-01", "2025-06-15", "2026-01-01", "2026-05-01T12:00:00Z"}))
	case 17:
		return person(pick(r, []string{"email", "app_version", "utm_source", "$initial_referring_domain"}), "is_set", "is_set")
	case 18:
		return person("is_beta", "exact", list("true"))
	case 19:
		return person("tags", "icontains", pick(r, userTags))
	case 20:
		return person("$device_type", "exact", sampleList(r, []string{"Desktop", "Mobile", "Tablet"}, 1, 2))
	case 21:
		return person("utm_source", "exact", sampleList(r, utmSources, 1, 3))
	case 22:
		return person("lifetime_value", pick(r, []string{"gt", "lt"}), pick(r, []float64{100, 499.99, 1000, 2500}))
	default:
		return person("company_size", pick(r, []string{"gt", "lte"}), pick(r, []int{10, 50, 200, 1000}))
	}
}

// experiment makes f a multivariate experiment.
func (g *generator) experiment(f *flagDef) {
	r := g.r
	keys := pick(r, variantSets)
	mv := &multivariate{}
	weights := splitPercent(r, len(keys))
	for i, k := range keys {
		mv.Variants = append(mv.Variants, variant{Key: k, Name: nameOf(k), RolloutPercentage: weights[i]})
	}
	f.Filters.Multivariate = mv
	if r.chance(0.35) {
		// Variant override for the team's own accounts or beta users.
		v := keys[len(keys)-1]
		filter := person("email", "icontains", pick(r, []string{"@acme.io", "@hooli.xyz"}))
		if r.chance(0.4) {
			filter = person("is_beta", "exact", list("true"))
		}
		f.Filters.Groups = append(f.Filters.Groups, condition{Properties: []property{filter}, Variant: &v})
	}
	main := condition{Properties: []property{}, RolloutPercentage: pct(pick(r, []float64{100, 100, 50, 20, 10, 33.3, 80}))}
	if r.chance(0.4) {
		main.Properties = append(main.Properties, g.personFilter())
	}
	f.Filters.Groups = append(f.Filters.Groups, main)
	if r.chance(0.7) {
		for _, k := range keys {
			f.Filters.Payloads[k] = fmt.Sprintf(`{"variant": %q, "headline": %q, "discount_percent": %d}`,
				k, pick(r, messages), pick(r, []int{0, 5, 10, 15, 20}))
		}
	}
	if r.chance(0.15) {
		h := &holdout{ID: r.between(1, 40), ExclusionPercentage: pick(r, []int{5, 10, 20})}
		f.Filters.Holdout = h
		f.Filters.Payloads["holdout-"+strconv.Itoa(h.ID)] = `{"holdout": true}`
	}
}

// splitPercent splits 100 into n whole percentages, evenly or not.
func splitPercent(r *rng, n int) []int {
	w := make([]int, n)
	if n == 2 && r.chance(0.3) {
		w[0] = pick(r, []int{90, 80, 70})
		w[1] = 100 - w[0]
		return w
	}
	for i := range w {
		w[i] = 100 / n
	}
	w[0] += 100 - (100/n)*n
	return w
}

func group(key, op string, value any) property {
	zero := 0
	return property{Key: key, Type: "group", GroupTypeIndex: &zero, Operator: op, Value: value}
}

// groupConditions gives a company flag its condition sets.
func (g *generator) groupConditions(f *flagDef) {
	r := g.r
	if r.chance(0.3) {
		f.Filters.Groups = []condition{{Properties: []property{}, RolloutPercentage: g.rollout(0.2)}}
		return
	}
	for range 1 + r.weighted(70, 30) {
		c := condition{}
		for range 1 + r.weighted(60, 40) {
			c.Properties = append(c.Properties, g.groupFilter())
		}
		if r.chance(0.3) {
			c.RolloutPercentage = pct(pick(r, []float64{25, 50, 75, 12.5}))
		}
		f.Filters.Groups = append(f.Filters.Groups, c)
	}
}

func (g *generator) groupFilter() property {
	r := g.r
	switch r.weighted(5, 4, 4, 3, 2, 2, 2, 2, 2) {
	case 0:
		return group("employees", pick(r, []string{"gt", "gte"}), pick(r, []any{50, 100, "250", 1000}))
	case 1:
		return group("industry", "exact", sampleList(r, industries, 1, 3))
	case 2:
		return group("tier", "exact", sampleList(r, tiers, 1, 2))
	case 3:
		return group("country", "exact", sampleList(r, countries, 2, 5))
	case 4:
		return group("created_at", pick(r, []string{"is_date_before", "is_date_after"}), pick(r, []string{"2024-01-01", "2025-06-01", "-1y", "-180d"}))
	case 5:
		return group("is_customer", "exact", list("true"))
	case 6:
		return group("arr", "gt", pick(r, []int{10000, 50000, 250000}))
	case 7:
		return group("name", "icontains", pick(r, []string{"inc", "labs", "acme", "gmbh"}))
	default:
		return group("seats", "lt", pick(r, []int{10, 25, 100}))
	}
}

// dependencyConditions gives f a condition on an earlier flag's value and
// returns f's own dependency chain (its transitive dependencies, in
// evaluation order).
func (g *generator) dependencyConditions(f *flagDef) []string {
	r := g.r
	// Prefer recent flags, as features built on each other usually are,
	// and build some longer chains and some conditions on an experiment's
	// variant.
	recent := func(idx []int) int { return idx[len(idx)-1-r.intn(min(len(idx), 40))] }
	var t int
	switch deps, mvs := g.byKind[KindDependency], g.byKind[KindMultivariate]; {
	case len(deps) > 0 && r.chance(0.35):
		t = recent(deps)
	case len(mvs) > 0 && r.chance(0.3):
		t = recent(mvs)
	default:
		t = recent(g.targets)
	}
	target := g.flags[t]
	var want any = true
	switch {
	case target.Filters.Multivariate != nil && r.chance(0.7):
		want = pick(r, target.Filters.Multivariate.Variants).Key
	case r.chance(0.15):
		want = false
	}
	chain := g.chains[t]
	dep := property{Key: target.Key, Type: "flag", Operator: "flag_evaluates_to", Value: want,
		DependencyChain: append([]string(nil), chain...)}
	f.Filters.Groups = []condition{g.refine(condition{Properties: []property{dep}}, 0.4, []float64{25, 50, 90})}
	return slices.Clone(chain)
}

// cohortDef is one cohort a document can ship, with the cohorts it uses.
type cohortDef struct {
	def  propertyGroup
	uses []int
}

func and(values ...any) propertyGroup { return propertyGroup{Type: "AND", Values: values} }
func or(values ...any) propertyGroup  { return propertyGroup{Type: "OR", Values: values} }

func cohortRef(id int, negated bool) property {
	return property{Key: "id", Type: "cohort", Value: id, Negation: negated}
}

// cohortDefs are the cohorts flags can use: plain ones, and nested ones with
// negation.
var cohortDefs = map[int]cohortDef{
	// Power users.
	1001: {def: or(
		and(person("sessions_last_30d", "gte", 20)),
		and(person("plan", "exact", list("pro", "enterprise")), person("lifetime_value", "gt", 1000)),
	)},
	// European users.
	1002: {def: or(and(person("country", "exact", list("DE", "FR", "ES", "IT", "NL", "PL", "SE"))))},
	// Mobile users.
	1003: {def: or(
		and(person("$os", "exact", list("iOS", "Android"))),
		and(person("$device_type", "exact", list("Mobile", "Tablet"))),
	)},
	// Power users outside Europe.
	1004: {def: and(and(cohortRef(1001, false), cohortRef(1002, true))), uses: []int{1001, 1002}},
	// Beta testers.
	1005: {def: or(
		and(person("is_beta", "exact", list("true"))),
		and(person("email", "icontains", "@acme.io")),
		and(person("tags", "icontains", "early-adopter")),
	)},
	// Established desktop users who are not beta testers.
	1006: {def: and(and(cohortRef(1003, true), cohortRef(1005, true), person("signup_date", "is_date_before", "-90d"))),
		uses: []int{1003, 1005}},
}

var cohortIDs = []int{1001, 1002, 1003, 1004, 1005, 1006}

func (g *generator) useCohort(id int) {
	if g.cohorts[id] {
		return
	}
	g.cohorts[id] = true
	for _, u := range cohortDefs[id].uses {
		g.useCohort(u)
	}
}

// cohortConditions gives f a condition on a cohort.
func (g *generator) cohortConditions(f *flagDef) {
	r := g.r
	id := pick(r, cohortIDs)
	g.useCohort(id)
	filter := property{Key: "id", Type: "cohort", Value: id, Operator: "in"}
	if r.chance(0.2) {
		filter.Operator = "not_in"
	}
	f.Filters.Groups = []condition{g.refine(condition{Properties: []property{filter}}, 0.3, []float64{10, 50, 100})}
	g.maybeTruePayload(f, 0.2)
}

// refine returns c with, with probability filterChance, a person filter
// added, then, with probability 0.3, a rollout picked from rollouts. It
// draws in that order: the filter's chance, the filter, the rollout's
// chance, the rollout.
func (g *generator) refine(c condition, filterChance float64, rollouts []float64) condition {
	r := g.r
	if r.chance(filterChance) {
		c.Properties = append(c.Properties, g.personFilter())
	}
	if r.chance(0.3) {
		c.RolloutPercentage = pct(pick(r, rollouts))
	}
	return c
}
