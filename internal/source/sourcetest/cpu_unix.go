//go:build unix

package sourcetest

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time this process has used, user and system, or
// 0 where it is unknown. Benchmarks report rates per CPU second too: on a
// shared machine the wall clock measures the neighbours as much as the code.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
