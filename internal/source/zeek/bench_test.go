package zeek

import (
	"bytes"
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

type countSink struct{ n, errs int }

func (c *countSink) Event(*event.Event) { c.n++ }
func (c *countSink) Error(error)        { c.errs++ }

func benchDecode(b *testing.B, f source.Format, data []byte) {
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.SetBytes(int64(len(data)))
	var events int
	for b.Loop() {
		c := &countSink{}
		in := &source.Input{Path: "bench", R: &memReader{r: bytes.NewReader(data)}}
		if err := f.Decode(context.Background(), in, c); err != nil || c.errs > 0 {
			b.Fatalf("err %v, %d record errors", err, c.errs)
		}
		events += c.n
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}

// BenchmarkTSV decodes every zed-sample-data TSV log, concatenated.
func BenchmarkTSV(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpora(b), "zeek/zed-sample-data/zeek-default/*.log.gz"))
	var data []byte
	for _, f := range files {
		data = append(data, readMaybeGzip(b, f)...)
	}
	benchDecode(b, Format(), data)
}

// BenchmarkJSON splits, flattens and normalizes the APT29 Zeek JSON.
func BenchmarkJSON(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpora(b), "otrf-apt29/day*_combined_zeek.log"))
	var data []byte
	for _, f := range files {
		data = append(data, readMaybeGzip(b, f)...)
	}
	benchDecode(b, source.JSONFormat([]source.RecordFormat{RecordFormat()}), data)
}

// cpuTime is the CPU time this process has used: the machine is shared, so
// events per CPU second says more than events per wall-clock second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
