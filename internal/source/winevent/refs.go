package winevent

import (
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// refKind says how a ref rule turns fields into an entity.
type refKind uint8

const (
	refProcess  refKind = iota + 1 // a: process GUID field, b: image field
	refFile                        // a: path field
	refCmdImage                    // a: command-line field; its executable's path
	refAccount                     // a: domain field ("" when b holds DOMAIN\user), b: user field
	refSession                     // a: logon id field
	refEndpoint                    // a: IP field, b: port field ("" for the address alone)
	refDomain                      // a: DNS name field
	refRegistry                    // a: registry key field
	refResource                    // a: id prefix ("service:", "task:", ...), b: name field
	refPipe                        // a: pipe name field
	refHost                        // a: computer name field
)

// refRule is one entity an event relates, described by the fields it comes
// from. A rule whose fields are absent, empty or "-" adds nothing.
type refRule struct {
	role event.Role
	kind refKind
	a, b string
}

// ctx carries one event through normalization.
type ctx struct {
	n     *Normalizer
	rec   *Record
	ev    *event.Event
	host  event.Entity
	kind  logKind
	stamp string // the event time as written in TimeCreated
	unix  bool   // Sysmon for Linux: paths are case-sensitive, with '/'
}

func (c *ctx) get(name string) string {
	if name == "" {
		return ""
	}
	v, _ := c.rec.Get(name)
	return strings.TrimSpace(v)
}

func (c *ctx) principals() *event.Principals {
	if c.n != nil && c.n.Principals != nil {
		return c.n.Principals
	}
	return &event.Principals{}
}

func (c *ctx) apply(sp *spec) {
	c.ev.Class = sp.class
	c.ev.Action = sp.action
	c.ev.Outcome = sp.outcome
	for _, r := range sp.refs {
		c.ev.AddRef(r.role, c.entity(r))
	}
	if sp.hook != nil {
		sp.hook(c)
	}
}

// entity builds the entity a rule describes, or the zero Entity.
func (c *ctx) entity(r refRule) event.Entity {
	switch r.kind {
	case refProcess:
		return event.Process(c.host, c.get(r.a), c.get(r.b))
	case refFile:
		return c.file(c.get(r.a))
	case refCmdImage:
		return c.file(commandImage(c.get(r.a)))
	case refAccount:
		if r.a == "" {
			return c.principals().Windows("", c.get(r.b), c.host)
		}
		return c.principals().Windows(c.get(r.a), c.get(r.b), c.host)
	case refSession:
		return c.session(c.get(r.a))
	case refEndpoint:
		port, _ := strconv.Atoi(c.get(r.b))
		return event.Endpoint(c.get(r.a), port)
	case refDomain:
		return event.Domain(c.get(r.a))
	case refHost:
		return event.Host(c.get(r.a))
	case refRegistry:
		return c.registry(c.get(r.a))
	case refResource:
		return c.resource(r.a, c.get(r.b))
	case refPipe:
		return c.pipe(c.get(r.a))
	}
	return event.Entity{}
}

// file is a file on this host. Values that are not paths ("System",
// "<unknown process>", "-") are no file.
func (c *ctx) file(path string) event.Entity {
	if strings.IndexByte(path, '\\') < 0 && strings.IndexByte(path, '/') < 0 {
		return event.Entity{}
	}
	return event.File(c.host, path, !c.unix)
}

// session is the host's logon session with this LogonId. The id is written
// in hex with or without leading zeros and in either case, or in decimal;
// it is normalized to lower-case hex. The null session 0x0 is no session.
func (c *ctx) session(id string) event.Entity {
	key, ok := logonID(id)
	if !ok || c.host.ID == "" {
		return event.Entity{}
	}
	return event.Session(c.host.ID, key, c.host.Name+" logon "+key)
}

func logonID(id string) (string, bool) {
	id = strings.TrimSpace(id)
	if id == "" || id == "-" {
		return "", false
	}
	digits, base := id, 10
	if len(id) > 2 && id[0] == '0' && (id[1] == 'x' || id[1] == 'X') {
		digits, base = id[2:], 16
	}
	v, ok := parseUint(digits, base)
	if !ok {
		return strings.ToLower(id), true
	}
	if v == 0 {
		return "", false
	}
	return "0x" + strconv.FormatUint(v, 16), true
}

// parseUint is strconv.ParseUint without the error value, which would
// allocate on every event for ids written in an unexpected form.
func parseUint(s string, base int) (uint64, bool) {
	if s == "" || len(s) > 16 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		v = v*uint64(base) + d
	}
	return v, true
}

// resource is a host-local resource: a service, task, share, WMI object.
// Its id is case-folded (Windows names are case-insensitive).
func (c *ctx) resource(prefix, name string) event.Entity {
	if name == "" || name == "-" || c.host.ID == "" {
		return event.Entity{}
	}
	return event.Resource(c.host.ID, prefix+strings.ToLower(name), name)
}

// registry is a registry key or value, with the hive written as Sysmon does
// (HKLM, HKU, HKCR, HKCU) whichever spelling the event used.
func (c *ctx) registry(key string) event.Entity {
	if key == "" || key == "-" {
		return event.Entity{}
	}
	return c.resource("registry:", registryKey(key))
}

var hives = [...]struct{ long, short string }{
	{`\REGISTRY\MACHINE`, "HKLM"},
	{`\REGISTRY\USER`, "HKU"},
	{"HKEY_LOCAL_MACHINE", "HKLM"},
	{"HKEY_USERS", "HKU"},
	{"HKEY_CURRENT_USER", "HKCU"},
	{"HKEY_CLASSES_ROOT", "HKCR"},
}

func registryKey(key string) string {
	for _, h := range hives {
		if len(key) >= len(h.long) && strings.EqualFold(key[:len(h.long)], h.long) &&
			(len(key) == len(h.long) || key[len(h.long)] == '\\') {
			return h.short + key[len(h.long):]
		}
	}
	return key
}

// pipe is a named pipe, written "\name" as Sysmon writes it.
func (c *ctx) pipe(name string) event.Entity {
	if name == "" || name == "-" || name == "<Anonymous Pipe>" {
		return event.Entity{}
	}
	if !strings.HasPrefix(name, `\`) {
		name = `\` + name
	}
	return c.resource("pipe:", name)
}

// commandImage returns the executable of a command line ("\"C:\a b\x.exe\"
// -k" -> "C:\a b\x.exe"), or "" when the first token does not look like a
// path.
func commandImage(cmd string) string {
	cmd = strings.TrimSpace(cmd)
	if cmd == "" {
		return ""
	}
	var exe string
	if cmd[0] == '"' {
		end := strings.IndexByte(cmd[1:], '"')
		if end < 0 {
			return ""
		}
		exe = cmd[1 : 1+end]
	} else if i := indexExe(cmd); i >= 0 {
		// Unquoted paths may hold spaces ("C:\Program Files\x.exe -k").
		exe = cmd[:i+len(".exe")]
	} else {
		exe, _, _ = strings.Cut(cmd, " ")
	}
	if !strings.Contains(exe, `\`) {
		return ""
	}
	return expandPath(exe)
}

// indexExe finds ".exe" in any case. (strings.ToLower would change the
// length of text that is not valid UTF-8, and with it the index.)
func indexExe(s string) int {
	for i := 0; i+4 <= len(s); i++ {
		if s[i] == '.' && strings.EqualFold(s[i:i+4], ".exe") {
			return i
		}
	}
	return -1
}

// systemRoots are the spellings of the Windows directory in service image
// paths; they are written out with the default C:\Windows so that the
// service's file is the file other events name.
var systemRoots = [...]struct{ prefix, path string }{
	{`%SystemRoot%`, `C:\Windows`},
	{`%windir%`, `C:\Windows`},
	{`\SystemRoot`, `C:\Windows`},
	{`%SystemDrive%`, `C:`},
	{`\??\`, ``},
}

func expandPath(p string) string {
	for _, r := range systemRoots {
		if len(p) >= len(r.prefix) && strings.EqualFold(p[:len(r.prefix)], r.prefix) {
			return r.path + p[len(r.prefix):]
		}
	}
	if len(p) > 9 && strings.EqualFold(p[:9], `system32\`) {
		return `C:\Windows\` + p
	}
	return p
}

// parsePID reads a process id written in decimal or as 0x-prefixed hex
// (Security events write NewProcessId and ProcessId in hex).
func parsePID(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	var v uint64
	var err error
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		v, err = strconv.ParseUint(s[2:], 16, 64)
	} else {
		v, err = strconv.ParseUint(s, 10, 64)
	}
	if err != nil || v > 1<<62 {
		return 0, false
	}
	return int64(v), true
}
