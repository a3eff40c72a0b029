package executor

import (
	"context"
	"strconv"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// BenchmarkSubmitAutonomous measures one autonomous action through the
// durable store (five synced record writes) with a fake connector.
func BenchmarkSubmitAutonomous(b *testing.B) {
	fake := newFake()
	reg, _ := NewConnectors(fake)
	ex, err := New(Config{Dir: b.TempDir()}, Deps{Connectors: reg, Recorder: &MemoryRecorder{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ex.Submit(ctx, newAction("web"+strconv.Itoa(i), action.Autonomous, action.Exact)); err != nil {
			b.Fatal(err)
		}
	}
}
