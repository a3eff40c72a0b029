package simulate

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"
)

// world is the simulated company's state derived from its environment.
type world struct {
	people    []*person
	byName    map[string]*person
	win       map[string]*winHost
	winList   []*winHost
	dc        *winHost
	linux     []*linuxHost
	linuxByIP map[string]*linuxHost
	keys      map[string]string        // IAM user name -> access key id
	instances map[string]*instanceRole // instance id -> its role's credentials
}

// person is a user with their accounts.
type person struct {
	u      *User
	acct   account // Windows domain account
	email  string
	oktaID string
	ws     *winHost // their workstation, if any
	admin  bool
	dev    bool
	home   string // address when working from home (cloud calls)

	oktaSession string   // today's Okta session
	day         *workday // their working day, when they have a workstation
	steady      bool     // never takes a day off (a campaign needs them)
}

// plan builds the world and schedules the background actors and the
// campaigns.
func (s *sim) plan() error {
	env := s.env
	wd := &world{byName: map[string]*person{}, win: map[string]*winHost{}, linuxByIP: map[string]*linuxHost{}, keys: map[string]string{},
		instances: map[string]*instanceRole{}}
	s.world = wd
	for i := range env.Users {
		u := &env.Users[i]
		p := &person{
			u:      u,
			acct:   account{u.Name, env.Domain.NetBIOS, domainSID(env.Domain) + fmt.Sprintf("-%d", 1104+i)},
			email:  u.Name + "@" + env.Domain.DNS,
			oktaID: "00u" + strings.ToLower(stableKey("", "okta/"+u.Name))[:17],
			admin:  u.member("it-admins"),
			dev:    u.member("developers"),
			home:   fmt.Sprintf("%d.%d.%d.%d", 81+i%7, 20+i*3%200, 10+i*7%240, 2+i*11%250),
		}
		wd.people = append(wd.people, p)
		wd.byName[u.Name] = p
	}
	for i := range env.Hosts {
		h := &env.Hosts[i]
		switch h.OS {
		case "windows":
			w := newWinHost(s, h, env.Domain)
			wd.win[h.Name] = w
			wd.winList = append(wd.winList, w)
			if h.Role == "domain_controller" {
				wd.dc = w
			}
			if p := wd.byName[h.User]; p != nil && h.Role == "workstation" && p.ws == nil {
				p.ws = w
			}
		case "linux":
			l := newLinuxHost(s, h)
			wd.linux = append(wd.linux, l)
			wd.linuxByIP[h.IP] = l
		}
	}
	for _, iu := range env.AWS.Users {
		key := iu.AccessKey
		if key == "" {
			key = stableKey("AKIA", env.AWS.Account+"/"+iu.Name)
		}
		wd.keys[iu.Name] = key
	}
	s.scheduleBackground()
	return s.scheduleCampaigns()
}

// domainSID is the domain's SID prefix, derived from its name.
func domainSID(d Domain) string {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(d.DNS)))
	v := h.Sum64()
	return fmt.Sprintf("S-1-5-21-%d-%d-%d", 1000000000+v%1000000000, 1000000000+(v>>20)%1000000000, 1000000000+(v>>40)%1000000000)
}

// scheduleBackground starts the benign actors.
func (s *sim) scheduleBackground() {
	for _, p := range s.world.people {
		if p.ws != nil {
			p.day = &workday{p: p, w: p.ws, rng: s.rng("workday/" + p.u.Name)}
			s.schedule(p.day, s.start)
		}
	}
	for _, w := range s.world.winList {
		a := &winSystem{w: w, rng: s.rng("system/" + w.h.Name)}
		s.schedule(a, s.soon(a.rng))
	}
	if s.world.dc != nil {
		a := &dcActor{rng: s.rng("dc")}
		s.schedule(a, s.soon(a.rng))
	}
	for _, l := range s.world.linux {
		a := &linuxCron{l: l, rng: s.rng("cron/" + l.h.Name)}
		s.schedule(a, s.soon(a.rng))
		if l.h.Internet {
			b := &sshScanner{l: l, rng: s.rng("scan/" + l.h.Name)}
			s.schedule(b, s.soon(b.rng))
		}
	}
	if s.env.AWS.Account != "" {
		s.scheduleCloud()
		s.scheduleVPC()
	}
}

// soon is when an actor that runs all day first acts: within the run's
// first minutes, so that the run does not open with every actor at once.
func (s *sim) soon(rng *rand.Rand) time.Time { return s.start.Add(jitter(rng, 0, 20*time.Minute)) }
