package auditd

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

func asError(err error, target **source.Error) bool { return errors.As(err, target) }

// countSink counts what it receives.
type countSink struct{ events, errs int }

func (c *countSink) Event(*event.Event) { c.events++ }
func (c *countSink) Error(error)        { c.errs++ }

var serialRE = regexp.MustCompile(`:(\d+)\)`)

// benchData is the raw izysec logs repeated to about 8 MB, with serials
// renumbered per copy so that every copy is a new set of events.
func benchData(b *testing.B) []byte {
	files, _ := filepath.Glob(filepath.Join(corpora(b), samples, "UC*[0-9].log"))
	var one []byte
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		one = append(one, data...)
	}
	if len(one) == 0 {
		b.Skip("no audit logs in the corpora")
	}
	var out bytes.Buffer
	for i := 0; out.Len() < 8<<20; i++ {
		out.Write(serialRE.ReplaceAllFunc(one, func(m []byte) []byte {
			n, _ := strconv.Atoi(string(m[1 : len(m)-1]))
			return []byte(":" + strconv.Itoa(n+i*100000) + ")")
		}))
	}
	return out.Bytes()
}

// BenchmarkDecode measures decode, assembly and normalization of raw audit
// logs: MB/s, events/s, records (lines)/s and allocations per event.
func BenchmarkDecode(b *testing.B) {
	data := benchData(b)
	lines := bytes.Count(data, []byte("\n"))
	format := Format(nil, Config{Host: "ubuntu"})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	events := 0
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var c countSink
		in := &source.Input{Path: "bench", R: &counter{r: bytes.NewReader(data)}}
		if err := format.Decode(context.Background(), in, &c); err != nil {
			b.Fatal(err)
		}
		events += c.events
	}
	b.StopTimer()
	cpu := (cpuTime() - cpu0).Seconds()
	runtime.ReadMemStats(&ms1)
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(events)/sec, "events/s")
	b.ReportMetric(float64(lines*b.N)/sec, "lines/s")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(events), "allocs/event")
	// On a shared machine wall time depends on the neighbours; CPU time
	// (user + system, GC included) says what the decoder costs.
	b.ReportMetric(float64(events)/cpu, "events/cpu-s")
	b.ReportMetric(float64(lines*b.N)/cpu, "lines/cpu-s")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
