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
