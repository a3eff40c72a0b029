//go:build unix

package evtx

import (
	"syscall"
	"time"
)

// cpuTime is the user+system CPU time of this process, so benchmarks can
// report throughput per CPU second on a shared, busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
