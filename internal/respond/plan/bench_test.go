package plan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/incident"
	policy "github.com/causeway-soc/causeway/internal/respond/guard"
)

// bigIncident makes an incident of about 1,000 nodes and 2,000 edges: 40
// hosts (every eighth an EC2 instance) with chains of processes and the
// files they wrote, lateral movement between hosts, 60 external
// addresses, 25 stolen keys with their role sessions reading 10 buckets.
func bigIncident() incident.Incident {
	r := rand.New(rand.NewPCG(7, 7))
	b := newIncident("big")
	var procs []string
	for h := range 40 {
		host := fmt.Sprintf("ws%02d", h)
		if h%8 == 0 {
			host = fmt.Sprintf("i-%08x", 0xabc00000+h)
		}
		b.node("host:"+host, "compromised", "")
		role := ""
		if h%3 == 0 {
			role = "attacker"
		}
		for k := range 15 {
			p := fmt.Sprintf("process:%s/p%02d", host, k)
			b.node(p, role, fmt.Sprintf("tool%d.exe", k))
			if k > 0 {
				b.edge(fmt.Sprintf("process:%s/p%02d", host, k-1), p, "start")
			}
			procs = append(procs, p)
		}
		for k := range 5 {
			f := fmt.Sprintf("file:%s/c:\\temp\\f%d.dll", host, k)
			b.node(f, role, "")
			b.edge(fmt.Sprintf("process:%s/p%02d", host, r.IntN(15)), f, "write")
		}
	}
	for k := 0; k+15 < len(procs) && k < 300; k += 15 {
		b.edge(procs[k+3], procs[k+15+5], "remote-exec")
	}
	for k := range 60 {
		ip := fmt.Sprintf("ip:203.0.%d.%d", 113+k/250, 1+k%250)
		b.node(ip, "target", "")
		b.edge(procs[r.IntN(len(procs))], ip, "connect")
		b.edge(procs[r.IntN(len(procs))], ip+":443", "connect")
	}
	for k := range 10 {
		b.node(fmt.Sprintf("principal:arn:aws:iam::1:role/r%d", k), "compromised", "")
		b.node(fmt.Sprintf("resource:arn:aws:s3:::bucket%d", k), "data", "")
	}
	for k := range 25 {
		key := fmt.Sprintf("credential:AKIA%016d", k)
		user := fmt.Sprintf("principal:arn:aws:iam::1:user/u%d", k)
		sess := fmt.Sprintf("session:aws/asia%016d", k)
		role := fmt.Sprintf("arn:aws:iam::1:role/r%d", k%10)
		b.node(key, "attacker", "").node(user, "compromised", "").node(sess, "attacker", role+"/s")
		b.edge(user, key, "as").edge(fmt.Sprintf("ip:203.0.113.%d", 1+k), key, "from")
		b.edge(key, sess, "issue:AssumeRole").edge("principal:"+role, sess, "role")
		b.edge(fmt.Sprintf("resource:arn:aws:s3:::bucket%d", r.IntN(10)), sess, "read:GetObject")
	}
	for range 800 {
		b.edge(procs[r.IntN(len(procs))], procs[r.IntN(len(procs))], "inject")
	}
	return b.rootCause(procs[1], 0.7).rootCause("credential:AKIA0000000000000000", 0.2).inc
}

func BenchmarkPlan1000(b *testing.B) {
	inc := bigIncident()
	inv := parseInventory(b, `assets:
  - glob: "host:ws1*"
    criticality: 5
  - glob: "resource:arn:aws:s3:::bucket1*"
    crown_jewel: true
  - id: "resource:arn:aws:s3:::bucket2"
    crown_jewel: true
  - glob: "resource:arn:aws:s3:::bucket3"
    crown_jewel: true
    protected: true
  - id: host:ws05
    protected: true
`)
	var pl action.Plan
	for b.Loop() {
		pl = Plan(inc, inv, Config{})
	}
	b.ReportMetric(float64(len(inc.Graph.Nodes)), "nodes")
	b.ReportMetric(float64(len(inc.Graph.Edges)), "edges")
	b.ReportMetric(float64(len(pl.Actions)), "actions")
}

// BenchmarkCut1000 is the cut alone: indexing, the network, max flow.
func BenchmarkCut1000(b *testing.B) {
	inc := bigIncident()
	for b.Loop() {
		solved(inc, nil, Config{})
	}
}

// BenchmarkPlanAndDecide is the whole path from an incident to decided
// actions: the plan of a 1,000-node incident and the guard's decision on
// each action, with the built-in policy. It reports the p99 latency of one
// incident (target: 100 ms).
func BenchmarkPlanAndDecide(b *testing.B) {
	inc := bigIncident()
	inv := parseInventory(b, "assets:\n  - glob: \"host:ws1*\"\n    criticality: 5\n  - glob: \"resource:arn:aws:s3:::bucket1*\"\n    crown_jewel: true\n")
	g, err := policy.New(policy.Config{}, policy.Deps{})
	if err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		pl := Plan(inc, inv, Config{})
		for i := range pl.Actions {
			a := &pl.Actions[i]
			as := inv.Lookup(a.Target)
			d := g.Decide(context.Background(), a, policy.Asset{Criticality: as.Criticality, Protected: as.Protected, CrownJewel: as.CrownJewel, Tier: as.Tier, Tags: as.Tags},
				policy.Context{Severity: "high", Confidence: 0.9})
			d.Stamp(a)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}
