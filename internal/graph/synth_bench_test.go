package graph_test

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// synthConfig sizes a synthetic enterprise: hosts, each running procs
// processes over days, in sessions logon sessions one after the other.
type synthConfig struct {
	hosts, procs, sessions, users, images, popular int
	days, netLogons                                int // netLogons per host and day
}

// synth generates the telemetry of a synthetic enterprise, host by host,
// as Sysmon and Security events would give it: process trees under
// services.exe and each session's explorer.exe (so both are hubs) with a
// fan-out of a few children elsewhere, system images that every host
// runs, a temp file written by each process and a few of them run as
// processes later, one connection per process (mostly to a pool of
// popular services, the rest to addresses seen once), interactive logons
// from other hosts' addresses, and network logons (file shares, remote
// management) from other hosts through the day.
type synth struct {
	cfg    synthConfig
	rng    *rand.Rand
	images []string
	zipf   *rand.Zipf
	users  []event.Entity
	pop    []event.Entity
	serial int
}

func newSynth(cfg synthConfig) *synth {
	s := &synth{cfg: cfg, rng: rand.New(rand.NewPCG(1, 2))}
	s.zipf = rand.NewZipf(s.rng, 1.2, 4, uint64(cfg.images-1))
	for i := range cfg.images {
		s.images = append(s.images, `C:\Windows\System32\prog`+strconv.Itoa(i)+`.exe`)
	}
	for i := range cfg.users {
		s.users = append(s.users, principals.Windows("CORP", "user"+strconv.Itoa(i), event.Entity{}))
	}
	for i := range cfg.popular {
		s.pop = append(s.pop, event.Endpoint("198.51."+strconv.Itoa(i/250)+"."+strconv.Itoa(i%250+1), 443))
	}
	return s
}

func hostIP(h int) string {
	return "10." + strconv.Itoa(h/65536) + "." + strconv.Itoa(h/256%256) + "." + strconv.Itoa(h%256)
}

// host appends the events of host h to evs and returns them.
func (s *synth) host(h int, evs []*event.Event) []*event.Event {
	cfg := s.cfg
	host := event.Host("h" + strconv.Itoa(h) + ".corp.com")
	span := time.Duration(cfg.days) * 24 * time.Hour
	window := span / time.Duration(cfg.sessions)
	newEvent := func(at time.Duration, class event.Class, action string) *event.Event {
		s.serial++
		return &event.Event{ID: event.NewID("synth", strconv.Itoa(s.serial)), Time: t0.Add(at), Class: class, Action: action,
			Refs: make([]event.Ref, 0, 6)}
	}
	pid := 100
	newProc := func(image string) (event.Entity, string) {
		pid += 4
		p := strconv.Itoa(pid)
		return event.Process(host, "{"+strconv.Itoa(h)+"-"+p+"}", image), p
	}
	start := func(at time.Duration, parent, child event.Entity, pid string, session event.Entity) {
		e := newEvent(at, event.ClassProcess, "start")
		e.AddRef(event.RoleHost, host)
		e.AddRef(event.RoleActor, parent)
		e.AddRef(event.RoleTarget, child)
		e.AddRef(event.RoleImage, event.File(host, child.Name, true))
		e.AddRef(event.RoleSession, session)
		e.Fields = []event.Field{{Key: "ProcessId", Value: pid}}
		evs = append(evs, e)
	}
	system := event.Session(host.ID, "0x3e7", "")
	wininit, wpid := newProc(`C:\Windows\System32\wininit.exe`)
	services, spid := newProc(`C:\Windows\System32\services.exe`)
	start(0, event.Process(host, "{"+strconv.Itoa(h)+"-4}", "System"), wininit, wpid, system)
	start(time.Second, wininit, services, spid, system)

	var dropped []string
	for k := range cfg.sessions {
		begin := time.Duration(k) * window
		session := event.Session(host.ID, "0x"+strconv.FormatInt(int64(1000+k), 16), "")
		logon := newEvent(begin, event.ClassLogon, "logon")
		logon.AddRef(event.RoleHost, host)
		logon.AddRef(event.RoleTargetUser, s.users[s.rng.IntN(len(s.users))])
		logon.AddRef(event.RoleSession, session)
		logon.AddRef(event.RoleSrc, event.IP(hostIP(s.rng.IntN(cfg.hosts))))
		evs = append(evs, logon)
		explorer, epid := newProc(`C:\Windows\explorer.exe`)
		start(begin+time.Second, wininit, explorer, epid, session)

		n := cfg.procs / cfg.sessions
		recent := make([]event.Entity, 0, 16)
		for i := range n {
			at := begin + 2*time.Second + window*time.Duration(i)/time.Duration(n)
			parent := explorer
			switch r := s.rng.Float64(); {
			case r < 0.15:
				parent = services
			case r < 0.4:
			case len(recent) > 0:
				parent = recent[s.rng.IntN(len(recent))]
			}
			image := s.images[s.zipf.Uint64()]
			if len(dropped) > 0 && s.rng.IntN(100) < 3 {
				image = dropped[s.rng.IntN(len(dropped))]
			}
			child, cpid := newProc(image)
			start(at, parent, child, cpid, session)
			if len(recent) < cap(recent) {
				recent = append(recent, child)
			} else {
				recent[s.rng.IntN(len(recent))] = child
			}

			tmp := `C:\Users\u\AppData\Local\Temp\t` + strconv.Itoa(pid) + `.exe`
			w := newEvent(at+time.Second, event.ClassFile, "create")
			w.AddRef(event.RoleHost, host)
			w.AddRef(event.RoleActor, child)
			w.AddRef(event.RoleImage, event.File(host, image, true))
			w.AddRef(event.RoleTarget, event.File(host, tmp, true))
			evs = append(evs, w)
			dropped = append(dropped, tmp)

			dst := s.pop[s.rng.IntN(len(s.pop))]
			if s.rng.IntN(10) < 3 {
				a := s.rng.Uint32()
				dst = event.Endpoint("203."+strconv.Itoa(int(a>>16&255))+"."+strconv.Itoa(int(a>>8&255))+"."+strconv.Itoa(int(a&255)), 443)
			}
			c := newEvent(at+2*time.Second, event.ClassNetwork, "connect")
			c.AddRef(event.RoleHost, host)
			c.AddRef(event.RoleActor, child)
			c.AddRef(event.RoleImage, event.File(host, image, true))
			c.AddRef(event.RoleSrc, event.Endpoint(hostIP(h), 49152+s.rng.IntN(16384)))
			c.AddRef(event.RoleDst, dst)
			evs = append(evs, c)
		}
	}
	for j := range cfg.days * cfg.netLogons {
		logon := newEvent(time.Duration(s.rng.Int64N(int64(span))), event.ClassLogon, "logon")
		logon.AddRef(event.RoleHost, host)
		logon.AddRef(event.RoleTargetUser, s.users[s.rng.IntN(len(s.users))])
		logon.AddRef(event.RoleSession, event.Session(host.ID, "0x"+strconv.FormatInt(int64(0x100000+j), 16), ""))
		logon.AddRef(event.RoleSrc, event.IP(hostIP(s.rng.IntN(cfg.hosts))))
		evs = append(evs, logon)
	}
	return evs
}

// buildSynth adds the synthetic enterprise's events to a new graph host
// by host and freezes it. It returns the graph, the number of events and
// the wall and CPU time spent in Add and Freeze (generating the events
// excluded).
func buildSynth(cfg synthConfig) (g *graph.Graph, events int, wall, cpu time.Duration) {
	s := newSynth(cfg)
	g = graph.New(graph.Config{})
	var evs []*event.Event
	for h := range cfg.hosts {
		evs = s.host(h, evs[:0])
		began, c := time.Now(), sourcetest.CPUTime()
		for _, e := range evs {
			g.Add(e)
		}
		wall, cpu = wall+time.Since(began), cpu+sourcetest.CPUTime()-c
		events += len(evs)
		clear(evs)
	}
	began, c := time.Now(), sourcetest.CPUTime()
	g.Freeze()
	return g, events, wall + time.Since(began), cpu + sourcetest.CPUTime() - c
}
