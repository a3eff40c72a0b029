// Package graph is the causal graph: entities as nodes and "what led to
// what" as directed edges, built from every normalized event, not only the
// alerts. A parent starts a child, a process writes a file that another
// executes, a remote address opens a logon session, a key authenticates a
// role session that reads a bucket. Edges merge repeated relations and keep
// their first and last time, count, bytes and evidence event ids.
//
// The graph answers the investigation's questions: what led to this node
// before this time (Backtrack), what did it lead to afterwards (Forward),
// which nodes are so connected that they explain nothing (hubs), and how
// unusual a transition is (Rarity).
package graph

import (
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Config tunes the graph.
type Config struct {
	// Skew is the clock difference tolerated between sources: an edge
	// may precede its effect by up to Skew and still be its cause.
	// Default 2 minutes.
	Skew time.Duration
	// Evidence is how many event ids each edge keeps: the first ones, and
	// the newest in the last slot. Default 4.
	Evidence int
}

func (c Config) withDefaults() Config {
	if c.Skew == 0 {
		c.Skew = 2 * time.Minute
	}
	if c.Evidence <= 0 {
		c.Evidence = 4
	}
	return c
}

// NodeID indexes a node of one Graph.
type NodeID uint32

// EdgeID indexes an edge of one Graph.
type EdgeID uint32

// Node is an entity of the graph.
type Node struct {
	Entity      event.Entity
	First, Last int64 // unix nanoseconds of the first and last event naming it
	// Seen counts the edge ends recorded at the node: how often events
	// related it to something (an event with three edges at a node counts
	// three).
	Seen uint32
}

// Edge is a causal relation: From led to To. Both marks exchanges that go
// both ways (a network connection), which paths may cross in either
// direction.
type Edge struct {
	From, To    NodeID
	Kind        uint32 // see Graph.Kind
	Both        bool
	Failed      bool // every event of the edge failed (denied call, bad password)
	Count       uint32
	First, Last int64 // unix nanoseconds
	Bytes       int64 // data that moved From -> To
	Evidence    event.ID
}

// Graph is a causal graph. Build it with Add from one goroutine; after
// Freeze it is read-only and safe for concurrent queries.
type Graph struct {
	cfg   Config
	ids   map[string]NodeID
	nodes []Node
	edges []Edge
	index map[edgeKey]EdgeID
	out   [][]EdgeID
	in    [][]EdgeID
	extra map[EdgeID][]event.ID // evidence beyond the first

	kinds   []string
	kindIDs map[string]uint32

	hub    []bool              // set by Freeze
	named  map[NodeID][]EdgeID // set by Freeze: an address's host -> address "addr" edges
	rarity []float32
	frozen bool

	targets     []event.Entity            // per-event scratch for Add
	starts      []procStart               // process starts, for linkSame and resolveDeferred
	guids       []guidPID                 // pids of GUID-named processes, for linkGUIDs
	resolved    map[event.ID]event.Entity // acting processes Freeze found for events naming them by pid
	deferred    []deferredEvent           // events whose acting process is known by pid only
	installs    []svcInstall              // service installs, for linkServices
	svcStarts   []svcStart                // processes the service control manager started
	sensorFlows []sensorFlow              // flows a network sensor logged, for linkFlows
	conns       []remoteConn              // outgoing connections of processes, for linkRemote and linkFlows
	connsBySrc  map[string][]int          // conns by source endpoint, built at Freeze
	logons      []remoteLogon             // logons that name their source port
}

type edgeKey struct {
	from, to NodeID
	kind     uint32
}

// New returns an empty graph.
func New(cfg Config) *Graph {
	return &Graph{
		cfg:      cfg.withDefaults(),
		ids:      map[string]NodeID{},
		index:    map[edgeKey]EdgeID{},
		extra:    map[EdgeID][]event.ID{},
		kindIDs:  map[string]uint32{},
		resolved: map[event.ID]event.Entity{},
	}
}

// Config returns the graph's configuration with defaults filled in.
func (g *Graph) Config() Config { return g.cfg }

// Nodes returns the number of nodes.
func (g *Graph) Nodes() int { return len(g.nodes) }

// Edges returns the number of edges.
func (g *Graph) Edges() int { return len(g.edges) }

// Node returns node n.
func (g *Graph) Node(n NodeID) *Node { return &g.nodes[n] }

// Edge returns edge e.
func (g *Graph) Edge(e EdgeID) *Edge { return &g.edges[e] }

// Kind names an edge kind.
func (g *Graph) Kind(k uint32) string { return g.kinds[k] }

// Lookup returns the node of an entity id.
func (g *Graph) Lookup(id string) (NodeID, bool) {
	n, ok := g.ids[id]
	return n, ok
}

// Out returns the edges leaving n.
func (g *Graph) Out(n NodeID) []EdgeID { return g.out[n] }

// In returns the edges entering n.
func (g *Graph) In(n NodeID) []EdgeID { return g.in[n] }

// Evidence returns the event ids an edge keeps, oldest first.
func (g *Graph) Evidence(e EdgeID) []event.ID {
	out := []event.ID{g.edges[e].Evidence}
	return append(out, g.extra[e]...)
}

// node interns an entity.
func (g *Graph) node(e event.Entity, t int64) NodeID {
	n, ok := g.ids[e.ID]
	if !ok {
		n = NodeID(len(g.nodes))
		g.ids[e.ID] = n
		g.nodes = append(g.nodes, Node{Entity: e, First: t, Last: t})
		g.out = append(g.out, nil)
		g.in = append(g.in, nil)
	}
	nd := &g.nodes[n]
	if ok && e.Name != nd.Entity.Name && !ownName(nd.Entity) && ownName(e) {
		nd.Entity.Name = e.Name // a real name over one that only repeats the id
	}
	nd.Seen++
	if t < nd.First {
		nd.First = t
	}
	if t > nd.Last {
		nd.Last = t
	}
	return n
}

// ownName reports an entity whose name says more than its id
// ("SimuLandApp", not "app:5a95e683-...").
func ownName(e event.Entity) bool {
	return e.Name != "" && !strings.HasSuffix(e.ID, e.Name)
}

// kind interns an edge kind.
func (g *Graph) kind(k string) uint32 {
	id, ok := g.kindIDs[k]
	if !ok {
		id = uint32(len(g.kinds))
		g.kindIDs[k] = id
		g.kinds = append(g.kinds, k)
	}
	return id
}

// link adds one observation of from -> to, merging it into the edge of the
// same endpoints and kind.
func (g *Graph) link(from, to NodeID, kind uint32, both, failed bool, t, bytes int64, ev event.ID) {
	if from == to {
		return
	}
	k := edgeKey{from, to, kind}
	id, ok := g.index[k]
	if !ok {
		id = EdgeID(len(g.edges))
		g.index[k] = id
		g.edges = append(g.edges, Edge{From: from, To: to, Kind: kind, Both: both, Failed: failed, Count: 1, First: t, Last: t, Bytes: bytes, Evidence: ev})
		g.out[from] = append(g.out[from], id)
		g.in[to] = append(g.in[to], id)
		return
	}
	e := &g.edges[id]
	e.Count++
	e.Bytes += bytes
	e.Failed = e.Failed && failed
	if t < e.First {
		e.First = t
	}
	if t > e.Last {
		e.Last = t
	}
	if ev == e.Evidence {
		return
	}
	x := g.extra[id]
	switch {
	case len(x) < g.cfg.Evidence-1:
		g.extra[id] = append(x, ev)
	case len(x) > 0:
		x[len(x)-1] = ev // keep the newest in the last slot
	}
}

// HostsAt returns the hosts known to have an address around time t (within
// the window either side of when a log named them together): a network
// logon's workstation name and source address, a connection's host and
// local address. Addresses move between machines; a lab's 192.168.2.5 is
// another lab's too.
func (g *Graph) HostsAt(n NodeID, t time.Time, window time.Duration) []event.Entity {
	var out []event.Entity
	at, w := t.UnixNano(), int64(window)
	for _, e := range g.named[n] {
		if ed := &g.edges[e]; at >= ed.First-w && at <= ed.Last+w {
			out = append(out, g.nodes[ed.From].Entity)
		}
	}
	return out
}

// indexNames records, for each address, its "addr" edges from hosts.
func (g *Graph) indexNames() {
	g.named = map[NodeID][]EdgeID{}
	addr, ok := g.kindIDs["addr"]
	if !ok {
		return
	}
	for e := range g.edges {
		if ed := &g.edges[e]; ed.Kind == addr && g.nodes[ed.From].Entity.Kind == event.KindHost {
			g.named[ed.To] = append(g.named[ed.To], EdgeID(e))
		}
	}
}
