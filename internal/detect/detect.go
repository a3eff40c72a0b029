// Package detect is the detection stage: it runs the rules over normalized
// events and turns their verdicts into findings. Today its analytics are
// Sigma rules and Sigma correlations; baselines and threat intelligence join
// here.
package detect

import (
	"container/heap"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/sigma"
)

// Config tunes the detector.
type Config struct {
	// Lateness is how far out of time order events may arrive and still
	// meet the correlations they belong to. Matches that feed correlation
	// rules wait this long (in event time) before the correlator sees them
	// in time order. 0 holds them until Flush: right for a batch of files,
	// which arrive in no particular order.
	Lateness time.Duration
}

// Detector matches events against a Sigma ruleset and its correlations. It
// keeps per-event scratch space and correlation state: use one Detector per
// stream, from one goroutine.
type Detector struct {
	cfg   Config
	m     *sigma.Matcher
	corr  *sigma.Correlator // nil without correlation rules
	feeds map[*sigma.Rule]bool
	rules map[*sigma.Rule]finding.Rule
	corrs map[*sigma.Correlation]finding.Rule

	pending  pendingHeap // matches waiting for the correlator, oldest first
	seq      int
	newest   time.Time                 // newest event time seen
	evidence map[event.ID]*event.Event // events in open correlation windows
	arrived  []*event.Event            // the same, oldest first from head
	head     int
	horizon  time.Duration // longest correlation timespan
}

// New returns a Detector over rs.
func New(rs *sigma.Ruleset, cfg Config) *Detector {
	d := &Detector{
		cfg:   cfg,
		m:     rs.NewMatcher(),
		feeds: map[*sigma.Rule]bool{},
		rules: map[*sigma.Rule]finding.Rule{},
		corrs: map[*sigma.Correlation]finding.Rule{},
	}
	if cs := rs.Correlations(); len(cs) > 0 {
		d.corr = rs.NewCorrelator()
		d.evidence = map[event.ID]*event.Event{}
		for _, c := range cs {
			d.horizon = max(d.horizon, c.Timespan)
		}
		for _, r := range rs.CorrelationInputs() {
			d.feeds[r] = true
		}
	}
	return d
}

// Observe matches ev and emits a finding for every rule that fires on it.
// Rules that only feed a correlation (without generate: true) do not emit.
// Correlation findings are emitted once the correlator has seen the
// matches in time order: here, when Lateness allows, or from Flush.
func (d *Detector) Observe(ev *event.Event, emit func(finding.Finding)) {
	d.m.Match(ev, func(r *sigma.Rule) {
		if !r.CorrelationOnly {
			emit(finding.New(d.rule(r), ev))
		}
		if d.feeds[r] {
			heap.Push(&d.pending, pendingMatch{ev: ev, rule: r, seq: d.seq})
			d.seq++
		}
	})
	if d.corr == nil || d.cfg.Lateness == 0 {
		return
	}
	if ev.Time.After(d.newest) {
		d.newest = ev.Time
	}
	d.drain(d.newest.Add(-d.cfg.Lateness), emit)
}

// Flush runs the correlator over every match still waiting and closes all
// windows. Call it at the end of a stream.
func (d *Detector) Flush(emit func(finding.Finding)) {
	if d.corr == nil {
		return
	}
	d.drain(time.Time{}, emit)
	d.corr.Advance(time.Unix(1<<40, 0), func(h *sigma.CorrelationHit) { emit(d.correlationFinding(h)) })
	clear(d.evidence)
	clear(d.arrived)
	d.arrived, d.head = d.arrived[:0], 0
}

// drain feeds the correlator the waiting matches older than until (all of
// them when until is zero), in time order.
func (d *Detector) drain(until time.Time, emit func(finding.Finding)) {
	hit := func(h *sigma.CorrelationHit) { emit(d.correlationFinding(h)) }
	for d.pending.Len() > 0 {
		p := d.pending[0]
		if !until.IsZero() && !p.ev.Time.Before(until) {
			break
		}
		heap.Pop(&d.pending)
		d.corr.Advance(p.ev.Time, hit)
		if _, ok := d.evidence[p.ev.ID]; !ok {
			d.evidence[p.ev.ID] = p.ev
			d.arrived = append(d.arrived, p.ev)
		}
		d.corr.Observe(p.ev, p.rule, hit)
		d.forget(p.ev.Time)
	}
}

// forget drops evidence that no open window can still cite. Evidence
// arrives in time order, so the oldest is at the front.
func (d *Detector) forget(now time.Time) {
	cut := now.Add(-d.horizon)
	for d.head < len(d.arrived) && d.arrived[d.head].Time.Before(cut) {
		delete(d.evidence, d.arrived[d.head].ID)
		d.arrived[d.head] = nil
		d.head++
	}
	if d.head > 1024 && d.head > len(d.arrived)/2 {
		d.arrived = append(d.arrived[:0], d.arrived[d.head:]...)
		d.head = 0
	}
}

// rule converts a Sigma rule to a finding's rule once.
func (d *Detector) rule(r *sigma.Rule) finding.Rule {
	if fr, ok := d.rules[r]; ok {
		return fr
	}
	fr := findingRule(r.ID, r.Title, r.Level, r.Status, r.Path, r.Tags)
	d.rules[r] = fr
	return fr
}

// correlationFinding turns a correlation hit into a finding whose evidence
// is every event in the window.
func (d *Detector) correlationFinding(h *sigma.CorrelationHit) finding.Finding {
	c := h.Correlation
	fr, ok := d.corrs[c]
	if !ok {
		fr = findingRule(c.ID, c.Title, c.Level, c.Status, c.Path, c.Tags)
		d.corrs[c] = fr
	}
	evs := make([]*event.Event, 0, len(h.Events))
	for _, id := range h.Events {
		if ev := d.evidence[id]; ev != nil {
			evs = append(evs, ev)
		}
	}
	f := finding.New(fr, evs...)
	if len(evs) < len(h.Events) { // evidence already forgotten: keep the ids
		f.Events = h.Events
	}
	if f.Time.IsZero() {
		f.Time = h.Last
	}
	return f
}

func findingRule(id, title, level, status, path string, tags []string) finding.Rule {
	tech, tact := finding.ParseTags(tags)
	return finding.Rule{ID: id, Title: title, Level: level, Status: status, Techniques: tech, Tactics: tact, Path: path}
}

// pendingMatch is a rule match waiting for the correlator.
type pendingMatch struct {
	ev   *event.Event
	rule *sigma.Rule
	seq  int // arrival order, to keep equal times stable
}

type pendingHeap []pendingMatch

func (h pendingHeap) Len() int { return len(h) }
func (h pendingHeap) Less(i, j int) bool {
	if !h[i].ev.Time.Equal(h[j].ev.Time) {
		return h[i].ev.Time.Before(h[j].ev.Time)
	}
	return h[i].seq < h[j].seq
}
func (h pendingHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pendingHeap) Push(x any)   { *h = append(*h, x.(pendingMatch)) }
func (h *pendingHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
