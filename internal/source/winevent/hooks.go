package winevent

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Hooks say what the table cannot: actions read from a field, entities
// built from several fields.

// sysmonNetwork: Sysmon writes the initiator as Source whichever way the
// connection went; Initiated=false means this host's process accepted it.
func sysmonNetwork(c *ctx) {
	if strings.EqualFold(c.get("Initiated"), "false") {
		c.ev.Action = "accept"
	}
}

// sysmonRegistry reads the action from EventType (CreateKey, DeleteKey,
// SetValue, DeleteValue, RenameKey).
func sysmonRegistry(c *ctx) {
	switch t := c.get("EventType"); {
	case strings.HasPrefix(t, "Create"):
		c.ev.Action = "create"
	case strings.HasPrefix(t, "Delete"):
		c.ev.Action = "delete"
	case strings.HasPrefix(t, "Set"):
		c.ev.Action = "set"
	case strings.HasPrefix(t, "Rename"):
		c.ev.Action = "rename"
	}
}

// sysmonStream: the stream is written beside a file ("x.exe:Zone.Identifier");
// the target is the file itself, so that the stream joins the events that
// wrote and ran it. A Zone.Identifier's HostUrl names where it came from.
func sysmonStream(c *ctx) {
	path := c.get("TargetFilename")
	if i := strings.LastIndexByte(path, ':'); i > 2 {
		path = path[:i]
	}
	c.ev.AddRef(event.RoleTarget, c.file(path))
	contents := c.get("Contents")
	for _, line := range strings.FieldsFunc(contents, func(r rune) bool { return r == '\r' || r == '\n' || r == ' ' }) {
		k, v, ok := strings.Cut(line, "=")
		if !ok || !strings.EqualFold(k, "HostUrl") {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || u.Hostname() == "" {
			continue
		}
		if h := u.Hostname(); isDottedIP(h) || strings.Contains(h, ":") {
			c.ev.AddRef(event.RoleSrc, event.IP(h))
		} else {
			c.ev.AddRef(event.RoleSrc, event.Domain(h))
		}
	}
}

func isDottedIP(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return s != ""
}

// sysmonWMI reads Created/Deleted from Operation and, for a binding (21),
// targets both the consumer and the filter it binds.
func sysmonWMI(c *ctx) {
	if strings.EqualFold(c.get("Operation"), "Deleted") {
		c.ev.Action = "delete"
	}
	if c.rec.EventID != 21 {
		prefix := "wmi_filter:"
		if c.rec.EventID == 20 {
			prefix = "wmi_consumer:"
		}
		c.ev.AddRef(event.RoleTarget, c.resource(prefix, wmiName(c.get("Name"))))
		return
	}
	c.ev.AddRef(event.RoleTarget, c.resource("wmi_consumer:", wmiName(c.get("Consumer"))))
	c.ev.AddRef(event.RoleTarget, c.resource("wmi_filter:", wmiName(c.get("Filter"))))
}

// wmiName extracts the name of a WMI object: Sysmon writes names quoted
// ("\"Updater\"") and bindings as object paths with escaped quotes
// (`"CommandLineEventConsumer.Name=\"Updater\""`).
func wmiName(s string) string {
	s = strings.ReplaceAll(unquote(s), `\"`, `"`)
	if i := strings.Index(s, `Name="`); i >= 0 {
		s, _, _ = strings.Cut(s[i+len(`Name="`):], `"`)
	}
	return s
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// sysmonDNS: QueryStatus 0 is an answer; anything else a failure.
func sysmonDNS(c *ctx) {
	switch s := c.get("QueryStatus"); s {
	case "":
	case "0":
		c.ev.Outcome = event.OutcomeSuccess
	default:
		c.ev.Outcome = event.OutcomeFailure
	}
}

// statusOutcome: Kerberos and NTLM events carry a Status, 0x0 on success.
func statusOutcome(c *ctx) {
	switch s := strings.ToLower(c.get("Status")); s {
	case "":
	case "0x0", "0":
		c.ev.Outcome = event.OutcomeSuccess
	default:
		c.ev.Outcome = event.OutcomeFailure
	}
}

// targetServer: 4648 names the server the credentials were used for.
func targetServer(c *ctx) {
	s := c.get("TargetServerName")
	if s == "" || strings.EqualFold(s, "localhost") || s == "-" {
		return
	}
	if isDottedIP(s) || strings.Contains(s, ":") {
		c.ev.AddRef(event.RoleDst, event.IP(s))
		return
	}
	c.ev.AddRef(event.RoleDst, event.Domain(s))
}

// securityProcessStart: 4688 has no GUID, so the new process is host + pid +
// creation time (the record's time). Its creator is known only by pid, and
// pids are reused, so no parent ref is made: ParentProcessName stays a
// field. The new process runs as the Target account and logon when the
// event has them (Windows 10 and later), else as the Subject.
func securityProcessStart(c *ctx) {
	image := c.get("NewProcessName")
	if pid, ok := parsePID(c.get("NewProcessId")); ok {
		c.ev.AddRef(event.RoleTarget, event.ProcessPID(c.host, pid, c.stamp, image))
	}
	c.ev.AddRef(event.RoleImage, c.file(image))
	user := c.principals().Windows(c.get("TargetDomainName"), c.get("TargetUserName"), c.host)
	if user.ID == "" {
		user = c.principals().Windows(c.get("SubjectDomainName"), c.get("SubjectUserName"), c.host)
	}
	c.ev.AddRef(event.RoleUser, user)
	session := c.session(c.get("TargetLogonId"))
	if session.ID == "" {
		session = c.session(c.get("SubjectLogonId"))
	}
	c.ev.AddRef(event.RoleSession, session)
}

// objectAccess: 4656 and 4663 are about files, registry keys and other
// objects; ObjectType says which.
func objectAccess(c *ctx) {
	name := c.get("ObjectName")
	switch t := c.get("ObjectType"); {
	case strings.EqualFold(t, "File"):
		c.ev.Class = event.ClassFile
		c.ev.AddRef(event.RoleTarget, c.file(name))
	case strings.EqualFold(t, "Key"):
		c.ev.Class = event.ClassRegistry
		c.ev.AddRef(event.RoleTarget, c.registry(name))
	default:
		c.ev.AddRef(event.RoleTarget, c.resource("object:"+strings.ToLower(t)+":", name))
	}
}

// directoryObject names the directory object a 4662 event read: its GUID,
// written "%{9736f74f-...}", as ds:<guid>.
func directoryObject(c *ctx) {
	guid := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(c.get("ObjectName"), "%"), "{"), "}")
	c.ev.AddRef(event.RoleTarget, c.resource("ds:", guid))
}

// groupMember: the group is TargetDomainName\TargetUserName; the member is
// MemberName, an LDAP DN for domain groups ("CN=alice,...,DC=corp,DC=com").
func groupMember(c *ctx) {
	group := c.get("TargetUserName")
	if d := c.get("TargetDomainName"); d != "" && group != "" {
		group = d + `\` + group
	}
	c.ev.AddRef(event.RoleTarget, c.resource("group:", group))
	c.ev.AddRef(event.RoleTargetUser, c.principals().Name(dnPrincipal(c.get("MemberName"))))
}

// dnPrincipal turns "CN=alice,OU=x,DC=corp,DC=com" into "alice@corp.com";
// other names are returned as they are.
func dnPrincipal(dn string) string {
	if !strings.HasPrefix(strings.ToUpper(dn), "CN=") {
		return dn
	}
	var cn string
	var dcs []string
	for _, part := range splitDN(dn) {
		k, v, _ := strings.Cut(part, "=")
		switch strings.ToUpper(strings.TrimSpace(k)) {
		case "CN":
			if cn == "" {
				cn = v
			}
		case "DC":
			dcs = append(dcs, v)
		}
	}
	if cn == "" || len(dcs) == 0 {
		return cn
	}
	return cn + "@" + strings.Join(dcs, ".")
}

// splitDN splits a DN at commas that are not escaped with a backslash.
func splitDN(dn string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++
		case ',':
			parts = append(parts, dn[start:i])
			start = i + 1
		}
	}
	return append(parts, dn[start:])
}

// shareTarget: 5145 names the file inside the share. A path under IPC$ is a
// named pipe (svcctl, lsarpc); elsewhere it is a file under the share's
// local path ("\??\C:\Windows" + "PSEXESVC.exe").
func shareTarget(c *ctx) {
	switch mask := shareMask(c.get("AccessMask")); {
	case mask&0x10000 != 0: // DELETE
		c.ev.Action = "share_delete"
	case mask&(0x2|0x4|0x100|0x40000) != 0: // WriteData, AppendData, WriteAttributes, WRITE_DAC
		c.ev.Action = "share_write"
	}
	rel := c.get("RelativeTargetName")
	if rel == "" || rel == "-" {
		return
	}
	if strings.HasSuffix(strings.ToUpper(c.get("ShareName")), `\IPC$`) || strings.EqualFold(c.get("ShareName"), "IPC$") {
		c.ev.AddRef(event.RoleTarget, c.pipe(rel))
		return
	}
	local := strings.TrimPrefix(c.get("ShareLocalPath"), `\??\`)
	if local == "" {
		return
	}
	c.ev.AddRef(event.RoleTarget, c.file(strings.TrimSuffix(local, `\`)+`\`+strings.TrimPrefix(rel, `\`)))
}

// shareMask parses a share access mask ("0x120196"); 0 when it is none.
func shareMask(mask string) uint64 {
	m, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(mask), "0x"), 16, 32)
	if err != nil {
		return 0
	}
	return m
}

// wfpDirection: %%14592 is inbound, %%14593 outbound. The filtering platform
// writes the initiator as Source either way.
func wfpDirection(c *ctx) {
	if d := c.get("Direction"); d == "%%14592" || strings.EqualFold(d, "Inbound") {
		c.ev.Action = "accept"
	}
}

// logCleared targets the log that was cleared: the Security log for 1102,
// the Channel field for System 104. Collectors that drop UserData (nxlog)
// leave only the rendered message; the subject and the log are read from
// it then.
func logCleared(c *ctx) {
	msg := extra(c.rec, "Message")
	ch := c.get("Channel")
	switch {
	case c.rec.EventID == 1102:
		ch = "Security"
	case ch == "" && strings.HasPrefix(msg, "The ") && strings.HasSuffix(msg, " log file was cleared."):
		ch = msg[len("The ") : len(msg)-len(" log file was cleared.")]
	}
	c.ev.AddRef(event.RoleTarget, c.resource("log:", ch))
	if c.get("SubjectUserName") == "" && msg != "" {
		user, domain, logon := messageValue(msg, "Account Name:"), messageValue(msg, "Domain Name:"), messageValue(msg, "Logon ID:")
		c.ev.AddRef(event.RoleUser, c.principals().Windows(domain, user, c.host))
		c.ev.AddRef(event.RoleSession, c.session(logon))
	}
}

// extra returns the first collector value named key.
func extra(rec *Record, key string) string {
	for i := range rec.Extra {
		if rec.Extra[i].Key == key {
			return rec.Extra[i].Value
		}
	}
	return ""
}

// messageValue reads "Label:\tvalue" from a rendered event message.
func messageValue(msg, label string) string {
	i := strings.Index(msg, label)
	if i < 0 {
		return ""
	}
	v := msg[i+len(label):]
	if j := strings.IndexAny(v, "\r\n"); j >= 0 {
		v = v[:j]
	}
	return strings.TrimSpace(v)
}

// scriptPath: a script block read from a file names that file.
func scriptPath(c *ctx) {
	c.ev.AddRef(event.RoleTarget, c.file(c.get("Path")))
}
