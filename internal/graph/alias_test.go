package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

const procdumpExe = `C:\Tools\procdump64.exe`

// The same process start seen by Sysmon (GUID, decimal ProcessId) and by
// the Security log (4688: host + pid + time, creator by hex pid only), and
// a Security object access naming the process by hex pid only.
func sysmonStartPID(id string, at time.Duration, parent, child event.Entity, pid string) *event.Event {
	return field(sysmonStart(id, at, parent, child), "ProcessId", pid)
}

func securityStart(id string, at time.Duration, pid int64, image, creatorPID, creatorImage string) *event.Event {
	stamp := t0.Add(at).Format(time.RFC3339Nano)
	e := ev(id, at, event.ClassProcess, "start", ref(event.RoleHost, ws1),
		ref(event.RoleTarget, event.ProcessPID(ws1, pid, stamp, image)), ref(event.RoleImage, file(image)),
		ref(event.RoleUser, alice), ref(event.RoleSession, logon))
	field(e, "ProcessId", creatorPID)
	return field(e, "ParentProcessName", creatorImage)
}

func securityAccess(id string, at time.Duration, pid, image string, target event.Entity) *event.Event {
	e := ev(id, at, event.ClassFile, "access", ref(event.RoleHost, ws1), ref(event.RoleUser, alice),
		ref(event.RoleSession, logon), ref(event.RoleImage, file(image)), ref(event.RoleTarget, target))
	return field(e, "ProcessId", pid)
}

func TestSecurityLogJoinsSysmon(t *testing.T) {
	explorer, dumper := proc(1, explorerExe), proc(2, procdumpExe)
	dump := file(`C:\Windows\Temp\lsass.dmp`)
	sys := sysmonStartPID("sysmon", 0, explorer, dumper, "1988")
	sec := securityStart("4688", 3*time.Millisecond, 1988, procdumpExe, "0x1a4", explorerExe)
	access := securityAccess("4663", time.Second, "0x7c4", procdumpExe, dump)
	g := build(graph.Config{}, access, sec, sys) // the access comes first
	pidNode := event.ProcessPID(ws1, 1988, t0.Add(3*time.Millisecond).Format(time.RFC3339Nano), procdumpExe)

	same := findEdge(t, g, dumper, pidNode, "same")
	if e := g.Edge(same); !e.Both || e.First != t0.UnixNano() || e.Last != t0.Add(3*time.Millisecond).UnixNano() {
		t.Errorf("same edge %+v, want both ways, from one start to the other", *e)
	}
	if got := g.Evidence(same); !slices.Contains(got, sys.ID) || !slices.Contains(got, sec.ID) {
		t.Errorf("same evidence %v, want both starts", got)
	}
	// 0x7c4 is 1988: the access is the GUID process's.
	findEdge(t, g, dumper, dump, "access")
	if e := g.Edge(findEdge(t, g, file(procdumpExe), dumper, "exec")); e.Count != 2 {
		t.Errorf("exec count %d, want the start and the access", e.Count)
	}
	// The creator 0x1a4 has no known start: the 4688 stands as it is.
	findEdge(t, g, file(procdumpExe), pidNode, "exec")
	findEdge(t, g, logon, pidNode, "session")
	if _, ok := lookupEdge(g, logon.ID, dump.ID, "access"); ok {
		t.Error("the resolved access must not be the session's")
	}
	// Back from the dump: the dumper, and through "same" the Security
	// log's view of it.
	rs := g.Backtrack(node(t, g, dump), t0.Add(time.Second), graph.Walk{})
	if got := reached(g, rs); !slices.Contains(got, explorer.ID) || !slices.Contains(got, pidNode.ID) {
		t.Errorf("backtrack from the dump reached %v", got)
	}
}

func TestSecurityCreatorResolves(t *testing.T) {
	// A 4688 whose creator pid is a Sysmon-started process: the creator
	// starts the pid-keyed child.
	explorer, shell := proc(1, explorerExe), proc(2, cmdExe)
	sys := sysmonStartPID("sysmon", 0, explorer, shell, "420")
	sec := securityStart("4688", time.Minute, 5000, `C:\Windows\System32\whoami.exe`, "0x1a4", cmdExe)
	g := build(graph.Config{}, sys, sec)
	child := event.ProcessPID(ws1, 5000, t0.Add(time.Minute).Format(time.RFC3339Nano), `C:\Windows\System32\whoami.exe`)
	findEdge(t, g, shell, child, "start")
	findEdge(t, g, logon, child, "session")

	// The creator's image must match: a pid of another program is not it.
	sec2 := securityStart("4688b", time.Minute, 5000, `C:\Windows\System32\whoami.exe`, "0x1a4", `C:\Windows\notepad.exe`)
	g = build(graph.Config{}, sys, sec2)
	if _, ok := lookupEdge(g, shell.ID, child.ID, "start"); ok {
		t.Error("a creator of another image was taken")
	}
}

func TestSameOnlyWithinTwoSeconds(t *testing.T) {
	a, b := proc(1, explorerExe), proc(2, procdumpExe)
	for _, tt := range []struct {
		gap  time.Duration
		want bool
	}{{-2 * time.Second, true}, {2 * time.Second, true}, {2*time.Second + time.Millisecond, false}, {-5 * time.Second, false}} {
		sys := sysmonStartPID("sysmon", 0, a, b, "1988")
		sec := securityStart("4688", tt.gap, 1988, procdumpExe, "0x4", "")
		g := build(graph.Config{}, sys, sec)
		pidNode := event.ProcessPID(ws1, 1988, t0.Add(tt.gap).Format(time.RFC3339Nano), procdumpExe)
		if _, got := lookupEdge(g, b.ID, pidNode.ID, "same"); got != tt.want {
			t.Errorf("gap %v: same edge %v, want %v", tt.gap, got, tt.want)
		}
	}
}

func TestPIDOnlyWithoutStart(t *testing.T) {
	// No start of pid 0x7c4 is known: the access is the session's, and
	// the session is its user's.
	dump := file(`C:\Windows\Temp\lsass.dmp`)
	g := build(graph.Config{}, securityAccess("4663", 0, "0x7c4", procdumpExe, dump))
	wantEdges(t, g, logon.ID+" -access-> "+dump.ID, "principal:alice@corp.com -as-> "+logon.ID)
}

func TestPIDOnlyPrefersLatestEarlierStart(t *testing.T) {
	// Pid 1988 was used by two processes; the access an hour after the
	// second start is the second's.
	first, second := proc(2, procdumpExe), proc(3, procdumpExe)
	dump := file(`C:\Windows\Temp\lsass.dmp`)
	g := build(graph.Config{},
		sysmonStartPID("s1", 0, proc(1, explorerExe), first, "1988"),
		sysmonStartPID("s2", time.Hour, proc(1, explorerExe), second, "1988"),
		securityAccess("4663", 2*time.Hour, "0x7c4", procdumpExe, dump))
	findEdge(t, g, second, dump, "access")
	if _, ok := lookupEdge(g, first.ID, dump.ID, "access"); ok {
		t.Error("the access went to the older process")
	}
}

func TestPIDReuseWithinSkew(t *testing.T) {
	first, second := proc(2, procdumpExe), proc(3, procdumpExe)
	dump := file(`C:\Windows\Temp\lsass.dmp`)
	g := build(graph.Config{},
		sysmonStartPID("s1", 0, proc(1, explorerExe), first, "1988"),
		securityAccess("4663", time.Second, "0x7c4", procdumpExe, dump),
		sysmonStartPID("s2", 30*time.Second, proc(1, explorerExe), second, "1988"))
	findEdge(t, g, first, dump, "access")
}

func TestEdgesOfPIDOnlyEvent(t *testing.T) {
	dumper := proc(2, procdumpExe)
	dump := file(`C:\Windows\Temp\lsass.dmp`)
	access := securityAccess("4663", time.Second, "0x7c4", procdumpExe, dump)
	g := build(graph.Config{}, sysmonStartPID("s", 0, proc(1, explorerExe), dumper, "1988"), access)
	want := findEdge(t, g, dumper, dump, "access")
	if got := g.EdgesOf(access); !slices.Contains(got, want) {
		t.Errorf("EdgesOf(access) = %v, want %s among them", got, describe(g, want))
	}
	if s := g.Subject(access); s.ID != dumper.ID {
		t.Errorf("Subject(access) = %s, want the resolved process %s", s.ID, dumper.ID)
	}
}

func TestDeferredStartNotedOnce(t *testing.T) {
	b := proc(2, procdumpExe)
	sys := sysmonStartPID("sysmon", 0, proc(1, explorerExe), b, "1988")
	sec := securityStart("4688", 0, 1988, procdumpExe, "0x4", "")
	g := build(graph.Config{}, sys, sec)
	same := findEdge(t, g, b, event.ProcessPID(ws1, 1988, t0.Format(time.RFC3339Nano), procdumpExe), "same")
	if c := g.Edge(same).Count; c != 2 {
		t.Errorf("same count %d, want 2: one per source", c)
	}
	if got := g.Evidence(same); !slices.Equal(got, []event.ID{sys.ID, sec.ID}) {
		t.Errorf("same evidence %v, want each start once", got)
	}
}

func TestEdgesOfBeforeFreezeChangesNothing(t *testing.T) {
	b := proc(2, procdumpExe)
	pidNode := event.ProcessPID(ws1, 1988, t0.Format(time.RFC3339Nano), procdumpExe)
	sameCount := func(query bool) (uint32, uint32) {
		sys := sysmonStartPID("sysmon", 0, proc(1, explorerExe), b, "1988")
		sec := securityStart("4688", 0, 1988, procdumpExe, "0x4", "")
		g := graph.New(graph.Config{})
		g.Add(sys)
		g.Add(sec)
		if query {
			g.EdgesOf(sys)
			g.EdgesOf(sec)
		}
		g.Freeze()
		return g.Edge(findEdge(t, g, b, pidNode, "same")).Count, g.Node(node(t, g, b)).Seen
	}
	c1, n1 := sameCount(false)
	c2, n2 := sameCount(true)
	if c1 != c2 || n1 != n2 {
		t.Errorf("EdgesOf before Freeze changed the same count %d -> %d, the node's events %d -> %d", c1, c2, n1, n2)
	}
}
