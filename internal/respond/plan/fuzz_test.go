package plan

import (
	"encoding/json"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/incident"
)

// FuzzPlan plans arbitrary incidents (as JSON): the planner must not
// panic, and every action must name its target first and carry a cost the
// plan adds up.
func FuzzPlan(f *testing.F) {
	for _, inc := range []incident.Incident{lsass("host:ws01", "process:ws01/p"), cloud(), dc()} {
		data, err := json.Marshal(inc)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	inv := parseInventory(f, "assets:\n  - glob: 'host:d*'\n    protected: true\n  - glob: '*s3*'\n    crown_jewel: true\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		var inc incident.Incident
		if json.Unmarshal(data, &inc) != nil || len(inc.Graph.Nodes)+len(inc.Graph.Edges) > 200 {
			return
		}
		pl := Plan(inc, inv, Config{})
		var sum float64
		for _, a := range pl.Actions {
			if len(a.Reason.Nodes) == 0 || a.Reason.Nodes[0] != a.Target.ID || a.Reason.Why == "" {
				t.Fatalf("%s %q: reason %+v", a.Kind, a.Target.ID, a.Reason)
			}
			sum += a.Cost
		}
		if round3(sum) != pl.Cost {
			t.Fatalf("cost %v, actions sum to %v", pl.Cost, sum)
		}
	})
}
