package app

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/eval"
)

// TestDemoResponse plans the demo's containment, records it in monitor
// mode, and checks the audit log and the actions command.
func TestDemoResponse(t *testing.T) {
	state := t.TempDir()
	var out bytes.Buffer
	deps := Deps{Stdout: &out, Stderr: &out, Now: time.Now}
	data := filepath.Join(t.TempDir(), "range")
	cfg := DemoConfig{Config: Config{Output: "json", Progress: "never", Respond: RespondConfig{Mode: "monitor", State: state}}, Seed: 1, Data: data}
	if err := Demo(context.Background(), cfg, deps); err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Actions []struct {
			Kind     string              `json:"kind"`
			Target   struct{ ID string } `json:"target"`
			Decision string              `json:"decision"`
			State    string              `json:"state"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, a := range sum.Actions {
		kinds[a.Kind+" "+a.Target.ID] = true
		if a.Decision == "" || a.State != "shadow" {
			t.Errorf("%s %s: decision %q state %q, want a decision and shadow in monitor mode", a.Kind, a.Target.ID, a.Decision, a.State)
		}
	}
	truth, err := eval.Load(filepath.Join(data, DemoCampaign+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "host.isolate " + truth.Truth.FirstCompromised; !kinds[want] {
		t.Errorf("plan lacks %s: %v", want, kinds)
	}
	out.Reset()
	if err := AuditVerify(deps, filepath.Join(state, "audit.jsonl"), "", "text"); err != nil {
		t.Fatalf("audit: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := Actions(context.Background(), ActionsConfig{Respond: RespondConfig{State: state}, Output: "text"}, deps, "list", nil); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != len(sum.Actions) {
		t.Errorf("actions list shows %d lines for %d actions:\n%s", n, len(sum.Actions), out.String())
	}
}
