package eval

import (
	"reflect"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

func scenario() *Scenario {
	return &Scenario{Name: "s", Inputs: []string{"x"}, Truth: Truth{
		RootCause:        []string{"file:a", "process:a"},
		FirstCompromised: "host:h",
		Entities:         []string{"file:a", "process:a", "host:h", "principal:u"},
		Techniques:       []string{"T1003", "T1059.001", "T1021.002"},
		DataAccessed:     []string{"file:secret", "file:db"},
		Benign:           []string{"process:benign", "host:other"},
	}}
}

func members(ids ...string) []incident.Member {
	ms := make([]incident.Member, len(ids))
	for i, id := range ids {
		ms[i] = incident.Member{Entity: event.Entity{ID: id}}
	}
	return ms
}

func roots(ids ...string) []incident.RootCause {
	rs := make([]incident.RootCause, len(ids))
	for i, id := range ids {
		rs[i] = incident.RootCause{Subject: incident.Subject{Entity: event.Entity{ID: id}}}
	}
	return rs
}

func techniques(ids ...string) []incident.Technique {
	ts := make([]incident.Technique, len(ids))
	for i, id := range ids {
		ts[i] = incident.Technique{ID: id}
	}
	return ts
}

func findings(n int) []finding.Finding { return make([]finding.Finding, n) }

func f(v float64) *float64 { return &v }

func TestScoreNoIncident(t *testing.T) {
	r := Score(scenario(), nil, nil)
	want := Metrics{FirstCompromisedHit: f(0), TechniquePrecision: f(0), TechniqueRecall: f(0), DataAccessedRecall: f(0)}
	if !reflect.DeepEqual(r.Metrics, want) {
		t.Errorf("metrics %+v, want all zero", r.Metrics)
	}
	if r.Incident != -1 || r.Incidents != 0 || r.Findings != 0 || r.Sentences != 0 {
		t.Errorf("result %+v", r)
	}
	if len(r.MissedEntities) != 4 || len(r.MissedTechniques) != 3 || len(r.MissedData) != 2 {
		t.Errorf("misses %v %v %v", r.MissedEntities, r.MissedTechniques, r.MissedData)
	}
	// An incident that shares nothing with the truth is not the scenario's.
	r = Score(scenario(), []incident.Incident{{Entities: members("host:x"), RootCauses: roots("file:a"), Findings: findings(3)}}, nil)
	if r.Incident != -1 || r.RootCauseHitAt1 != 0 || r.EntityF1 != 0 || r.Compression != 3 {
		t.Errorf("unrelated incident chosen: %+v", r)
	}
}

func TestChooseIncident(t *testing.T) {
	truth := []string{"a", "b", "c", "d"}
	tests := []struct {
		name string
		incs [][]string
		want int
	}{
		{"best F1", [][]string{{"a", "x", "y", "z", "w"}, {"a", "b"}, {"a", "b", "c", "q", "r", "s", "t", "u", "v"}}, 1},
		{"first on ties", [][]string{{"a", "x"}, {"b", "y"}}, 0},
		{"none overlaps", [][]string{{"x"}}, -1},
		{"duplicates count once", [][]string{{"a", "a", "a", "x"}, {"a", "b", "x", "y"}}, 1},
	}
	for _, tt := range tests {
		incs := make([]incident.Incident, len(tt.incs))
		for i, ids := range tt.incs {
			incs[i].Entities = members(ids...)
		}
		if got := chooseIncident(truth, incs); got != tt.want {
			t.Errorf("%s: chose %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestScoreRootCause(t *testing.T) {
	ents := members("file:a", "process:a", "host:h")
	tests := []struct {
		name         string
		roots        []string
		first        *incident.Subject
		at1, at3     float64
		firstHit     float64
		wantObserved []string
	}{
		{"canonical first", []string{"file:a", "x"}, &incident.Subject{Entity: event.Entity{ID: "host:h"}}, 1, 1, 1, []string{"file:a", "x"}},
		{"alternative accepted", []string{"process:a"}, nil, 1, 1, 0, []string{"process:a"}},
		{"hit at 3 not at 1", []string{"x", "y", "file:a", "z"}, &incident.Subject{Entity: event.Entity{ID: "host:z"}}, 0, 1, 0, []string{"x", "y", "file:a"}},
		{"fourth is a miss", []string{"x", "y", "z", "file:a"}, nil, 0, 0, 0, []string{"x", "y", "z"}},
		{"no root cause", nil, nil, 0, 0, 0, []string{}},
	}
	for _, tt := range tests {
		inc := incident.Incident{Entities: ents, RootCauses: roots(tt.roots...), FirstCompromised: tt.first}
		r := Score(scenario(), []incident.Incident{inc}, nil)
		if r.RootCauseHitAt1 != tt.at1 || r.RootCauseHitAt3 != tt.at3 || *r.FirstCompromisedHit != tt.firstHit {
			t.Errorf("%s: @1 %v @3 %v first %v, want %v %v %v", tt.name, r.RootCauseHitAt1, r.RootCauseHitAt3, *r.FirstCompromisedHit, tt.at1, tt.at3, tt.firstHit)
		}
		if !reflect.DeepEqual(r.RootCauses, tt.wantObserved) {
			t.Errorf("%s: root causes %v, want %v", tt.name, r.RootCauses, tt.wantObserved)
		}
	}
	s := scenario()
	s.Truth.FirstCompromised = ""
	if r := Score(s, []incident.Incident{{Entities: ents}}, nil); r.FirstCompromisedHit != nil {
		t.Errorf("first compromised without truth: %v, want undefined", *r.FirstCompromisedHit)
	}
}

func TestScoreEntities(t *testing.T) {
	tests := []struct {
		name           string
		got            []string
		p, r, f1       float64
		missed, extras []string
	}{
		{"exact", []string{"host:h", "principal:u", "file:a", "process:a"}, 1, 1, 1, []string{}, []string{}},
		{"half and extras", []string{"file:a", "x", "host:h", "y"}, 0.5, 0.5, 0.5, []string{"process:a", "principal:u"}, []string{"x", "y"}},
		{"subset", []string{"file:a", "file:a"}, 1, 0.25, 0.4, []string{"process:a", "host:h", "principal:u"}, []string{}},
	}
	for _, tt := range tests {
		r := Score(scenario(), []incident.Incident{{Entities: members(tt.got...)}}, nil)
		if !near(r.EntityPrecision, tt.p) || !near(r.EntityRecall, tt.r) || !near(r.EntityF1, tt.f1) {
			t.Errorf("%s: P %v R %v F1 %v, want %v %v %v", tt.name, r.EntityPrecision, r.EntityRecall, r.EntityF1, tt.p, tt.r, tt.f1)
		}
		if !reflect.DeepEqual(r.MissedEntities, tt.missed) || !reflect.DeepEqual(r.ExtraEntities, tt.extras) {
			t.Errorf("%s: missed %v extra %v, want %v %v", tt.name, r.MissedEntities, r.ExtraEntities, tt.missed, tt.extras)
		}
	}
}

func TestScoreTechniques(t *testing.T) {
	tests := []struct {
		name          string
		got           []string
		p, r          float64
		missed, extra []string
	}{
		{"exact", []string{"T1003", "T1059.001", "T1021.002"}, 1, 1, []string{}, []string{}},
		{"sub-technique of a true parent", []string{"T1003.001"}, 1, 1.0 / 3, []string{"T1059.001", "T1021.002"}, []string{}},
		{"parent of a true sub-technique", []string{"T1059", "T1021"}, 1, 2.0 / 3, []string{"T1003"}, []string{}},
		{"sibling does not match", []string{"T1059.003"}, 0, 0, []string{"T1003", "T1059.001", "T1021.002"}, []string{"T1059.003"}},
		{"true counted once", []string{"T1003.001", "T1003.002", "T1003", "t1003"}, 1, 1.0 / 3, []string{"T1059.001", "T1021.002"}, []string{}},
		{"extras", []string{"T1003", "T1105", "T1486"}, 1.0 / 3, 1.0 / 3, []string{"T1059.001", "T1021.002"}, []string{"T1105", "T1486"}},
		{"none predicted", nil, 0, 0, []string{"T1003", "T1059.001", "T1021.002"}, []string{}},
	}
	for _, tt := range tests {
		inc := incident.Incident{Entities: members("file:a"), Techniques: techniques(tt.got...)}
		r := Score(scenario(), []incident.Incident{inc}, nil)
		if !near(*r.TechniquePrecision, tt.p) || !near(*r.TechniqueRecall, tt.r) {
			t.Errorf("%s: P %v R %v, want %v %v", tt.name, *r.TechniquePrecision, *r.TechniqueRecall, tt.p, tt.r)
		}
		if !reflect.DeepEqual(r.MissedTechniques, tt.missed) || !reflect.DeepEqual(r.ExtraTechniques, tt.extra) {
			t.Errorf("%s: missed %v extra %v, want %v %v", tt.name, r.MissedTechniques, r.ExtraTechniques, tt.missed, tt.extra)
		}
	}
	s := scenario()
	s.Truth.Techniques = nil
	r := Score(s, []incident.Incident{{Entities: members("file:a"), Techniques: techniques("T1003")}}, nil)
	if r.TechniquePrecision != nil || r.TechniqueRecall != nil || len(r.ExtraTechniques) != 0 {
		t.Errorf("techniques without truth: %v %v %v", r.TechniquePrecision, r.TechniqueRecall, r.ExtraTechniques)
	}
}

func TestScoreData(t *testing.T) {
	inc := incident.Incident{Entities: members("file:a"), Impact: incident.Impact{Data: []incident.DataAccess{
		{Entity: event.Entity{ID: "file:db"}}, {Entity: event.Entity{ID: "file:other"}},
	}}}
	r := Score(scenario(), []incident.Incident{inc}, nil)
	if *r.DataAccessedRecall != 0.5 || !reflect.DeepEqual(r.MissedData, []string{"file:secret"}) {
		t.Errorf("data recall %v missed %v", *r.DataAccessedRecall, r.MissedData)
	}
	s := scenario()
	s.Truth.DataAccessed = nil
	if r := Score(s, []incident.Incident{inc}, nil); r.DataAccessedRecall != nil {
		t.Errorf("data recall without truth: %v", *r.DataAccessedRecall)
	}
}

func TestScoreStory(t *testing.T) {
	e1, e2, gone := event.NewID("1"), event.NewID("2"), event.NewID("gone")
	events := map[event.ID]*event.Event{
		e1: {ID: e1, Refs: []event.Ref{{Role: event.RoleHost, Entity: event.Entity{ID: "host:h"}}, {Role: event.RoleActor, Entity: event.Entity{ID: "process:a"}}}},
		e2: {ID: e2, Refs: []event.Ref{{Role: event.RoleTarget, Entity: event.Entity{ID: "file:a"}}}},
	}
	lookup := func(id event.ID) *event.Event { return events[id] }
	incs := []incident.Incident{
		{Entities: members("file:a"), Story: []incident.Sentence{
			{Text: "grounded", Events: []event.ID{e1}, Entities: []string{"host:h", "process:a"}},
			{Text: "entities across events", Events: []event.ID{e1, e2}, Entities: []string{"file:a", "host:h"}},
			{Text: "entity not in cited events", Events: []event.ID{e2}, Entities: []string{"host:h"}},
		}},
		{Entities: members("x"), Story: []incident.Sentence{
			{Text: "missing event", Events: []event.ID{e1, gone}, Entities: []string{"host:h"}},
			{Text: "cites nothing", Entities: []string{}},
			{Text: "names nothing", Events: []event.ID{e2}},
		}},
	}
	r := Score(scenario(), incs, lookup)
	if r.Sentences != 6 || r.StoryGrounded != 0.5 {
		t.Errorf("sentences %d grounded %v, want 6 and 0.5", r.Sentences, r.StoryGrounded)
	}
	want := []Ungrounded{
		{Incident: 0, Sentence: 2, Text: "entity not in cited events", Reason: "names host:h, which no cited event refers to"},
		{Incident: 1, Sentence: 0, Text: "missing event", Reason: "cites missing event " + gone.String()},
		{Incident: 1, Sentence: 1, Text: "cites nothing", Reason: "cites no event"},
	}
	if !reflect.DeepEqual(r.Ungrounded, want) {
		t.Errorf("ungrounded\n%+v\nwant\n%+v", r.Ungrounded, want)
	}
	// Without a lookup no event exists: nothing is grounded.
	if r := Score(scenario(), incs, nil); r.StoryGrounded != 0 || len(r.Ungrounded) != 6 {
		t.Errorf("nil lookup: grounded %v, %d ungrounded", r.StoryGrounded, len(r.Ungrounded))
	}
	// Incidents without any story are not grounded.
	if r := Score(scenario(), []incident.Incident{{Entities: members("file:a")}}, lookup); r.StoryGrounded != 0 {
		t.Errorf("no sentences: grounded %v", r.StoryGrounded)
	}
	if got := ungrounded(incident.Sentence{Events: []event.ID{gone}, Entities: []string{"host:h"}}, lookup); !strings.Contains(got, "missing event") || !strings.Contains(got, "names host:h") {
		t.Errorf("both reasons: %q", got)
	}
}

func TestScoreCompressionAndBenign(t *testing.T) {
	incs := []incident.Incident{
		{Entities: members("file:a", "process:a"), Findings: findings(9)},
		{Entities: members("x"), RootCauses: roots("host:other"), Findings: findings(2)},
		{Entities: members("y"), Findings: findings(1)},
	}
	r := Score(scenario(), incs, nil)
	if r.Findings != 12 || r.Incidents != 3 || r.Compression != 4 || r.Incident != 0 {
		t.Errorf("findings %d incidents %d compression %v chosen %d", r.Findings, r.Incidents, r.Compression, r.Incident)
	}
	if !reflect.DeepEqual(r.BenignLeaked, []string{"host:other"}) {
		t.Errorf("benign leaked %v", r.BenignLeaked)
	}
	incs[2].Entities = members("process:benign")
	if r := Score(scenario(), incs, nil); !reflect.DeepEqual(r.BenignLeaked, []string{"process:benign", "host:other"}) {
		t.Errorf("benign leaked %v", r.BenignLeaked)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
