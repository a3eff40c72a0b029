package winjson_test

import (
	"archive/zip"
	"bytes"
	"io"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/internal/source/winjson"
)

// zipMember reads the first JSON member of a zip archive.
func zipMember(tb testing.TB, path string, max int64) []byte {
	tb.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if filepath.Ext(f.Name) != ".json" || filepath.Base(filepath.Dir(f.Name)) == "__MACOSX" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, max))
		if err != nil {
			tb.Fatal(err)
		}
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			data = data[:i+1]
		}
		return data
	}
	tb.Fatalf("%s: no JSON member", path)
	return nil
}

// benchFiles are real host logs in the two nxlog generations: without
// record ids (the event id hashes the raw record) and with them.
var benchFiles = []struct{ name, path string }{
	{"lsass03", "otrf-compound/LSASS_campaign_03/metasploit_comsvcs_lsass_memory_dump.zip"},
	{"dcsync", "otrf/datasets/atomic/windows/credential_access/host/empire_dcsync_dcerpc_drsuapi_DsGetNCChanges.zip"},
}

// BenchmarkDecodeNormalize splits, flattens, matches and normalizes the
// first 32 MiB of real host logs (nxlog JSON lines: Sysmon, Security,
// System, PowerShell), the whole JSON path.
func BenchmarkDecodeNormalize(b *testing.B) {
	for _, bf := range benchFiles {
		b.Run(bf.name, func(b *testing.B) {
			data := zipMember(b, filepath.Join(corpora(b), bf.path), 32<<20)
			f := source.JSONFormat(winjson.RecordFormats(newNormalizer()))
			var total int
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := sourcetest.CPUTime()
			for i := 0; i < b.N; i++ {
				var sink sourcetest.Counter
				if err := sourcetest.Run(f, "bench", data, &sink); err != nil {
					b.Fatal(err)
				}
				if sink.Errs != 0 {
					b.Fatalf("%d errors", sink.Errs)
				}
				total += sink.Events
			}
			cpu = sourcetest.CPUTime() - cpu
			b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(total)/cpu.Seconds(), "events/cpu-s")
			b.ReportMetric(float64(b.N)*float64(len(data))/cpu.Seconds()/1e6, "MB/cpu-s")
			b.ReportMetric(float64(total)/float64(b.N), "events/op")
		})
	}
}

// BenchmarkNormalize measures this package alone: matching and normalizing
// records already split and flattened (the same 32 MiB).
func BenchmarkNormalize(b *testing.B) {
	for _, bf := range benchFiles {
		b.Run(bf.name, func(b *testing.B) {
			data := zipMember(b, filepath.Join(corpora(b), bf.path), 32<<20)
			fl := jsonrec.NewFlattener()
			var recs []jsonrec.Record
			for _, line := range bytes.Split(data, []byte("\n")) {
				if len(bytes.TrimSpace(line)) == 0 {
					continue
				}
				r, err := fl.Flatten(string(line))
				if err != nil {
					b.Fatal(err)
				}
				recs = append(recs, r)
			}
			formats := winjson.RecordFormats(newNormalizer())
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := sourcetest.CPUTime()
			for i := 0; i < b.N; i++ {
				for j := range recs {
					r := &recs[j]
					for k := range formats {
						if !formats[k].Match(r) {
							continue
						}
						ev := &event.Event{Fields: r.Fields}
						if err := formats[k].Normalize(r, ev); err != nil {
							b.Fatal(err)
						}
						break
					}
				}
			}
			cpu = sourcetest.CPUTime() - cpu
			n := float64(b.N) * float64(len(recs))
			b.ReportMetric(n/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(n/cpu.Seconds(), "events/cpu-s")
			b.ReportMetric(float64(b.N)*float64(len(data))/cpu.Seconds()/1e6, "MB/cpu-s")
			b.ReportMetric(float64(len(recs)), "events/op")
		})
	}
}
