package zeek

import (
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func benchDecode(b *testing.B, f source.Format, data []byte) {
	st := sourcetest.BenchmarkFormat(b, f, data)
	if st.Errs > 0 {
		b.Fatalf("%d record errors", st.Errs)
	}
	b.ReportMetric(float64(st.Events)/float64(b.N), "events/op")
}

// BenchmarkTSV decodes every zed-sample-data TSV log, concatenated.
func BenchmarkTSV(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(b), "zeek/zed-sample-data/zeek-default/*.log.gz"))
	var data []byte
	for _, f := range files {
		data = append(data, readMaybeGzip(b, f)...)
	}
	benchDecode(b, Format(), data)
}

// BenchmarkJSON splits, flattens and normalizes the APT29 Zeek JSON.
func BenchmarkJSON(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(b), "otrf-apt29/day*_combined_zeek.log"))
	var data []byte
	for _, f := range files {
		data = append(data, readMaybeGzip(b, f)...)
	}
	benchDecode(b, source.JSONFormat([]source.RecordFormat{RecordFormat()}), data)
}
