//go:build !race

package realistic

const raceEnabled = false
