// Package eval measures investigations against ground truth. A Scenario
// names the telemetry of one known attack and what a correct investigation
// of it finds (root cause, first compromised resource, entities,
// techniques, data read, benign look-alikes); Score compares the incidents
// Causeway produced from those inputs with that truth, and Summary averages
// the results over scenarios. The metric definitions are in docs/eval.md.
package eval

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Scenario is one attack with its ground truth, as read from a scenario
// file.
type Scenario struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// TruthSource says where the truth comes from (the dataset's write-up,
	// the emulation plan) so that a reader can check it.
	TruthSource string `yaml:"truth_source"`
	// Inputs are the telemetry files: relative to the corpora root, or to
	// the scenario file when they start with ./ or ../ (see InputPaths).
	Inputs []string `yaml:"inputs"`
	// Domains maps NetBIOS domain names to DNS suffixes for principal ids.
	Domains map[string]string `yaml:"domains"`
	// Year is the year of syslog stamps that carry none (0: not set).
	Year  int   `yaml:"year"`
	Truth Truth `yaml:"truth"`

	// Path is the file the scenario was loaded from.
	Path string `yaml:"-"`
}

// Truth is what a correct investigation of a scenario finds. Entities are
// named by their event.Entity ids ("host:mkt01", "process:mkt01/<guid>").
type Truth struct {
	// RootCause lists the acceptable root causes; the first is canonical.
	RootCause        []string `yaml:"root_cause"`
	FirstCompromised string   `yaml:"first_compromised"`
	Entities         []string `yaml:"entities"`
	// Techniques are ATT&CK ids, "T1003" or "T1003.001".
	Techniques   []string `yaml:"techniques"`
	DataAccessed []string `yaml:"data_accessed"`
	// Benign entities must stay out of every incident.
	Benign []string `yaml:"benign"`
}

// techniqueID is the shape of an ATT&CK technique or sub-technique id.
var techniqueID = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)

// yamlLine matches the "line N: message" entries of yaml.v3 type errors.
var yamlLine = regexp.MustCompile(`^line ([0-9]+): (.*)$`)

// unknownField matches yaml.v3's message for a key the struct lacks.
var unknownField = regexp.MustCompile(`^field (.+) not found in type \S+$`)

// Load reads and validates a scenario file. Unknown keys are errors, so a
// misspelt truth key cannot silently empty a metric; every error names the
// file and, where the YAML decoder knows it, the line.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading scenario: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("decoding scenario %s: empty file", path)
		}
		return nil, decodeError(path, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decoding scenario %s: more than one YAML document", path)
	}
	s.Path = path
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("validating scenario %s: %w", path, err)
	}
	return &s, nil
}

// decodeError rewrites yaml.v3's "line N: field x not found in type y"
// entries as "path:N: unknown key "x"", one per line.
func decodeError(path string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("decoding scenario %s: %w", path, err)
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, e := range te.Errors {
		m := yamlLine.FindStringSubmatch(e)
		if m == nil {
			msgs = append(msgs, path+": "+e)
			continue
		}
		msg := m[2]
		if f := unknownField.FindStringSubmatch(msg); f != nil {
			msg = fmt.Sprintf("unknown key %q", f[1])
		}
		msgs = append(msgs, path+":"+m[1]+": "+msg)
	}
	return fmt.Errorf("decoding scenario: %s", strings.Join(msgs, "; "))
}

// validate checks what the metrics rely on.
func (s *Scenario) validate() error {
	var errs []error
	if strings.TrimSpace(s.Name) == "" {
		errs = append(errs, errors.New("name is missing"))
	}
	if len(s.Inputs) == 0 {
		errs = append(errs, errors.New("inputs: at least one input is needed"))
	}
	for i, in := range s.Inputs {
		if strings.TrimSpace(in) == "" {
			errs = append(errs, fmt.Errorf("inputs[%d] is empty", i))
		}
	}
	t := &s.Truth
	if len(t.RootCause) == 0 {
		errs = append(errs, errors.New("truth.root_cause: at least one entity is needed"))
	}
	if len(t.Entities) == 0 {
		errs = append(errs, errors.New("truth.entities: at least one entity is needed"))
	}
	for _, l := range []struct {
		key string
		ids []string
	}{
		{"truth.root_cause", t.RootCause},
		{"truth.entities", t.Entities},
		{"truth.techniques", t.Techniques},
		{"truth.data_accessed", t.DataAccessed},
		{"truth.benign", t.Benign},
	} {
		errs = append(errs, checkList(l.key, l.ids)...)
	}
	for i, id := range t.Techniques {
		if !techniqueID.MatchString(id) {
			errs = append(errs, fmt.Errorf("truth.techniques[%d]: %q is not an ATT&CK id (T1234 or T1234.567)", i, id))
		}
	}
	bad := set(t.RootCause, t.Entities, t.DataAccessed)
	if t.FirstCompromised != "" {
		bad[t.FirstCompromised] = true
	}
	for _, id := range t.Benign {
		if bad[id] {
			errs = append(errs, fmt.Errorf("truth.benign: %q is also part of the attack", id))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "; "))
}

// checkList rejects empty and repeated ids, which would skew the metrics.
func checkList(key string, ids []string) []error {
	var errs []error
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		switch {
		case strings.TrimSpace(id) == "":
			errs = append(errs, fmt.Errorf("%s[%d] is empty", key, i))
		case seen[id]:
			errs = append(errs, fmt.Errorf("%s[%d]: %q is listed twice", key, i, id))
		}
		seen[id] = true
	}
	return errs
}

// InputPaths resolves the scenario's inputs: an input starting with ./ or
// ../ is relative to the scenario file's folder, an absolute path is kept,
// anything else is relative to corporaRoot (the shared corpora folder).
func (s *Scenario) InputPaths(corporaRoot string) []string {
	paths := make([]string, 0, len(s.Inputs))
	for _, in := range s.Inputs {
		switch {
		case strings.HasPrefix(in, "./"), strings.HasPrefix(in, "../"):
			paths = append(paths, filepath.Join(filepath.Dir(s.Path), filepath.FromSlash(in)))
		case filepath.IsAbs(in):
			paths = append(paths, filepath.Clean(in))
		default:
			paths = append(paths, filepath.Join(corporaRoot, filepath.FromSlash(in)))
		}
	}
	return paths
}

// set returns the union of lists as a set.
func set(lists ...[]string) map[string]bool {
	m := make(map[string]bool)
	for _, l := range lists {
		for _, v := range l {
			m[v] = true
		}
	}
	return m
}
