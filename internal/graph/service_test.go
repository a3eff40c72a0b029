package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

const servicesExe = `C:\Windows\System32\services.exe`

var (
	dc1        = event.Host("DC1.corp.com")
	dcSession  = event.Session(dc1.ID, "0x2030005", "")
	dcSCM      = event.Process(dc1, "{a54c1519-2981-f7bf-9106-347de7d9ed7d}", servicesExe)
	scmOfWS1   = proc(99, servicesExe)
	liam       = principals.Windows("CORP", "liam", dc1)
	dcServiceX = event.Resource(dc1.ID, "service:jjvpndnm", "JJVPNDNM")
)

// dcProc returns a Sysmon-style process of dc1: its GUID ends in n.
func dcProc(n int, image string) event.Entity {
	return event.Process(dc1, "{a54c1519-0000-0000-0000-"+pad(n)+"}", image)
}

// install4697 is a Security 4697 on host: the subject session installed
// service name with command line cmd.
func install4697(id string, at time.Duration, host, session event.Entity, name, cmd string) *event.Event {
	e := ev(id, at, event.ClassService, "install", ref(event.RoleHost, host), ref(event.RoleUser, liam),
		ref(event.RoleSession, session), ref(event.RoleTarget, event.Resource(host.ID, "service:"+strings.ToLower(name), name)))
	field(e, "ServiceName", name)
	return field(e, "ServiceFileName", cmd)
}

// install7045 is a System 7045: no subject, the service and its ImagePath.
func install7045(id string, at time.Duration, host event.Entity, name, cmd string) *event.Event {
	e := ev(id, at, event.ClassService, "install", ref(event.RoleHost, host),
		ref(event.RoleTarget, event.Resource(host.ID, "service:"+strings.ToLower(name), name)))
	e.Outcome = event.OutcomeSuccess
	field(e, "ServiceName", name)
	return field(e, "ImagePath", cmd)
}

// imagePathSet is a Sysmon 13 write of a service's ImagePath by writer.
func imagePathSet(id string, at time.Duration, host, writer event.Entity, name, value string) *event.Event {
	key := `HKLM\System\CurrentControlSet\Services\` + name + `\ImagePath`
	e := ev(id, at, event.ClassRegistry, "set", ref(event.RoleHost, host), ref(event.RoleActor, writer),
		ref(event.RoleImage, event.File(host, writer.Name, true)),
		ref(event.RoleTarget, event.Resource(host.ID, "registry:"+strings.ToLower(key), key)))
	return field(e, "Details", value)
}

// serviceStart is a Sysmon 1 on host: scm starts p with command line cmd.
func serviceStart(id string, at time.Duration, host, scm, p event.Entity, cmd string) *event.Event {
	e := ev(id, at, event.ClassProcess, "start", ref(event.RoleHost, host), ref(event.RoleActor, scm),
		ref(event.RoleTarget, p), ref(event.RoleImage, event.File(host, p.Name, true)))
	return field(e, "CommandLine", cmd)
}

// The domain controller's half of a PsExec-style lateral movement: a
// network logon installs a service, services.exe starts its binary, the
// binary starts a shell.
func TestServiceInstallerLeadsToServiceProcess(t *testing.T) {
	svc, shell := dcProc(1, `C:\Windows\JJVPNDNM.exe`), dcProc(2, cmdExe)
	g := build(graph.Config{},
		install4697("4697", 0, dc1, dcSession, "JJVPNDNM", `C:\Windows\JJVPNDNM.exe`),
		serviceStart("start", time.Second, dc1, dcSCM, svc, `C:\Windows\JJVPNDNM.exe`),
		serviceStart("shell", 2*time.Second, dc1, svc, shell, `cmd.exe /c whoami`))
	e := g.Edge(findEdge(t, g, dcSession, svc, "service"))
	if e.First != t0.UnixNano() || e.Last != t0.Add(time.Second).UnixNano() || e.Both {
		t.Errorf("service edge %+v, want from the install to the start, one way", *e)
	}
	if got := g.Evidence(findEdge(t, g, dcSession, svc, "service")); len(got) != 2 {
		t.Errorf("evidence %v, want the install and the start", got)
	}
	findEdge(t, g, dcServiceX, svc, "service")
	if !graph.Strong("service") {
		t.Error("service must be a strong kind")
	}
	// Back from the shell, the installing session is reached without
	// passing through services.exe.
	rs := g.Backtrack(node(t, g, shell), t0.Add(2*time.Second), graph.Walk{Skip: func(e graph.EdgeID) bool {
		return !graph.Strong(g.Kind(g.Edge(e).Kind))
	}})
	i := slices.IndexFunc(rs, func(r graph.Reach) bool { return g.Node(r.Node).Entity.ID == dcSession.ID })
	if i < 0 {
		t.Fatalf("the installing session is not reached: %v", reached(g, rs))
	}
	for _, e := range graph.Path(rs, i) {
		if g.Node(g.Edge(e).From).Entity.ID == dcSCM.ID {
			t.Errorf("path passes through services.exe: %s", describe(g, e))
		}
	}
}

func TestServiceCommandMatching(t *testing.T) {
	const comspec = `%COMSPEC% /Q /c echo cd ^> \\127.0.0.1\C$\__output 2^>^&1 > %TEMP%\execute.bat & %COMSPEC% /Q /c %TEMP%\execute.bat & del %TEMP%\execute.bat`
	tests := []struct {
		name           string
		install, image string
		cmdline        string // "" for a start without a command line
		want           bool
	}{
		{"same path", `C:\Windows\JJVPNDNM.exe`, `C:\Windows\JJVPNDNM.exe`, `C:\Windows\JJVPNDNM.exe`, true},
		{"case and %SystemRoot%", `%SystemRoot%\PSEXESVC.exe`, `C:\Windows\PSEXESVC.exe`, `C:\Windows\PSEXESVC.exe`, true},
		{"Sysmon's doubled %", `%%SystemRoot%%\PSEXESVC.exe`, `C:\Windows\PSEXESVC.exe`, `"C:\Windows\PSEXESVC.exe"`, true},
		{"quoted with arguments", `"C:\Program Files\Agent\agent.exe" -k run`, `C:\Program Files\Agent\agent.exe`, `"C:\Program Files\Agent\agent.exe"  -k  run`, true},
		{"unquoted path with blanks", `C:\Program Files\Agent\agent.exe -k run`, `C:\Program Files\Agent\agent.exe`, `"C:\Program Files\Agent\agent.exe" -k run`, true},
		{"other arguments", `"C:\Program Files\Agent\agent.exe" -k run`, `C:\Program Files\Agent\agent.exe`, `"C:\Program Files\Agent\agent.exe" -k other`, false},
		{"no command line: the path decides", `"C:\Program Files\Agent\agent.exe" -k run`, `C:\Program Files\Agent\agent.exe`, "", true},
		{"%COMSPEC%, variables expanded in the arguments", comspec, cmdExe,
			`C:\Windows\system32\cmd.exe /Q /c echo cd ^> \\127.0.0.1\C$\__output 2^>^&1 > C:\Windows\TEMP\execute.bat & C:\Windows\system32\cmd.exe /Q /c C:\Windows\TEMP\execute.bat & del C:\Windows\TEMP\execute.bat`, true},
		{"%COMSPEC%, another shell of services.exe", comspec, cmdExe, `C:\Windows\system32\cmd.exe /c net stop spooler`, false},
		{"no folder: the file name decides", `calc.exe`, `C:\Windows\System32\calc.exe`, `calc.exe`, true},
		{"no folder, no extension", `calc`, `C:\Windows\System32\calc.exe`, `calc`, true},
		{"another file", `C:\Windows\JJVPNDNM.exe`, `C:\Windows\Temp\JJVPNDNM.exe`, `C:\Windows\Temp\JJVPNDNM.exe`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := dcProc(1, tt.image)
			start := serviceStart("start", time.Second, dc1, dcSCM, p, tt.cmdline)
			if tt.cmdline == "" {
				start.Fields = nil
			}
			g := build(graph.Config{}, install4697("4697", 0, dc1, dcSession, "x", tt.install), start)
			if _, got := lookupEdge(g, dcSession.ID, p.ID, "service"); got != tt.want {
				t.Errorf("service edge %v, want %v; edges:\n%v", got, tt.want, allEdges(g))
			}
		})
	}
}

func TestServiceTimeOrderAndHost(t *testing.T) {
	const bin = `C:\Windows\JJVPNDNM.exe`
	for _, tt := range []struct {
		name    string
		install time.Duration // after the start
		host    event.Entity
		want    bool
	}{
		{"installed before", -time.Hour, dc1, true},
		{"installed after, within the skew", time.Minute, dc1, true},
		{"installed after the skew", 3 * time.Minute, dc1, false},
		{"another host", -time.Hour, ws1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := dcProc(1, bin)
			session := event.Session(tt.host.ID, "0x2030005", "")
			g := build(graph.Config{},
				install4697("4697", tt.install, tt.host, session, "x", bin),
				serviceStart("start", 0, dc1, dcSCM, p, bin))
			if _, got := lookupEdge(g, session.ID, p.ID, "service"); got != tt.want {
				t.Errorf("service edge %v, want %v", got, tt.want)
			}
		})
	}
	// A process services.exe did not start is no service.
	p := dcProc(1, bin)
	g := build(graph.Config{},
		install4697("4697", 0, dc1, dcSession, "x", bin),
		serviceStart("start", time.Second, dc1, dcProc(5, cmdExe), p, bin))
	if _, ok := lookupEdge(g, dcSession.ID, p.ID, "service"); ok {
		t.Error("a process cmd.exe started was taken for the service")
	}
}

func TestServiceLatestInstallWins(t *testing.T) {
	const bin = `%SystemRoot%\PSEXESVC.exe`
	first, second := event.Session(dc1.ID, "0x1", ""), event.Session(dc1.ID, "0x2", "")
	p1, p2 := dcProc(1, `C:\Windows\PSEXESVC.exe`), dcProc(2, `C:\Windows\PSEXESVC.exe`)
	g := build(graph.Config{},
		install4697("i1", 0, dc1, first, "PSEXESVC", bin),
		serviceStart("s1", time.Second, dc1, dcSCM, p1, `C:\Windows\PSEXESVC.exe`),
		install4697("i2", time.Hour, dc1, second, "PSEXESVC", bin),
		serviceStart("s2", time.Hour+time.Second, dc1, dcSCM, p2, `C:\Windows\PSEXESVC.exe`))
	findEdge(t, g, first, p1, "service")
	findEdge(t, g, second, p2, "service")
	if _, ok := lookupEdge(g, first.ID, p2.ID, "service"); ok {
		t.Error("the older install was linked to the later start")
	}
	if _, ok := lookupEdge(g, second.ID, p1.ID, "service"); ok {
		t.Error("a later install was linked to an earlier start")
	}
}

// One install logged three times (4697, 7045, Sysmon 13 by services.exe)
// gives the session and the service, never services.exe, as the causes.
func TestServiceInstallRecordsJoin(t *testing.T) {
	const bin = `C:\Windows\JJVPNDNM.exe`
	p := dcProc(1, bin)
	g := build(graph.Config{},
		install4697("4697", 0, dc1, dcSession, "JJVPNDNM", bin),
		install7045("7045", 10*time.Millisecond, dc1, "JJVPNDNM", bin),
		imagePathSet("13", 20*time.Millisecond, dc1, dcSCM, "JJVPNDNM", bin),
		serviceStart("start", time.Second, dc1, dcSCM, p, bin))
	var from []string
	for _, e := range g.In(node(t, g, p)) {
		if ed := g.Edge(e); g.Kind(ed.Kind) == "service" {
			from = append(from, g.Node(ed.From).Entity.ID)
		}
	}
	slices.Sort(from)
	if want := ids(dcSession, dcServiceX); !slices.Equal(from, want) {
		t.Errorf("service edges from %v, want %v", from, want)
	}

	// The same when the host logged the install a little after the start
	// (within the skew): the records after the start join as well.
	g = build(graph.Config{},
		serviceStart("start", 0, dc1, dcSCM, p, bin),
		install4697("4697", time.Second, dc1, dcSession, "JJVPNDNM", bin),
		install7045("7045", time.Second+10*time.Millisecond, dc1, "JJVPNDNM", bin))
	findEdge(t, g, dcSession, p, "service")
	findEdge(t, g, dcServiceX, p, "service")
}

// Sysmon alone: services.exe writes the ImagePath, so the installer is
// unknown, but the service leads to its process.
func TestServiceFromImagePathWrite(t *testing.T) {
	const value = `%%COMSPEC%% /b /c start /b /min powershell.exe -nop -w hidden -c "$s=New-Object IO.MemoryStream"`
	p := dcProc(1, cmdExe)
	g := build(graph.Config{},
		imagePathSet("13", 0, dc1, dcSCM, "hello", value),
		serviceStart("start", 100*time.Millisecond, dc1, dcSCM, p,
			`C:\Windows\system32\cmd.exe /b /c start /b /min powershell.exe -nop -w hidden -c "$s=New-Object IO.MemoryStream"`))
	findEdge(t, g, event.Resource(dc1.ID, "service:hello", "hello"), p, "service")
	if _, ok := lookupEdge(g, dcSCM.ID, p.ID, "service"); ok {
		t.Error("services.exe is not the installer")
	}
	// Written by another process, the ImagePath write is the install.
	reg := proc(7, `C:\Windows\System32\reg.exe`)
	svc := proc(8, `C:\Users\Public\svc.exe`)
	g = build(graph.Config{},
		imagePathSet("13", 0, ws1, reg, "updater", `C:\Users\Public\svc.exe`),
		serviceStart("start", time.Minute, ws1, scmOfWS1, svc, `C:\Users\Public\svc.exe`))
	findEdge(t, g, reg, svc, "service")
	// Other values of the service key are not its binary.
	g = build(graph.Config{},
		field(ev("13", 0, event.ClassRegistry, "set", ref(event.RoleHost, ws1), ref(event.RoleActor, reg),
			ref(event.RoleTarget, event.Resource(ws1.ID, `registry:hklm\system\currentcontrolset\services\updater\start`, `HKLM\System\CurrentControlSet\Services\updater\Start`))),
			"Details", `C:\Users\Public\svc.exe`),
		serviceStart("start", time.Minute, ws1, scmOfWS1, svc, `C:\Users\Public\svc.exe`))
	if _, ok := lookupEdge(g, reg.ID, svc.ID, "service"); ok {
		t.Error("a write of the Start value was taken for the ImagePath")
	}
}

// scStart is a Sysmon 1: parent starts sc.exe (p) with cmdline.
func scStart(id string, at time.Duration, parent, p event.Entity, cmdline string) *event.Event {
	return field(sysmonStart(id, at, parent, p), "CommandLine", cmdline)
}

func TestServiceFromSC(t *testing.T) {
	payload, sc := proc(1, `C:\Users\alice\payload.exe`), proc(2, `C:\Windows\System32\sc.exe`)
	svc := proc(3, `C:\AtomicRedTeam\bin\AtomicService.exe`)
	g := build(graph.Config{},
		scStart("sc", 0, payload, sc, `sc.exe  create AtomicTestService binPath= C:\AtomicRedTeam\bin\AtomicService.exe`),
		serviceStart("start", 5*time.Second, ws1, scmOfWS1, svc, `C:\AtomicRedTeam\bin\AtomicService.exe`))
	findEdge(t, g, sc, svc, "service")
	findEdge(t, g, event.Resource(ws1.ID, "service:atomictestservice", "AtomicTestService"), svc, "service")

	// sc \\server creates the service on the server: the client's sc.exe
	// leads to the process on the other host.
	remote := dcProc(4, `C:\Windows\tool.exe`)
	g = build(graph.Config{},
		scStart("sc", 0, payload, sc, `sc \\DC1.corp.com create tool binpath= "\"C:\Windows\tool.exe\" -k run" start= demand`),
		serviceStart("start", 5*time.Second, dc1, dcSCM, remote, `"C:\Windows\tool.exe" -k run`))
	findEdge(t, g, sc, remote, "service")

	// The client's clock is not the server's: the remote sc.exe and the
	// server's 4697 of the same service are one install, 30 s apart.
	g = build(graph.Config{},
		scStart("sc", 0, payload, sc, `sc \\DC1 create tool binpath= C:\Windows\tool.exe`),
		install4697("4697", 30*time.Second, dc1, dcSession, "tool", `C:\Windows\tool.exe`),
		serviceStart("start", 31*time.Second, dc1, dcSCM, remote, `C:\Windows\tool.exe`))
	findEdge(t, g, sc, remote, "service")
	findEdge(t, g, dcSession, remote, "service")

	// Created, deleted, and installed again 18 s later by something else:
	// the second start is not the first sc.exe's.
	again := proc(5, `C:\AtomicRedTeam\bin\AtomicService.exe`)
	g = build(graph.Config{},
		scStart("sc", 0, payload, sc, `sc.exe  create AtomicTestService binPath= C:\AtomicRedTeam\bin\AtomicService.exe`),
		imagePathSet("13", 18*time.Second, ws1, scmOfWS1, "AtomicTestService", `C:\AtomicRedTeam\bin\AtomicService.exe`),
		serviceStart("start", 24*time.Second, ws1, scmOfWS1, again, `C:\AtomicRedTeam\bin\AtomicService.exe`))
	findEdge(t, g, event.Resource(ws1.ID, "service:atomictestservice", "AtomicTestService"), again, "service")
	if _, ok := lookupEdge(g, sc.ID, again.ID, "service"); ok {
		t.Error("the earlier install's sc.exe was linked to the reinstalled service")
	}

	// Other sc commands install nothing.
	g = build(graph.Config{},
		scStart("sc", 0, payload, sc, `sc.exe start AtomicTestService C:\AtomicRedTeam\bin\AtomicService.exe`),
		serviceStart("start", 5*time.Second, ws1, scmOfWS1, svc, `C:\AtomicRedTeam\bin\AtomicService.exe`))
	if _, ok := lookupEdge(g, sc.ID, svc.ID, "service"); ok {
		t.Error("sc start was taken for an install")
	}
}

// A 4697 that names the installing process (ClientProcessId) makes that
// process the installer; services.exe as the client (a remote install)
// leaves the session.
func TestServiceClientProcess(t *testing.T) {
	const bin = `C:\Users\Public\svc.exe`
	installer := proc(1, `C:\Users\Public\dropper.exe`)
	svc := proc(2, bin)
	local := field(install4697("4697", time.Minute, ws1, logon, "upd", bin), "ClientProcessId", "4242")
	g := build(graph.Config{},
		sysmonStartPID("dropper", 0, proc(3, explorerExe), installer, "4242"),
		local,
		serviceStart("start", 2*time.Minute, ws1, scmOfWS1, svc, bin))
	findEdge(t, g, installer, svc, "service")
	if _, ok := lookupEdge(g, logon.ID, svc.ID, "service"); ok {
		t.Error("the session was linked although the installing process is known")
	}

	viaRPC := field(install4697("4697", time.Minute, ws1, logon, "upd", bin), "ClientProcessId", "612")
	g = build(graph.Config{},
		sysmonStartPID("scm", 0, proc(3, `C:\Windows\System32\wininit.exe`), scmOfWS1, "612"),
		viaRPC,
		serviceStart("start", 2*time.Minute, ws1, scmOfWS1, svc, bin))
	findEdge(t, g, logon, svc, "service")
}

// The Security log's view of a service start: 4688 names the new process
// by pid and its creator by image only.
func TestServiceStartFromSecurityLog(t *testing.T) {
	const bin = `C:\Windows\JJVPNDNM.exe`
	start := securityStart("4688", time.Second, 2228, bin, "0x19c", servicesExe)
	g := build(graph.Config{}, install4697("4697", 0, ws1, logon, "JJVPNDNM", bin), start)
	findEdge(t, g, logon, event.ProcessPID(ws1, 2228, t0.Add(time.Second).Format(time.RFC3339Nano), bin), "service")
}
