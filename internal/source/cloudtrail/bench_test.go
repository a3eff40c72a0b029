package cloudtrail

import (
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// BenchmarkNormalize measures flatten + match + normalize over the real
// stratus-red-team records (one record per op is reported as events/s).
func BenchmarkNormalize(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(b), "stratus-red-team", "detonation-logs", "*.json"))
	var raws []string
	size := 0
	for _, path := range files {
		_, rs := readArray(b, path)
		for _, r := range rs {
			raws = append(raws, string(r))
			size += len(r)
		}
	}
	if len(raws) == 0 {
		b.Skip("no records")
	}
	rf := RecordFormat(nil)
	f := jsonrec.NewFlattener()
	b.SetBytes(int64(size / len(raws)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := sourcetest.CPUTime()
	for i := 0; i < b.N; i++ {
		raw := raws[i%len(raws)]
		rec, err := f.Flatten(raw)
		if err != nil {
			b.Fatal(err)
		}
		if !rf.Match(&rec) {
			b.Fatal("no match")
		}
		ev := &event.Event{Source: event.Source{Format: Name}, Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			b.Fatal(err)
		}
	}
	sourcetest.ReportEvents(b, b.N, cpu0)
}
