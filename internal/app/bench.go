package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/investigate"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/simulate"
	"github.com/causeway-soc/causeway/internal/source"
)

// BenchConfig is what `causeway bench` takes.
type BenchConfig struct {
	Seed     uint64
	Duration time.Duration // simulated period
	Rate     float64       // scale of the simulated background
	Rules    []string      // Sigma rule directories besides the built-in pack
	Output   string
	Dir      string // where to simulate; "" is a temporary directory, removed after
}

// BenchStage is one stage's figures.
type BenchStage struct {
	Name         string  `json:"name"`
	Events       int64   `json:"events"`
	Seconds      float64 `json:"seconds"`
	EventsPerSec float64 `json:"events_per_sec"`
	// P50, P99 and P999 are per-event latencies in microseconds, where the
	// stage handles events one at a time.
	P50  float64 `json:"p50_us,omitempty"`
	P99  float64 `json:"p99_us,omitempty"`
	P999 float64 `json:"p999_us,omitempty"`
	Note string  `json:"note,omitempty"`
}

// BenchReport is what `causeway bench` prints.
type BenchReport struct {
	Events      int64        `json:"events"`
	Bytes       int64        `json:"bytes"`
	Findings    int          `json:"findings"`
	Incidents   int          `json:"incidents"`
	Edges       int          `json:"edges"`
	Stages      []BenchStage `json:"stages"`
	PeakRSSMiB  float64      `json:"peak_rss_mib"`
	GoMaxProcs  int          `json:"gomaxprocs"`
	CPUs        int          `json:"cpus"`
	GoVersion   string       `json:"go_version"`
	EndToEndSec float64      `json:"end_to_end_seconds"`
}

// Bench simulates a company and measures each stage of the pipeline on
// its telemetry: simulation, reading, detection, the causal graph and the
// investigation, with per-event latency percentiles and peak memory.
func Bench(ctx context.Context, cfg BenchConfig, deps Deps) error {
	if cfg.Output != "text" && cfg.Output != "json" {
		return fmt.Errorf("unknown output %q: want text or json", cfg.Output)
	}
	dir := cfg.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "causeway-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp + "/sim"
	}
	rep := BenchReport{GoMaxProcs: runtime.GOMAXPROCS(0), CPUs: runtime.NumCPU(), GoVersion: runtime.Version()}
	total := time.Now()

	start := time.Now()
	sum, err := simulate.Run(ctx, simulate.Config{Seed: cfg.Seed, Duration: cfg.Duration, Rate: cfg.Rate}, dir, nil)
	if err != nil {
		return err
	}
	rep.Events, rep.Bytes = sum.Events, sum.Bytes
	rep.Stages = append(rep.Stages, stage("simulate", sum.Events, time.Since(start), nil, "telemetry in native formats, written to disk"))

	// Read: every event kept for the later stages.
	var events []*event.Event
	start = time.Now()
	w := source.NewWalker(source.Config{}, Formats(ReadConfig{Principals: &event.Principals{}, Now: deps.Now}))
	sink := &sampleSink{}
	if err := w.Read(ctx, []string{dir}, sink); err != nil {
		return err
	}
	events = sink.events
	note := "walk, decompress, sniff, decode, normalize"
	if len(sink.errs) > 0 {
		note += fmt.Sprintf("; %d read errors", len(sink.errs))
	}
	rep.Stages = append(rep.Stages, stage("read", int64(len(events)), time.Since(start), nil, note))

	det, _, err := loadRules(cfg.Rules)
	if err != nil {
		return err
	}
	var findings []finding.Finding
	found := func(f finding.Finding) { findings = append(findings, f) }
	lat := make([]time.Duration, 0, len(events)/16+1)
	start = time.Now()
	for i, ev := range events {
		if i%16 == 0 {
			t := time.Now()
			det.Observe(ev, found)
			lat = append(lat, time.Since(t))
			continue
		}
		det.Observe(ev, found)
	}
	det.Flush(found)
	rep.Findings = len(findings)
	rep.Stages = append(rep.Stages, stage("detect", int64(len(events)), time.Since(start), lat, "Sigma rules and correlations; latency sampled on every 16th event"))

	g := graph.New(graph.Config{})
	lat = lat[:0]
	start = time.Now()
	for i, ev := range events {
		if i%16 == 0 {
			t := time.Now()
			g.Add(ev)
			lat = append(lat, time.Since(t))
			continue
		}
		g.Add(ev)
	}
	g.Freeze()
	rep.Edges = g.Edges()
	rep.Stages = append(rep.Stages, stage("graph", int64(len(events)), time.Since(start), lat, "Add every event, then Freeze"))

	byID := make(map[event.ID]*event.Event, len(events))
	for _, ev := range events {
		byID[ev.ID] = ev
	}
	start = time.Now()
	incs := investigate.Run(investigate.Config{}, g, findings, func(id event.ID) *event.Event { return byID[id] })
	rep.Incidents = len(incs)
	rep.Stages = append(rep.Stages, stage("investigate", int64(len(findings)), time.Since(start), nil, "findings joined, explained and told"))
	rep.EndToEndSec = time.Since(total).Seconds()
	rep.PeakRSSMiB = peakRSSMiB()

	if cfg.Output == "json" {
		enc := json.NewEncoder(deps.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeBench(deps, rep)
}

func stage(name string, n int64, d time.Duration, lat []time.Duration, note string) BenchStage {
	s := BenchStage{Name: name, Events: n, Seconds: d.Seconds(), Note: note}
	if d > 0 {
		s.EventsPerSec = float64(n) / d.Seconds()
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		pct := func(p float64) float64 {
			return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Nanoseconds()) / 1000
		}
		s.P50, s.P99, s.P999 = pct(0.50), pct(0.99), pct(0.999)
	}
	return s
}

func writeBench(deps Deps, rep BenchReport) error {
	fmt.Fprintf(deps.Stdout, "%d events (%.1f MiB) simulated; %d findings, %d incidents, %d graph edges\n\n",
		rep.Events, float64(rep.Bytes)/(1<<20), rep.Findings, rep.Incidents, rep.Edges)
	tw := tabwriter.NewWriter(deps.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\titems\tseconds\titems/s\tp50 µs\tp99 µs\tp99.9 µs\t")
	for _, s := range rep.Stages {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%s\t%s\t%s\t\n", s.Name, s.Events, s.Seconds, s.EventsPerSec, micro(s.P50), micro(s.P99), micro(s.P999))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(deps.Stdout, "\nend to end %.1f s, peak resident memory %.0f MiB, %d CPUs (GOMAXPROCS %d), %s\n",
		rep.EndToEndSec, rep.PeakRSSMiB, rep.CPUs, rep.GoMaxProcs, rep.GoVersion)
	return err
}

func micro(v float64) string {
	if v == 0 {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// peakRSSMiB reads the process's peak resident memory (Linux); 0 elsewhere.
func peakRSSMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}
