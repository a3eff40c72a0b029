package guard

import (
	"context"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the policy loader: it must return a
// policy or an error, never panic, and a policy it returns must decide
// without panicking.
func FuzzParse(f *testing.F) {
	f.Add(DefaultSource())
	f.Add([]byte(allowAll))
	f.Add([]byte(capped))
	f.Add([]byte(promoted))
	f.Add([]byte("rules:\n  - name: a\n    when: |\n      action.kind == 'x' &&\n      asset.crown\n    decision: deny\n"))
	f.Add([]byte("mode: monitor\nlimits: {eval_cost: 1}\nrules:\n  - {name: a, when: '[1,2].all(x, x > 0)', decision: autonomous}\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		g, err := New(Config{Policy: p}, Deps{Now: newClock().Now})
		if err != nil {
			t.Fatal(err)
		}
		d := g.Decide(context.Background(), act("host.isolate", "fuzz"), Asset{Tags: []string{"x"}}, high)
		if !validDecision(string(d.Decision)) || d.State == "" {
			t.Fatalf("invalid decision %q state %q", d.Decision, d.State)
		}
	})
}
