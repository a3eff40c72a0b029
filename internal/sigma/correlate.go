package sigma

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// resolveCorrelations links correlation rules to the rules they refer to.
func (b *Builder) resolveCorrelations() []*LoadError {
	rs := b.rs
	byID := map[string]ruleRef{}
	byName := map[string]ruleRef{}
	for _, r := range rs.rules {
		if r.ID != "" {
			byID[r.ID] = ruleRef{rule: r}
		}
		if r.Name != "" {
			byName[r.Name] = ruleRef{rule: r}
		}
	}
	for _, c := range b.corrs {
		if c.ID != "" {
			byID[c.ID] = ruleRef{corr: c}
		}
		if c.Name != "" {
			byName[c.Name] = ruleRef{corr: c}
		}
	}
	var errs []*LoadError
	rs.corrBy = map[ruleRef][]*Correlation{}
next:
	for _, c := range b.corrs {
		c.refs, c.steps = nil, map[ruleRef][]int{}
		for i, name := range c.Rules {
			ref, ok := byID[name]
			if !ok {
				ref, ok = byName[name]
			}
			if !ok {
				errs = append(errs, loadError(c.Path, c.ID, fmt.Errorf("correlation %q: unknown rule %q", c.Title, name)))
				continue next
			}
			if ref.corr == c {
				errs = append(errs, loadError(c.Path, c.ID, fmt.Errorf("correlation %q refers to itself", c.Title)))
				continue next
			}
			c.refs = append(c.refs, ref)
			c.steps[ref] = append(c.steps[ref], i)
		}
		for ref := range c.steps {
			rs.corrBy[ref] = append(rs.corrBy[ref], c)
			if ref.rule != nil && !c.Generate {
				ref.rule.CorrelationOnly = true
			}
		}
		rs.corrs = append(rs.corrs, c)
	}
	return errs
}

// Correlations returns the correlation rules whose references resolved.
func (rs *Ruleset) Correlations() []*Correlation { return rs.corrs }

// CorrelationInputs returns the detection rules that correlations refer
// to: their matches are what a Correlator observes.
func (rs *Ruleset) CorrelationInputs() []*Rule {
	var out []*Rule
	for ref := range rs.corrBy {
		if ref.rule != nil {
			out = append(out, ref.rule)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path+out[i].ID < out[j].Path+out[j].ID })
	return out
}

// CorrelationHit is a correlation rule that fired.
type CorrelationHit struct {
	Correlation *Correlation
	Group       []string // values of the group-by fields, in order
	First, Last time.Time
	// Value is what met the condition: the count, distinct values, sum,
	// average or percentage; for temporal types the number of rules seen.
	Value float64
	// Events are the ids of the events in the window, oldest first, the
	// evidence of the hit.
	Events []event.ID
}

// Correlator evaluates correlation rules over a stream of rule matches
// ordered by event time. It is not safe for concurrent use.
//
// Conditions with only lower bounds (gt, gte) and the temporal types are
// decided as events arrive, over a window sliding back from the newest
// event; a group fires once and starts afresh. Conditions with an upper
// bound or equality (lt, lte, eq, neq) are decided when a window that
// opened with a group's first event closes: when a later event of the group
// arrives or Advance passes its end. value_percentile compares the share
// (in percent) of the rarest value in the window.
type Correlator struct {
	rs     *Ruleset
	groups map[*Correlation]map[string]*corrGroup
}

// corrGroup is the window of one correlation and group.
type corrGroup struct {
	group []string
	start time.Time
	items []corrItem
	chain []time.Time // temporal_ordered: latest start of a chain reaching each step
	has   []bool
}

type corrItem struct {
	t     time.Time
	id    event.ID
	step  int // index of the referenced rule in Rules
	value string
}

// maxChainDepth bounds correlations of correlations.
const maxChainDepth = 8

// NewCorrelator returns an empty correlator for the ruleset's correlations.
func (rs *Ruleset) NewCorrelator() *Correlator {
	return &Correlator{rs: rs, groups: map[*Correlation]map[string]*corrGroup{}}
}

// Observe records that rule r matched ev and calls fn for every correlation
// that fires, including correlations of correlations.
func (c *Correlator) Observe(ev *event.Event, r *Rule, fn func(*CorrelationHit)) {
	c.observe(ruleRef{rule: r}, ev, fn, 0)
}

func (c *Correlator) observe(ref ruleRef, ev *event.Event, fn func(*CorrelationHit), depth int) {
	if depth > maxChainDepth {
		return
	}
	for _, corr := range c.rs.corrBy[ref] {
		for _, step := range corr.steps[ref] {
			if hit := c.add(corr, ref, step, ev); hit != nil {
				fn(hit)
				c.observe(ruleRef{corr: corr}, ev, fn, depth+1)
			}
		}
	}
}

// Advance closes the windows that ended before t and reports those whose
// condition holds; it also forgets groups with nothing left in their window.
func (c *Correlator) Advance(t time.Time, fn func(*CorrelationHit)) {
	for _, corr := range c.rs.corrs {
		gs := c.groups[corr]
		keys := make([]string, 0, len(gs))
		for k := range gs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			g := gs[k]
			if !g.start.Add(corr.Timespan).Before(t) {
				continue
			}
			if !arrivalDecided(corr) {
				if hit := corr.evaluate(g); hit != nil {
					fn(hit)
				}
			}
			delete(gs, k)
		}
	}
}

// arrivalDecided reports whether a correlation fires as events arrive.
func arrivalDecided(c *Correlation) bool {
	if c.Type == TemporalOrdered {
		return true
	}
	lower := false
	for op := range c.Condition {
		switch op {
		case "gt", "gte":
			lower = true
		default:
			return false
		}
	}
	return lower || len(c.Condition) == 0
}

// add puts one match into its group's window and returns a hit if the
// correlation fires.
func (c *Correlator) add(corr *Correlation, ref ruleRef, step int, ev *event.Event) *CorrelationHit {
	group := make([]string, len(corr.GroupBy))
	for i, f := range corr.GroupBy {
		group[i] = ev.Value(corr.fieldFor(f, ref))
	}
	key := strings.Join(group, "\x00")
	gs := c.groups[corr]
	if gs == nil {
		gs = map[string]*corrGroup{}
		c.groups[corr] = gs
	}
	item := corrItem{t: ev.Time, id: ev.ID, step: step}
	if corr.Field != "" {
		f := corr.fieldFor(corr.Field, ref)
		if corr.Type == ValueCount {
			item.value = allValues(ev, f) // a list field counts each element
		} else {
			item.value = ev.Value(f)
		}
	}
	g := gs[key]
	arrival := arrivalDecided(corr)
	var hit *CorrelationHit
	if g != nil && !arrival && g.start.Add(corr.Timespan).Before(item.t) {
		hit = corr.evaluate(g) // the window closed: decide it, start anew
		g = nil
	}
	if g == nil {
		g = &corrGroup{group: group, start: item.t}
		gs[key] = g
	}
	if !arrival {
		g.items = append(g.items, item)
		return hit
	}
	// Slide: drop what is older than the timespan before this event.
	cut := item.t.Add(-corr.Timespan)
	drop := 0
	for drop < len(g.items) && g.items[drop].t.Before(cut) {
		drop++
	}
	g.items = append(g.items[drop:], item)
	if corr.Type == TemporalOrdered {
		hit = corr.advanceChain(g, step, item.t)
	} else {
		hit = corr.evaluate(g)
	}
	if hit != nil {
		delete(gs, key)
	}
	return hit
}

// valueSep joins the values of a list field in a window item.
const valueSep = "\x00"

// allValues returns every value of field in ev, joined with valueSep.
func allValues(ev *event.Event, field string) string {
	var vals []string
	for _, f := range ev.Fields {
		if f.Key == field {
			vals = append(vals, f.Value)
		}
	}
	return strings.Join(vals, valueSep)
}

// fieldFor resolves a group-by or condition field for events of ref.
func (c *Correlation) fieldFor(f string, ref ruleRef) string {
	if m, ok := c.Aliases[f]; ok {
		if real, ok := m[ref.name()]; ok {
			return real
		}
	}
	return f
}

// advanceChain records step at time t and reports a completed chain.
func (c *Correlation) advanceChain(g *corrGroup, step int, t time.Time) *CorrelationHit {
	n := len(c.Rules)
	if g.chain == nil {
		g.chain, g.has = make([]time.Time, n), make([]bool, n)
	}
	switch {
	case step == 0:
		g.chain[0], g.has[0] = t, true
	case g.has[step-1] && !t.Before(g.chain[step-1]) && t.Sub(g.chain[step-1]) <= c.Timespan:
		if !g.has[step] || g.chain[step-1].After(g.chain[step]) {
			g.chain[step], g.has[step] = g.chain[step-1], true
		}
	default:
		return nil
	}
	if step != n-1 || !g.has[n-1] {
		return nil
	}
	start := g.chain[n-1]
	var items []corrItem
	for _, it := range g.items {
		if !it.t.Before(start) {
			items = append(items, it)
		}
	}
	return c.hit(g, items, float64(n))
}

// evaluate computes the correlation's value over a window and returns a
// hit when the condition holds.
func (c *Correlation) evaluate(g *corrGroup) *CorrelationHit {
	if len(g.items) == 0 {
		return nil
	}
	var v float64
	switch c.Type {
	case EventCount:
		v = float64(len(g.items))
	case ValueCount:
		seen := map[string]bool{}
		for _, it := range g.items {
			for _, val := range strings.Split(it.value, valueSep) {
				if val != "" {
					seen[val] = true
				}
			}
		}
		v = float64(len(seen))
	case ValueSum, ValueAvg:
		n := 0
		for _, it := range g.items {
			if f, ok := parseNumber(it.value); ok {
				v += f
				n++
			}
		}
		if n == 0 {
			return nil
		}
		if c.Type == ValueAvg {
			v /= float64(n)
		}
	case ValuePercentile:
		counts := map[string]int{}
		for _, it := range g.items {
			counts[it.value]++
		}
		least := len(g.items)
		for _, n := range counts {
			least = min(least, n)
		}
		v = 100 * float64(least) / float64(len(g.items))
	case Temporal:
		seen := map[int]bool{}
		for _, it := range g.items {
			seen[it.step] = true
		}
		v = float64(len(seen))
		if len(c.Condition) == 0 {
			if len(seen) < len(c.Rules) {
				return nil
			}
			return c.hit(g, g.items, v)
		}
	}
	for op, want := range c.Condition {
		if !compareCond(v, op, want) {
			return nil
		}
	}
	return c.hit(g, g.items, v)
}

func compareCond(v float64, op string, want float64) bool {
	switch op {
	case "eq":
		return v == want
	case "neq":
		return v != want
	}
	return compare(v, op, want)
}

func (c *Correlation) hit(g *corrGroup, items []corrItem, v float64) *CorrelationHit {
	h := &CorrelationHit{Correlation: c, Group: g.group, Value: v}
	for i, it := range items {
		if i == 0 || it.t.Before(h.First) {
			h.First = it.t
		}
		if it.t.After(h.Last) {
			h.Last = it.t
		}
		h.Events = append(h.Events, it.id)
	}
	return h
}
