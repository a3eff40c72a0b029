package plan

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// Bounds on what a reason lists.
const (
	maxNodes    = 24
	maxEdges    = 24
	maxEvidence = 32
)

// result explains every action and returns the plan, in the order the
// actions should be applied: evidence first, then identities, network,
// host clean-up, data, notices.
func (p *planner) result() action.Plan {
	for _, pl := range p.actions {
		p.reason(pl)
	}
	slices.SortStableFunc(p.actions, func(a, b *planned) int {
		return cmp.Or(cmp.Compare(kinds[a.act.Kind].phase, kinds[b.act.Kind].phase),
			cmp.Compare(a.act.Target.ID, b.act.Target.ID), cmp.Compare(a.act.Kind, b.act.Kind),
			cmp.Compare(a.act.ID.String(), b.act.ID.String()))
	})
	out := action.Plan{Incident: p.inc.ID}
	for _, pl := range p.actions {
		out.Actions = append(out.Actions, pl.act)
		out.Cost += pl.act.Cost
	}
	out.Cost = round3(out.Cost)
	out.Explanation = p.explanation(out)
	return out
}

// reason fills an action's reason: what it rests on and why.
func (p *planner) reason(pl *planned) {
	r := &pl.act.Reason
	var nodes, edges []int
	var extra []string
	switch {
	case len(pl.notify) > 0:
		for _, u := range pl.notify {
			nodes = append(nodes, p.units[u].members...)
		}
		nodes = append(nodes, pl.evicts...)
		for _, e := range pl.path {
			edges = append(edges, p.arcs[e/2].edges...)
		}
		edges = append(edges, p.touching(nodes)...)
		extra = p.pathEntities(pl.path)
		r.Why = p.whyNotify(pl)
		for _, o := range append([]option{pl.opt}, pl.extra...) {
			if len(o.acts) > 0 {
				r.Alternatives = append(r.Alternatives, alternative(o, o.barred))
			}
		}
		r.Alternatives = firstAlternatives(r.Alternatives, p.cfg.MaxAlternatives)
	case len(pl.cands) > 0:
		rg := p.regionOf(pl.cands)
		for _, u := range rg.sources {
			nodes = append(nodes, p.units[u].members...)
		}
		for _, u := range rg.sinks {
			extra = append(extra, p.units[u].ent.ID)
		}
		edges = rg.edges
		for _, c := range pl.cands {
			if u := p.cands[c].unit; u >= 0 {
				edges = append(edges, p.touching(p.units[u].members)...)
			}
		}
		r.Why = p.whyCut(pl, rg)
		if pl.act.Kind != action.AWSSnapshotVolumes { // evidence: nothing to weigh it against
			r.Alternatives = p.alternatives(pl, rg)
		}
	default:
		nodes = pl.evicts
		edges = p.touching(pl.evicts)
		r.Why = p.whyEvict(pl)
		r.Alternatives = p.evictAlternatives(pl)
	}
	slices.Sort(nodes)
	nodes = slices.Compact(nodes)
	ids := []string{pl.act.Target.ID}
	for _, i := range nodes {
		ids = append(ids, p.nodes[i].ent.ID)
	}
	ids = append(ids, extra...)
	r.Nodes = firstUnique(ids, maxNodes)
	r.Edges, r.Evidence = p.edgeEvidence(edges, pl.act.Target.ID)
	r.Trusted = p.trusted(r.Evidence)
	r.Confidence = p.actionConfidence(pl, nodes)
}

// touching returns the incident edges at the given nodes.
func (p *planner) touching(nodes []int) []int {
	var out []int
	for _, i := range nodes {
		out = append(out, p.in[i]...)
		out = append(out, p.out[i]...)
	}
	return out
}

// edgeEvidence renders up to maxEdges incident edges, those at the
// action's target first, then in the incident's order, and collects
// their events.
func (p *planner) edgeEvidence(edges []int, target string) ([]string, []event.ID) {
	slices.Sort(edges)
	edges = slices.Compact(edges)
	at := func(ei int) bool {
		e := p.edges[ei]
		return p.nodes[e.from].ent.ID == target || p.nodes[e.to].ent.ID == target
	}
	slices.SortStableFunc(edges, func(a, b int) int { return cmp.Compare(boolInt(!at(a)), boolInt(!at(b))) })
	edges = edges[:min(len(edges), maxEdges)]
	var strs []string
	var ev []event.ID
	for _, ei := range edges {
		strs = append(strs, p.edgeString(ei))
		ev = append(ev, p.edges[ei].events...)
	}
	slices.Sort(strs)
	slices.SortFunc(ev, func(a, b event.ID) int { return bytes.Compare(a[:], b[:]) })
	ev = slices.Compact(ev)
	return strs, ev[:min(len(ev), maxEvidence)]
}

// trusted reports whether every piece of evidence comes from an
// authenticated source.
func (p *planner) trusted(ev []event.ID) bool {
	if p.cfg.Trusted == nil || len(ev) == 0 {
		return false
	}
	for _, id := range ev {
		if !p.cfg.Trusted(id) {
			return false
		}
	}
	return true
}

// confidence is how sure the incident is that the attacker holds a node:
// its own confidence as a root-cause candidate, else the top candidate's
// confidence weighted by the node's role, a little more with findings on
// it.
func (p *planner) confidence(i int) float64 {
	base := p.baseConfidence()
	n := p.nodes[i]
	c := 0.6 * base
	switch {
	case n.isRC:
		c = n.rc
	case n.role == "root-cause":
		c = base
	case n.role == "compromised":
		c = 0.9 * base
	case n.role == "attacker":
		c = 0.8 * base
	case n.role == "target" || n.role == "data":
		c = 0.7 * base
	}
	if n.findings > 0 {
		c += 0.1
	}
	return math.Round(min(max(c, 0), 1)*100) / 100
}

// actionConfidence is the highest confidence among the footholds an
// action acts against, else its target's.
func (p *planner) actionConfidence(pl *planned, nodes []int) float64 {
	best := -1.0
	for _, i := range nodes {
		if n := p.nodes[i]; n.foothold || n.cls == clExternalIP {
			best = max(best, p.confidence(i))
		}
	}
	if best >= 0 {
		return best
	}
	if i, ok := p.byID[pl.act.Target.ID]; ok {
		return p.confidence(i)
	}
	return math.Round(0.6*p.baseConfidence()*100) / 100
}

// baseConfidence is the confidence of the top root-cause candidate, or
// one half when the incident names none.
func (p *planner) baseConfidence() float64 {
	if len(p.inc.RootCauses) > 0 {
		return p.inc.RootCauses[0].Confidence
	}
	return 0.5
}

// firstAlternatives keeps the first n alternatives with distinct kind and
// target.
func firstAlternatives(in []action.Alternative, n int) []action.Alternative {
	var out []action.Alternative
	for _, a := range in {
		if len(out) == n {
			break
		}
		if !slices.ContainsFunc(out, func(b action.Alternative) bool { return a.Kind == b.Kind && a.Target.ID == b.Target.ID }) {
			out = append(out, a)
		}
	}
	return out
}

// firstUnique keeps the first n distinct strings.
func firstUnique(in []string, n int) []string {
	var out []string
	for _, s := range in {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func num(v float64) string { return strconv.FormatFloat(round3(v), 'f', -1, 64) }

// list names up to three things and counts the rest.
func list(ids []string) string {
	switch n := len(ids); {
	case n == 0:
		return "nothing"
	case n == 1:
		return ids[0]
	case n <= 3:
		return strings.Join(ids[:n-1], ", ") + " and " + ids[n-1]
	default:
		return strings.Join(ids[:3], ", ") + " and " + strconv.Itoa(n-3) + " more"
	}
}
