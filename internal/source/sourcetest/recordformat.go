package sourcetest

import (
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// FuzzRecordFormat fuzzes rf with JSON text seeded from seeds: any record
// that flattens goes to Normalize, which must not panic, and an event it
// makes must pass CheckEvent. With mustAccept, a record that Match accepts
// must also normalize without error.
func FuzzRecordFormat(f *testing.F, rf source.RecordFormat, mustAccept bool, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		rec, err := jsonrec.NewFlattener().Flatten(raw)
		if err != nil {
			return
		}
		matched := rf.Match(&rec)
		ev := &event.Event{Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			if matched && mustAccept {
				t.Fatalf("matching record rejected: %v", err)
			}
			return
		}
		CheckEvent(t, ev)
	})
}

// BenchmarkRecords measures flattening, matching and normalizing raws in
// turn, each with the first of formats that matches it, as the JSON
// decoder does. A record that matches none or does not normalize fails
// the benchmark. It reports the mean record size as bytes per op,
// allocations, and events per second and per CPU second.
func BenchmarkRecords(b *testing.B, formats []source.RecordFormat, raws []string) {
	if len(raws) == 0 {
		b.Skip("no records")
	}
	var size int64
	for _, r := range raws {
		size += int64(len(r))
	}
	fl := jsonrec.NewFlattener()
	b.SetBytes(size / int64(len(raws)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := CPUTime()
	for i := 0; i < b.N; i++ {
		rec, err := fl.Flatten(raws[i%len(raws)])
		if err != nil {
			b.Fatalf("record %d: %v", i%len(raws), err)
		}
		f := match(formats, &rec)
		if f == nil {
			b.Fatalf("record %d matches no format", i%len(raws))
		}
		ev := &event.Event{Fields: rec.Fields}
		if err := f.Normalize(&rec, ev); err != nil {
			b.Fatalf("record %d: %v", i%len(raws), err)
		}
	}
	ReportEvents(b, b.N, cpu0)
}

func match(formats []source.RecordFormat, rec *jsonrec.Record) *source.RecordFormat {
	for i := range formats {
		if formats[i].Match(rec) {
			return &formats[i]
		}
	}
	return nil
}
