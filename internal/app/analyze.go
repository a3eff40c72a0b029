package app

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/causeway-soc/causeway/internal/clock"
	"github.com/causeway-soc/causeway/internal/detect"
	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/investigate"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/report"
	"github.com/causeway-soc/causeway/internal/source"
)

// Analysis is what one run of the pipeline produced.
type Analysis struct {
	Summary  report.Summary
	Findings []finding.Finding
	Graph    *graph.Graph
	// Events are the normalized events by id: the evidence that findings,
	// graph edges and story sentences cite.
	Events map[event.ID]*event.Event
	// Clocks are the network sensors' clock offsets learned from the
	// flows hosts also logged (Config.LearnClocks).
	Clocks []clock.Offset
}

// Incidents returns the incidents found.
func (a *Analysis) Incidents() []incident.Incident { return a.Summary.Incidents }

// Lookup returns an event by id, or nil.
func (a *Analysis) Lookup(id event.ID) *event.Event { return a.Events[id] }

// analyze runs the whole pipeline over the input: read and normalize,
// detect, build the causal graph, investigate.
func analyze(ctx context.Context, cfg Config, deps Deps, read input) (_ *Analysis, err error) {
	if cfg.Output != "text" && cfg.Output != "json" {
		return nil, fmt.Errorf("unknown output %q: want text or json", cfg.Output)
	}
	det, tally, err := loadRules(cfg.Rules)
	if err != nil {
		return nil, err
	}
	rc := ReadConfig{Principals: &event.Principals{Domains: cfg.Domains}, Year: cfg.Year, Now: deps.Now}
	walker := source.NewWalker(source.Config{}, Formats(rc))
	inv := report.NewInventory()
	a := &Analysis{
		Summary: report.Summary{Inventory: inv, Detection: tally},
		Graph:   graph.New(graph.Config{}),
		Events:  map[event.ID]*event.Event{},
	}
	found := func(f finding.Finding) {
		tally.Add(f)
		a.Findings = append(a.Findings, f)
	}
	var events func(*event.Event)
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
		events = w.Write
	}
	process := func(ev *event.Event) {
		a.Events[ev.ID] = ev
		det.Observe(ev, found)
		a.Graph.Add(ev)
		if events != nil {
			events(ev)
		}
	}
	// With clocks to learn, events wait until every flow has been seen.
	var learner *clock.Learner
	var held []*event.Event
	sink := &countingSink{next: inv, keep: func(ev *event.Event) {
		if _, dup := a.Events[ev.ID]; dup {
			return // the same record read twice (an EVTX and its JSON twin)
		}
		if learner == nil {
			process(ev)
			return
		}
		a.Events[ev.ID] = ev
		learner.Observe(ev)
		held = append(held, ev)
	}}
	if cfg.LearnClocks {
		learner = clock.NewLearner(clock.Config{})
	}

	start := deps.Now()
	stop := startProgress(cfg, deps, walker.Stats(), sink, start)
	err = read(ctx, walker, sink)
	stop()
	inv.Finish(walker.Stats(), deps.Now().Sub(start))
	if err != nil {
		return a, err
	}
	if learner != nil {
		a.Clocks = learner.Offsets()
		clock.Apply(held, a.Clocks)
		for _, ev := range held {
			process(ev)
		}
	}
	det.Flush(found)
	tally.Finish()
	a.Graph.Freeze()
	a.Summary.Incidents = investigate.Run(investigate.Config{Curated: builtinRule}, a.Graph, a.Findings, a.Lookup)
	return a, nil
}

// loadRules compiles Causeway's own rules and the Sigma rules under dirs.
// Rules that do not load are reported in the summary; the others run. A
// directory that does not exist is an error.
func loadRules(dirs []string) (*detect.Detector, *report.Detections, error) {
	rs, errs, err := loadRuleset(dirs, true)
	if err != nil {
		return nil, nil, err
	}
	ruleErrs := make([]error, len(errs))
	for i, e := range errs {
		ruleErrs[i] = e
	}
	return detect.New(rs, detect.Config{}), report.NewDetections(len(rs.Rules()), ruleErrs), nil
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
	s.keep(ev)
}
func (s *countingSink) Error(err error) { s.errors.Add(1); s.next.Error(err) }

// builtinRule reports Causeway's own rules, whose ATT&CK tags are curated
// for what each match shows.
func builtinRule(r finding.Rule) bool { return strings.HasPrefix(r.Path, builtinPrefix+"/") }
