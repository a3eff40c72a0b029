// Package app is the composition root: the only package that knows every
// concrete reader, stage and backend, and wires them for each command.
package app

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/causeway-soc/causeway/internal/detect"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/report"
	"github.com/causeway-soc/causeway/internal/sigma"
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
}

// Deps are the outside world the app talks to.
type Deps struct {
	Stdout, Stderr io.Writer
	Logger         *slog.Logger
	Now            func() time.Time
	// Terminal reports whether Stderr is a terminal (progress redraws in place).
	Terminal bool
}

// Investigate reads paths and reports what was read.
func Investigate(ctx context.Context, cfg Config, deps Deps, paths []string) error {
	return investigate(ctx, cfg, deps, func(ctx context.Context, w *source.Walker, sink source.Sink) error {
		return w.Read(ctx, paths, sink)
	})
}

// input runs a walker over some inputs.
type input func(ctx context.Context, w *source.Walker, sink source.Sink) error

func investigate(ctx context.Context, cfg Config, deps Deps, read input) error {
	_, err := readAll(ctx, cfg, deps, read, nil)
	return err
}

// readAll reads the input, reports what was read, and hands every event to
// keep (when not nil).
func readAll(ctx context.Context, cfg Config, deps Deps, read input, keep func(*event.Event)) (_ *report.Inventory, err error) {
	if cfg.Output != "text" && cfg.Output != "json" {
		return nil, fmt.Errorf("unknown output %q: want text or json", cfg.Output)
	}
	rc := ReadConfig{Principals: &event.Principals{Domains: cfg.Domains}, Year: cfg.Year, Now: deps.Now}
	walker := source.NewWalker(source.Config{}, Formats(rc))
	inv := report.NewInventory()
	sum := report.Summary{Inventory: inv}
	if len(cfg.Rules) > 0 {
		det, tally, err := loadRules(cfg.Rules)
		if err != nil {
			return nil, err
		}
		sum.Detection = tally
		next := keep
		keep = func(ev *event.Event) {
			det.Observe(ev, tally.Add)
			if next != nil {
				next(ev)
			}
		}
	}
	if cfg.Events != "" {
		w, closeEvents, err := eventsWriter(cfg.Events, deps.Stdout)
		if err != nil {
			return nil, err
		}
		defer func() {
			if cerr := closeEvents(); err == nil {
				err = cerr
			}
		}()
		next := keep
		keep = func(ev *event.Event) {
			w.Write(ev)
			if next != nil {
				next(ev)
			}
		}
	}
	sink := &countingSink{next: inv, keep: keep}

	start := deps.Now()
	stop := startProgress(cfg, deps, walker.Stats(), sink, start)
	err = read(ctx, walker, sink)
	stop()
	inv.Finish(walker.Stats(), deps.Now().Sub(start))
	if sum.Detection != nil {
		sum.Detection.Finish()
	}
	if err != nil {
		return inv, err
	}
	if cfg.Output == "json" {
		return inv, report.WriteSummaryJSON(deps.Stdout, sum)
	}
	return inv, report.WriteSummaryText(deps.Stdout, sum)
}

// loadRules compiles the Sigma rules under dirs. Rules that do not load are
// reported in the summary; the others run. A directory that does not exist
// is an error.
func loadRules(dirs []string) (*detect.Detector, *report.Detections, error) {
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return nil, nil, fmt.Errorf("rules: %q is not a directory", d)
		}
	}
	rs, errs := sigma.LoadDirs(sigma.Config{}, dirs...)
	if rs == nil {
		return nil, nil, fmt.Errorf("loading rules: %v", errs)
	}
	ruleErrs := make([]error, len(errs))
	for i, e := range errs {
		ruleErrs[i] = e
	}
	return detect.New(rs), report.NewDetections(len(rs.Rules()), ruleErrs), nil
}

// countingSink counts for the progress display, which reads the counters
// from another goroutine, and passes everything on.
type countingSink struct {
	next           source.Sink
	keep           func(*event.Event)
	events, errors atomic.Int64
}

func (s *countingSink) Event(ev *event.Event) {
	s.events.Add(1)
	s.next.Event(ev)
	if s.keep != nil {
		s.keep(ev)
	}
}
func (s *countingSink) Error(err error) { s.errors.Add(1); s.next.Error(err) }

// readFS adapts an embedded file system to an input.
func readFS(fsys fs.FS, root string) input {
	return func(ctx context.Context, w *source.Walker, sink source.Sink) error {
		return w.ReadFS(ctx, fsys, root, sink)
	}
}
