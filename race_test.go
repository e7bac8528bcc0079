//go:build race

package flags_test

// raceEnabled: under the race detector sync.Pool drops items at random, so
// pooled scratch memory is sometimes allocated afresh.
const raceEnabled = true
