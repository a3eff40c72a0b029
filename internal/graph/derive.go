package graph

import (
	"net/netip"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// refs holds an event's entities by role; targets may repeat.
type refs struct {
	host, actor, parent, user, targetUser, session, credential, src, srcHost, dst, image event.Entity
	targets                                                                              []event.Entity
}

// collectRefs sorts an event's entities by role, appending targets to
// scratch.
func collectRefs(ev *event.Event, scratch []event.Entity) refs {
	r := refs{targets: scratch}
	for _, ref := range ev.Refs {
		e := ref.Entity
		if e.ID == "" {
			continue
		}
		switch ref.Role {
		case event.RoleHost:
			r.host = e
		case event.RoleActor:
			r.actor = e
		case event.RoleParent:
			r.parent = e
		case event.RoleUser:
			r.user = e
		case event.RoleTargetUser:
			r.targetUser = e
		case event.RoleSession:
			r.session = e
		case event.RoleCredential:
			r.credential = e
		case event.RoleSrc:
			r.src = e
		case event.RoleSrcHost:
			r.srcHost = e
		case event.RoleDst:
			r.dst = e
		case event.RoleImage:
			r.image = e
		case event.RoleTarget:
			r.targets = append(r.targets, e)
		}
	}
	return r
}

// Add derives the causal edges of one event. Events may arrive in any
// order. Add must not be called after Freeze.
func (g *Graph) Add(ev *event.Event) {
	if g.frozen {
		panic("graph: Add after Freeze")
	}
	r := collectRefs(ev, g.targets[:0])
	g.targets = r.targets
	d := deriver{g: g, ev: ev, t: ev.Time.UnixNano(), failed: ev.Outcome == event.OutcomeFailure, notes: true}
	d.emit = d.add
	if !ev.ID.IsZero() {
		g.noteService(ev, r, d.t)
		g.noteRemote(ev, r, d.t)
		g.noteFlow(ev, r)
		g.noteGUID(ev, r, d.t)
	}
	if pid, ok := actorPID(ev, r); ok {
		// The acting process is known by pid only: resolve it at Freeze,
		// when every process start has been seen.
		g.deferred = append(g.deferred, deferredEvent{ev: ev, pid: pid})
		if ev.Class == event.ClassProcess && ev.Action == "start" {
			d.noteStart(r)
		}
		return
	}
	d.derive(r)
}

// derive emits the edges of the event's entities.
func (d deriver) derive(r refs) {
	if ip := bareIP(r.src); r.srcHost.ID != "" && ip.ID != "" && !IsLocal(ip) && !IsExternal(ip) {
		d.link(r.srcHost, ip, "addr", true, 0) // the origin's name and its address inside the network: one machine
	}
	switch d.ev.Class {
	case event.ClassNetwork, event.ClassHTTP, event.ClassDNS:
		d.network(r)
		return
	case event.ClassLogon, event.ClassAuth:
		d.logon(r) // an acting process here is the logon service, not the one logging on
		return
	}
	d.activity(r)
}

// deriver turns one event into edges, handing each to emit.
type deriver struct {
	g      *Graph
	ev     *event.Event
	t      int64
	failed bool
	notes  bool // record process starts for Freeze (only the first time an event is derived)
	emit   func(from, to event.Entity, kind string, both bool, bytes int64)
}

func (d deriver) link(from, to event.Entity, kind string, both bool, bytes int64) {
	if from.ID != "" && to.ID != "" && from.ID != to.ID {
		d.emit(from, to, kind, both, bytes)
	}
}

// add is the emit of Add: it puts the edge in the graph.
func (d deriver) add(from, to event.Entity, kind string, both bool, bytes int64) {
	g := d.g
	f, t := g.node(from, d.t), g.node(to, d.t)
	g.link(f, t, g.kind(kind), both, d.failed, d.t, bytes, d.ev.ID)
}

// EdgesOf returns the edges an event added (or would add) to the graph,
// for tying findings to the graph.
func (g *Graph) EdgesOf(ev *event.Event) []EdgeID {
	var out []EdgeID
	d := deriver{g: g, ev: ev, t: ev.Time.UnixNano()}
	d.emit = func(from, to event.Entity, kind string, _ bool, _ int64) {
		f, ok1 := g.ids[from.ID]
		t, ok2 := g.ids[to.ID]
		k, ok3 := g.kindIDs[kind]
		if !ok1 || !ok2 || !ok3 {
			return
		}
		for _, e := range g.out[f] {
			if ed := &g.edges[e]; ed.To == t && ed.Kind == k {
				out = append(out, e)
				return
			}
		}
	}
	d.derive(g.refsOf(ev))
	return out
}

// refsOf sorts an event's entities by role, with the acting process
// Freeze resolved for events that name it by pid only.
func (g *Graph) refsOf(ev *event.Event) refs {
	r := collectRefs(ev, nil)
	if a, ok := g.resolved[ev.ID]; ok {
		r.actor = a
	}
	return r
}

// Subject returns the entity an event is about: the new process of a
// process start, otherwise the agent the activity is attributed to (the
// acting process, as Freeze resolved it for events naming it by pid; for
// cloud and identity activity the session, key or principal).
func (g *Graph) Subject(ev *event.Event) event.Entity {
	r := g.refsOf(ev)
	if ev.Class == event.ClassProcess && ev.Action == "start" {
		for _, t := range r.targets {
			if t.Kind == event.KindProcess {
				return t
			}
		}
	}
	if ev.Class == event.ClassLogon || ev.Class == event.ClassAuth {
		for _, e := range []event.Entity{r.session, r.targetUser, r.user} {
			if e.ID != "" {
				return e
			}
		}
	}
	if a := agent(r); a.ID != "" {
		return bareIP(a)
	}
	if len(r.targets) > 0 {
		return r.targets[0]
	}
	return r.host
}

// agent is the entity the event's activity is attributed to: the acting
// process, or for cloud and identity activity the most specific of
// session, key and principal.
func agent(r refs) event.Entity {
	switch {
	case r.actor.Kind == event.KindProcess:
		return r.actor
	case r.session.ID != "":
		return r.session
	case r.credential.ID != "":
		return r.credential
	case r.actor.ID != "":
		return r.actor
	case r.user.ID != "":
		return r.user
	}
	return r.src
}

// activity covers process, file, module, registry, service, script,
// account, audit and cloud API events: context flows into the agent, the
// agent acts on its targets.
func (d deriver) activity(r refs) {
	a := agent(r)
	if a.ID == "" {
		return
	}
	d.context(r, a)
	start := d.ev.Class == event.ClassProcess && d.ev.Action == "start"
	if r.parent.ID != "" && r.actor.Kind == event.KindProcess {
		d.link(r.parent, r.actor, "start", false, 0)
	}
	if start && d.notes {
		defer d.noteStart(r)
	}
	if r.image.ID != "" {
		if start {
			for _, t := range r.targets {
				if t.Kind == event.KindProcess {
					d.link(r.image, t, "exec", false, 0)
				}
			}
		} else if r.actor.Kind == event.KindProcess {
			d.link(r.image, r.actor, "exec", false, 0)
		}
	}
	if d.issues(r, a) {
		return
	}
	kind, read := d.verb()
	for _, t := range r.targets {
		if t.Kind == event.KindHost && d.ev.Class != event.ClassCloudAPI {
			continue
		}
		if d.ev.Class == event.ClassFile && t.Kind == event.KindFile && r.src.ID != "" && !strings.HasPrefix(d.ev.Action, "share_") {
			d.link(bareIP(r.src), t, "download", false, 0) // mark of the web: where it came from (a share access names its client)
		}
		if start && t.Kind == event.KindProcess && r.session.ID != "" {
			d.link(r.session, t, "session", false, 0)
			if a.Kind != event.KindProcess {
				continue // the creator is unknown: the session did not start it
			}
		}
		if read {
			d.link(t, a, kind, false, d.ev.BytesIn)
		} else {
			d.link(a, t, kind, false, d.ev.BytesOut)
		}
	}
	if r.targetUser.ID != "" && (d.ev.Class == event.ClassAccount || d.ev.Class == event.ClassCloudAPI) {
		d.link(a, r.targetUser, kind, false, 0)
	}
}

// context links what the agent acted through: the address it came from,
// the key it used, the principal it acted as.
func (d deriver) context(r refs, a event.Entity) {
	if a.Kind == event.KindProcess {
		return
	}
	if r.src.ID != "" && r.src.ID != a.ID {
		d.link(bareIP(r.src), a, "from", false, 0)
	}
	if r.credential.ID != "" && r.credential.ID != a.ID {
		d.link(r.credential, a, "key", false, 0)
	}
	if r.actor.ID != "" && r.actor.ID != a.ID {
		d.link(r.actor, a, "as", false, 0)
	}
	if a.Kind == event.KindSession && r.user.Kind == event.KindPrincipal && r.user.ID != a.ID && !strings.HasPrefix(r.user.ID, "principal:arn:") {
		d.link(r.user, a, "as", false, 0) // an identity provider's user acting in a session of theirs
	}
	if d.ev.Class == event.ClassCloudAPI && r.host.ID != "" && (a.Kind == event.KindSession || a.Kind == event.KindCredential) {
		d.link(r.host, a, "instance", false, 0) // an instance's role session
		if r.credential.ID != "" && r.credential.ID != a.ID {
			d.link(r.host, r.credential, "instance", false, 0)
		}
	}
}

// issues handles events that hand out credentials (AssumeRole,
// GetSessionToken, CreateAccessKey): the agent issues each new session or
// key, and the role and instance they belong to lead to them.
func (d deriver) issues(r refs, a event.Entity) bool {
	var issued []event.Entity
	for _, t := range r.targets {
		if t.Kind == event.KindSession || t.Kind == event.KindCredential {
			issued = append(issued, t)
		}
	}
	if len(issued) == 0 || d.ev.Class != event.ClassCloudAPI {
		return false
	}
	for _, s := range issued {
		d.link(a, s, "issue:"+d.ev.Action, false, 0)
		if r.targetUser.ID != "" {
			d.link(r.targetUser, s, "role", false, 0)
		}
		for _, t := range r.targets {
			if t.Kind == event.KindHost {
				d.link(t, s, "instance", false, 0)
			}
		}
	}
	for _, t := range r.targets {
		if t.Kind != event.KindSession && t.Kind != event.KindCredential && t.Kind != event.KindHost {
			d.link(a, t, "call:"+d.ev.Action, false, 0)
		}
	}
	return true
}

// verb returns the edge kind of an activity and whether data flowed from
// the target to the agent (a read) rather than the other way.
func (d deriver) verb() (string, bool) {
	act := d.ev.Action
	if d.ev.Class == event.ClassCloudAPI || d.ev.Class == event.ClassAudit && act != "clear" && act != "" {
		if ro, _ := d.ev.Get("readOnly"); ro == "true" || d.ev.BytesIn > 0 {
			return "read:" + act, true
		}
		return "call:" + act, false
	}
	switch d.ev.Class {
	case event.ClassModule:
		return "load", true
	case event.ClassFile:
		switch act {
		case "read", "open", "raw_read", "share_access":
			return "read", true
		}
	case event.ClassRegistry:
		switch act {
		case "open", "access", "query":
			return "reg:read", true
		}
		return "reg:" + act, false
	}
	if act == "" {
		act = string(d.ev.Class)
	}
	return act, false
}

// logon covers logons and authentications without an acting process: the
// source address and the account lead to the session, the session to the
// host.
func (d deriver) logon(r refs) {
	who := r.targetUser
	if who.ID == "" {
		who = r.user
	}
	if who.ID == "" {
		who = r.actor
	}
	subject := r.session
	if subject.ID == "" {
		subject = who
	} else if who.ID != "" {
		d.link(who, subject, "as", false, 0)
	}
	if subject.ID == "" || d.ev.Action == "logoff" {
		return
	}
	if r.user.ID != "" && r.targetUser.ID != "" && r.user.ID != r.targetUser.ID && r.session.ID == "" {
		d.link(r.user, r.targetUser, d.ev.Action, false, 0) // su, sudo, runas: one account became another
	}
	kind := d.ev.Action
	if kind == "" {
		kind = string(d.ev.Class)
	}
	if r.src.ID != "" {
		d.link(bareIP(r.src), subject, kind, false, 0)
	}
	if r.credential.ID != "" {
		d.link(r.credential, subject, "key", false, 0)
	}
	if r.host.ID != "" && d.ev.Class == event.ClassLogon {
		d.link(subject, r.host, "on", false, 0)
	}
	for _, t := range r.targets {
		if t.ID != subject.ID {
			d.link(subject, t, kind, false, 0)
		}
	}
}

// network covers connections, flows, DNS and HTTP: an exchange both ways
// between the process (or the source address) and the destination.
func (d deriver) network(r refs) {
	kind := d.ev.Action
	if kind == "" {
		kind = string(d.ev.Class)
	}
	dst := r.dst
	if dst.ID == "" && len(r.targets) > 0 && r.targets[0].Kind == event.KindEndpoint {
		dst = r.targets[0]
	}
	src := bareIP(r.src)
	if discovery(dst) || discovery(src) {
		return // mDNS, LLMNR, SSDP, broadcasts: everyone talks to them
	}
	if ip := bareIP(dst); ip.ID != dst.ID {
		d.link(dst, ip, "addr", true, 0)
	}
	if r.actor.Kind == event.KindProcess {
		local, remote := src, dst
		if kind == "accept" {
			local, remote = bareIP(dst), src
			d.link(remote, r.actor, kind, true, d.ev.BytesIn)
		} else {
			d.link(r.actor, remote, kind, true, d.ev.BytesOut)
		}
		if r.host.ID != "" && local.ID != "" {
			d.link(r.host, local, "addr", true, 0)
		}
		if r.image.ID != "" {
			d.link(r.image, r.actor, "exec", false, 0)
		}
		return
	}
	if src.ID != "" && dst.ID != "" {
		d.link(src, dst, kind, true, d.ev.BytesOut)
	}
	if who := r.user; who.ID != "" && src.ID != "" {
		d.link(src, who, "auth", false, 0)
	}
}

// bareIP drops the port of an endpoint ("ip:10.0.0.5:49152" -> "ip:10.0.0.5"):
// source ports are ephemeral, and addresses join across sources.
func bareIP(e event.Entity) event.Entity {
	if e.Kind != event.KindEndpoint || !strings.HasPrefix(e.ID, "ip:") {
		return e
	}
	if ap, err := netip.ParseAddrPort(e.Name); err == nil {
		return event.IP(ap.Addr().String())
	}
	return e
}

// discovery reports multicast and broadcast destinations, whose traffic
// ties every host to every other and explains nothing.
func discovery(e event.Entity) bool {
	a, _, ok := Address(e)
	return ok && (a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}))
}
