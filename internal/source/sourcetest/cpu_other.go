//go:build !unix

package sourcetest

import "time"

// CPUTime is unknown here: it returns 0 and benchmarks report wall-clock
// rates only.
func CPUTime() time.Duration { return 0 }
