package simulate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// account is a Windows account as events name it.
type account struct {
	name, domain, sid string
}

// qualified is DOMAIN\name, as Sysmon writes users.
func (a account) qualified() string { return a.domain + `\` + a.name }

var (
	acctSystem  = account{"SYSTEM", "NT AUTHORITY", "S-1-5-18"}
	acctNetwork = account{"NETWORK SERVICE", "NT AUTHORITY", "S-1-5-20"}
)

// proc is a running Windows process.
type proc struct {
	guid      string
	pid       int
	image     string
	cmd       string
	cwd       string
	user      account
	logonID   uint64
	logonGUID string
	integrity string
	session   int
	parent    *proc
	start     time.Time
}

// winHost is the state of a simulated Windows machine: its long-running
// processes and the counters that give new processes, threads and logon
// sessions their ids.
type winHost struct {
	h       *Host
	fqdn    string
	machine account // the computer account, subject of system-initiated events
	rng     *rand.Rand
	prefix  string // first group of this machine's Sysmon process GUIDs
	sysmon  int    // pid of Sysmon64.exe, the Execution pid of its events
	nextPID int
	// activity is the Correlation ActivityID of this boot's Security events.
	activity string

	system, services, lsass, winlogon, svchost, svchostNet, wmi, defender *proc
}

func newWinHost(s *sim, h *Host, domain Domain) *winHost {
	w := &winHost{
		h:       h,
		fqdn:    strings.ToUpper(h.Name) + "." + domain.DNS,
		machine: account{strings.ToUpper(h.Name) + "$", domain.NetBIOS, "S-1-5-18"},
		rng:     s.rng("host/" + h.Name),
	}
	w.prefix = randString(w.rng, upperHex, 8)
	w.nextPID = 400 + 4*w.rng.IntN(50)
	sys := func(parent *proc, image, cmd string, user account) *proc {
		p := w.newProc(parent, image, cmd, user, 0x3e7, "System", 0)
		return p
	}
	w.system = &proc{guid: w.prefix + "-0000-0000-0000-000000000000", pid: 4, image: "System", user: acctSystem, logonID: 0x3e7, integrity: "System"}
	w.services = sys(w.system, `C:\Windows\System32\services.exe`, `C:\Windows\system32\services.exe`, acctSystem)
	w.lsass = sys(w.system, `C:\Windows\System32\lsass.exe`, `C:\Windows\system32\lsass.exe`, acctSystem)
	w.winlogon = sys(w.system, `C:\Windows\System32\winlogon.exe`, `winlogon.exe`, acctSystem)
	w.svchost = sys(w.services, `C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`, acctSystem)
	w.svchostNet = sys(w.services, `C:\Windows\System32\svchost.exe`, `C:\Windows\System32\svchost.exe -k NetworkService -p -s Dnscache`, acctNetwork)
	w.svchostNet.logonID = 0x3e4
	w.wmi = sys(w.svchost, `C:\Windows\System32\wbem\WmiPrvSE.exe`, `C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`, acctNetwork)
	w.wmi.logonID = 0x3e4
	w.defender = sys(w.services, `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe`,
		`"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe"`, acctSystem)
	w.sysmon = w.pid()
	w.activity = guid(w.rng, "")
	return w
}

// pid draws the next process id: Windows hands out multiples of four,
// mostly increasing, reused after a while.
func (w *winHost) pid() int {
	w.nextPID += 4 * (1 + w.rng.IntN(40))
	if w.nextPID > 40000 {
		w.nextPID = 400 + 4*w.rng.IntN(200)
	}
	return w.nextPID
}

// logonID draws a new logon session id.
func (w *winHost) logonID() uint64 { return 0x100000 + uint64(w.rng.IntN(0x7fffffff)) }

// thread draws a thread id.
func (w *winHost) thread() int { return 4 * (100 + w.rng.IntN(4000)) }

func (w *winHost) newProc(parent *proc, image, cmd string, user account, logonID uint64, integrity string, session int) *proc {
	return &proc{
		guid: guid(w.rng, w.prefix), pid: w.pid(), image: image, cmd: cmd, cwd: `C:\Windows\system32\`,
		user: user, logonID: logonID, integrity: integrity, session: session, parent: parent,
	}
}

// spawn starts a process as a child of parent with parent's user and
// session, and records it in Sysmon (1) and the Security log (4688).
func (s *sim) spawn(w *winHost, t time.Time, parent *proc, image, cmd string) *proc {
	p := w.newProc(parent, image, cmd, parent.user, parent.logonID, parent.integrity, parent.session)
	p.logonGUID = parent.logonGUID
	p.cwd = parent.cwd
	s.started(w, t, p)
	return p
}

// started records the start of p, whose fields are set.
func (s *sim) started(w *winHost, t time.Time, p *proc) {
	parent := p.parent
	p.start = t
	meta := binaryMeta(p.image)
	logonGUID := p.logonGUID
	if logonGUID == "" {
		logonGUID = w.prefix + "-0000-0000-0000-000000000000"
	}
	s.sysmonEvent(w, t, 1, 5,
		s1("RuleName", "-"), s1("UtcTime", utcTime(t)), s1("ProcessGuid", p.guid), n1("ProcessId", p.pid),
		s1("Image", p.image), s1("FileVersion", meta.version), s1("Description", meta.desc), s1("Product", meta.product),
		s1("Company", meta.company), s1("OriginalFileName", meta.original), s1("CommandLine", p.cmd),
		s1("CurrentDirectory", p.cwd), s1("User", p.user.qualified()), s1("LogonGuid", logonGUID),
		s1("LogonId", hexID(p.logonID)), n1("TerminalSessionId", p.session), s1("IntegrityLevel", p.integrity),
		s1("Hashes", hashes(p.image)), s1("ParentProcessGuid", parent.guid), n1("ParentProcessId", parent.pid),
		s1("ParentImage", parent.image), s1("ParentCommandLine", parent.cmd), s1("ParentUser", parent.user.qualified()),
	)
	elevation, label := "%%1938", "S-1-16-8192"
	switch p.integrity {
	case "High":
		elevation, label = "%%1937", "S-1-16-12288"
	case "System":
		elevation, label = "%%1936", "S-1-16-16384"
	}
	s.securityEvent(w, t, 4688, 2, 13312, kwSuccess,
		s1("SubjectUserSid", parent.user.sid), s1("SubjectUserName", parent.user.name),
		s1("SubjectDomainName", parent.user.domain), s1("SubjectLogonId", hexID(parent.logonID)),
		s1("NewProcessId", hexID(uint64(p.pid))), s1("NewProcessName", p.image), s1("TokenElevationType", elevation),
		s1("ProcessId", hexID(uint64(parent.pid))), s1("CommandLine", p.cmd), s1("TargetUserSid", "S-1-0-0"),
		s1("TargetUserName", "-"), s1("TargetDomainName", "-"), s1("TargetLogonId", "0x0"),
		s1("ParentProcessName", parent.image), s1("MandatoryLabel", label),
	)
}

// connect records an outbound connection of p (Sysmon 3) and, when the
// network sensor sees it, its Zeek conn record.
func (s *sim) connect(w *winHost, t time.Time, p *proc, f flow) {
	f.src = w.h.IP
	if f.srcPort == 0 {
		f.srcPort = 49152 + w.rng.IntN(16000)
	}
	s.sysmonEvent(w, t, 3, 5,
		s1("RuleName", "-"), s1("UtcTime", utcTime(t)), s1("ProcessGuid", p.guid), n1("ProcessId", p.pid),
		s1("Image", p.image), s1("User", p.user.qualified()), s1("Protocol", f.protocol()), b1("Initiated", true),
		b1("SourceIsIpv6", false), s1("SourceIp", f.src), s1("SourceHostname", w.fqdn), n1("SourcePort", f.srcPort),
		s1("SourcePortName", "-"), b1("DestinationIsIpv6", false), s1("DestinationIp", f.dst),
		s1("DestinationHostname", orDash(f.dstName)), n1("DestinationPort", f.dstPort), s1("DestinationPortName", portName(f.dstPort)),
	)
	s.flow(w.rng, t, f)
}

// dnsQuery records p resolving name (Sysmon 22) and the lookup the
// network sees.
func (s *sim) dnsQuery(w *winHost, t time.Time, p *proc, name, answer string) {
	results := "::ffff:" + answer + ";"
	s.sysmonEvent(w, t, 22, 5,
		s1("RuleName", "-"), s1("UtcTime", utcTime(t)), s1("ProcessGuid", p.guid), n1("ProcessId", p.pid),
		s1("QueryName", name), s1("QueryStatus", "0"), s1("QueryResults", results), s1("Image", p.image),
		s1("User", p.user.qualified()),
	)
	s.resolve(w, t, name, answer)
}

// fileCreate records p creating path (Sysmon 11).
func (s *sim) fileCreate(w *winHost, t time.Time, p *proc, path string) {
	s.sysmonEvent(w, t, 11, 2,
		s1("RuleName", "-"), s1("UtcTime", utcTime(t)), s1("ProcessGuid", p.guid), n1("ProcessId", p.pid),
		s1("Image", p.image), s1("TargetFilename", path), s1("CreationUtcTime", utcTime(t)), s1("User", p.user.qualified()),
	)
}

// processAccess records src opening target with the given rights (Sysmon 10).
func (s *sim) processAccess(w *winHost, t time.Time, src, target *proc, access, trace string) {
	s.sysmonEvent(w, t, 10, 3,
		s1("RuleName", "-"), s1("UtcTime", utcTime(t)), s1("SourceProcessGUID", src.guid), n1("SourceProcessId", src.pid),
		n1("SourceThreadId", w.thread()), s1("SourceImage", src.image), s1("TargetProcessGUID", target.guid),
		n1("TargetProcessId", target.pid), s1("TargetImage", target.image), s1("GrantedAccess", access),
		s1("CallTrace", trace), s1("SourceUser", src.user.qualified()), s1("TargetUser", target.user.qualified()),
	)
}

// serviceInstalled records a service installation (Security 4697).
func (s *sim) serviceInstalled(w *winHost, t time.Time, subject account, logonID uint64, client *proc, name, file, runAs string) {
	parent := 0
	if client.parent != nil {
		parent = client.parent.pid
	}
	s.securityEvent(w, t, 4697, 0, 12289, kwSuccess,
		s1("SubjectUserSid", subject.sid), s1("SubjectUserName", subject.name), s1("SubjectDomainName", subject.domain),
		s1("SubjectLogonId", hexID(logonID)), s1("ServiceName", name), s1("ServiceFileName", file),
		s1("ServiceType", "0x10"), n1("ServiceStartType", 3), s1("ServiceAccount", runAs),
		n1("ClientProcessStartKey", int(2251799813685248+uint64(w.rng.IntN(1<<20)))), n1("ClientProcessId", client.pid),
		n1("ParentProcessId", parent),
	)
}

// Keywords of audit success and failure.
const (
	kwSuccess = "0x8020000000000000"
	kwFailure = "0x8010000000000000"
)

func (s *sim) sysmonEvent(w *winHost, t time.Time, id, version int, data ...write.Member) {
	s.emit(t, &write.WinEvent{
		Time: t, Computer: w.fqdn, Channel: write.ChannelSysmon, EventID: id, Version: version, Task: id,
		Keywords: "0x8000000000000000", ProcessID: w.sysmon, ThreadID: w.thread(), Data: data,
	})
}

func (s *sim) securityEvent(w *winHost, t time.Time, id, version, task int, kw string, data ...write.Member) {
	s.emit(t, &write.WinEvent{
		Time: t, Computer: w.fqdn, Channel: write.ChannelSecurity, EventID: id, Version: version, Task: task,
		Keywords: kw, ProcessID: w.lsass.pid, ThreadID: w.thread(), ActivityID: w.activity, Data: data,
	})
}

func s1(k, v string) write.Member      { return write.S(k, v) }
func n1(k string, v int) write.Member  { return write.N(k, int64(v)) }
func b1(k string, v bool) write.Member { return write.B(k, v) }

func utcTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") }

func hexID(v uint64) string { return fmt.Sprintf("0x%x", v) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func portName(port int) string {
	switch port {
	case 443:
		return "https"
	case 80:
		return "http"
	case 53:
		return "domain"
	case 445:
		return "microsoft-ds"
	case 389:
		return "ldap"
	case 88:
		return "kerberos"
	case 3389:
		return "ms-wbt-server"
	case 22:
		return "ssh"
	}
	return "-"
}
