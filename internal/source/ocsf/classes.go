package ocsf

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// mapper fills one event's class, action and entities from OCSF objects.
type mapper struct {
	p       *event.Principals
	o       obj
	ev      *event.Event
	host    event.Entity
	windows bool
}

// activity names per class, indexed by activity_id (OCSF 1.x).
var (
	fileActions    = []string{1: "create", 2: "read", 3: "write", 4: "delete", 5: "rename", 6: "set_attributes", 7: "set_security", 8: "get_attributes", 9: "get_security", 10: "encrypt", 11: "decrypt", 12: "mount", 13: "unmount", 14: "open"}
	processActions = []string{1: "start", 2: "end", 3: "access", 4: "inject", 5: "setuid"}
	findingActions = []string{1: "create", 2: "update", 3: "close"}
	authActions    = []string{1: "logon", 2: "logoff", 3: "ticket", 4: "service_ticket", 5: "service_ticket_renew", 6: "preauth"}
	netActions     = []string{1: "connect", 2: "close", 3: "reset", 4: "fail", 5: "refuse", 6: "flow", 7: "listen"}
	dnsActions     = []string{1: "query", 2: "response", 6: "traffic"}
)

func action(names []string, id int) string {
	if id > 0 && id < len(names) {
		return names[id]
	}
	return ""
}

// processEntity identifies the process object under prefix ("process",
// "actor.process", "process.parent_process").
func (m *mapper) processEntity(prefix string) event.Entity {
	o := m.o
	image := first(o.get(prefix+".file.path"), o.get(prefix+".name"))
	if uid := o.get(prefix + ".uid"); uid != "" {
		return event.Process(m.host, uid, image)
	}
	pid, err := strconv.ParseInt(o.get(prefix+".pid"), 10, 64)
	if err != nil {
		return event.Entity{}
	}
	return event.ProcessPID(m.host, pid, o.get(prefix+".created_time"), image)
}

func (m *mapper) fileEntity(prefix string) event.Entity {
	path := m.o.get(prefix + ".path")
	if path == "" {
		if dir, name := m.o.get(prefix+".parent_folder"), m.o.get(prefix+".name"); name != "" && dir != "" {
			sep := "/"
			if m.windows {
				sep = `\`
			}
			path = strings.TrimRight(dir, `/\`) + sep + name
		}
	}
	return event.File(m.host, path, m.windows)
}

// user resolves the user object under prefix.
func (m *mapper) user(prefix string) event.Entity {
	o := m.o
	name, domain := o.get(prefix+".name"), o.get(prefix+".domain")
	if email := o.get(prefix + ".email_addr"); name == "" && email != "" {
		name = email
	}
	if name == "" {
		if uid := o.get(prefix + ".uid"); strings.HasPrefix(uid, "arn:") {
			return m.p.Cloud(uid)
		}
		return event.Entity{}
	}
	if strings.HasPrefix(name, "arn:") {
		return m.p.Cloud(name)
	}
	if domain != "" || m.windows {
		return m.p.Windows(domain, name, m.host)
	}
	if strings.Contains(name, "@") || m.host.ID == "" {
		return m.p.Name(name)
	}
	return m.p.Local(m.host, name)
}

func (m *mapper) endpoint(prefix string) event.Entity {
	port, _ := strconv.Atoi(m.o.get(prefix + ".port"))
	return event.Endpoint(m.o.get(prefix+".ip"), port)
}

// endpoints adds src and dst (address and port, then name).
func (m *mapper) endpoints() {
	ev := m.ev
	ev.AddRef(event.RoleSrc, m.endpoint("src_endpoint"))
	ev.AddRef(event.RoleDst, m.endpoint("dst_endpoint"))
	if d := first(m.o.get("dst_endpoint.domain"), m.o.get("dst_endpoint.hostname")); d != "" {
		if _, err := netip.ParseAddr(d); err != nil {
			ev.AddRef(event.RoleDst, event.Domain(d))
		}
	}
}

// actor adds the acting process and user.
func (m *mapper) actor() {
	m.ev.AddRef(event.RoleActor, m.processEntity("actor.process"))
	u := m.user("actor.user")
	if u.ID == "" {
		u = m.user("actor.process.user")
	}
	m.ev.AddRef(event.RoleUser, u)
	m.ev.AddRef(event.RoleSession, m.session("actor.session"))
}

func (m *mapper) session(prefix string) event.Entity {
	uid := m.o.get(prefix + ".uid")
	if uid == "" {
		return event.Entity{}
	}
	scope := "ocsf"
	if m.host.ID != "" {
		scope = m.host.ID
	}
	return event.Session(scope, uid, "")
}

func (m *mapper) process(activity int) {
	ev := m.ev
	ev.Class, ev.Action = event.ClassProcess, action(processActions, activity)
	m.actor()
	ev.AddRef(event.RoleParent, m.processEntity("process.parent_process"))
	ev.AddRef(event.RoleTarget, m.processEntity("process"))
	ev.AddRef(event.RoleImage, m.fileEntity("process.file"))
	if _, ok := ev.Ref(event.RoleUser); !ok {
		ev.AddRef(event.RoleUser, m.user("process.user"))
	}
}

func (m *mapper) file(activity int) {
	ev := m.ev
	ev.Class, ev.Action = event.ClassFile, action(fileActions, activity)
	m.actor()
	ev.AddRef(event.RoleTarget, m.fileEntity("file"))
}

func (m *mapper) finding(activity int) {
	ev := m.ev
	ev.Class, ev.Action = event.ClassAlert, action(findingActions, activity)
	m.endpoints()
	m.actor()
	ev.AddRef(event.RoleTarget, m.processEntity("process"))
	for _, uid := range m.o.values("resources.uid") {
		ev.AddRef(event.RoleTarget, event.Resource("", uid, ""))
	}
}

func (m *mapper) authentication(activity int) {
	ev := m.ev
	ev.Class, ev.Action = event.ClassAuth, action(authActions, activity)
	if activity == 1 || activity == 2 {
		ev.Class = event.ClassLogon
	}
	m.endpoints()
	ev.AddRef(event.RoleActor, m.processEntity("actor.process"))
	ev.AddRef(event.RoleTargetUser, m.user("user"))
	ev.AddRef(event.RoleSession, m.session("session"))
	ev.AddRef(event.RoleTarget, event.Resource("", m.o.get("service.uid"), m.o.get("service.name")))
}

func (m *mapper) network(activity int) {
	ev := m.ev
	ev.Class, ev.Action = event.ClassNetwork, action(netActions, activity)
	m.endpoints()
	m.actor()
	m.bytes()
}

func (m *mapper) bytes() {
	in, _ := strconv.ParseInt(m.o.get("traffic.bytes_in"), 10, 64)
	out, _ := strconv.ParseInt(m.o.get("traffic.bytes_out"), 10, 64)
	m.ev.BytesIn, m.ev.BytesOut = max(in, 0), max(out, 0)
}

func (m *mapper) http() {
	ev := m.ev
	ev.Class, ev.Action = event.ClassHTTP, "request"
	if h := m.o.get("http_request.url.hostname"); h != "" {
		if _, err := netip.ParseAddr(h); err != nil {
			ev.AddRef(event.RoleDst, event.Domain(h))
		}
	}
	m.endpoints()
	m.actor()
	m.bytes()
	if c, err := strconv.Atoi(m.o.get("http_response.code")); err == nil && c >= 200 && ev.Outcome == event.OutcomeUnknown {
		if c < 400 {
			ev.Outcome = event.OutcomeSuccess
		} else {
			ev.Outcome = event.OutcomeFailure
		}
	}
}

func (m *mapper) dns(activity int) {
	ev := m.ev
	ev.Class, ev.Action = event.ClassDNS, action(dnsActions, activity)
	ev.AddRef(event.RoleSrc, m.endpoint("src_endpoint"))
	ev.AddRef(event.RoleDst, event.Domain(m.o.get("query.hostname")))
	m.actor()
	for _, a := range m.o.values("answers.rdata") {
		if _, err := netip.ParseAddr(a); err == nil {
			ev.AddRef(event.RoleTarget, event.IP(a))
		}
	}
	switch rc := m.o.get("rcode_id"); {
	case rc == "0" && ev.Outcome == event.OutcomeUnknown:
		ev.Outcome = event.OutcomeSuccess
	case rc != "" && rc != "0" && ev.Outcome == event.OutcomeUnknown:
		ev.Outcome = event.OutcomeFailure
	}
}

func (m *mapper) api() {
	ev := m.ev
	o := m.o
	ev.Class, ev.Action = event.ClassCloudAPI, o.get("api.operation")
	ev.AddRef(event.RoleSrc, event.IP(o.get("src_endpoint.ip")))
	u := m.user("actor.user")
	if uid := o.get("actor.user.uid"); strings.HasPrefix(uid, "arn:") {
		u = m.p.Cloud(uid)
	}
	ev.AddRef(event.RoleUser, u)
	ev.AddRef(event.RoleCredential, event.Credential(o.get("actor.user.credential_uid")))
	if uid := o.get("actor.session.uid"); uid != "" {
		ev.AddRef(event.RoleSession, event.Session("cloud", uid, ""))
	}
	uids, names := o.values("resources.uid"), o.values("resources.name")
	if len(names) != len(uids) {
		names = nil // cannot tell which name goes with which uid
	}
	for i, uid := range uids {
		name := ""
		if names != nil {
			name = names[i]
		}
		ev.AddRef(event.RoleTarget, event.Resource("", uid, name))
	}
}
