package okta

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// TestPantherScenarios reads the Okta logs of Panther's multi-source attack
// scenarios (YAML, converted to JSON here): every log is an event whose user
// is the principal of its actor's login.
func TestPantherScenarios(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(sourcetest.Corpora(t), "panther", "test_scenarios", "*", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var raws []string
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var head struct {
			LogType string `yaml:"LogType"`
		}
		if err := yaml.Unmarshal(b, &head); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if head.LogType != "Okta.SystemLog" {
			continue // other scenarios hold CloudTrail, S3 access lines, ...
		}
		var doc struct {
			Logs []map[string]any `yaml:"Logs"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, l := range doc.Logs {
			j, err := json.Marshal(l)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			raws = append(raws, string(j))
		}
	}
	if len(raws) == 0 {
		t.Fatal("no Okta scenario logs")
	}
	got := normalizeAll(t, raws)
	if len(got) != len(raws) {
		t.Fatalf("%d events of %d logs", len(got), len(raws))
	}
	outcomes := map[event.Outcome]int{}
	for i, s := range got {
		var rec struct {
			Actor struct {
				AlternateID string `json:"alternateId"`
			} `json:"actor"`
		}
		if err := json.Unmarshal([]byte(raws[i]), &rec); err != nil {
			t.Fatal(err)
		}
		want := "principal:" + strings.ToLower(rec.Actor.AlternateID)
		if len(s.Refs) == 0 || s.Refs[0].Role != event.RoleUser || s.Refs[0].Entity.ID != want {
			t.Errorf("record %s: refs %v, want user %s", s.Record, s.Refs, want)
		}
		outcomes[s.Outcome]++
		if s.Time == "" || s.ID == "" {
			t.Errorf("record %s: no time or id", s.Record)
		}
	}
	if outcomes[event.OutcomeFailure] == 0 || outcomes[event.OutcomeSuccess] == 0 {
		t.Errorf("outcomes %v: want failed and successful logins", outcomes)
	}
	t.Logf("%d scenario events, outcomes %v", len(got), outcomes)
}
