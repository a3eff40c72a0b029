package investigate

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// candidate is a possible root cause of a group of findings.
type candidate struct {
	node    graph.NodeID
	at      time.Time // latest time it could have caused the earliest finding it explains
	covers  int       // findings whose backtrack reaches it
	depth   int       // fewest hops to a finding
	via     int       // anchor whose walk reached it at depth
	idx     int       // index in that anchor's backtrack
	score   float64
	reasons []string
}

// rootCauses ranks the entry points of a group: the nodes the findings'
// backtracks reach that are where outside influence enters (a remote
// address, a downloaded or executed file, a key or account used from
// outside), weighted by how many of the findings they explain and how
// early they act. The best few come back with confidences that sum to 1.
func (inv *investigation) rootCauses(group []int) []candidate {
	cands := map[graph.NodeID]*candidate{}
	n := 0
	for _, i := range group {
		a := &inv.anchors[i]
		if !a.ok {
			continue
		}
		n++
		for j, r := range a.back {
			c := cands[r.Node]
			if c == nil {
				c = &candidate{node: r.Node, depth: r.Depth, via: i, idx: j, at: time.Unix(0, r.At).UTC()}
				cands[r.Node] = c
			}
			c.covers++
			if r.Depth < c.depth {
				c.depth, c.via, c.idx = r.Depth, i, j
			}
			if t := time.Unix(0, r.At).UTC(); t.Before(c.at) {
				c.at = t
			}
		}
	}
	if n == 0 {
		return nil
	}
	var earliest time.Time
	for _, i := range group {
		if a := &inv.anchors[i]; a.ok && (earliest.IsZero() || a.at.Before(earliest)) {
			earliest = a.at
		}
	}
	var list []*candidate
	for _, c := range cands {
		p, why := inv.prior(c.node)
		if p == 0 {
			continue
		}
		c.score = float64(c.covers) / float64(n) * p
		c.reasons = append(c.reasons, why)
		if inv.habitual(c.node, earliest) {
			c.score /= 2
			c.reasons = append(c.reasons, "but the account used it long before the attack")
		}
		if inv.isSource(c.node, c.at) {
			c.score += 0.1
			c.reasons = append(c.reasons, "nothing unusual led to it")
		}
		if !earliest.IsZero() && inv.firstInfluence(c.node) > earliest.Add(inv.g.Config().Skew).UnixNano() {
			c.score /= 2 // where data went, not where the attack came from
			c.reasons = append(c.reasons, "but it acted only after the first finding")
		}
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].score != list[j].score {
			return list[i].score > list[j].score
		}
		if !list[i].at.Equal(list[j].at) {
			return list[i].at.Before(list[j].at)
		}
		return inv.g.Node(list[i].node).Entity.ID < inv.g.Node(list[j].node).Entity.ID
	})
	// Earliness breaks near-ties: of candidates within 10% of the best,
	// the one that acted first comes first, then the one that first
	// influenced anything (the payload before the server it then called).
	if len(list) > 1 {
		best := list[0].score
		k := 0
		for k < len(list) && list[k].score >= 0.9*best {
			k++
		}
		sort.SliceStable(list[:k], func(i, j int) bool {
			if !list[i].at.Equal(list[j].at) {
				return list[i].at.Before(list[j].at)
			}
			return inv.firstInfluence(list[i].node) < inv.firstInfluence(list[j].node)
		})
		// The scores follow the order, so that confidences read in rank.
		scores := make([]float64, k)
		for i := range scores {
			scores[i] = list[i].score
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(scores)))
		for i := range scores {
			if list[i].score < scores[i] {
				list[i].reasons = append(list[i].reasons, "acted before the others nearly as likely")
			}
			list[i].score = scores[i]
		}
	}
	if len(list) > 5 {
		list = list[:5]
	}
	out := make([]candidate, len(list))
	for i, c := range list {
		c.reasons = append([]string{fmt.Sprintf("reaches %d of %d findings", c.covers, n)}, c.reasons...)
		out[i] = *c
	}
	return out
}

// prior is how much a node looks like an entry point, by kind and by what
// it did, and why; 0 for nodes that cannot be one.
func (inv *investigation) prior(n graph.NodeID) (float64, string) {
	g := inv.g
	e := g.Node(n).Entity
	switch e.Kind {
	case event.KindEndpoint:
		if graph.IsLocal(e) {
			return 0, ""
		}
		if infrastructure(e) || inv.directoryService(e) {
			return 0.2, "a network infrastructure service"
		}
		if graph.IsExternal(e) {
			return 1, "a remote address outside the network"
		}
		if !graph.HasPort(e) && inv.anchored[n] {
			return 0.3, "the address of a host the findings are about"
		}
		return 0.85, "a remote address"
	case event.KindFile:
		if inv.hasEdge(n, true, "download") {
			return 0.95, "a file downloaded from the network"
		}
		if inv.written(n) {
			if inv.hasEdge(n, false, "exec") && inv.broughtIn(n) {
				return 0.95, "a file a networked program saved and that then ran"
			}
			if inv.hasEdge(n, false, "exec") {
				return 0.9, "a file written and then executed"
			}
			return 0.5, "a file written during the attack"
		}
		return 0.1, "a file that was already there"
	case event.KindCredential:
		return 0.9, "a credential"
	case event.KindPrincipal:
		if inv.fromExternal(n) {
			return 0.9, "an account used from outside the network"
		}
		return 0.6, "an account"
	case event.KindSession:
		if inv.fromExternal(n) {
			return 0.85, "a session opened from outside the network"
		}
		if inv.hasEdgeFrom(n, event.KindEndpoint) {
			return 0.7, "a session opened from the network"
		}
		return 0.2, "a local session"
	case event.KindProcess:
		return 0.3, "a process"
	case event.KindResource:
		return 0.3, "a resource"
	case event.KindHost:
		return 0.3, "a host"
	}
	return 0, ""
}

// hasEdge reports whether n has an edge of kind kind, entering (in) or
// leaving it.
func (inv *investigation) hasEdge(n graph.NodeID, in bool, kind string) bool {
	g := inv.g
	list := g.Out(n)
	if in {
		list = g.In(n)
	}
	for _, e := range list {
		if g.Kind(g.Edge(e).Kind) == kind {
			return true
		}
	}
	return false
}

// habitualWindow is how long before an attack an address must have been
// in use by an identity to count as its usual one.
const habitualWindow = time.Hour

// habitual reports an address an identity has used since well before the
// attack, repeatedly: the owner's office, not the intruder. A stolen key
// used from both is the intruder's where it is new.
func (inv *investigation) habitual(n graph.NodeID, attack time.Time) bool {
	g := inv.g
	if g.Node(n).Entity.Kind != event.KindEndpoint || attack.IsZero() {
		return false
	}
	before := attack.Add(-habitualWindow).UnixNano()
	for _, e := range g.Out(n) {
		ed := g.Edge(e)
		if g.Kind(ed.Kind) == "from" && ed.First < before && ed.Count >= 3 {
			return true
		}
	}
	return false
}

// hasEdgeFrom reports whether an entity of kind k leads straight to n.
func (inv *investigation) hasEdgeFrom(n graph.NodeID, k event.Kind) bool {
	g := inv.g
	for _, e := range g.In(n) {
		if g.Node(g.Edge(e).From).Entity.Kind == k {
			return true
		}
	}
	return false
}

// written reports whether a process wrote or created file n while
// observed: a file that was already there is no entry point.
func (inv *investigation) written(n graph.NodeID) bool {
	g := inv.g
	for _, e := range g.In(n) {
		switch g.Kind(g.Edge(e).Kind) {
		case "create", "write", "stream", "rename", "download":
			return true
		}
	}
	return false
}

// firstInfluence is when n first acted on anything: the earliest start of
// its outgoing edges, in Unix nanoseconds.
func (inv *investigation) firstInfluence(n graph.NodeID) int64 {
	first := int64(math.MaxInt64)
	for _, e := range inv.g.Out(n) {
		first = min(first, inv.g.Edge(e).First)
	}
	return first
}

// broughtIn reports whether a process that exchanged data with a host
// outside the network wrote file n: a mail client saving an attachment, a
// browser or a chat client saving what it received, a payload fetching a
// second stage.
func (inv *investigation) broughtIn(n graph.NodeID) bool {
	g := inv.g
	for _, e := range g.In(n) {
		switch g.Kind(g.Edge(e).Kind) {
		case "create", "write":
		default:
			continue
		}
		w := g.Edge(e).From
		if g.Node(w).Entity.Kind != event.KindProcess {
			continue
		}
		for _, list := range [][]graph.EdgeID{g.Out(w), g.In(w)} {
			for _, f := range list {
				ed := g.Edge(f)
				peer := ed.To
				if peer == w {
					peer = ed.From
				}
				if pe := g.Node(peer).Entity; pe.Kind == event.KindEndpoint && graph.IsExternal(pe) && !infrastructure(pe) {
					return true
				}
			}
		}
	}
	return false
}

// readBy reports whether a file's data was read (not loaded or executed):
// data the attack may have taken.
func (inv *investigation) readBy(n graph.NodeID) bool {
	g := inv.g
	for _, e := range g.Out(n) {
		if k := g.Kind(g.Edge(e).Kind); k == "read" && inv.suspicious[e] {
			return true
		}
	}
	return false
}

// fromExternal reports whether a remote address outside the network led
// straight to n.
func (inv *investigation) fromExternal(n graph.NodeID) bool {
	g := inv.g
	for _, e := range g.In(n) {
		if graph.IsExternal(g.Node(g.Edge(e).From).Entity) {
			return true
		}
	}
	return false
}

// isSource reports whether no followed edge leads into n before at.
func (inv *investigation) isSource(n graph.NodeID, at time.Time) bool {
	g := inv.g
	limit := at.Add(g.Config().Skew).UnixNano()
	check := func(e graph.EdgeID) bool {
		return !inv.skip(e) && g.Edge(e).First <= limit
	}
	for _, e := range g.In(n) {
		if check(e) {
			return false
		}
	}
	for _, e := range g.Out(n) {
		if g.Edge(e).Both && check(e) {
			return false
		}
	}
	return true
}

// infrastructure reports endpoints of the services every host uses: name
// resolution, time, Kerberos, directory lookups. They answer; they do not
// start attacks.
func infrastructure(e event.Entity) bool {
	_, port, _ := graph.Address(e)
	switch port {
	case 53, 67, 68, 88, 123, 137, 138, 389, 464, 636, 3268, 3269, 5353, 5355:
		return true
	}
	return false
}

// directoryService reports the Windows services of a domain controller
// (SMB, RPC and its dynamic ports) on an address that also serves
// Kerberos or LDAP here: every domain member talks to them.
func (inv *investigation) directoryService(e event.Entity) bool {
	a, port, ok := graph.Address(e)
	if !ok || port == 0 || port != 135 && port != 139 && port != 445 && port < 49152 {
		return false
	}
	for _, p := range []int{88, 389} {
		if _, ok := inv.g.Lookup(event.Endpoint(a.String(), p).ID); ok {
			return true
		}
	}
	return false
}

// reason renders a candidate's reasons.
func (c candidate) reason() string { return strings.Join(c.reasons, "; ") }
