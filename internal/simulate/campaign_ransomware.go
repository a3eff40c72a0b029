package simulate

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ransomware is the ransomware campaign: at night an operator logs on by
// remote desktop, from the Internet, to a workstation whose remote desktop
// port the office forwards, with an IT administrator's stolen password;
// pastes the locker in, looks at the network, deletes the shadow copies,
// the backup catalogue and boot recovery, stops the backup services, and
// runs the locker, which encrypts the workstation user's documents and the
// company share on the file server over SMB, leaves a note in every
// folder and deletes itself.
type ransomware struct {
	c        *campaignRun
	victim   *person // the workstation's user, whose documents are encrypted
	admin    *person // whose stolen account the operator uses
	ws, srv  *winHost
	share    *share
	ip       string // the operator's address
	client   string // the operator's machine, as remote desktop names it
	logonID  uint64
	explorer *proc
	elevated *proc
	lockerAt string
	locker   *proc
	ext      string
}

// ransomNote is the note the locker leaves in every folder it encrypts.
const ransomNote = "README_RESTORE_FILES.txt"

func (s *sim) planRansomware(c *campaignRun) (time.Time, error) {
	r := &ransomware{c: c, ext: ".locked"}
	var victims, taken, admins []*person
	for _, q := range s.world.people {
		switch {
		case q.ws == nil || q.dev:
		case q.admin:
			admins = append(admins, q)
		case q.steady:
			taken = append(taken, q)
		default:
			victims = append(victims, q)
		}
	}
	if len(victims) == 0 {
		victims = taken // every workstation user is some campaign's already
	}
	r.share = s.departmentShare("company")
	if len(victims) == 0 || len(admins) == 0 || r.share == nil {
		return time.Time{}, errors.New("needs a workstation user who is neither administrator nor developer, an administrator and a domain controller or Windows server for the file share")
	}
	r.victim, r.admin = pick(c.rng, victims), pick(c.rng, admins)
	r.victim.steady = true
	r.ws, r.srv = r.victim.ws, r.share.host
	at, ok := s.offHoursSlot(c.rng, 0, 5, false)
	if !ok {
		return time.Time{}, errors.New("needs a night (00:00 to 05:00 local) with three quiet hours inside the run")
	}
	r.ip = fmt.Sprintf("%d.%d.%d.%d", pick(c.rng, []int{45, 91, 103, 179, 194}), c.rng.IntN(256), c.rng.IntN(256), 2+c.rng.IntN(250))
	r.client = "WIN-" + randString(c.rng, alnum, 11)
	r.lockerAt = `C:\Users\` + r.admin.u.Name + `\Desktop\` + strings.ToLower(randString(c.rng, "abcdefghijklmnopqrstuvwxyz", 7)) + ".exe"
	c.description = fmt.Sprintf("At night an operator logs on by remote desktop from %s to %s, whose remote desktop port is reachable "+
		"from the Internet, with the stolen password of the administrator %s. Through the session they paste in a locker, list "+
		"the shares of %s and the domain controllers, delete the shadow copies, the backup catalogue and boot recovery, stop the "+
		"backup services, then run the locker: it encrypts %s's documents and the share %s over SMB, appending %s and leaving "+
		"%s in every folder, and deletes itself.",
		r.ip, r.ws.h.Name, r.admin.u.Name, r.srv.h.Name, r.victim.u.Name, r.share.unc(), r.ext, ransomNote)
	c.source = "Entities follow the remote desktop session (its logon, the Kerberos side on the domain controller, the session's " +
		"userinit and Explorer and every process under them), the locker, the SMB sessions on the file server, the share, and " +
		"every file encrypted (original, encrypted copy) and note written. Data accessed are the original files, on the " +
		"workstation and on the share. The administrator's own workstation is benign."
	c.inputs = []string{DirWindows, DirZeek}
	c.steps = []step{r.access, r.drop, r.discover, r.inhibit, r.encrypt, r.cleanup}
	return at, nil
}

// access: the operator's remote desktop logon from the Internet.
func (r *ransomware) access(s *sim, t time.Time) time.Duration {
	c, w, a := r.c, r.ws, r.admin
	s.flow(c.rng, t, flow{src: r.ip, srcPort: 49152 + c.rng.IntN(16000), dst: w.h.IP, dstPort: 3389, service: "rdp",
		bytesOut: 4_000_000 + c.rng.Int64N(6_000_000), bytesIn: 30_000_000 + c.rng.Int64N(60_000_000), dur: 100*time.Minute + jitter(c.rng, 0, 40*time.Minute)})
	dcLogon := s.domainLogon(t.Add(700*time.Millisecond), w, a.acct)
	r.logonID = s.logon(w, t.Add(time.Second), logonReq{typ: logonRemote, target: a.acct, src: r.ip, client: r.client, admin: true})
	userinit := w.newProc(w.winlogon, `C:\Windows\System32\userinit.exe`, `C:\Windows\system32\userinit.exe`, a.acct, r.logonID, "Medium", 2)
	userinit.logonGUID = guid(c.rng, "")
	s.started(w, t.Add(3*time.Second), userinit)
	r.explorer = s.spawn(w, t.Add(4*time.Second), userinit, imgExplorer, `C:\Windows\Explorer.EXE`)
	r.explorer.cwd = `C:\Users\` + a.u.Name + `\`

	c.rootCause = []string{s.principalID(a.acct, w), ipID(r.ip), sessionID(w, r.logonID)}
	c.firstComp = hostID(w)
	c.entity(ipID(r.ip), "the operator's address")
	c.entity(s.principalID(a.acct, w), "the administrator whose password was stolen")
	c.entity(sessionID(w, r.logonID), "the remote desktop session")
	c.entity(hostID(w), "the workstation reached by remote desktop")
	c.entity(endpointID(w.h.IP, 3389), "its remote desktop service, forwarded from the Internet")
	if dcLogon != 0 {
		c.entity(hostID(s.world.dc), "the domain controller")
		c.entity(sessionID(s.world.dc, dcLogon), "the Kerberos side of the logon on the domain controller")
	}
	c.process(w, userinit, "userinit of the session")
	c.process(w, r.explorer, "the session's Explorer")
	c.technique("T1133", "remote desktop reachable from the Internet")
	c.technique("T1078.002", "a stolen domain account")
	c.technique("T1021.001", "remote desktop")
	if aw := a.ws; aw != nil && aw != w {
		c.benign = append(c.benign, hostID(aw))
	}
	return jitter(c.rng, 2*time.Minute, 6*time.Minute)
}

// drop: the locker is pasted through the remote desktop clipboard, which
// Explorer writes.
func (r *ransomware) drop(s *sim, t time.Time) time.Duration {
	s.fileCreate(r.ws, t, r.explorer, r.lockerAt)
	r.c.entity(fileID(r.ws, r.lockerAt), "the locker, pasted over remote desktop")
	r.c.technique("T1105", "tool transfer through the remote desktop clipboard")
	return jitter(r.c.rng, time.Minute, 4*time.Minute)
}

// discover: a shell lists the file server's shares, the domain
// controllers and the company share's files.
func (r *ransomware) discover(s *sim, t time.Time) time.Duration {
	c, w, srv, sh := r.c, r.ws, r.srv, r.share
	sh0 := s.spawn(w, t, r.explorer, imgCmd, `"C:\Windows\system32\cmd.exe" `)
	c.process(w, sh0, "the operator's shell")
	c.technique("T1059.003", "cmd.exe")
	at := func(i int) time.Time {
		return t.Add(time.Duration(i) * 25 * time.Second).Add(jitter(c.rng, 0, 20*time.Second))
	}

	who := s.spawn(w, at(1), sh0, `C:\Windows\System32\whoami.exe`, `whoami  /groups`)
	c.process(w, who, "whoami")
	c.technique("T1033", "whoami")

	nv := s.spawn(w, at(2), sh0, `C:\Windows\System32\net.exe`, `net  view \\`+srv.fqdn+` /all`)
	c.process(w, nv, "net view of the file server's shares")
	port := 49152 + w.rng.IntN(16000)
	s.connect(w, nv.start.Add(200*time.Millisecond), nv, flow{srcPort: port, dst: srv.h.IP, dstPort: 445, service: "smb",
		bytesOut: 9_000 + c.rng.Int64N(4000), bytesIn: 14_000 + c.rng.Int64N(8000), dur: 4 * time.Minute})
	ss := s.openSMB(nv.start.Add(300*time.Millisecond), srv, w, r.admin.acct, port, true)
	s.shareOpened(nv.start.Add(350*time.Millisecond), ss, "IPC$", "")
	c.technique("T1135", "net view")

	nl := s.spawn(w, at(3), sh0, `C:\Windows\System32\nltest.exe`, `nltest  /dclist:`+strings.ToLower(s.env.Domain.DNS))
	c.process(w, nl, "nltest")
	c.technique("T1018", "domain controllers")

	list := `C:\Users\Public\Documents\` + strings.ToLower(randString(c.rng, alnum, 5)) + ".txt"
	dir := s.spawn(w, at(4), sh0, imgCmd, `cmd.exe  /c dir /s /b "`+sh.unc()+`" > `+list)
	s.shareOpened(dir.start.Add(100*time.Millisecond), ss, sh.name, sh.local)
	for i, f := range sh.folders {
		s.shareFile(dir.start.Add(time.Duration(150+40*i)*time.Millisecond), ss, sh, f, rightsList)
	}
	s.fileCreate(w, dir.start.Add(2*time.Second), dir, list)
	c.process(w, dir, "dir of the company share")
	c.entity(fileID(w, list), "the list of the share's files")
	c.technique("T1083", "file listing of the share")

	c.entity(endpointID(srv.h.IP, 445), "SMB on the file server")
	c.entity(ipID(w.h.IP), "the workstation's address, source of the SMB sessions")
	c.entity(hostID(srv), "the file server")
	c.entity(sessionID(srv, ss.logonID), "the administrator's SMB session for the discovery")
	c.entity(shareResourceID(srv, sh.name), "the company share")
	return jitter(c.rng, 4*time.Minute, 12*time.Minute)
}

// inhibit: an elevated shell deletes the shadow copies, the backup
// catalogue and boot recovery, and stops the backup services.
func (r *ransomware) inhibit(s *sim, t time.Time) time.Duration {
	c, w := r.c, r.ws
	r.elevated = w.newProc(r.explorer, imgCmd, `"C:\Windows\system32\cmd.exe" `, r.admin.acct, r.logonID, "High", r.explorer.session)
	r.elevated.logonGUID = r.explorer.logonGUID
	s.started(w, t, r.elevated)
	c.process(w, r.elevated, "the operator's elevated shell")
	steps := []struct{ img, cmd, tech, note string }{
		{`C:\Windows\System32\vssadmin.exe`, `vssadmin.exe  delete shadows /all /quiet`, "T1490", "shadow copies deleted with vssadmin"},
		{`C:\Windows\System32\wbem\WMIC.exe`, `wmic.exe  shadowcopy delete`, "T1047", "shadow copies deleted through WMI"},
		{`C:\Windows\System32\bcdedit.exe`, `bcdedit.exe  /set {default} recoveryenabled no`, "T1490", "boot recovery disabled"},
		{`C:\Windows\System32\bcdedit.exe`, `bcdedit.exe  /set {default} bootstatuspolicy ignoreallfailures`, "T1490", "boot failures ignored"},
		{`C:\Windows\System32\wbadmin.exe`, `wbadmin.exe  delete catalog -quiet`, "T1490", "backup catalogue deleted"},
		{`C:\Windows\System32\net.exe`, `net.exe  stop VSS /y`, "T1489", "volume shadow copy service stopped"},
		{`C:\Windows\System32\net.exe`, `net.exe  stop wbengine /y`, "T1489", "block-level backup engine stopped"},
		{`C:\Windows\System32\sc.exe`, `sc.exe  config VSS start= disabled`, "T1489", "volume shadow copy service disabled"},
	}
	at := t
	for _, x := range steps {
		at = at.Add(jitter(c.rng, 2*time.Second, 15*time.Second))
		p := s.spawn(w, at, r.elevated, x.img, x.cmd)
		c.process(w, p, x.note)
		c.technique(x.tech, x.note)
		if strings.HasSuffix(x.img, `\net.exe`) { // net runs net1 to do the work
			n1 := s.spawn(w, at.Add(40*time.Millisecond), p, `C:\Windows\System32\net1.exe`, `C:\Windows\system32\net1  `+strings.TrimPrefix(x.cmd, "net.exe  "))
			c.process(w, n1, x.note+" (net1)")
		}
	}
	return jitter(c.rng, 2*time.Minute, 6*time.Minute)
}

// encrypt: the locker encrypts the victim's documents, then the company
// share over SMB, and leaves a note in every folder.
func (r *ransomware) encrypt(s *sim, t time.Time) time.Duration {
	c, w := r.c, r.ws
	r.locker = s.spawn(w, t, r.elevated, r.lockerAt, `"`+r.lockerAt+`" -path C:\Users -share `+r.share.unc())
	c.process(w, r.locker, "the locker")
	c.technique("T1486", "data encrypted for impact")
	at := t.Add(2 * time.Second)
	for _, dir := range r.localFolders() {
		for _, f := range r.localFiles(dir) {
			s.fileCreate(w, at, r.locker, f+r.ext)
			s.fileDelete(w, at.Add(30*time.Millisecond), r.locker, f)
			r.encrypted(fileID(w, f), fileID(w, f+r.ext))
			at = at.Add(jitter(c.rng, 150*time.Millisecond, 2*time.Second))
		}
		s.fileCreate(w, at, r.locker, dir+`\`+ransomNote)
		c.entity(fileID(w, dir+`\`+ransomNote), "ransom note")
	}
	r.encryptShare(s, at.Add(jitter(c.rng, 2*time.Second, 10*time.Second)))
	return jitter(c.rng, 30*time.Second, 2*time.Minute)
}

// encryptShare: the locker's SMB session on the file server; there the
// writes are the System process's.
func (r *ransomware) encryptShare(s *sim, t time.Time) {
	c, w, srv, sh := r.c, r.ws, r.srv, r.share
	var files [][]sharedFile
	var total int64
	for _, folder := range sh.folders {
		fs := s.shareFiles(sh, folder)
		files = append(files, fs)
		for _, f := range fs {
			total += f.size
		}
	}
	port := 49152 + w.rng.IntN(16000)
	s.connect(w, t, r.locker, flow{srcPort: port, dst: srv.h.IP, dstPort: 445, service: "smb",
		bytesOut: total + total/50, bytesIn: total + total/80, dur: 6 * time.Minute})
	ss := s.openSMB(t.Add(200*time.Millisecond), srv, w, r.admin.acct, port, true)
	s.shareOpened(t.Add(250*time.Millisecond), ss, sh.name, sh.local)
	c.entity(sessionID(srv, ss.logonID), "the locker's SMB session on the file server")
	at := t.Add(time.Second)
	for i, folder := range sh.folders {
		for _, f := range files[i] {
			s.shareFile(at, ss, sh, f.rel, rightsReadDelete)
			s.shareFile(at.Add(20*time.Millisecond), ss, sh, f.rel+r.ext, rightsWrite)
			s.fileCreate(srv, at.Add(25*time.Millisecond), srv.system, sh.path(f.rel+r.ext))
			s.fileDelete(srv, at.Add(60*time.Millisecond), srv.system, sh.path(f.rel))
			r.encrypted(fileID(srv, sh.path(f.rel)), fileID(srv, sh.path(f.rel+r.ext)))
			at = at.Add(jitter(c.rng, 200*time.Millisecond, 1500*time.Millisecond))
		}
		note := folder + `\` + ransomNote
		s.shareFile(at, ss, sh, note, rightsWrite)
		s.fileCreate(srv, at.Add(5*time.Millisecond), srv.system, sh.path(note))
		c.entity(fileID(srv, sh.path(note)), "ransom note on the share")
	}
}

// encrypted notes an encrypted file: the original is data accessed.
func (r *ransomware) encrypted(original, locked string) {
	r.c.entity(original, "")
	r.c.entity(locked, "")
	r.c.data = append(r.c.data, original)
}

// localFolders are the folders of the victim's profile the locker walks.
func (r *ransomware) localFolders() []string {
	home := `C:\Users\` + r.victim.u.Name
	return []string{home + `\Documents`, home + `\Documents\Projects`, home + `\Desktop`, home + `\Downloads`}
}

// localFiles draws the documents of a folder of the victim's profile.
func (r *ransomware) localFiles(dir string) []string {
	rng := r.c.rng
	n := 4 + rng.IntN(9)
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		name := pick(rng, documents) + pick(rng, fileExts)
		if rng.IntN(2) == 0 {
			name = fmt.Sprintf("%s %s %d%s", pick(rng, fileStems), pick(rng, []string{"v2", "final", "draft", "old", "copy"}), 1+rng.IntN(30), pick(rng, fileExts))
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, dir+`\`+name)
		}
	}
	return out
}

// cleanup: the locker has a shell wait and delete it.
func (r *ransomware) cleanup(s *sim, t time.Time) time.Duration {
	c, w := r.c, r.ws
	del := s.spawn(w, t, r.locker, imgCmd, `C:\Windows\System32\cmd.exe /c timeout /t 3 /nobreak > nul & del /f /q "`+r.lockerAt+`"`)
	s.fileDelete(w, t.Add(3200*time.Millisecond), del, r.lockerAt)
	c.process(w, del, "the shell that deletes the locker")
	c.technique("T1070.004", "the locker deleted")
	return 0
}
