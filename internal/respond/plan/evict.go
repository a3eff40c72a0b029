package plan

import (
	"cmp"
	"slices"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// exposing are the calls that open a bucket to the public.
var exposing = []string{
	"call:PutBucketPolicy", "call:PutBucketAcl", "call:PutObjectAcl", "call:PutBucketWebsite",
	"call:DeleteBucketPublicAccessBlock", "call:DeletePublicAccessBlock", "call:PutPublicAccessBlock",
}

// evict adds, for every foothold the cut leaves in the attacker's hands,
// the cheapest permitted action that takes it back: a stolen key is
// deactivated, a role's stolen sessions revoked, a compromised user
// suspended, a bucket the attacker opened closed again. Host-local
// footholds need nothing here: the cut contains their hosts (isolation, or
// every foothold on the host acted on). A protected foothold gets a
// notification instead.
func (p *planner) evict() {
	for i := range p.nodes {
		n := p.nodes[i]
		switch {
		case n.foothold && !n.cls.local() && !n.cls.hostLike() && identity(n):
			p.evictIdentity(i)
		case n.foothold && n.cls == clLocal && n.ent.Kind == event.KindPrincipal:
			p.evictAccount(i)
		case (n.isRC || n.role == "root-cause") && (n.cls == clExternalIP || n.cls == clInternalIP):
			p.evictAddress(i, false)
		case (n.cls == clExternalIP || n.cls == clInternalIP) && p.commandAndControl(i):
			p.evictAddress(i, true)
		case n.cls == clBucket:
			p.evictExposure(i)
		}
	}
}

// identity reports whether a node is a key, a session or a principal.
func identity(n node) bool {
	k := n.ent.Kind
	return k == event.KindCredential || k == event.KindSession || k == event.KindPrincipal
}

// has reports whether the plan holds an action of a kind on a target.
func (p *planner) has(k action.Kind, target string) bool {
	for _, pl := range p.actions {
		if pl.act.Kind == k && pl.act.Target.ID == target {
			return true
		}
	}
	return false
}

// covered reports whether the plan already takes an identity back.
func (p *planner) covered(i int) bool {
	n := p.nodes[i]
	id := n.ent.ID
	role := func(arn string) bool {
		return arn != "" && (p.has(action.AWSRevokeSessions, "principal:"+arn) || p.has(action.AWSDenyAll, "principal:"+arn))
	}
	idp := func(u string) bool { return p.has(action.IdPSuspendUser, u) || p.has(action.IdPRevokeSessions, u) }
	switch n.cls {
	case clAWSKey:
		o := p.ownerOf(i)
		return p.has(action.AWSDeactivateKey, id) || o >= 0 && p.has(action.AWSDenyAll, p.nodes[o].ent.ID)
	case clAWSSession, clAWSTempKey:
		if u := p.issuerOf(i); u >= 0 && p.has(action.AWSDenyAll, p.nodes[u].ent.ID) {
			return true
		}
		return role(p.roleOf(i))
	case clAWSRole:
		return role(principalRole(id))
	case clIdPSession:
		u := p.userOf(i)
		return u >= 0 && idp(p.nodes[u].ent.ID)
	case clIdPUser:
		return idp(id)
	case clAWSUser:
		if p.has(action.AWSDenyAll, id) {
			return true
		}
		for k := range p.nodes {
			if p.nodes[k].cls == clAWSKey && p.ownerOf(k) == i && p.has(action.AWSDeactivateKey, p.nodes[k].ent.ID) {
				return true
			}
		}
	}
	return false
}

// evictIdentity takes back a key, session or principal the attacker holds.
func (p *planner) evictIdentity(i int) {
	n := p.nodes[i]
	if p.covered(i) {
		return
	}
	var opts []option
	switch n.cls {
	case clAWSRole:
		if r := principalRole(n.ent.ID); r != "" {
			opts = []option{p.revoke(r), p.denyRole(r)}
		}
	default:
		if c := p.units[n.unit].cand; c >= 0 {
			opts = append(slices.Clone(p.cands[c].opts), p.cands[c].barred...)
		}
	}
	p.evictWith(i, opts)
}

// evictWith takes the cheapest permitted option, or notifies the owner
// when every option is barred. A root cause or compromised identity with
// no option at all is notified too; an attacker node with none is left to
// the explanation.
func (p *planner) evictWith(i int, opts []option) {
	var permitted, barred []option
	for _, o := range opts {
		if o.barred == "" {
			permitted = append(permitted, o)
		} else {
			barred = append(barred, o)
		}
	}
	slices.SortStableFunc(permitted, func(a, b option) int { return cmp.Compare(a.cost, b.cost) })
	n := p.nodes[i]
	switch {
	case len(permitted) > 0:
		for _, a := range permitted[0].acts {
			pl := p.take(a, permitted[0])
			pl.evicts = append(pl.evicts, i)
		}
	case len(barred) > 0:
		pl := p.notifyFor(n.unit, barred[0], nil)
		pl.evicts = append(pl.evicts, i)
	case n.isRC || n.role == "root-cause" || n.role == "compromised":
		pl := p.notifyFor(n.unit, option{}, nil)
		pl.evicts = append(pl.evicts, i)
	default:
		p.notes = append(p.notes, "No action kind evicts "+n.ent.ID+"; it stays in the incident for a person to handle.")
	}
}

// evictAccount locks a compromised local account, unless its host is
// isolated or it is an account no one locks.
func (p *planner) evictAccount(i int) {
	n := p.nodes[i]
	h := p.nodes[n.host]
	user := localPath(n.ent.ID, strings.TrimPrefix(h.ent.ID, "host:"))
	if slices.Contains(wellKnownAccounts, strings.ToLower(user)) || p.contained(n.host) ||
		p.has(action.HostLockAccount, n.ent.ID) {
		return
	}
	o := p.single(action.HostLockAccount, n.ent, weight(max(h.asset.Criticality, known(n.asset))), 1,
		map[string]string{"host": h.ent.ID, "account": user}, guard(n.asset, h.asset))
	p.evictWith(i, []option{o})
}

// contained reports whether the plan isolates or quarantines a host.
func (p *planner) contained(h int) bool {
	id := p.nodes[h].ent.ID
	return p.has(action.HostIsolate, id) || p.has(action.AWSQuarantineInstance, id)
}

// evictAddress blocks a root-cause address on every host it reached that
// the plan neither isolates nor already blocks it on.
func (p *planner) evictAddress(i int, evenIfContained bool) {
	ip := p.nodes[i].unit
	var hosts []int
	for _, e := range p.edges {
		for _, pair := range [][2]int{{e.from, e.to}, {e.to, e.from}} {
			if p.nodes[pair[0]].unit != ip {
				continue
			}
			if h := p.attach(p.nodes[pair[1]].unit); p.units[h].cls.hostLike() && !slices.Contains(hosts, h) {
				hosts = append(hosts, h)
			}
		}
	}
	slices.Sort(hosts)
	for _, h := range hosts {
		c := p.blockCand(ip, h)
		if !evenIfContained && p.contained(p.units[h].rep) || slices.Contains(p.chosen, c) {
			continue
		}
		p.evictWith(i, append(slices.Clone(p.cands[c].opts), p.cands[c].barred...))
	}
}

// commandAndControl reports an address the attack's processes kept
// talking to: a server port only the incident's processes used (the
// investigation includes no shared server). It is blocked even where the
// host is isolated, since isolation is undone when its time is up and the
// server stays the attacker's.
func (p *planner) commandAndControl(i int) bool {
	n := p.nodes[i]
	if n.ent.Kind != event.KindEndpoint || !strings.Contains(strings.TrimPrefix(n.ent.ID, "ip:"), ":") || n.role == "" || n.role == "data" {
		return false
	}
	for _, ei := range p.in[i] {
		e := p.edges[ei]
		if p.nodes[e.from].ent.Kind == event.KindProcess && (e.kind == "connect" || e.kind == "http" || e.kind == "request" || e.kind == "tls") {
			return true
		}
	}
	return false
}

// evictExposure closes a bucket a foothold opened to the public, when the
// cut has not.
func (p *planner) evictExposure(i int) {
	for _, ei := range p.in[i] {
		e := p.edges[ei]
		if !p.nodes[e.from].foothold || !slices.Contains(exposing, e.kind) {
			continue
		}
		name := bucket(p.nodes[i].ent.ID)
		if p.has(action.AWSBlockPublicS3, "resource:arn:aws:s3:::"+name) {
			return
		}
		ent := event.Entity{Kind: event.KindResource, ID: "resource:arn:aws:s3:::" + name, Name: name}
		a := p.inv.Lookup(ent)
		o := p.single(action.AWSBlockPublicS3, ent, weight(a.Criticality), 1, map[string]string{"bucket": name}, guard(a))
		p.evictWith(i, []option{o})
		return
	}
}
