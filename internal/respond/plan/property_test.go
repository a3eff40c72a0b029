package plan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/respond/inventory"
)

// randomIncident makes a small incident of hosts, processes, files,
// addresses, keys, role sessions, IdP users and buckets joined by random
// edges, with an inventory of random criticality, protection and crown
// jewels.
func randomIncident(t testing.TB, r *rand.Rand, size int) (incident.Incident, *inventory.Inventory) {
	b := newIncident(fmt.Sprint("random", r.Uint64()))
	roles := []string{"", "", "attacker", "attacker", "compromised", "target", "data", "root-cause"}
	role := func() string { return roles[r.IntN(len(roles))] }
	var ids []string
	add := func(id, name string) {
		b.node(id, role(), name)
		ids = append(ids, id)
	}
	var inv strings.Builder
	inv.WriteString("assets:\n")
	asset := func(id string) {
		fmt.Fprintf(&inv, "  - id: %q\n    criticality: %d\n    protected: %v\n    crown_jewel: %v\n",
			id, 1+r.IntN(5), r.IntN(8) == 0, r.IntN(6) == 0)
	}
	hosts := []string{"ws1", "srv2", "i-0abc1234"}[:1+r.IntN(3)]
	for _, h := range hosts {
		add("host:"+h, "")
		asset("host:" + h)
		for k := range r.IntN(3) {
			add(fmt.Sprintf("process:%s/p%d", h, k), fmt.Sprintf("tool%d.exe", k))
		}
		if r.IntN(2) == 0 {
			add("file:"+h+"/tmp/drop", "/tmp/drop")
		}
	}
	for k := range r.IntN(3) {
		add(fmt.Sprintf("ip:203.0.113.%d", k+1), "")
	}
	if r.IntN(2) == 0 {
		add("credential:AKIAAAAAAAAAAAAAAAAA", "")
		add("principal:arn:aws:iam::1:user/u", "")
	}
	for k := range r.IntN(3) {
		add(fmt.Sprintf("session:aws/asia%016d", k), fmt.Sprintf("arn:aws:iam::1:role/r%d/s%d", k%2, k))
	}
	if r.IntN(3) == 0 {
		add("principal:arn:aws:iam::1:role/r0", "")
		asset("principal:arn:aws:iam::1:role/r0")
	}
	if r.IntN(3) == 0 {
		add("principal:dave@corp.com", "")
		add("session:okta/s1", "")
		b.edge("principal:dave@corp.com", "session:okta/s1", "as")
	}
	if r.IntN(2) == 0 {
		add("resource:arn:aws:s3:::b1", "")
		asset("resource:arn:aws:s3:::b1")
		if r.IntN(2) == 0 {
			add("principal:anonymous", "")
		}
	}
	edgeKinds := []string{"start", "connect", "write", "exec", "remote-exec", "issue:AssumeRole", "read:GetObject", "from", "key", "as", "logon", "call:PutBucketPolicy"}
	for range size {
		a, c := ids[r.IntN(len(ids))], ids[r.IntN(len(ids))]
		if a != c {
			b.edge(a, c, edgeKinds[r.IntN(len(edgeKinds))])
		}
	}
	if r.IntN(3) > 0 {
		b.rootCause(ids[r.IntN(len(ids))], 0.3+0.7*r.Float64())
	}
	inventory, err := inventory.Parse("random.yaml", []byte(inv.String()))
	if err != nil {
		t.Fatal(err)
	}
	return b.inc, inventory
}

// TestMinCutProperty checks on random incidents that the chosen actions
// cut every path from the footholds to what they must not reach, that no
// cheaper set of candidate actions does (brute force), that the plan holds
// the cut, and that nothing disruptive targets a protected asset.
func TestMinCutProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	brute := 0
	for n := range 400 {
		inc, inv := randomIncident(t, r, 4+r.IntN(10))
		p := solved(inc, inv, Config{})
		if len(finite(p)) <= 14 {
			brute++
			minimal(t, p)
		}
		if t.Failed() {
			t.Fatalf("incident %d: %+v", n, inc.Graph)
		}
		pl := Plan(inc, inv, Config{})
		ids := map[string]bool{}
		for _, a := range pl.Actions {
			ids[a.ID.String()] = true
		}
		for _, c := range p.chosen {
			for _, a := range p.cands[c].opts[0].acts {
				if !ids[a.ID.String()] {
					t.Fatalf("incident %d: cut action %s %s missing from the plan", n, a.Kind, a.Target.ID)
				}
			}
		}
		for _, a := range pl.Actions {
			if a.Kind == action.NotifyWebhook {
				continue
			}
			if inv.Lookup(a.Target).Protected || a.Params["host"] != "" && inv.LookupID(a.Params["host"]).Protected {
				t.Fatalf("incident %d: %s targets protected %s", n, a.Kind, a.Target.ID)
			}
			if strings.HasPrefix(a.Target.ID, "process:") || strings.HasPrefix(a.Target.ID, "file:") {
				if h := "host:" + strings.SplitN(strings.SplitN(a.Target.ID, ":", 2)[1], "/", 2)[0]; inv.LookupID(h).Protected {
					t.Fatalf("incident %d: %s on protected host %s", n, a.Kind, h)
				}
			}
		}
	}
	if brute < 300 {
		t.Errorf("only %d of 400 incidents were small enough to brute force", brute)
	}
}
