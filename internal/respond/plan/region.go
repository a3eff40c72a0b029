package plan

import (
	"sort"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// region is the part of the network on the attacker paths that a set of
// chosen candidates cuts: with every other chosen candidate removed, the
// paths from the source to the sink all cross them.
type region struct {
	up, down []bool // network nodes before and after the cut on those paths
	sources  []int  // units of the footholds the paths start at
	sinks    []int  // units the paths end at
	edges    []int  // incident edges on the paths
	others   func(e int) bool
}

// regionOf computes the region of the candidates an action stands for.
func (p *planner) regionOf(cands []int) region {
	f := p.net
	r := region{up: make([]bool, f.n), down: make([]bool, f.n)}
	mine := make([]bool, len(p.cands))
	for _, c := range cands {
		mine[c] = true
	}
	r.others = func(e int) bool {
		c := p.arcs[e/2].cand
		return c >= 0 && c < len(mine) && p.isChosen[c] && !mine[c]
	}
	fromS := f.reach(p.s, false, r.others)
	toT := f.reach(p.t, true, r.others)
	for e := 0; e < len(f.from); e += 2 {
		a, b := int(f.from[e]), int(f.to[e])
		if c := p.arcs[e/2].cand; c < 0 || !mine[c] || f.capacity[e] <= 0 || !fromS[a] || !toT[b] {
			continue
		}
		up := f.reach(a, true, func(x int) bool { return r.others(x) || !fromS[f.from[x]] })
		down := f.reach(b, false, func(x int) bool { return r.others(x) || !toT[f.to[x]] })
		for v := range up {
			r.up[v] = r.up[v] || up[v]
			r.down[v] = r.down[v] || down[v]
		}
	}
	for e := 0; e < len(f.from); e += 2 {
		a, b, arc := int(f.from[e]), int(f.to[e]), p.arcs[e/2]
		switch {
		case arc.kind == arcSource && r.up[b]:
			r.sources = append(r.sources, arc.unit)
		case arc.kind == arcSink && r.down[a] && f.capacity[e] > 0:
			r.sinks = append(r.sinks, arc.unit)
		}
	}
	// The incident edges on the paths: those between units of the region,
	// host-local steps included (the network folds them into the host).
	in := make([]bool, len(p.units))
	for u := range p.units {
		in[u] = r.up[uin(u)] || r.up[uout(u)] || r.down[uin(u)] || r.down[uout(u)]
	}
	for ei, e := range p.edges {
		if in[p.nodes[e.from].unit] && in[p.nodes[e.to].unit] {
			r.edges = append(r.edges, ei)
		}
	}
	return r
}

// inside reports whether a network edge lies before or after the cut on
// the region's paths.
func (r region) inside(f *flow, e int) bool {
	a, b := f.from[e], f.to[e]
	return r.up[a] && r.up[b] || r.down[a] && r.down[b]
}

// alternative groups, in the order they are listed.
const (
	altProtected = iota // barred by the inventory
	altSame             // another option on the same target
	altCheaper          // cheaper, but leaves a path
	altCostlier         // also cuts, at a higher cost
)

type alt struct {
	group int
	a     action.Alternative
}

// alternatives lists what else could have been done about the paths an
// action cuts, and why it was not: protected assets, the other options on
// the same target, cheaper actions that leave a path uncut, and more
// disruptive ones that also cut.
func (p *planner) alternatives(pl *planned, r region) []action.Alternative {
	var out []alt
	chosenCost := pl.opt.cost
	for _, c := range pl.cands {
		for _, o := range p.cands[c].opts[1:] {
			out = append(out, alt{altSame, alternative(o, "also cuts these paths but costs "+num(o.cost)+
				", more than "+num(chosenCost)+what(o))})
		}
		for _, o := range p.cands[c].barred {
			out = append(out, alt{altProtected, alternative(o, o.barred)})
		}
	}
	f := p.net
	var others []int
	seen := make([]bool, len(p.cands))
	for e := 0; e < len(f.from); e += 2 {
		c := p.arcs[e/2].cand
		if c >= 0 && !p.isChosen[c] && !seen[c] && r.inside(f, e) {
			seen[c] = true
			others = append(others, c)
		}
	}
	sort.SliceStable(others, func(i, j int) bool { return p.cands[others[i]].capacity() < p.cands[others[j]].capacity() })
	// Each swap costs a search of the network: test the cheapest few, and
	// stop once both kinds of answer are listed.
	tested, cheaper, costlier := 0, 0, 0
	for _, d := range others {
		cd := p.cands[d]
		for _, o := range cd.barred {
			out = append(out, alt{altProtected, alternative(o, o.barred)})
		}
		if len(cd.opts) == 0 || tested >= 2*p.cfg.MaxAlternatives || cheaper >= 2 && costlier >= 2 {
			continue
		}
		tested++
		o := cd.opts[0]
		path := p.path(p.s, p.t, func(e int) bool { c := p.arcs[e/2].cand; return !r.others(e) && c != d })
		if path == nil {
			costlier++
		} else if o.cost < chosenCost {
			cheaper++
		}
		switch {
		case path != nil && o.cost < chosenCost:
			out = append(out, alt{altCheaper, alternative(o, "costs less ("+num(o.cost)+") but leaves the path "+
				strings.Join(p.pathEntities(path), " -> ")+" uncut")})
		case path == nil && o.cost >= chosenCost:
			out = append(out, alt{altCostlier, alternative(o, "also cuts these paths but costs "+num(o.cost)+
				", more than "+num(chosenCost)+what(o))})
		case path == nil:
			out = append(out, alt{altCostlier, alternative(o, "also cuts these paths (cost "+num(o.cost)+
				"), but the cheapest cut as a whole does not use it")})
		}
	}
	return p.pick(out)
}

// pick keeps at most two alternatives per group and MaxAlternatives in
// all, without repeating a kind and target.
func (p *planner) pick(in []alt) []action.Alternative {
	sort.SliceStable(in, func(i, j int) bool {
		if in[i].group != in[j].group {
			return in[i].group < in[j].group
		}
		return in[i].a.Cost < in[j].a.Cost
	})
	var out []action.Alternative
	per := map[int]int{}
	seen := map[string]bool{}
	for _, a := range in {
		key := string(a.a.Kind) + " " + a.a.Target.ID
		if seen[key] || per[a.group] == 2 || len(out) == p.cfg.MaxAlternatives {
			continue
		}
		seen[key] = true
		per[a.group]++
		out = append(out, a.a)
	}
	return out
}

func alternative(o option, whyNot string) action.Alternative {
	return action.Alternative{Kind: o.kind(), Target: o.target(), Cost: round3(o.cost), WhyNot: whyNot}
}

// what says what makes an option more disruptive than its cost alone.
func what(o option) string {
	switch {
	case o.kind() == action.AWSDenyAll && strings.Contains(o.target().ID, ":role/"):
		return ": it stops every user of the role, the workload's own sessions included"
	case o.kind() == action.HostIsolate || o.kind() == action.AWSQuarantineInstance:
		return ": it cuts the whole host off the network"
	case kinds[o.kind()].fidelity == action.None:
		return ": it cannot be undone"
	}
	return ""
}
