package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/eval"
)

// TestDemo runs `causeway demo` as a user does: a simulated company with
// one campaign, investigated, its containment planned and its report
// written. The incident it tells is the campaign's, scored against the
// ground truth the simulation wrote, and the plan isolates the host the
// attacker took first.
func TestDemo(t *testing.T) {
	data, reports := filepath.Join(t.TempDir(), "range"), t.TempDir()
	var out bytes.Buffer
	deps := Deps{Stdout: &out, Stderr: &out, Now: time.Now}
	cfg := DemoConfig{Config: Config{Output: "text", Progress: "never", Report: reports, Respond: RespondConfig{Mode: "plan"}}, Seed: 1, Data: data}
	if err := Demo(context.Background(), cfg, deps); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"Causeway demo: one day of", "0 errors", "Story", "Containment of incident", "Against the campaign's ground truth"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q:\n%s", want, text)
		}
	}
	if _, err := os.Stat(filepath.Join(reports, "index.html")); err != nil {
		t.Errorf("no HTML report: %v", err)
	}

	truth, err := eval.Load(filepath.Join(data, DemoCampaign+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := evalScenario(context.Background(), Config{Output: "json", Progress: "never"}, deps, truth, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.RootCauseHitAt1 != 1 || r.FirstCompromised != truth.Truth.FirstCompromised || len(r.BenignLeaked) > 0 {
		t.Errorf("demo incident: root cause @1 %.0f (%v), first compromised %s, want %s; benign leaked %v",
			r.RootCauseHitAt1, r.RootCauses, r.FirstCompromised, truth.Truth.FirstCompromised, r.BenignLeaked)
	}
	isolate := "host.isolate " + truth.Truth.FirstCompromised
	if !strings.Contains(text, isolate) {
		t.Errorf("the plan does not %s:\n%s", isolate, text)
	}
}

// TestDemoDetects runs the demo with the SigmaHQ rules too: the attack's
// steps raise the findings of the rules written for them.
func TestDemoDetects(t *testing.T) {
	rules := filepath.Join(corpora(t), "sigma", "rules")
	var out bytes.Buffer
	cfg := DemoConfig{Config: Config{Output: "json", Progress: "never", Rules: []string{rules}}, Seed: 1}
	if err := Demo(context.Background(), cfg, Deps{Stdout: &out, Stderr: &out, Now: time.Now}); err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Detection struct {
			Findings    int
			RulesLoaded int                          `json:"rules_loaded"`
			ByRule      []struct{ ID, Title string } `json:"by_rule"`
		}
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if sum.Detection.RulesLoaded < 3000 || sum.Detection.Findings == 0 {
		t.Fatalf("detection summary: %+v", sum.Detection)
	}
	titles := map[string]bool{}
	for _, r := range sum.Detection.ByRule {
		titles[r.Title] = true
	}
	for _, title := range []string{"Lsass Memory Dump via Comsvcs DLL", "Suspicious Double Extension File Execution"} {
		if !titles[title] {
			t.Errorf("no finding of %q in %v", title, titles)
		}
	}
}

func TestRulesNotADirectory(t *testing.T) {
	var out bytes.Buffer
	cfg := DemoConfig{Config: Config{Output: "text", Rules: []string{"/nonexistent/rules"}}, Seed: 1}
	if err := Demo(context.Background(), cfg, Deps{Stdout: &out, Stderr: &out, Now: time.Now}); err == nil {
		t.Error("a missing rules directory must be an error")
	}
}
