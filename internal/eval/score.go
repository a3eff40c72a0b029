package eval

import (
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// Metrics are the scores of one scenario, or their average over scenarios.
// Each is a fraction in 0..1 except Compression (findings per incident).
// A nil metric is undefined: the scenario's truth has nothing to measure it
// against (no first_compromised, techniques or data_accessed); averages
// leave such scenarios out.
type Metrics struct {
	RootCauseHitAt1     float64  `json:"root_cause_hit_at_1"`
	RootCauseHitAt3     float64  `json:"root_cause_hit_at_3"`
	EntityPrecision     float64  `json:"entity_precision"`
	EntityRecall        float64  `json:"entity_recall"`
	EntityF1            float64  `json:"entity_f1"`
	TechniquePrecision  *float64 `json:"technique_precision"`
	TechniqueRecall     *float64 `json:"technique_recall"`
	StoryGrounded       float64  `json:"story_grounded"`
	FirstCompromisedHit *float64 `json:"first_compromised_hit"`
	DataAccessedRecall  *float64 `json:"data_accessed_recall"`
	Compression         float64  `json:"compression"`
}

// Result is the score of one scenario with the lists behind each metric.
type Result struct {
	Name string `json:"name"`
	Metrics
	// Incidents is the number of incidents found; Incident is the index
	// of the scenario's incident among them, -1 when none matches.
	Incidents int `json:"incidents"`
	Incident  int `json:"incident"`
	Findings  int `json:"findings"` // over all incidents

	// RootCauses are the scenario incident's top three root-cause entity
	// ids; FirstCompromised its first compromised entity id. The Want
	// fields repeat the truth they were compared with.
	RootCauses           []string `json:"root_causes"`
	WantRootCause        []string `json:"want_root_cause"`
	FirstCompromised     string   `json:"first_compromised"`
	WantFirstCompromised string   `json:"want_first_compromised"`

	MissedEntities   []string `json:"missed_entities"`
	ExtraEntities    []string `json:"extra_entities"`
	MissedTechniques []string `json:"missed_techniques"`
	ExtraTechniques  []string `json:"extra_techniques"`
	MissedData       []string `json:"missed_data"`

	Sentences  int          `json:"sentences"` // over all incidents
	Ungrounded []Ungrounded `json:"ungrounded"`

	// BenignLeaked are truth.benign entities that some incident contains.
	BenignLeaked []string `json:"benign_leaked"`
}

// Ungrounded is a story sentence that fails grounding, and why.
type Ungrounded struct {
	Incident int    `json:"incident"` // index of the incident
	Sentence int    `json:"sentence"` // index in its story
	Text     string `json:"text"`
	Reason   string `json:"reason"`
}

// Score compares the incidents found on a scenario's inputs with its truth.
// lookup returns the event with an id, or nil when there is none; a nil
// lookup finds no event. Definitions are in docs/eval.md.
func Score(s *Scenario, incs []incident.Incident, lookup func(event.ID) *event.Event) Result {
	if lookup == nil {
		lookup = func(event.ID) *event.Event { return nil }
	}
	t := &s.Truth
	r := Result{
		Name: s.Name, Incidents: len(incs), Incident: -1, RootCauses: []string{},
		WantRootCause: append([]string{}, t.RootCause...), WantFirstCompromised: t.FirstCompromised,
	}
	for i := range incs {
		r.Findings += len(incs[i].Findings)
	}
	if len(incs) > 0 {
		r.Compression = float64(r.Findings) / float64(len(incs))
	}

	r.Incident = chooseIncident(t.Entities, incs)
	var chosen *incident.Incident
	if r.Incident >= 0 {
		chosen = &incs[r.Incident]
	}

	scoreRootCause(&r, t, chosen)
	scoreEntities(&r, t.Entities, entityIDs(chosen))
	scoreTechniques(&r, t.Techniques, chosen)
	scoreData(&r, t.DataAccessed, chosen)
	scoreStory(&r, incs, lookup)
	r.BenignLeaked = leaked(t.Benign, incs)
	return r
}

// chooseIncident returns the index of the incident whose entity set has the
// highest F1 against truth, the first on ties, or -1 when none shares an
// entity with truth.
func chooseIncident(truth []string, incs []incident.Incident) int {
	best, bestF1 := -1, 0.0
	want := set(truth)
	for i := range incs {
		got := entityIDs(&incs[i])
		hits := 0
		for _, id := range got {
			if want[id] {
				hits++
			}
		}
		if f := f1(hits, len(got), len(want)); f > bestF1 {
			best, bestF1 = i, f
		}
	}
	return best
}

// entityIDs returns the incident's entity ids, once each, in order.
func entityIDs(inc *incident.Incident) []string {
	if inc == nil {
		return nil
	}
	ids := make([]string, 0, len(inc.Entities))
	seen := make(map[string]bool, len(inc.Entities))
	for _, m := range inc.Entities {
		if id := m.Entity.ID; id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func scoreRootCause(r *Result, t *Truth, inc *incident.Incident) {
	if t.FirstCompromised != "" {
		r.FirstCompromisedHit = ratio(0, 1)
	}
	if inc == nil {
		return
	}
	ok := set(t.RootCause)
	for i, rc := range inc.RootCauses {
		if i == 3 {
			break
		}
		r.RootCauses = append(r.RootCauses, rc.Entity.ID)
		if ok[rc.Entity.ID] {
			if i == 0 {
				r.RootCauseHitAt1 = 1
			}
			r.RootCauseHitAt3 = 1
		}
	}
	if inc.FirstCompromised != nil {
		r.FirstCompromised = inc.FirstCompromised.Entity.ID
		if t.FirstCompromised != "" && r.FirstCompromised == t.FirstCompromised {
			r.FirstCompromisedHit = ratio(1, 1)
		}
	}
}

// scoreEntities sets entity precision, recall and F1 as ATLAS reports
// them: predicted entities against true ones.
func scoreEntities(r *Result, truth, got []string) {
	want, have := set(truth), set(got)
	hits := 0
	r.ExtraEntities = []string{}
	for _, id := range got {
		if want[id] {
			hits++
		} else {
			r.ExtraEntities = append(r.ExtraEntities, id)
		}
	}
	r.MissedEntities = missing(truth, have)
	r.EntityPrecision = value(ratio(hits, len(got)))
	r.EntityRecall = value(ratio(hits, len(want)))
	r.EntityF1 = f1(hits, len(got), len(want))
}

// scoreData sets the recall of truth.data_accessed among the entities of
// the incident's Impact.Data.
func scoreData(r *Result, truth []string, inc *incident.Incident) {
	have := map[string]bool{}
	if inc != nil {
		for _, d := range inc.Impact.Data {
			have[d.Entity.ID] = true
		}
	}
	r.MissedData = missing(truth, have)
	if len(truth) > 0 {
		r.DataAccessedRecall = ratio(len(truth)-len(r.MissedData), len(truth))
	}
}

// leaked returns the benign entities that any incident contains among its
// entities, root causes or first compromised resource.
func leaked(benign []string, incs []incident.Incident) []string {
	in := map[string]bool{}
	for i := range incs {
		for _, id := range entityIDs(&incs[i]) {
			in[id] = true
		}
		for _, rc := range incs[i].RootCauses {
			in[rc.Entity.ID] = true
		}
		if fc := incs[i].FirstCompromised; fc != nil {
			in[fc.Entity.ID] = true
		}
	}
	out := []string{}
	for _, id := range benign {
		if in[id] {
			out = append(out, id)
		}
	}
	return out
}

// missing returns the ids of want that have lacks, in order.
func missing(want []string, have map[string]bool) []string {
	out := []string{}
	for _, id := range want {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out
}

// ratio returns n/d, or 0 when d is 0.
func ratio(n, d int) *float64 {
	v := 0.0
	if d > 0 {
		v = float64(n) / float64(d)
	}
	return &v
}

// value dereferences a metric, 0 when undefined.
func value(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// f1 is the harmonic mean of precision hits/got and recall hits/want, 0
// when either is 0 or undefined.
func f1(hits, got, want int) float64 {
	if hits == 0 || got == 0 || want == 0 {
		return 0
	}
	return 2 * float64(hits) / float64(got+want)
}
