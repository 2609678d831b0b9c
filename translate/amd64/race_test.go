//go:build race

package amd64

// raceEnabled reports a -race build, whose resident memory includes the
// race detector's own.
const raceEnabled = true
