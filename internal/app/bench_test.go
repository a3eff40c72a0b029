package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// BenchmarkIngest reads real corpus files end to end (decompression,
// sniffing, splitting, decoding, normalizing) with every reader registered,
// as "causeway investigate" does.
func BenchmarkIngest(b *testing.B) {
	root := corpora(b)
	for _, bc := range []struct{ name, path string }{
		{"winjson-nxlog", "otrf-compound/LSASS_campaign_01/metasploit_logonpasswords_lsass_memory_dump.zip"},
		{"evtx", "evtx-attack-samples"},
		{"cloudtrail", "stratus-red-team/detonation-logs"},
		{"zeek-tsv", "otrf-apt29/day1_combined_zeek.log"},
		{"okta-entra-m365-k8s", "panther/rule_tests"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(root, bc.path)
			if _, err := os.Stat(path); err != nil {
				b.Skip(err)
			}
			var events, bytes int64
			for b.Loop() {
				var sink countSink
				w := source.NewWalker(source.Config{}, Formats(ReadConfig{Principals: &event.Principals{}, Now: time.Now}))
				if err := w.Read(context.Background(), []string{path}, &sink); err != nil {
					b.Fatal(err)
				}
				events += sink.n
				bytes += w.Stats().Bytes.Load()
			}
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(bytes)/b.Elapsed().Seconds()/(1<<20), "inMB/s")
		})
	}
}

type countSink struct{ n int64 }

func (c *countSink) Event(*event.Event) { c.n++ }
func (c *countSink) Error(error)        {}
