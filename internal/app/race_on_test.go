//go:build race

package app

// raceEnabled trims the heaviest tests: the race detector makes the
// pipeline about ten times slower.
const raceEnabled = true
