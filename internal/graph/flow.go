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

// sensorFlow is a flow a network sensor logged.
type sensorFlow struct {
	ev       *event.Event
	src, dst string
}

// noteFlow records the flows of a sensor (no host, no process) that name
// both ends with ports, for linkFlows. The hosts' own records of their
// processes' connections are noted by noteRemote.
func (g *Graph) noteFlow(ev *event.Event, r refs) {
	if ev.Class != event.ClassNetwork || r.actor.ID != "" || r.host.ID != "" || !remoteSource(r.src) || r.dst.Kind != event.KindEndpoint || !HasPort(r.dst) {
		return
	}
	g.sensorFlows = append(g.sensorFlows, sensorFlow{ev: ev, src: r.src.ID, dst: r.dst.ID})
}

// linkFlows attributes each sensor flow to the process a host saw open
// it, and adds the flow's edges from that process.
func (g *Graph) linkFlows() {
	for _, sf := range g.sensorFlows {
		t := sf.ev.Time.UnixNano()
		c := g.closestConn(sf.src, sf.dst, t)
		if c == nil {
			continue
		}
		r := collectRefs(sf.ev, nil)
		r.actor = c.proc
		g.resolved[sf.ev.ID] = r.actor
		d := deriver{g: g, ev: sf.ev, t: t, failed: sf.ev.Outcome == event.OutcomeFailure}
		d.emit = d.add
		d.derive(r)
	}
	g.sensorFlows, g.conns, g.connsBySrc = nil, nil, nil
}
