package app

import (
	"context"
	"fmt"

	"github.com/causeway-soc/causeway/internal/demo"
)

// Demo runs the whole loop on the data built into the binary: it reads the
// demo company's telemetry from six sources, detects, investigates and
// tells the incident.
func Demo(ctx context.Context, cfg Config, deps Deps) error {
	cfg.Year = demo.Year
	if len(cfg.Domains) == 0 {
		cfg.Domains = demo.Domains
	}
	if cfg.Output == "text" {
		fmt.Fprintln(deps.Stdout, "Causeway demo: the built-in telemetry of a small company under attack.")
		fmt.Fprintln(deps.Stdout)
	}
	a, err := analyze(ctx, cfg, deps, readFS(demo.Data, "."))
	if err != nil {
		return err
	}
	return present(ctx, cfg, deps, a)
}
