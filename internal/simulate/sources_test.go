package simulate_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate"
)

// Tests of the telemetry the sources agree on: Zeek's protocol logs and
// conn.log, the audit log and auth.log, the VPC Flow Logs and the instances
// they record, and the Entra ID sign-ins.

func TestZeekProtocolLogsShareConnUIDs(t *testing.T) {
	_, _, events := run(t)
	type conn struct{ service, orig, resp, state string }
	conns := map[string]conn{}
	var proto []*event.Event
	for _, ev := range events {
		if ev.Source.Format != "zeek" {
			continue
		}
		if ev.Value("_path") == "conn" {
			conns[ev.Value("uid")] = conn{ev.Value("service"), ev.Value("id.orig_h") + ":" + ev.Value("id.orig_p"),
				ev.Value("id.resp_h") + ":" + ev.Value("id.resp_p"), ev.Value("conn_state")}
		} else {
			proto = append(proto, ev)
		}
	}
	seen := map[string]int{}
	for _, ev := range proto {
		path, uid := ev.Value("_path"), ev.Value("uid")
		c, ok := conns[uid]
		switch {
		case !ok:
			t.Fatalf("%s record %s has no conn record", path, uid)
		case c.service != path:
			t.Fatalf("%s record %s: its connection's service is %q", path, uid, c.service)
		case c.orig != ev.Value("id.orig_h")+":"+ev.Value("id.orig_p") || c.resp != ev.Value("id.resp_h")+":"+ev.Value("id.resp_p"):
			t.Fatalf("%s record %s: endpoints differ from its conn record's %v", path, uid, c)
		}
		seen[uid]++
	}
	counts := map[string]int{}
	for uid, c := range conns {
		if c.service != "dns" && c.service != "http" && c.service != "ssl" || c.state == "S0" {
			continue
		}
		counts[c.service]++
		if seen[uid] != 1 {
			t.Fatalf("%s connection %s has %d protocol records, want 1", c.service, uid, seen[uid])
		}
	}
	for _, s := range []string{"dns", "http", "ssl"} {
		if counts[s] == 0 {
			t.Errorf("no %s connection", s)
		}
	}
	t.Logf("connections with their protocol record: %v", counts)
}

func TestSysmonLookupsReachTheResolver(t *testing.T) {
	_, _, events := run(t)
	env := simulate.DefaultEnvironment()
	ips := map[string]string{}
	for _, h := range env.Hosts {
		ips[strings.ToUpper(h.Name)] = h.IP
	}
	asked := map[string]int{} // client address and name
	for _, ev := range events {
		if ev.Source.Format == "zeek" && ev.Value("_path") == "dns" {
			asked[ev.Value("id.orig_h")+" "+ev.Value("query")]++
		}
	}
	n := 0
	for _, ev := range events {
		if ev.Source.Format != "winjson-evtxdump" || ev.Value("EventID") != "22" {
			continue
		}
		host, _, _ := strings.Cut(ev.Value("Computer"), ".")
		if strings.HasPrefix(strings.ToLower(host), "dc") {
			continue // the resolver itself
		}
		n++
		if asked[ips[host]+" "+ev.Value("QueryName")] == 0 {
			t.Fatalf("%s looked up %s (Sysmon 22), and dns.log has no such question", host, ev.Value("QueryName"))
		}
	}
	if n == 0 {
		t.Fatal("no Sysmon 22 lookup")
	}
}

// auditRecord is a raw audit.log line: its type, stamp and body.
type auditRecord struct {
	typ, stamp, body string
}

var auditLine = regexp.MustCompile(`^node=(\S+) type=([A-Z_]+) msg=audit\((\d+)\.(\d{3}):(\d+)\): (.*)$`)

// auditLog reads a host's audit log and checks its framing: serials grow,
// the records of an event are contiguous.
func auditLog(t *testing.T, path, host string) []auditRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []auditRecord
	var last uint64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := auditLine.FindStringSubmatch(sc.Text())
		if m == nil || m[1] != host {
			t.Fatalf("%s: line %q is not a raw audit record of %s", path, sc.Text(), host)
		}
		serial, _ := strconv.ParseUint(m[5], 10, 64)
		switch {
		case serial < last:
			t.Fatalf("%s: serial %d after %d", path, serial, last)
		case serial == last && out[len(out)-1].stamp != m[3]+"."+m[4]+":"+m[5]:
			t.Fatalf("%s: serial %d with two times", path, serial)
		}
		last = serial
		out = append(out, auditRecord{m[2], m[3] + "." + m[4] + ":" + m[5], m[6]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAuditLogMatchesAuthLog(t *testing.T) {
	dir, _, _ := run(t)
	hosts, _ := os.ReadDir(filepath.Join(dir, simulate.DirLinux))
	if len(hosts) == 0 {
		t.Fatal("no Linux host")
	}
	for _, h := range hosts {
		auth, audit := map[string]int{}, map[string]int{}
		paths, _ := filepath.Glob(filepath.Join(dir, simulate.DirLinux, h.Name(), "auth.log-*"))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(data), "\n") {
				switch {
				case strings.Contains(line, " sshd[") && strings.Contains(line, ": Accepted "):
					auth["ssh logon"]++
				case strings.Contains(line, " sshd[") && strings.Contains(line, ": Failed password"):
					auth["ssh failure"]++
				case strings.Contains(line, " CRON[") && strings.Contains(line, "session opened"):
					auth["cron session"]++
				case strings.Contains(line, " sudo: "):
					auth["sudo"]++
				}
			}
		}
		paths, _ = filepath.Glob(filepath.Join(dir, simulate.DirLinux, h.Name(), "audit.log-*"))
		sessions := map[string]string{} // ses -> auid, from LOGIN records
		for _, p := range paths {
			for _, r := range auditLog(t, p, h.Name()) {
				switch {
				case r.typ == "USER_LOGIN" && strings.Contains(r.body, "res=success"):
					audit["ssh logon"]++
				case r.typ == "USER_AUTH" && strings.Contains(r.body, "res=failed"):
					audit["ssh failure"]++
				case r.typ == "USER_START" && strings.Contains(r.body, `exe="/usr/sbin/cron"`):
					audit["cron session"]++
				case r.typ == "USER_CMD":
					audit["sudo"]++
				case r.typ == "LOGIN":
					sessions[field(r.body, "ses")] = field(r.body, "auid")
				case r.typ == "SYSCALL":
					if ses := field(r.body, "ses"); sessions[ses] != field(r.body, "auid") {
						t.Fatalf("%s: exec %s in session %s of login uid %s, which no LOGIN opened", h.Name(), r.stamp, ses, field(r.body, "auid"))
					}
				}
			}
		}
		t.Logf("%s: auth.log %v", h.Name(), auth)
		for k, n := range auth {
			if audit[k] != n {
				t.Errorf("%s: %d %s lines in auth.log, %d in the audit log", h.Name(), n, k, audit[k])
			}
		}
		if auth["cron session"] == 0 {
			t.Errorf("%s: no cron session", h.Name())
		}
	}
}

// field is the value of key in an audit record's body ("" if absent).
func field(body, key string) string {
	for _, kv := range strings.Fields(body) {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

func TestVPCFlowLogsRecordTheInstances(t *testing.T) {
	_, _, events := run(t)
	env := simulate.DefaultEnvironment()
	enis, public := map[string]string{}, map[string]bool{}
	for _, in := range env.AWS.Instances {
		enis[in.ENI] = in.PrivateIP
	}
	for _, r := range env.AWS.Roles {
		for _, in := range env.AWS.Instances {
			if in.ID == r.Instance {
				public[in.PrivateIP] = true
			}
		}
	}
	type key struct{ eni, src, dst, sport, dport, start string }
	accepted := map[key]bool{}
	var rejects, db, s3, bastion int
	sshFromBastion := map[string]bool{} // Zeek's view: bastion port -> instance
	for _, ev := range events {
		if ev.Source.Format == "zeek" && ev.Value("_path") == "conn" && ev.Value("id.orig_h") == "10.10.3.5" && ev.Value("id.resp_p") == "22" {
			sshFromBastion[ev.Value("id.orig_p")+" "+ev.Value("id.resp_h")] = true
		}
	}
	for _, ev := range events {
		if ev.Source.Format != "vpcflow" {
			continue
		}
		eni, src, dst := ev.Value("interface-id"), ev.Value("srcaddr"), ev.Value("dstaddr")
		ip, ok := enis[eni]
		if !ok {
			t.Fatalf("flow record on %s, which is no instance's interface", eni)
		}
		if src != ip && dst != ip {
			t.Fatalf("flow record on %s (%s) between %s and %s", eni, ip, src, dst)
		}
		if ev.Value("action") == "REJECT" {
			rejects++
			if !public[dst] || strings.HasPrefix(src, "10.") || strings.HasPrefix(src, "172.") {
				t.Fatalf("refused flow from %s to %s: want the Internet probing a public instance", src, dst)
			}
			continue
		}
		accepted[key{eni, src, dst, ev.Value("srcport"), ev.Value("dstport"), ev.Value("start")}] = true
		switch {
		case ev.Value("dstport") == "5432":
			db++
		case ev.Value("dstport") == "443" && strings.HasPrefix(dst, "52.218."):
			s3++
		case ev.Value("dstport") == "22" && src == "10.10.3.5":
			bastion++
			if !sshFromBastion[ev.Value("srcport")+" "+dst] {
				t.Fatalf("SSH from the bastion to %s in the flow log, not in Zeek's conn.log", dst)
			}
		}
	}
	for k := range accepted {
		if !accepted[key{k.eni, k.dst, k.src, k.dport, k.sport, k.start}] {
			t.Fatalf("accepted flow %v has no record of its other direction", k)
		}
	}
	if rejects == 0 || db == 0 || s3 == 0 || bastion == 0 {
		t.Errorf("refused probes %d, database %d, S3 %d, SSH from the bastion %d: want each", rejects, db, s3, bastion)
	}
	t.Logf("refused probes %d, accepted records %d (database %d, S3 %d, SSH from the bastion %d)", rejects, len(accepted), db, s3, bastion)
}

func TestEntraSignInsFailThenSucceed(t *testing.T) {
	dir := t.TempDir()
	cfg := simulate.Config{Seed: 11, Rate: 0.05, Duration: 72 * time.Hour, Campaigns: []string{}}
	sum, err := simulate.Run(context.Background(), cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	events, errs := readPaths([]string{filepath.Join(dir, simulate.DirEntra)}, 2026)
	if len(errs) > 0 || int64(len(events)) != sum.Sources["entra"] {
		t.Fatalf("read %d of %d sign-ins, errors %v", len(events), sum.Sources["entra"], errs)
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
	flows := map[string][]string{} // correlation id -> error codes in time order
	for _, ev := range events {
		if ev.Source.Format != "entra_signin" || !strings.HasSuffix(ev.Value("userPrincipalName"), "@corp.example.com") {
			t.Fatalf("sign-in %s of %q read as %s", ev.Value("id"), ev.Value("userPrincipalName"), ev.Source.Format)
		}
		code := ev.Value("status.errorCode")
		if (code == "0") != (ev.Outcome == event.OutcomeSuccess) {
			t.Fatalf("sign-in with error code %s has outcome %v", code, ev.Outcome)
		}
		c := ev.Value("correlationId")
		flows[c] = append(flows[c], code)
	}
	kinds := map[string]int{}
	for c, codes := range flows {
		seq := strings.Join(codes, " ")
		kinds[seq]++
		if codes[len(codes)-1] != "0" {
			t.Errorf("sign-in %s ends in failure: %s", c, seq)
		}
	}
	if kinds["50074 0"] == 0 || kinds["50126 50074 0"] == 0 || kinds["0"] == 0 {
		t.Errorf("sign-in sequences %v: want the second factor asked for, a mistyped password, and single sign-on", kinds)
	}
}

func TestEnvironmentChecksInstancesAndTenant(t *testing.T) {
	if err := simulate.DefaultEnvironment().Validate(); err != nil {
		t.Fatalf("default environment: %v", err)
	}
	base := "domain: {netbios: A, dns: a.org}\nwork_hours: [8, 18]\negress_ip: 1.2.3.4\n" +
		"hosts: [{name: dc, os: windows, role: domain_controller, ip: 10.0.0.1}]\n"
	good := base + "aws: {account: '123456789012', region: eu-west-1, instances: [{id: i-0123456789abcdef0, name: db, ports: [5432]}, " +
		"{id: i-0123456789abcdef1, connects: [db], private_ip: 10.1.2.3, eni: eni-0123456789abcdef0}]}\n" +
		"entra: {tenant_id: 0b7e4f2a-9c1d-4e8b-a6f3-2d5c7e9a1b40, domain: a.org}\n"
	if _, err := load(t, good); err != nil {
		t.Fatalf("valid environment: %v", err)
	}
	for name, text := range map[string]string{
		"instance id":       base + "aws: {account: '123456789012', instances: [{id: web-1}]}\n",
		"repeated instance": base + "aws: {account: '123456789012', instances: [{id: i-0123456789abcdef0}, {id: i-0123456789abcdef0}]}\n",
		"public address":    base + "aws: {account: '123456789012', instances: [{id: i-0123456789abcdef0, private_ip: 8.8.8.8}]}\n",
		"interface id":      base + "aws: {account: '123456789012', instances: [{id: i-0123456789abcdef0, eni: nic-1}]}\n",
		"port":              base + "aws: {account: '123456789012', instances: [{id: i-0123456789abcdef0, ports: [70000]}]}\n",
		"unknown peer":      base + "aws: {account: '123456789012', instances: [{id: i-0123456789abcdef0, connects: [db]}]}\n",
		"peer serves none":  base + "aws: {account: '123456789012', instances: [{id: i-0123456789abcdef0, name: db}, {id: i-0123456789abcdef1, connects: [db]}]}\n",
		"unknown key":       base + "aws: {account: '123456789012', instances: [{id: i-0123456789abcdef0, subnet_cidr: 10.0.0.0/24}]}\n",
		"role instance":     base + "aws: {account: '123456789012', roles: [{name: app, kind: instance, instance: app-server}]}\n",
		"tenant id":         base + "entra: {tenant_id: corp, domain: a.org}\n",
		"tenant domain":     base + "entra: {tenant_id: 0b7e4f2a-9c1d-4e8b-a6f3-2d5c7e9a1b40, domain: localhost}\n",
		"domain only":       base + "entra: {domain: a.org}\n",
	} {
		if _, err := load(t, text); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func load(t *testing.T, text string) (*simulate.Environment, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "env.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return simulate.LoadEnvironment(p)
}
