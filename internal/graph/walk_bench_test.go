package graph_test

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
)

// big is the synthetic graph of about 10 million edges: 1,750 hosts of
// 1,000 processes over 30 days. It is built once per test binary, the
// first time a benchmark asks for it, through Add.
var big = sync.OnceValue(func() *bigGraph {
	cfg := synthConfig{hosts: 1750, procs: 1000, sessions: 5, users: 5000, images: 200, popular: 500, days: 30, netLogons: 4}
	var b bigGraph
	began := time.Now()
	heap, v := heapDelta(func() any {
		g, n, wall, cpu := buildSynth(cfg)
		b.events, b.spent, b.cpu = n, wall, cpu
		return g
	})
	b.g, b.heap, b.wall = v.(*graph.Graph), heap, time.Since(began)
	return &b
})

type bigGraph struct {
	g      *graph.Graph
	events int
	spent  time.Duration // in Add and Freeze
	cpu    time.Duration // CPU time in Add and Freeze
	wall   time.Duration // with generating the events
	heap   uint64
}

// BenchmarkBacktrack10M backtracks from random nodes of a graph of about
// 10 million edges, 72 hours back, up to 5,000 nodes, and reports the
// latency percentiles of the queries (wall clock, and CPU time of the
// querying thread) and the graph's size and build rate. Through hubs,
// nearly every walk reaches the 5,000 nodes: the worst case.
func BenchmarkBacktrack10M(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 10-million-edge graph (minutes, 5 GiB resident): not with -short")
	}
	bg := big()
	for _, bc := range []struct {
		name string
		w    graph.Walk
	}{
		{"hubs-stop", graph.Walk{Horizon: 72 * time.Hour, MaxNodes: 5000}},
		{"through-hubs", graph.Walk{Horizon: 72 * time.Hour, MaxNodes: 5000, ThroughHubs: true}},
	} {
		b.Run(bc.name, func(b *testing.B) { backtracks(b, bg, bc.w) })
	}
}

func backtracks(b *testing.B, bg *bigGraph, w graph.Walk) {
	g := bg.g
	rng := rand.New(rand.NewPCG(3, 4))
	var lat, cpuLat []time.Duration
	reachedNodes := 0
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for b.Loop() {
		n := graph.NodeID(rng.IntN(g.Nodes()))
		at := time.Unix(0, g.Node(n).Last)
		began, c := time.Now(), threadCPU()
		rs := g.Backtrack(n, at, w)
		lat, cpuLat = append(lat, time.Since(began)), append(cpuLat, threadCPU()-c)
		reachedNodes += len(rs)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	slices.Sort(lat)
	slices.Sort(cpuLat)
	q := func(ds []time.Duration, p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	b.ReportMetric(ms(q(lat, 0.50)), "p50-ms")
	b.ReportMetric(ms(q(lat, 0.99)), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	if cpuLat[len(cpuLat)-1] > 0 {
		b.ReportMetric(ms(q(cpuLat, 0.50)), "cpu-p50-ms")
		b.ReportMetric(ms(q(cpuLat, 0.99)), "cpu-p99-ms")
	}
	b.ReportMetric(float64(reachedNodes)/float64(len(lat)), "nodes/query")
	b.ReportMetric(float64(g.Edges()), "edges")
	b.ReportMetric(float64(g.Nodes()), "nodes")
	b.ReportMetric(float64(bg.heap)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(bg.heap)/float64(g.Edges()), "B/edge")
	b.ReportMetric(float64(bg.events)/bg.spent.Seconds(), "build-events/s")
	b.ReportMetric(float64(bg.events)/bg.cpu.Seconds(), "build-events/cpu-s")
	b.ReportMetric(float64(g.Edges())/bg.cpu.Seconds(), "build-edges/cpu-s")
	b.ReportMetric(bg.wall.Seconds(), "build-s")
}
