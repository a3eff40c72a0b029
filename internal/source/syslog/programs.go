package syslog

import (
	"net/netip"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// msg fills one event from a message whose program it understands.
type msg struct {
	ev   *event.Event
	host event.Entity
	p    *event.Principals
}

func (m *msg) field(k, v string) {
	if v != "" {
		m.ev.Fields = append(m.ev.Fields, event.Field{Key: k, Value: v})
	}
}

func (m *msg) set(class event.Class, action string, out event.Outcome) {
	m.ev.Class, m.ev.Action, m.ev.Outcome = class, action, out
}

// account names a local login on the host; "user" fields are recorded too.
func (m *msg) account(role event.Role, key, name string) {
	name = strings.TrimSpace(name)
	if name == "" || name == "(unknown)" || name == "UNKNOWN" {
		return
	}
	m.field(key, name)
	m.ev.AddRef(role, m.p.Local(m.host, name))
}

// origin records the remote address (and port) a login came from.
func (m *msg) origin(ip, port string) {
	if ip == "" {
		return
	}
	m.field("src_ip", ip)
	m.field("src_port", port)
	m.ev.AddRef(event.RoleSrc, event.IP(ip))
}

// parseProgram dispatches on the program name. It leaves the event as
// ClassOther when the message is not one it knows.
func (m *msg) parseProgram(program, text string) {
	switch strings.ToLower(program) {
	case "sshd", "sshd-session":
		if m.sshd(text) {
			return
		}
	case "sudo":
		if m.sudo(text) {
			return
		}
	case "su":
		if m.su(text) {
			return
		}
	case "useradd", "userdel", "usermod", "groupadd", "groupdel", "groupmod", "passwd", "chpasswd", "gpasswd", "chage":
		if m.accounts(text) {
			return
		}
	case "systemd-logind":
		if m.logind(text) {
			return
		}
	case "unix_chkpwd":
		if u, ok := strings.CutPrefix(text, "password check failed for user ("); ok {
			m.set(event.ClassAuth, "authenticate", event.OutcomeFailure)
			m.account(event.RoleTargetUser, "user", strings.TrimSuffix(u, ")"))
			return
		}
	}
	if strings.HasPrefix(text, "pam_") {
		m.pam(text)
	}
}

// sshd understands logins, failures, invalid users and disconnects.
func (m *msg) sshd(t string) bool {
	switch {
	case strings.HasPrefix(t, "Accepted "):
		method, rest, ok := strings.Cut(t[len("Accepted "):], " for ")
		if !ok {
			return false
		}
		user, ip, port := userFromPort(rest)
		m.set(event.ClassLogon, "logon", event.OutcomeSuccess)
		m.field("auth_method", method)
		m.account(event.RoleTargetUser, "user", user)
		m.origin(ip, port)
		return true
	case strings.HasPrefix(t, "Failed "):
		method, rest, ok := strings.Cut(t[len("Failed "):], " for ")
		if !ok {
			return false
		}
		rest, invalid := strings.CutPrefix(rest, "invalid user ")
		user, ip, port := userFromPort(rest)
		m.set(event.ClassAuth, "authenticate", event.OutcomeFailure)
		m.field("auth_method", method)
		if invalid {
			m.field("reason", "invalid user")
		}
		m.account(event.RoleTargetUser, "user", user)
		m.origin(ip, port)
		return true
	case strings.HasPrefix(t, "Invalid user "):
		user, ip, port := userFromPort(t[len("Invalid user "):])
		m.set(event.ClassAuth, "authenticate", event.OutcomeFailure)
		m.field("reason", "invalid user")
		m.account(event.RoleTargetUser, "user", user)
		m.origin(ip, port)
		return true
	case strings.HasPrefix(t, "error: maximum authentication attempts exceeded for "):
		rest := t[len("error: maximum authentication attempts exceeded for "):]
		rest, _ = strings.CutPrefix(rest, "invalid user ")
		user, ip, port := userFromPort(rest)
		m.set(event.ClassAuth, "authenticate", event.OutcomeFailure)
		m.field("reason", "maximum authentication attempts exceeded")
		m.account(event.RoleTargetUser, "user", user)
		m.origin(ip, port)
		return true
	}
	for _, prefix := range [...]string{"Disconnected from ", "Connection closed by ", "Received disconnect from ", "Connection reset by "} {
		rest, ok := strings.CutPrefix(t, prefix)
		if !ok {
			continue
		}
		user := ""
		for _, who := range [...]string{"invalid user ", "authenticating user ", "user "} {
			if r, ok := strings.CutPrefix(rest, who); ok {
				user, rest, _ = strings.Cut(r, " ")
				break
			}
		}
		ip, port, _ := strings.Cut(rest, " port ")
		m.set(event.ClassLogon, "disconnect", event.OutcomeUnknown)
		m.account(event.RoleTargetUser, "user", user)
		m.origin(ip, leadingDigits(port))
		return true
	}
	return false
}

// userFromPort splits "alice from 10.0.0.1 port 22 ssh2...".
func userFromPort(s string) (user, ip, port string) {
	i := strings.LastIndex(s, " from ")
	if i < 0 {
		return s, "", ""
	}
	user = s[:i]
	ip, rest, _ := strings.Cut(s[i+len(" from "):], " ")
	if p, ok := strings.CutPrefix(rest, "port "); ok {
		port = leadingDigits(p)
	}
	return user, ip, port
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// sudo reads "alice : [reason ; ]TTY=pts/0 ; PWD=/home/alice ; USER=root ;
// COMMAND=/bin/cat /etc/shadow".
func (m *msg) sudo(t string) bool {
	user, rest, ok := strings.Cut(strings.TrimSpace(t), " : ")
	if !ok || strings.IndexByte(user, ' ') >= 0 {
		return false
	}
	command := ""
	if i := strings.Index(rest, "COMMAND="); i >= 0 {
		command, rest = rest[i+len("COMMAND="):], rest[:i]
	}
	reason, runAs := "", ""
	for _, item := range strings.Split(rest, " ; ") {
		item = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(item), ";"))
		k, v, ok := strings.Cut(item, "=")
		switch {
		case item == "":
		case !ok:
			reason = item
		case k == "TTY":
			m.field("tty", v)
		case k == "PWD":
			m.field("pwd", v)
		case k == "USER":
			runAs = v
		case k == "GROUP":
			m.field("group", v)
		}
	}
	out := event.OutcomeSuccess
	if reason != "" {
		out = event.OutcomeFailure
		m.field("reason", reason)
	}
	m.set(event.ClassLogon, "elevate", out)
	m.account(event.RoleUser, "user", user)
	m.account(event.RoleTargetUser, "run_as", runAs)
	m.field("command", command)
	return true
}

// su reads "(to root) alice on pts/0", "Successful su for root by alice",
// "FAILED su for root by alice", "+ pts/0 alice:root", "- pts/0 alice:root".
func (m *msg) su(t string) bool {
	var user, target, tty string
	out := event.OutcomeSuccess
	switch {
	case strings.HasPrefix(t, "(to "):
		rest := t[len("(to "):]
		target, rest, _ = strings.Cut(rest, ") ")
		user, tty, _ = strings.Cut(rest, " on ")
	case strings.HasPrefix(t, "Successful su for "), strings.HasPrefix(t, "FAILED su for "):
		if t[0] == 'F' {
			out = event.OutcomeFailure
		}
		_, rest, _ := strings.Cut(t, " su for ")
		target, user, _ = strings.Cut(rest, " by ")
	case len(t) > 2 && (t[0] == '+' || t[0] == '-') && t[1] == ' ':
		if t[0] == '-' {
			out = event.OutcomeFailure
		}
		var pair string
		tty, pair, _ = strings.Cut(t[2:], " ")
		user, target, _ = strings.Cut(pair, ":")
	default:
		return false
	}
	m.set(event.ClassLogon, "elevate", out)
	m.field("tty", tty)
	m.account(event.RoleUser, "user", user)
	m.account(event.RoleTargetUser, "target_user", target)
	return true
}

// pam reads pam_unix-style messages: "pam_unix(sshd:session): session
// opened for user alice(uid=1000) by (uid=0)", "...: authentication
// failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1  user=alice",
// "...: password changed for alice".
func (m *msg) pam(t string) bool {
	open := strings.IndexByte(t, '(')
	close := strings.Index(t, "): ")
	if open < 0 || close < open {
		return false
	}
	module := t[:open]
	svc, typ, _ := strings.Cut(t[open+1:close], ":")
	m.field("pam_module", module)
	m.field("pam_service", svc)
	m.field("pam_type", typ)
	rest := t[close+3:]
	switch {
	case strings.HasPrefix(rest, "session opened for user "):
		u, by, _ := strings.Cut(rest[len("session opened for user "):], " by ")
		m.set(event.ClassLogon, "session-open", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "user", stripUID(u))
		m.account(event.RoleUser, "by", stripUID(by))
	case strings.HasPrefix(rest, "session closed for user "):
		m.set(event.ClassLogon, "session-close", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "user", stripUID(rest[len("session closed for user "):]))
	case strings.HasPrefix(rest, "authentication failure;"):
		m.set(event.ClassAuth, "authenticate", event.OutcomeFailure)
		kv := pamKV(rest[len("authentication failure;"):])
		m.account(event.RoleTargetUser, "user", kv["user"])
		if ru := kv["ruser"]; ru != "" {
			m.account(event.RoleUser, "ruser", ru)
		} else {
			m.account(event.RoleUser, "logname", kv["logname"])
		}
		m.field("tty", kv["tty"])
		if h := kv["rhost"]; h != "" {
			if isIP(h) {
				m.origin(h, "")
			} else {
				m.field("rhost", h)
			}
		}
	case strings.HasPrefix(rest, "password changed for "):
		m.set(event.ClassAccount, "reset-password", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "user", rest[len("password changed for "):])
	case strings.HasPrefix(rest, "check pass; user unknown"):
		m.set(event.ClassAuth, "authenticate", event.OutcomeFailure)
		m.field("reason", "user unknown")
	default:
		return false
	}
	return true
}

// stripUID turns "alice(uid=1000)" into "alice" and "(uid=0)" into "root".
func stripUID(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '('); i >= 0 {
		if i == 0 {
			if strings.TrimSuffix(s[i:], ")") == "(uid=0" {
				return "root"
			}
			return ""
		}
		s = s[:i]
	}
	return s
}

// pamKV reads "logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1  user=alice".
func pamKV(s string) map[string]string {
	kv := make(map[string]string, 8)
	for _, f := range strings.Fields(s) {
		if k, v, ok := strings.Cut(f, "="); ok {
			kv[k] = v
		}
	}
	return kv
}

// logind reads "New session 5 of user alice." and "Removed session 5.":
// logind's session ids are the audit session ids (ses=) of the login.
func (m *msg) logind(t string) bool {
	switch {
	case strings.HasPrefix(t, "New session "):
		id, rest, ok := strings.Cut(t[len("New session "):], " of user ")
		if !ok {
			return false
		}
		m.set(event.ClassLogon, "session-open", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "user", strings.TrimSuffix(rest, "."))
		m.session(id)
	case strings.HasPrefix(t, "Removed session "):
		m.set(event.ClassLogon, "session-close", event.OutcomeSuccess)
		m.session(strings.TrimSuffix(t[len("Removed session "):], "."))
	case strings.HasPrefix(t, "Session ") && strings.Contains(t, " logged out."):
		id, _, _ := strings.Cut(t[len("Session "):], " ")
		m.set(event.ClassLogon, "logoff", event.OutcomeSuccess)
		m.session(id)
	default:
		return false
	}
	return true
}

func (m *msg) session(id string) {
	m.field("session", id)
	m.ev.AddRef(event.RoleSession, event.Session(m.host.ID, "ses:"+id, m.host.Name+" session "+id))
}

// accounts reads shadow-utils messages: "new user: name=bob, UID=1001, ...",
// "new group: name=devs, GID=1002", "add 'bob' to group 'sudo'",
// "delete user 'bob'", "password for 'bob' changed by 'root'", ...
func (m *msg) accounts(t string) bool {
	switch {
	case strings.HasPrefix(t, "new user: "):
		kv := commaKV(t[len("new user: "):])
		m.set(event.ClassAccount, "create", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "name", kv["name"])
		m.field("uid", kv["UID"])
		m.field("home", kv["home"])
		m.field("shell", kv["shell"])
	case strings.HasPrefix(t, "new group: "), strings.HasPrefix(t, "group added to "):
		_, rest, _ := strings.Cut(t, ": ")
		kv := commaKV(rest)
		m.set(event.ClassAccount, "create-group", event.OutcomeSuccess)
		m.group(kv["name"])
		m.field("gid", kv["GID"])
	case strings.HasPrefix(t, "add '"):
		user, group := quoted(t, 0), quoted(t, 1)
		m.set(event.ClassAccount, "add-member", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "name", user)
		m.group(group)
	case strings.HasPrefix(t, "delete user '"):
		m.set(event.ClassAccount, "delete", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "name", quoted(t, 0))
	case strings.HasPrefix(t, "removed group '"), strings.HasPrefix(t, "group '") && strings.Contains(t, "removed"):
		m.set(event.ClassAccount, "delete-group", event.OutcomeSuccess)
		m.group(quoted(t, 0))
	case strings.HasPrefix(t, "password for '"):
		m.set(event.ClassAccount, "reset-password", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "name", quoted(t, 0))
		m.account(event.RoleUser, "by", quoted(t, 1))
	case strings.HasPrefix(t, "change user '") && strings.HasSuffix(t, "' password"):
		m.set(event.ClassAccount, "reset-password", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "name", quoted(t, 0))
	case strings.HasPrefix(t, "lock user '"):
		m.set(event.ClassAccount, "lock", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "name", quoted(t, 0))
	case strings.HasPrefix(t, "change user '"):
		m.set(event.ClassAccount, "change", event.OutcomeSuccess)
		m.account(event.RoleTargetUser, "name", quoted(t, 0))
	default:
		return false
	}
	return true
}

func (m *msg) group(name string) {
	if name == "" {
		return
	}
	m.field("group", name)
	m.ev.AddRef(event.RoleTarget, event.Resource(m.host.ID, "group:"+name, name))
}

// quoted returns the n-th '...' quoted word of s.
func quoted(s string, n int) string {
	for i := 0; ; i++ {
		a := strings.IndexByte(s, '\'')
		if a < 0 {
			return ""
		}
		b := strings.IndexByte(s[a+1:], '\'')
		if b < 0 {
			return ""
		}
		if i == n {
			return s[a+1 : a+1+b]
		}
		s = s[a+1+b+1:]
	}
}

// commaKV reads "name=bob, UID=1001, GID=1001, home=/home/bob".
func commaKV(s string) map[string]string {
	kv := make(map[string]string, 6)
	for _, f := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(f), "="); ok {
			kv[k] = v
		}
	}
	return kv
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}
