package graph_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/catalog"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// lsass01 is LSASS campaign 01 of the OTRF compound corpus: 102 MB of
// nxlog JSON (Sysmon, Security, PowerShell and more) in one zip.
const lsass01 = "otrf-compound/LSASS_campaign_01/metasploit_logonpasswords_lsass_memory_dump.zip"

// readCorpus reads a corpus file with every reader, as the app does, or
// skips without the corpora.
func readCorpus(tb testing.TB, rel string) []*event.Event {
	tb.Helper()
	path := filepath.Join(sourcetest.Corpora(tb), rel)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("corpus file missing: %v", err)
	}
	rc := catalog.Config{Principals: &event.Principals{Domains: map[string]string{"PANDALAB": "pandalab.com"}}, Now: time.Now}
	s := sourcetest.Walk(tb, catalog.Formats(rc), path)
	if len(s.Events) == 0 {
		tb.Fatalf("no events in %s (%d errors)", path, len(s.Errs))
	}
	return s.Events
}

func buildAll(evs []*event.Event) *graph.Graph {
	g := graph.New(graph.Config{})
	for _, ev := range evs {
		g.Add(ev)
	}
	g.Freeze()
	return g
}

// heapDelta returns the live heap f adds, after collections before and
// after, with what f returns kept alive until measured.
func heapDelta(f func() any) (uint64, any) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := f()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return after.HeapAlloc - before.HeapAlloc, v
}

// BenchmarkBuild builds the causal graph of LSASS campaign 01 (Add of
// every event, then Freeze) on events read once with the real readers.
// B/edge is the live heap the graph adds per edge; the events themselves,
// whose entity ids the nodes share, are not counted.
func BenchmarkBuild(b *testing.B) {
	evs := readCorpus(b, lsass01)
	heap, v := heapDelta(func() any { return buildAll(evs) })
	g := v.(*graph.Graph)
	cpu := sourcetest.CPUTime()
	for b.Loop() {
		buildAll(evs)
	}
	cpu = sourcetest.CPUTime() - cpu
	n := float64(len(evs)) * float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(n/cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(float64(heap)/float64(g.Edges()), "B/edge")
	b.ReportMetric(float64(len(evs)), "events")
	b.ReportMetric(float64(g.Edges()), "edges")
	b.ReportMetric(float64(g.Nodes()), "nodes")
}
