package simulate

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// oktaClient is where an Okta event comes from.
type oktaClient struct {
	ip, agent, os, browser string
	city, state, country   string
	postal                 string
	lat, lon               int64
	asNumber               int64
	asOrg, isp, domain     string
}

// officeClient is a person's browser at the office.
func (s *sim) officeClient(ip string) oktaClient {
	return oktaClient{ip: ip, agent: agentConsole, os: "Windows 10", browser: "CHROME", city: "Lisbon", state: "Lisbon",
		country: "Portugal", postal: "1000-001", lat: 38, lon: -9, asNumber: 3243, asOrg: "meo", isp: "MEO - Servicos De Comunicacoes E Multimedia S.A.", domain: "meo.pt"}
}

// oktaEvent is one System Log event.
type oktaEvent struct {
	eventType, legacy, display, severity string
	result, reason                       string
	session                              string
	targets                              []write.Value
}

func (s *sim) oktaLog(t time.Time, rng *rand.Rand, p *person, c oktaClient, e oktaEvent) {
	geo := func() write.Value {
		return write.Obj(write.S("city", c.city), write.S("state", c.state), write.S("country", c.country),
			write.S("postalCode", c.postal), write.M("geolocation", write.Obj(write.N("lat", c.lat), write.N("lon", c.lon))))
	}
	outcome := []write.Member{write.S("result", e.result)}
	if e.reason != "" {
		outcome = append(outcome, write.S("reason", e.reason))
	}
	req := strings.ToUpper(randString(rng, base62, 8)) + "-" + randString(rng, base62, 14)
	m := []write.Member{
		write.S("uuid", uuid(rng)), write.S("published", t.UTC().Format("2006-01-02T15:04:05.000Z")),
		write.S("eventType", e.eventType), write.S("version", "0"), write.S("severity", e.severity),
		write.S("legacyEventType", e.legacy), write.S("displayMessage", e.display),
		write.M("actor", write.Obj(write.S("id", p.oktaID), write.S("type", "User"), write.S("alternateId", p.email), write.S("displayName", p.u.FullName))),
		write.M("client", write.Obj(
			write.M("userAgent", write.Obj(write.S("rawUserAgent", c.agent), write.S("os", c.os), write.S("browser", c.browser))),
			write.S("zone", "null"), write.S("device", "Computer"), write.S("ipAddress", c.ip), write.M("geographicalContext", geo()))),
		write.M("authenticationContext", write.Obj(write.N("authenticationStep", 0), write.S("externalSessionId", e.session))),
		write.M("outcome", write.Obj(outcome...)),
	}
	if len(e.targets) > 0 {
		m = append(m, write.M("target", write.Arr(e.targets...)))
	}
	m = append(m,
		write.M("transaction", write.Obj(write.S("type", "WEB"), write.S("id", req))),
		write.M("debugContext", write.Obj(write.M("debugData", write.Obj(write.S("requestId", req),
			write.S("requestUri", "/idp/idx/identify"), write.S("url", "/idp/idx/identify?"))))),
		write.M("request", write.Obj(write.M("ipChain", write.Arr(write.Obj(write.S("ip", c.ip), write.M("geographicalContext", geo()), write.S("version", "V4")))))),
		write.M("securityContext", write.Obj(write.N("asNumber", c.asNumber), write.S("asOrg", c.asOrg), write.S("isp", c.isp),
			write.S("domain", c.domain), write.B("isProxy", false))),
	)
	s.emit(t, &oktaRecord{v: write.Obj(m...)})
}

// oktaSession is a person's Okta session of the day.
func oktaSession(rng *rand.Rand) string { return "102" + randString(rng, base62, 22) }

// oktaSignIn is the morning sign-in: for some people a mistyped password
// first, then the password and the push.
func (s *sim) oktaSignIn(p *person, t time.Time, rng *rand.Rand) {
	c := s.officeClient(s.env.EgressIP)
	sess := oktaSession(rng)
	p.oktaSession = sess
	typos := 0.05
	if p.dev {
		typos = 0.25
	}
	if rng.Float64() < typos {
		s.oktaLog(t, rng, p, c, oktaEvent{eventType: "user.session.start", legacy: "core.user_auth.login_failed",
			display: "User login to Okta", severity: "WARN", result: "FAILURE", reason: "INVALID_CREDENTIALS", session: "unknown"})
		t = t.Add(jitter(rng, 5*time.Second, 30*time.Second))
	}
	s.oktaLog(t, rng, p, c, oktaEvent{eventType: "user.authentication.auth_via_mfa", legacy: "core.user.factor.attempt_success",
		display: "Authentication of user via MFA", severity: "INFO", result: "SUCCESS", session: sess,
		targets: []write.Value{oktaFactor()}})
	s.oktaLog(t.Add(2*time.Second), rng, p, c, oktaEvent{eventType: "user.session.start", legacy: "core.user_auth.login_success",
		display: "User login to Okta", severity: "INFO", result: "SUCCESS", session: sess})
}

func oktaFactor() write.Value {
	return write.Obj(write.S("id", "opf1verifypush001"), write.S("type", "AuthenticatorEnrollment"),
		write.S("alternateId", "unknown"), write.S("displayName", "Okta Verify"))
}

// oktaSSO is a person opening an application through Okta. Opening AWS
// signs them in to a role by SAML (AssumeRoleWithSAML) and they look
// around in the console.
func (s *sim) oktaSSO(p *person, t time.Time, rng *rand.Rand) {
	if len(s.env.Okta.Apps) == 0 || p.oktaSession == "" {
		return
	}
	app := pick(rng, s.env.Okta.Apps)
	s.oktaLog(t, rng, p, s.officeClient(s.env.EgressIP), oktaEvent{eventType: "user.authentication.sso", legacy: "app.auth.sso",
		display: "User single sign on to app", severity: "INFO", result: "SUCCESS", session: p.oktaSession,
		targets: []write.Value{appTarget(app.ID, app.Name)}})
	if !strings.Contains(app.Name, "AWS") || s.env.AWS.Account == "" || !(p.admin || p.dev) {
		return
	}
	t = t.Add(2 * time.Second)
	sess := s.samlSignIn(t, rng, p, ssoRole(p), s.env.EgressIP, agentConsole)
	for i := range 1 + rng.IntN(4) {
		s.cloudTrail(t.Add(time.Duration(i+1)*jitter(rng, 3*time.Second, 40*time.Second)), rng, ctCall{id: sess, source: "ec2.amazonaws.com",
			name: "DescribeInstances", ip: s.env.EgressIP, agent: agentConsole, readOnly: true,
			req: write.Obj(write.M("instancesSet", write.Obj()), write.M("filterSet", write.Obj()))})
	}
}

// appTarget is an Okta application signed in to by SAML, as an event's
// target.
func appTarget(id, name string) write.Value {
	return write.Obj(write.S("id", id), write.S("type", "AppInstance"), write.S("alternateId", name),
		write.S("displayName", name), write.M("detailEntry", write.Obj(write.S("signOnModeType", "SAML_2_0"))))
}

// ssoRole is the role a person signs in to AWS as through Okta.
func ssoRole(p *person) string {
	if p.admin {
		return "AdministratorSSO"
	}
	return "DeveloperSSO"
}

// samlSignIn emits the AssumeRoleWithSAML of p signing in to role from ip
// and returns the role session, named after p's email as Okta's AWS app
// names it.
func (s *sim) samlSignIn(t time.Time, rng *rand.Rand, p *person, role, ip, agent string) ctIdentity {
	acct := s.account()
	temp := "ASIA" + randString(rng, alnum, 16)
	roleArn := "arn:aws:iam::" + acct + ":role/" + role
	s.cloudTrail(t, rng, ctCall{
		id: samlUser(p.email), source: "sts.amazonaws.com", name: "AssumeRoleWithSAML", ip: ip, agent: agent, readOnly: true,
		req: write.Obj(write.S("roleArn", roleArn), write.S("principalArn", "arn:aws:iam::"+acct+":saml-provider/Okta"), write.N("durationSeconds", 3600)),
		resp: write.Obj(
			write.M("credentials", write.Obj(write.S("accessKeyId", temp), write.S("expiration", t.Add(time.Hour).UTC().Format("Jan 2, 2006, 3:04:05 PM")))),
			write.M("assumedRoleUser", write.Obj(write.S("assumedRoleId", stableKey("AROA", acct+"/role/"+role)+":"+p.email),
				write.S("arn", "arn:aws:sts::"+acct+":assumed-role/"+role+"/"+p.email))),
			write.S("subject", p.email), write.S("issuer", "http://www.okta.com/exk1corpexample"), write.S("audience", "https://signin.aws.amazon.com/saml")),
		resources: []write.Value{write.Obj(write.S("accountId", acct), write.S("type", "AWS::IAM::Role"), write.S("ARN", roleArn))},
	})
	return s.roleSession(role, p.email, temp, t, false)
}

// samlUser is the identity of a SAML sign-in's caller.
func samlUser(email string) ctIdentity {
	return ctIdentity{v: write.Obj(write.S("type", "SAMLUser"), write.S("principalId", "corp-example:"+email), write.S("userName", email))}
}
