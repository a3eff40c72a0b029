//go:build unix

package vpcflow

import "syscall"

// cpuSeconds is the CPU time this process has used. Benchmarks report
// events per CPU second beside events per wall second, which a shared,
// loaded machine makes meaningless.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
