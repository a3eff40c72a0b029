package simulate_test

import (
	"context"
	"flag"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate"
)

// BenchmarkSimulate simulates a working day of the default company (about
// 70,000 events) per iteration and reports the rate.
func BenchmarkSimulate(b *testing.B) {
	var events, bytes int64
	start := time.Now()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		sum, err := simulate.Run(context.Background(), simulate.Config{Seed: uint64(i)}, dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		events += sum.Events
		bytes += sum.Bytes
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(events)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(bytes)/float64(events), "bytes/event")
}

var large = flag.Bool("large", false, "run TestLarge: simulate ten million events")

// TestLarge simulates a week of the default company at fifty times its
// usual rate, about twenty million events, to show that memory stays
// bounded.
// Measure it with
//
//	go test -c -o /tmp/simulate.test ./internal/simulate
//	/usr/bin/time -v /tmp/simulate.test -test.run TestLarge -test.v -large
//
// (the output, about 9 GB, goes to a temporary directory and is removed).
func TestLarge(t *testing.T) {
	if !*large {
		t.Skip("run with -large")
	}
	dir := t.TempDir()
	cfg := simulate.Config{Seed: 1, Rate: 50, Duration: 7 * 24 * time.Hour}
	start := time.Now()
	sum, err := simulate.Run(context.Background(), cfg, dir, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d events, %d bytes in %d files in %s: %.0f events/s; Go heap high-water %d MiB (HeapSys), %d GC cycles",
		sum.Events, sum.Bytes, sum.Files, elapsed.Round(time.Second), float64(sum.Events)/elapsed.Seconds(), ms.HeapSys>>20, ms.NumGC)
	if sum.Events < 10_000_000 {
		t.Errorf("simulated %d events, want at least ten million", sum.Events)
	}
}
