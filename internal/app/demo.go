package app

import (
	"context"
	"fmt"

	"github.com/causeway-soc/causeway/internal/demo"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/report"
)

// Demo runs the whole loop on the data built into the binary: today it
// reads the demo company's telemetry from six sources and shows the
// normalized events with their entities.
func Demo(ctx context.Context, cfg Config, deps Deps) error {
	cfg.Year = demo.Year
	if len(cfg.Domains) == 0 {
		cfg.Domains = demo.Domains
	}
	if cfg.Output == "text" {
		fmt.Fprintln(deps.Stdout, "Causeway demo: the built-in telemetry of a small company under attack.")
		fmt.Fprintln(deps.Stdout)
	}
	var events []*event.Event
	if _, err := readAll(ctx, cfg, deps, readFS(demo.Data, "."), func(ev *event.Event) { events = append(events, ev) }); err != nil {
		return err
	}
	if cfg.Output != "text" {
		return nil
	}
	fmt.Fprintln(deps.Stdout, "\nEvents, normalized across sources (entities by role):")
	return report.WriteEventsText(deps.Stdout, events)
}
