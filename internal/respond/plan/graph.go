package plan

import (
	"slices"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/respond/inventory"
)

// planner holds one planning run.
type planner struct {
	inc *incident.Incident
	inv *inventory.Inventory
	cfg Config

	nodes []node
	byID  map[string]int
	edges []edge
	in    [][]int // per node: indices of edges entering it
	out   [][]int // per node: indices of edges leaving it

	units   []unit
	unitKey map[string]int
	cands   []cand
	blocks  map[[2]int]int // (ip unit, host unit) -> block candidate
	net     *flow
	arcs    []arc // per network edge pair (id/2)
	s, t    int

	chosen    []int        // candidates on the cut
	isChosen  []bool       // by candidate, for the candidates that existed at the cut
	dropped   []uncuttable // terminals no permitted action separates
	actions   []*planned   // the plan, deduplicated by action id
	actionIDs map[event.ID]*planned
	notes     []string // explanation sentences from eviction
}

// node is an entity of the incident graph.
type node struct {
	ent      event.Entity
	role     string // "root-cause", "compromised", "attacker", "target", "data" or ""
	findings int
	cls      class
	host     int // node of the host of a host-local entity, else -1
	asset    inventory.Asset
	rc       float64 // confidence as a root-cause candidate
	isRC     bool
	foothold bool // the attacker holds it
	unit     int
}

// edge is an edge of the incident graph between node indices.
type edge struct {
	from, to int
	kind     string
	events   []event.ID
}

// String renders an edge as Reason.Edges lists it.
func (p *planner) edgeString(i int) string {
	e := p.edges[i]
	return p.nodes[e.from].ent.ID + " -> " + p.nodes[e.to].ent.ID + " (" + e.kind + ")"
}

// index collects the incident's nodes and edges, classifies them and looks
// them up in the inventory.
func (p *planner) index() {
	inc := p.inc
	hosts := map[string]bool{}
	noteHost := func(id string) {
		if strings.HasPrefix(id, "host:") {
			hosts[id[len("host:"):]] = true
		}
	}
	for _, n := range inc.Graph.Nodes {
		noteHost(n.Entity.ID)
	}
	for _, m := range inc.Entities {
		noteHost(m.Entity.ID)
	}
	for _, n := range inc.Graph.Nodes {
		i := p.add(n.Entity)
		p.nodes[i].role = cmpOr(p.nodes[i].role, n.Role)
		p.nodes[i].findings += n.Findings
	}
	for _, m := range inc.Entities {
		i := p.add(m.Entity)
		p.nodes[i].role = cmpOr(p.nodes[i].role, m.Role)
	}
	for k, rc := range inc.RootCauses {
		if rc.Entity.ID == "" || k > 0 && rc.Confidence < p.cfg.MinRootCause {
			continue
		}
		i := p.add(rc.Entity)
		p.nodes[i].isRC, p.nodes[i].rc = true, max(p.nodes[i].rc, rc.Confidence)
	}
	if fc := inc.FirstCompromised; fc != nil && fc.Entity.ID != "" {
		i := p.add(fc.Entity)
		p.nodes[i].role = cmpOr(p.nodes[i].role, "compromised")
	}
	for _, e := range inc.Graph.Edges {
		if e.From == "" || e.To == "" || e.From == e.To {
			continue
		}
		p.edges = append(p.edges, edge{
			from: p.add(event.Entity{ID: e.From, Kind: kindOf(e.From)}),
			to:   p.add(event.Entity{ID: e.To, Kind: kindOf(e.To)}),
			kind: e.Kind, events: e.Events,
		})
	}
	// Classify, resolving the host of host-local entities (adding hosts the
	// incident names only through their processes and files).
	for i := 0; i < len(p.nodes); i++ {
		cls, h := classify(p.nodes[i].ent, hosts, p.cfg.Internal)
		p.nodes[i].cls, p.nodes[i].host = cls, -1
		if cls.local() {
			hosts[h] = true
			p.nodes[i].host = p.add(event.Entity{Kind: event.KindHost, ID: "host:" + h, Name: h})
		}
	}
	p.in, p.out = make([][]int, len(p.nodes)), make([][]int, len(p.nodes))
	for i, e := range p.edges {
		p.out[e.from] = append(p.out[e.from], i)
		p.in[e.to] = append(p.in[e.to], i)
	}
	for i := range p.nodes {
		p.nodes[i].asset = p.inv.Lookup(p.nodes[i].ent)
	}
}

// add returns the index of an entity's node, adding it when new.
func (p *planner) add(e event.Entity) int {
	if i, ok := p.byID[e.ID]; ok {
		if p.nodes[i].ent.Name == "" {
			p.nodes[i].ent.Name = e.Name
		}
		return i
	}
	if e.Kind == "" {
		e.Kind = kindOf(e.ID)
	}
	p.byID[e.ID] = len(p.nodes)
	p.nodes = append(p.nodes, node{ent: e, host: -1, unit: -1})
	return len(p.nodes) - 1
}

// kindOf returns the entity kind an id's prefix names.
func kindOf(id string) event.Kind {
	prefix, _, _ := strings.Cut(id, ":")
	switch prefix {
	case "host", "process", "file", "principal", "session", "credential", "resource":
		return event.Kind(prefix)
	case "ip", "domain":
		return event.KindEndpoint
	}
	return ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// directions says which ways attacker control flows along an edge: reads
// are stored from the data to the reader, but the reader acts on the data;
// exchanges with an address go both ways; a principal's identity edges to
// its sessions and keys carry no control (holding a session does not give
// its principal's other sessions).
func (p *planner) directions(e edge) (fwd, back bool) {
	a, b := p.nodes[e.from], p.nodes[e.to]
	switch {
	case a.ent.Kind == event.KindEndpoint || b.ent.Kind == event.KindEndpoint:
		return true, true
	case a.ent.Kind == event.KindPrincipal && (e.kind == "as" || e.kind == "role"):
		return false, false
	case e.kind == "load" || e.kind == "reg:read" || e.kind == "read" || strings.HasPrefix(e.kind, "read:"):
		return false, true
	}
	return true, false
}

// markFootholds decides what the attacker holds: root-cause candidates,
// compromised nodes, and attacker nodes downstream of them (or of the
// attacker's addresses). Attacker nodes upstream only (the parent that
// started the root cause) are context, not footholds.
func (p *planner) markFootholds() {
	var start []int
	for i, n := range p.nodes {
		if n.isRC || n.role == "root-cause" || n.role == "compromised" || n.cls == clExternalIP {
			start = append(start, i)
		}
	}
	reached := make([]bool, len(p.nodes))
	if len(start) == 0 {
		for i := range reached {
			reached[i] = true
		}
	}
	for _, i := range start {
		reached[i] = true
	}
	for q := slices.Clone(start); len(q) > 0; q = q[1:] {
		u := q[0]
		visit := func(v int) {
			if !reached[v] {
				reached[v] = true
				q = append(q, v)
			}
		}
		for _, ei := range p.out[u] {
			if fwd, _ := p.directions(p.edges[ei]); fwd {
				visit(p.edges[ei].to)
			}
		}
		for _, ei := range p.in[u] {
			if _, back := p.directions(p.edges[ei]); back {
				visit(p.edges[ei].from)
			}
		}
	}
	for i := range p.nodes {
		n := &p.nodes[i]
		switch {
		case n.cls == clExternalIP || n.cls == clInternalIP || n.cls == clDomain:
			continue // addresses are infrastructure, not footholds
		case n.ent.Kind == event.KindResource && !n.cls.local():
			// Data and cloud resources are what the attacker reaches,
			// not what it holds, unless the attack began there.
			n.foothold = n.isRC || n.role == "root-cause"
			continue
		}
		n.foothold = n.isRC || n.role == "root-cause" || n.role == "compromised" ||
			reached[i] && (n.role == "attacker" || p.held(i, reached))
	}
}

// held reports whether the attacker holds a node it reached whatever its
// role: a key or session it used or was issued (a stolen instance
// credential, a key it created), or a principal it created.
func (p *planner) held(i int, reached []bool) bool {
	n := p.nodes[i]
	switch {
	case n.cls.local():
		return false
	case n.ent.Kind == event.KindCredential || n.ent.Kind == event.KindSession:
		return true
	case n.ent.Kind != event.KindPrincipal:
		return false
	}
	for _, ei := range p.in[i] {
		e := p.edges[ei]
		if reached[e.from] && (e.kind == "create" || strings.HasPrefix(e.kind, "call:Create")) {
			return true
		}
	}
	return false
}
