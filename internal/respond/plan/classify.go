package plan

import (
	"net/netip"
	"path"
	"regexp"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond/inventory"
)

// class is what an entity is to the planner: it decides which actions can
// act on it and how it joins the flow network.
type class int

const (
	clOther      class = iota // nothing acts on it
	clHost                    // a machine with a host agent
	clInstance                // an EC2 instance (host:i-...)
	clProcess                 // host-local
	clFile                    // host-local
	clLocal                   // other host-local entity: logon session, local account, service
	clExternalIP              // a public address: attacker infrastructure
	clInternalIP              // a private address
	clDomain                  // a name: no action blocks it
	clAWSUser                 // IAM user
	clAWSRole                 // IAM role
	clAWSRoot                 // account root: nothing but a person acts on it
	clIdPUser                 // Okta, Entra or directory user
	clAnonymous               // unauthenticated caller
	clAWSKey                  // long-term access key AKIA...
	clAWSTempKey              // temporary key ASIA...: the same secret as its role session
	clAWSSession              // role session
	clIdPSession              // Okta or Entra session
	clBucket                  // S3 bucket or object
)

// local reports whether entities of the class live on one host.
func (c class) local() bool { return c == clProcess || c == clFile || c == clLocal }

// hostLike reports whether the class is a host compartment.
func (c class) hostLike() bool { return c == clHost || c == clInstance }

var (
	instanceID = regexp.MustCompile(`^i-[0-9a-f]{8}([0-9a-f]{9})?$`)
	accessKey  = regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`)
)

// unkillable are process images whose death takes the host down or locks
// its users out: the planner never proposes killing them.
var unkillable = []string{
	"system", "registry", "memory compression", "smss.exe", "csrss.exe", "wininit.exe",
	"winlogon.exe", "services.exe", "lsass.exe", "lsaiso.exe", "svchost.exe", "fontdrvhost.exe",
	"init", "systemd", "kthreadd",
}

// wellKnownAccounts are local accounts no one locks.
var wellKnownAccounts = []string{
	`nt authority\system`, `nt authority\local service`, `nt authority\network service`,
	"system", "localsystem", "root",
}

// hostKey returns the host an entity id is local to: the longest host key
// h among hosts such that the id, past its prefix, starts with "h/". Names
// with slashes or shell characters resolve like any other, because only
// known host keys are compared.
func hostKey(id string, hosts map[string]bool) (string, bool) {
	var rest string
	switch {
	case strings.HasPrefix(id, "process:"), strings.HasPrefix(id, "file:"):
		rest = id[strings.IndexByte(id, ':')+1:]
	case strings.HasPrefix(id, "session:host:"):
		rest = id[len("session:host:"):]
	case strings.HasPrefix(id, "resource:host:"):
		rest = id[len("resource:host:"):]
	case strings.HasPrefix(id, "principal:"):
		rest = id[len("principal:"):]
	default:
		return "", false
	}
	best := ""
	for i := 0; i < len(rest); i++ {
		if rest[i] == '/' && hosts[rest[:i]] && i > len(best) {
			best = rest[:i]
		}
	}
	if best != "" {
		return best, true
	}
	if strings.HasPrefix(id, "principal:") {
		return "", false // accounts are local only to hosts the incident knows
	}
	if i := strings.IndexByte(rest, '/'); i > 0 {
		return rest[:i], true
	}
	return "", false
}

// classify returns an entity's class; localHost is the host key of
// host-local entities.
func classify(e event.Entity, hosts map[string]bool, internal []netip.Prefix) (c class, localHost string) {
	id := e.ID
	if h, ok := hostKey(id, hosts); ok {
		switch {
		case strings.HasPrefix(id, "process:"):
			return clProcess, h
		case strings.HasPrefix(id, "file:"):
			return clFile, h
		}
		return clLocal, h
	}
	switch {
	case strings.HasPrefix(id, "host:"):
		if instanceID.MatchString(id[len("host:"):]) {
			return clInstance, ""
		}
		return clHost, ""
	case strings.HasPrefix(id, "ip:"):
		a, ok := inventory.Addr(id)
		if !ok {
			return clDomain, "" // "ip:ec2.amazonaws.com": a name in an address field
		}
		if external(a, internal) {
			return clExternalIP, ""
		}
		return clInternalIP, ""
	case strings.HasPrefix(id, "domain:"):
		return clDomain, ""
	case strings.HasPrefix(id, "credential:"):
		k := id[len("credential:"):]
		switch {
		case !accessKey.MatchString(k):
			return clOther, ""
		case strings.HasPrefix(k, "AKIA"):
			return clAWSKey, ""
		}
		return clAWSTempKey, ""
	case strings.HasPrefix(id, "session:aws/"):
		return clAWSSession, ""
	case strings.HasPrefix(id, "session:okta/"), strings.HasPrefix(id, "session:entra/"):
		return clIdPSession, ""
	case strings.HasPrefix(id, "resource:arn:aws:s3:::"):
		return clBucket, ""
	case strings.HasPrefix(id, "principal:"):
		return classifyPrincipal(id[len("principal:"):]), ""
	}
	return clOther, ""
}

func classifyPrincipal(p string) class {
	switch {
	case p == "anonymous" || p == "*":
		return clAnonymous
	case strings.HasPrefix(p, "arn:aws:iam::") && strings.HasSuffix(p, ":root"):
		return clAWSRoot
	case strings.HasPrefix(p, "arn:aws:iam::") && strings.Contains(p, ":user/"):
		return clAWSUser
	case strings.HasPrefix(p, "arn:aws:iam::") && strings.Contains(p, ":role/"),
		strings.HasPrefix(p, "arn:aws:sts::") && strings.Contains(p, ":assumed-role/"):
		return clAWSRole
	case strings.HasPrefix(p, "okta:"), strings.HasPrefix(p, "entra:"):
		return clIdPUser
	case strings.HasPrefix(p, "arn:"), strings.HasPrefix(p, "app:"), strings.HasSuffix(p, ".amazonaws.com"):
		return clOther // services and applications: no user to suspend
	case strings.Count(p, "@") == 1 && !strings.HasPrefix(p, "@") && !strings.HasSuffix(p, "@"):
		return clIdPUser
	}
	return clOther
}

// external reports whether an address is on the internet.
func external(a netip.Addr, internal []netip.Prefix) bool {
	if !a.IsGlobalUnicast() || a.IsPrivate() || cgnat.Contains(a) {
		return false
	}
	for _, p := range internal {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// sessionRole returns the IAM role ARN in a role session's name or id:
// "arn:aws:iam::1:role/R/session[@created]" or an assumed-role ARN.
func sessionRole(s string) string {
	s = strings.TrimPrefix(s, "session:aws/")
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[:i] // "@<creation date>", or the rest of a login-named session
	}
	if strings.HasPrefix(s, "arn:aws:sts::") {
		return principalRole(s)
	}
	i := strings.Index(s, ":role/")
	if !strings.HasPrefix(s, "arn:aws:iam::") || i < 0 || strings.Count(s[i:], "/") < 2 {
		return ""
	}
	return s[:strings.LastIndexByte(s, '/')] // drop the session name
}

// principalRole returns the IAM role ARN of a role principal: the ARN
// itself, or the role of an assumed-role ARN.
func principalRole(p string) string {
	p = strings.TrimPrefix(p, "principal:")
	if strings.HasPrefix(p, "arn:aws:iam::") && strings.Contains(p, ":role/") {
		return p
	}
	acct, r, ok := strings.Cut(strings.TrimPrefix(p, "arn:aws:sts::"), ":assumed-role/")
	if !ok || !strings.HasPrefix(p, "arn:aws:sts::") {
		return ""
	}
	name, _, _ := strings.Cut(r, "/")
	if name == "" {
		return ""
	}
	return "arn:aws:iam::" + acct + ":role/" + name
}

// bucket returns the bucket of an S3 resource id.
func bucket(id string) string {
	b := strings.TrimPrefix(id, "resource:arn:aws:s3:::")
	b, _, _ = strings.Cut(b, "/")
	return b
}

// image returns the lower-case base name of a process's image.
func image(e event.Entity) string {
	n := strings.ReplaceAll(e.Name, `\`, "/")
	return strings.ToLower(path.Base(strings.TrimSpace(n)))
}

// localPath returns the path part of a host-local id.
func localPath(id, host string) string {
	_, rest, _ := strings.Cut(id, ":")
	rest = strings.TrimPrefix(rest, "host:")
	return strings.TrimPrefix(rest, host+"/")
}
