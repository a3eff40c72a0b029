package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/respond/inventory"
)

// builder makes incidents by hand.
type builder struct{ inc incident.Incident }

func newIncident(name string) *builder {
	return &builder{inc: incident.Incident{ID: event.NewID("test", name), Title: name}}
}

// node adds an entity; name is its display name (a process image).
func (b *builder) node(id, role, name string) *builder {
	b.inc.Graph.Nodes = append(b.inc.Graph.Nodes, incident.Node{
		Entity: event.Entity{Kind: kindOf(id), ID: id, Name: name}, Role: role,
	})
	return b
}

// edge adds an edge with one event of evidence.
func (b *builder) edge(from, to, kind string) *builder {
	b.inc.Graph.Edges = append(b.inc.Graph.Edges, incident.Edge{
		From: from, To: to, Kind: kind, Count: 1,
		Events: []event.ID{event.NewID("test", from, to, kind)},
	})
	return b
}

func (b *builder) rootCause(id string, confidence float64) *builder {
	b.inc.RootCauses = append(b.inc.RootCauses, incident.RootCause{
		Subject: incident.Subject{Entity: event.Entity{Kind: kindOf(id), ID: id}}, Confidence: confidence,
	})
	return b
}

func parseInventory(t testing.TB, yaml string) *inventory.Inventory {
	t.Helper()
	inv, err := inventory.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// targets lists a plan's actions as "kind target".
func targets(pl action.Plan) []string {
	var out []string
	for _, a := range pl.Actions {
		s := string(a.Kind) + " " + a.Target.ID
		if h := a.Params["host"]; a.Kind == action.HostBlockIP {
			s += " on " + h
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func find(pl action.Plan, k action.Kind, target string) (action.Action, bool) {
	for _, a := range pl.Actions {
		if a.Kind == k && a.Target.ID == target {
			return a, true
		}
	}
	return action.Action{}, false
}

// checkExplained asserts every action says why, names what it rests on,
// and has a stable id.
func checkExplained(t *testing.T, inc incident.Incident, pl action.Plan) {
	t.Helper()
	if len(pl.Explanation) == 0 {
		t.Error("plan without explanation")
	}
	var sum float64
	for _, a := range pl.Actions {
		if a.Reason.Why == "" || len(a.Reason.Nodes) == 0 || a.Reason.Nodes[0] != a.Target.ID {
			t.Errorf("%s %s: reason %+v", a.Kind, a.Target.ID, a.Reason)
		}
		if a.Reason.Incident != inc.ID || a.ID != action.NewID(inc.ID, a.Kind, idKey(a)) {
			t.Errorf("%s %s: id or incident not stable", a.Kind, a.Target.ID)
		}
		if a.Reason.Confidence <= 0 || a.Reason.Confidence > 1 {
			t.Errorf("%s %s: confidence %v", a.Kind, a.Target.ID, a.Reason.Confidence)
		}
		if a.Fidelity != kinds[a.Kind].fidelity || a.State != action.Planned {
			t.Errorf("%s: fidelity %s state %s", a.Kind, a.Fidelity, a.State)
		}
		sum += a.Cost
	}
	if round3(sum) != pl.Cost {
		t.Errorf("plan cost %v, actions sum to %v", pl.Cost, sum)
	}
}

func idKey(a action.Action) string {
	if a.Kind == action.HostBlockIP {
		return a.Target.ID + " on " + a.Params["host"]
	}
	return a.Target.ID
}

func hasAlternative(a action.Action, k action.Kind, target, whyNot string) bool {
	for _, alt := range a.Reason.Alternatives {
		if alt.Kind == k && alt.Target.ID == target && strings.Contains(alt.WhyNot, whyNot) {
			return true
		}
	}
	return false
}

// finite lists the candidates with a finite capacity in the network.
func finite(p *planner) []int {
	f := p.net
	var out []int
	for e := 0; e < len(f.from); e += 2 {
		if c := p.arcs[e/2].cand; c >= 0 && f.capacity[e] > 0 && f.capacity[e] < inf && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// minimal checks the cut of a planner against every cheaper subset of its
// candidates (brute force; the network must have few candidates).
func minimal(t *testing.T, p *planner) {
	t.Helper()
	f := p.net
	finite := finite(p)
	cut := func(set []int) bool {
		return !f.reach(p.s, false, func(e int) bool { return slices.Contains(set, p.arcs[e/2].cand) })[p.t]
	}
	var chosen int64
	for _, c := range p.chosen {
		chosen += p.cands[c].capacity()
	}
	if chosen != f.flowValue {
		t.Errorf("cut costs %d, max flow is %d", chosen, f.flowValue)
	}
	if !cut(p.chosen) {
		t.Fatalf("the chosen candidates %v do not cut every path", p.chosen)
	}
	if len(finite) > 16 {
		t.Fatalf("%d candidates: too many to brute force", len(finite))
	}
	for mask := 0; mask < 1<<len(finite); mask++ {
		var set []int
		var cost int64
		for i, c := range finite {
			if mask&(1<<i) != 0 {
				set = append(set, c)
				cost += p.cands[c].capacity()
			}
		}
		if cost < chosen && cut(set) {
			t.Fatalf("candidates %v cut every path at %d, cheaper than the chosen %v at %d", set, cost, p.chosen, chosen)
		}
	}
}

// planner runs the planner up to the cut, for tests that look inside.
func solved(inc incident.Incident, inv *inventory.Inventory, cfg Config) *planner {
	p := newPlanner(&inc, inv, cfg.withDefaults())
	p.solve()
	return p
}
