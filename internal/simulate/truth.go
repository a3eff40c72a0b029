package simulate

import (
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// The ids below are the readers' entity ids for what the simulator wrote,
// computed with the event model's constructors so that ground truth and
// telemetry cannot drift apart.

// idStamp is how the Windows readers write a time into a process id.
const idStamp = "2006-01-02T15:04:05.000000Z"

func (s *sim) principals() *event.Principals {
	return &event.Principals{Domains: map[string]string{s.env.Domain.NetBIOS: s.env.Domain.DNS}}
}

func hostID(w *winHost) string { return event.Host(w.fqdn).ID }

// procIDs are a process's ids: by Sysmon GUID and by the Security log's pid
// and start time.
func procIDs(w *winHost, p *proc) (guidID, pidID string) {
	h := event.Host(w.fqdn)
	return event.Process(h, p.guid, p.image).ID,
		event.ProcessPID(h, int64(p.pid), p.start.UTC().Truncate(time.Microsecond).Format(idStamp), p.image).ID
}

func fileID(w *winHost, path string) string { return event.File(event.Host(w.fqdn), path, true).ID }

func sessionID(w *winHost, logonID uint64) string {
	return event.Session(hostID(w), hexID(logonID), "").ID
}

func (s *sim) principalID(a account, w *winHost) string {
	return s.principals().Windows(a.domain, a.name, event.Host(w.fqdn)).ID
}

func serviceID(w *winHost, name string) string {
	return event.Resource(hostID(w), "service:"+lower(name), name).ID
}

func ipID(addr string) string                 { return event.IP(addr).ID }
func endpointID(addr string, port int) string { return event.Endpoint(addr, port).ID }
func domainID(name string) string             { return event.Domain(name).ID }

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// process adds both ids of a process to the truth.
func (c *campaignRun) process(w *winHost, p *proc, note string) {
	g, pid := procIDs(w, p)
	c.entity(g, note)
	c.entity(pid, note+" (Security 4688)")
}
