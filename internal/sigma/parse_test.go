package sigma

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

const goodRule = `title: Good
id: 11111111-1111-1111-1111-111111111111
status: test
level: high
tags:
  - attack.execution
  - attack.t1059.001
  - attack.stealth
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\powershell.exe'
  condition: selection
`

func TestParseMetadata(t *testing.T) {
	r, err := Parse([]byte(goodRule))
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "11111111-1111-1111-1111-111111111111" || r.Title != "Good" || r.Status != "test" || r.Level != "high" {
		t.Errorf("metadata: %+v", r)
	}
	if want := []string{"attack.execution", "attack.t1059.001", "attack.stealth"}; !slices.Equal(r.Tags, want) {
		t.Errorf("tags = %q, want %q", r.Tags, want)
	}
	if r.Logsource != (Logsource{Product: "windows", Category: "process_creation"}) {
		t.Errorf("logsource = %+v", r.Logsource)
	}
}

// TestParseErrors checks that bad rules are reported with the line of the
// offending node.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"malformed YAML", "title: x\ndetection: [\n", 2, "parsing YAML"},
		{"not a mapping", "- a\n- b\n", 1, "not a YAML mapping"},
		{"no title", "detection:\n  sel: {a: b}\n  condition: sel\n", 1, "missing title"},
		{"no detection", "title: x\n", 1, "missing detection"},
		{"no condition", "title: x\ndetection:\n  sel: {a: b}\n", 3, "missing condition"},
		{"unknown modifier", "title: x\ndetection:\n  sel:\n    a|nosuch: b\n  condition: sel\n", 4, `unknown modifier "nosuch"`},
		{"broken condition", "title: x\ndetection:\n  sel: {a: b}\n  condition: sel and (\n", 4, "condition"},
		{"unknown identifier", "title: x\ndetection:\n  sel: {a: b}\n  condition: sel2\n", 4, "unknown search identifier"},
		{"aggregation", "title: x\ndetection:\n  sel: {a: b}\n  condition: sel | count() > 3\n", 4, "aggregation"},
		{"null in list", "title: x\ndetection:\n  sel:\n    a: [b, null]\n  condition: sel\n", 4, "null inside"},
		{"lt on string", "title: x\ndetection:\n  sel:\n    a|lt: abc\n  condition: sel\n", 4, "wants a number"},
		{"exists not bool", "title: x\ndetection:\n  sel:\n    a|exists: yes please\n  condition: sel\n", 4, "true or false"},
		{"nested map value", "title: x\ndetection:\n  sel:\n    a:\n      b: c\n  condition: sel\n", 5, "want a value or a list"},
		{"fieldref wildcard", "title: x\ndetection:\n  sel:\n    a|fieldref: 'b*'\n  condition: sel\n", 4, "wildcard"},
		{"duplicate identifier", "title: x\ndetection:\n  sel: {a: b}\n  sel: {a: c}\n  condition: sel\n", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want == "" { // yaml.v3 rejects duplicate keys itself
				return
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want one containing %q", err, tc.want)
			}
			var le *lineError
			if !errors.As(err, &le) {
				t.Errorf("error %q has no line", err)
			} else if le.line != tc.line {
				t.Errorf("error at line %d, want %d: %v", le.line, tc.line, err)
			}
		})
	}
}

func TestNotDetection(t *testing.T) {
	_, err := Parse([]byte("title: c\ncorrelation:\n  type: event_count\n  rules: [a]\n  group-by: [User]\n  timespan: 5m\n  condition: {gte: 3}\n"))
	if !errors.Is(err, ErrNotDetection) {
		t.Errorf("correlation rule: %v, want ErrNotDetection", err)
	}
}

// TestLoadReportsAndContinues loads a folder with good and bad rules: the
// bad ones are reported with path and line, the good ones load.
func TestLoadReportsAndContinues(t *testing.T) {
	fsys := fstest.MapFS{
		"rules/good.yml":              {Data: []byte(goodRule)},
		"rules/bad_yaml.yml":          {Data: []byte("title: [\n")},
		"rules/bad_mod.yml":           {Data: []byte(strings.Replace(goodRule, "|endswith", "|endswithx", 1))},
		"rules/notes.txt":             {Data: []byte("not a rule")},
		"rules/deprecated/old.yml":    {Data: []byte("garbage: [")},
		"rules/sub/good2.yaml":        {Data: []byte(strings.Replace(goodRule, "Good", "Good2", 1))},
		"rules/sub/bad_condition.yml": {Data: []byte(strings.Replace(goodRule, "condition: selection", "condition: selection or", 1))},
	}
	rs, errs := Load(Config{}, fsys, "rules")
	if got := len(rs.Rules()); got != 2 {
		t.Errorf("loaded %d rules, want 2", got)
	}
	want := map[string]int{"rules/bad_yaml.yml": 1, "rules/bad_mod.yml": 14, "rules/sub/bad_condition.yml": 15}
	if len(errs) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(errs), len(want), errs)
	}
	for _, e := range errs {
		line, ok := want[e.Path]
		if !ok {
			t.Errorf("unexpected error %v", e)
			continue
		}
		if e.Line != line {
			t.Errorf("%v: want line %d", e, line)
		}
		if !strings.HasPrefix(e.Error(), e.Path+":") {
			t.Errorf("error %q does not start with the path", e)
		}
	}
}
