package investigate

import (
	"path"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// The steps of collect that add members beyond the walks' paths: what
// the attack's processes ran, where its files came from, the sessions and
// keys it went on to use or obtain, the machines it held, the data it
// read or destroyed, and the identity behind each identity it used.

// descendants adds what an alerted process went on to run: the processes
// it started or injected into, three generations deep.
func (x *explained) descendants(a *anchor) {
	g := x.inv.g
	if g.Node(a.node).Entity.Kind != event.KindProcess {
		return
	}
	lineage := func(e graph.EdgeID) bool {
		switch g.Kind(g.Edge(e).Kind) {
		case "start", "inject", "same":
			return false
		}
		return true
	}
	rs := g.Forward(a.node, a.at, graph.Walk{Horizon: x.inv.cfg.Horizon, MaxNodes: 200, Skip: lineage})
	for i, r := range rs {
		if i > 0 && r.Depth <= 3 && g.Node(r.Node).Entity.Kind == event.KindProcess {
			e := r.Via
			x.edges[e] = true
			x.add(r.Node, "attacker")
		}
	}
}

// servedFrom adds the service endpoints (address and port) of the hosts
// the attack's files were downloaded from: the web server that served the
// payload, which the file's mark of the web names only by address.
func (x *explained) servedFrom() {
	g := x.inv.g
	for _, n := range x.memberNodes() {
		ent := g.Node(n).Entity
		if ent.Kind != event.KindEndpoint || graph.HasPort(ent) || g.IsHub(n) || !x.inv.hasEdge(n, false, "download") {
			continue
		}
		for _, e := range g.In(n) {
			if ed := g.Edge(e); g.Kind(ed.Kind) == "addr" && !g.IsHub(ed.From) {
				x.edges[e] = true
				x.add(ed.From, "attacker")
			}
		}
	}
}

// originSessions adds the sessions and keys that the attack's addresses
// outside the network went on to act through: a stolen web session
// replayed from the attacker's address into a cloud console by single
// sign-on, an access key used from there. An address the identity has
// used since well before the attack is its owner's, not the attacker's.
func (x *explained) originSessions() {
	g := x.inv.g
	attack := x.inv.anchors[x.group[0]].at
	since := attack.Add(-habitualWindow).UnixNano()
	for _, n := range x.memberNodes() {
		ent := g.Node(n).Entity
		if ent.Kind != event.KindEndpoint || !graph.IsExternal(ent) || graph.HasPort(ent) || g.IsHub(n) || x.inv.habitual(n, attack) {
			continue
		}
		for _, e := range g.Out(n) {
			ed := g.Edge(e)
			to := g.Node(ed.To)
			if g.Kind(ed.Kind) != "from" || ed.Last < since || to.Entity.Kind != event.KindSession && to.Entity.Kind != event.KindCredential {
				continue
			}
			if _, ok := x.members[ed.To]; ok {
				continue
			}
			x.edges[e] = true
			x.add(ed.To, "attacker")
			x.identityChain(ed.To, time.Unix(0, max(ed.First, since)).UTC())
		}
	}
}

// footholdSessions adds the logon sessions opened from the address of a
// host the attack holds while the attack went on: the attacker moving on
// from there with the accounts it has (the AD FS server logging on to the
// domain controller as three accounts in ten minutes). The host is one
// with a finding of this incident on it, or, in network-only data, the
// alerted address itself.
func (x *explained) footholdSessions() {
	g := x.inv.g
	held := map[string]bool{}
	for _, i := range x.group {
		if a := x.inv.anchors[i]; a.ok {
			if h := hostOf(g.Node(a.node).Entity).ID; h != "" {
				held[h] = true
			}
		}
	}
	first, last := x.window()
	for _, n := range x.memberNodes() {
		ent := g.Node(n).Entity
		if ent.Kind != event.KindEndpoint || graph.HasPort(ent) || graph.IsExternal(ent) {
			continue
		}
		foothold := x.inv.anchored[n]
		for _, h := range g.HostsAt(n, first, x.inv.cfg.Horizon) {
			foothold = foothold || held[h.ID]
		}
		if !foothold {
			continue
		}
		for _, e := range g.Out(n) {
			ed := g.Edge(e)
			if g.Kind(ed.Kind) != "logon" || g.Node(ed.To).Entity.Kind != event.KindSession || ed.Failed ||
				ed.First < first.UnixNano() || ed.First > last.UnixNano() {
				continue
			}
			if _, ok := x.members[ed.To]; ok || computerAccount(x.principalOf(ed.To)) {
				continue // a host's own account logging on is the host at work
			}
			x.edges[e] = true
			x.add(ed.To, "attacker")
		}
	}
}

// computerAccount reports a domain computer's account ("ws01$@corp").
func computerAccount(p event.Entity) bool {
	name, _, _ := strings.Cut(p.ID, "@")
	return p.Kind == event.KindPrincipal && strings.HasSuffix(name, "$")
}

// minted adds the sessions and keys that the attack's keys and sessions
// obtained while the attack went on, and the role or federated user each
// stands for: the attacker's key assumed a role twice and used one of the
// sessions, both are the attacker's. What an account obtained is not
// counted: a phished user's own sign-ins to the cloud go on beside the
// attacker's.
func (x *explained) minted() {
	g := x.inv.g
	first, last := x.window()
	from, to := first.Add(-habitualWindow).UnixNano(), last.UnixNano()
	for _, n := range x.memberNodes() {
		switch g.Node(n).Entity.Kind {
		case event.KindCredential, event.KindSession:
		default:
			continue
		}
		if x.members[n] == "data" {
			continue
		}
		for _, e := range g.Out(n) {
			ed := g.Edge(e)
			if !strings.HasPrefix(g.Kind(ed.Kind), "issue:") || ed.Failed || ed.First < from || ed.First > to {
				continue
			}
			if _, ok := x.members[ed.To]; ok {
				continue
			}
			x.edges[e] = true
			x.add(ed.To, "attacker")
		}
	}
}

// heldHosts completes the attack's machines where they are known by
// address: the address behind each service endpoint the attack used (not
// the directory's or the network's shared services, nor an address a log
// named a host at) is a machine the attacker ran or reached, and what two
// of its machines exchanged while the attack went on is the attack's: the
// SMB copy and the PsExec calls beside a WinRM session, the refused tries
// at the attacker's share.
func (x *explained) heldHosts() {
	g := x.inv.g
	first, last := x.window()
	held := map[graph.NodeID]bool{}
	for _, n := range x.memberNodes() {
		ent := g.Node(n).Entity
		if ent.Kind != event.KindEndpoint || graph.IsLocal(ent) || x.members[n] == "data" {
			continue
		}
		if !graph.HasPort(ent) {
			held[n] = true // a machine's address talks to many: no hub test here
			continue
		}
		if infrastructure(ent) || x.inv.directoryService(ent) {
			continue
		}
		a, _, _ := graph.Address(ent)
		bare, ok := g.Lookup(event.IP(a.String()).ID)
		if !ok || len(g.HostsAt(bare, first, x.inv.cfg.Horizon)) > 0 {
			continue
		}
		held[bare] = true
		x.add(bare, "attacker")
	}
	for n := range held {
		for _, e := range g.Out(n) {
			ed := g.Edge(e)
			if ed.First < first.UnixNano() || ed.First > last.UnixNano() {
				continue
			}
			peer := g.Node(ed.To).Entity
			if peer.Kind != event.KindEndpoint || !graph.HasPort(peer) || infrastructure(peer) || x.inv.directoryService(peer) {
				continue
			}
			a, _, _ := graph.Address(peer)
			if bare, ok := g.Lookup(event.IP(a.String()).ID); !ok || !held[bare] || bare == n {
				continue
			}
			x.edges[e] = true
			x.add(ed.To, "target")
		}
	}
}

// window returns when the incident's first and last findings happened.
func (x *explained) window() (first, last time.Time) {
	for k, i := range x.group {
		at := x.inv.anchors[i].at
		if k == 0 || at.Before(first) {
			first = at
		}
		if k == 0 || at.After(last) {
			last = at
		}
	}
	return first, last
}

// massDeletion is how many files one process or session must delete for
// them to count as data the attack destroyed.
const massDeletion = 10

// credentialReads adds the credential stores (the LSASS process) that the
// incident's processes opened: data the attack read.
func (x *explained) credentialReads() {
	g := x.inv.g
	for _, n := range x.memberNodes() {
		if g.Node(n).Entity.Kind != event.KindProcess {
			continue
		}
		for _, e := range g.Out(n) {
			ed := g.Edge(e)
			to := g.Node(ed.To).Entity
			switch {
			case g.Kind(ed.Kind) == "access" && to.Kind == event.KindProcess && strings.EqualFold(baseOf(to.Name), "lsass.exe"):
				x.edges[e] = true
				x.members[ed.To] = "data"
			case to.Kind == event.KindFile && strings.EqualFold(path.Ext(to.Name), ".dmp") && !graph.Weak(g.Kind(ed.Kind)):
				x.edges[e] = true // a memory dump the attack wrote
				x.members[ed.To] = "data"
			}
		}
	}
	// Cloud data the attack's keys and sessions read during the attack.
	since := x.inv.anchors[x.group[0]].at.Add(-habitualWindow).UnixNano()
	// Files that were there before, which the attack's processes and
	// sessions deleted en masse: what it destroyed, or encrypted into new
	// files. A few deletions are a tool cleaning up after itself; a
	// program deleting the files it wrote (a browser's caches) is its own
	// housekeeping.
	for _, n := range x.memberNodes() {
		if k := g.Node(n).Entity.Kind; k != event.KindProcess && k != event.KindSession {
			continue
		}
		var deleted []graph.EdgeID
		for _, e := range g.Out(n) {
			ed := g.Edge(e)
			if k := g.Kind(ed.Kind); (k == "delete" || k == "share_delete") && g.Node(ed.To).Entity.Kind == event.KindFile && ed.Last >= since && !x.inv.written(ed.To) {
				deleted = append(deleted, e)
			}
		}
		if len(deleted) < massDeletion {
			continue
		}
		for _, e := range deleted {
			x.edges[e] = true
			if _, ok := x.members[g.Edge(e).To]; !ok {
				x.members[g.Edge(e).To] = "data"
			}
		}
	}
	for _, n := range x.memberNodes() {
		if k := g.Node(n).Entity.Kind; k != event.KindSession && k != event.KindCredential {
			continue
		}
		for _, e := range g.In(n) {
			ed := g.Edge(e)
			if strings.HasPrefix(g.Kind(ed.Kind), "read:") && ed.Last >= since && isData(g.Node(ed.From).Entity) {
				x.edges[e] = true
				if _, ok := x.members[ed.From]; !ok {
					x.members[ed.From] = "data"
				}
			}
		}
	}
	// Instance credentials used from outside the network: the key is what
	// the attack took.
	for _, n := range x.memberNodes() {
		if k := g.Node(n).Entity.Kind; (k == event.KindSession || k == event.KindCredential) && x.inv.hasEdge(n, true, "instance") && x.usedFromOutside(n) {
			x.members[n] = "data"
		}
	}
}

// usedFromOutside reports whether a session, or the session a key
// authenticated, acted from an address outside the network.
func (x *explained) usedFromOutside(n graph.NodeID) bool {
	if x.inv.fromExternal(n) {
		return true
	}
	g := x.inv.g
	for _, e := range g.Out(n) {
		if ed := g.Edge(e); g.Kind(ed.Kind) == "key" && x.inv.fromExternal(ed.To) {
			return true
		}
	}
	return false
}

// onlyMembers reports whether only the incident's processes talked to an
// endpoint: an address the attack alone used, not a shared server.
func (x *explained) onlyMembers(n graph.NodeID) bool {
	g := x.inv.g
	for _, e := range g.In(n) {
		from := g.Edge(e).From
		if _, ok := x.members[from]; !ok && g.Node(from).Entity.Kind == event.KindProcess {
			return false
		}
	}
	return true
}

// identityChain adds the keys, sessions and principals behind an identity
// the attack used: who issued its session, which key it used, whom it
// acted as.
func (x *explained) identityChain(n graph.NodeID, at time.Time) {
	g := x.inv.g
	switch g.Node(n).Entity.Kind {
	case event.KindSession, event.KindCredential, event.KindPrincipal:
	default:
		return
	}
	attack := x.inv.anchors[x.group[0]].at
	identity := func(e graph.EdgeID) bool {
		switch k := g.Kind(g.Edge(e).Kind); k {
		case "from":
			return x.inv.habitual(g.Edge(e).From, attack) // the owner's usual address is not the attacker's
		case "key", "as", "role", "instance":
			return false
		default:
			return !strings.HasPrefix(k, "issue:")
		}
	}
	w := graph.Walk{Horizon: x.inv.cfg.Horizon, MaxNodes: 50, Skip: identity}
	for _, rs := range [][]graph.Reach{g.Backtrack(n, at, w), g.Forward(n, at, w)} {
		for i, r := range rs {
			if i > 0 && r.Depth <= 3 {
				for _, e := range graph.Path(rs, i) {
					x.edges[e] = true
					ed := g.Edge(e)
					x.add(ed.From, "attacker")
					x.add(ed.To, "attacker")
				}
			}
		}
	}
}
