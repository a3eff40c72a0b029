package graph

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// A Windows service runs in two steps that no single event ties together:
// someone installs it (Security 4697, System 7045, a Sysmon 13 write of
// the service's ImagePath, an "sc create"), and later the service control
// manager starts its binary (services.exe starts a process). Freeze joins
// the two on host and executable path with a "service" edge from the
// installer, and from the service itself, to each process started from it.

// svcInstall is one record of a service being installed or its binary
// changed.
type svcInstall struct {
	host      string // host id
	cmd       serviceCmd
	at        int64
	ev        event.ID
	installer event.Entity // the session or process that installed it; zero when unknown
	service   event.Entity // resource:<host>/service:<name>; zero when unnamed
	clientPID string       // 4697 ClientProcessId: the installing process, resolved at Freeze
	remote    bool         // logged by another host (sc \\server create), on that host's clock
}

// svcStart is a process the service control manager started.
type svcStart struct {
	host string
	cmd  serviceCmd
	at   int64
	ev   event.ID
	proc event.Entity
}

// serviceCmd is a command line reduced to what identifies a service's
// process: its executable, lower case with the usual variables expanded
// (only its file name when the command names no folder), and its
// arguments, lower case with runs of blanks collapsed.
type serviceCmd struct {
	image string
	args  string
	bare  bool // the command names no folder: match the file name only
	noCmd bool // the process start has no command line: arguments are unknown
}

// noteService records the events that install a service or start one,
// for linkServices.
func (g *Graph) noteService(ev *event.Event, r refs, t int64) {
	switch ev.Class {
	case event.ClassService:
		if ev.Action == "install" && ev.Outcome != event.OutcomeFailure {
			g.noteInstall(ev, r, t)
		}
	case event.ClassRegistry:
		if ev.Action == "set" {
			g.noteImagePath(ev, r, t)
		}
	case event.ClassProcess:
		if ev.Action == "start" {
			g.noteServiceStart(ev, r, t)
			g.noteSC(ev, r, t)
		}
	}
}

// noteInstall records a 4697 or 7045: the session that installed the
// service (4697's subject) or the process (its ClientProcessId, when
// Freeze can resolve it), the service, and its command line.
func (g *Graph) noteInstall(ev *event.Event, r refs, t int64) {
	cmd, ok := ev.Get("ServiceFileName")
	if !ok {
		cmd, ok = ev.Get("ImagePath")
	}
	if !ok {
		cmd = r.image.Name
	}
	c, ok := parseServiceCmd(cmd)
	if !ok || r.host.ID == "" {
		return
	}
	in := svcInstall{host: r.host.ID, cmd: c, at: t, ev: ev.ID, installer: installerOf(r)}
	for _, tg := range r.targets {
		if tg.Kind == event.KindResource && strings.Contains(tg.ID, "/service:") {
			in.service = tg
			break
		}
	}
	if pid := ev.Value("ClientProcessId"); pid != "" && pid != "0" {
		in.clientPID = pid
	}
	g.installs = append(g.installs, in)
}

// installerOf is who installed a service, as the install event says: the
// acting process, else the subject's logon session, else the account.
func installerOf(r refs) event.Entity {
	switch {
	case r.actor.Kind == event.KindProcess:
		if isSCM(r.actor.Name) {
			return event.Entity{}
		}
		return r.actor
	case r.session.ID != "":
		return r.session
	}
	return r.user
}

// noteImagePath records a registry write of
// ...\Services\<name>\ImagePath. The service control manager writes it
// for every install (the installer is then unknown here); any other
// writer installed the service by hand.
func (g *Graph) noteImagePath(ev *event.Event, r refs, t int64) {
	if r.host.ID == "" {
		return
	}
	for _, tg := range r.targets {
		name, ok := imagePathService(tg)
		if !ok {
			continue
		}
		c, ok := parseServiceCmd(ev.Value("Details"))
		if !ok {
			return
		}
		var installer event.Entity
		if r.actor.Kind == event.KindProcess && !isSCM(r.actor.Name) {
			installer = r.actor
		}
		g.installs = append(g.installs, svcInstall{host: r.host.ID, cmd: c, at: t, ev: ev.ID, installer: installer,
			service: serviceEntity(r.host.ID, name)})
		return
	}
}

// imagePathService returns the service whose ImagePath a registry key
// is: hklm\system\<any control set>\services\<name>\imagepath.
func imagePathService(key event.Entity) (string, bool) {
	const suffix = `\imagepath`
	if key.Kind != event.KindResource || !strings.HasSuffix(key.ID, suffix) { // ids are lower case
		return "", false
	}
	p := key.Name
	if len(p) <= len(suffix) || !strings.EqualFold(p[len(p)-len(suffix):], suffix) {
		return "", false
	}
	p = p[:len(p)-len(suffix)]
	i := strings.LastIndexByte(p, '\\')
	if i < 0 {
		return "", false
	}
	const services = `\services`
	if i < len(services) || !strings.EqualFold(p[i-len(services):i], services) {
		return "", false
	}
	return p[i+1:], p[i+1:] != ""
}

// serviceEntity is the service resource the Windows readers name in 4697
// and 7045: resource:<host>/service:<lower-case name>.
func serviceEntity(host, name string) event.Entity {
	return event.Resource(host, "service:"+strings.ToLower(name), name)
}

// noteSC records "sc [\\server] create|config <name> binPath= <command>":
// the sc process installs the service, on the server it names or on its
// own host.
func (g *Graph) noteSC(ev *event.Event, r refs, t int64) {
	proc := startedProcess(r)
	if proc.ID == "" || r.host.ID == "" || !strings.EqualFold(baseName(proc.Name), "sc.exe") {
		return
	}
	host, name, bin, ok := parseSC(ev.Value("CommandLine"))
	if !ok {
		return
	}
	c, ok := parseServiceCmd(bin)
	if !ok {
		return
	}
	remote := host != "" && host != r.host.ID
	if !remote {
		host = r.host.ID
	}
	g.installs = append(g.installs, svcInstall{host: host, cmd: c, at: t, ev: ev.ID, installer: proc,
		service: serviceEntity(host, name), remote: remote})
}

// parseSC reads an sc.exe command line that creates a service or changes
// its binary: the server (a host id, "" for the local host), the service
// name and the binPath= value.
func parseSC(cmdline string) (host, name, bin string, ok bool) {
	args := splitArgs(cmdline)
	if len(args) < 2 {
		return "", "", "", false
	}
	args = args[1:]
	if s, found := strings.CutPrefix(args[0], `\\`); found {
		host = event.Host(s).ID
		args = args[1:]
	}
	if len(args) < 2 || !strings.EqualFold(args[0], "create") && !strings.EqualFold(args[0], "config") {
		return "", "", "", false
	}
	name = args[1]
	for i := 2; i < len(args); i++ {
		k, v, _ := strings.Cut(args[i], "=")
		if !strings.EqualFold(k, "binpath") {
			continue
		}
		if v == "" && i+1 < len(args) {
			v = args[i+1]
		}
		return host, name, v, v != "" && name != ""
	}
	return "", "", "", false
}

// splitArgs splits a command line into arguments: blanks separate them,
// double quotes group them, and a backslash before a quote escapes it.
func splitArgs(s string) []string {
	var out []string
	var b strings.Builder
	quoted, inArg := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
			inArg = true
		case c == '"':
			quoted = !quoted
			inArg = true
		case (c == ' ' || c == '\t') && !quoted:
			if inArg {
				out = append(out, b.String())
				b.Reset()
				inArg = false
			}
		default:
			b.WriteByte(c)
			inArg = true
		}
	}
	if inArg {
		out = append(out, b.String())
	}
	return out
}

// noteServiceStart records a process that services.exe started.
func (g *Graph) noteServiceStart(ev *event.Event, r refs, t int64) {
	proc := startedProcess(r)
	if proc.ID == "" || r.host.ID == "" {
		return
	}
	parent := ""
	if r.actor.Kind == event.KindProcess {
		parent = r.actor.Name
	}
	if parent == "" {
		parent = ev.Value("ParentProcessName")
	}
	if parent == "" {
		parent = ev.Value("ParentImage")
	}
	if !isSCM(parent) {
		return
	}
	image := proc.Name
	if image == "" {
		image = r.image.Name
	}
	c := serviceCmd{image: normExe(image)}
	if !strings.Contains(c.image, `\`) {
		return
	}
	if line, ok := ev.Get("CommandLine"); ok && strings.TrimSpace(line) != "" {
		if lc, ok := parseServiceCmd(line); ok {
			c.args = lc.args
		}
	} else {
		c.noCmd = true
	}
	g.svcStarts = append(g.svcStarts, svcStart{host: r.host.ID, cmd: c, at: t, ev: ev.ID, proc: proc})
}

// startedProcess is the new process of a process start.
func startedProcess(r refs) event.Entity {
	for _, t := range r.targets {
		if t.Kind == event.KindProcess {
			return t
		}
	}
	return event.Entity{}
}

// isSCM reports the service control manager's image.
func isSCM(image string) bool { return strings.EqualFold(baseName(image), "services.exe") }

// linkServices joins each process the service control manager started to
// the install of its service: on the same host, with the same executable
// (and the same arguments, when both sides have them), installed before
// the start, or at most the clock skew after it. The latest install before
// the start (else the first after it) wins, together
// with the other records of that install (any within sameWindow, or the
// same service within the skew when another host logged the record: one
// install is often logged as an sc.exe start, a 4697, a 7045 and an
// ImagePath write). Each of their installers, and the service itself,
// gets a "service" edge to the process.
func (g *Graph) linkServices() {
	if len(g.installs) == 0 || len(g.svcStarts) == 0 {
		g.installs, g.svcStarts = nil, nil
		return
	}
	byImage := map[string][]int{}
	for i, in := range g.installs {
		k := in.host + "|" + baseName(in.cmd.image)
		byImage[k] = append(byImage[k], i)
	}
	var byPID map[string][]procStart
	k := g.kind("service")
	skew := int64(g.cfg.Skew)
	for _, s := range g.svcStarts {
		cands := byImage[s.host+"|"+baseName(s.cmd.image)]
		latest := g.installFor(cands, s, skew)
		if latest < 0 {
			continue
		}
		last := &g.installs[latest]
		linked := map[string]bool{}
		for _, i := range cands {
			in := &g.installs[i]
			if in.at > s.at+skew || !in.cmd.runs(s.cmd) || !sameInstall(in, last, skew) {
				continue
			}
			installer := in.installer
			if in.clientPID != "" {
				if byPID == nil {
					byPID = g.startsByKey()
				}
				if p, ok := g.clientProcess(byPID, in); ok {
					installer = p
				}
			}
			for _, from := range []event.Entity{installer, in.service} {
				if from.ID == "" || from.ID == s.proc.ID || linked[from.ID] {
					continue
				}
				linked[from.ID] = true
				f, t := g.node(from, in.at), g.node(s.proc, s.at)
				g.link(f, t, k, false, false, in.at, 0, in.ev)
				g.link(f, t, k, false, false, s.at, 0, s.ev)
			}
		}
	}
	g.installs, g.svcStarts = nil, nil
}

// installFor picks the install record a service start comes from: the
// latest at or before it, or, when the clocks disagree, the first within
// the skew after it; -1 when there is none.
func (g *Graph) installFor(cands []int, s svcStart, skew int64) int {
	before, after := -1, -1
	for _, i := range cands {
		in := &g.installs[i]
		if !in.cmd.runs(s.cmd) {
			continue
		}
		switch {
		case in.at <= s.at:
			if before < 0 || in.at > g.installs[before].at {
				before = i
			}
		case in.at <= s.at+skew:
			if after < 0 || in.at < g.installs[after].at {
				after = i
			}
		}
	}
	if before >= 0 {
		return before
	}
	return after
}

// sameInstall reports whether in is a record of the same install as
// last: any record within sameWindow, or, when one of the two was logged
// by another host, the same service within the skew.
func sameInstall(in, last *svcInstall, skew int64) bool {
	d := last.at - in.at
	if d < 0 {
		d = -d
	}
	if d <= int64(sameWindow) {
		return true
	}
	return (in.remote || last.remote) && d <= skew && in.service.ID != "" && in.service.ID == last.service.ID
}

// clientProcess resolves a 4697's ClientProcessId to the process of that
// host and pid that started last before the install, unless it is the
// service control manager itself (a remote install through RPC).
func (g *Graph) clientProcess(byPID map[string][]procStart, in *svcInstall) (event.Entity, bool) {
	pid, ok := decimalPID(in.clientPID)
	if !ok {
		return event.Entity{}, false
	}
	best := g.startBefore(byPID[strings.TrimPrefix(in.host, "host:")+"/"+pid], in.at, "")
	if best == nil {
		return event.Entity{}, false
	}
	p := g.nodes[best.node].Entity
	if isSCM(p.Name) {
		return event.Entity{}, false
	}
	return p, true
}

// startsByKey indexes the process starts by host/pid.
func (g *Graph) startsByKey() map[string][]procStart {
	byKey := map[string][]procStart{}
	for _, s := range g.starts {
		byKey[s.key] = append(byKey[s.key], s)
	}
	return byKey
}

// runs reports whether a process started as s runs the service command c:
// the same executable (by file name when c names no folder), and the same
// arguments up to the first environment variable in c's, which the service
// control manager expands, when s's command line is known.
func (c serviceCmd) runs(s serviceCmd) bool {
	if c.bare {
		if baseName(c.image) != baseName(s.image) {
			return false
		}
	} else if c.image != s.image {
		return false
	}
	if s.noCmd {
		return true
	}
	a, b := c.args, s.args
	if i := strings.IndexByte(a, '%'); i >= 0 {
		a = a[:i]
		if len(b) > i {
			b = b[:i]
		}
	}
	return a == b
}

// envPaths are the variables and prefixes service command lines use for
// system folders, written out with the defaults (C:\Windows) so that a
// service's executable compares with the path the process start names.
var envPaths = [...]struct{ prefix, path string }{
	{`%comspec%`, `c:\windows\system32\cmd.exe`},
	{`%systemroot%`, `c:\windows`},
	{`%windir%`, `c:\windows`},
	{`\systemroot`, `c:\windows`},
	{`%systemdrive%`, `c:`},
	{`%programfiles%`, `c:\program files`},
	{`%programfiles(x86)%`, `c:\program files (x86)`},
	{`%programdata%`, `c:\programdata`},
	{`\??\`, ``},
	{`system32\`, `c:\windows\system32\`},
}

// parseServiceCmd splits a command line (an ImagePath, a ServiceFileName,
// a process's command line or image) into a serviceCmd. Sysmon writes "%"
// in registry values as "%%"; both spellings are read.
func parseServiceCmd(cmd string) (serviceCmd, bool) {
	cmd = strings.TrimSpace(strings.ReplaceAll(cmd, "%%", "%"))
	exe, rest := splitExe(cmd)
	if exe == "" {
		return serviceCmd{}, false
	}
	exe = normExe(exe)
	return serviceCmd{
		image: exe,
		args:  strings.Join(strings.Fields(strings.ToLower(rest)), " "),
		bare:  !strings.Contains(exe, `\`),
	}, true
}

// normExe writes an executable's path as serviceCmd compares it: lower
// case, backslashes, system folders written out, ".exe" added when the
// name has no extension (as CreateProcess does).
func normExe(exe string) string {
	exe = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(exe), "/", `\`))
	for _, p := range envPaths {
		if strings.HasPrefix(exe, p.prefix) {
			exe = p.path + exe[len(p.prefix):]
			break
		}
	}
	if !strings.Contains(baseName(exe), ".") {
		exe += ".exe"
	}
	return exe
}

// splitExe splits a command line into its executable and the rest. A
// quoted first word is the executable; an unquoted path may hold blanks
// ("C:\Program Files\x.exe -k") and ends at ".exe".
func splitExe(cmd string) (string, string) {
	if cmd == "" {
		return "", ""
	}
	if cmd[0] == '"' {
		end := strings.IndexByte(cmd[1:], '"')
		if end < 0 {
			return strings.TrimSpace(cmd[1:]), ""
		}
		return strings.TrimSpace(cmd[1 : 1+end]), cmd[2+end:]
	}
	first, rest, _ := strings.Cut(cmd, " ")
	if strings.HasPrefix(first, "%") || !strings.Contains(first, `\`) || hasExeSuffix(first) {
		return first, rest
	}
	for i := 0; i+4 <= len(cmd); i++ {
		if cmd[i] == '.' && strings.EqualFold(cmd[i:i+4], ".exe") && (i+4 == len(cmd) || cmd[i+4] == ' ') {
			return cmd[:i+4], cmd[i+4:]
		}
	}
	return first, rest
}

func hasExeSuffix(s string) bool {
	return len(s) >= 4 && strings.EqualFold(s[len(s)-4:], ".exe")
}
