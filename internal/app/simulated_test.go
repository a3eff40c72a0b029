package app

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/eval"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/simulate"
)

// simulatedSeeds are the days each simulated check runs on: two, one
// under the race detector.
var simulatedSeeds = func() []uint64 {
	if raceEnabled {
		return []uint64{1}
	}
	return []uint64{1, 2}
}()

// investigateSimulated simulates a day of the built-in company with the
// given campaigns and investigates everything it logged, with the default
// settings: the built-in rules only.
func investigateSimulated(t *testing.T, seed uint64, campaigns []string) (*Analysis, simulate.Summary) {
	t.Helper()
	dir := t.TempDir()
	sum, err := simulate.Run(context.Background(), simulate.Config{Seed: seed, Campaigns: campaigns}, dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	env := simulate.DefaultEnvironment()
	cfg := Config{Output: "json", Progress: "never", Year: sum.Start.Year(), Domains: map[string]string{env.Domain.NetBIOS: env.Domain.DNS}}
	a, err := analyze(context.Background(), cfg, Deps{Stdout: io.Discard, Stderr: io.Discard, Now: time.Now}, readSimulated(dir))
	if err != nil {
		t.Fatal(err)
	}
	if inv := a.Summary.Inventory; inv.Errors != 0 {
		t.Fatalf("seed %d: %d read errors", seed, inv.Errors)
	}
	return a, sum
}

// alerting is the incidents an analyst is asked to look at: above low.
func alerting(a *Analysis) []int {
	var out []int
	for i, inc := range a.Incidents() {
		if finding.LevelRank(inc.Severity) > finding.LevelRank("low") {
			out = append(out, i)
		}
	}
	return out
}

// TestSimulatedBackgroundIsQuiet is the false-positive test: a simulated
// company's ordinary day, with its look-alikes of attacks (administrators'
// discovery commands and remote desktop, an updater installing a service,
// backups reading the crown jewels, CI assuming roles, mistyped passwords,
// SSH scanning from the Internet), raises no incident above low severity.
func TestSimulatedBackgroundIsQuiet(t *testing.T) {
	for _, seed := range simulatedSeeds {
		a, _ := investigateSimulated(t, seed, []string{})
		for _, i := range alerting(a) {
			inc := a.Incidents()[i]
			t.Errorf("seed %d: benign day raised %s incident %s: %s", seed, inc.Severity, inc.ID, inc.Title)
		}
		t.Logf("seed %d: %d events, %d findings, %d incidents, none above low", seed, len(a.Events), len(a.Findings), len(a.Incidents()))
	}
}

// TestSimulatedCampaigns plays each campaign alone in a day of background:
// exactly one incident above low severity comes out, and it is the
// campaign's (the incident its ground truth scores).
func TestSimulatedCampaigns(t *testing.T) {
	for _, name := range simulate.Campaigns() {
		for _, seed := range simulatedSeeds {
			t.Run(fmt.Sprintf("%s/seed%d", name, seed), func(t *testing.T) {
				a, sum := investigateSimulated(t, seed, []string{name})
				truth, err := eval.Load(sum.Scenarios[0].Path)
				if err != nil {
					t.Fatal(err)
				}
				r := eval.Score(truth, a.Incidents(), a.Lookup)
				t.Logf("rc@1 %.2f, entity P %.2f R %.2f F1 %.2f, incident %d of %d", r.RootCauseHitAt1, r.EntityPrecision, r.EntityRecall, r.EntityF1, r.Incident, r.Incidents)
				got := alerting(a)
				if len(got) != 1 || got[0] != r.Incident {
					for _, i := range got {
						inc := a.Incidents()[i]
						t.Logf("  incident %d: %s %s (%d findings)", i, inc.Severity, inc.Title, len(inc.Findings))
					}
					t.Errorf("%d incidents above low (%v), want exactly the campaign's (%d)", len(got), got, r.Incident)
				}
			})
		}
	}
}
