// Package bench compares this library with its peers, PostHog's Go SDK
// (github.com/posthog/posthog-go, local evaluation) and LaunchDarkly's
// evaluator (github.com/launchdarkly/go-server-sdk-evaluation/v3), on the
// same workloads.
//
// It is a module of its own so that the library's go.mod does not depend on
// its peers. Everything is in the tests: the benchmarks in bench_test.go,
// the workloads in each library's terms in workloads_test.go, the setup of
// each library (a local PostHog stand-in that posthog-go polls, a map-backed
// store for LaunchDarkly) in peers_test.go, and tests that the three give
// the same answers where their semantics agree in same_test.go. README.md
// says how to run them and how the workloads differ between libraries.
package bench
