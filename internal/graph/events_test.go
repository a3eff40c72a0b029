package graph_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// t0 is the time the hand-built scenarios start at.
var t0 = time.Date(2024, 5, 14, 9, 0, 0, 0, time.UTC)

// Entities shared by the scenarios: one Windows host and its processes.
var (
	principals = &event.Principals{Domains: map[string]string{"CORP": "corp.com"}}
	ws1        = event.Host("WS1.corp.com")
	alice      = principals.Windows("CORP", "alice", ws1)
	logon      = event.Session(ws1.ID, "0x3e7a1", "")
)

// proc returns a Sysmon-style process of ws1: its GUID ends in n.
func proc(n int, image string) event.Entity {
	return event.Process(ws1, "{7e3a9c1d-0000-0000-0000-"+pad(n)+"}", image)
}

func pad(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 12-len(s)) + s
}

// file returns a Windows file of ws1.
func file(path string) event.Entity { return event.File(ws1, path, true) }

// ev builds an event with a stable id named by id, at t0 + at.
func ev(id string, at time.Duration, class event.Class, action string, refs ...event.Ref) *event.Event {
	e := &event.Event{ID: event.NewID("test", id), Time: t0.Add(at), Class: class, Action: action}
	for _, r := range refs {
		e.AddRef(r.Role, r.Entity)
	}
	return e
}

// field adds an original field to an event and returns it.
func field(e *event.Event, key, value string) *event.Event {
	e.Fields = append(e.Fields, event.Field{Key: key, Value: value})
	return e
}

func ref(role event.Role, e event.Entity) event.Ref { return event.Ref{Role: role, Entity: e} }

// sysmonStart is a Sysmon process creation: parent starts child from its
// image, in the alice logon session.
func sysmonStart(id string, at time.Duration, parent, child event.Entity) *event.Event {
	return ev(id, at, event.ClassProcess, "start",
		ref(event.RoleHost, ws1), ref(event.RoleActor, parent), ref(event.RoleTarget, child),
		ref(event.RoleImage, file(child.Name)), ref(event.RoleUser, alice), ref(event.RoleSession, logon))
}

// build adds events to a new graph with cfg and freezes it.
func build(cfg graph.Config, evs ...*event.Event) *graph.Graph {
	g := graph.New(cfg)
	for _, e := range evs {
		g.Add(e)
	}
	g.Freeze()
	return g
}

// describe names an edge "from -kind-> to" by entity ids.
func describe(g *graph.Graph, e graph.EdgeID) string {
	ed := g.Edge(e)
	return g.Node(ed.From).Entity.ID + " -" + g.Kind(ed.Kind) + "-> " + g.Node(ed.To).Entity.ID
}

// allEdges describes every edge of g, sorted.
func allEdges(g *graph.Graph) []string {
	out := make([]string, g.Edges())
	for i := range out {
		out[i] = describe(g, graph.EdgeID(i))
	}
	slices.Sort(out)
	return out
}

// wantEdges fails the test unless g has exactly the edges want describes.
func wantEdges(t *testing.T, g *graph.Graph, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := allEdges(g); !slices.Equal(got, want) {
		t.Errorf("edges:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(want, "\n       "))
	}
}

// findEdge returns the edge from -kind-> to, failing the test without one.
func findEdge(t *testing.T, g *graph.Graph, from, to event.Entity, kind string) graph.EdgeID {
	t.Helper()
	e, ok := lookupEdge(g, from.ID, to.ID, kind)
	if !ok {
		t.Fatalf("no edge %s -%s-> %s; have\n  %s", from.ID, kind, to.ID, strings.Join(allEdges(g), "\n  "))
	}
	return e
}

func lookupEdge(g *graph.Graph, from, to, kind string) (graph.EdgeID, bool) {
	f, ok1 := g.Lookup(from)
	tn, ok2 := g.Lookup(to)
	if !ok1 || !ok2 {
		return 0, false
	}
	for _, e := range g.Out(f) {
		if ed := g.Edge(e); ed.To == tn && g.Kind(ed.Kind) == kind {
			return e, true
		}
	}
	return 0, false
}

// node returns the node of an entity, failing the test without one.
func node(t *testing.T, g *graph.Graph, e event.Entity) graph.NodeID {
	t.Helper()
	n, ok := g.Lookup(e.ID)
	if !ok {
		t.Fatalf("no node %s", e.ID)
	}
	return n
}

// reached returns the entity ids a walk reached, sorted, start included.
func reached(g *graph.Graph, rs []graph.Reach) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = g.Node(r.Node).Entity.ID
	}
	slices.Sort(out)
	return out
}

func ids(es ...event.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	slices.Sort(out)
	return out
}
