package guard

import (
	"context"
	"fmt"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// BenchmarkDecide measures one decision under the built-in policy for an
// action that reaches the last rule (every rule evaluated).
func BenchmarkDecide(b *testing.B) {
	g, err := New(Config{}, Deps{Now: newClock().Now})
	if err != nil {
		b.Fatal(err)
	}
	a := act(action.HostBlockIP, "bench")
	asset := Asset{Criticality: 3, Tier: "server", Tags: []string{"linux", "web"}}
	c := Context{Severity: "medium", Confidence: 0.6}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		g.Decide(ctx, a, asset, c)
	}
}

// BenchmarkParse measures compiling the built-in policy.
func BenchmarkParse(b *testing.B) {
	src := DefaultSource()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(fmt.Sprint(i), src); err != nil {
			b.Fatal(err)
		}
	}
}
