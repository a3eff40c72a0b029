//go:build !unix

package m365

import "time"

// cpuClock is unknown here: benchmarks report wall-clock rates only.
func cpuClock() time.Duration { return 0 }
