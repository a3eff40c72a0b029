package app

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/causeway-soc/causeway/internal/eval"
	"github.com/causeway-soc/causeway/internal/simulate"
	"github.com/causeway-soc/causeway/internal/source"
)

// DemoCampaign is the attack `causeway demo` plays when none is named.
const DemoCampaign = simulate.CampaignPhishing

// DefaultDemoReport is where `causeway demo` writes its report when no
// --report is given.
const DefaultDemoReport = "causeway-demo"

// DemoConfig is what `causeway demo` takes: the pipeline's configuration
// and the simulation it runs on.
type DemoConfig struct {
	Config
	Seed     uint64
	Campaign string // the attack to play; "" is DemoCampaign
	Data     string // keep the simulated telemetry in this directory; "" a temporary one
}

// Demo runs the whole loop on a simulated company: it writes one working
// day of the company's telemetry with one attack campaign in it, reads it
// back, detects, investigates, plans containment and writes the report,
// then scores the incident against the campaign's ground truth.
func Demo(ctx context.Context, cfg DemoConfig, deps Deps) error {
	if cfg.Campaign == "" {
		cfg.Campaign = DemoCampaign
	}
	if cfg.Respond.Mode == "" {
		cfg.Respond.Mode = "plan"
	}
	dir := cfg.Data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "causeway-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	env := simulate.DefaultEnvironment()
	sim, err := simulate.Run(ctx, simulate.Config{Seed: cfg.Seed, Environment: env, Campaigns: []string{cfg.Campaign}}, dir, io.Discard)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(sim.Scenarios) != 1 {
		return fmt.Errorf("demo: campaign %s wrote %d scenarios", cfg.Campaign, len(sim.Scenarios))
	}
	truth, err := eval.Load(sim.Scenarios[0].Path)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if cfg.Output == "text" {
		fmt.Fprintf(deps.Stdout, "Causeway demo: one day of %s (%d people, %d hosts, an AWS account, Okta) with the attack %q in it,\n"+
			"simulated with seed %d: %d events from %s.\n\n",
			env.Name, len(env.Users), len(env.Hosts), cfg.Campaign, cfg.Seed, sim.Events, strings.Join(sourceNames(sim.Sources), ", "))
	}
	cfg.Domains = truth.Domains
	cfg.Year = truth.Year
	a, err := analyze(ctx, cfg.Config, deps, readSimulated(dir))
	if err != nil {
		return err
	}
	if err := present(ctx, cfg.Config, deps, a); err != nil {
		return err
	}
	if cfg.Output == "text" {
		fmt.Fprintln(deps.Stdout)
		fmt.Fprintf(deps.Stdout, "Against the campaign's ground truth (%s):\n", filepath.Base(sim.Scenarios[0].Path))
		if err := eval.WriteText(deps.Stdout, eval.Summarize([]eval.Result{eval.Score(truth, a.Incidents(), a.Lookup)})); err != nil {
			return err
		}
		if cfg.Data != "" {
			fmt.Fprintf(deps.Stdout, "\nTelemetry and ground truth: %s (causeway investigate %s; causeway eval %s)\n", dir, dir, sim.Scenarios[0].Path)
		}
	}
	return nil
}

// sourceNames lists the sources a simulation wrote, most events first.
func sourceNames(counts map[string]int64) []string {
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%s %d", n, counts[n])
	}
	return out
}

// readSimulated reads everything a simulated company logged under dir
// (each source's folder), not only what one campaign's scenario names.
func readSimulated(dir string) input {
	return func(ctx context.Context, w *source.Walker, sink source.Sink) error {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		var inputs []string
		for _, e := range entries {
			if e.IsDir() {
				inputs = append(inputs, filepath.Join(dir, e.Name()))
			}
		}
		return w.Read(ctx, inputs, sink)
	}
}
