package investigate

import (
	"sort"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// maxGraphEdges bounds the incident graph a report draws.
const maxGraphEdges = 300

// sortedEdges returns the incident's edges in time order.
func (x *explained) sortedEdges() []graph.EdgeID {
	g := x.inv.g
	out := make([]graph.EdgeID, 0, len(x.edges))
	for e := range x.edges {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := g.Edge(out[i]), g.Edge(out[j])
		if a.First != b.First {
			return a.First < b.First
		}
		return out[i] < out[j]
	})
	return out
}

// impact gathers what the attack reached: data its members read, bytes they
// sent out, hosts and identities they used.
func (x *explained) impact() incident.Impact {
	g := x.inv.g
	var imp incident.Impact
	for _, e := range x.sortedEdges() {
		ed := g.Edge(e)
		kind := g.Kind(ed.Kind)
		from, to := g.Node(ed.From).Entity, g.Node(ed.To).Entity
		switch {
		case x.members[ed.To] == "data" && (kind == "access" || to.Kind == event.KindFile):
			action := "read"
			if kind == "delete" || kind == "share_delete" {
				action = "delete"
			}
			imp.Data = append(imp.Data, incident.DataAccess{Entity: to, By: from, Action: action, Count: int(ed.Count),
				First: time.Unix(0, ed.First).UTC(), Events: g.Evidence(e)})
		case (kind == "read" || strings.HasPrefix(kind, "read:")) && isData(from):
			imp.Data = append(imp.Data, incident.DataAccess{Entity: from, By: to, Action: "read", Count: int(ed.Count), Bytes: ed.Bytes,
				First: time.Unix(0, ed.First).UTC(), Events: g.Evidence(e)})
		case to.Kind == event.KindEndpoint && kind != "addr" && (ed.Bytes > 0 || graph.IsExternal(to)) && ed.Both:
			imp.Transfers = addTransfer(imp.Transfers, incident.Transfer{From: from, To: to, Bytes: ed.Bytes,
				First: time.Unix(0, ed.First).UTC(), Events: g.Evidence(e)})
		}
	}
	for _, n := range x.memberNodes() {
		ent := g.Node(n).Entity
		if x.members[n] != "data" || (ent.Kind != event.KindSession && ent.Kind != event.KindCredential) {
			continue
		}
		for _, e := range g.Out(n) {
			ed := g.Edge(e)
			if x.edges[e] || !x.inv.skip(e) {
				imp.Data = append(imp.Data, incident.DataAccess{Entity: ent, By: g.Node(ed.To).Entity, Action: "read", Count: int(ed.Count),
					First: time.Unix(0, ed.First).UTC(), Events: g.Evidence(e)})
				break
			}
		}
	}
	hosts := map[string]bool{}
	for _, m := range x.memberList() {
		switch m.Entity.Kind {
		case event.KindHost:
			if !hosts[m.Entity.ID] {
				hosts[m.Entity.ID] = true
				imp.Hosts = append(imp.Hosts, x.memberSubject(m))
			}
		case event.KindPrincipal, event.KindCredential, event.KindSession:
			imp.Identities = append(imp.Identities, x.memberSubject(m))
		}
	}
	return imp
}

// isData reports whether an entity holds data worth reporting as read:
// files and cloud resources, not registry keys or processes.
func isData(e event.Entity) bool {
	switch e.Kind {
	case event.KindFile:
		return true
	case event.KindResource:
		return strings.HasPrefix(e.ID, "resource:arn:") || !strings.Contains(e.ID, "/registry:")
	}
	return false
}

// memberSubject gives a member its evidence: the incident edges of its
// node, or for a host the edges of its members.
func (x *explained) memberSubject(m incident.Member) incident.Subject {
	g := x.inv.g
	if n, ok := g.Lookup(m.Entity.ID); ok {
		if s := x.subject(n, m.First); len(s.Evidence) > 0 {
			return s
		}
	}
	s := incident.Subject{Entity: m.Entity, Time: m.First}
	for _, n := range x.memberNodes() {
		if hostOf(g.Node(n).Entity).ID == m.Entity.ID {
			if sub := x.subject(n, m.First); len(sub.Evidence) > 0 {
				s.Evidence = sub.Evidence
				break
			}
		}
	}
	return s
}

// memberList lists the incident's entities with their roles, adding the
// hosts its processes, files, sessions and pipes are on, in order of
// first involvement.
func (x *explained) memberList() []incident.Member {
	g := x.inv.g
	var out []incident.Member
	seen := map[string]bool{}
	for n, role := range x.members {
		nd := g.Node(n)
		out = append(out, incident.Member{Entity: nd.Entity, Role: role, First: time.Unix(0, nd.First).UTC()})
		seen[nd.Entity.ID] = true
	}
	for _, n := range x.memberNodes() {
		nd := g.Node(n)
		if h := hostOf(nd.Entity); h.ID != "" && !seen[h.ID] {
			seen[h.ID] = true
			if hn, ok := g.Lookup(h.ID); ok {
				h = g.Node(hn).Entity
			}
			out = append(out, incident.Member{Entity: h, Role: "compromised", First: time.Unix(0, nd.First).UTC()})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].First.Equal(out[j].First) {
			return out[i].First.Before(out[j].First)
		}
		return out[i].Entity.ID < out[j].Entity.ID
	})
	return out
}

// graph renders the incident's part of the causal graph.
func (x *explained) graph() incident.Graph {
	g := x.inv.g
	var out incident.Graph
	for _, m := range x.memberList() {
		node := incident.Node{Entity: m.Entity, Role: m.Role}
		if n, ok := g.Lookup(m.Entity.ID); ok {
			node.Findings = x.findings[n]
		}
		out.Nodes = append(out.Nodes, node)
	}
	for _, e := range x.sortedEdges() {
		if len(out.Edges) == maxGraphEdges {
			break
		}
		ed := g.Edge(e)
		if _, ok := x.members[ed.From]; !ok {
			continue
		}
		if _, ok := x.members[ed.To]; !ok {
			continue
		}
		out.Edges = append(out.Edges, incident.Edge{
			From: g.Node(ed.From).Entity.ID, To: g.Node(ed.To).Entity.ID, Kind: g.Kind(ed.Kind),
			First: time.Unix(0, ed.First).UTC(), Last: time.Unix(0, ed.Last).UTC(),
			Count: int(ed.Count), Bytes: ed.Bytes, Events: g.Evidence(e),
		})
	}
	return out
}

// joins records, for each finding after the first, the path that joined
// it to an earlier finding of the incident.
func (x *explained) joins() []incident.Join {
	inv, g := x.inv, x.inv.g
	var out []incident.Join
	done := map[int]bool{}
	for k, i := range x.group {
		a := &inv.anchors[i]
		if k == 0 || !a.ok {
			continue
		}
		for _, j := range x.group[:k] {
			b := &inv.anchors[j]
			if !b.ok || done[i] {
				continue
			}
			var path []string
			switch {
			case a.node == b.node:
				path = []string{g.Node(a.node).Entity.ID}
			default:
				if idx, ok := b.fwdI[a.node]; ok {
					path = nodePath(g, b.fwd, idx)
				} else if idx, ok := b.backI[a.node]; ok {
					path = nodePath(g, b.back, idx)
				} else if idx, ok := a.fwdI[b.node]; ok {
					path = nodePath(g, a.fwd, idx)
				} else if idx, ok := a.backI[b.node]; ok {
					path = nodePath(g, a.back, idx)
				} else {
					path = x.viaOrigin(a, b)
				}
			}
			if path != nil {
				done[i] = true
				out = append(out, incident.Join{Finding: a.f.ID, To: b.f.ID, Path: path})
			}
		}
	}
	return out
}

// viaOrigin returns the path from a back to the attacker origin both
// findings' backtracks reach, and on to b.
func (x *explained) viaOrigin(a, b *anchor) []string {
	g := x.inv.g
	for i, r := range a.back {
		if r.Depth == 0 || r.Depth > 3 || !x.inv.origin(r.Node) {
			continue
		}
		key := originKey(g.Node(r.Node).Entity)
		j := -1
		for k, rb := range b.back {
			if rb.Depth > 0 && rb.Depth <= 3 && x.inv.origin(rb.Node) && originKey(g.Node(rb.Node).Entity) == key {
				j = k
				break
			}
		}
		if j < 0 {
			continue
		}
		left := nodePath(g, a.back, i) // a ... origin
		right := nodePath(g, b.back, j)
		for k := len(right) - 2; k >= 0; k-- { // origin ... b, without repeating the origin
			left = append(left, right[k])
		}
		return left
	}
	return nil
}

// nodePath lists the entity ids from a walk's start to result i.
func nodePath(g *graph.Graph, rs []graph.Reach, i int) []string {
	var ids []string
	for ; i >= 0; i = rs[i].Prev {
		ids = append(ids, g.Node(rs[i].Node).Entity.ID)
		if rs[i].Prev < 0 {
			break
		}
	}
	for a, b := 0, len(ids)-1; a < b; a, b = a+1, b-1 {
		ids[a], ids[b] = ids[b], ids[a]
	}
	return ids
}

// addTransfer adds a transfer, merged with one between the same ends: the
// host's record of a connection and the network sensor's of its volume
// are one transfer.
func addTransfer(ts []incident.Transfer, t incident.Transfer) []incident.Transfer {
	for i := range ts {
		if o := &ts[i]; o.From.ID == t.From.ID && o.To.ID == t.To.ID {
			o.Bytes += t.Bytes
			if t.First.Before(o.First) {
				o.First = t.First
			}
			o.Events = append(o.Events, t.Events...)
			return ts
		}
	}
	return append(ts, t)
}
