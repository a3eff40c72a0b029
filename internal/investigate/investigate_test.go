package investigate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// world builds events of one Windows host.
type world struct {
	t0     time.Time
	host   event.Entity
	events []*event.Event
	byID   map[event.ID]*event.Event
}

func newWorld() *world {
	return &world{t0: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), host: event.Host("ws1"), byID: map[event.ID]*event.Event{}}
}

func (w *world) add(sec int, class event.Class, action string, refs ...event.Ref) *event.Event {
	ev := &event.Event{Time: w.t0.Add(time.Duration(sec) * time.Second), Class: class, Action: action, Outcome: event.OutcomeSuccess}
	ev.ID = event.NewID("test", fmt.Sprint(len(w.events)))
	ev.AddRef(event.RoleHost, w.host)
	for _, r := range refs {
		ev.AddRef(r.Role, r.Entity)
	}
	w.events = append(w.events, ev)
	w.byID[ev.ID] = ev
	return ev
}

func (w *world) proc(guid, image string) event.Entity { return event.Process(w.host, guid, image) }
func (w *world) file(path string) event.Entity        { return event.File(w.host, path, true) }

func ref(role event.Role, e event.Entity) event.Ref { return event.Ref{Role: role, Entity: e} }

func find(title, level string, techniques []string, evs ...*event.Event) finding.Finding {
	return finding.New(finding.Rule{ID: title, Title: title, Level: level, Techniques: techniques, Tactics: []string{"execution"}}, evs...)
}

// TestPhishingChain investigates a download, its execution, discovery, an
// injection and an LSASS read, next to benign activity that also alerts.
func TestPhishingChain(t *testing.T) {
	w := newWorld()
	explorer := w.proc("e", `C:\Windows\explorer.exe`)
	browser := w.proc("m", `C:\Program Files\Edge\msedge.exe`)
	edge := w.proc("b", `C:\Program Files\Edge\msedge.exe`)
	payload := w.proc("p", `C:\Users\al\Downloads\invoice.exe`)
	cmd := w.proc("c", `C:\Windows\System32\cmd.exe`)
	whoami := w.proc("w", `C:\Windows\System32\whoami.exe`)
	svchost := w.proc("s", `C:\Windows\System32\svchost.exe`)
	lsass := w.proc("l", `C:\Windows\System32\lsass.exe`)
	updater := w.proc("u", `C:\Program Files\Updater\update.exe`)
	payloadFile := w.file(`C:\Users\al\Downloads\invoice.exe`)
	c2 := event.Endpoint("198.51.100.7", 443)
	web := event.IP("198.51.100.7")

	w.add(0, event.ClassProcess, "start", ref(event.RoleActor, explorer), ref(event.RoleTarget, browser), ref(event.RoleImage, w.file(`C:\Program Files\Edge\msedge.exe`)))
	w.add(1, event.ClassProcess, "start", ref(event.RoleActor, browser), ref(event.RoleTarget, edge), ref(event.RoleImage, w.file(`C:\Program Files\Edge\msedge.exe`)))
	dl := w.add(10, event.ClassFile, "create", ref(event.RoleActor, edge), ref(event.RoleTarget, payloadFile), ref(event.RoleSrc, web))
	run := w.add(20, event.ClassProcess, "start", ref(event.RoleActor, explorer), ref(event.RoleTarget, payload), ref(event.RoleImage, payloadFile))
	for i := range 3 {
		w.add(30+i, event.ClassNetwork, "connect", ref(event.RoleActor, payload), ref(event.RoleSrc, event.Endpoint("10.0.0.5", 50000+i)), ref(event.RoleDst, c2))
	}
	w.add(40, event.ClassProcess, "start", ref(event.RoleActor, payload), ref(event.RoleTarget, cmd), ref(event.RoleImage, w.file(`C:\Windows\System32\cmd.exe`)))
	disc := w.add(41, event.ClassProcess, "start", ref(event.RoleActor, cmd), ref(event.RoleTarget, whoami), ref(event.RoleImage, w.file(`C:\Windows\System32\whoami.exe`)))
	w.add(50, event.ClassProcess, "inject", ref(event.RoleActor, payload), ref(event.RoleTarget, svchost))
	dump := w.add(60, event.ClassProcess, "access", ref(event.RoleActor, svchost), ref(event.RoleTarget, lsass))
	// Benign: the updater runs and alerts on its own, unrelated.
	w.add(5, event.ClassProcess, "start", ref(event.RoleActor, explorer), ref(event.RoleTarget, updater), ref(event.RoleImage, w.file(`C:\Program Files\Updater\update.exe`)))
	upd := w.add(70, event.ClassFile, "create", ref(event.RoleActor, updater), ref(event.RoleTarget, w.file(`C:\Program Files\Updater\new.dll`)))

	g := graph.New(graph.Config{})
	for _, ev := range w.events {
		g.Add(ev)
	}
	g.Freeze()
	findings := []finding.Finding{
		find("Download from IP", "medium", []string{"T1105"}, dl),
		find("Executable from Downloads", "high", nil, run),
		find("Whoami", "low", []string{"T1033"}, disc),
		find("LSASS read", "high", []string{"T1003.001"}, dump),
		find("Updater wrote a DLL", "medium", []string{"T1574"}, upd),
	}
	incs := Run(Config{}, g, findings, func(id event.ID) *event.Event { return w.byID[id] })
	if len(incs) != 2 {
		t.Fatalf("%d incidents, want the attack and the updater apart: %v", len(incs), titles(incs))
	}
	var attack *incident.Incident
	for i := range incs {
		if len(incs[i].Findings) == 4 {
			attack = &incs[i]
		}
	}
	if attack == nil {
		t.Fatalf("no incident joins the four attack findings: %v", titles(incs))
	}
	if rc := attack.RootCauses[0].Entity.ID; rc != payloadFile.ID && rc != web.ID {
		t.Errorf("root cause %s, want the downloaded file or where it came from (candidates %v)", rc, attack.RootCauses)
	}
	if fc := attack.FirstCompromised; fc == nil || fc.Entity.ID != w.host.ID {
		t.Errorf("first compromised %v, want %s", fc, w.host.ID)
	}
	ids := map[string]string{}
	for _, m := range attack.Entities {
		ids[m.Entity.ID] = m.Role
	}
	for _, want := range []event.Entity{edge, payload, payloadFile, cmd, whoami, svchost, lsass, c2, w.host} {
		if _, ok := ids[want.ID]; !ok {
			t.Errorf("incident lacks %s", want.ID)
		}
	}
	for _, not := range []event.Entity{updater, explorer} {
		if _, ok := ids[not.ID]; ok {
			t.Errorf("incident holds %s, which is not part of the attack", not.ID)
		}
	}
	if ids[lsass.ID] != "data" {
		t.Errorf("lsass role %q, want data", ids[lsass.ID])
	}
	var techs []string
	for _, tc := range attack.Techniques {
		techs = append(techs, tc.ID)
	}
	for _, want := range []string{"T1003.001", "T1033", "T1204.002", "T1055", "T1071.001"} {
		if !slices.Contains(techs, want) {
			t.Errorf("techniques %v lack %s", techs, want)
		}
	}
	grounded(t, attack, w.byID)
	if len(attack.Joins) != 3 {
		t.Errorf("%d joins, want one per finding after the first: %+v", len(attack.Joins), attack.Joins)
	}
}

// grounded checks that every story sentence cites events that exist and
// contain every entity it names.
func grounded(t *testing.T, inc *incident.Incident, byID map[event.ID]*event.Event) {
	t.Helper()
	if len(inc.Story) < 3 {
		t.Errorf("story of %d sentences", len(inc.Story))
	}
	for _, s := range inc.Story {
		if len(s.Events) == 0 {
			t.Errorf("%q cites nothing", s.Text)
		}
		for _, name := range s.Entities {
			found := false
			for _, id := range s.Events {
				ev := byID[id]
				if ev == nil {
					t.Errorf("%q cites a missing event", s.Text)
					continue
				}
				for _, r := range ev.Refs {
					found = found || r.Entity.ID == name
				}
			}
			if !found {
				t.Errorf("%q names %s, which no cited event holds", s.Text, name)
			}
		}
	}
}

// TestStolenKey joins cloud findings through the outside address the key
// was used from, and names the key's user as first compromised.
func TestStolenKey(t *testing.T) {
	w := newWorld()
	w.host = event.Entity{}
	alice := event.Entity{Kind: event.KindPrincipal, ID: "principal:arn:aws:iam::1:user/alice", Name: "alice"}
	key := event.Credential("AKIAEXAMPLE1")
	attacker := event.IP("203.0.113.9")
	bucket := event.Resource("", "arn:aws:s3:::finance", "finance")
	trail := event.Resource("", "arn:aws:cloudtrail:us-east-1:1:trail/main", "main")
	call := func(sec int, api string, target event.Entity, readOnly bool) *event.Event {
		ev := w.add(sec, event.ClassCloudAPI, api, ref(event.RoleActor, alice), ref(event.RoleCredential, key), ref(event.RoleSrc, attacker), ref(event.RoleTarget, target))
		ev.Fields = append(ev.Fields, event.Field{Key: "readOnly", Value: fmt.Sprint(readOnly)})
		return ev
	}
	get := call(10, "GetObject", bucket, true)
	get.BytesIn = 5 << 20
	stop := call(20, "StopLogging", trail, false)
	g := graph.New(graph.Config{})
	for _, ev := range w.events {
		g.Add(ev)
	}
	g.Freeze()
	incs := Run(Config{}, g, []finding.Finding{
		find("S3 read from outside", "medium", []string{"T1530"}, get),
		find("CloudTrail stopped", "high", []string{"T1562.008"}, stop),
	}, func(id event.ID) *event.Event { return w.byID[id] })
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want 1: %v", len(incs), titles(incs))
	}
	inc := incs[0]
	if rc := inc.RootCauses[0].Entity.ID; rc != attacker.ID && rc != key.ID {
		t.Errorf("root cause %s", rc)
	}
	if fc := inc.FirstCompromised; fc == nil || fc.Entity.ID != alice.ID {
		t.Errorf("first compromised %v, want %s", fc, alice.ID)
	}
	if len(inc.Impact.Data) != 1 || inc.Impact.Data[0].Bytes != 5<<20 {
		t.Errorf("data read %+v, want the bucket with 5 MiB", inc.Impact.Data)
	}
	grounded(t, &inc, w.byID)
}

func titles(incs []incident.Incident) []string {
	var out []string
	for _, inc := range incs {
		out = append(out, inc.Title)
	}
	return out
}

// TestStagingThenExfiltration: an evening logon whose shell packs files
// and whose browser then uploads a large file is one theft, although no
// log shows the browser reading the archive; a discovery finding in the
// same session is not pulled in by it. The upload's destination, which
// appeared only after the packing, is not the root cause: the account is.
func TestStagingThenExfiltration(t *testing.T) {
	w := newWorld()
	user := (&event.Principals{}).Name("pedro@corp.example.com")
	session := event.Session(w.host.ID, "0x751a38c", "")
	explorer := w.proc("e", `C:\Windows\explorer.exe`)
	cmd := w.proc("c", `C:\Windows\System32\cmd.exe`)
	zip := w.proc("z", `C:\Program Files\7-Zip\7z.exe`)
	chrome := w.proc("g", `C:\Program Files\Google\Chrome\Application\chrome.exe`)
	nltest := w.proc("n", `C:\Windows\System32\nltest.exe`)
	drop := event.Endpoint("162.125.69.14", 443)
	w.add(0, event.ClassLogon, "logon", ref(event.RoleTargetUser, user), ref(event.RoleSession, session))
	start := func(sec int, parent, child event.Entity) *event.Event {
		return w.add(sec, event.ClassProcess, "start", ref(event.RoleActor, parent), ref(event.RoleTarget, child),
			ref(event.RoleSession, session), ref(event.RoleUser, user), ref(event.RoleImage, w.file(child.Name)))
	}
	start(1, event.Entity{}, explorer)
	start(60, explorer, cmd)
	pack := start(400, cmd, zip)
	start(700, explorer, chrome)
	up := w.add(760, event.ClassNetwork, "connect", ref(event.RoleActor, chrome), ref(event.RoleSrc, event.Endpoint("10.10.1.26", 51234)), ref(event.RoleDst, drop))
	up.BytesOut = 150 << 20
	disc := start(900, explorer, nltest)

	g := graph.New(graph.Config{})
	for _, ev := range w.events {
		g.Add(ev)
	}
	g.Freeze()
	tactic := func(f finding.Finding, tac string) finding.Finding { f.Rule.Tactics = []string{tac}; return f }
	findings := []finding.Finding{
		tactic(find("Archive created", "medium", []string{"T1560.001"}, pack), "collection"),
		tactic(find("Large upload", "medium", []string{"T1567.002"}, up), "exfiltration"),
		tactic(find("Domain trust discovery", "medium", []string{"T1482"}, disc), "discovery"),
	}
	incs := Run(Config{}, g, findings, func(id event.ID) *event.Event { return w.byID[id] })
	if len(incs) != 2 {
		t.Fatalf("%d incidents %v, want the theft and the discovery apart", len(incs), titles(incs))
	}
	theft := incs[0]
	if len(theft.Findings) != 2 {
		theft = incs[1]
	}
	if len(theft.Findings) != 2 {
		t.Fatalf("no incident holds both the packing and the upload: %v", titles(incs))
	}
	if len(theft.RootCauses) == 0 || theft.RootCauses[0].Entity.ID == drop.ID {
		t.Errorf("root cause %v: the upload's destination, which came last, ranks first", theft.RootCauses)
	}
}

// TestLowFindingsTechniques: beside a serious finding, a broad low rule's
// tags are not claimed as techniques, a curated low rule's are; alone,
// low findings still name their techniques.
func TestLowFindingsTechniques(t *testing.T) {
	rule := func(id, level, path string, techs ...string) finding.Finding {
		return finding.Finding{Rule: finding.Rule{ID: id, Title: id, Level: level, Path: path, Techniques: techs}}
	}
	curated := func(r finding.Rule) bool { return strings.HasPrefix(r.Path, "builtin/") }
	ids := func(fs ...finding.Finding) []string {
		techs, _ := techniques(fs, curated)
		var out []string
		for _, t := range techs {
			out = append(out, t.ID)
		}
		slices.Sort(out)
		return out
	}
	dump := rule("dump", "high", "sigma/lsass.yml", "T1003.001")
	broad := rule("assume", "low", "sigma/assume_role.yml", "T1550.001")
	whoami := rule("whoami", "low", "builtin/windows/whoami.yml", "T1033")
	tasklist := rule("tasklist", "informational", "builtin/windows/tasklist.yml", "T1057")
	noise := rule("conhost", "informational", "sigma/conhost.yml", "T1202")
	if got := ids(dump, broad, whoami, tasklist, noise); !slices.Equal(got, []string{"T1003.001", "T1033", "T1057"}) {
		t.Errorf("with a high finding: %v, want the high and the curated low and informational rules'", got)
	}
	if got := ids(broad); !slices.Equal(got, []string{"T1550.001"}) {
		t.Errorf("low alone: %v, want its technique", got)
	}
}

// TestToolBroughtInOverC2: a program the implant wrote while talking to
// its server, and that then ran, was brought in over the attack's channel
// (T1105), though no rule said so.
func TestToolBroughtInOverC2(t *testing.T) {
	w := newWorld()
	explorer := w.proc("e", `C:\Windows\explorer.exe`)
	payload := w.proc("p", `C:\Users\al\Downloads\invoice.exe`)
	dumper := w.proc("d", `C:\Users\Public\procdump64.exe`)
	lsass := w.proc("l", `C:\Windows\System32\lsass.exe`)
	tool := w.file(`C:\Users\Public\procdump64.exe`)
	c2 := event.Endpoint("10.0.5.13", 4433)
	run := w.add(0, event.ClassProcess, "start", ref(event.RoleActor, explorer), ref(event.RoleTarget, payload), ref(event.RoleImage, w.file(`C:\Users\al\Downloads\invoice.exe`)))
	for i := range 3 {
		w.add(10+i, event.ClassNetwork, "connect", ref(event.RoleActor, payload), ref(event.RoleSrc, event.Endpoint("10.0.0.5", 50000+i)), ref(event.RoleDst, c2))
	}
	w.add(20, event.ClassFile, "create", ref(event.RoleActor, payload), ref(event.RoleTarget, tool))
	w.add(30, event.ClassProcess, "start", ref(event.RoleActor, payload), ref(event.RoleTarget, dumper), ref(event.RoleImage, tool))
	dump := w.add(31, event.ClassProcess, "access", ref(event.RoleActor, dumper), ref(event.RoleTarget, lsass))
	g := graph.New(graph.Config{})
	for _, ev := range w.events {
		g.Add(ev)
	}
	g.Freeze()
	findings := []finding.Finding{
		find("Executable from Downloads", "high", nil, run),
		find("LSASS read", "high", []string{"T1003.001"}, dump),
	}
	incs := Run(Config{}, g, findings, func(id event.ID) *event.Event { return w.byID[id] })
	if len(incs) != 1 {
		t.Fatalf("%d incidents: %v", len(incs), titles(incs))
	}
	for _, tech := range incs[0].Techniques {
		if tech.ID == "T1105" {
			return
		}
	}
	t.Errorf("no T1105 among %v; members %v", incs[0].Techniques, incs[0].Entities)
}

// TestLogonsFromAHeldHost: the domain controller knows the AD FS server
// only by its address; a network logon that names the workstation ties
// the two. The finding on the server and the one on a DC session opened
// from its address are one incident, and the other sessions opened from
// there while the attack went on are in it, but not the server's own
// computer account nor logons from elsewhere.
func TestLogonsFromAHeldHost(t *testing.T) {
	w := newWorld()
	w.host = event.Host("ADFS1")
	p := &event.Principals{}
	ps := w.proc("p", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`)
	pipe := w.add(0, event.ClassFile, "connect_pipe", ref(event.RoleActor, ps), ref(event.RoleTarget, event.Resource(w.host.ID, `pipe:\microsoft##wid\tsql\query`, "")))
	dc := event.Host("DC1")
	addr := event.IP("10.0.0.5")
	logon := func(sec int, user, id string, src event.Entity, workstation string) event.Entity {
		s := event.Session(dc.ID, id, "")
		ev := w.add(sec, event.ClassLogon, "logon", ref(event.RoleTargetUser, p.Name(user)), ref(event.RoleSession, s), ref(event.RoleSrc, src))
		ev.Refs[0].Entity = dc
		if workstation != "" {
			ev.AddRef(event.RoleSrcHost, event.Host(workstation))
		}
		return s
	}
	wardog := logon(60, "wardog@corp.example.com", "0x10", addr, "")
	admin := logon(70, "adfsadmin@corp.example.com", "0x11", addr, "ADFS1")
	machine := logon(75, "adfs1$@corp.example.com", "0x12", addr, "")
	other := logon(80, "bob@corp.example.com", "0x13", event.IP("10.0.0.9"), "WS9")
	read := logon(120, "wardog@corp.example.com", "0x14", addr, "")
	dkm := w.add(121, event.ClassOther, "directory_access", ref(event.RoleSession, read), ref(event.RoleTarget, event.Resource(dc.ID, "ds:dkm", "")))
	dkm.Refs[0].Entity = dc

	g := graph.New(graph.Config{})
	for _, ev := range w.events {
		g.Add(ev)
	}
	g.Freeze()
	findings := []finding.Finding{
		find("WID pipe opened", "high", []string{"T1552.004"}, pipe),
		find("DKM key read", "medium", []string{"T1552.004"}, dkm),
	}
	incs := Run(Config{}, g, findings, func(id event.ID) *event.Event { return w.byID[id] })
	if len(incs) != 1 {
		t.Fatalf("%d incidents %v, want the server's and the DC's findings as one", len(incs), titles(incs))
	}
	inc := incs[0]
	members := map[string]bool{}
	for _, e := range inc.Entities {
		members[e.Entity.ID] = true
	}
	for _, s := range []event.Entity{wardog, admin, read} {
		if !members[s.ID] {
			t.Errorf("%s, opened from the held server's address during the attack, is not a member: %v", s.ID, inc.Entities)
		}
	}
	for _, s := range []event.Entity{machine, other} {
		if members[s.ID] {
			t.Errorf("%s is a member", s.ID)
		}
	}
	if inc.FirstCompromised == nil || inc.FirstCompromised.Entity.ID != w.host.ID {
		t.Errorf("first compromised %v, want %s", inc.FirstCompromised, w.host.ID)
	}
}

// TestMintedSessions: the sessions the attacker's key obtained while the
// attack went on are the attacker's, used or not, and so is the role each
// stands for; a session the key obtained days before is not.
func TestMintedSessions(t *testing.T) {
	w := newWorld()
	w.host = event.Entity{}
	alice := event.Entity{Kind: event.KindPrincipal, ID: "principal:arn:aws:iam::1:user/alice", Name: "alice"}
	role := event.Entity{Kind: event.KindPrincipal, ID: "principal:arn:aws:iam::1:role/admin", Name: "admin"}
	key := event.Credential("AKIAEXAMPLE1")
	attacker := event.IP("203.0.113.9")
	assume := func(sec int, id string) event.Entity {
		s := event.Session("aws", id, "")
		w.add(sec, event.ClassCloudAPI, "AssumeRole", ref(event.RoleActor, alice), ref(event.RoleCredential, key), ref(event.RoleSrc, attacker),
			ref(event.RoleTargetUser, role), ref(event.RoleTarget, s))
		return s
	}
	old := assume(-3*24*3600, "asiaold")
	unused := assume(10, "asiaunused")
	used := assume(20, "asiaused")
	leave := w.add(30, event.ClassCloudAPI, "LeaveOrganization", ref(event.RoleActor, role), ref(event.RoleSession, used), ref(event.RoleSrc, attacker),
		ref(event.RoleTarget, event.Resource("", "arn:aws:organizations::1:organization", "")))
	g := graph.New(graph.Config{})
	for _, ev := range w.events {
		g.Add(ev)
	}
	g.Freeze()
	incs := Run(Config{}, g, []finding.Finding{find("Organization left", "high", []string{"T1666"}, leave)},
		func(id event.ID) *event.Event { return w.byID[id] })
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want 1: %v", len(incs), titles(incs))
	}
	members := map[string]bool{}
	for _, e := range incs[0].Entities {
		members[e.Entity.ID] = true
	}
	for _, want := range []event.Entity{key, unused, used, role} {
		if !members[want.ID] {
			t.Errorf("%s is not a member: %v", want.ID, incs[0].Entities)
		}
	}
	if members[old.ID] {
		t.Errorf("%s, obtained three days before, is a member", old.ID)
	}
	for _, tech := range incs[0].Techniques {
		if tech.ID == "T1078.004" {
			t.Errorf("a role session assumed and used counted as credentials the attack made for itself: %v", tech)
		}
	}
}

// TestHeldHostsInNetworkData: where hosts are only addresses, the machine
// behind the attacker's server is in the incident, and so is what two of
// the attack's machines exchanged while it went on (an SMB copy beside a
// WinRM session), but not their traffic with others or after the attack.
func TestHeldHostsInNetworkData(t *testing.T) {
	w := newWorld()
	w.host = event.Entity{}
	flow := func(sec int, src event.Entity, dst string, port int) *event.Event {
		return w.add(sec, event.ClassNetwork, "flow", ref(event.RoleSrc, src), ref(event.RoleDst, event.Endpoint(dst, port)))
	}
	scranton := func(port int) event.Entity { return event.Endpoint("10.0.1.4", port) }
	put := flow(0, scranton(60001), "192.168.0.4", 80)
	winrm := flow(60, scranton(60002), "10.0.1.6", 5985)
	smb := flow(30, scranton(60003), "10.0.1.6", 445)
	smb.BytesOut = 4 << 20 // the tool copied over
	flow(100, scranton(60004), "10.0.9.9", 443)
	for i := range 40 { // the file server everyone uses
		flow(-3600+i, event.Endpoint(fmt.Sprintf("10.0.2.%d", i+10), 50000+i), "10.0.9.9", 443)
		flow(-1800+i, scranton(50000+i), "10.0.9.9", 443)
		flow(-1700+i, scranton(51000+i), fmt.Sprintf("10.0.3.%d", i+10), 443) // a busy workstation: a hub
	}
	flow(3*24*3600, scranton(60005), "10.0.1.6", 3389)
	g := graph.New(graph.Config{})
	for _, ev := range w.events {
		g.Add(ev)
	}
	g.Freeze()
	incs := Run(Config{}, g, []finding.Finding{
		find("Archive uploaded over HTTP", "medium", []string{"T1048.003"}, put),
		find("WinRM session", "medium", []string{"T1021.006"}, winrm),
	}, func(id event.ID) *event.Event { return w.byID[id] })
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want 1: %v", len(incs), titles(incs))
	}
	members := map[string]bool{}
	for _, e := range incs[0].Entities {
		members[e.Entity.ID] = true
	}
	for _, want := range []string{"ip:192.168.0.4", "ip:10.0.1.6:445"} {
		if !members[want] {
			t.Errorf("%s is not a member: %v", want, incs[0].Entities)
		}
	}
	for _, not := range []string{"ip:10.0.9.9:443", "ip:10.0.9.9", "ip:10.0.1.6:3389"} {
		if members[not] {
			t.Errorf("%s is a member", not)
		}
	}
	techs := map[string]bool{}
	for _, tech := range incs[0].Techniques {
		techs[tech.ID] = true
	}
	if !techs["T1021.002"] || !techs["T1570"] {
		t.Errorf("techniques %v, want SMB lateral movement (T1021.002) and the tool transfer (T1570)", incs[0].Techniques)
	}
}

// TestFederationTokenUsed: a federation token the attacker's key asked for
// and then used is valid cloud credentials the attack made for itself
// (T1078.004); a role session it assumed is not.
func TestFederationTokenUsed(t *testing.T) {
	w := newWorld()
	w.host = event.Entity{}
	p := &event.Principals{}
	user := p.Cloud("arn:aws:iam::1:user/ci")
	federated := p.Cloud("arn:aws:sts::1:federated-user/backdoor")
	key := event.Credential("AKIAEXAMPLE1")
	attacker := event.IP("203.0.113.9")
	token := event.Session("aws", "asiafed", "")
	get := w.add(0, event.ClassCloudAPI, "GetFederationToken", ref(event.RoleActor, user), ref(event.RoleCredential, key), ref(event.RoleSrc, attacker),
		ref(event.RoleTargetUser, federated), ref(event.RoleTarget, token))
	w.add(5, event.ClassCloudAPI, "GetCallerIdentity", ref(event.RoleActor, federated), ref(event.RoleSession, token), ref(event.RoleSrc, attacker))
	g := graph.New(graph.Config{})
	for _, ev := range w.events {
		g.Add(ev)
	}
	g.Freeze()
	incs := Run(Config{}, g, []finding.Finding{find("Allow-all federation token", "high", []string{"T1098.001"}, get)},
		func(id event.ID) *event.Event { return w.byID[id] })
	if len(incs) != 1 {
		t.Fatalf("%d incidents: %v", len(incs), titles(incs))
	}
	for _, tech := range incs[0].Techniques {
		if tech.ID == "T1078.004" {
			return
		}
	}
	t.Errorf("no T1078.004 among %v", incs[0].Techniques)
}
