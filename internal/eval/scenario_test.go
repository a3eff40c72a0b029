package eval

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const validScenario = `name: lsass-campaign-01
description: >
  Credential dumping from LSASS.
truth_source: >
  The dataset's write-up.
inputs:
  - otrf-compound/LSASS_campaign_01/a.zip
  - ./local/b.json
  - ../up/c.evtx
domains: {CORP: corp.com}
year: 2021
truth:
  root_cause: [file:ws1/c:\x.exe, process:ws1/1]
  first_compromised: host:ws1
  entities: [host:ws1, process:ws1/1]
  techniques: [T1003.001, T1059]
  data_accessed: [file:ws1/c:\secret.txt]
  benign: [process:ws1/2]
`

func writeScenario(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	path := writeScenario(t, validScenario)
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Truth{
		RootCause:        []string{`file:ws1/c:\x.exe`, "process:ws1/1"},
		FirstCompromised: "host:ws1",
		Entities:         []string{"host:ws1", "process:ws1/1"},
		Techniques:       []string{"T1003.001", "T1059"},
		DataAccessed:     []string{`file:ws1/c:\secret.txt`},
		Benign:           []string{"process:ws1/2"},
	}
	if !reflect.DeepEqual(s.Truth, want) {
		t.Errorf("truth %+v, want %+v", s.Truth, want)
	}
	if s.Name != "lsass-campaign-01" || s.Year != 2021 || s.Domains["CORP"] != "corp.com" || s.Path != path {
		t.Errorf("scenario %+v", s)
	}
	if s.Description != "Credential dumping from LSASS.\n" || s.TruthSource == "" {
		t.Errorf("description %q, truth source %q", s.Description, s.TruthSource)
	}

	dir := filepath.Dir(path)
	got := s.InputPaths("/corpora")
	wantPaths := []string{
		filepath.Join("/corpora", "otrf-compound", "LSASS_campaign_01", "a.zip"),
		filepath.Join(dir, "local", "b.json"),
		filepath.Join(filepath.Dir(dir), "up", "c.evtx"),
	}
	if !reflect.DeepEqual(got, wantPaths) {
		t.Errorf("inputs %q, want %q", got, wantPaths)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // substrings of the error
	}{
		{"unknown top key", strings.Replace(validScenario, "year: 2021", "yearz: 2021", 1),
			[]string{"s.yaml:11: unknown key \"yearz\""}},
		{"unknown truth key", strings.Replace(validScenario, "  benign:", "  benigns:", 1),
			[]string{"s.yaml:18: unknown key \"benigns\""}},
		{"wrong type", strings.Replace(validScenario, "year: 2021", "year: soon", 1),
			[]string{"s.yaml:11: cannot unmarshal"}},
		{"missing truth", validScenario[:strings.Index(validScenario, "truth:\n")],
			[]string{"s.yaml", "truth.root_cause: at least one", "truth.entities: at least one"}},
		{"missing name and inputs", strings.Replace(strings.Replace(validScenario, "name: lsass-campaign-01", "", 1),
			"inputs:\n  - otrf-compound/LSASS_campaign_01/a.zip\n  - ./local/b.json\n  - ../up/c.evtx\n", "", 1),
			[]string{"name is missing", "inputs: at least one input"}},
		{"bad technique", strings.Replace(validScenario, "T1059]", "T1059.1, t1003]", 1),
			[]string{`truth.techniques[1]: "T1059.1" is not an ATT&CK id`, `truth.techniques[2]: "t1003"`}},
		{"duplicate entity", strings.Replace(validScenario, "entities: [host:ws1,", "entities: [host:ws1, host:ws1,", 1),
			[]string{`truth.entities[1]: "host:ws1" is listed twice`}},
		{"benign in attack", strings.Replace(validScenario, "benign: [process:ws1/2]", "benign: [host:ws1]", 1),
			[]string{`truth.benign: "host:ws1" is also part of the attack`}},
		{"empty file", "", []string{"s.yaml: empty file"}},
		{"two documents", validScenario + "---\nname: x\n", []string{"more than one YAML document"}},
		{"not yaml", "name: [\n", []string{"decoding scenario", "s.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeScenario(t, tt.text))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml")); err == nil || !strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

// TestScenarioFiles loads the repository's scenarios, and checks that
// their inputs exist when the corpora are present.
func TestScenarioFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no scenarios in testdata/scenarios")
	}
	root := os.Getenv("CAUSEWAY_CORPORA")
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared", "corpora")
	}
	_, err = os.Stat(root)
	corpora := err == nil
	names := map[string]string{}
	for _, f := range files {
		s, err := Load(f)
		if err != nil {
			t.Error(err)
			continue
		}
		if prev, ok := names[s.Name]; ok {
			t.Errorf("%s: name %q already used by %s", f, s.Name, prev)
		}
		names[s.Name] = f
		if !corpora {
			continue
		}
		for _, p := range s.InputPaths(root) {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: input: %v", f, err)
			}
		}
	}
}
