package simulate

import (
	"math/rand/v2"
	"time"
)

// winSystem is what a Windows machine does by itself, day and night:
// service logons, name lookups and update checks, scheduled tasks
// (Defender signatures, browser updaters) and, rarely, an update that
// installs a service.
type winSystem struct {
	w   *winHost
	rng *rand.Rand
}

func (a *winSystem) step(s *sim, now time.Time) (time.Time, bool) {
	w := a.w
	r := a.rng.Float64()
	switch {
	case r < 0.45:
		s.logon(w, now, logonReq{typ: logonService, target: acctSystem, admin: true})
	case r < 0.75:
		site := pick(a.rng, updateSites)
		s.dnsQuery(w, now, w.svchostNet, site.name, site.addr)
		s.connect(w, now.Add(15*time.Millisecond), w.svchostNet, flow{dst: site.addr, dstPort: site.port, service: site.service,
			bytesOut: 900 + a.rng.Int64N(3000), bytesIn: 2000 + a.rng.Int64N(80000), dur: jitter(a.rng, 200*time.Millisecond, 5*time.Second)})
	case r < 0.995:
		a.task(s, now)
	default:
		a.installUpdate(s, now)
	}
	return s.arrival(a.rng, now, 4, 5), true
}

// task runs a scheduled task from the Task Scheduler's svchost.
func (a *winSystem) task(s *sim, now time.Time) {
	w := a.w
	tasks := [][2]string{
		{`C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MpCmdRun.exe`, `"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MpCmdRun.exe" -SignatureUpdate -ScheduleJob -RestrictPrivileges`},
		{`C:\Program Files (x86)\Google\Update\GoogleUpdate.exe`, `"C:\Program Files (x86)\Google\Update\GoogleUpdate.exe" /ua /installsource scheduler`},
		{`C:\Program Files (x86)\Microsoft\EdgeUpdate\MicrosoftEdgeUpdate.exe`, `"C:\Program Files (x86)\Microsoft\EdgeUpdate\MicrosoftEdgeUpdate.exe" /ua /installsource scheduler`},
		{`C:\Windows\System32\taskhostw.exe`, `taskhostw.exe Install $(Arg0)`},
		{`C:\Windows\System32\MoUsoCoreWorker.exe`, `C:\Windows\System32\MoUsoCoreWorker.exe -Embedding`},
	}
	tk := pick(a.rng, tasks)
	p := s.spawn(w, now, w.svchost, tk[0], tk[1])
	site := pick(a.rng, updateSites)
	s.connect(w, now.Add(800*time.Millisecond), p, flow{dst: site.addr, dstPort: site.port, service: site.service,
		bytesOut: 1500 + a.rng.Int64N(4000), bytesIn: 10000 + a.rng.Int64N(2000000), dur: jitter(a.rng, time.Second, 20*time.Second)})
}

// updaterImage is the browser updater's new version, which installs itself
// as a service.
const updaterImage = `C:\Program Files (x86)\Google\GoogleUpdater\127.0.6485.0\updater.exe`

// installUpdate is a browser updater installing its service: a service
// installation (4697) that is routine.
func (a *winSystem) installUpdate(s *sim, now time.Time) {
	w := a.w
	up := s.spawn(w, now, w.svchost, `C:\Program Files (x86)\Google\Update\GoogleUpdate.exe`, `"C:\Program Files (x86)\Google\Update\GoogleUpdate.exe" /svc`)
	inst := s.spawn(w, now.Add(2*time.Second), up, updaterImage, `"`+updaterImage+`" --system --install --enable-logging`)
	s.serviceInstalled(w, now.Add(9*time.Second), w.machine, 0x3e7, inst, "GoogleUpdaterService127.0.6485.0",
		`"C:\Program Files (x86)\Google\GoogleUpdater\127.0.6485.0\updater.exe" --system --windows-service --service=update`, "LocalSystem")
}

// dcActor is the domain controller's share of the network's life: machine
// accounts authenticating and name lookups from every workstation.
type dcActor struct{ rng *rand.Rand }

func (a *dcActor) step(s *sim, now time.Time) (time.Time, bool) {
	dc := s.world.dc
	client := pick(a.rng, s.world.winList)
	if client != dc {
		if a.rng.IntN(3) == 0 {
			s.domainLogon(now, client, client.machine)
		} else {
			s.flow(client.rng, now, flow{src: client.h.IP, srcPort: 49152 + client.rng.IntN(16000), dst: dc.h.IP, dstPort: 53,
				proto: "udp", service: "dns", bytesOut: 30 + a.rng.Int64N(40), bytesIn: 60 + a.rng.Int64N(200), dur: 2 * time.Millisecond})
		}
	}
	n := float64(len(s.world.winList))
	return s.arrival(a.rng, now, 6*n, 2*n), true
}

func (wd *world) dcName() string {
	if wd.dc == nil {
		return "dc"
	}
	return wd.dc.fqdn
}

func (wd *world) dcIP() string {
	if wd.dc == nil {
		return "10.0.0.1"
	}
	return wd.dc.h.IP
}
