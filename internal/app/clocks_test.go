package app

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/source"
)

// TestLearnClocks reads LSASS campaign 01, whose Zeek sensor runs 19
// hours behind the host: the offset is learned and the sensor's events
// reach the graph on the host's clock.
func TestLearnClocks(t *testing.T) {
	dir := filepath.Join(corpora(t), "otrf-compound", "LSASS_campaign_01")
	cfg := Config{Output: "json", Progress: "never", Year: 2021, Domains: map[string]string{"CORP": "corp.com"}, LearnClocks: true}
	a, err := analyze(context.Background(), cfg, Deps{Stdout: io.Discard, Stderr: io.Discard, Now: time.Now}, func(ctx context.Context, w *source.Walker, sink source.Sink) error {
		return w.Read(ctx, []string{dir}, sink)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Clocks) != 1 || !a.Clocks[0].Accepted {
		t.Fatalf("learned %v, want one accepted offset for the Zeek sensor", a.Clocks)
	}
	if d := a.Clocks[0].Shift + 19*time.Hour; d < -time.Minute || d > time.Minute {
		t.Errorf("offset %s, want about -19h", a.Clocks[0].Shift)
	}
	shifted := 0
	for _, ev := range a.Events {
		if ev.Source.Format == "zeek" && len(ev.Notes) > 0 {
			shifted++
		}
	}
	if shifted == 0 || shifted != countFormat(a, "zeek") {
		t.Errorf("%d of %d Zeek events shifted, want all", shifted, countFormat(a, "zeek"))
	}
}

func countFormat(a *Analysis, format string) int {
	n := 0
	for _, ev := range a.Events {
		if ev.Source.Format == format {
			n++
		}
	}
	return n
}
