package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

const (
	explorerExe = `C:\Windows\explorer.exe`
	cmdExe      = `C:\Windows\System32\cmd.exe`
	pwshExe     = `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`
)

func TestProcessStart(t *testing.T) {
	parent, child := proc(1, explorerExe), proc(2, cmdExe)
	g := build(graph.Config{}, sysmonStart("start", 0, parent, child))
	wantEdges(t, g,
		parent.ID+" -start-> "+child.ID,
		file(cmdExe).ID+" -exec-> "+child.ID,
		logon.ID+" -session-> "+child.ID,
	)
	e := g.Edge(findEdge(t, g, parent, child, "start"))
	if e.Count != 1 || e.Both || e.Failed || e.First != t0.UnixNano() || e.Last != e.First {
		t.Errorf("start edge %+v", *e)
	}
	if ev := g.Evidence(findEdge(t, g, parent, child, "start")); len(ev) != 1 || ev[0] != event.NewID("test", "start") {
		t.Errorf("evidence %v", ev)
	}
	if n := g.Node(node(t, g, child)); n.First != t0.UnixNano() || n.Last != n.First || n.Entity.Name != cmdExe {
		t.Errorf("child node %+v", *n)
	}
}

func TestRepeatsMerge(t *testing.T) {
	parent, child := proc(1, explorerExe), proc(2, cmdExe)
	later, earlier := sysmonStart("later", time.Hour, parent, child), sysmonStart("earlier", 0, parent, child)
	g := build(graph.Config{}, later, earlier) // any order
	if g.Edges() != 3 {
		t.Fatalf("%d edges, want 3 merged: %v", g.Edges(), allEdges(g))
	}
	for e := range graph.EdgeID(3) {
		ed := g.Edge(e)
		if ed.Count != 2 || ed.First != t0.UnixNano() || ed.Last != t0.Add(time.Hour).UnixNano() {
			t.Errorf("%s: count %d first %d last %d", describe(g, e), ed.Count, ed.First, ed.Last)
		}
		if got := g.Evidence(e); !slices.Equal(got, []event.ID{later.ID, earlier.ID}) {
			t.Errorf("%s: evidence %v", describe(g, e), got)
		}
	}
}

func TestEvidenceKeepsFirstAndNewest(t *testing.T) {
	parent, child := proc(1, explorerExe), proc(2, cmdExe)
	g := graph.New(graph.Config{Evidence: 3})
	var sent []event.ID
	for i := range 6 {
		e := sysmonStart(string(rune('a'+i)), time.Duration(i)*time.Minute, parent, child)
		sent = append(sent, e.ID)
		g.Add(e)
	}
	g.Freeze()
	e := findEdge(t, g, parent, child, "start")
	if got, want := g.Evidence(e), []event.ID{sent[0], sent[1], sent[5]}; !slices.Equal(got, want) {
		t.Errorf("evidence %v, want the first two and the newest %v", got, want)
	}
	if c := g.Edge(e).Count; c != 6 {
		t.Errorf("count %d, want 6", c)
	}
	if g.Config().Evidence != 3 || graph.New(graph.Config{}).Config().Evidence != 4 {
		t.Error("evidence default is 4")
	}
}

func TestFileWriteThenExec(t *testing.T) {
	writer, dropped := proc(1, pwshExe), `C:\Users\alice\AppData\Local\Temp\evil.exe`
	child := proc(2, dropped)
	write := ev("write", 0, event.ClassFile, "create", ref(event.RoleHost, ws1), ref(event.RoleActor, writer),
		ref(event.RoleImage, file(pwshExe)), ref(event.RoleTarget, file(dropped)))
	run := sysmonStart("run", time.Minute, writer, child)
	g := build(graph.Config{}, write, run)
	wantEdges(t, g,
		file(pwshExe).ID+" -exec-> "+writer.ID,
		writer.ID+" -create-> "+file(dropped).ID,
		file(dropped).ID+" -exec-> "+child.ID,
		writer.ID+" -start-> "+child.ID,
		logon.ID+" -session-> "+child.ID,
	)
	// The chain from the dropper to its run: back from the child, the
	// writer is reached through the file as well as directly.
	rs := g.Backtrack(node(t, g, child), t0.Add(time.Minute), graph.Walk{Skip: func(e graph.EdgeID) bool {
		return g.Kind(g.Edge(e).Kind) == "start"
	}})
	i := slices.IndexFunc(rs, func(r graph.Reach) bool { return g.Node(r.Node).Entity.ID == writer.ID })
	if i < 0 {
		t.Fatalf("writer not reached: %v", reached(g, rs))
	}
	var kinds []string
	for _, e := range graph.Path(rs, i) {
		kinds = append(kinds, g.Kind(g.Edge(e).Kind))
	}
	if !slices.Equal(kinds, []string{"exec", "create"}) {
		t.Errorf("path %v, want exec then create", kinds)
	}
}

func TestDownload(t *testing.T) {
	browser, saved := proc(1, `C:\Program Files\Edge\msedge.exe`), file(`C:\Users\alice\Downloads\invoice.iso`)
	g := build(graph.Config{}, ev("dl", 0, event.ClassFile, "create", ref(event.RoleHost, ws1), ref(event.RoleActor, browser),
		ref(event.RoleTarget, saved), ref(event.RoleSrc, event.Endpoint("203.0.113.7", 443))))
	wantEdges(t, g,
		"ip:203.0.113.7 -download-> "+saved.ID,
		browser.ID+" -create-> "+saved.ID,
	)
}

func connect(id string, at time.Duration, actor event.Entity, src, dst event.Entity) *event.Event {
	return ev(id, at, event.ClassNetwork, "connect", ref(event.RoleHost, ws1), ref(event.RoleActor, actor),
		ref(event.RoleImage, file(actor.Name)), ref(event.RoleSrc, src), ref(event.RoleDst, dst))
}

func TestNetworkConnect(t *testing.T) {
	p := proc(1, pwshExe)
	g := build(graph.Config{}, connect("c", 0, p, event.Endpoint("10.0.0.5", 49152), event.Endpoint("203.0.113.80", 443)))
	wantEdges(t, g,
		p.ID+" -connect-> ip:203.0.113.80:443",
		"ip:203.0.113.80:443 -addr-> ip:203.0.113.80",
		ws1.ID+" -addr-> ip:10.0.0.5",
		file(pwshExe).ID+" -exec-> "+p.ID,
	)
	if _, ok := g.Lookup("ip:10.0.0.5:49152"); ok {
		t.Error("the source port must be dropped")
	}
	if !g.Edge(findEdge(t, g, p, event.Endpoint("203.0.113.80", 443), "connect")).Both {
		t.Error("a connection goes both ways")
	}
	if !g.Edge(findEdge(t, g, event.Endpoint("203.0.113.80", 443), event.IP("203.0.113.80"), "addr")).Both {
		t.Error("addr goes both ways")
	}
}

func TestNetworkAcceptAndFlow(t *testing.T) {
	p := proc(1, `C:\Windows\System32\svchost.exe`)
	accept := ev("a", 0, event.ClassNetwork, "accept", ref(event.RoleHost, ws1), ref(event.RoleActor, p),
		ref(event.RoleSrc, event.Endpoint("10.0.0.9", 50123)), ref(event.RoleDst, event.Endpoint("10.0.0.5", 445)))
	accept.BytesIn = 700
	flow := ev("f", 0, event.ClassNetwork, "", ref(event.RoleSrc, event.Endpoint("10.0.0.9", 50124)),
		ref(event.RoleDst, event.Endpoint("198.51.100.1", 53)), ref(event.RoleUser, alice))
	flow.BytesOut = 60
	g := build(graph.Config{}, accept, flow)
	wantEdges(t, g,
		"ip:10.0.0.9 -accept-> "+p.ID,
		"ip:10.0.0.5:445 -addr-> ip:10.0.0.5",
		ws1.ID+" -addr-> ip:10.0.0.5",
		"ip:198.51.100.1:53 -addr-> ip:198.51.100.1",
		"ip:10.0.0.9 -network-> ip:198.51.100.1:53",
		"ip:10.0.0.9 -auth-> "+alice.ID,
	)
	if b := g.Edge(findEdge(t, g, event.IP("10.0.0.9"), p, "accept")).Bytes; b != 700 {
		t.Errorf("accept bytes %d, want the 700 received", b)
	}
	if b := g.Edge(findEdge(t, g, event.IP("10.0.0.9"), event.Endpoint("198.51.100.1", 53), "network")).Bytes; b != 60 {
		t.Errorf("flow bytes %d, want 60", b)
	}
}

func TestNetworkDiscoveryMakesNoEdges(t *testing.T) {
	p := proc(1, `C:\Windows\System32\svchost.exe`)
	src := event.Endpoint("10.0.0.5", 5353)
	for _, dst := range []event.Entity{
		event.Endpoint("224.0.0.251", 5353), event.Endpoint("239.255.255.250", 1900),
		event.Endpoint("ff02::fb", 5353), event.IP("ff02::1:3"),
		event.IP("255.255.255.255"), event.Endpoint("255.255.255.255", 67),
	} {
		g := build(graph.Config{}, connect("d", 0, p, src, dst))
		if g.Edges() != 0 {
			t.Errorf("%s: %v", dst.ID, allEdges(g))
		}
		g = build(graph.Config{}, connect("d", 0, p, dst, event.Endpoint("10.0.0.5", 5353)))
		if g.Edges() != 0 {
			t.Errorf("from %s: %v", dst.ID, allEdges(g))
		}
	}
}

func TestLogon(t *testing.T) {
	session := event.Session(ws1.ID, "0xa1b2c3", "")
	ok := ev("logon", 0, event.ClassLogon, "logon", ref(event.RoleHost, ws1), ref(event.RoleTargetUser, alice),
		ref(event.RoleSession, session), ref(event.RoleSrc, event.Endpoint("10.0.0.9", 50123)))
	bad := ev("bad", -time.Minute, event.ClassLogon, "logon", ref(event.RoleHost, ws1), ref(event.RoleTargetUser, alice),
		ref(event.RoleSession, event.Session(ws1.ID, "0x1", "")), ref(event.RoleSrc, event.IP("10.0.0.66")))
	bad.Outcome = event.OutcomeFailure
	off := ev("off", time.Hour, event.ClassLogon, "logoff", ref(event.RoleHost, ws1), ref(event.RoleTargetUser, alice),
		ref(event.RoleSession, session))
	g := build(graph.Config{}, ok, bad, off)
	wantEdges(t, g,
		"ip:10.0.0.9 -logon-> "+session.ID,
		session.ID+" -on-> "+ws1.ID,
		alice.ID+" -as-> "+session.ID,
		"ip:10.0.0.66 -logon-> session:host:ws1/0x1",
		"session:host:ws1/0x1 -on-> "+ws1.ID,
		alice.ID+" -as-> session:host:ws1/0x1",
	)
	if !g.Edge(findEdge(t, g, event.IP("10.0.0.66"), event.Session(ws1.ID, "0x1", ""), "logon")).Failed {
		t.Error("a failed logon's edge is Failed")
	}
	if g.Edge(findEdge(t, g, event.IP("10.0.0.9"), session, "logon")).Failed {
		t.Error("a successful logon's edge is not Failed")
	}
}

// A network logon that names the client workstation binds the name to
// the source address; a public address (a NAT seen from a cloud log)
// binds nothing.
func TestLogonNamesItsSource(t *testing.T) {
	adfs := event.Host("ADFS01")
	named := ev("named", 0, event.ClassLogon, "logon", ref(event.RoleHost, ws1), ref(event.RoleTargetUser, alice),
		ref(event.RoleSession, event.Session(ws1.ID, "0x2", "")), ref(event.RoleSrc, event.Endpoint("192.168.2.5", 53115)), ref(event.RoleSrcHost, adfs))
	public := ev("public", 0, event.ClassLogon, "logon", ref(event.RoleHost, ws1), ref(event.RoleTargetUser, alice),
		ref(event.RoleSession, event.Session(ws1.ID, "0x3", "")), ref(event.RoleSrc, event.IP("203.0.113.9")), ref(event.RoleSrcHost, event.Host("laptop")))
	g := build(graph.Config{}, named, public)
	n := node(t, g, event.IP("192.168.2.5"))
	if hs := g.HostsAt(n, t0, time.Hour); len(hs) != 1 || hs[0].ID != adfs.ID {
		t.Errorf("hosts at 192.168.2.5: %v, want %s", hs, adfs.ID)
	}
	if hs := g.HostsAt(n, t0.AddDate(1, 0, 0), 72*time.Hour); len(hs) != 0 {
		t.Errorf("hosts at 192.168.2.5 a year later: %v, want none (addresses move)", hs)
	}
	if hs := g.HostsAt(node(t, g, event.IP("203.0.113.9")), t0, time.Hour); len(hs) != 0 {
		t.Errorf("hosts at a public address: %v", hs)
	}
}

// An identity provider's user acting in one of their sessions (an Entra
// audit record's initiator and correlation id) leads to the session, so
// that what the session did follows from the account; an AWS role's ARN
// does not lead to every session of the role.
func TestUserActsInSession(t *testing.T) {
	user := (&event.Principals{}).Name("pgustavo@simulandlabs.com")
	sess := event.Session("entra", "630d7f0c-acc4-4596-85ab-7e5d839b4291", "")
	app := event.Resource("entra", "0d2f5969-011b-460d-ac74-3291d227d49f", "SimuLandApp")
	grant := ev("grant", 0, event.ClassAccount, "grant-permission", ref(event.RoleUser, user), ref(event.RoleSession, sess), ref(event.RoleTarget, app))
	g := build(graph.Config{}, grant)
	findEdge(t, g, user, sess, "as")

	role := event.Entity{Kind: event.KindPrincipal, ID: "principal:arn:aws:iam::111122223333:role/deploy", Name: "deploy"}
	rs := event.Session("aws", "asia000example", "")
	call := ev("call", 0, event.ClassCloudAPI, "ListBuckets", ref(event.RoleUser, role), ref(event.RoleSession, rs))
	g = build(graph.Config{}, call)
	if _, ok := lookupEdge(g, role.ID, rs.ID, "as"); ok {
		t.Error("a role's ARN leads to its session")
	}
}
