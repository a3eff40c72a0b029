package graph

import (
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// sameWindow is how far apart two records of one process start may be
// stamped: Sysmon's UtcTime and the Security log's record time differ by
// milliseconds.
const sameWindow = 2 * time.Second

// procStart is a process start seen by one source.
type procStart struct {
	key  string // host/pid
	at   int64
	node NodeID
	ev   event.ID
	guid bool
}

// noteStart remembers a process start so that Freeze can tie together the
// ids two sources give the same process: Sysmon's GUID and the Security
// log's host + pid + time.
func (d deriver) noteStart(r refs) {
	g := d.g
	if g.frozen || d.ev.ID.IsZero() {
		return
	}
	for _, t := range r.targets {
		if t.Kind != event.KindProcess {
			continue
		}
		host, rest, ok := strings.Cut(strings.TrimPrefix(t.ID, "process:"), "/")
		if !ok {
			continue
		}
		if pidPart, ok := strings.CutPrefix(rest, "pid/"); ok {
			pid, _, _ := strings.Cut(pidPart, "@")
			g.starts = append(g.starts, procStart{key: host + "/" + pid, at: d.t, node: g.node(t, d.t), ev: d.ev.ID})
			continue
		}
		pid, ok := d.ev.Get("ProcessId")
		if !ok {
			continue
		}
		if _, err := strconv.ParseUint(pid, 10, 32); err != nil {
			continue
		}
		g.starts = append(g.starts, procStart{key: host + "/" + pid, at: d.t, node: g.node(t, d.t), ev: d.ev.ID, guid: true})
	}
}

// linkSame joins each pid-keyed process start to the GUID-keyed start of
// the same host and pid within sameWindow, with a "same" edge both ways.
func (g *Graph) linkSame() {
	byKey := map[string][]procStart{}
	for _, s := range g.starts {
		if s.guid {
			byKey[s.key] = append(byKey[s.key], s)
		}
	}
	k := g.kind("same")
	for _, s := range g.starts {
		if s.guid {
			continue
		}
		for _, o := range byKey[s.key] {
			if d := o.at - s.at; d <= int64(sameWindow) && d >= -int64(sameWindow) {
				g.link(o.node, s.node, k, true, false, o.at, 0, o.ev)
				g.link(o.node, s.node, k, true, false, s.at, 0, s.ev)
				break
			}
		}
	}
	g.starts = nil
}

// deferredEvent is an event whose acting process is named by pid only (the
// Security log's ProcessId), waiting for Freeze to resolve it.
type deferredEvent struct {
	ev  *event.Event
	pid string
}

// actorPID returns the pid of an event's acting process when the event
// names it only by pid: no actor ref, an image, a ProcessId field. Logons
// and network events are derived as they come.
func actorPID(ev *event.Event, r refs) (string, bool) {
	if r.actor.ID != "" || r.image.ID == "" {
		return "", false
	}
	switch ev.Class {
	case event.ClassLogon, event.ClassAuth, event.ClassNetwork, event.ClassDNS, event.ClassHTTP:
		return "", false
	}
	v, ok := ev.Get("ProcessId")
	if !ok {
		return "", false
	}
	return decimalPID(v)
}

// decimalPID reads a process id written in decimal or as 0x-prefixed hex
// (the Security log writes both) and returns it in decimal; 0 is no
// process.
func decimalPID(v string) (string, bool) {
	var n uint64
	var err error
	if h, ok := strings.CutPrefix(strings.ToLower(v), "0x"); ok {
		n, err = strconv.ParseUint(h, 16, 32)
	} else {
		n, err = strconv.ParseUint(v, 10, 32)
	}
	if err != nil || n == 0 {
		return "", false
	}
	return strconv.FormatUint(n, 10), true
}

// resolveDeferred derives the events waiting for their acting process,
// each with the process of its host and pid that started last before it
// (within the skew) and whose image matches; without one, the event is
// derived as it is.
func (g *Graph) resolveDeferred() {
	byKey := map[string][]procStart{}
	for _, s := range g.starts {
		byKey[s.key] = append(byKey[s.key], s)
	}
	for _, de := range g.deferred {
		ev := de.ev
		r := collectRefs(ev, nil)
		host := strings.TrimPrefix(r.host.ID, "host:")
		image := r.image.Name
		if ev.Class == event.ClassProcess && ev.Action == "start" {
			image, _ = ev.Get("ParentProcessName")
		}
		t := ev.Time.UnixNano()
		if best := g.startBefore(byKey[host+"/"+de.pid], t, image); best != nil {
			r.actor = g.nodes[best.node].Entity
			g.resolved[ev.ID] = r.actor
		}
		d := deriver{g: g, ev: ev, t: t, failed: ev.Outcome == event.OutcomeFailure}
		d.emit = d.add
		d.derive(r)
	}
	g.deferred = nil
}

// startBefore picks the process an event by pid belongs to: the latest
// start of that pid with a matching image at or before the event
// (preferring Sysmon's GUID record to the Security log's), or, when the
// clocks disagree, the first one within the skew after it.
func (g *Graph) startBefore(starts []procStart, t int64, image string) *procStart {
	var before, after *procStart
	for i := range starts {
		s := &starts[i]
		if !sameImage(g.nodes[s.node].Entity.Name, image) {
			continue
		}
		switch {
		case s.at <= t:
			if before == nil || s.at > before.at || s.at == before.at && s.guid && !before.guid {
				before = s
			}
		case s.at <= t+int64(g.cfg.Skew):
			if after == nil || s.at < after.at || s.at == after.at && s.guid && !after.guid {
				after = s
			}
		}
	}
	best := before
	if best == nil {
		best = after
	}
	if best == nil || best.guid {
		return best
	}
	// The same start as Sysmon records it (see linkSame) names the process
	// by its GUID: prefer that id.
	for i := range starts {
		s := &starts[i]
		if d := s.at - best.at; s.guid && d <= int64(sameWindow) && d >= -int64(sameWindow) && sameImage(g.nodes[s.node].Entity.Name, image) {
			return s
		}
	}
	return best
}

// sameImage compares two executable paths by file name, ignoring case;
// an unknown one matches anything.
func sameImage(a, b string) bool {
	if a == "" || b == "" {
		return true
	}
	return strings.EqualFold(baseName(a), baseName(b))
}
