package app

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"
)

// TestScenarios investigates every ground-truth scenario in testdata and
// holds the scores at least where they stand: a change that makes the
// investigation worse fails here. docs/scenarios.md says where each truth
// comes from; `causeway eval` prints the same table.
func TestScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("investigates every scenario's corpus files")
	}
	root := corpora(t)
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	var out bytes.Buffer
	cfg := EvalConfig{Config: Config{Output: "json", Progress: "never", Rules: []string{filepath.Join(root, "sigma", "rules")}}, Corpora: root}
	if err := Eval(context.Background(), cfg, Deps{Stdout: &out, Stderr: &out, Now: time.Now}, paths); err != nil {
		t.Fatal(err)
	}
	var sum struct {
		RootCause1    float64 `json:"root_cause_hit_at_1"`
		EntityF1      float64 `json:"entity_f1"`
		FirstHit      float64 `json:"first_compromised_hit"`
		TechRecall    float64 `json:"technique_recall"`
		TechPrecis    float64 `json:"technique_precision"`
		StoryGrounded float64 `json:"story_grounded"`
		Scenarios     []struct {
			Name          string   `json:"name"`
			RootCause1    float64  `json:"root_cause_hit_at_1"`
			EntityF1      float64  `json:"entity_f1"`
			StoryGrounded float64  `json:"story_grounded"`
			Sentences     int      `json:"sentences"`
			Benign        []string `json:"benign_leaked"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	t.Logf("root cause hit@1 %.2f, entity F1 %.2f, technique P %.2f R %.2f, story grounded %.2f over %d scenarios",
		sum.RootCause1, sum.EntityF1, sum.TechPrecis, sum.TechRecall, sum.StoryGrounded, len(sum.Scenarios))
	for _, s := range sum.Scenarios {
		t.Logf("%-40s rc@1 %.2f  F1 %.2f", s.Name, s.RootCause1, s.EntityF1)
		if s.Sentences > 0 && s.StoryGrounded < 1 {
			t.Errorf("%s: %.0f%% of story sentences grounded, want all", s.Name, 100*s.StoryGrounded)
		}
		if len(s.Benign) > 0 {
			t.Errorf("%s: benign entities in incidents: %v", s.Name, s.Benign)
		}
		if s.RootCause1 < 1 {
			t.Errorf("%s: the true root cause is not ranked first", s.Name)
		}
	}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"entity_f1", sum.EntityF1, 0.94},
		{"first_compromised_hit", sum.FirstHit, 1},
		{"technique_recall", sum.TechRecall, 0.87},
		{"technique_precision", sum.TechPrecis, 0.85},
	} {
		if f.got < f.want {
			t.Errorf("%s = %.3f, below the %.2f reached before", f.name, f.got, f.want)
		}
	}
}
