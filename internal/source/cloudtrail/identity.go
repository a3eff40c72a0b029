package cloudtrail

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// actor adds who acted: the principal, its session, the access key it used,
// the person behind an SSO role session and the instance behind instance
// credentials. It returns the name of the caller's session: "<role
// arn>/<session name>" for a role, the caller's ARN otherwise.
func (n normalizer) actor(v *view, ev *event.Event) (sessionName string) {
	account := v.idAccount
	if account == "" {
		account = v.recipient
	}
	switch v.idType {
	case "AssumedRole":
		role, session := assumedRole(v)
		sessionName = role + "/" + session
		if role == "" { // neither a session issuer nor a parsable ARN
			role, sessionName = v.idARN, v.idARN
		}
		ev.AddRef(event.RoleActor, n.p.Cloud(role))
		if looksLikeLogin(session) || strings.HasPrefix(roleName(role), "AWSReservedSSO_") && session != "" {
			ev.AddRef(event.RoleUser, n.p.Name(session))
		}
		if isInstanceID(session) {
			ev.AddRef(event.RoleHost, event.Host(session))
		}
		if !(plausibleKey(v.idKey) && isTemporaryKey(v.idKey)) && session != "" {
			// Without its temporary key the session is known by name and
			// creation time only.
			id := sessionName
			if v.creationDate != "" {
				id += "@" + v.creationDate
			}
			ev.AddRef(event.RoleSession, event.Session("aws", id, sessionName))
		}
	case "FederatedUser":
		// The federated session belongs to the IAM user that called
		// GetFederationToken (the session issuer).
		if v.issuerARN != "" {
			ev.AddRef(event.RoleActor, n.p.Cloud(v.issuerARN))
		} else {
			ev.AddRef(event.RoleActor, n.p.Cloud(v.idARN))
		}
		sessionName = v.idARN
	case "AWSService":
		svc := v.idInvokedBy
		if svc == "" && hasSuffix(v.sourceIP, ".amazonaws.com") {
			svc = v.sourceIP
		}
		ev.AddRef(event.RoleActor, n.p.Cloud(svc))
	case "AWSAccount":
		switch {
		case account == "ANONYMOUS_PRINCIPAL":
			ev.AddRef(event.RoleActor, n.p.Cloud("anonymous"))
		case account != "":
			ev.AddRef(event.RoleActor, n.p.Cloud("arn:aws:iam::"+account+":root"))
		}
	case "SAMLUser", "WebIdentityUser":
		if looksLikeLogin(v.idUser) {
			ev.AddRef(event.RoleActor, n.p.Name(v.idUser))
		} else {
			ev.AddRef(event.RoleActor, n.p.Cloud(v.idPrincipal))
		}
	case "Root":
		arn := v.idARN
		if arn == "" && account != "" {
			arn = "arn:aws:iam::" + account + ":root"
		}
		ev.AddRef(event.RoleActor, n.p.Cloud(arn))
		sessionName = arn
	case "IdentityCenterUser":
		if v.onBehalfOf != "" {
			ev.AddRef(event.RoleActor, n.p.Cloud("identitystore:"+v.onBehalfOf))
		}
		sessionName = v.idARN
	default: // IAMUser, and records without a type
		arn := v.idARN
		if arn == "" && v.idUser != "" && account != "" && (v.idType == "IAMUser" || v.idType == "") {
			arn = "arn:aws:iam::" + account + ":user/" + v.idUser
		}
		ev.AddRef(event.RoleActor, n.p.Cloud(arn))
		sessionName = arn
	}
	if v.idKey != "" {
		if !plausibleKey(v.idKey) {
			ev.Notes = append(ev.Notes, "userIdentity.accessKeyId "+strconv.Quote(v.idKey)+" is not an access key id")
			return sessionName
		}
		ev.AddRef(event.RoleCredential, event.Credential(v.idKey))
		if isTemporaryKey(v.idKey) {
			ev.AddRef(event.RoleSession, event.Session("aws", v.idKey, sessionName))
		}
	}
	return sessionName
}

// assumedRole returns the role ARN and session name of an AssumedRole
// identity: the role from the session issuer (or from the assumed-role ARN,
// without the role's path), the session name from principalId
// ("AROA...:<session>") or the ARN's last segment.
func assumedRole(v *view) (role, session string) {
	role = v.issuerARN
	if i := strings.IndexByte(v.idPrincipal, ':'); i >= 0 {
		session = v.idPrincipal[i+1:]
	}
	if role == "" || session == "" {
		r, s := AssumedRoleARN(v.idARN)
		if role == "" {
			role = r
		}
		if session == "" {
			session = s
		}
	}
	return role, session
}

// roleName is the last path segment of a role ARN.
func roleName(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

// looksLikeLogin reports whether a session or user name is a person's login
// (an email address), as SSO and SAML federation name sessions.
func looksLikeLogin(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && strings.IndexByte(s[at+1:], '.') > 0 && !strings.ContainsAny(s, " /:")
}

// isInstanceID reports whether s is an EC2 instance id ("i-" and 8 or 17 hex
// digits; pseudonymised logs mix the case).
func isInstanceID(s string) bool {
	if len(s) != 10 && len(s) != 19 || !strings.HasPrefix(s, "i-") {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// plausibleKey reports whether s can be an AWS access key id: 16 to 128
// upper-case letters and digits. Redacted and sample values ("REDACTED",
// "1111", "SAMPLE_ACCESS_KEY") would otherwise join unrelated events.
func plausibleKey(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isTemporaryKey reports an STS key (ASIA...), which identifies a session.
func isTemporaryKey(s string) bool { return strings.HasPrefix(s, "ASIA") }

// origin adds the source address. AWS services calling on a principal's
// behalf ("cloudformation.amazonaws.com") and "AWS Internal" are not network
// origins: they stay in the fields, and an AWSService actor names them.
// Strings that are not IP addresses are kept as endpoints, with a note.
func (n normalizer) origin(v *view, ev *event.Event) {
	ip := v.sourceIP
	if ip == "" || ip == "AWS Internal" || hasSuffix(ip, ".amazonaws.com") {
		return
	}
	if _, err := netip.ParseAddr(ip); err != nil {
		ev.Notes = append(ev.Notes, "sourceIPAddress "+strconv.Quote(ip)+" is not an IP address")
	}
	ev.AddRef(event.RoleSrc, event.IP(ip))
}
