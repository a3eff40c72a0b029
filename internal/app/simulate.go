package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/causeway-soc/causeway/internal/simulate"
)

// SimulateConfig is what `causeway simulate` takes.
type SimulateConfig struct {
	simulate.Config
	Out         string // output directory; must be empty or absent
	Environment string // environment file; "" is the built-in company
	Campaigns   string // comma-separated campaign names; "" runs all, "none" none
	Output      string // summary: text or json
}

// Simulate writes a simulated company's telemetry, with the campaigns'
// ground-truth scenario files, under cfg.Out.
func Simulate(ctx context.Context, cfg SimulateConfig, deps Deps) error {
	if cfg.Out == "" {
		return fmt.Errorf("simulate: name the output directory with --out")
	}
	if cfg.Output != "text" && cfg.Output != "json" {
		return fmt.Errorf("unknown output %q: want text or json", cfg.Output)
	}
	if cfg.Environment != "" {
		env, err := simulate.LoadEnvironment(cfg.Environment)
		if err != nil {
			return err
		}
		cfg.Config.Environment = env
	}
	switch cfg.Campaigns {
	case "":
	case "none":
		cfg.Config.Campaigns = []string{}
	default:
		cfg.Config.Campaigns = strings.Split(cfg.Campaigns, ",")
	}
	var progress io.Writer
	if cfg.Output == "text" {
		progress = deps.Stderr
	}
	sum, err := simulate.Run(ctx, cfg.Config, cfg.Out, progress)
	if err != nil {
		return err
	}
	if cfg.Output == "json" {
		enc := json.NewEncoder(deps.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	fmt.Fprintf(deps.Stdout, "Wrote %d events (%d files, %.1f MiB) from %s to %s under %s\n",
		sum.Events, sum.Files, float64(sum.Bytes)/(1<<20), sum.Start.Format("2006-01-02 15:04"), sum.End.Format("2006-01-02 15:04"), cfg.Out)
	for _, s := range sum.Scenarios {
		fmt.Fprintf(deps.Stdout, "  scenario %s: %s (causeway eval %s)\n", s.Name, s.Path, s.Path)
	}
	return nil
}
