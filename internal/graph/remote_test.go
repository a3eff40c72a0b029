package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// networkLogon is a 4624 type 3 on dc1 from addr:port, opening dcSession.
func networkLogon(id string, at time.Duration, addr, port string) *event.Event {
	e := ev(id, at, event.ClassLogon, "logon", ref(event.RoleHost, dc1), ref(event.RoleTargetUser, liam),
		ref(event.RoleSession, dcSession), ref(event.RoleSrc, event.IP(addr)))
	e.Outcome = event.OutcomeSuccess
	field(e, "LogonType", "3")
	return field(e, "IpPort", port)
}

func TestRemoteLogonFollowsConnection(t *testing.T) {
	payload := proc(1, `C:\Users\alice\payload.exe`)
	smb := connect("c", 0, payload, event.Endpoint("10.0.0.5", 61325), event.Endpoint("10.0.0.10", 445))
	g := build(graph.Config{}, smb, networkLogon("4624", 200*time.Millisecond, "10.0.0.5", "61325"))
	e := g.Edge(findEdge(t, g, payload, dcSession, "remote"))
	if e.Both || e.First != t0.UnixNano() || e.Last != t0.Add(200*time.Millisecond).UnixNano() {
		t.Errorf("remote edge %+v, want from the connection to the logon, one way", *e)
	}
	if !graph.Strong("remote") {
		t.Error("remote must be a strong kind")
	}

	for _, tt := range []struct {
		name   string
		logon  *event.Event
		reason string
	}{
		{"another port", networkLogon("4624", time.Second, "10.0.0.5", "61326"), "the port differs"},
		{"beyond the skew", networkLogon("4624", 3*time.Minute, "10.0.0.5", "61325"), "3 minutes apart"},
		{"no port", networkLogon("4624", time.Second, "10.0.0.5", "-"), "the logon names no port"},
		{"failed", func() *event.Event {
			e := networkLogon("4625", time.Second, "10.0.0.5", "61325")
			e.Outcome = event.OutcomeFailure
			return e
		}(), "the logon failed"},
	} {
		g := build(graph.Config{}, smb, tt.logon)
		if _, ok := lookupEdge(g, payload.ID, dcSession.ID, "remote"); ok {
			t.Errorf("%s: linked although %s", tt.name, tt.reason)
		}
	}

	// Loopback addresses are every host's own: never joined.
	local := connect("c", 0, payload, event.Endpoint("127.0.0.1", 50000), event.Endpoint("127.0.0.1", 445))
	g = build(graph.Config{}, local, networkLogon("4624", time.Second, "127.0.0.1", "50000"))
	if _, ok := lookupEdge(g, payload.ID, dcSession.ID, "remote"); ok {
		t.Error("loopback connection joined")
	}
}

// The connection closest in time wins when a source port was reused.
func TestRemoteLogonClosestConnection(t *testing.T) {
	early, late := proc(1, `C:\a.exe`), proc(2, `C:\b.exe`)
	src, dst := event.Endpoint("10.0.0.5", 50000), event.Endpoint("10.0.0.10", 445)
	g := build(graph.Config{},
		connect("c1", 0, early, src, dst),
		connect("c2", 90*time.Second, late, src, dst),
		networkLogon("4624", 91*time.Second, "::ffff:10.0.0.5", "50000"))
	findEdge(t, g, late, dcSession, "remote")
	if _, ok := lookupEdge(g, early.ID, dcSession.ID, "remote"); ok {
		t.Error("the earlier connection was taken")
	}
}

// Lateral movement end to end: from the shell a service started on the
// domain controller, the walk back reaches the workstation's payload
// through the installing session and the connection that opened it.
func TestLateralMovementJoinsHosts(t *testing.T) {
	payload := proc(1, `C:\Users\alice\payload.exe`)
	svc, shell := dcProc(1, `C:\Windows\JJVPNDNM.exe`), dcProc(2, cmdExe)
	g := build(graph.Config{},
		connect("smb", 0, payload, event.Endpoint("10.0.0.5", 61325), event.Endpoint("10.0.0.10", 445)),
		networkLogon("4624", 200*time.Millisecond, "10.0.0.5", "61325"),
		install4697("4697", 3*time.Second, dc1, dcSession, "JJVPNDNM", `C:\Windows\JJVPNDNM.exe`),
		serviceStart("start", 4*time.Second, dc1, dcSCM, svc, `C:\Windows\JJVPNDNM.exe`),
		serviceStart("shell", 6*time.Second, dc1, svc, shell, `cmd.exe /c whoami`))
	strong := graph.Walk{Skip: func(e graph.EdgeID) bool { return !graph.Strong(g.Kind(g.Edge(e).Kind)) }}
	rs := g.Backtrack(node(t, g, shell), t0.Add(6*time.Second), strong)
	i := slices.IndexFunc(rs, func(r graph.Reach) bool { return g.Node(r.Node).Entity.ID == payload.ID })
	if i < 0 {
		t.Fatalf("the payload is not reached: %v", reached(g, rs))
	}
	var kinds []string
	for _, e := range graph.Path(rs, i) {
		kinds = append(kinds, g.Kind(g.Edge(e).Kind))
	}
	if want := []string{"start", "service", "remote"}; !slices.Equal(kinds, want) { // from the shell back
		t.Errorf("path %v, want %v", kinds, want)
	}
	// And forward from the payload, the shell on the other host.
	fw := g.Forward(node(t, g, payload), t0, strong)
	if !slices.Contains(reached(g, fw), shell.ID) {
		t.Errorf("forward from the payload reached %v", reached(g, fw))
	}
}
