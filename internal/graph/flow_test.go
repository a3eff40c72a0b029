package graph_test

import (
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// sensorFlow is a flow a network sensor logged: addresses, ports and
// volume, no host and no process.
func sensorFlow(id string, at time.Duration, src, dst event.Entity, out int64) *event.Event {
	e := ev(id, at, event.ClassNetwork, "flow", ref(event.RoleSrc, src), ref(event.RoleDst, dst))
	e.BytesOut = out
	return e
}

// The sensor's record of a flow belongs to the process the host saw open
// it: the finding on it is about that process, and the process sent the
// bytes the sensor counted.
func TestSensorFlowBelongsToItsProcess(t *testing.T) {
	chrome := proc(1, `C:\Program Files\Google\Chrome\Application\chrome.exe`)
	src, dst := event.Endpoint("10.10.1.26", 51234), event.Endpoint("162.125.69.14", 443)
	zeek := sensorFlow("z", 300*time.Millisecond, src, dst, 150<<20)
	g := build(graph.Config{}, connect("c", 0, chrome, src, dst), zeek)
	if s := g.Subject(zeek); s.ID != chrome.ID {
		t.Errorf("subject of the sensor's flow %s, want the process %s", s.ID, chrome.ID)
	}
	e := g.Edge(findEdge(t, g, chrome, dst, "flow"))
	if e.Bytes != 150<<20 {
		t.Errorf("process sent %d bytes, want the sensor's %d", e.Bytes, 150<<20)
	}
	if len(g.EdgesOf(zeek)) == 0 {
		t.Error("the sensor's event has no edges to mark when a finding cites it")
	}

	// Another source port, or a flow beyond the skew, is another connection.
	for name, z := range map[string]*event.Event{
		"another port": sensorFlow("z", time.Second, event.Endpoint("10.10.1.26", 51235), dst, 10),
		"much later":   sensorFlow("z", 10*time.Minute, src, dst, 10),
	} {
		g := build(graph.Config{}, connect("c", 0, chrome, src, dst), z)
		if s := g.Subject(z); s.ID == chrome.ID {
			t.Errorf("%s: the sensor's flow was given to the process", name)
		}
	}
}
