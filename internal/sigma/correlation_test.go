package sigma

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// TestParseSpecCorrelations parses the specification's correlation examples.
func TestParseSpecCorrelations(t *testing.T) {
	dir := filepath.Join(corpora(t), "sigma-specification", "tests", "schema", "correlation")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	if len(files) != 8 {
		t.Errorf("found %d correlation examples, want 8", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := parseFile(data)
		if err != nil || len(docs) != 1 || docs[0].err != nil || docs[0].corr == nil {
			t.Errorf("%s: %v %+v", filepath.Base(f), err, docs)
			continue
		}
		c := docs[0].corr
		if want := strings.TrimSuffix(filepath.Base(f), ".yml"); !strings.HasPrefix(want, string(c.Type)) {
			t.Errorf("%s: type %s", filepath.Base(f), c.Type)
		}
		if c.Timespan <= 0 || len(c.Rules) == 0 {
			t.Errorf("%s: %+v", filepath.Base(f), c)
		}
	}
}

func TestParseCorrelationErrors(t *testing.T) {
	base := "title: c\ncorrelation:\n  type: event_count\n  rules: [a]\n  group-by: [User]\n  timespan: 5m\n  condition: {gte: 3}\n"
	tests := []struct{ from, to, want string }{
		{"timespan: 5m", "timespan: 5 minutes", "bad timespan"},
		{"timespan: 5m", "timespan: 5x", "bad timespan"},
		{"type: event_count", "type: nearby", "unknown type"},
		{"{gte: 3}", "{about: 3}", "unknown operator"},
		{"{gte: 3}", "{gte: many}", "want a number"},
		{"type: event_count", "type: value_count", "needs condition.field"},
		{"  rules: [a]\n", "", "no rules"},
		{"  condition: {gte: 3}\n", "", "needs a condition"},
	}
	for _, tc := range tests {
		src := strings.Replace(base, tc.from, tc.to, 1)
		docs, err := parseFile([]byte(src))
		if err != nil || len(docs) != 1 {
			t.Fatalf("%q: %v", tc.want, err)
		}
		if docs[0].err == nil || !strings.Contains(docs[0].err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", src, docs[0].err, tc.want)
		}
	}
}

// corrRules are two base rules and a set of correlations over them, in one
// multi-document file as the specification allows.
const corrRules = `title: Failed logon
id: 00000000-0000-0000-0000-00000000000a
name: failed
logsource: {product: test}
detection:
  sel: {Action: fail}
  condition: sel
---
title: Successful logon
name: success
logsource: {product: test}
detection:
  sel: {Action: ok}
  condition: sel
---
title: Brute force
name: brute
correlation:
  type: event_count
  rules: [00000000-0000-0000-0000-00000000000a]
  group-by: [User]
  timespan: 5m
  condition: {gte: 3}
---
title: Spraying
correlation:
  type: value_count
  rules: [failed]
  group-by: [Source]
  timespan: 10m
  condition: {field: User, gte: 3}
---
title: Fail then success
correlation:
  type: temporal_ordered
  rules: [failed, success]
  group-by: [User]
  timespan: 5m
---
title: Both in any order
correlation:
  type: temporal
  rules: [success, failed]
  group-by: [Host]
  timespan: 1m
  generate: true
---
title: Quiet user
correlation:
  type: event_count
  rules: [success]
  group-by: [User]
  timespan: 1h
  condition: {lt: 2}
---
title: Volume
correlation:
  type: value_sum
  rules: [success]
  group-by: [User]
  timespan: 1h
  condition: {field: Bytes, gt: 100}
---
title: Brute force then success
correlation:
  type: temporal_ordered
  rules: [brute, success]
  group-by: [User]
  timespan: 10m
---
title: Aliased
correlation:
  type: temporal
  rules: [failed, success]
  group-by: [ip]
  timespan: 1m
  aliases:
    ip:
      failed: Source
      success: Client
`

func TestCorrelations(t *testing.T) {
	b, err := NewBuilder(Config{Logsources: [][]byte{testMapping}})
	if err != nil {
		t.Fatal(err)
	}
	errs := b.Add("corr.yml", []byte(corrRules))
	rs, berrs := b.Build()
	if errs = append(errs, berrs...); len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(rs.Correlations()) != 8 {
		t.Fatalf("%d correlations, want 8", len(rs.Correlations()))
	}
	if !rs.Rules()[0].CorrelationOnly || rs.Rules()[1].CorrelationOnly != true {
		t.Errorf("CorrelationOnly: %v %v", rs.Rules()[0].CorrelationOnly, rs.Rules()[1].CorrelationOnly)
	}
	t0 := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	type in struct {
		min float64 // minutes after t0
		kv  []string
	}
	ins := []in{
		{0, []string{"Action", "fail", "User", "alice", "Source", "10.0.0.1", "Host", "h1"}},
		{1, []string{"Action", "fail", "User", "bob", "Source", "10.0.0.1", "Host", "h2"}},
		{1.5, []string{"Action", "ok", "User", "carol", "Client", "10.0.0.9", "Host", "h1", "Bytes", "60"}}, // h1: both within 1m? no (1.5m)
		{2, []string{"Action", "fail", "User", "alice", "Source", "10.0.0.2", "Host", "h3"}},
		{3, []string{"Action", "fail", "User", "alice", "Source", "10.0.0.2", "Host", "h3"}},  // alice: 3 fails in 3m -> brute
		{3.5, []string{"Action", "fail", "User", "dave", "Source", "10.0.0.1", "Host", "h3"}}, // 10.0.0.1: alice, bob, dave -> spraying
		{4, []string{"Action", "ok", "User", "alice", "Client", "10.0.0.2", "Host", "h3", "Bytes", "70"}},
		{4.2, []string{"Action", "ok", "User", "carol", "Client", "10.0.0.9", "Host", "h4", "Bytes", "50"}}, // carol sum 110 -> volume
		{10, []string{"Action", "ok", "User", "erin", "Client", "10.0.0.7", "Host", "h5"}},
	}
	fired := map[string][]string{}
	m := rs.NewMatcher()
	c := rs.NewCorrelator()
	record := func(h *CorrelationHit) {
		fired[h.Correlation.Title] = append(fired[h.Correlation.Title], strings.Join(h.Group, "|"))
		if len(h.Events) == 0 || h.First.After(h.Last) {
			t.Errorf("%s: hit without evidence: %+v", h.Correlation.Title, h)
		}
	}
	for i, x := range ins {
		ev := testEvent(x.kv...)
		ev.Time = t0.Add(time.Duration(x.min * float64(time.Minute)))
		ev.ID = event.NewID("test", string(rune('a'+i)))
		m.Match(ev, func(r *Rule) { c.Observe(ev, r, record) })
	}
	c.Advance(t0.Add(3*time.Hour), record)
	want := map[string][]string{
		"Brute force":              {"alice"},
		"Spraying":                 {"10.0.0.1"},
		"Fail then success":        {"alice"},
		"Both in any order":        {"h3"},
		"Quiet user":               {"alice", "erin"}, // carol logged on twice
		"Volume":                   {"carol"},
		"Brute force then success": {"alice"},
		"Aliased":                  {"10.0.0.2"},
	}
	for title, groups := range want {
		got := fired[title]
		if strings.Join(sorted(got), ",") != strings.Join(sorted(groups), ",") {
			t.Errorf("%s fired for %q, want %q", title, got, groups)
		}
	}
	for title := range fired {
		if _, ok := want[title]; !ok {
			t.Errorf("unexpected %s: %q", title, fired[title])
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestCorrelationUnknownRule(t *testing.T) {
	b, _ := NewBuilder(Config{})
	b.Add("c.yml", []byte("title: c\ncorrelation:\n  type: temporal\n  rules: [nosuch]\n  group-by: [User]\n  timespan: 5m\n"))
	_, errs := b.Build()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `unknown rule "nosuch"`) {
		t.Errorf("errors %v", errs)
	}
}

func TestFilter(t *testing.T) {
	src := `title: Rar
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
logsource: {product: test}
detection:
  sel: {Image|endswith: '\rar.exe'}
  condition: sel
---
title: Filter Administrator account
logsource: {product: test}
filter:
  rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]
  selection:
    User|startswith: 'adm_'
  condition: selection
`
	b, _ := NewBuilder(Config{Logsources: [][]byte{testMapping}})
	errs := b.Add("f.yml", []byte(src))
	rs, berrs := b.Build()
	if errs = append(errs, berrs...); len(errs) > 0 {
		t.Fatal(errs)
	}
	if !matches(rs, testEvent("Image", `c:\x\rar.exe`, "User", "bob")) {
		t.Error("rule did not match")
	}
	if matches(rs, testEvent("Image", `c:\x\rar.exe`, "User", "adm_bob")) {
		t.Error("filter did not exclude the event")
	}
}

// TestCorrelationGenerateAndLists covers two readings of the
// specification: generate beside correlation (as its schema has it) as well
// as inside, and value_count over a list field counting each element.
func TestCorrelationGenerateAndLists(t *testing.T) {
	const rules = `
title: Instances targeted
id: 11111111-0000-0000-0000-000000000001
generate: true
correlation:
  type: value_count
  rules: [base]
  group-by: [user]
  timespan: 5m
  condition:
    field: ids
    gte: 3
---
title: Base
id: 11111111-0000-0000-0000-000000000002
name: base
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    eventName: SendCommand
  condition: sel
`
	b, err := NewBuilder(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := b.Add("r.yml", []byte(rules)); len(errs) > 0 {
		t.Fatal(errs)
	}
	rs, errs := b.Build()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, r := range rs.Rules() {
		if r.Name == "base" && r.CorrelationOnly {
			t.Error("generate: true beside correlation was ignored")
		}
	}
	ev := &event.Event{ID: event.NewID("x"), Time: time.Unix(1000, 0), Source: event.Source{Format: "cloudtrail"}, Fields: []event.Field{
		{Key: "eventName", Value: "SendCommand"}, {Key: "user", Value: "alice"},
		{Key: "ids", Value: "i-1"}, {Key: "ids", Value: "i-2"}, {Key: "ids", Value: "i-3"},
	}}
	c := rs.NewCorrelator()
	hits := 0
	rs.Match(ev, func(r *Rule) { c.Observe(ev, r, func(*CorrelationHit) { hits++ }) })
	c.Advance(time.Unix(5000, 0), func(*CorrelationHit) { hits++ })
	if hits != 1 {
		t.Errorf("value_count over a three-element list: %d hits, want 1", hits)
	}
}
