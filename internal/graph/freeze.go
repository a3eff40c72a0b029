package graph

import (
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// HubMinDegree is the fewest distinct edges a node needs to count as a
// hub, however small the graph.
const HubMinDegree = 40

// Freeze ends the build: it recognizes hubs and scores every transition's
// rarity. After Freeze the graph is read-only.
func (g *Graph) Freeze() {
	if g.frozen {
		return
	}
	g.resolveDeferred()
	g.linkServices()
	g.linkRemote()
	g.linkFlows()
	g.linkSame()
	g.linkGUIDs()
	g.linkApps()
	g.indexNames()
	g.frozen = true
	g.findHubs()
	g.scoreRarity()
	g.index = nil // only Add needs it
	g.targets = nil
}

// HubMinPeers is the fewest distinct peers that make a network endpoint a
// hub: a resolver, a domain controller, a proxy.
const HubMinPeers = 10

// findHubs marks the nodes whose degree is far above the graph's: the
// services.exe that starts every service, the DLL every process loads,
// the resolver every host asks. Paths through them explain nothing. A hub
// has at least HubMinDegree edges and at least 20 times the mean degree
// of nodes of its kind; an endpoint is a hub from HubMinPeers distinct
// peers.
func (g *Graph) findHubs() {
	g.hub = make([]bool, len(g.nodes))
	sum := map[event.Kind]int{}
	cnt := map[event.Kind]int{}
	for n := range g.nodes {
		k := g.nodes[n].Entity.Kind
		sum[k] += len(g.in[n]) + len(g.out[n])
		cnt[k]++
	}
	for n := range g.nodes {
		k := g.nodes[n].Entity.Kind
		deg := len(g.in[n]) + len(g.out[n])
		mean := float64(sum[k]) / float64(cnt[k])
		g.hub[n] = deg >= HubMinDegree && float64(deg) >= 20*mean
		if k == event.KindEndpoint && !g.hub[n] && deg >= HubMinPeers {
			g.hub[n] = g.peers(NodeID(n)) >= HubMinPeers
		}
	}
}

// IsHub reports whether n is a hub. Before Freeze nothing is.
func (g *Graph) IsHub(n NodeID) bool { return g.hub != nil && g.hub[n] }

// scoreRarity learns how common each transition is from the graph itself
// (as NoDoze does from history), where a transition is an edge kind
// between node labels. Two signs of rarity are averaged: the share of
// edges of the kind from such nodes that go to such nodes (smoothed, so
// one observation is not certainty), and how often the transition occurs
// at all (ten or more times is common). "explorer.exe starts cmd.exe" is
// common, "winword.exe starts powershell.exe" is rare.
func (g *Graph) scoreRarity() {
	labels := make([]string, len(g.nodes))
	for n := range g.nodes {
		labels[n] = Label(g.nodes[n].Entity)
	}
	type fromKey struct {
		from string
		kind uint32
	}
	type transKey struct {
		fromKey
		to string
	}
	base := map[fromKey]int{}
	trans := map[transKey]int{}
	for _, e := range g.edges {
		fk := fromKey{labels[e.From], e.Kind}
		base[fk]++
		trans[transKey{fk, labels[e.To]}]++
	}
	g.rarity = make([]float32, len(g.edges))
	for i, e := range g.edges {
		fk := fromKey{labels[e.From], e.Kind}
		t := float32(trans[transKey{fk, labels[e.To]}])
		share := 1 - t/float32(base[fk]+1)
		seldom := max(0, 1-(t-1)/commonTransition)
		g.rarity[i] = (share + seldom) / 2
	}
}

// commonTransition is how many occurrences make a transition common.
const commonTransition = 10

// Rarity returns how unusual edge e's transition is, from 0 (every edge of
// its kind from such nodes goes to such nodes) towards 1. Before Freeze it
// is 0.
func (g *Graph) Rarity(e EdgeID) float32 {
	if g.rarity == nil {
		return 0
	}
	return g.rarity[e]
}

// Label is the class of an entity for learning what is usual: a process by
// its image name, a file by folder class and extension, an address by
// whether it is internal, and its port.
func Label(e event.Entity) string {
	switch e.Kind {
	case event.KindProcess:
		return "process:" + strings.ToLower(baseName(e.Name))
	case event.KindFile:
		return "file:" + folderClass(e.Name) + ":" + strings.ToLower(path.Ext(baseName(e.Name)))
	case event.KindEndpoint:
		return "endpoint:" + addrClass(e)
	case event.KindSession:
		scope, _, _ := strings.Cut(strings.TrimPrefix(e.ID, "session:"), "/")
		if strings.HasPrefix(scope, "host:") {
			scope = "host"
		}
		return "session:" + scope
	case event.KindResource:
		id := strings.TrimPrefix(e.ID, "resource:")
		if strings.HasPrefix(id, "arn:") {
			parts := strings.SplitN(id, ":", 4)
			if len(parts) >= 3 {
				return "resource:arn:" + parts[2]
			}
		}
		if strings.HasPrefix(id, "host:") {
			return "resource:host"
		}
		return "resource"
	}
	return string(e.Kind)
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// folderClass groups file paths by the kind of folder they are in.
func folderClass(p string) string {
	l := strings.ToLower(strings.ReplaceAll(p, `\`, "/"))
	for _, c := range []struct{ sub, class string }{
		{"/temp/", "temp"}, {"/tmp/", "temp"}, {"/downloads/", "downloads"},
		{"/appdata/", "appdata"}, {"/windows/system32/", "system"}, {"/windows/syswow64/", "system"},
		{"/windows/", "windows"}, {"/program files", "programs"}, {"/programdata/", "programdata"},
		{"/users/", "users"}, {"/home/", "users"}, {"/etc/", "etc"}, {"/usr/", "usr"}, {"/var/", "var"},
	} {
		if strings.Contains(l, c.sub) {
			return c.class
		}
	}
	return "other"
}

// addrClass says whether an endpoint is internal or external, with its
// port when it has one, or that it is a domain name.
func addrClass(e event.Entity) string {
	if strings.HasPrefix(e.ID, "domain:") {
		return "domain"
	}
	addr, port, ok := Address(e)
	if !ok {
		return "other"
	}
	p := ""
	if port > 0 {
		p = ":" + strconv.Itoa(int(port))
	}
	if Internal(addr) {
		return "internal" + p
	}
	return "external" + p
}

// Address returns the IP address of an endpoint entity and its port (0
// when it has none); false for domain names and anything else.
func Address(e event.Entity) (netip.Addr, uint16, bool) {
	if e.Kind != event.KindEndpoint || !strings.HasPrefix(e.ID, "ip:") {
		return netip.Addr{}, 0, false
	}
	if a, err := netip.ParseAddr(e.Name); err == nil {
		return a, 0, true
	}
	if ap, err := netip.ParseAddrPort(e.Name); err == nil {
		return ap.Addr(), ap.Port(), true
	}
	return netip.Addr{}, 0, false
}

// Internal reports whether an address is private, loopback or link-local.
func Internal(a netip.Addr) bool {
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsUnspecified()
}

// IsLocal reports whether an endpoint is the machine itself: loopback or
// unspecified.
func IsLocal(e event.Entity) bool {
	a, _, ok := Address(e)
	return ok && (a.IsLoopback() || a.IsUnspecified())
}

// IsExternal reports whether an endpoint entity is a public address.
func IsExternal(e event.Entity) bool {
	a, _, ok := Address(e)
	return ok && !Internal(a)
}

// peers counts the distinct nodes n has edges with.
func (g *Graph) peers(n NodeID) int {
	seen := map[NodeID]bool{}
	for _, e := range g.in[n] {
		seen[g.edges[e].From] = true
	}
	for _, e := range g.out[n] {
		seen[g.edges[e].To] = true
	}
	return len(seen)
}

// Strong reports edge kinds that are causal whenever they occur, however
// common: a parent starting a child, a file running as a process, a
// download, an injection, one process seen by two logs, a service's
// installer leading to the process started from it, a connection leading
// to the logon session it opened on another host, and the identity chain
// of keys, sessions and principals.
func Strong(kind string) bool {
	switch kind {
	case "start", "exec", "download", "inject", "same", "service", "remote", "role", "instance", "key", "as", "from", "logon":
		return true
	}
	return strings.HasPrefix(kind, "issue:")
}

// Weak reports edge kinds that are too common in normal work, or too loose
// a relation, to be followed on rarity alone: process handle opens, module
// loads, registry reads and writes, file reads, pipes, a process being in a
// logon session, a session being on a host. The investigation follows
// them only when an alert is on them.
func Weak(kind string) bool {
	switch kind {
	case "access", "load", "read", "open", "connect_pipe", "create_pipe", "end", "query", "addr", "on", "session":
		return true
	}
	return strings.HasPrefix(kind, "reg:")
}

// HasPort reports whether an endpoint names a port ("ip:10.0.0.5:443").
func HasPort(e event.Entity) bool {
	_, port, ok := Address(e)
	return ok && port > 0
}
