// Package flagstest builds PostHog flag definitions documents for tests.
//
// A [Fixture] describes flags in Go and [Fixture.JSON] writes the document
// PostHog's /flags/definitions endpoint would serve for them, with the same
// shapes PostHog emits. Loading it with [flags.WithSnapshot] runs the real
// evaluation engine, so a test checks the code that reads flags, not a mock:
//
//	doc := flagstest.NewFixture().
//		Bool("new-ui", true).
//		Rollout("beta", 30).
//		VariantsOrdered("pricing", flagstest.Variant{Key: "control", Percent: 50}, flagstest.Variant{Key: "test", Percent: 50}).
//		Payload("pricing", "test", `{"price": 9}`).
//		Where("pro-only", flagstest.Prop("plan", "exact", "pro")).
//		JSON()
//	c, err := flags.New(flags.WithSnapshot(doc))
//
// or, inside a test, [NewClient], which also fails the test on a mistake in
// the fixture and closes the client when the test ends:
//
//	c := flagstest.NewClient(t, flagstest.NewFixture().Bool("new-ui", true))
//
// # Flags and conditions
//
// Every method that takes a flag key creates the flag if the fixture does
// not have it yet, so methods can be called in any order. Flags appear in
// the document in the order they were first named and get ids 1, 2, 3... in
// that order; every flag is active unless [Fixture.Inactive] says otherwise.
//
// [Fixture.Bool], [Fixture.Rollout], [Fixture.Where], [Fixture.DependsOn]
// and [Fixture.Condition] each append one condition set to the flag.
// PostHog tries a flag's condition sets top to bottom and the first that
// matches decides the value, so conditions added by several calls are ORed
// in call order. A flag that has no condition set of its own when the
// document is written (for example one only given [Fixture.Variants]) gets a
// single condition that matches everyone: a flag the fixture names is on
// unless the fixture says otherwise.
//
// # Errors
//
// Builder methods never panic. A call that cannot be turned into a valid
// document (a percentage outside 0–100, a payload that is not JSON, an
// unknown operator, a condition referring to a cohort or flag the fixture
// never defines, a person filter in a group condition...) is recorded and
// otherwise ignored. [Fixture.Err] reports every recorded problem, and
// [Fixture.JSON] still returns the document, so a test of odd documents can
// use it deliberately. [Fixture.Build] and [NewClient] fail the test instead.
//
// Things PostHog itself can serve are not errors, however odd: variant
// percentages that do not add up to 100, dependency cycles (their
// dependency_chain is empty, as the server writes it), static cohorts
// ([Fixture.StaticCohort]), operators the engine leaves inconclusive.
//
// # Concurrency
//
// A Fixture holds no global state. It must not be modified from several
// goroutines at once, but [Fixture.JSON], [Fixture.Err], [Fixture.Build] and
// [Fixture.Clone] only read it, so a base fixture built once can be cloned
// by parallel subtests.
package flagstest
