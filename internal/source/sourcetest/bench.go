package sourcetest

import (
	"runtime"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/source"
)

// ReportRates reports n units (events, records, lines) per wall-clock
// second as "<unit>/s" and, where the CPU clock is known, per CPU second
// since cpu0 (a CPUTime reading taken before the loop) as "<unit>/cpu-s".
func ReportRates(b *testing.B, n int, unit string, cpu0 time.Duration) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n)/s, unit+"/s")
	}
	if d := CPUTime() - cpu0; cpu0 > 0 && d > 0 {
		b.ReportMetric(float64(n)/d.Seconds(), unit+"/cpu-s")
	}
}

// ReportEvents reports n events per second and per CPU second.
func ReportEvents(b *testing.B, n int, cpu0 time.Duration) {
	ReportRates(b, n, "events", cpu0)
}

// DecodeStats is what BenchmarkFormat counted over all its passes.
type DecodeStats struct {
	Events, Errs int
	CPU0         time.Duration // CPUTime before the first pass, for ReportRates
}

// BenchmarkFormat decodes data with f b.N times. It reports bytes per
// second, allocations, events per second and per CPU second, and
// allocations per event, and returns the counts so that a caller can check
// them and report more (lines/s). A stream-level error fails the
// benchmark; record errors are only counted.
func BenchmarkFormat(b *testing.B, f source.Format, data []byte) DecodeStats {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	st := DecodeStats{CPU0: CPUTime()}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var c Counter
		if err := Run(f, "bench", data, &c); err != nil {
			b.Fatal(err)
		}
		st.Events += c.Events
		st.Errs += c.Errs
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	ReportEvents(b, st.Events, st.CPU0)
	if st.Events > 0 {
		b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(st.Events), "allocs/event")
	}
	return st
}
