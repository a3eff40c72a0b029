package graph_test

import (
	"encoding/binary"
	"strconv"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

var (
	fuzzClasses = []event.Class{
		event.ClassProcess, event.ClassFile, event.ClassModule, event.ClassNetwork, event.ClassDNS,
		event.ClassHTTP, event.ClassLogon, event.ClassAuth, event.ClassAccount, event.ClassRegistry,
		event.ClassService, event.ClassScript, event.ClassCloudAPI, event.ClassAudit, event.ClassAlert, event.ClassOther,
	}
	fuzzActions = []string{"start", "", "create", "read", "connect", "accept", "logon", "logoff", "AssumeRole", "clear", "open", "set"}
	fuzzRoles   = []event.Role{
		event.RoleHost, event.RoleActor, event.RoleParent, event.RoleTarget, event.RoleUser, event.RoleTargetUser,
		event.RoleSession, event.RoleCredential, event.RoleSrc, event.RoleDst, event.RoleImage,
	}
	fuzzKinds = []event.Kind{
		event.KindHost, event.KindProcess, event.KindFile, event.KindPrincipal, event.KindSession,
		event.KindCredential, event.KindEndpoint, event.KindResource,
	}
)

// fuzzEntity makes an entity from a selector byte and a fuzzed string:
// through the constructors, or raw.
func fuzzEntity(sel byte, s string, host event.Entity) event.Entity {
	switch sel % 12 {
	case 0:
		return event.Host(s)
	case 1:
		return event.Process(host, s, s)
	case 2:
		return event.ProcessPID(host, int64(len(s)), s, s)
	case 3:
		return event.File(host, s, sel&0x80 != 0)
	case 4:
		return event.IP(s)
	case 5:
		return event.Endpoint(s, int(sel))
	case 6:
		return event.Session(host.ID, s, "")
	case 7:
		return event.Credential(s)
	case 8:
		return event.Resource(host.ID, s, "")
	case 9:
		return principals.Windows("CORP", s, host)
	case 10:
		return event.Domain(s)
	}
	return event.Entity{Kind: fuzzKinds[int(sel>>4)%len(fuzzKinds)], ID: s, Name: s}
}

// FuzzAdd builds a graph from events made of fuzzed bytes and strings and
// walks it from every node: nothing may panic, rarity stays in [0, 1], and
// walks stay within their bounds.
func FuzzAdd(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, "WS1", "{7e3a9c1d-0000-0000-0000-000000000001}", "0x7c4", "10.0.0.5")
	f.Add([]byte("\x00\x00\x01\x13\x21\x32\x43\x54\x65\x76\x87\x98\xa9\xba"), "i-0abc", "1988", "true", "224.0.0.251")
	f.Add([]byte("process start with refs and fields"), "mkt01.corp.com", `C:\x.exe`, "1988", "[ff02::fb]:5353")
	f.Fuzz(func(t *testing.T, data []byte, a, b, c, d string) {
		strs := []string{a, b, c, d}
		var evs []*event.Event
		for i := 0; i+8 <= len(data) && len(evs) < 64; i += 8 {
			chunk := data[i : i+8]
			e := &event.Event{
				ID:      event.NewID("fuzz", strconv.Itoa(i)),
				Class:   fuzzClasses[int(chunk[0])%len(fuzzClasses)],
				Action:  fuzzActions[int(chunk[1])%len(fuzzActions)],
				Time:    time.Unix(0, int64(binary.LittleEndian.Uint16(chunk[2:]))*int64(time.Minute)),
				Outcome: event.Outcome([]string{"", "success", "failure"}[int(chunk[1]>>4)%3]),
			}
			if chunk[1]&0x80 != 0 {
				e.Action = strs[int(chunk[0]>>4)%len(strs)]
			}
			if chunk[2]&1 != 0 {
				e.Time = time.Unix(0, int64(binary.LittleEndian.Uint64(data[i:i+8]))) // any instant, extremes too
			}
			host := event.Host(strs[int(chunk[4])%len(strs)])
			for j, sel := range chunk[4:] {
				role := fuzzRoles[int(sel)%len(fuzzRoles)]
				e.AddRef(role, fuzzEntity(sel>>3|byte(j)<<5, strs[(int(sel)+j)%len(strs)], host))
			}
			switch chunk[3] % 4 {
			case 0:
				e.Fields = append(e.Fields, event.Field{Key: "ProcessId", Value: strs[int(chunk[3]>>2)%len(strs)]})
			case 1:
				e.Fields = append(e.Fields, event.Field{Key: "readOnly", Value: "true"}, event.Field{Key: "ParentProcessName", Value: c})
			case 2:
				e.BytesIn, e.BytesOut = int64(chunk[3]), int64(chunk[4])
			}
			evs = append(evs, e)
		}
		g := graph.New(graph.Config{Skew: time.Duration(len(a)) * time.Second, Evidence: len(b) % 6})
		for _, e := range evs {
			g.Add(e)
			g.EdgesOf(e)
		}
		g.Freeze()
		g.Freeze()
		for _, e := range evs {
			for _, id := range g.EdgesOf(e) {
				if int(id) >= g.Edges() {
					t.Fatalf("EdgesOf returned edge %d of %d", id, g.Edges())
				}
			}
			g.Subject(e)
		}
		for e := range graph.EdgeID(g.Edges()) {
			if r := g.Rarity(e); r < 0 || r > 1 {
				t.Fatalf("rarity %v", r)
			}
			if len(g.Evidence(e)) > max(g.Config().Evidence, 1) {
				t.Fatalf("edge keeps %d evidence ids, config %d", len(g.Evidence(e)), g.Config().Evidence)
			}
			g.Kind(g.Edge(e).Kind)
		}
		w := graph.Walk{Horizon: time.Duration(len(d)) * time.Hour, MaxNodes: 1 + len(c)%8}
		for n := range graph.NodeID(g.Nodes()) {
			graph.Label(g.Node(n).Entity)
			for _, at := range []time.Time{time.Unix(0, g.Node(n).First), time.Unix(0, g.Node(n).Last)} {
				for _, rs := range [][]graph.Reach{g.Backtrack(n, at, w), g.Forward(n, at, w), g.Backtrack(n, at, graph.Walk{ThroughHubs: true})} {
					if len(rs) == 0 || rs[0].Node != n {
						t.Fatalf("walk from %d does not start there", n)
					}
					for i := range rs {
						graph.Path(rs, i)
					}
				}
				if rs := g.Backtrack(n, at, w); len(rs) > w.MaxNodes {
					t.Fatalf("%d nodes reached, MaxNodes %d", len(rs), w.MaxNodes)
				}
			}
		}
	})
}
