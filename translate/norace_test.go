//go:build !race

package translate

// raceEnabled reports a -race build, whose resident memory includes the
// race detector's own.
const raceEnabled = false
