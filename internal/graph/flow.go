package graph

import (
	"github.com/causeway-soc/causeway/internal/model/event"
)

// A network sensor (Zeek) logs a flow by its addresses, ports and volume;
// the host's own agent (Sysmon 3) logs the same connection with the
// process that opened it, but not its volume. Freeze gives each sensor
// flow the process of the host record with the same source and
// destination closest in time (within the clock skew), so that what the
// sensor saw, and the findings on it, belong to the process, and the
// bytes it counted are the process's.

// hostFlow is a connection a host logged with its process.
type hostFlow struct {
	at   int64
	proc event.Entity
}

// sensorFlow is a flow a network sensor logged.
type sensorFlow struct {
	ev  *event.Event
	key string
}

// noteFlow records connections that name both ends with ports: a host's
// with its process, a sensor's (no host, no process) for linkFlows.
func (g *Graph) noteFlow(ev *event.Event, r refs, t int64) {
	if ev.Class != event.ClassNetwork || !remoteSource(r.src) || r.dst.Kind != event.KindEndpoint || !HasPort(r.dst) {
		return
	}
	key := r.src.ID + ">" + r.dst.ID
	switch {
	case r.actor.Kind == event.KindProcess && ev.Action == "connect":
		if g.hostFlows == nil {
			g.hostFlows = map[string][]hostFlow{}
		}
		g.hostFlows[key] = append(g.hostFlows[key], hostFlow{at: t, proc: r.actor})
	case r.actor.ID == "" && r.host.ID == "":
		g.sensorFlows = append(g.sensorFlows, sensorFlow{ev: ev, key: key})
	}
}

// linkFlows attributes each sensor flow to the process a host saw open
// it, and adds the flow's edges from that process.
func (g *Graph) linkFlows() {
	skew := int64(g.cfg.Skew)
	for _, sf := range g.sensorFlows {
		hs := g.hostFlows[sf.key]
		if len(hs) == 0 {
			continue
		}
		t := sf.ev.Time.UnixNano()
		best, bestD := -1, int64(0)
		for i, h := range hs {
			d := h.at - t
			if d < 0 {
				d = -d
			}
			if d <= skew && (best < 0 || d < bestD) {
				best, bestD = i, d
			}
		}
		if best < 0 {
			continue
		}
		r := collectRefs(sf.ev, nil)
		r.actor = hs[best].proc
		g.resolved[sf.ev.ID] = r.actor
		d := deriver{g: g, ev: sf.ev, t: t, failed: sf.ev.Outcome == event.OutcomeFailure}
		d.emit = d.add
		d.derive(r)
	}
	g.hostFlows, g.sensorFlows = nil, nil
}
