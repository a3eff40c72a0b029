package plan

// arcKind says what a network edge stands for.
type arcKind uint8

const (
	arcSplit  arcKind = iota // a unit's in-node to its out-node: acting on the unit
	arcStar                  // a host-local unit to and from its host
	arcLink                  // an incident edge between units
	arcSource                // the source to a foothold
	arcSink                  // a crown jewel, target or host to contain, to the sink
)

// arc is the planner's record of a network edge (indexed by edge id / 2).
type arc struct {
	kind  arcKind
	cand  int   // the candidate its capacity prices, else -1
	unit  int   // the unit of a split or sink arc, else -1
	edges []int // the incident edges a link stands for
}

func uin(u int) int  { return 2 * u }
func uout(u int) int { return 2*u + 1 }

// unitOfNode returns the unit of a network node, or -1 for the source and
// the sink.
func (p *planner) unitOfNode(v int) int {
	if v >= 2*len(p.units) {
		return -1
	}
	return v / 2
}

// buildNetwork builds the flow network. Each unit is split in two, joined
// by its candidate's capacity (infinite when nothing may act on it).
// Host-local units hang off their host both ways, so that isolating the
// host cuts every path in or out of anything on it. Incident edges become
// links between the units they join, in the directions attacker control
// flows; a link between an external address and a host costs blocking the
// address there. The source feeds every foothold; crown jewels, targets
// and the hosts to contain feed the sink.
func (p *planner) buildNetwork() {
	n := len(p.units)
	p.s, p.t = 2*n, 2*n+1
	p.net = newFlow(2*n + 2)
	for u := range p.units {
		c := inf
		if k := p.units[u].cand; k >= 0 {
			c = p.cands[k].capacity()
		}
		p.addArc(uin(u), uout(u), c, arc{kind: arcSplit, cand: p.units[u].cand, unit: u})
	}
	for u := range p.units {
		if h := p.units[u].host; h >= 0 {
			p.addArc(uout(u), uin(h), inf, arc{kind: arcStar, cand: -1, unit: -1})
			p.addArc(uout(h), uin(u), inf, arc{kind: arcStar, cand: -1, unit: -1})
		}
	}
	links := map[[2]int]int{}
	for ei, e := range p.edges {
		fwd, back := p.directions(e)
		if fwd {
			p.link(links, ei, e.from, e.to)
		}
		if back {
			p.link(links, ei, e.to, e.from)
		}
	}
	for u, un := range p.units {
		if un.source {
			p.addArc(p.s, uin(u), inf, arc{kind: arcSource, cand: -1, unit: u})
		}
		switch {
		case un.sink == sinkOut || un.terminal:
			p.addArc(uout(u), p.t, inf, arc{kind: arcSink, cand: -1, unit: u})
		case un.sink == sinkIn:
			p.addArc(uin(u), p.t, inf, arc{kind: arcSink, cand: -1, unit: u})
		}
	}
	p.net.build()
	p.addEntries()
}

// addEntries makes a source of every compromised host that no foothold
// reaches: the attacker is in, and the incident does not show how.
func (p *planner) addEntries() {
	for {
		reached := p.net.reach(p.s, false, nil)
		added := false
		for u := range p.units {
			if un := &p.units[u]; un.entry && !un.source && !reached[uin(u)] {
				un.source = true
				p.addArc(p.s, uin(u), inf, arc{kind: arcSource, cand: -1, unit: u})
				added = true
				break
			}
		}
		if !added {
			return
		}
		p.net.build()
	}
}

func (p *planner) addArc(u, v int, c int64, a arc) int {
	p.arcs = append(p.arcs, a)
	return p.net.add(u, v, c)
}

// link adds the network link for attacker control flowing from node a to
// node b along incident edge ei.
func (p *planner) link(links map[[2]int]int, ei, a, b int) {
	ua, ub := p.attach(p.nodes[a].unit), p.attach(p.nodes[b].unit)
	if ua == ub {
		return // inside one host, or one unit
	}
	if p.isPublic(ua, ub) {
		x := p.units[ub].exposure
		p.linkUnits(links, ei, ua, x, -1)
		p.linkUnits(links, ei, x, ub, -1)
		return
	}
	c := -1
	switch {
	case p.blockable(ua) && p.units[ub].cls.hostLike():
		c = p.blockCand(ua, ub)
	case p.blockable(ub) && p.units[ua].cls.hostLike():
		c = p.blockCand(ub, ua)
	}
	p.linkUnits(links, ei, ua, ub, c)
}

// blockable reports whether hosts may block an address unit: any
// external address, and internal ones the attacker holds.
func (p *planner) blockable(u int) bool {
	c := p.units[u].cls
	return c == clExternalIP || c == clInternalIP && p.units[u].source
}

// linkUnits adds (or adds the incident edge to) the link between units.
func (p *planner) linkUnits(links map[[2]int]int, ei, ua, ub, c int) {
	k := [2]int{ua, ub}
	if id, ok := links[k]; ok {
		a := &p.arcs[id/2]
		if len(a.edges) == 0 || a.edges[len(a.edges)-1] != ei {
			a.edges = append(a.edges, ei)
		}
		return
	}
	capacity := inf
	if c >= 0 {
		capacity = p.cands[c].capacity()
	}
	links[k] = p.addArc(uout(ua), uin(ub), capacity, arc{kind: arcLink, cand: c, unit: -1, edges: []int{ei}})
}

// path returns the edges of a shortest path from s to target over the
// edges allow admits, or nil.
func (p *planner) path(s, target int, allow func(e int) bool) []int {
	f := p.net
	parent := make([]int32, f.n)
	for i := range parent {
		parent[i] = -1
	}
	parent[s] = -2
	q := []int32{int32(s)}
	for i := 0; i < len(q) && parent[target] == -1; i++ {
		u := q[i]
		for _, e := range f.adj[f.start[u]:f.start[u+1]] {
			if e&1 == 1 || f.capacity[e] <= 0 || !allow(int(e)) {
				continue
			}
			if v := f.to[e]; parent[v] == -1 {
				parent[v] = e
				q = append(q, v)
			}
		}
	}
	if parent[target] == -1 {
		return nil
	}
	var out []int
	for v := target; v != s; v = int(f.from[parent[v]]) {
		out = append(out, int(parent[v]))
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// pathEntities names the units a network path crosses, in order, without
// repeats.
func (p *planner) pathEntities(path []int) []string {
	var out []string
	for _, e := range path {
		u := p.unitOfNode(int(p.net.to[e]))
		if u < 0 {
			continue
		}
		if id := p.units[u].ent.ID; len(out) == 0 || out[len(out)-1] != id {
			out = append(out, id)
		}
	}
	return out
}
