package graph

import (
	"strconv"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// A network logon (4624 type 3: SMB, RPC, WinRM) names the address and
// source port it came from; the connection that carried it, as Sysmon 3
// saw it on the client, names the same address and port and the process
// that opened it. Freeze joins them with a "remote" edge from that
// process to the session it opened on the other host, so that what the
// session does there (a service it installs, the processes it starts)
// follows from the client's process.

// remoteConn is an outgoing connection of a known process, as its host
// logged it: for linkRemote and linkFlows.
type remoteConn struct {
	src  string // ip:<addr>:<port>
	dst  string // the destination endpoint's id, when the event names it
	at   int64
	ev   event.ID
	proc event.Entity
}

// remoteLogon is a logon session opened from an address and port.
type remoteLogon struct {
	src     string // ip:<addr>:<port>
	at      int64
	ev      event.ID
	session event.Entity
}

// noteRemote records outgoing connections of processes and logons that
// name their source port, for linkRemote.
func (g *Graph) noteRemote(ev *event.Event, r refs, t int64) {
	switch ev.Class {
	case event.ClassNetwork:
		if ev.Action != "connect" || r.actor.Kind != event.KindProcess || !remoteSource(r.src) {
			return
		}
		g.conns = append(g.conns, remoteConn{src: r.src.ID, dst: r.dst.ID, at: t, ev: ev.ID, proc: r.actor})
	case event.ClassLogon:
		if ev.Action != "logon" || ev.Outcome == event.OutcomeFailure || r.session.ID == "" || r.src.ID == "" {
			return
		}
		port, err := strconv.Atoi(ev.Value("IpPort"))
		if err != nil || port <= 0 || port > 65535 {
			return
		}
		a, _, ok := Address(r.src)
		if !ok {
			return
		}
		src := event.Endpoint(a.String(), port)
		if !remoteSource(src) {
			return
		}
		g.logons = append(g.logons, remoteLogon{src: src.ID, at: t, ev: ev.ID, session: r.session})
	}
}

// remoteSource reports a source endpoint with an address other than the
// machine itself and a port.
func remoteSource(e event.Entity) bool {
	a, port, ok := Address(e)
	return ok && port > 0 && !a.IsLoopback() && !a.IsUnspecified()
}

// linkRemote gives each logon the connection from the same address and
// port closest in time to it, within the clock skew either way (the two
// ends are different hosts, with different clocks), and links the
// connecting process to the session with a "remote" edge.
func (g *Graph) linkRemote() {
	k := g.kind("remote")
	for _, l := range g.logons {
		c := g.closestConn(l.src, "", l.at)
		if c == nil {
			continue
		}
		f, t := g.node(c.proc, c.at), g.node(l.session, l.at)
		g.link(f, t, k, false, false, c.at, 0, c.ev)
		g.link(f, t, k, false, false, l.at, 0, l.ev)
	}
	g.logons = nil
}

// closestConn returns the process connection from src (to dst, unless
// dst is empty) closest in time to at, within the clock skew either way;
// nil when there is none.
func (g *Graph) closestConn(src, dst string, at int64) *remoteConn {
	if g.connsBySrc == nil {
		g.connsBySrc = map[string][]int{}
		for i, c := range g.conns {
			g.connsBySrc[c.src] = append(g.connsBySrc[c.src], i)
		}
	}
	var best *remoteConn
	bestD := int64(g.cfg.Skew)
	for _, i := range g.connsBySrc[src] {
		c := &g.conns[i]
		if dst != "" && c.dst != dst {
			continue
		}
		d := c.at - at
		if d < 0 {
			d = -d
		}
		if d <= bestD && (best == nil || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}
