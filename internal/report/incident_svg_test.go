package report

import (
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

func TestLayoutGraph(t *testing.T) {
	p := newPhishing()
	g := layoutGraph(&p.inc)
	if len(g.Nodes) != len(p.inc.Graph.Nodes) || len(g.Edges) != len(p.inc.Graph.Edges) {
		t.Fatalf("%d nodes, %d edges drawn; want %d, %d", len(g.Nodes), len(g.Edges), len(p.inc.Graph.Nodes), len(p.inc.Graph.Edges))
	}
	pos := map[string]svgNode{}
	for _, n := range g.Nodes {
		pos[n.ID] = n
		if n.X < 0 || n.Y < 0 || n.X+nodeW > g.Width || n.Y+nodeH > g.Height {
			t.Errorf("node %s at %d,%d is outside the %dx%d picture", n.ID, n.X, n.Y, g.Width, g.Height)
		}
	}
	for i, a := range g.Nodes {
		for _, b := range g.Nodes[i+1:] {
			if a.X == b.X && a.Y-b.Y < rowH && b.Y-a.Y < rowH {
				t.Errorf("nodes %s and %s overlap", a.ID, b.ID)
			}
		}
	}
	name := func(label string) svgNode {
		for _, n := range g.Nodes {
			if n.Label == label {
				return n
			}
		}
		t.Fatalf("no node %q", label)
		return svgNode{}
	}
	// Left to right along the attack: the entry point's writer, the root
	// cause, Word, PowerShell, the payload, and what it reached.
	chain := []string{"OUTLOOK.EXE", "invoice_…-03.docm", "WINWORD.EXE", "powershell.exe", "update.exe", "lsass.exe"}
	for i := 1; i < len(chain); i++ {
		if a, b := name(chain[i-1]), name(chain[i]); a.X >= b.X {
			t.Errorf("%s (x=%d) is not left of %s (x=%d)", chain[i-1], a.X, chain[i], b.X)
		}
	}
	if a, b := name("update.exe"), name("lsass.dmp"); a.X >= b.X {
		t.Errorf("the dump is not right of the payload")
	}
	// Every edge to a node first involved later points right, unless it
	// points into a root cause.
	first := map[string]int64{}
	for _, m := range p.inc.Entities {
		first[m.Entity.ID] = m.First.Unix()
	}
	for _, e := range p.inc.Graph.Edges {
		if first[e.From] < first[e.To] && e.To != p.inc.RootCauses[0].Entity.ID && pos[e.From].X >= pos[e.To].X {
			t.Errorf("edge %s %s -> %s points left", e.Kind, e.From, e.To)
		}
	}
	root := name("invoice_…-03.docm")
	if len(root.Badges) != 1 || root.Badges[0].Text != "ROOT CAUSE 78%" || root.Class != "node k-file r-root-cause root" {
		t.Errorf("root cause node: %+v", root)
	}
	if host := name("WS1.corp.com"); len(host.Badges) != 1 || host.Badges[0].Text != "FIRST COMPROMISED" {
		t.Errorf("first compromised node: %+v", host)
	}
	if n := name("update.exe"); n.Findings != 2 || n.Class != "node k-process r-attacker" {
		t.Errorf("payload node: %+v", n)
	}
	for _, e := range g.Edges {
		if e.Label == "connect ×42" && (e.Label2 != "48.0 MiB" || e.Class != "edge e-data") {
			t.Errorf("beacon edge: %+v", e)
		}
	}
	for i, a := range g.Edges {
		for _, b := range g.Edges[i+1:] {
			if a.RX < b.RX+b.LW && b.RX < a.RX+a.LW && a.RY < b.RY+b.LH && b.RY < a.RY+a.LH {
				t.Errorf("labels %q and %q overlap", a.Label, b.Label)
			}
		}
	}
}

// TestLayoutGraphOddShapes draws graphs the investigation should not make
// but a renderer must survive: cycles at one instant, loops, edges to
// nodes the graph left out, no times at all, nothing.
func TestLayoutGraphOddShapes(t *testing.T) {
	a := event.Entity{Kind: event.KindProcess, ID: "process:h/a", Name: "a"}
	b := event.Entity{Kind: event.KindProcess, ID: "process:h/b", Name: "b"}
	c := event.Entity{Kind: event.KindEndpoint, ID: "ip:192.0.2.1", Name: "192.0.2.1"}
	e := func(from, to, kind string, sec int) incident.Edge {
		return incident.Edge{From: from, To: to, Kind: kind, Count: 1, First: at(0, sec), Last: at(0, sec)}
	}
	tests := []struct {
		name  string
		graph incident.Graph
		nodes int
	}{
		{"empty", incident.Graph{}, 0},
		{"cycle at one time", incident.Graph{
			Nodes: []incident.Node{{Entity: a}, {Entity: b}, {Entity: c}},
			Edges: []incident.Edge{e(a.ID, b.ID, "x", 1), e(b.ID, a.ID, "y", 1), e(b.ID, c.ID, "z", 1), e(c.ID, a.ID, "w", 1)},
		}, 3},
		{"loop and parallel edges", incident.Graph{
			Nodes: []incident.Node{{Entity: a}, {Entity: b}},
			Edges: []incident.Edge{e(a.ID, a.ID, "loop", 1), e(a.ID, b.ID, "start", 2), e(a.ID, b.ID, "write", 2), e(b.ID, a.ID, "signal", 3)},
		}, 2},
		{"edge to a missing node", incident.Graph{
			Nodes: []incident.Node{{Entity: a}},
			Edges: []incident.Edge{e(a.ID, "domain:evil.example", "resolve", 1)},
		}, 2},
		{"no times", incident.Graph{
			Nodes: []incident.Node{{Entity: a}, {Entity: b}, {Entity: c}},
			Edges: []incident.Edge{{From: a.ID, To: b.ID, Kind: "x"}},
		}, 3},
	}
	for _, tt := range tests {
		inc := incident.Incident{Graph: tt.graph, RootCauses: []incident.RootCause{{Subject: incident.Subject{Entity: b}, Confidence: 0.5}}}
		g := layoutGraph(&inc)
		if len(g.Nodes) != tt.nodes || len(g.Edges) != len(tt.graph.Edges) || g.Width <= 0 || g.Height <= 0 {
			t.Errorf("%s: %d nodes, %d edges, %dx%d", tt.name, len(g.Nodes), len(g.Edges), g.Width, g.Height)
		}
		seen := map[[2]int]bool{}
		for _, n := range g.Nodes {
			if seen[[2]int{n.X, n.Y}] {
				t.Errorf("%s: two nodes at %d,%d", tt.name, n.X, n.Y)
			}
			seen[[2]int{n.X, n.Y}] = true
		}
	}
}

func TestLayoutTimeline(t *testing.T) {
	p := newPhishing()
	tl := layoutTimeline(&p.inc)
	if tl == nil || len(tl.Dots) != len(p.inc.Timeline) || len(tl.Ticks) != 5 {
		t.Fatalf("timeline: %+v", tl)
	}
	if tl.Dots[0].X != tl.X1 || tl.Dots[len(tl.Dots)-1].X != tl.X2 {
		t.Errorf("first and last steps at %d and %d, want the axis ends %d and %d", tl.Dots[0].X, tl.Dots[len(tl.Dots)-1].X, tl.X1, tl.X2)
	}
	for i, d := range tl.Dots {
		if d.Y >= tl.AxisY || (i > 0 && d.X < tl.Dots[i-1].X) {
			t.Errorf("step %d at %d,%d", i+1, d.X, d.Y)
		}
		for _, o := range tl.Dots[:i] {
			if d.Y == o.Y && d.X-o.X < 18 {
				t.Errorf("steps %d and %d overlap", o.N, d.N)
			}
		}
	}
	if tl.Ticks[4].Rel != "+39m30s" || tl.Ticks[0].Clock != "09:00:30Z" {
		t.Errorf("ticks: %+v", tl.Ticks)
	}
	if layoutTimeline(&incident.Incident{}) != nil {
		t.Error("an incident without steps has no timeline")
	}
}
