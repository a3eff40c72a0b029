package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// lsass is one workstation compromised from an external C2: the payload
// (the root cause) talks to the C2 and reads LSASS memory; explorer.exe,
// which started it, is context.
func lsass(host, payload string) incident.Incident {
	return newIncident("lsass").
		node("ip:203.0.113.7:443", "target", "").
		node(host, "compromised", "").
		node(payload, "root-cause", `C:\Users\bob\Downloads\invoice.exe`).
		node("process:"+strings.TrimPrefix(host, "host:")+"/explorer", "attacker", `C:\Windows\explorer.exe`).
		node("process:"+strings.TrimPrefix(host, "host:")+"/lsass", "target", `C:\Windows\System32\lsass.exe`).
		edge("process:"+strings.TrimPrefix(host, "host:")+"/explorer", payload, "start").
		edge(payload, "ip:203.0.113.7:443", "connect").
		edge(payload, "process:"+strings.TrimPrefix(host, "host:")+"/lsass", "access").
		rootCause(payload, 0.9).inc
}

func TestLSASSIsolatesAnOrdinaryHost(t *testing.T) {
	inc := lsass("host:ws01", "process:ws01/payload")
	inv := parseInventory(t, "assets:\n  - id: host:ws01\n    management: 10.0.0.2:22\n")
	pl := Plan(inc, inv, Config{})
	// Isolation cuts every path; the C2 address is blocked as well, since
	// isolation is undone when its time is up and the server stays the
	// attacker's.
	if got, want := targets(pl), []string{"host.block_ip ip:203.0.113.7 on host:ws01", "host.isolate host:ws01"}; !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	checkExplained(t, inc, pl)
	var iso action.Action
	for _, a := range pl.Actions {
		if a.Kind == action.HostIsolate {
			iso = a
		}
	}
	if iso.Params["management"] != "10.0.0.2:22" || iso.Cost != 16 || pl.Cost != 17 || iso.TTL == 0 {
		t.Errorf("isolate: params %v cost %v ttl %v", iso.Params, iso.Cost, iso.TTL)
	}
	if !slices.Contains(iso.Reason.Nodes, "process:ws01/payload") || slices.Contains(iso.Reason.Nodes, "process:ws01/explorer") {
		t.Errorf("isolate rests on %v: want the payload and not its context parent", iso.Reason.Nodes)
	}
	if len(iso.Reason.Evidence) == 0 || iso.Reason.Trusted || iso.Reason.Confidence != 0.9 {
		t.Errorf("evidence %v trusted %v confidence %v", iso.Reason.Evidence, iso.Reason.Trusted, iso.Reason.Confidence)
	}
	if !hasAlternative(iso, action.HostBlockIP, "ip:203.0.113.7", "leaves the path process:ws01/payload -> host:ws01") {
		t.Errorf("alternatives %+v: want blocking the C2 as cheaper but not enough", iso.Reason.Alternatives)
	}
	minimal(t, solved(inc, inv, Config{}))
}

func TestLSASSOnACriticalHostBlocksAndKills(t *testing.T) {
	const payload = "process:ws01/pid/4242@2023-08-15T09:54:30.987000Z" // known by pid, without Sysmon
	inc := lsass("host:ws01", payload)
	inv := parseInventory(t, "assets:\n  - id: host:ws01\n    criticality: 5\n")
	pl := Plan(inc, inv, Config{})
	want := []string{"host.block_ip ip:203.0.113.7 on host:ws01", "host.kill_process " + payload}
	if got := targets(pl); !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	checkExplained(t, inc, pl)
	if pl.Cost != 37 { // block 1 + kill (16 + 20 for being irreversible), against isolation at 64
		t.Errorf("cost %v, want 37", pl.Cost)
	}
	kill, _ := find(pl, action.HostKillProcess, payload)
	if kill.Params["pid"] != "4242" || kill.Params["host"] != "host:ws01" {
		t.Errorf("kill params %v", kill.Params)
	}
	if block, _ := find(pl, action.HostBlockIP, "ip:203.0.113.7"); block.Params["ip"] != "203.0.113.7" {
		t.Errorf("block params %v", block.Params)
	}
	if !hasAlternative(kill, action.HostIsolate, "host:ws01", "also cuts these paths but costs 64") {
		t.Errorf("kill alternatives %+v: want isolation as more disruptive", kill.Reason.Alternatives)
	}
	if kill.Fidelity != action.None || !strings.Contains(kill.Reason.Why, "cannot be undone") {
		t.Errorf("kill: fidelity %s why %q", kill.Fidelity, kill.Reason.Why)
	}
	minimal(t, solved(inc, inv, Config{}))
}

// cloud: a stolen long-term key assumes a role whose session reads a
// crown-jewel bucket; another session of the same role is a bystander.
func cloud() incident.Incident {
	const (
		key    = "credential:AKIAIOSFODNN7EXAMPLE"
		user   = "principal:arn:aws:iam::111122223333:user/bob"
		role   = "principal:arn:aws:iam::111122223333:role/data-reader"
		sess   = "session:aws/asiaq2w3e4r5t6y7u8i9"
		temp   = "credential:ASIAQ2W3E4R5T6Y7U8I9"
		legit  = "session:aws/asiazzzzzzzzzzzzzzzz"
		ip     = "ip:198.51.100.20"
		object = "resource:arn:aws:s3:::payroll-2024/q1.csv"
	)
	return newIncident("cloud").
		node(ip, "attacker", "").
		node(key, "root-cause", "").
		node(user, "compromised", "").
		node(role, "compromised", "").
		node(sess, "attacker", "arn:aws:iam::111122223333:role/data-reader/exfil").
		node(temp, "attacker", "").
		node(legit, "", "arn:aws:iam::111122223333:role/data-reader/nightly").
		node("resource:arn:aws:s3:::payroll-2024", "data", "").
		node(object, "data", "").
		node("resource:arn:aws:s3:::app-config", "", "").
		edge(ip, key, "from").
		edge(user, key, "as").
		edge(key, sess, "issue:AssumeRole").
		edge(role, sess, "role").
		edge(role, sess, "as").
		edge(ip, sess, "from").
		edge(temp, sess, "key").
		edge(object, sess, "read:GetObject").
		edge("resource:arn:aws:s3:::payroll-2024", sess, "read:ListObjects").
		edge(role, legit, "as").
		edge("resource:arn:aws:s3:::app-config", legit, "read:GetObject").
		rootCause(key, 0.8).inc
}

func TestCloudKeyAndRoleSessions(t *testing.T) {
	inc := cloud()
	inv := parseInventory(t, "assets:\n  - glob: 'resource:arn:aws:s3:::payroll*'\n    criticality: 5\n    crown_jewel: true\n")
	pl := Plan(inc, inv, Config{})
	want := []string{
		"aws.deactivate_key credential:AKIAIOSFODNN7EXAMPLE",
		"aws.revoke_sessions principal:arn:aws:iam::111122223333:role/data-reader",
	}
	if got := targets(pl); !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	checkExplained(t, inc, pl)
	rev, _ := find(pl, action.AWSRevokeSessions, "principal:arn:aws:iam::111122223333:role/data-reader")
	if rev.Cost != 16 || rev.Params["role"] != "data-reader" || rev.TTL.Hours() != 12 {
		t.Errorf("revoke: cost %v (2 x weight 4 x 2 sessions) params %v ttl %v", rev.Cost, rev.Params, rev.TTL)
	}
	if !hasAlternative(rev, action.AWSDenyAll, "principal:arn:aws:iam::111122223333:role/data-reader", "every user of the role") {
		t.Errorf("revoke alternatives %+v: want deny-all on the role as more disruptive", rev.Reason.Alternatives)
	}
	if !slices.Contains(rev.Reason.Nodes, "resource:arn:aws:s3:::payroll-2024") || rev.Reason.Confidence != 0.8 {
		t.Errorf("revoke reason nodes %v confidence %v", rev.Reason.Nodes, rev.Reason.Confidence)
	}
	key, _ := find(pl, action.AWSDeactivateKey, "credential:AKIAIOSFODNN7EXAMPLE")
	if key.Params["access_key_id"] != "AKIAIOSFODNN7EXAMPLE" || key.Params["user"] != "bob" ||
		!strings.Contains(key.Reason.Why, "it is the root cause of the incident") {
		t.Errorf("deactivate: params %v why %q", key.Params, key.Reason.Why)
	}
	if !hasAlternative(key, action.AWSDenyAll, "principal:arn:aws:iam::111122223333:user/bob", "also evicts it") {
		t.Errorf("deactivate alternatives %+v", key.Reason.Alternatives)
	}
	minimal(t, solved(inc, inv, Config{}))
}

func TestTrustedHook(t *testing.T) {
	inc := cloud()
	trusted := func(event.ID) bool { return true }
	for _, a := range Plan(inc, nil, Config{Trusted: trusted}).Actions {
		if !a.Reason.Trusted {
			t.Errorf("%s: evidence from trusted sources not marked trusted", a.Kind)
		}
	}
}

// dc: a workstation's payload moves laterally through a protected domain
// controller to a crown-jewel database server.
func dc() incident.Incident {
	return newIncident("dc").
		node("ip:203.0.113.7", "target", "").
		node("host:ws01", "compromised", "").
		node("process:ws01/payload", "root-cause", "invoice.exe").
		node("host:dc01", "compromised", "").
		node("process:dc01/psexesvc", "attacker", "PSEXESVC.exe").
		node("host:db01", "target", "").
		node("process:db01/sqlcmd", "target", "sqlcmd.exe").
		edge("process:ws01/payload", "ip:203.0.113.7", "connect").
		edge("process:ws01/payload", "process:dc01/psexesvc", "remote-exec").
		edge("process:dc01/psexesvc", "process:db01/sqlcmd", "remote-exec").
		rootCause("process:ws01/payload", 0.7).inc
}

func TestProtectedDomainControllerIsNeverIsolated(t *testing.T) {
	inc := dc()
	inv := parseInventory(t, `assets:
  - id: host:dc01
    criticality: 5
    protected: true
    owner: identity-team
  - glob: "host:db*"
    criticality: 5
    crown_jewel: true
`)
	pl := Plan(inc, inv, Config{})
	checkExplained(t, inc, pl)
	var notified bool
	for _, a := range pl.Actions {
		onDC := a.Target.ID == "host:dc01" || strings.HasPrefix(a.Target.ID, "process:dc01/") || a.Params["host"] == "host:dc01"
		if onDC && a.Kind != action.NotifyWebhook {
			t.Errorf("%s %s acts on the protected domain controller", a.Kind, a.Target.ID)
		}
		if a.Kind == action.NotifyWebhook && a.Target.ID == "host:dc01" {
			notified = true
			if a.Params["recommend"] != "host.isolate" || a.Params["owner"] != "identity-team" ||
				!hasAlternative(a, action.HostIsolate, "host:dc01", "protected in the inventory") ||
				!strings.Contains(a.Reason.Why, "No permitted action cuts the path") {
				t.Errorf("notification: params %v reason %+v", a.Params, a.Reason)
			}
		}
	}
	if !notified {
		t.Errorf("no notification to the domain controller's owner: %v", targets(pl))
	}
	if _, ok := find(pl, action.HostIsolate, "host:ws01"); !ok {
		t.Errorf("the workstation is not contained: %v", targets(pl))
	}
	if !slices.ContainsFunc(pl.Explanation, func(s string) bool { return strings.Contains(s, "No permitted action cuts the path") }) {
		t.Errorf("explanation does not say what stays uncut: %q", pl.Explanation)
	}
}

func TestProtectedAssetsInAlternatives(t *testing.T) {
	// The cheapest cut would isolate the protected host; the plan goes
	// around it and says so.
	inc := newIncident("around").
		node("ip:203.0.113.9", "attacker", "").
		node("host:jump", "", "").
		node("process:jump/sshd", "", "sshd").
		node("session:aws/asiaaaaaaaaaaaaaaaaa", "attacker", "arn:aws:iam::1:role/ops/x").
		node("resource:arn:aws:s3:::vault", "data", "").
		edge("ip:203.0.113.9", "session:aws/asiaaaaaaaaaaaaaaaaa", "from").
		edge("resource:arn:aws:s3:::vault", "session:aws/asiaaaaaaaaaaaaaaaaa", "read:GetObject").
		inc
	inv := parseInventory(t, "assets:\n  - id: principal:arn:aws:iam::1:role/ops\n    protected: true\n    owner: platform\n")
	pl := Plan(inc, inv, Config{})
	if len(pl.Actions) != 1 || pl.Actions[0].Kind != action.NotifyWebhook || pl.Actions[0].Params["recommend"] != "aws.revoke_sessions" {
		t.Fatalf("actions %v: want one notification recommending revocation", targets(pl))
	}
}

func TestShellCharactersAreInertIDs(t *testing.T) {
	clean := lsass("host:web01", "process:web01/payload")
	weird := lsass("host:web01; rm -rf /", "process:web01; rm -rf //$(reboot)")
	// Keys that are not access key ids are never deactivated: the owner
	// is told instead, about the id exactly as the incident wrote it.
	for inc, id := range map[*incident.Incident]string{&clean: "credential:AKIAnotakey", &weird: "credential:AKIA$(reboot)`id`"} {
		inc.Graph.Nodes = append(inc.Graph.Nodes, incident.Node{
			Entity: event.Entity{Kind: event.KindCredential, ID: id}, Role: "compromised",
		})
	}
	inv := parseInventory(t, "assets:\n  - glob: 'host:web*'\n    criticality: 5\n")
	rename := strings.NewReplacer("host:web01; rm -rf /", "host:web01", "process:web01; rm -rf //$(reboot)", "process:web01/payload",
		"credential:AKIA$(reboot)`id`", "credential:AKIAnotakey")
	var got []string
	wp := Plan(weird, inv, Config{})
	for _, s := range targets(wp) {
		got = append(got, rename.Replace(s))
	}
	if want := targets(Plan(clean, inv, Config{})); !slices.Equal(got, want) {
		t.Fatalf("targets with shell characters %v, with clean names %v", got, want)
	}
	ids := map[string]bool{"ip:203.0.113.7": true}
	for _, n := range weird.Graph.Nodes {
		ids[n.Entity.ID] = true
	}
	for _, a := range wp.Actions {
		if !ids[a.Target.ID] {
			t.Errorf("%s targets %q, which the incident does not name", a.Kind, a.Target.ID)
		}
		if h, ok := a.Params["host"]; ok && h != "host:web01; rm -rf /" {
			t.Errorf("%s host parameter %q", a.Kind, h)
		}
		if a.Kind == action.AWSDeactivateKey {
			t.Errorf("an invalid key id became a %s target", a.Kind)
		}
	}
}

func TestEC2QuarantineSnapshotsFirst(t *testing.T) {
	inc := newIncident("ec2").
		node("ip:203.0.113.50", "attacker", "").
		node("host:i-0abc1234def567890", "compromised", "").
		node("process:i-0abc1234def567890/miner", "root-cause", "/tmp/xmrig").
		edge("process:i-0abc1234def567890/miner", "ip:203.0.113.50", "connect").
		rootCause("process:i-0abc1234def567890/miner", 0.6).inc
	pl := Plan(inc, nil, Config{})
	checkExplained(t, inc, pl)
	if got, want := targets(pl), []string{
		"aws.quarantine_instance host:i-0abc1234def567890", "aws.snapshot_volumes host:i-0abc1234def567890",
	}; !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	if pl.Actions[0].Kind != action.AWSSnapshotVolumes || pl.Actions[0].Cost != 0 || pl.Actions[0].Params["instance_id"] != "i-0abc1234def567890" {
		t.Errorf("first action %s cost %v params %v: want the snapshot, free", pl.Actions[0].Kind, pl.Actions[0].Cost, pl.Actions[0].Params)
	}
}

func TestPublicBucketAndIdP(t *testing.T) {
	// An Okta user signs in from the attacker's address; the attacker's
	// session opens a bucket to the public; anonymous callers read it.
	inc := newIncident("idp").
		node("ip:203.0.113.66", "attacker", "").
		node("principal:carol@corp.com", "compromised", "").
		node("session:okta/102abc", "attacker", "").
		node("principal:anonymous", "attacker", "").
		node("resource:arn:aws:s3:::exports", "data", "").
		edge("ip:203.0.113.66", "session:okta/102abc", "authenticate").
		edge("principal:carol@corp.com", "session:okta/102abc", "as").
		edge("session:okta/102abc", "resource:arn:aws:s3:::exports", "call:PutBucketPolicy").
		edge("resource:arn:aws:s3:::exports", "principal:anonymous", "read:GetObject").
		rootCause("session:okta/102abc", 0.7).inc
	pl := Plan(inc, nil, Config{})
	checkExplained(t, inc, pl)
	want := []string{
		"aws.block_public_s3 resource:arn:aws:s3:::exports",
		"idp.revoke_sessions principal:carol@corp.com",
	}
	if got := targets(pl); !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	if a, _ := find(pl, action.IdPRevokeSessions, "principal:carol@corp.com"); a.Params["user"] != "carol@corp.com" {
		t.Errorf("idp params %v", a.Params)
	}
}

func TestNoFootholdsNoActions(t *testing.T) {
	inc := newIncident("quiet").node("host:a", "", "").node("process:a/x", "", "x").edge("host:a", "process:a/x", "on").inc
	pl := Plan(inc, nil, Config{})
	if len(pl.Actions) != 0 || len(pl.Explanation) == 0 {
		t.Errorf("actions %v explanation %q", targets(pl), pl.Explanation)
	}
}

func TestDeterministic(t *testing.T) {
	inc := dc()
	a, b := Plan(inc, nil, Config{}), Plan(inc, nil, Config{})
	if !slices.Equal(targets(a), targets(b)) || !slices.Equal(a.Explanation, b.Explanation) {
		t.Error("two runs differ")
	}
	for i := range a.Actions {
		if a.Actions[i].ID != b.Actions[i].ID || a.Actions[i].Reason.Why != b.Actions[i].Reason.Why {
			t.Errorf("action %d differs", i)
		}
	}
}

func TestLocalAccountsAndLogons(t *testing.T) {
	// The attacker logs on to a critical server over RDP from the internet
	// and creates a local account; root's session is theirs too.
	inc := newIncident("rdp").
		node("ip:203.0.113.30", "root-cause", "").
		node("host:srv", "compromised", "").
		node("session:host:srv/0x1", "attacker", "").
		node("principal:srv/backdoor", "compromised", "").
		node("principal:srv/root", "compromised", "").
		edge("ip:203.0.113.30", "session:host:srv/0x1", "logon").
		edge("principal:srv/root", "session:host:srv/0x1", "as").
		edge("session:host:srv/0x1", "principal:srv/backdoor", "create").
		rootCause("ip:203.0.113.30", 0.8).inc
	inv := parseInventory(t, "assets:\n  - id: host:srv\n    criticality: 5\n")
	pl := Plan(inc, inv, Config{})
	checkExplained(t, inc, pl)
	want := []string{"host.block_ip ip:203.0.113.30 on host:srv", "host.lock_account principal:srv/backdoor"}
	if got := targets(pl); !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	if a, _ := find(pl, action.HostLockAccount, "principal:srv/backdoor"); a.Params["account"] != "backdoor" || a.Params["host"] != "host:srv" {
		t.Errorf("lock params %v", a.Params)
	}
}

func TestOddIncidents(t *testing.T) {
	// Shapes the investigation should not produce but the planner must
	// survive: no nodes, edges to entities not listed, empty and repeated
	// ids, self loops, a root cause outside the graph, unknown prefixes.
	incs := []incident.Incident{
		{},
		newIncident("edges only").edge("process:h/a", "ip:203.0.113.1", "connect").edge("process:h/a", "process:h/a", "start").inc,
		newIncident("repeats").node("host:h", "compromised", "").node("host:h", "attacker", "").node("", "attacker", "").
			edge("", "host:h", "on").edge("host:h", "weird:thing", "x").rootCause("credential:ghost", 1).inc,
		newIncident("first compromised only").inc,
	}
	incs[3].FirstCompromised = &incident.Subject{Entity: event.Entity{Kind: event.KindHost, ID: "host:lonely"}}
	for _, inc := range incs {
		pl := Plan(inc, nil, Config{})
		checkExplained(t, inc, pl)
	}
	if got := targets(Plan(incs[3], nil, Config{})); !slices.Equal(got, []string{"host.isolate host:lonely"}) {
		t.Errorf("a compromised host with no way in shown: %v, want it isolated", got)
	}
}
