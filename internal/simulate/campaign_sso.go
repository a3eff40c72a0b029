package simulate

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// ssoTheft is the SSO session theft: an adversary-in-the-middle phishing
// page relays an IT administrator's Okta sign-in and keeps the session it
// opens. From another address the attacker replays that session into AWS
// (a SAML sign-in to the administrator's role) to read the crown-jewel
// bucket and secrets, then into the VPN, and with the password the page
// also captured logs on to the domain controller by remote desktop.
//
// The telemetry links the three domains through the victim's identity: the
// Okta user (actor.alternateId), the AWS role session named after the same
// email (and its SAML caller), and the Windows account DOMAIN\user, which
// the domain map resolves to the same principal. The attacker's address
// joins the Okta session to the SAML sign-in and the cloud calls; the VPN
// address joins the remote desktop connection (Zeek) to the logon.
type ssoTheft struct {
	c        *campaignRun
	victim   *person
	dc       *winHost
	awsApp   OktaApp
	vpn      *VPN
	bucket   *Bucket
	phish    string // the phishing page's name
	proxy    oktaClient
	attacker oktaClient
	session  string // the Okta session the proxy opened
	cloud    ctIdentity
	vpnIP    string
	client   string // the attacker's machine name in the logon
	shell    *proc
}

// attackerAgent is the attacker's browser, unlike the victim's.
const attackerAgent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15"

func (s *sim) planSSOTheft(c *campaignRun) (time.Time, error) {
	p := &ssoTheft{c: c, dc: s.world.dc, vpn: s.env.Okta.VPN}
	var admins []*person
	for _, q := range s.world.people {
		if q.ws != nil && q.admin {
			admins = append(admins, q)
		}
	}
	for _, app := range s.env.Okta.Apps {
		if strings.Contains(app.Name, "AWS") {
			p.awsApp = app
			break
		}
	}
	p.bucket = s.bucket(c.rng, true)
	if len(admins) == 0 || p.dc == nil || p.vpn == nil || p.awsApp.ID == "" || s.env.AWS.Account == "" || p.bucket == nil {
		return time.Time{}, errors.New("needs an administrator with a workstation, a domain controller, an Okta VPN, an Okta app for AWS, " +
			"an AWS account and a crown-jewel bucket")
	}
	p.victim = pick(c.rng, admins)
	p.victim.steady = true
	at, ok := s.workHoursSlot(c.rng, 2*time.Hour, time.Hour)
	if !ok {
		return time.Time{}, errors.New("needs a working day with three hours of office time inside the run")
	}
	org := strings.SplitN(s.env.Okta.Org, ".", 2)[0]
	if org == "" {
		org = strings.SplitN(s.env.Domain.DNS, ".", 2)[0]
	}
	p.phish = pick(c.rng, []string{org + "-okta.com", org + ".okta-verify.net", "sso-" + org + ".com"})
	p.proxy = oktaClient{ip: fmt.Sprintf("%d.%d.%d.%d", pick(c.rng, []int{138, 159, 164, 167}), c.rng.IntN(256), c.rng.IntN(256), 2+c.rng.IntN(250)),
		agent: agentConsole, os: "Windows 10", browser: "CHROME", city: "Frankfurt am Main", state: "Hesse", country: "Germany",
		postal: "60313", lat: 50, lon: 9, asNumber: 14061, asOrg: "digitalocean, llc", isp: "DigitalOcean, LLC", domain: "digitalocean.com"}
	p.attacker = oktaClient{ip: fmt.Sprintf("%d.%d.%d.%d", pick(c.rng, []int{89, 93, 185, 194}), c.rng.IntN(256), c.rng.IntN(256), 2+c.rng.IntN(250)),
		agent: attackerAgent, os: "Mac OS X", browser: "SAFARI", city: "Bucharest", state: "Bucuresti", country: "Romania",
		postal: "010011", lat: 44, lon: 26, asNumber: 9009, asOrg: "m247 europe srl", isp: "M247 Europe SRL", domain: "m247.com"}
	p.session = oktaSession(c.rng)
	pool := netip.MustParsePrefix(p.vpn.Pool) // checked by Validate
	p.vpnIP = nthAddr(pool.Masked().Addr(), 10+c.rng.IntN(1<<(32-pool.Bits())-12))
	p.client = "DESKTOP-" + randString(c.rng, alnum, 7)
	c.description = fmt.Sprintf("%s, an IT administrator, follows a link to %s, an adversary-in-the-middle page that relays the Okta "+
		"sign-in (password and push) from %s and keeps the session it opens. From %s, with another browser, the attacker "+
		"replays the session: signs in to AWS through Okta as %s, lists the buckets, downloads objects of %s and reads "+
		"secrets; then signs in to the VPN (%s) through Okta and, with the password the page captured, logs on to %s by "+
		"remote desktop from %s and runs discovery commands.",
		p.victim.u.Name, p.phish, p.proxy.ip, p.attacker.ip, ssoRole(p.victim), p.bucket.Name, p.vpn.Name, p.dc.h.Name, p.vpnIP)
	c.source = "Entities follow the stolen Okta session (its sign-in from the phishing proxy and its use from the attacker's " +
		"address), the browser that opened the phishing page, the SAML sign-in and the role session it issued, the bucket, " +
		"objects and secrets read, the VPN application, the remote desktop connection, logon and processes on the domain " +
		"controller. The victim's principal is one entity in all three domains (Okta login, AWS role session name, Windows " +
		"account). The victim's own Okta session of the day and the office's address are benign."
	c.inputs = []string{DirOkta, DirCloudTrail, DirWindows, DirZeek}
	c.steps = []step{p.phishStep, p.hijack, p.collect, p.remote, p.discover}
	return at, nil
}

// nthAddr is the address n after a.
func nthAddr(a netip.Addr, n int) string {
	for range n {
		a = a.Next()
	}
	return a.String()
}

// phishStep: the victim's browser opens the phishing page, which relays
// the sign-in to Okta; Okta sees it from the proxy's address with the
// victim's browser, and opens the session the proxy keeps.
func (p *ssoTheft) phishStep(s *sim, t time.Time) time.Duration {
	c, v := p.c, p.victim
	w, chrome := v.ws, v.day.chrome // the victim is at work: the slot starts two hours into the day
	if chrome != nil {
		s.dnsQuery(w, t, chrome, p.phish, p.proxy.ip)
		s.connect(w, t.Add(30*time.Millisecond), chrome, flow{dst: p.proxy.ip, dstPort: 443, dstName: p.phish, service: "ssl",
			bytesOut: 9000 + c.rng.Int64N(20000), bytesIn: 150_000 + c.rng.Int64N(450_000), dur: jitter(c.rng, 50*time.Second, 3*time.Minute)})
		c.process(w, chrome, "the victim's browser, which opened the phishing page")
		c.entity(domainID(p.phish), "the phishing page")
		c.entity(endpointID(p.proxy.ip, 443), "the adversary-in-the-middle proxy")
	}
	signIn := t.Add(jitter(c.rng, 20*time.Second, 50*time.Second))
	s.oktaLog(signIn, c.rng, v, p.proxy, oktaEvent{eventType: "user.authentication.auth_via_mfa", legacy: "core.user.factor.attempt_success",
		display: "Authentication of user via MFA", severity: "INFO", result: "SUCCESS", session: p.session,
		targets: []write.Value{oktaFactor()}})
	s.oktaLog(signIn.Add(2*time.Second), c.rng, v, p.proxy, oktaEvent{eventType: "user.session.start", legacy: "core.user_auth.login_success",
		display: "User login to Okta", severity: "INFO", result: "SUCCESS", session: p.session})

	stolen := event.Session("okta", p.session, "").ID
	c.rootCause = []string{stolen, ipID(p.attacker.ip), ipID(p.proxy.ip)}
	if chrome != nil {
		c.rootCause = append(c.rootCause, domainID(p.phish))
	}
	c.firstComp = s.principals().Name(v.email).ID
	c.entity(c.firstComp, "the victim: Okta user, AWS role session name and Windows account")
	c.entity(ipID(p.proxy.ip), "the proxy's address, where Okta saw the sign-in")
	c.entity(stolen, "the Okta session the proxy opened and kept")
	c.technique("T1566.002", "phishing link")
	c.technique("T1557", "adversary-in-the-middle sign-in page")
	c.technique("T1539", "the session cookie is stolen")
	if v.oktaSession != "" {
		c.benign = append(c.benign, event.Session("okta", v.oktaSession, "").ID)
	}
	c.benign = append(c.benign, ipID(s.env.EgressIP))
	return jitter(c.rng, 20*time.Minute, 50*time.Minute)
}

// hijack: from the attacker's address and browser the stolen session opens
// the AWS application; Okta signs in to the victim's role by SAML and the
// attacker lists the buckets.
func (p *ssoTheft) hijack(s *sim, t time.Time) time.Duration {
	c, v := p.c, p.victim
	s.oktaLog(t, c.rng, v, p.attacker, oktaEvent{eventType: "user.authentication.sso", legacy: "app.auth.sso",
		display: "User single sign on to app", severity: "INFO", result: "SUCCESS", session: p.session,
		targets: []write.Value{appTarget(p.awsApp.ID, p.awsApp.Name)}})
	role := ssoRole(v)
	p.cloud = s.samlSignIn(t.Add(2*time.Second), c.rng, v, role, p.attacker.ip, attackerAgent)
	p.call(s, t.Add(jitter(c.rng, 10*time.Second, 40*time.Second)), "s3.amazonaws.com", "ListBuckets", false,
		write.Obj(write.S("Host", "s3."+s.env.AWS.Region+".amazonaws.com")), write.Null(), nil)

	c.entity(ipID(p.attacker.ip), "the attacker's address")
	c.entity(event.Resource("okta", p.awsApp.ID, p.awsApp.Name).ID, "the AWS application opened with the stolen session")
	c.entity("principal:arn:aws:iam::"+s.account()+":role/"+role, "the role signed in to")
	c.entity(event.Session("aws", p.cloud.key, "").ID, "the role session")
	c.entity(event.Credential(p.cloud.key).ID, "its temporary key")
	c.technique("T1550.004", "web session cookie replayed")
	c.technique("T1078.004", "valid cloud account")
	c.technique("T1619", "ListBuckets, ListObjects")
	return jitter(c.rng, 2*time.Minute, 6*time.Minute)
}

// call is one of the attacker's console calls in AWS.
func (p *ssoTheft) call(s *sim, t time.Time, source, name string, data bool, req, extra write.Value, res []write.Value) {
	s.cloudTrail(t, p.c.rng, ctCall{id: p.cloud, source: source, name: name, ip: p.attacker.ip, agent: attackerAgent,
		readOnly: true, data: data, req: req, extra: extra, resources: res})
}

// collect: the attacker lists and downloads objects of the crown-jewel
// bucket and reads the secrets.
func (p *ssoTheft) collect(s *sim, t time.Time) time.Duration {
	c, b, start := p.c, p.bucket, t
	bucketARN := "arn:aws:s3:::" + b.Name
	for _, prefix := range b.Prefixes {
		p.call(s, t, "s3.amazonaws.com", "ListObjects", true, write.Obj(write.S("bucketName", b.Name), write.S("prefix", prefix)), write.Null(),
			[]write.Value{write.Obj(write.S("accountId", s.account()), write.S("type", "AWS::S3::Bucket"), write.S("ARN", bucketARN))})
		t = t.Add(jitter(c.rng, 3*time.Second, 15*time.Second))
	}
	c.entity("resource:"+bucketARN, "the crown-jewel bucket")
	for i := range 12 + c.rng.IntN(18) {
		key := b.Prefixes[i%len(b.Prefixes)] + fmt.Sprintf("%04d.pdf", c.rng.IntN(120))
		req, extra, res := s.s3Object("GetObject", b.Name, key, 100_000+c.rng.Int64N(6_000_000))
		p.call(s, t, "s3.amazonaws.com", "GetObject", true, req, extra, res)
		c.readObject("resource:arn:aws:s3:::" + b.Name + "/" + key)
		t = t.Add(jitter(c.rng, 2*time.Second, 20*time.Second))
	}
	c.technique("T1530", "data from cloud storage")
	p.call(s, t, "secretsmanager.amazonaws.com", "ListSecrets", false, write.Obj(write.N("maxResults", 100)), write.Null(), nil)
	for _, name := range []string{"prod/database/credentials", "prod/ci/github-token"} {
		t = t.Add(jitter(c.rng, 5*time.Second, 30*time.Second))
		arn := "arn:aws:secretsmanager:" + s.env.AWS.Region + ":" + s.account() + ":secret:" + name + "-" + randString(c.rng, base62, 6)
		p.call(s, t, "secretsmanager.amazonaws.com", "GetSecretValue", false, write.Obj(write.S("secretId", arn)), write.Null(), nil)
		c.readObject("resource:" + arn)
	}
	c.technique("T1555.006", "cloud secrets store")
	return t.Sub(start) + jitter(c.rng, 10*time.Minute, 30*time.Minute)
}

// readObject adds data the attacker read.
func (c *campaignRun) readObject(id string) {
	if !c.seen[id] {
		c.data = append(c.data, id)
	}
	c.entity(id, "")
}

// remote: the stolen session opens the VPN application; from the address
// the VPN gives them the attacker connects by remote desktop to the domain
// controller with the victim's password.
func (p *ssoTheft) remote(s *sim, t time.Time) time.Duration {
	c, v, dc := p.c, p.victim, p.dc
	s.oktaLog(t, c.rng, v, p.attacker, oktaEvent{eventType: "user.authentication.sso", legacy: "app.auth.sso",
		display: "User single sign on to app", severity: "INFO", result: "SUCCESS", session: p.session,
		targets: []write.Value{appTarget(p.vpn.ID, p.vpn.Name)}})
	rdp := t.Add(jitter(c.rng, 40*time.Second, 3*time.Minute))
	s.flow(c.rng, rdp, flow{src: p.vpnIP, srcPort: 49152 + c.rng.IntN(16000), dst: dc.h.IP, dstPort: 3389, service: "rdp",
		bytesOut: 600_000 + c.rng.Int64N(2_000_000), bytesIn: 4_000_000 + c.rng.Int64N(20_000_000), dur: jitter(c.rng, 12*time.Minute, 30*time.Minute)})
	id := s.logon(dc, rdp.Add(2*time.Second), logonReq{typ: logonRemote, target: v.acct, src: p.vpnIP, client: p.client, admin: true})
	u := rdp.Add(3 * time.Second)
	userinit := dc.newProc(dc.winlogon, `C:\Windows\System32\userinit.exe`, `C:\Windows\system32\userinit.exe`, v.acct, id, "Medium", 2)
	userinit.logonGUID = guid(c.rng, "")
	s.started(dc, u, userinit)
	explorer := s.spawn(dc, u.Add(500*time.Millisecond), userinit, imgExplorer, `C:\Windows\Explorer.EXE`)
	explorer.cwd = `C:\Users\` + v.u.Name + `\`
	p.shell = s.spawn(dc, u.Add(jitter(c.rng, 30*time.Second, 90*time.Second)), explorer, imgCmd, `"C:\Windows\system32\cmd.exe" `)

	c.entity(event.Resource("okta", p.vpn.ID, p.vpn.Name).ID, "the VPN application opened with the stolen session")
	c.entity(ipID(p.vpnIP), "the attacker's VPN address")
	c.entity(endpointID(dc.h.IP, 3389), "remote desktop on the domain controller")
	c.entity(hostID(dc), "the domain controller")
	c.entity(sessionID(dc, id), "the remote desktop logon")
	c.process(dc, userinit, "userinit of the remote desktop session")
	c.process(dc, explorer, "its Explorer")
	c.process(dc, p.shell, "the attacker's shell")
	c.technique("T1133", "VPN through Okta")
	c.technique("T1078.002", "the victim's domain account")
	c.technique("T1021.001", "remote desktop")
	c.technique("T1059.003", "cmd.exe")
	return p.shell.start.Sub(t) + jitter(c.rng, 20*time.Second, 2*time.Minute)
}

// discover: the usual first commands on the domain controller.
func (p *ssoTheft) discover(s *sim, t time.Time) time.Duration {
	c, dc := p.c, p.dc
	for _, x := range []struct{ img, cmd, tech, note string }{
		{`C:\Windows\System32\whoami.exe`, `whoami  /all`, "T1033", "whoami"},
		{`C:\Windows\System32\net.exe`, `net  group "Domain Admins" /domain`, "T1069.002", "domain admins"},
		{`C:\Windows\System32\nltest.exe`, `nltest  /domain_trusts /all_trusts`, "T1482", "domain trusts"},
		{`C:\Windows\System32\ipconfig.exe`, `ipconfig  /all`, "T1016", "network configuration"},
	} {
		q := s.spawn(dc, t, p.shell, x.img, x.cmd)
		t = t.Add(jitter(c.rng, 10*time.Second, 60*time.Second))
		c.process(dc, q, x.note)
		c.technique(x.tech, x.note)
	}
	return 0
}
