// Package investigate turns findings into incidents. It ties each finding
// to the causal graph, walks back and forward from it along unusual or
// alerted edges, joins findings whose walks meet, and explains each group:
// the ranked root causes, the first compromised resource, the techniques
// in kill-chain order, the impact, a timeline and a story whose every
// sentence cites the events it rests on.
package investigate

import (
	"slices"
	"sort"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// Config tunes the investigation.
type Config struct {
	// Horizon is how far apart in time causally linked steps of one
	// attack may be. Default 72 hours.
	Horizon time.Duration
	// Rare is the rarity from which an edge counts as unusual enough to
	// follow (see graph.Rarity); edges of alerted events are always
	// followed. Default 0.5.
	Rare float32
	// MaxNodes bounds each walk. Default 5,000.
	MaxNodes int
	// MinLevel drops incidents whose findings are all below this level.
	// Default "low" (informational findings alone make no incident).
	MinLevel string
	// Curated reports rules whose ATT&CK tags are trusted at every level,
	// informational included: a curated step too common to alert on alone
	// (a process listing from a spawned shell) still names its technique
	// in an incident. In an incident with a finding of medium or above,
	// the techniques of other rules' low findings are left out: broad low
	// rules tag what they might mean (every role session "T1550.001"), not
	// what happened. Nil trusts every rule but informational ones.
	Curated func(finding.Rule) bool
}

func (c Config) withDefaults() Config {
	if c.Horizon == 0 {
		c.Horizon = 72 * time.Hour
	}
	if c.Rare == 0 {
		c.Rare = 0.5
	}
	if c.MaxNodes == 0 {
		c.MaxNodes = 5000
	}
	if c.MinLevel == "" {
		c.MinLevel = "low"
	}
	return c
}

// Lookup returns a normalized event by id, or nil when it is not kept.
type Lookup func(event.ID) *event.Event

// Run investigates findings over a frozen graph built from the same
// events, and returns the incidents, earliest first.
func Run(cfg Config, g *graph.Graph, findings []finding.Finding, lookup Lookup) []incident.Incident {
	cfg = cfg.withDefaults()
	inv := &investigation{cfg: cfg, g: g, lookup: lookup, suspicious: map[graph.EdgeID]bool{}, anchored: map[graph.NodeID]bool{}}
	inv.anchor(findings)
	inv.walk()
	var out []incident.Incident
	for _, group := range inv.group() {
		if inc, ok := inv.explain(group); ok {
			out = append(out, inc)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].First.Before(out[j].First) })
	return out
}

// investigation is the state of one Run.
type investigation struct {
	cfg        Config
	g          *graph.Graph
	lookup     Lookup
	suspicious map[graph.EdgeID]bool // edges of alerted events
	anchors    []anchor
	anchored   map[graph.NodeID]bool // the anchors' nodes
}

// anchor is a finding tied to the graph: the node its evidence is about,
// when, and what the walks from there reached.
type anchor struct {
	f       finding.Finding
	node    graph.NodeID
	at      time.Time
	ok      bool   // the finding's subject is in the graph
	subject string // the subject's entity id
	back    []graph.Reach
	fwd     []graph.Reach
	backI   map[graph.NodeID]int
	fwdI    map[graph.NodeID]int
}

// anchor ties each finding to the subject of its earliest evidence event
// and marks the edges of all its evidence events suspicious.
func (inv *investigation) anchor(findings []finding.Finding) {
	for _, f := range findings {
		a := anchor{f: f}
		for _, id := range f.Events {
			ev := inv.lookup(id)
			if ev == nil {
				continue
			}
			for _, e := range inv.g.EdgesOf(ev) {
				inv.suspicious[e] = true
			}
			if a.ok && !ev.Time.Before(a.at) {
				continue
			}
			subj := inv.subject(ev)
			if a.subject == "" {
				a.subject = subj.ID
			}
			if n, ok := inv.g.Lookup(subj.ID); ok {
				a.node, a.at, a.ok, a.subject = n, ev.Time, true, subj.ID
			}
		}
		if !a.ok {
			a.at = f.Time
		} else {
			inv.anchored[a.node] = true
		}
		inv.anchors = append(inv.anchors, a)
	}
}

// subject is what a finding's event is about: the graph's subject of the
// event, unless that is a hub (the System process writing files for every
// remote session over SMB), whose walks say nothing about this event; then
// the first target that is not one.
func (inv *investigation) subject(ev *event.Event) event.Entity {
	g := inv.g
	subj := g.Subject(ev)
	if n, ok := g.Lookup(subj.ID); !ok || !g.IsHub(n) {
		return subj
	}
	for _, r := range ev.Refs {
		if r.Role != event.RoleTarget {
			continue
		}
		if n, ok := g.Lookup(r.Entity.ID); ok && !g.IsHub(n) {
			return r.Entity
		}
	}
	return subj
}

// skip is the edge filter of every walk: it follows alerted edges, edges
// of strongly causal kinds, and other edges whose transition is rare in
// this data, but never weak kinds without an alert.
func (inv *investigation) skip(e graph.EdgeID) bool {
	g := inv.g
	if inv.suspicious[e] {
		return false
	}
	kind := g.Kind(g.Edge(e).Kind)
	switch {
	case graph.Weak(kind):
		return true
	case graph.Strong(kind):
		return false
	}
	return g.Rarity(e) < inv.cfg.Rare
}

// origin reports nodes that identify the attacker wherever they appear:
// an address outside the network (with or without a port), an access key,
// an account or session used from outside the network.
func (inv *investigation) origin(n graph.NodeID) bool {
	e := inv.g.Node(n).Entity
	switch e.Kind {
	case event.KindEndpoint:
		return graph.IsExternal(e)
	case event.KindCredential:
		return true
	case event.KindPrincipal, event.KindSession:
		return inv.fromExternal(n)
	}
	return false
}

// originKey is what two origins must share to be the same: an address
// whatever the port.
func originKey(e event.Entity) string {
	if a, port, ok := graph.Address(e); ok && port > 0 {
		return "ip:" + a.String()
	}
	return e.ID
}

// suspiciousEdges returns the alerted edges in edge order.
func (inv *investigation) suspiciousEdges() []graph.EdgeID {
	out := make([]graph.EdgeID, 0, len(inv.suspicious))
	for e := range inv.suspicious {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// stop ends walks at service endpoints (an address and port): the
// processes that talked to one server are not thereby related. Bare
// addresses, which stand for hosts in network-only data, are crossed.
func (inv *investigation) stop(n graph.NodeID) bool {
	e := inv.g.Node(n).Entity
	return e.Kind == event.KindEndpoint && graph.HasPort(e)
}

func (inv *investigation) walk() {
	w := graph.Walk{Horizon: inv.cfg.Horizon, MaxNodes: inv.cfg.MaxNodes, Skip: inv.skip, Stop: inv.stop}
	for i := range inv.anchors {
		a := &inv.anchors[i]
		if !a.ok {
			continue
		}
		a.back = inv.g.Backtrack(a.node, a.at, w)
		a.fwd = inv.g.Forward(a.node, a.at, w)
		a.backI = index(a.back)
		a.fwdI = index(a.fwd)
	}
}

func index(rs []graph.Reach) map[graph.NodeID]int {
	m := make(map[graph.NodeID]int, len(rs))
	for i, r := range rs {
		m[r.Node] = i
	}
	return m
}

// stagingWindow is how long before data is sent out its staging counts as
// the same theft.
const stagingWindow = time.Hour

// sessionOf returns the logon session an anchor's process ran in, when
// the session is no hub.
func (inv *investigation) sessionOf(a anchor) (graph.NodeID, bool) {
	g := inv.g
	if !a.ok || g.Node(a.node).Entity.Kind != event.KindProcess {
		return 0, false
	}
	for _, e := range g.In(a.node) {
		ed := g.Edge(e)
		if g.Kind(ed.Kind) == "session" && g.Node(ed.From).Entity.Kind == event.KindSession && !g.IsHub(ed.From) {
			return ed.From, true
		}
	}
	return 0, false
}

// group joins findings whose walks reach each other's subject: one led to
// the other. Each group's joins record the path that joined it.
func (inv *investigation) group() [][]int {
	n := len(inv.anchors)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// Findings join only within the horizon of one another: a node, a
	// subject or an origin that findings years apart share is two attacks.
	union := func(i, j int) {
		d := inv.anchors[j].at.Sub(inv.anchors[i].at)
		if d > inv.cfg.Horizon || d < -inv.cfg.Horizon {
			return
		}
		if ri, rj := find(i), find(j); ri != rj {
			parent[ri] = rj
		}
	}
	// joinNear joins the findings of each list, in time order, each to the
	// one before it.
	joinNear := func(lists map[string][]int) {
		for _, l := range lists {
			sort.SliceStable(l, func(x, y int) bool { return inv.anchors[l[x]].at.Before(inv.anchors[l[y]].at) })
			for k := 1; k < len(l); k++ {
				union(l[k], l[k-1])
			}
		}
	}
	byNode := map[graph.NodeID][]int{}
	bySubject := map[string][]int{} // findings outside the graph join by subject
	for i, a := range inv.anchors {
		if a.ok {
			byNode[a.node] = append(byNode[a.node], i)
			continue
		}
		bySubject[a.subject] = append(bySubject[a.subject], i)
	}
	joinNear(bySubject)
	for i, a := range inv.anchors {
		if !a.ok {
			continue
		}
		for _, rs := range [][]graph.Reach{a.back, a.fwd} {
			for _, r := range rs {
				if r.Depth > 0 && inv.g.IsHub(r.Node) {
					continue // reaching a hub joins nothing; findings about the hub itself are about one thing
				}
				for _, j := range byNode[r.Node] {
					union(i, j)
				}
			}
		}
	}
	// Data staged and then sent out from one logon session is one theft,
	// even where no log shows the sending program reading the staged file:
	// an exfiltration finding joins the collection findings of its session
	// within the hour before it.
	for i, a := range inv.anchors {
		s, ok := inv.sessionOf(a)
		if !ok || !slices.Contains(a.f.Rule.Tactics, "exfiltration") {
			continue
		}
		for j, b := range inv.anchors {
			if t, ok := inv.sessionOf(b); !ok || t != s || !slices.Contains(b.f.Rule.Tactics, "collection") ||
				b.at.After(a.at) || a.at.Sub(b.at) > stagingWindow {
				continue
			}
			union(i, j)
		}
	}
	// Findings whose backtracks meet in the same attacker origin (an
	// address outside the network, a key, an account used from outside)
	// are one attack even when neither led to the other.
	byOrigin := map[string][]int{}
	for i, a := range inv.anchors {
		for _, r := range a.back {
			if r.Depth == 0 || r.Depth > 3 || inv.g.IsHub(r.Node) || !inv.origin(r.Node) {
				continue
			}
			key := originKey(inv.g.Node(r.Node).Entity)
			if l := byOrigin[key]; len(l) == 0 || l[len(l)-1] != i {
				byOrigin[key] = append(l, i)
			}
		}
	}
	joinNear(byOrigin)
	// A finding on a host and one whose walk back reaches that host's
	// address are one attack: the address is the host as the other
	// machines' logs know it (the domain controller sees logons from the
	// AD FS server's address, the AD FS server's own log names it).
	byHost := map[string][]int{}
	for i, a := range inv.anchors {
		if h := hostOf(inv.g.Node(a.node).Entity).ID; a.ok && h != "" {
			byHost[h] = append(byHost[h], i)
		}
	}
	for i, a := range inv.anchors {
		here := hostOf(inv.g.Node(a.node).Entity).ID
		for _, r := range a.back {
			if ent := inv.g.Node(r.Node).Entity; r.Depth == 0 || r.Depth > 3 || ent.Kind != event.KindEndpoint || graph.HasPort(ent) {
				continue
			}
			for _, h := range inv.g.HostsAt(r.Node, a.at, inv.cfg.Horizon) {
				if h.ID == here {
					continue // a host's own address says nothing of its findings
				}
				for _, j := range byHost[h.ID] {
					union(i, j)
				}
			}
		}
	}
	groups := map[int][]int{}
	var roots []int
	for i := range inv.anchors {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	out := make([][]int, 0, len(roots))
	for _, r := range roots {
		out = append(out, groups[r])
	}
	return out
}
