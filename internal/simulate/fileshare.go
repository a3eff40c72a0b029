package simulate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// share is a folder a Windows machine shares: \\<host>\<name>, kept at
// <local> on the machine's disk. The campaigns that read or encrypt a
// share see the same files, drawn from the share's own random stream.
type share struct {
	host    *winHost
	name    string   // Finance
	local   string   // C:\Shares\Finance
	folders []string // top-level folders
}

// shareFolders are the folders of each department's share; "company" is
// the share everyone uses.
var shareFolders = map[string][]string{
	"finance":   {"Payroll", "Invoices", "Budgets", "Audit", "Bank Statements", "Tax"},
	"sales":     {"Customers", "Contracts", "Pricing", "Pipeline", "Proposals"},
	"hr":        {"Employees", "Recruiting", "Reviews", "Benefits"},
	"marketing": {"Campaigns", "Brand", "Events", "Press"},
	"company":   {"Projects", "Reports", "Board", "Policies", "Templates", "Archive"},
}

// fileServer is the Windows machine that holds the company's shares: a
// Windows server when the environment has one, else the domain controller,
// as in many small offices.
func (s *sim) fileServer() *winHost {
	for _, w := range s.world.winList {
		if w.h.Role == "server" {
			return w
		}
	}
	return s.world.dc
}

// departmentShare is the share of a group (finance, sales, ...; "company"
// for the company-wide one) on the file server, or nil without one.
func (s *sim) departmentShare(group string) *share {
	w := s.fileServer()
	if w == nil {
		return nil
	}
	if group == "" {
		group = "company"
	}
	folders, ok := shareFolders[group]
	if !ok {
		folders = []string{"Documents", "Projects", "Archive"}
	}
	name := strings.ToUpper(group[:1]) + group[1:]
	return &share{host: w, name: name, local: `C:\Shares\` + name, folders: folders}
}

// unc is the share's network path as clients write it.
func (sh *share) unc() string { return `\\` + sh.host.fqdn + `\` + sh.name }

// path is the local path of a file of the share, given relative to it.
func (sh *share) path(rel string) string { return sh.local + `\` + rel }

// fileStems and fileTags make document names: "Payroll 2025-11.xlsx".
var (
	fileStems = []string{"Summary", "Report", "Statement", "Forecast", "Overview", "Register", "Schedule", "Agreement",
		"Review", "Plan", "Analysis", "Minutes", "Reconciliation", "Export", "Notes", "Draft"}
	fileExts = []string{".xlsx", ".xlsx", ".docx", ".docx", ".pdf", ".pdf", ".pptx", ".csv"}
)

// shareFiles lists the files of a folder of the share, relative to the share,
// the same for every caller of a run.
func (s *sim) shareFiles(sh *share, folder string) []sharedFile {
	rng := s.rng("share/" + sh.host.h.Name + "/" + sh.name + "/" + folder)
	n := 18 + rng.IntN(24)
	seen := map[string]bool{}
	out := make([]sharedFile, 0, n)
	for len(out) < n {
		name := fmt.Sprintf("%s %s %d-%02d%s", folder, pick(rng, fileStems), 2023+rng.IntN(4), 1+rng.IntN(12), pick(rng, fileExts))
		if rng.IntN(3) == 0 {
			name = fmt.Sprintf("%s %03d%s", pick(rng, fileStems), rng.IntN(1000), pick(rng, fileExts))
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, sharedFile{rel: folder + `\` + name, size: 20_000 + rng.Int64N(4_000_000)})
	}
	return out
}

// sharedFile is a file of a share: its path relative to the share and its
// size.
type sharedFile struct {
	rel  string
	size int64
}

// Access rights of detailed file share events (Security 5145), with the
// message codes Windows lists them by.
type shareRights struct {
	mask string
	list []string
}

var (
	rightsRead       = shareRights{"0x120089", []string{"%%1538", "%%1541", "%%4416", "%%4419", "%%4423"}}
	rightsReadDelete = shareRights{"0x130089", []string{"%%1537", "%%1538", "%%1541", "%%4416", "%%4419", "%%4423"}}
	rightsWrite      = shareRights{"0x120196", []string{"%%1538", "%%1541", "%%4417", "%%4418", "%%4420", "%%4423", "%%4424"}}
	rightsList       = shareRights{"0x100081", []string{"%%1541", "%%4416", "%%4423"}}
)

// smbSession is an SMB session of a client's account on a server: the
// network logon that opened it and the client's address and port.
type smbSession struct {
	srv     *winHost
	acct    account
	logonID uint64
	src     string
	srcPort int
}

// openSMB records a client's network logon on the server (Security 4624
// type 3, Kerberos) and returns the session.
func (s *sim) openSMB(t time.Time, srv, client *winHost, acct account, srcPort int, admin bool) smbSession {
	id := s.logon(srv, t, logonReq{typ: logonNetwork, target: acct, src: client.h.IP, srcPort: srcPort, admin: admin})
	return smbSession{srv: srv, acct: acct, logonID: id, src: client.h.IP, srcPort: srcPort}
}

// shareOpened records the session connecting to a share (Security 5140).
// IPC$ has no local path.
func (s *sim) shareOpened(t time.Time, ss smbSession, name, local string) {
	localPath := ""
	if local != "" {
		localPath = `\??\` + local
	}
	s.shareEvent(ss.srv, t, 5140, 1, 12808,
		s1("SubjectUserSid", ss.acct.sid), s1("SubjectUserName", ss.acct.name), s1("SubjectDomainName", ss.acct.domain),
		s1("SubjectLogonId", hexID(ss.logonID)), s1("ObjectType", "File"), s1("IpAddress", ss.src),
		s1("IpPort", fmt.Sprint(ss.srcPort)), s1("ShareName", `\\*\`+name), s1("ShareLocalPath", localPath),
		s1("AccessMask", "0x1"), s1("AccessList", "%%4416"),
	)
}

// shareFile records an access check on a file of a share (Security 5145,
// detailed file share auditing).
func (s *sim) shareFile(t time.Time, ss smbSession, sh *share, rel string, r shareRights) {
	s.shareEvent(ss.srv, t, 5145, 0, 12811,
		s1("SubjectUserSid", ss.acct.sid), s1("SubjectUserName", ss.acct.name), s1("SubjectDomainName", ss.acct.domain),
		s1("SubjectLogonId", hexID(ss.logonID)), s1("ObjectType", "File"), s1("IpAddress", ss.src),
		s1("IpPort", fmt.Sprint(ss.srcPort)), s1("ShareName", `\\*\`+sh.name), s1("ShareLocalPath", `\??\`+sh.local),
		s1("RelativeTargetName", rel), s1("AccessMask", r.mask), s1("AccessList", strings.Join(r.list, "\r\n\t\t\t\t")),
		s1("AccessReason", "-"),
	)
}

// shareEvent is a Security event the kernel's file server writes: its
// Execution process is System.
func (s *sim) shareEvent(w *winHost, t time.Time, id, version, task int, data ...write.Member) {
	s.emit(t, &write.WinEvent{
		Time: t, Computer: w.fqdn, Channel: write.ChannelSecurity, EventID: id, Version: version, Task: task,
		Keywords: kwSuccess, ProcessID: 4, ThreadID: w.thread(), ActivityID: w.activity, Data: data,
	})
}

// fileDelete records p deleting path (Sysmon 23, FileDelete): executables
// are archived, documents are not.
func (s *sim) fileDelete(w *winHost, t time.Time, p *proc, path string) {
	exe := strings.HasSuffix(strings.ToLower(path), ".exe") || strings.HasSuffix(strings.ToLower(path), ".dll")
	h := hashes(path)
	if !exe {
		h, _, _ = strings.Cut(h, ",IMPHASH=")
		h += ",IMPHASH=00000000000000000000000000000000"
	}
	s.sysmonEvent(w, t, 23, 5,
		s1("RuleName", "-"), s1("UtcTime", utcTime(t)), s1("ProcessGuid", p.guid), n1("ProcessId", p.pid),
		s1("User", p.user.qualified()), s1("Image", p.image), s1("TargetFilename", path), s1("Hashes", h),
		b1("IsExecutable", exe), s1("Archived", fmt.Sprint(exe)),
	)
}

// offHoursSlot draws the start of a campaign when the office is empty: at
// a local hour in [from, to), with the office still empty three hours
// later and the campaign over before the run ends. weekday asks for a
// Monday to Friday.
func (s *sim) offHoursSlot(rng *rand.Rand, from, to int, weekday bool) (time.Time, bool) {
	const step = 10 * time.Minute
	var slots []time.Time
	for t := s.start; !t.Add(campaignLength).After(s.end); t = t.Add(step) {
		l := s.local(t)
		if h := l.Hour(); h < from || h >= to {
			continue
		}
		if wd := l.Weekday(); weekday && (wd == time.Saturday || wd == time.Sunday) {
			continue
		}
		if s.busy(t) == 0 && s.busy(t.Add(campaignLength)) == 0 {
			slots = append(slots, t)
		}
	}
	if len(slots) == 0 {
		return time.Time{}, false
	}
	t := pick(rng, slots).Add(jitter(rng, 0, step))
	if t.Add(campaignLength).After(s.end) {
		t = s.end.Add(-campaignLength)
	}
	return t.Truncate(time.Second), true
}

// shareResourceID is the reader's id of a share of a host.
func shareResourceID(w *winHost, name string) string {
	return event.Resource(hostID(w), "share:"+lower(`\\*\`+name), `\\*\`+name).ID
}
