//go:build !unix

package mde

import "time"

// cpuClock is unknown here: benchmarks report wall-clock rates only.
func cpuClock() time.Duration { return 0 }
