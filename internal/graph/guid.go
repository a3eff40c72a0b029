package graph

import (
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Sysmon names a process by a GUID whose second and third groups hold the
// process's start time in seconds ({9ACEDB82-CCD4-6107-...}: 0x6107CCD4,
// 2021-08-02T10:45:40Z); Defender and the Security log name the same
// process by host, pid and start time (process:adfs01/pid/5692@2021-08-
// 02T10:45:40.066Z). A process seen only by its activity in both (no
// start event to pair them) is tied by its pid and that start time:
// Freeze links the two ids with "same" edges.

// guidPID is the pid a GUID-named process was seen with.
type guidPID struct {
	node NodeID
	key  string   // host/pid
	at   int64    // unix nanoseconds
	ev   event.ID // the event that named both
}

// noteGUID records the pid of an event's acting process when the process
// is named by a Sysmon GUID and the event says its pid.
func (g *Graph) noteGUID(ev *event.Event, r refs, t int64) {
	if r.actor.Kind != event.KindProcess {
		return
	}
	host, rest, ok := strings.Cut(strings.TrimPrefix(r.actor.ID, "process:"), "/")
	if !ok || strings.HasPrefix(rest, "pid/") {
		return
	}
	start, ok := guidStart(rest)
	if !ok {
		return
	}
	pid, ok := ev.Get("ProcessId")
	if !ok {
		return
	}
	if pid, ok = decimalPID(pid); !ok {
		return
	}
	g.guids = append(g.guids, guidPID{node: g.node(r.actor, t), key: host + "/" + pid, at: start, ev: ev.ID})
}

// guidStart reads the start time a Sysmon process GUID holds.
func guidStart(guid string) (int64, bool) {
	// 8-4-4-4-12 hex digits: the time is in the second and third groups.
	if len(guid) != 36 || guid[8] != '-' || guid[13] != '-' || guid[18] != '-' || guid[23] != '-' {
		return 0, false
	}
	hi, err1 := strconv.ParseUint(guid[14:18], 16, 16)
	lo, err2 := strconv.ParseUint(guid[9:13], 16, 16)
	if err1 != nil || err2 != nil || hi|lo == 0 {
		return 0, false
	}
	return int64(hi<<16|lo) * int64(time.Second), true
}

// linkGUIDs ties each GUID-named process to the pid-named process of the
// same host and pid that started within a second of the time its GUID
// holds (the GUID keeps whole seconds).
func (g *Graph) linkGUIDs() {
	if len(g.guids) == 0 {
		return
	}
	byKey := map[string][]NodeID{}
	for n := range g.nodes {
		id := g.nodes[n].Entity.ID
		host, rest, ok := strings.Cut(strings.TrimPrefix(id, "process:"), "/")
		if !ok || !strings.HasPrefix(id, "process:") {
			continue
		}
		if pid, _, ok := strings.Cut(strings.TrimPrefix(rest, "pid/"), "@"); ok && strings.HasPrefix(rest, "pid/") {
			byKey[host+"/"+pid] = append(byKey[host+"/"+pid], NodeID(n))
		}
	}
	k := g.kind("same")
	seen := map[[2]NodeID]bool{}
	for _, gp := range g.guids {
		for _, p := range byKey[gp.key] {
			started, ok := pidStart(g.nodes[p].Entity.ID)
			if !ok || started < gp.at || started-gp.at >= int64(time.Second) || seen[[2]NodeID{gp.node, p}] {
				continue
			}
			seen[[2]NodeID{gp.node, p}] = true
			g.link(gp.node, p, k, true, false, started, 0, gp.ev)
		}
	}
	g.guids = nil
}

// pidStart reads the start time of a process named by host, pid and time.
func pidStart(id string) (int64, bool) {
	_, at, ok := strings.Cut(id, "@")
	if !ok {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(at))
	if err != nil {
		return 0, false
	}
	return t.UnixNano(), true
}
