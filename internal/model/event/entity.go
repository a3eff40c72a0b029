package event

import (
	"net/netip"
	"strconv"
	"strings"
)

// Kind is the kind of an entity.
type Kind string

// Entity kinds (see DESIGN §3 for how each is identified).
const (
	KindHost       Kind = "host"
	KindProcess    Kind = "process"
	KindFile       Kind = "file"
	KindPrincipal  Kind = "principal"
	KindSession    Kind = "session"
	KindCredential Kind = "credential"
	KindEndpoint   Kind = "endpoint" // IP address, IP:port, or domain name
	KindResource   Kind = "resource" // cloud ARN, bucket, secret, registry key, service, task, ...
)

// Entity is a thing events relate. ID is computed from facts only (never
// random), so two events about the same thing carry the same ID whatever
// source they came from. Name is for people.
type Entity struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Role is the part an entity plays in one event.
type Role string

// Roles.
const (
	RoleHost       Role = "host"        // where it happened
	RoleActor      Role = "actor"       // the process or principal that acted
	RoleParent     Role = "parent"      // the actor's parent process
	RoleTarget     Role = "target"      // what was acted on: new process, file, resource, account
	RoleUser       Role = "user"        // principal the actor runs as or signs in as
	RoleTargetUser Role = "target_user" // principal acted on or logged on as (4624 target)
	RoleSession    Role = "session"     // logon session, role session, IdP session
	RoleCredential Role = "credential"  // access key, token, certificate used
	RoleSrc        Role = "src"         // network origin (IP, IP:port)
	RoleDst        Role = "dst"         // network destination (IP:port, domain)
	RoleSrcHost    Role = "src_host"    // the machine the network origin is, by name (4624's WorkstationName)
	RoleImage      Role = "image"       // executable file of the actor process or the new process
)

// Ref is an entity in a role.
type Ref struct {
	Role   Role   `json:"role"`
	Entity Entity `json:"entity"`
}

// Host identifies a machine by its normalized name: lower case, without the
// DNS domain ("MKT01.pandalab.com" -> "mkt01"). Cloud instance ids and IP
// addresses are kept whole.
func Host(name string) Entity {
	name = strings.TrimSpace(name)
	if name == "" || name == "-" {
		return Entity{}
	}
	short := strings.ToLower(name)
	if _, err := netip.ParseAddr(short); err != nil {
		if i := strings.IndexByte(short, '.'); i > 0 {
			short = short[:i]
		}
	}
	return Entity{Kind: KindHost, ID: "host:" + short, Name: name}
}

// Process identifies a process by host and a unique process GUID (Sysmon
// ProcessGuid, or any id that is unique per process instance on that host).
func Process(host Entity, guid, image string) Entity {
	guid = strings.Trim(strings.ToLower(strings.TrimSpace(guid)), "{}")
	if host.ID == "" || guid == "" || guid == "00000000-0000-0000-0000-000000000000" {
		return Entity{}
	}
	return Entity{Kind: KindProcess, ID: "process:" + hostKey(host) + "/" + guid, Name: image}
}

// ProcessPID identifies a process without a GUID by host, pid and start
// (any string that tells apart instances that reused the pid: creation
// time, exec serial). Pids alone are reused, so start must not be empty.
func ProcessPID(host Entity, pid int64, start, image string) Entity {
	if host.ID == "" || start == "" {
		return Entity{}
	}
	return Entity{Kind: KindProcess, ID: "process:" + hostKey(host) + "/pid/" + strconv.FormatInt(pid, 10) + "@" + start, Name: image}
}

// File identifies a file by host and path. Windows paths are case-folded and
// use backslashes; Unix paths are kept as written.
func File(host Entity, path string, windows bool) Entity {
	path = strings.TrimSpace(path)
	if host.ID == "" || path == "" {
		return Entity{}
	}
	key := path
	if windows {
		key = strings.ToLower(strings.ReplaceAll(path, "/", `\`))
	}
	return Entity{Kind: KindFile, ID: "file:" + hostKey(host) + "/" + key, Name: path}
}

// Session identifies a session inside a scope: a host's logon session
// (scope = host id, id = LogonId), a cloud role session, an IdP session.
func Session(scope, id, name string) Entity {
	id = strings.ToLower(strings.TrimSpace(id))
	if id == "" {
		return Entity{}
	}
	if name == "" {
		name = id
	}
	return Entity{Kind: KindSession, ID: "session:" + scope + "/" + id, Name: name}
}

// Credential identifies an access key, token or certificate by its public id.
func Credential(id string) Entity {
	id = strings.TrimSpace(id)
	if id == "" {
		return Entity{}
	}
	return Entity{Kind: KindCredential, ID: "credential:" + id, Name: id}
}

// IP identifies a network address. Strings that are not IP addresses are kept
// verbatim (pseudonymised logs hold such values; they are still evidence).
func IP(addr string) Entity {
	addr = strings.TrimSpace(addr)
	if addr == "" || addr == "-" {
		return Entity{}
	}
	if a, err := netip.ParseAddr(addr); err == nil {
		addr = a.Unmap().String()
	}
	return Entity{Kind: KindEndpoint, ID: "ip:" + addr, Name: addr}
}

// Endpoint identifies an address and port.
func Endpoint(addr string, port int) Entity {
	ip := IP(addr)
	if ip.ID == "" {
		return Entity{}
	}
	if port <= 0 {
		return ip
	}
	name := ip.Name + ":" + strconv.Itoa(port)
	if strings.Contains(ip.Name, ":") {
		name = "[" + ip.Name + "]:" + strconv.Itoa(port)
	}
	return Entity{Kind: KindEndpoint, ID: "ip:" + name, Name: name}
}

// Domain identifies a DNS name.
func Domain(name string) Entity {
	name = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
	if name == "" || name == "-" {
		return Entity{}
	}
	return Entity{Kind: KindEndpoint, ID: "domain:" + name, Name: name}
}

// Resource identifies anything else addressable: a cloud ARN, a bucket or
// object, a secret, a registry key, a service, a scheduled task. Scope keeps
// host-local resources apart ("host:mkt01"); cloud ARNs are global (scope "").
func Resource(scope, id, name string) Entity {
	id = strings.TrimSpace(id)
	if id == "" {
		return Entity{}
	}
	if name == "" {
		name = id
	}
	if scope != "" {
		id = scope + "/" + id
	}
	return Entity{Kind: KindResource, ID: "resource:" + id, Name: name}
}

// hostKey is the host's normalized name, as used inside other entity ids.
func hostKey(h Entity) string { return strings.TrimPrefix(h.ID, "host:") }
