package eval

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

func TestSummarize(t *testing.T) {
	results := []Result{
		{Name: "a", Metrics: Metrics{RootCauseHitAt1: 1, RootCauseHitAt3: 1, EntityF1: 0.5, StoryGrounded: 1, Compression: 4,
			TechniqueRecall: f(0.5), TechniquePrecision: f(1), FirstCompromisedHit: f(1)}},
		{Name: "b", Metrics: Metrics{RootCauseHitAt3: 1, EntityF1: 0.25, Compression: 2,
			TechniqueRecall: f(1), TechniquePrecision: f(0.5)}},
	}
	s := Summarize(results)
	want := Metrics{RootCauseHitAt1: 0.5, RootCauseHitAt3: 1, EntityF1: 0.375, StoryGrounded: 0.5, Compression: 3,
		TechniqueRecall: f(0.75), TechniquePrecision: f(0.75), FirstCompromisedHit: f(1)}
	if !reflect.DeepEqual(s.Metrics, want) {
		t.Errorf("summary %+v, want %+v", s.Metrics, want)
	}
	if s.DataAccessedRecall != nil {
		t.Error("data recall defined by no scenario must stay undefined")
	}
	if len(s.Scenarios) != 2 || s.Scenarios[1].Name != "b" {
		t.Errorf("scenarios %+v", s.Scenarios)
	}
	if e := Summarize(nil); e.RootCauseHitAt1 != 0 || e.Scenarios == nil {
		t.Errorf("empty summary %+v", e)
	}
}

func TestSummaryJSON(t *testing.T) {
	r := Score(scenario(), []incident.Incident{{Entities: members("file:a"), Story: []incident.Sentence{{Text: "x"}}}}, nil)
	data, err := json.Marshal(Summarize([]Result{r}))
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	metrics := []string{
		"root_cause_hit_at_1", "root_cause_hit_at_3", "entity_precision", "entity_recall", "entity_f1",
		"technique_precision", "technique_recall", "story_grounded", "first_compromised_hit",
		"data_accessed_recall", "compression",
	}
	want := append([]string{"scenarios"}, metrics...)
	if got := keys(top); !reflect.DeepEqual(got, sorted(want)) {
		t.Errorf("top-level keys %v, want %v", got, sorted(want))
	}
	var scenarios []map[string]json.RawMessage
	if err := json.Unmarshal(top["scenarios"], &scenarios); err != nil || len(scenarios) != 1 {
		t.Fatalf("scenarios: %v %s", err, top["scenarios"])
	}
	details := []string{"name", "missed_entities", "extra_entities", "missed_techniques", "extra_techniques",
		"missed_data", "ungrounded", "benign_leaked", "incidents", "incident", "findings", "sentences",
		"root_causes", "want_root_cause", "first_compromised", "want_first_compromised"}
	for _, k := range append(metrics, details...) {
		if _, ok := scenarios[0][k]; !ok {
			t.Errorf("scenario lacks %q", k)
		}
	}
	if string(scenarios[0]["name"]) != `"s"` || string(scenarios[0]["extra_entities"]) != "[]" {
		t.Errorf("name %s, extra_entities %s", scenarios[0]["name"], scenarios[0]["extra_entities"])
	}
	if !strings.Contains(string(scenarios[0]["ungrounded"]), `"reason":"cites no event"`) {
		t.Errorf("ungrounded %s", scenarios[0]["ungrounded"])
	}
}

func TestWriteText(t *testing.T) {
	e := event.NewID("1")
	inc := incident.Incident{
		Entities:   members("file:a", "host:h", "x"),
		RootCauses: roots("y", "file:a"),
		Techniques: techniques("T1003.001", "T1105"),
		Story:      []incident.Sentence{{Text: "Something happened.", Events: []event.ID{e}}},
	}
	perfect := Result{Name: "clean", Incidents: 1, Sentences: 1, Metrics: Metrics{RootCauseHitAt1: 1, RootCauseHitAt3: 1, StoryGrounded: 1}}
	var b strings.Builder
	if err := WriteText(&b, Summarize([]Result{Score(scenario(), []incident.Incident{inc}, nil), perfect})); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, w := range []string{
		"scenario", "rc@1", "average", "clean",
		"root cause: got y, file:a, want file:a or process:a",
		"first compromised: got none, want host:h",
		"missed entities (2): process:a, principal:u",
		"extra entities (1): x",
		"missed techniques (2): T1059.001, T1021.002",
		"extra techniques (1): T1105",
		"missed data (2): file:secret, file:db",
		"ungrounded sentences (1 of 1):",
		`"Something happened.": cites missing event`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("text lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "\nclean\n") {
		t.Errorf("a scenario without misses has no details:\n%s", out)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(strings.TrimSpace(lines[3]), "average") {
		t.Errorf("average row is not after the scenario rows:\n%s", out)
	}
}

func keys(m map[string]json.RawMessage) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return sorted(ks)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
