//go:build !unix

package okta

import "time"

// cpuClock is unknown here: benchmarks report wall-clock rates only.
func cpuClock() time.Duration { return 0 }
