package simulate

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// phishing is the state of the phishing campaign: a mail attachment run on
// a workstation calls back over HTTPS, looks around, dumps LSASS, and with
// an administrator's credentials found there moves to the domain
// controller over SMB, installs a service, copies the directory database
// out with ntdsutil, stages it on the workstation and uploads it.
type phishing struct {
	c       *campaignRun
	victim  *person
	admin   *person
	ws, dc  *winHost
	c2Name  string
	c2IP    string
	payload *proc
	dump    string
	dcLogon uint64
	svc     *proc
	ifm     string
	archive string
}

func (s *sim) planPhishing(c *campaignRun) (time.Time, error) {
	p := &phishing{c: c, dc: s.world.dc}
	var victims, admins []*person
	for _, q := range s.world.people {
		switch {
		case q.ws == nil:
		case q.admin:
			admins = append(admins, q)
		case !q.dev:
			victims = append(victims, q)
		}
	}
	if len(victims) == 0 || len(admins) == 0 || p.dc == nil {
		return time.Time{}, errors.New("needs a workstation user who is neither administrator nor developer, an administrator with a workstation and a domain controller")
	}
	p.victim, p.admin = pick(c.rng, victims), pick(c.rng, admins)
	p.victim.steady = true
	p.ws = p.victim.ws
	at, ok := s.workHoursSlot(c.rng, 2*time.Hour, 2*time.Hour+campaignLength/2)
	if !ok {
		return time.Time{}, errors.New("needs a working day with four hours of office time inside the run")
	}
	p.c2Name = pick(c.rng, []string{"cdn-office365-sync.com", "docusign-secure-mail.net", "msupdate-content.org"})
	p.c2IP = fmt.Sprintf("185.%d.%d.%d", 100+c.rng.IntN(100), c.rng.IntN(256), 2+c.rng.IntN(250))
	c.description = fmt.Sprintf("%s opens a mail attachment on %s, a payload posing as a PDF, which calls back to %s over HTTPS. "+
		"The operator runs discovery commands, dumps LSASS with comsvcs.dll, and with the credentials of the administrator %s "+
		"(who had logged on to the workstation) logs on to %s over SMB, installs a service that runs a shell, copies the "+
		"directory database with ntdsutil, pulls it back to the workstation and uploads it to the same server.",
		p.victim.u.Name, p.ws.h.Name, p.c2Name, p.admin.u.Name, p.dc.h.Name)
	c.source = "Entities follow the payload's process tree (Sysmon process GUIDs and the Security log's pid ids), the files it " +
		"and its children created, the C2 name and address, the stolen administrator's network logon and service on the " +
		"domain controller and the SMB and upload connections. The victim's logon session is included because the payload " +
		"ran in it; the administrator's own workstation and the victim's browser are benign."
	c.inputs = []string{DirWindows, DirZeek}
	c.steps = []step{p.helpdesk, p.deliver, p.discover, p.dumpLSASS, p.lateral, p.stage, p.exfiltrate}
	return at.Add(-time.Hour), nil
}

// helpdesk is the benign precursor: an hour before, the administrator
// connects to the victim's workstation by remote desktop to help, leaving
// credentials in LSASS.
func (p *phishing) helpdesk(s *sim, t time.Time) time.Duration {
	aw := p.admin.ws
	s.domainLogon(t, p.ws, p.admin.acct)
	s.flow(aw.rng, t, flow{src: aw.h.IP, srcPort: 49152 + aw.rng.IntN(16000), dst: p.ws.h.IP, dstPort: 3389, service: "rdp",
		bytesOut: 900000, bytesIn: 7000000, dur: 14 * time.Minute})
	s.logon(p.ws, t.Add(time.Second), logonReq{typ: logonRemote, target: p.admin.acct, src: aw.h.IP, client: aw.h.Name, admin: true})
	p.c.benign = append(p.c.benign, hostID(aw))
	return time.Hour
}

// deliver: Outlook saves the attachment and the victim runs it; it calls
// home.
func (p *phishing) deliver(s *sim, t time.Time) time.Duration {
	c, w, day := p.c, p.ws, p.victim.day
	dir := `C:\Users\` + p.victim.u.Name + `\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\` + randString(c.rng, alnum, 8) + `\`
	file := dir + fmt.Sprintf("Remittance_Advice_%04d.pdf.exe", c.rng.IntN(10000))
	s.fileCreate(w, t, day.outlook, file)
	p.payload = s.spawn(w, t.Add(jitter(c.rng, 5*time.Second, 40*time.Second)), day.outlook, file, `"`+file+`" `)
	p.payload.cwd = dir
	s.dnsQuery(w, p.payload.start.Add(900*time.Millisecond), p.payload, p.c2Name, p.c2IP)
	s.connect(w, p.payload.start.Add(time.Second), p.payload, flow{dst: p.c2IP, dstPort: 443, dstName: p.c2Name, service: "ssl",
		bytesOut: 48000, bytesIn: 310000, dur: 95 * time.Minute})

	c.rootCause = []string{fileID(w, file)}
	g, _ := procIDs(w, p.payload)
	c.rootCause = append(c.rootCause, g, domainID(p.c2Name), endpointID(p.c2IP, 443))
	c.firstComp = hostID(w)
	c.entity(hostID(w), "the victim's workstation")
	c.entity(s.principalID(p.victim.acct, w), "the victim, whose session the payload ran in")
	c.entity(sessionID(w, day.logonID), "her logon session")
	c.process(w, day.outlook, "Outlook, which saved the attachment and started it")
	c.entity(fileID(w, file), "the attachment")
	c.process(w, p.payload, "the payload")
	c.entity(domainID(p.c2Name), "C2 name")
	c.entity(endpointID(p.c2IP, 443), "C2 service")
	c.entity(ipID(p.c2IP), "the C2 server's address")
	c.technique("T1566.001", "spearphishing attachment")
	c.technique("T1204.002", "the user runs it")
	c.technique("T1036.007", "double file extension")
	c.technique("T1071.001", "HTTPS C2")
	if day.chrome != nil {
		g, _ := procIDs(w, day.chrome)
		c.benign = append(c.benign, g)
	}
	return jitter(c.rng, 2*time.Minute, 6*time.Minute)
}

// discover: the operator's shell runs the usual first commands.
func (p *phishing) discover(s *sim, t time.Time) time.Duration {
	c, w := p.c, p.ws
	cmd := s.spawn(w, t, p.payload, imgCmd, `C:\Windows\system32\cmd.exe`)
	c.process(w, cmd, "operator shell")
	c.technique("T1059.003", "cmd.exe")
	dc := strings.ToLower(s.env.Domain.DNS)
	for i, x := range []struct{ img, cmd, tech, note string }{
		{`C:\Windows\System32\whoami.exe`, `whoami  /all`, "T1033", "whoami"},
		{`C:\Windows\System32\net.exe`, `net  group "Domain Admins" /domain`, "T1069.002", "domain admins"},
		{`C:\Windows\System32\nltest.exe`, `nltest  /dclist:` + dc, "T1018", "domain controllers"},
		{`C:\Windows\System32\systeminfo.exe`, `systeminfo`, "T1082", "system information"},
	} {
		q := s.spawn(w, t.Add(time.Duration(i+1)*jitter(c.rng, 8*time.Second, 50*time.Second)), cmd, x.img, x.cmd)
		c.process(w, q, x.note)
		c.technique(x.tech, x.note)
	}
	return jitter(c.rng, 4*time.Minute, 12*time.Minute)
}

// dumpLSASS: rundll32 with comsvcs.dll's MiniDump reads LSASS into a file.
func (p *phishing) dumpLSASS(s *sim, t time.Time) time.Duration {
	c, w := p.c, p.ws
	p.dump = `C:\Users\Public\Libraries\` + randString(c.rng, alnum, 6) + `.dmp`
	rd := s.spawn(w, t, p.payload, `C:\Windows\System32\rundll32.exe`,
		fmt.Sprintf(`"C:\Windows\System32\rundll32.exe" C:\Windows\System32\comsvcs.dll, MiniDump %d %s full`, w.lsass.pid, p.dump))
	rd.integrity = "High"
	s.processAccess(w, t.Add(300*time.Millisecond), rd, w.lsass, "0x1FFFFF",
		`C:\Windows\SYSTEM32\ntdll.dll+9d4c4|C:\Windows\System32\KERNELBASE.dll+2c13e|C:\Windows\System32\comsvcs.dll+3a1f|C:\Windows\System32\rundll32.exe+3bc4`)
	s.fileCreate(w, t.Add(time.Second), rd, p.dump)
	c.process(w, rd, "rundll32 running comsvcs MiniDump")
	lg, _ := procIDs(w, w.lsass)
	c.entity(lg, "LSASS, the credential store read")
	c.entity(fileID(w, p.dump), "the dump")
	c.data = append(c.data, lg)
	c.technique("T1003.001", "LSASS memory")
	c.technique("T1218.011", "rundll32")
	s.connect(w, t.Add(40*time.Second), p.payload, flow{dst: p.c2IP, dstPort: 443, dstName: p.c2Name, service: "ssl",
		bytesOut: 41_000_000 + c.rng.Int64N(9_000_000), bytesIn: 20000, dur: 50 * time.Second})
	return jitter(c.rng, 8*time.Minute, 20*time.Minute)
}

// lateral: with the administrator's hash the payload opens ADMIN$ on the
// domain controller, installs a service and its binary runs a shell.
func (p *phishing) lateral(s *sim, t time.Time) time.Duration {
	c, w, dc := p.c, p.ws, p.dc
	net := s.spawn(w, t, p.payload, `C:\Windows\System32\net.exe`, `net  use \\`+dc.fqdn+`\ADMIN$ /user:`+p.admin.acct.qualified())
	c.process(w, net, "net use of ADMIN$")
	port := 49152 + w.rng.IntN(16000)
	s.connect(w, t.Add(200*time.Millisecond), p.payload, flow{srcPort: port, dst: dc.h.IP, dstPort: 445, service: "smb",
		bytesOut: 700_000, bytesIn: 40_000, dur: 20 * time.Second})
	p.dcLogon = s.logon(dc, t.Add(400*time.Millisecond), logonReq{typ: logonNetwork, target: p.admin.acct, src: w.h.IP, srcPort: port, client: w.h.Name, ntlm: true, admin: true})
	name := randString(c.rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8)
	bin := `C:\Windows\` + name + `.exe`
	st := t.Add(3 * time.Second)
	s.fileCreate(dc, t.Add(time.Second), dc.system, bin)
	s.serviceInstalled(dc, st, p.admin.acct, p.dcLogon, dc.services, name, bin, "LocalSystem")
	p.svc = dc.newProc(dc.services, bin, bin, acctSystem, 0x3e7, "System", 0)
	s.started(dc, st.Add(time.Second), p.svc)
	sh := s.spawn(dc, st.Add(3*time.Second), p.svc, imgCmd, `cmd.exe /c whoami > C:\Windows\Temp\`+strings.ToLower(name)+`.txt 2>&1`)
	who := s.spawn(dc, st.Add(3500*time.Millisecond), sh, `C:\Windows\System32\whoami.exe`, `whoami`)

	c.entity(ipID(w.h.IP), "the workstation's address, source of the logon")
	c.entity(endpointID(dc.h.IP, 445), "SMB on the domain controller")
	c.entity(s.principalID(p.admin.acct, dc), "the stolen administrator account")
	c.entity(sessionID(dc, p.dcLogon), "its network logon on the domain controller")
	c.entity(hostID(dc), "the domain controller")
	c.entity(serviceID(dc, name), "the service installed")
	c.entity(fileID(dc, bin), "its binary")
	c.process(dc, p.svc, "the service process")
	c.process(dc, sh, "shell of the service")
	c.process(dc, who, "whoami")
	c.technique("T1550.002", "pass the hash (NTLM logon)")
	c.technique("T1021.002", "SMB admin share")
	c.technique("T1570", "the service binary copied over the admin share")
	c.technique("T1543.003", "new service")
	c.technique("T1569.002", "service execution")
	return jitter(c.rng, 5*time.Minute, 15*time.Minute)
}

// stage: ntdsutil copies the directory database; the payload pulls it back
// over SMB and packs it.
func (p *phishing) stage(s *sim, t time.Time) time.Duration {
	c, w, dc := p.c, p.ws, p.dc
	p.ifm = `C:\Windows\Temp\` + strings.ToLower(randString(c.rng, alnum, 5))
	sh := s.spawn(dc, t, p.svc, imgCmd, `cmd.exe /c ntdsutil "ac i ntds" "ifm" "create full `+p.ifm+`" q q`)
	nt := s.spawn(dc, t.Add(500*time.Millisecond), sh, `C:\Windows\System32\ntdsutil.exe`, `ntdsutil  "ac i ntds" "ifm" "create full `+p.ifm+`" q q`)
	c.process(dc, sh, "shell running ntdsutil")
	c.process(dc, nt, "ntdsutil")
	for i, f := range []string{`\Active Directory\ntds.dit`, `\registry\SYSTEM`, `\registry\SECURITY`} {
		path := p.ifm + f
		s.fileCreate(dc, t.Add(time.Duration(5+i*20)*time.Second), nt, path)
		c.entity(fileID(dc, path), "copy of the directory database")
		if i == 0 {
			c.data = append(c.data, fileID(dc, path))
		}
	}
	pull := t.Add(2 * time.Minute)
	s.connect(w, pull, p.payload, flow{dst: dc.h.IP, dstPort: 445, service: "smb", bytesOut: 90_000, bytesIn: 64_000_000 + c.rng.Int64N(30_000_000), dur: 40 * time.Second})
	p.archive = `C:\Users\Public\Libraries\` + strings.ToLower(randString(c.rng, alnum, 7)) + `.zip`
	s.fileCreate(w, pull.Add(time.Minute), p.payload, p.archive)
	c.entity(fileID(w, p.archive), "the staged archive")
	c.technique("T1003.003", "NTDS")
	c.technique("T1074.001", "local staging")
	c.technique("T1560", "archive")
	return jitter(c.rng, 3*time.Minute, 10*time.Minute)
}

// exfiltrate: the archive goes up the C2 channel.
func (p *phishing) exfiltrate(s *sim, t time.Time) time.Duration {
	c, w := p.c, p.ws
	s.connect(w, t, p.payload, flow{dst: p.c2IP, dstPort: 443, dstName: p.c2Name, service: "ssl",
		bytesOut: 31_000_000 + c.rng.Int64N(20_000_000), bytesIn: 60_000, dur: 4 * time.Minute})
	c.technique("T1041", "exfiltration over the C2 channel")
	return 0
}
