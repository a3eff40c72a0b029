// Package app is the composition root: the only package that knows every
// concrete reader, stage and backend, and wires them for each command.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/causeway-soc/causeway/internal/report"
	"github.com/causeway-soc/causeway/internal/source"
)

// Config is what the command line sets.
type Config struct {
	Output   string            // "text" or "json"
	Progress string            // "auto", "always" or "never"
	Domains  map[string]string // NetBIOS domain -> DNS suffix, for principal aliases
	Year     int               // year of syslog stamps without one; 0: from the clock
	Rules    []string          // directories of Sigma rules to detect with
	Events   string            // file to write the normalized events to as JSON lines; "-" is Stdout
	Report   string            // directory to write the incident reports to
	Respond  RespondConfig     // containment: plan, monitor or enforce
	// LearnClocks learns each network sensor's clock offset from the flows
	// hosts also logged, and shifts its events onto the hosts' clock.
	LearnClocks bool
}

// Deps are the outside world the app talks to.
type Deps struct {
	Stdout, Stderr io.Writer
	Logger         *slog.Logger
	Now            func() time.Time
	// Terminal reports whether Stderr is a terminal (progress redraws in place).
	Terminal bool
}

// Investigate reads paths, detects, investigates and reports.
func Investigate(ctx context.Context, cfg Config, deps Deps, paths []string) error {
	a, err := analyze(ctx, cfg, deps, func(ctx context.Context, w *source.Walker, sink source.Sink) error {
		return w.Read(ctx, paths, sink)
	})
	if err != nil {
		return err
	}
	return present(ctx, cfg, deps, a)
}

// input runs a walker over some inputs.
type input func(ctx context.Context, w *source.Walker, sink source.Sink) error

// present contains what was found when asked, then writes the analysis:
// the summary on stdout, the report files when asked.
func present(ctx context.Context, cfg Config, deps Deps, a *Analysis) error {
	plans, err := contain(ctx, cfg.Respond, deps, a)
	if err != nil {
		return err
	}
	a.Summary.Plans = plans
	for _, p := range plans {
		a.Summary.Actions = append(a.Summary.Actions, p.Actions...)
	}
	if cfg.Report != "" {
		if err := writeReport(cfg.Report, a); err != nil {
			return err
		}
	}
	if cfg.Output == "json" {
		return report.WriteSummaryJSON(deps.Stdout, a.Summary)
	}
	if err := report.WriteSummaryText(deps.Stdout, a.Summary); err != nil {
		return err
	}
	if len(a.Clocks) > 0 {
		fmt.Fprintln(deps.Stdout)
	}
	for _, o := range a.Clocks {
		fmt.Fprintf(deps.Stdout, "Clock of %s\n", o)
	}
	if cfg.Report != "" {
		fmt.Fprintf(deps.Stdout, "\nReport: %s\n", filepath.Join(cfg.Report, "index.html"))
	}
	return nil
}
