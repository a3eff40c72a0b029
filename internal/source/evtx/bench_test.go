package evtx

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// BenchmarkDecode measures decode+normalize of real files, one core:
//
//	go test -run=^$ -bench=BenchmarkDecode -benchmem -cpu 1 ./internal/source/evtx
func BenchmarkDecode(b *testing.B) {
	files := []struct{ name, path string }{
		{"sysmon", "evtx-attack-samples/Privilege Escalation/Sysmon_UACME_64.evtx"},
		{"security", "evtx-attack-samples/Lateral Movement/LM_5145_Remote_FileCopy.evtx"},
		{"bits", "evtx-attack-samples/Command and Control/bits_openvpn.evtx"},
	}
	root := sourcetest.Corpora(b)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.path)))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f.name, func(b *testing.B) {
			c, err := decodeBytes(b, f.path, data, false)
			if err != nil || len(c.errs) > 0 || c.count == 0 {
				b.Fatalf("decoding %s: %v %v", f.path, err, c.errs)
			}
			records := c.count
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cpu := sourcetest.CPUTime()
			b.ResetTimer()
			for b.Loop() {
				if _, err := decodeBytes(b, f.path, data, false); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu = sourcetest.CPUTime() - cpu
			runtime.ReadMemStats(&after)
			n := float64(b.N) * float64(records)
			b.ReportMetric(n/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/event")
			if cpu > 0 {
				// Wall time on a shared machine counts other processes' work;
				// this counts ours only (GC included).
				b.ReportMetric(n/cpu.Seconds(), "events/cpu-s")
			}
		})
	}
}
