package plan

import (
	"cmp"
	"slices"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// uncuttable is a sink no permitted action separates from the footholds:
// a path of links nothing may act on (a protected host, an entity no
// action kind serves) leads to it.
type uncuttable struct {
	unit int
	path []int // network edges from the source
}

// planned is an action of the plan with what it stands for.
type planned struct {
	act    action.Action
	cands  []int // candidates of the cut it is the cheapest option of
	evicts []int // foothold nodes it evicts off the cut
	notify []int // units whose protected options it replaces, or that no action cuts
	path   []int // for a notification: the uncut path
	opt    option
	extra  []option // for a notification: more barred options it stands for
}

// solve finds the minimum cut. Sinks reachable from a foothold over
// infinite links only are set aside first (they cannot be cut, and would
// make every cut infinite); their paths become notifications.
func (p *planner) solve() {
	f := p.net
	infinite := func(e int) bool { return f.capacity[e] >= inf }
	reached := f.reach(p.s, false, func(e int) bool { return !infinite(e) })
	for e := 0; e < len(f.from); e += 2 {
		a := p.arcs[e/2]
		if a.kind != arcSink || !reached[f.from[e]] {
			continue
		}
		path := p.path(p.s, int(f.from[e]), infinite)
		f.capacity[e], f.residual[e] = 0, 0
		p.dropped = append(p.dropped, uncuttable{unit: a.unit, path: path})
	}
	f.maxFlow(p.s, p.t)
	for _, e := range f.cut(p.s) {
		if c := p.arcs[e/2].cand; c >= 0 && !slices.Contains(p.chosen, c) {
			p.chosen = append(p.chosen, c)
		}
	}
	slices.Sort(p.chosen)
	p.isChosen = make([]bool, len(p.cands))
	for _, c := range p.chosen {
		p.isChosen[c] = true
	}
	p.actionIDs = map[event.ID]*planned{}
	for _, c := range p.chosen {
		o := p.cands[c].opts[0]
		for _, a := range o.acts {
			pl := p.take(a, o)
			pl.cands = append(pl.cands, c)
		}
	}
	for _, d := range p.dropped {
		p.notifyPath(d)
	}
}

// take adds an action to the plan, or returns the one with its id.
func (p *planner) take(a action.Action, o option) *planned {
	if pl, ok := p.actionIDs[a.ID]; ok {
		return pl
	}
	pl := &planned{act: a, opt: o}
	p.actions = append(p.actions, pl)
	p.actionIDs[a.ID] = pl
	return pl
}

// cutCost is the value of the cut: the sum of the chosen candidates'
// cheapest options.
func (p *planner) cutCost() float64 {
	var v float64
	for _, c := range p.chosen {
		v += p.cands[c].opts[0].cost
	}
	return v
}

// notifyPath proposes, for an uncut path, notifications to the owners of
// the protected assets on it; when nothing on it is protected, to the
// owner of the sink (no action kind serves the path).
func (p *planner) notifyPath(d uncuttable) {
	var units []int
	for _, e := range d.path {
		if u := p.unitOfNode(int(p.net.to[e])); u >= 0 && !slices.Contains(units, u) {
			units = append(units, u)
		}
	}
	units = append(units, d.unit)
	// What is barred on a protected host is the host's owner's to decide:
	// one notification for the host, listing the actions on its processes
	// and files it stands for.
	barred := map[int][]option{}
	var order []int
	for _, u := range units {
		for _, c := range p.candsOf(u) {
			if len(p.cands[c].opts) > 0 || len(p.cands[c].barred) == 0 {
				continue
			}
			to := u
			if h := p.units[u].host; h >= 0 && p.nodes[p.units[h].rep].asset.Protected {
				to = h
			}
			if _, ok := barred[to]; !ok {
				order = append(order, to)
			}
			barred[to] = append(barred[to], p.cands[c].barred[0])
		}
	}
	for _, u := range order {
		opts := barred[u]
		// The host's own option leads when it has one.
		slices.SortStableFunc(opts, func(a, b option) int {
			return cmp.Compare(boolInt(a.target().ID != p.units[u].ent.ID), boolInt(b.target().ID != p.units[u].ent.ID))
		})
		pl := p.notifyFor(u, opts[0], d.path)
		pl.extra = append(pl.extra, opts[1:]...)
	}
	if len(order) == 0 {
		p.notifyFor(d.unit, option{}, d.path)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// candsOf returns the candidates acting on a unit: its own, and blocks on
// it when it is a host.
func (p *planner) candsOf(u int) []int {
	var out []int
	if c := p.units[u].cand; c >= 0 {
		out = append(out, c)
	}
	for k, c := range p.blocks {
		if k[1] == u {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// notifyFor adds a notification to the owner of a unit's entity in place
// of the barred option (or of no option at all).
func (p *planner) notifyFor(u int, barred option, path []int) *planned {
	target, asset := p.units[u].ent, p.inv.Lookup(p.units[u].ent)
	recommend := ""
	if len(barred.acts) > 0 {
		target = barred.target()
		asset = p.inv.Lookup(target)
		recommend = string(barred.kind())
	}
	params := map[string]string{"owner": asset.Owner, "rule": asset.Rule}
	if recommend != "" {
		params["recommend"] = recommend
	}
	a := p.newAction(p.cfg.Notify, target, target.ID, 0, params)
	pl := p.take(a, barred)
	if !slices.Contains(pl.notify, u) {
		pl.notify = append(pl.notify, u)
	}
	if pl.path == nil {
		pl.path = path
	}
	return pl
}
