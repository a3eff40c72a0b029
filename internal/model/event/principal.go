package event

import "strings"

// Principals resolves the many spellings of one identity to one entity id:
// CORP\alice, alice@corp.com and the SSO role session named alice@corp.com
// are the same person. Resolution is a pure function of the name and the
// configured domain map, so ids never depend on the order events arrive in.
//
// The zero value is usable: without a domain map, DOMAIN\user becomes
// user@domain (lower case). Principals is safe for concurrent use once built.
type Principals struct {
	// Domains maps a NetBIOS domain (case-insensitive) to its DNS suffix:
	// "CORP" -> "corp.com".
	Domains map[string]string
}

// wellKnown are Windows accounts that exist on every host; they are scoped to
// the host so that SYSTEM on two machines is not one principal.
var wellKnown = map[string]bool{
	"system": true, "local service": true, "network service": true,
	"anonymous logon": true, "localsystem": true, "-": true,
}

// Windows returns the principal for a Windows account. host scopes local and
// well-known accounts (domain equal to the host's name, or NT AUTHORITY).
func (p *Principals) Windows(domain, user string, host Entity) Entity {
	user = strings.TrimSpace(user)
	domain = strings.TrimSpace(domain)
	if user == "" || user == "-" {
		return Entity{}
	}
	if i := strings.IndexByte(user, '\\'); i >= 0 && domain == "" {
		domain, user = user[:i], user[i+1:]
	}
	if strings.Contains(user, "@") {
		return p.Name(user)
	}
	lu, ld := strings.ToLower(user), strings.ToLower(domain)
	display := user
	if domain != "" {
		display = domain + `\` + user
	}
	if ld == "nt authority" || ld == "font driver host" || ld == "window manager" || wellKnown[lu] ||
		(host.ID != "" && ld == strings.TrimPrefix(host.ID, "host:")) || ld == "" && strings.HasSuffix(lu, "$") {
		if host.ID == "" {
			return Entity{Kind: KindPrincipal, ID: "principal:" + ld + `\` + lu, Name: display}
		}
		return Entity{Kind: KindPrincipal, ID: "principal:" + hostKey(host) + `/` + ld + `\` + lu, Name: display}
	}
	if ld == "" {
		return Entity{Kind: KindPrincipal, ID: "principal:" + lu, Name: display}
	}
	if suffix, ok := p.domain(ld); ok {
		return Entity{Kind: KindPrincipal, ID: "principal:" + lu + "@" + suffix, Name: display}
	}
	return Entity{Kind: KindPrincipal, ID: "principal:" + lu + "@" + ld, Name: display}
}

// Name returns the principal for a user name as an identity provider or a
// Unix host writes it: alice@corp.com, CORP\alice, or a bare login.
func (p *Principals) Name(name string) Entity {
	name = strings.TrimSpace(name)
	if name == "" || name == "-" {
		return Entity{}
	}
	if i := strings.IndexByte(name, '\\'); i >= 0 {
		return p.Windows(name[:i], name[i+1:], Entity{})
	}
	return Entity{Kind: KindPrincipal, ID: "principal:" + strings.ToLower(name), Name: name}
}

// Local returns a host-local account (a Unix login, a local Windows user).
func (p *Principals) Local(host Entity, user string) Entity {
	user = strings.TrimSpace(user)
	if user == "" || user == "-" || host.ID == "" {
		return Entity{}
	}
	return Entity{Kind: KindPrincipal, ID: "principal:" + hostKey(host) + "/" + strings.ToLower(user), Name: user}
}

// Cloud returns a cloud identity by its canonical identifier, such as an IAM
// ARN ("arn:aws:iam::123456789012:user/alice") or a GCP service account
// email. Case is kept: IAM names are case-sensitive.
func (p *Principals) Cloud(id string) Entity {
	id = strings.TrimSpace(id)
	if id == "" {
		return Entity{}
	}
	return Entity{Kind: KindPrincipal, ID: "principal:" + id, Name: id}
}

func (p *Principals) domain(ld string) (string, bool) {
	for k, v := range p.Domains {
		if strings.EqualFold(k, ld) {
			return strings.ToLower(v), true
		}
	}
	return "", false
}
