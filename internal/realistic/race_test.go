//go:build race

package realistic

// raceEnabled: the race detector slows the generator down several times
// over, so timing checks only log.
const raceEnabled = true
