package simulate_test

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/eval"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate"
)

// scenarioOf loads the truth the run wrote for a campaign.
func scenarioOf(t *testing.T, sum simulate.Summary, name string) *eval.Scenario {
	t.Helper()
	for _, sc := range sum.Scenarios {
		if sc.Name == name {
			s, err := eval.Load(sc.Path)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
	t.Fatalf("no scenario %s in %v", name, sum.Scenarios)
	return nil
}

// refOf is the id of the first entity of ev in role, or "".
func refOf(ev *event.Event, role event.Role) string {
	e, _ := ev.Ref(role)
	return e.ID
}

// hasRef reports whether ev refers to id in role.
func hasRef(ev *event.Event, role event.Role, id string) bool {
	for _, r := range ev.Refs {
		if r.Role == role && r.Entity.ID == id {
			return true
		}
	}
	return false
}

// The stolen Okta session is opened from the phishing proxy with the
// victim's browser and used from the attacker's address with another; the
// SAML sign-in from that address names the role session after the victim;
// the role session downloads the crown jewels; the VPN address logs on to
// the domain controller as the victim by remote desktop and runs discovery.
func TestSSOSessionTheftSteps(t *testing.T) {
	_, sum, events := run(t)
	sc := scenarioOf(t, sum, simulate.CampaignSSOTheft)
	stolen, attacker, proxy := sc.Truth.RootCause[0], sc.Truth.RootCause[1], sc.Truth.RootCause[2]
	victim := sc.Truth.FirstCompromised
	email := strings.TrimPrefix(victim, "principal:")
	data := map[string]bool{}
	for _, id := range sc.Truth.DataAccessed {
		data[id] = true
	}
	truth := map[string]bool{}
	for _, id := range sc.Truth.Entities {
		truth[id] = true
	}
	pool := netip.MustParsePrefix(simulate.DefaultEnvironment().Okta.VPN.Pool)

	agents := map[string]string{} // Okta client address -> user agent, for the stolen session
	var signIns, ssos int
	objects := map[string]int{} // role session -> crown-jewel objects read from the attacker's address
	whoami := map[string]int{}  // logon session -> whoami runs (Sysmon)
	var cloudSession, rdpSession, vpnIP string
	for _, ev := range events {
		switch ev.Source.Format {
		case "okta":
			if !hasRef(ev, event.RoleSession, stolen) {
				continue
			}
			if u := refOf(ev, event.RoleUser); u != victim {
				t.Errorf("stolen session used by %s, want %s", u, victim)
			}
			src := refOf(ev, event.RoleSrc)
			agents[src] = ev.Value("client.userAgent.rawUserAgent")
			switch typ := ev.Value("eventType"); {
			case typ == "user.session.start" && src == proxy:
				signIns++
			case typ == "user.authentication.sso" && src == attacker:
				ssos++
			}
		case "cloudtrail":
			if refOf(ev, event.RoleSrc) != attacker {
				continue
			}
			switch ev.Value("eventName") {
			case "AssumeRoleWithSAML":
				if refOf(ev, event.RoleActor) != victim || !strings.HasSuffix(ev.Value("responseElements.assumedRoleUser.arn"), "/"+email) {
					t.Errorf("SAML sign-in from the attacker: actor %s, session %s", refOf(ev, event.RoleActor), ev.Value("responseElements.assumedRoleUser.arn"))
				}
				for _, r := range ev.Refs {
					if r.Role == event.RoleTarget && r.Entity.Kind == event.KindSession {
						cloudSession = r.Entity.ID
					}
				}
			case "GetObject":
				for _, r := range ev.Refs {
					if r.Role == event.RoleTarget && data[r.Entity.ID] && hasRef(ev, event.RoleUser, victim) {
						objects[refOf(ev, event.RoleSession)]++
					}
				}
			}
		case "winjson-evtxdump":
			switch ev.Value("EventID") {
			case "4624":
				ip, err := netip.ParseAddr(ev.Value("IpAddress"))
				if ev.Value("LogonType") == "10" && err == nil && pool.Contains(ip) {
					if refOf(ev, event.RoleTargetUser) != victim || !strings.HasPrefix(ev.Value("Computer"), "DC01.") {
						t.Errorf("remote desktop logon from the VPN as %s on %s", refOf(ev, event.RoleTargetUser), ev.Value("Computer"))
					}
					rdpSession, vpnIP = refOf(ev, event.RoleSession), ip.String()
				}
			case "1":
				if strings.HasSuffix(ev.Value("Image"), `\whoami.exe`) {
					whoami[refOf(ev, event.RoleSession)]++
				}
			}
		}
	}
	if signIns != 1 || ssos != 2 {
		t.Errorf("stolen session: %d sign-ins from the proxy, %d single sign-ons from the attacker; want 1 and 2 (AWS, VPN)", signIns, ssos)
	}
	if agents[proxy] == "" || agents[proxy] == agents[attacker] {
		t.Errorf("user agents of the stolen session: proxy %q, attacker %q; want the victim's and another", agents[proxy], agents[attacker])
	}
	if cloudSession == "" || !truth[cloudSession] || objects[cloudSession] < 10 {
		t.Errorf("role session %q (in the truth: %v) read %d crown-jewel objects from the attacker's address", cloudSession, truth[cloudSession], objects[cloudSession])
	}
	if rdpSession == "" || !truth[rdpSession] || !truth["ip:"+vpnIP] || whoami[rdpSession] != 1 {
		t.Errorf("remote desktop session %q from %s (in the truth: %v, %v) ran whoami %d times", rdpSession, vpnIP, truth[rdpSession], truth["ip:"+vpnIP], whoami[rdpSession])
	}
	rdpFlow := false
	for _, ev := range events {
		if ev.Source.Format == "zeek" && refOf(ev, event.RoleSrc) != "" && strings.HasPrefix(refOf(ev, event.RoleSrc), "ip:"+vpnIP+":") &&
			strings.HasSuffix(refOf(ev, event.RoleDst), ":3389") {
			rdpFlow = true
		}
	}
	if !rdpFlow {
		t.Errorf("no Zeek connection from the VPN address %s to remote desktop", vpnIP)
	}
}

// The instance's key, issued to it by EC2 and used from its own address,
// is used from the attacker's address with another agent: the identity is
// the instance's role session, the calls read the crown jewels, and a
// CreateUser is denied.
func TestStolenInstanceCredentialsSteps(t *testing.T) {
	_, sum, events := run(t)
	sc := scenarioOf(t, sum, simulate.CampaignInstance)
	session, key, attacker, host := sc.Truth.RootCause[0], sc.Truth.RootCause[1], sc.Truth.RootCause[2], sc.Truth.RootCause[3]
	if sc.Truth.FirstCompromised != host || !strings.HasPrefix(host, "host:i-") {
		t.Fatalf("first compromised %s, root cause host %s", sc.Truth.FirstCompromised, host)
	}
	instance := strings.TrimPrefix(host, "host:")
	data := map[string]bool{}
	for _, id := range sc.Truth.DataAccessed {
		data[id] = true
	}
	var issued, firstOutside, ownUse, objects int64
	agents := map[string]bool{}
	denied := false
	for _, ev := range events {
		if ev.Source.Format != "cloudtrail" {
			continue
		}
		if hasRef(ev, event.RoleTarget, key) && refOf(ev, event.RoleActor) == "principal:ec2.amazonaws.com" && hasRef(ev, event.RoleTarget, host) {
			issued = ev.Time.UnixNano()
		}
		if !hasRef(ev, event.RoleCredential, key) {
			continue
		}
		if !hasRef(ev, event.RoleSession, session) || !hasRef(ev, event.RoleHost, host) || ev.Value("userIdentity.type") != "AssumedRole" ||
			!strings.HasSuffix(ev.Value("userIdentity.arn"), "/"+instance) || !strings.HasPrefix(ev.Value("userIdentity.accessKeyId"), "ASIA") {
			t.Fatalf("a call with the key is not the instance's role session: %s %s", ev.Value("userIdentity.arn"), refOf(ev, event.RoleSession))
		}
		agents[ev.Value("userAgent")] = true
		if refOf(ev, event.RoleSrc) != attacker {
			ownUse++
			continue
		}
		if firstOutside == 0 {
			firstOutside = ev.Time.UnixNano()
		}
		switch ev.Value("eventName") {
		case "GetObject":
			for _, r := range ev.Refs {
				if r.Role == event.RoleTarget && data[r.Entity.ID] {
					objects++
				}
			}
		case "CreateUser":
			denied = ev.Outcome == event.OutcomeFailure && ev.Value("errorCode") == "AccessDenied"
		}
	}
	if issued == 0 || firstOutside == 0 || issued > firstOutside {
		t.Errorf("key issued to the instance at %d, first used from outside at %d", issued, firstOutside)
	}
	if ownUse == 0 || len(agents) < 2 {
		t.Errorf("the instance used the key %d times; %d user agents, want the instance's and the attacker's", ownUse, len(agents))
	}
	if objects < 20 || !denied {
		t.Errorf("from outside: %d crown-jewel objects read, CreateUser denied: %v", objects, denied)
	}
}

func TestVPNIsValidated(t *testing.T) {
	base := "domain: {netbios: A, dns: a.org}\nwork_hours: [8, 18]\negress_ip: 1.2.3.4\n" +
		"hosts: [{name: dc, os: windows, role: domain_controller, ip: 10.0.0.1}]\n"
	for name, c := range map[string]struct {
		vpn string
		ok  bool
	}{
		"valid":       {"okta: {vpn: {id: 0oa1, name: VPN, pool: 10.9.0.0/24}}\n", true},
		"no pool":     {"okta: {vpn: {id: 0oa1, name: VPN}}\n", false},
		"tiny pool":   {"okta: {vpn: {id: 0oa1, name: VPN, pool: 10.9.0.0/30}}\n", false},
		"no app id":   {"okta: {vpn: {name: VPN, pool: 10.9.0.0/24}}\n", false},
		"ipv6 pool":   {"okta: {vpn: {id: 0oa1, name: VPN, pool: 'fd00::/64'}}\n", false},
		"unknown key": {"okta: {vpn: {id: 0oa1, name: VPN, pool: 10.9.0.0/24, port: 443}}\n", false},
	} {
		p := filepath.Join(t.TempDir(), "env.yaml")
		if err := os.WriteFile(p, []byte(base+c.vpn), 0o644); err != nil {
			t.Fatal(err)
		}
		env, err := simulate.LoadEnvironment(p)
		if (err == nil) != c.ok {
			t.Errorf("%s: loaded %v, error %v", name, env != nil, err)
		}
	}
}

// A campaign the environment cannot host says what it lacks.
func TestCloudCampaignsNeedTheirEnvironment(t *testing.T) {
	noVPN := simulate.DefaultEnvironment()
	noVPN.Okta.VPN = nil
	noInstance := simulate.DefaultEnvironment()
	for i := range noInstance.AWS.Roles {
		if noInstance.AWS.Roles[i].Kind == "instance" {
			noInstance.AWS.Roles[i].Kind = "ci"
		}
	}
	for campaign, env := range map[string]*simulate.Environment{simulate.CampaignSSOTheft: noVPN, simulate.CampaignInstance: noInstance} {
		_, err := simulate.Run(context.Background(), simulate.Config{Environment: env, Campaigns: []string{campaign}}, t.TempDir(), nil)
		if err == nil || !strings.Contains(err.Error(), "planning campaign "+campaign+": needs") {
			t.Errorf("%s without what it needs: %v", campaign, err)
		}
	}
}
