package simulate

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// Entra is a Microsoft Entra ID tenant: people sign in to Microsoft 365 as
// name@Domain.
type Entra struct {
	TenantID string `yaml:"tenant_id"`
	Domain   string `yaml:"domain"`
}

// enabled reports whether the environment has a tenant.
func (e Entra) enabled() bool { return e.TenantID != "" }

func (e Entra) validate() []error {
	if e.TenantID == "" && e.Domain == "" {
		return nil
	}
	var errs []error
	if !isGUID(e.TenantID) {
		errs = append(errs, fmt.Errorf("entra: tenant_id %q: want a GUID", e.TenantID))
	}
	if !strings.Contains(e.Domain, ".") || strings.ContainsAny(e.Domain, "@/ ") {
		errs = append(errs, fmt.Errorf("entra: domain %q: want a DNS name", e.Domain))
	}
	return errs
}

// isGUID reports whether s is a GUID in its 8-4-4-4-12 hex form.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)):
			return false
		}
	}
	return true
}

// entraRecord is one sign-in of Microsoft Graph's auditLogs/signIns.
type entraRecord struct{ v write.Value }

// entraState is the tenant's people: their object ids and the random
// streams of their sign-ins.
type entraState struct {
	users map[string]*entraUser
}

// entraUser is a person's directory object and today's browser session.
type entraUser struct {
	id      string // object id
	device  string // their workstation's device id
	session string
	rng     *rand.Rand
}

func (s *sim) entraUser(p *person) *entraUser {
	if s.ent == nil {
		s.ent = &entraState{users: map[string]*entraUser{}}
	}
	u := s.ent.users[p.u.Name]
	if u == nil {
		u = &entraUser{id: stableGUID(s.env.Entra.TenantID + "/user/" + p.u.Name), rng: s.rng("entra/" + p.u.Name)}
		if p.ws != nil {
			u.device = stableGUID(s.env.Entra.TenantID + "/device/" + p.ws.h.Name)
		}
		s.ent.users[p.u.Name] = u
	}
	return u
}

// stableGUID derives a lower-case GUID from a name, for directory ids.
func stableGUID(name string) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	return uuid(rand.New(rand.NewPCG(h.Sum64(), 0x9e3779b97f4a7c15)))
}

// entraApp is a Microsoft 365 application people sign in to, and the
// resource it asks a token for.
type entraApp struct {
	id, name       string
	resID, resName string
	client         string // clientAppUsed
	browser        string // deviceDetail.browser
	agent          string
}

// Microsoft's first-party application ids, the same in every tenant.
var entraApps = []entraApp{
	{"d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office", "00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online",
		"Mobile Apps and Desktop clients", "Rich Client 16.0.17531.20152", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531; Pro)"},
	{"1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", "Microsoft Teams Services",
		"Mobile Apps and Desktop clients", "Rich Client 5.7.1.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Teams/24060.3102.2733.5911"},
	{"4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome",
		"Browser", "Chrome 124.0.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"},
}

// entraStatus is a sign-in's outcome: an error code, zero for success.
type entraStatus struct {
	code    int64
	reason  string
	details string
	mfa     bool // the step that needed (or used) a second factor
}

var (
	entraWrongPassword = entraStatus{50126, "Error validating credentials due to invalid username or password.",
		"The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes.", false}
	entraMFARequired = entraStatus{50074, "Strong Authentication is required.",
		"The user is being prompted for MFA.", true}
	entraMFADone   = entraStatus{0, "", "MFA completed in Azure AD", true}
	entraSSOSignIn = entraStatus{0, "", "MFA requirement satisfied by claim in the token", false}
)

// entraMorning is a person's first Microsoft 365 sign-in of the day, from
// Outlook at the office: now and then a mistyped password (50126), then
// the password with a request for the second factor (50074), then the
// sign-in with it.
func (s *sim) entraMorning(p *person, t time.Time) {
	if !s.env.Entra.enabled() {
		return
	}
	u := s.entraUser(p)
	u.session = uuid(u.rng)
	t = t.Add(jitter(u.rng, 30*time.Second, 3*time.Minute))
	corr := uuid(u.rng)
	app := entraApps[0]
	typos := 0.05
	if p.dev {
		typos = 0.25
	}
	if u.rng.Float64() < typos {
		s.entraSignIn(p, u, t, app, corr, entraWrongPassword)
		t = t.Add(jitter(u.rng, 4*time.Second, 20*time.Second))
	}
	s.entraSignIn(p, u, t, app, corr, entraMFARequired)
	s.entraSignIn(p, u, t.Add(jitter(u.rng, 8*time.Second, 40*time.Second)), app, corr, entraMFADone)
}

// entraDuringDay now and then signs a person at work in to another
// Microsoft 365 application with the day's session.
func (s *sim) entraDuringDay(p *person, t time.Time) {
	if !s.env.Entra.enabled() {
		return
	}
	u := s.entraUser(p)
	if u.session == "" || u.rng.IntN(30) != 0 {
		return
	}
	s.entraSignIn(p, u, t, pick(u.rng, entraApps[1:]), uuid(u.rng), entraSSOSignIn)
}

// entraSignIn emits one interactive sign-in of p from the office.
func (s *sim) entraSignIn(p *person, u *entraUser, t time.Time, app entraApp, corr string, st entraStatus) {
	rng := u.rng
	tenant := s.env.Entra.TenantID
	id := uuid(rng)
	claim := "MFA requirement satisfied by claim in the token"
	requirement := "singleFactorAuthentication"
	if st.mfa {
		requirement = "multiFactorAuthentication"
	}
	ca := "success"
	if st.code != 0 {
		ca = "notApplied"
	}
	status := []write.Member{write.N("errorCode", st.code)}
	if st.reason != "" {
		status = append(status, write.S("failureReason", st.reason))
	}
	status = append(status, write.S("additionalDetails", st.details))
	device := []write.Member{write.S("deviceId", u.device)}
	if p.ws != nil {
		device = append(device, write.S("displayName", strings.ToUpper(p.ws.h.Name)))
	}
	device = append(device, write.S("operatingSystem", "Windows10"), write.S("browser", app.browser))
	m := []write.Member{
		write.S("id", id),
		write.S("createdDateTime", t.UTC().Format("2006-01-02T15:04:05Z")),
		write.S("userDisplayName", p.u.FullName),
		write.S("userPrincipalName", p.u.Name+"@"+s.env.Entra.Domain),
		write.S("userId", u.id),
		write.S("appId", app.id),
		write.S("appDisplayName", app.name),
		write.S("ipAddress", s.env.EgressIP),
		write.S("clientAppUsed", app.client),
		write.S("userAgent", app.agent),
		write.S("correlationId", corr),
		write.S("conditionalAccessStatus", ca),
		write.S("originalRequestId", id),
		write.B("isInteractive", true),
		write.S("tokenIssuerType", "AzureAD"),
		write.N("processingTimeInMilliseconds", int64(40+rng.IntN(260))),
		write.S("riskDetail", "none"),
		write.S("riskLevelAggregated", "none"),
		write.S("riskLevelDuringSignIn", "none"),
		write.S("riskState", "none"),
		write.S("resourceDisplayName", app.resName),
		write.S("resourceId", app.resID),
		write.S("resourceTenantId", tenant),
		write.S("homeTenantId", tenant),
		write.S("tenantId", tenant),
		write.S("userType", "member"),
		write.S("authenticationRequirement", requirement),
		write.S("authenticationProtocol", "none"),
		write.S("crossTenantAccessType", "none"),
		write.S("incomingTokenType", "none"),
		write.S("clientCredentialType", "none"),
		write.B("flaggedForReview", false),
		write.B("isTenantRestricted", false),
		write.N("autonomousSystemNumber", 3243),
		write.S("sessionId", u.session),
		write.S("uniqueTokenIdentifier", randString(rng, base62, 22)),
		write.M("status", write.Obj(status...)),
		write.M("deviceDetail", write.Obj(device...)),
		write.M("location", write.Obj(write.S("city", "Lisbon"), write.S("state", "Lisboa"), write.S("countryOrRegion", "PT"),
			write.M("geoCoordinates", write.Obj(write.M("latitude", write.Float(38.7167)), write.M("longitude", write.Float(-9.1333)))))),
		write.M("authenticationDetails", write.Arr(s.entraSteps(t, st, claim)...)),
	}
	s.emit(t, &entraRecord{v: write.Obj(m...)})
}

// entraSteps are a sign-in's authenticationDetails: the password, and the
// second factor when the sign-in asked for it.
func (s *sim) entraSteps(t time.Time, st entraStatus, claim string) []write.Value {
	step := func(method, detail, result, requirement string, ok bool) write.Value {
		return write.Obj(write.S("authenticationStepDateTime", t.UTC().Format("2006-01-02T15:04:05Z")),
			write.S("authenticationMethod", method), write.S("authenticationMethodDetail", detail), write.B("succeeded", ok),
			write.S("authenticationStepResultDetail", result), write.S("authenticationStepRequirement", requirement))
	}
	switch {
	case st.code == entraWrongPassword.code:
		return []write.Value{step("Password", "Password in the cloud", "Invalid username or password or Invalid on-premise username or password.", "Primary authentication", false)}
	case st.code == entraMFARequired.code:
		return []write.Value{step("Password", "Password in the cloud", "Correct password", "Primary authentication", true)}
	case st.mfa:
		return []write.Value{
			step("Password", "Password in the cloud", "Correct password", "Primary authentication", true),
			step("Microsoft Authenticator (push notification)", "", "MFA successfully completed", "Secondary authentication", true),
		}
	}
	return []write.Value{step("Previously satisfied", "", claim, "Primary authentication", true)}
}
