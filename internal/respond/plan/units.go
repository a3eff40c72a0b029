package plan

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond/inventory"
)

// unit is a node of the flow network: one entity, or several the same
// action acts on at once (the addresses ip:A and ip:A:443; the stolen
// sessions of one role and their temporary keys; the objects of a bucket).
type unit struct {
	key      string
	rep      int // representative node; -1 for a bucket's public-access unit
	ent      event.Entity
	cls      class
	members  []int
	host     int // host unit of a host-local unit, else -1
	cand     int // candidate action on the unit, else -1
	source   bool
	sink     sinkAt
	terminal bool // a host to contain: it holds footholds or is compromised
	entry    bool // a compromised host that is a source unless a foothold reaches it
	exposure int  // a bucket's public-access unit, else -1
	bucket   int  // the bucket of a public-access unit, else -1
}

// sinkAt says where a sink unit meets the sink: at its in-node when acting
// on the unit itself does not protect it (a victim process), at its
// out-node when it does (isolating a crown-jewel server).
type sinkAt int

const (
	noSink sinkAt = iota
	sinkIn
	sinkOut
)

// buildUnits groups the nodes into units and marks sources, sinks and the
// hosts to contain.
func (p *planner) buildUnits() {
	p.unitKey = map[string]int{}
	p.blocks = map[[2]int]int{}
	for pass := 0; pass < 2; pass++ { // temporary keys join their session's unit
		for i := range p.nodes {
			if (p.nodes[i].cls == clAWSTempKey) == (pass == 1) {
				p.join(i, p.unitKeyOf(i))
			}
		}
	}
	for u := range p.units {
		if h := p.units[u].rep; p.nodes[h].host >= 0 {
			p.units[u].host = p.nodes[p.nodes[h].host].unit
		}
	}
	p.markSources()
	p.markSinks()
	p.addExposures()
	for u := range p.units {
		p.units[u].cand = p.unitCandidate(u)
	}
}

// join adds a node to the unit of a key.
func (p *planner) join(i int, key string) {
	u, ok := p.unitKey[key]
	if !ok {
		u = len(p.units)
		p.unitKey[key] = u
		n := p.nodes[i]
		p.units = append(p.units, unit{key: key, rep: i, ent: n.ent, cls: n.cls, host: -1, cand: -1, exposure: -1, bucket: -1})
	}
	p.units[u].members = append(p.units[u].members, i)
	p.nodes[i].unit = u
	n := p.nodes[i]
	if (n.cls == clExternalIP || n.cls == clInternalIP) && strings.HasPrefix(key, "ip:") {
		// An address unit stands for the address, whatever the ports.
		a := key[len("ip:"):]
		p.units[u].ent = event.Entity{Kind: event.KindEndpoint, ID: key, Name: a}
	}
	if n.cls.hostLike() || n.cls == clBucket && n.ent.ID == "resource:arn:aws:s3:::"+bucket(n.ent.ID) {
		// A host stands for the address it is named by; a bucket for
		// its objects.
		p.units[u].rep, p.units[u].ent, p.units[u].cls = i, n.ent, n.cls
	}
}

// unitKeyOf returns the key of the unit a node belongs to.
func (p *planner) unitKeyOf(i int) string {
	n := p.nodes[i]
	switch n.cls {
	case clExternalIP, clInternalIP:
		a, _ := inventory.Addr(n.ent.ID)
		if h, ok := p.byID["host:"+a.String()]; ok && n.cls == clInternalIP {
			return p.nodes[h].ent.ID // a host named by its address
		}
		return "ip:" + a.String()
	case clAWSSession:
		if r := p.roleOf(i); r != "" && n.foothold {
			return "aws-sessions:" + r
		}
	case clAWSTempKey:
		for _, ei := range p.out[i] {
			if s := p.edges[ei].to; p.edges[ei].kind == "key" && p.nodes[s].cls == clAWSSession && p.nodes[s].unit >= 0 {
				return p.units[p.nodes[s].unit].key
			}
		}
	case clIdPSession:
		if u := p.userOf(i); u >= 0 && n.foothold {
			return "idp-sessions:" + p.nodes[u].ent.ID
		}
	case clBucket:
		return "s3:" + bucket(n.ent.ID)
	}
	return n.ent.ID
}

// roleOf returns the IAM role ARN of an AWS role session (or temporary
// key): from a role principal linked to it, else from its name.
func (p *planner) roleOf(i int) string {
	for _, ei := range p.in[i] {
		if f := p.nodes[p.edges[ei].from]; f.cls == clAWSRole {
			if r := principalRole(f.ent.ID); r != "" {
				return r
			}
		}
	}
	if r := sessionRole(p.nodes[i].ent.Name); r != "" {
		return r
	}
	return sessionRole(p.nodes[i].ent.ID)
}

// issuerOf returns the node of the IAM user behind a session that is not
// a role's (a federation token, a session token): the user linked to it,
// or the owner of the long-term key that issued it; -1 if unknown.
func (p *planner) issuerOf(i int) int {
	for _, ei := range p.in[i] {
		e := p.edges[ei]
		switch f := p.nodes[e.from]; {
		case f.cls == clAWSUser:
			return e.from
		case f.cls == clAWSKey && strings.HasPrefix(e.kind, "issue:"):
			if o := p.ownerOf(e.from); o >= 0 {
				return o
			}
		}
	}
	return -1
}

// userOf returns the node of the identity-provider user behind a session,
// or -1.
func (p *planner) userOf(i int) int {
	for _, ei := range p.in[i] {
		if f := p.edges[ei].from; p.nodes[f].cls == clIdPUser {
			return f
		}
	}
	return -1
}

// ownerOf returns the node of the IAM user a long-term key belongs to, or
// -1.
func (p *planner) ownerOf(i int) int {
	for _, ei := range p.in[i] {
		if f := p.edges[ei].from; p.nodes[f].cls == clAWSUser {
			return f
		}
	}
	return -1
}

// markSources marks the units the attacker holds, and the hosts to
// contain: those with footholds on them, and compromised ones. A host is a
// source itself when it is a root cause; a compromised host with no
// foothold of its own becomes one only if no path from another foothold
// enters it (buildNetwork decides).
func (p *planner) markSources() {
	for u := range p.units {
		un := &p.units[u]
		for _, i := range un.members {
			n := p.nodes[i]
			switch {
			case n.cls == clExternalIP || n.cls == clAnonymous:
				un.source = true
			case un.cls == clInternalIP && (n.isRC || n.role == "root-cause" || n.role == "compromised" || n.role == "attacker"):
				un.source = true // an unmanaged machine the attacker holds, known by its address
			case n.foothold && !n.cls.hostLike() && n.cls != clLocal && n.cls != clDomain && n.cls != clInternalIP:
				un.source = true
			}
		}
	}
	for u := range p.units {
		if h := p.units[u].host; h >= 0 && p.units[u].source {
			p.units[h].terminal = true
		}
	}
	for u := range p.units {
		un := &p.units[u]
		if !un.cls.hostLike() {
			continue
		}
		for _, i := range un.members {
			n := p.nodes[i]
			if !n.cls.hostLike() {
				continue // an address the host is known by
			}
			switch {
			case n.isRC || n.role == "root-cause":
				un.source = true
			case (n.foothold || n.role == "attacker") && !un.terminal:
				un.entry = true // a source unless the network shows the way in
			case !n.foothold && n.role != "attacker":
				continue
			}
			un.terminal = true
		}
	}
}

// markSinks marks what the attacker must not reach: crown jewels of the
// inventory, and the incident's data and targets that the attacker does
// not hold.
func (p *planner) markSinks() {
	for u := range p.units {
		un := &p.units[u]
		for _, i := range un.members {
			n := p.nodes[i]
			// Addresses are where the attack came from or went to, not
			// what it was after: only the inventory makes one a crown
			// jewel.
			victim := (n.role == "data" || n.role == "target" || n.ent.Kind == event.KindResource && !n.cls.local()) &&
				!n.foothold && n.ent.Kind != event.KindEndpoint
			if !n.asset.CrownJewel && !victim {
				continue
			}
			switch {
			case un.source || un.cls.hostLike():
				un.sink = sinkOut
			case un.sink == noSink:
				un.sink = sinkIn
			}
		}
	}
}

// addExposures gives a bucket that anonymous callers or bare addresses
// reached a public-access unit in front of it: blocking public access
// cuts those paths and no others.
func (p *planner) addExposures() {
	for _, e := range p.edges {
		fwd, back := p.directions(e)
		if fwd {
			p.expose(e.from, e.to)
		}
		if back {
			p.expose(e.to, e.from)
		}
	}
}

func (p *planner) expose(from, to int) {
	b, c := p.nodes[to].unit, p.nodes[from].cls
	if p.units[b].cls != clBucket || p.units[b].exposure >= 0 || c != clAnonymous && c != clExternalIP {
		return
	}
	p.units[b].exposure = len(p.units)
	p.units = append(p.units, unit{key: "public:" + p.units[b].key, rep: -1,
		ent: p.units[b].ent, cls: clOther, host: -1, cand: -1, exposure: -1, bucket: b})
}

// attach returns the unit a link to u meets: its host for host-local
// units, the public-access unit for public links into an exposed bucket.
func (p *planner) attach(u int) int {
	if h := p.units[u].host; h >= 0 {
		return h
	}
	return u
}

// isPublic reports whether a link from unit a into bucket unit b is
// public access.
func (p *planner) isPublic(a, b int) bool {
	c := p.units[a].cls
	return p.units[b].exposure >= 0 && (c == clAnonymous || c == clExternalIP)
}
