package graph_test

import (
	"net/netip"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// hubGraph: wininit starts services, services starts children (each
// starting nothing but child 7, which starts T two hours on).
func hubGraph(children int) (*graph.Graph, event.Entity, event.Entity, event.Entity, event.Entity) {
	wininit, services := proc(1, `C:\Windows\System32\wininit.exe`), proc(2, `C:\Windows\System32\services.exe`)
	tail := proc(9999, `C:\Windows\System32\cmd.exe`)
	evs := []*event.Event{act("w", 0, event.ClassProcess, "start", wininit, services)}
	for i := range children {
		evs = append(evs, act("c"+strconv.Itoa(i), time.Duration(i+1)*time.Minute, event.ClassProcess, "start", services, proc(100+i, `C:\Windows\System32\svchost.exe`)))
	}
	seven := proc(107, `C:\Windows\System32\svchost.exe`)
	evs = append(evs, act("t", 2*time.Hour, event.ClassProcess, "start", seven, tail))
	return build(graph.Config{}, evs...), wininit, services, seven, tail
}

func TestHubs(t *testing.T) {
	g, wininit, services, seven, tail := hubGraph(100)
	if !g.IsHub(node(t, g, services)) {
		t.Fatal("a process starting 100 others, among processes of mean degree 2, is a hub")
	}
	hubs := 0
	for n := range g.Nodes() {
		if g.IsHub(graph.NodeID(n)) {
			hubs++
		}
	}
	if hubs != 1 {
		t.Errorf("%d hubs, want 1", hubs)
	}
	// Walking back, services.exe has one cause: the hub is crossed, since
	// it fans out only forward.
	at := t0.Add(3 * time.Hour)
	rs := g.Backtrack(node(t, g, tail), at, graph.Walk{})
	if got, want := reached(g, rs), ids(tail, seven, services, wininit); !slices.Equal(got, want) {
		t.Errorf("backtrack %v, want %v", got, want)
	}
	rs = g.Backtrack(node(t, g, tail), at, graph.Walk{ThroughHubs: true})
	if got, want := reached(g, rs), ids(tail, seven, services, wininit); !slices.Equal(got, want) {
		t.Errorf("backtrack through hubs %v, want %v", got, want)
	}
	if rs := g.Forward(node(t, g, wininit), t0, graph.Walk{}); len(rs) != 2 {
		t.Errorf("forward reached %d nodes, want wininit and services", len(rs))
	}
	if rs := g.Forward(node(t, g, wininit), t0, graph.Walk{ThroughHubs: true}); len(rs) != 103 {
		t.Errorf("forward through hubs reached %d nodes, want 103", len(rs))
	}
	// A walk from a hub expands the hub itself.
	if rs := g.Forward(node(t, g, services), t0, graph.Walk{}); len(rs) != 102 {
		t.Errorf("forward from the hub reached %d nodes, want 102", len(rs))
	}

	if g, _, services, _, _ := hubGraph(30); g.IsHub(node(t, g, services)) {
		t.Errorf("a process with 30 children is no hub (HubMinDegree %d)", graph.HubMinDegree)
	}
	if g := graph.New(graph.Config{}); g.IsHub(0) {
		t.Error("nothing is a hub before Freeze")
	}
}

func TestEndpointHubByPeers(t *testing.T) {
	dns := event.IP("10.0.0.53")
	for _, tt := range []struct {
		peers int
		hub   bool
	}{{graph.HubMinPeers - 1, false}, {graph.HubMinPeers, true}} {
		var evs []*event.Event
		for i := range tt.peers {
			p := proc(i+1, `C:\Windows\System32\svchost.exe`)
			// Each peer twice: distinct peers count, not edges.
			evs = append(evs, ev("q"+strconv.Itoa(i), 0, event.ClassDNS, "query", ref(event.RoleActor, p), ref(event.RoleDst, dns)))
			evs = append(evs, ev("r"+strconv.Itoa(i), time.Second, event.ClassNetwork, "connect", ref(event.RoleActor, p), ref(event.RoleDst, dns)))
		}
		g := build(graph.Config{}, evs...)
		if got := g.IsHub(node(t, g, dns)); got != tt.hub {
			t.Errorf("%d peers: hub %v, want %v", tt.peers, got, tt.hub)
		}
	}
}

func TestRarity(t *testing.T) {
	var evs []*event.Event
	for i := range 50 {
		evs = append(evs, act("c"+strconv.Itoa(i), time.Duration(i)*time.Minute, event.ClassProcess, "start",
			proc(1000+i, explorerExe), proc(2000+i, cmdExe)))
	}
	evs = append(evs, act("p", time.Hour, event.ClassProcess, "start", proc(3000, explorerExe), proc(3001, pwshExe)))
	g := graph.New(graph.Config{})
	for _, e := range evs {
		g.Add(e)
	}
	if g.Rarity(0) != 0 {
		t.Error("rarity before Freeze is 0")
	}
	g.Freeze()
	for e := range graph.EdgeID(g.Edges()) {
		if r := g.Rarity(e); r < 0 || r > 1 {
			t.Errorf("%s: rarity %v", describe(g, e), r)
		}
	}
	common := g.Rarity(findEdge(t, g, proc(1000, explorerExe), proc(2000, cmdExe), "start"))
	rare := g.Rarity(findEdge(t, g, proc(3000, explorerExe), proc(3001, pwshExe), "start"))
	if rare <= common {
		t.Errorf("a one-off transition (%v) must be rarer than one seen 50 times (%v)", rare, common)
	}
	if rare < 0.9 || common > 0.1 {
		t.Errorf("rare %v, common %v: want near 1 and near 0", rare, common)
	}
}

func TestLabel(t *testing.T) {
	tests := []struct {
		e    event.Entity
		want string
	}{
		{proc(1, `C:\Windows\System32\CMD.EXE`), "process:cmd.exe"},
		{file(`C:\Users\alice\AppData\Local\Temp\x.PS1`), "file:temp:.ps1"},
		{event.File(event.Host("web1"), "/etc/passwd", false), "file:etc:"},
		{event.Endpoint("10.0.0.5", 445), "endpoint:internal:445"},
		{event.IP("203.0.113.9"), "endpoint:external"},
		{event.Domain("example.com"), "endpoint:domain"},
		{logon, "session:host"},
		{awsSess, "session:aws"},
		{awsBucket, "resource:arn:s3"},
		{event.Resource(ws1.ID, "service:evil", ""), "resource:host"},
		{alice, "principal"},
	}
	for _, tt := range tests {
		if got := graph.Label(tt.e); got != tt.want {
			t.Errorf("Label(%s) = %q, want %q", tt.e.ID, got, tt.want)
		}
	}
	if !graph.IsExternal(event.Endpoint("203.0.113.9", 80)) || graph.IsExternal(event.IP("10.1.2.3")) || graph.IsExternal(event.Domain("x.com")) {
		t.Error("IsExternal")
	}
	if !graph.IsLocal(event.Endpoint("127.0.0.1", 80)) || !graph.IsLocal(event.IP("::")) || graph.IsLocal(event.IP("10.0.0.1")) {
		t.Error("IsLocal")
	}
	if !graph.HasPort(event.Endpoint("10.0.0.5", 445)) || !graph.HasPort(event.Endpoint("2001:db8::1", 443)) || graph.HasPort(event.IP("10.0.0.5")) || graph.HasPort(event.Domain("x.com")) {
		t.Error("HasPort")
	}
	if !graph.Internal(netip.MustParseAddr("fe80::1")) || graph.Internal(netip.MustParseAddr("8.8.8.8")) {
		t.Error("Internal")
	}
}

func TestManyKinds(t *testing.T) {
	g := graph.New(graph.Config{})
	const n = 70000
	for i := range n {
		g.Add(ev("k"+strconv.Itoa(i), 0, event.ClassCloudAPI, "Action"+strconv.Itoa(i),
			ref(event.RoleActor, awsAlice), ref(event.RoleTarget, event.Resource("", "arn:aws:s3:::b"+strconv.Itoa(i), ""))))
	}
	g.Freeze()
	last := g.Out(node(t, g, awsAlice))[n-1]
	if got := describe(g, last); got != awsAlice.ID+" -call:Action69999-> resource:arn:aws:s3:::b69999" {
		t.Errorf("the 70,000th kind is lost: %s", got)
	}
}
