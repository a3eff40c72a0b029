package simulate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// workday is a person's working days at their workstation: a morning
// logon, a day of browsing, mail, documents (and, for administrators and
// developers, their tools), then leaving.
type workday struct {
	p   *person
	w   *winHost
	rng *rand.Rand

	working  bool
	leave    time.Time
	logonID  uint64
	explorer *proc
	chrome   *proc
	outlook  *proc
}

const (
	imgExplorer   = `C:\Windows\explorer.exe`
	imgChrome     = `C:\Program Files\Google\Chrome\Application\chrome.exe`
	imgOutlook    = `C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`
	imgWord       = `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`
	imgExcel      = `C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE`
	imgCmd        = `C:\Windows\System32\cmd.exe`
	imgPowerShell = `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`
	imgSSH        = `C:\Windows\System32\OpenSSH\ssh.exe`
	imgMstsc      = `C:\Windows\System32\mstsc.exe`
)

func (d *workday) step(s *sim, now time.Time) (time.Time, bool) {
	if !d.working {
		start, end, ok := s.workday(now)
		if !ok {
			return time.Time{}, false
		}
		arrive := start.Add(jitter(d.rng, -20*time.Minute, 70*time.Minute))
		if now.Before(arrive) {
			return arrive, true
		}
		if d.rng.Float64() < 0.05 && !d.p.steady { // a day off
			return end.Add(time.Hour), true
		}
		d.arrive(s, now)
		d.leave = end.Add(jitter(d.rng, -40*time.Minute, 80*time.Minute))
		d.working = true
	} else if !now.Before(d.leave) {
		d.working = false
		return now.Add(4 * time.Hour), true
	} else {
		d.act(s, now)
	}
	next := s.arrival(d.rng, now, 60, 0)
	if next.After(d.leave) {
		next = d.leave
	}
	return next, true
}

// arrive logs the person on: sometimes a mistyped password first, then the
// interactive logon, its Kerberos side on the domain controller, the
// shell, mail and browser, and the Okta and Microsoft 365 sign-ins.
func (d *workday) arrive(s *sim, t time.Time) {
	p, w := d.p, d.w
	typos := 0.04
	if p.dev {
		typos = 0.25
	}
	if d.rng.Float64() < typos {
		for range 1 + d.rng.IntN(2) {
			s.logonFailed(w, t, p.acct)
			t = t.Add(jitter(d.rng, 3*time.Second, 12*time.Second))
		}
	}
	s.domainLogon(t, w, p.acct)
	d.logonID = s.logon(w, t.Add(50*time.Millisecond), logonReq{typ: logonInteractive, target: p.acct, admin: p.admin})
	t = t.Add(time.Second)
	userinit := w.newProc(w.winlogon, `C:\Windows\System32\userinit.exe`, `C:\Windows\system32\userinit.exe`, p.acct, d.logonID, "Medium", 1)
	userinit.logonGUID = guid(d.rng, "")
	userinit.cwd = `C:\Windows\system32\`
	s.started(w, t, userinit)
	d.explorer = s.spawn(w, t.Add(400*time.Millisecond), userinit, imgExplorer, `C:\Windows\Explorer.EXE`)
	d.explorer.cwd = `C:\Users\` + p.u.Name + `\`
	d.outlook = s.spawn(w, t.Add(jitter(d.rng, 20*time.Second, 90*time.Second)), d.explorer, imgOutlook, `"`+imgOutlook+`" `)
	d.chrome = s.spawn(w, t.Add(jitter(d.rng, 2*time.Minute, 6*time.Minute)), d.explorer, imgChrome, `"`+imgChrome+`" `)
	s.oktaSignIn(p, t.Add(jitter(d.rng, 2*time.Minute, 8*time.Minute)), d.rng)
	s.entraMorning(p, t.Add(time.Minute))
}

// act does one thing of a working day.
func (d *workday) act(s *sim, t time.Time) {
	s.entraDuringDay(d.p, t)
	r := d.rng.Float64()
	switch {
	case r < 0.55:
		d.browse(s, t)
	case r < 0.75:
		d.mail(s, t)
	case r < 0.85:
		d.document(s, t)
	case r < 0.89:
		d.download(s, t)
	case r < 0.93:
		s.oktaSSO(d.p, t, d.rng)
	case d.p.admin:
		d.administer(s, t)
	case d.p.dev:
		d.develop(s, t)
	default:
		d.browse(s, t)
	}
}

func (d *workday) browse(s *sim, t time.Time) {
	site := pick(d.rng, webSites)
	s.dnsQuery(d.w, t, d.chrome, site.name, site.addr)
	s.connect(d.w, t.Add(20*time.Millisecond), d.chrome, flow{dst: site.addr, dstPort: site.port, service: site.service,
		bytesOut: 800 + d.rng.Int64N(6000), bytesIn: 4000 + d.rng.Int64N(900000), dur: jitter(d.rng, time.Second, 90*time.Second)})
}

func (d *workday) mail(s *sim, t time.Time) {
	site := webSites[1]
	s.connect(d.w, t, d.outlook, flow{dst: site.addr, dstPort: 443, dstName: site.name, service: "ssl",
		bytesOut: 1200 + d.rng.Int64N(40000), bytesIn: 3000 + d.rng.Int64N(400000), dur: jitter(d.rng, time.Second, 30*time.Second)})
}

var documents = []string{"Q1 forecast", "team notes", "budget 2026", "customer list", "roadmap", "minutes", "proposal", "invoice tracker"}

func (d *workday) document(s *sim, t time.Time) {
	img, ext := imgWord, ".docx"
	if d.rng.IntN(2) == 0 {
		img, ext = imgExcel, ".xlsx"
	}
	dir := `C:\Users\` + d.p.u.Name + `\Documents\`
	name := pick(d.rng, documents) + ext
	p := s.spawn(d.w, t, d.explorer, img, fmt.Sprintf(`"%s" /n "%s%s"`, img, dir, name))
	s.fileCreate(d.w, t.Add(jitter(d.rng, time.Second, 20*time.Second)), p, dir+"~$"+name[2:])
}

func (d *workday) download(s *sim, t time.Time) {
	names := []string{"report", "slides", "statement", "data-export", "brochure", "setup-notes"}
	name := fmt.Sprintf("%s (%d).pdf", pick(d.rng, names), d.rng.IntN(9)+1)
	s.fileCreate(d.w, t, d.chrome, `C:\Users\`+d.p.u.Name+`\Downloads\`+name)
}

// administer is an IT administrator's work: discovery commands from a
// shell they opened themselves, PowerShell against the directory, and
// remote desktop sessions to other machines. Each looks like an attacker's
// step and is benign.
func (d *workday) administer(s *sim, t time.Time) {
	switch d.rng.IntN(3) {
	case 0:
		cmd := s.spawn(d.w, t, d.explorer, imgCmd, `"C:\Windows\system32\cmd.exe" `)
		cmd.cwd = d.explorer.cwd
		for i, c := range [][2]string{
			{`C:\Windows\System32\whoami.exe`, `whoami  /groups`},
			{`C:\Windows\System32\ipconfig.exe`, `ipconfig  /all`},
			{`C:\Windows\System32\nslookup.exe`, `nslookup  ` + strings.ToLower(s.world.dcName())},
		} {
			s.spawn(d.w, t.Add(time.Duration(i+1)*jitter(d.rng, 5*time.Second, 40*time.Second)), cmd, c[0], c[1])
		}
	case 1:
		ps := s.spawn(d.w, t, d.explorer, imgPowerShell, `"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" `)
		s.connect(d.w, t.Add(3*time.Second), ps, flow{dst: s.world.dcIP(), dstPort: 9389, bytesOut: 4000, bytesIn: 22000, dur: 2 * time.Second})
	default:
		target := pick(d.rng, s.world.winList)
		if target == d.w {
			return
		}
		mstsc := s.spawn(d.w, t, d.explorer, imgMstsc, `"C:\Windows\system32\mstsc.exe" /v:`+target.fqdn)
		port := 49152 + d.rng.IntN(16000)
		s.connect(d.w, t.Add(time.Second), mstsc, flow{srcPort: port, dst: target.h.IP, dstPort: 3389, service: "rdp",
			bytesOut: 300000 + d.rng.Int64N(3000000), bytesIn: 2000000 + d.rng.Int64N(20000000), dur: jitter(d.rng, 3*time.Minute, 25*time.Minute)})
		s.domainLogon(t.Add(2*time.Second), target, d.p.acct)
		s.logon(target, t.Add(3*time.Second), logonReq{typ: logonRemote, target: d.p.acct, src: d.w.h.IP, client: d.w.h.Name, admin: true})
	}
}

// develop is a developer's work: SSH to the Linux servers (with now and
// then a mistyped password) and cloud API calls.
func (d *workday) develop(s *sim, t time.Time) {
	if len(s.world.linux) == 0 || d.rng.IntN(3) == 0 {
		s.cloudCall(d.p, t, d.rng)
		return
	}
	l := pick(d.rng, s.world.linux)
	ssh := s.spawn(d.w, t, d.explorer, imgSSH, "ssh "+d.p.u.Name+"@"+l.h.Name)
	port := 49152 + d.rng.IntN(16000)
	s.connect(d.w, t.Add(100*time.Millisecond), ssh, flow{srcPort: port, dst: l.h.IP, dstPort: 22, service: "ssh",
		bytesOut: 5000 + d.rng.Int64N(90000), bytesIn: 8000 + d.rng.Int64N(400000), dur: jitter(d.rng, time.Minute, 40*time.Minute)})
	s.sshLogin(l, t.Add(300*time.Millisecond), d.p.u.Name, d.w.h.IP, port, d.rng.IntN(8) == 0, d.rng)
}
