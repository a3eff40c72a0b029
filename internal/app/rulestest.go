package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/causeway-soc/causeway/internal/detect"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/sigma"
	"github.com/causeway-soc/causeway/internal/source"
)

// regressionDir is where a SigmaHQ checkout keeps its regression data.
const regressionDir = "regression_data"

// RuleTest is one check of `causeway rules test`: a rule against one
// sample.
type RuleTest struct {
	Rule   string `json:"rule"`   // rule file
	Sample string `json:"sample"` // telemetry file, or "" for a load check
	// Kind is "positive" (the rule must fire at least Want times), "benign"
	// (it must not fire), "regression" (SigmaHQ regression data: at least
	// Want matches) or "load" (the rule file must load).
	Kind   string `json:"kind"`
	Want   int    `json:"want"`
	Got    int    `json:"got"`
	Passed bool   `json:"passed"`
	Reason string `json:"reason,omitempty"`
}

// RuleTestReport is the result of `causeway rules test`.
type RuleTestReport struct {
	Rules    int        `json:"rules"`    // rule files loaded
	Passed   int        `json:"passed"`   // tests passed
	Failed   int        `json:"failed"`   // tests failed
	Untested []string   `json:"untested"` // rule files without samples or regression data
	Tests    []RuleTest `json:"tests"`
}

// RulesTest loads the rules under dirs and checks each against the samples
// next to it (x.positive*, x.benign*) and, in a SigmaHQ checkout, its
// regression data. It returns an error when a test failed.
func RulesTest(ctx context.Context, cfg Config, deps Deps, dirs []string) error {
	rep, err := testRules(ctx, cfg, deps, dirs)
	if err != nil {
		return err
	}
	if cfg.Output == "json" {
		enc := json.NewEncoder(deps.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		writeRuleTests(deps, rep)
	}
	if rep.Failed > 0 {
		return fmt.Errorf("rules test: %d of %d tests failed", rep.Failed, rep.Passed+rep.Failed)
	}
	return nil
}

func writeRuleTests(deps Deps, rep *RuleTestReport) {
	for _, t := range rep.Tests {
		if t.Passed {
			continue
		}
		fmt.Fprintf(deps.Stdout, "FAIL %s %s %s: %s\n", t.Kind, t.Rule, t.Sample, t.Reason)
	}
	fmt.Fprintf(deps.Stdout, "%d rule files, %d tests: %d passed, %d failed; %d rule files without samples\n",
		rep.Rules, rep.Passed+rep.Failed, rep.Passed, rep.Failed, len(rep.Untested))
}

func testRules(ctx context.Context, cfg Config, deps Deps, dirs []string) (*RuleTestReport, error) {
	if cfg.Output != "text" && cfg.Output != "json" {
		return nil, fmt.Errorf("unknown output %q: want text or json", cfg.Output)
	}
	rs, errs, err := loadRuleset(dirs, false)
	if err != nil {
		return nil, err
	}
	rep := &RuleTestReport{}
	add := func(t RuleTest) {
		rep.Tests = append(rep.Tests, t)
		if t.Passed {
			rep.Passed++
		} else {
			rep.Failed++
		}
	}
	for _, e := range errs {
		add(RuleTest{Rule: e.Path, Kind: "load", Reason: e.Error()})
	}
	files := ruleFiles(rs)
	tested := map[string]bool{}
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	rep.Rules = len(names)
	rt := ruleTester{ctx: ctx, cfg: cfg, deps: deps, rs: rs}
	for _, f := range names {
		pos, ben := samplesOf(f)
		for _, s := range pos {
			add(rt.run(f, files[f], s, "positive", 1))
		}
		for _, s := range ben {
			add(rt.run(f, files[f], s, "benign", 0))
		}
		tested[f] = len(pos)+len(ben) > 0
	}
	for _, d := range dirs {
		cases, err := regressionCases(d)
		if err != nil {
			return nil, err
		}
		byID := map[string]string{}
		for f, ids := range files {
			for _, id := range ids {
				byID[id] = f
			}
		}
		for _, c := range cases {
			f, ok := byID[c.ruleID]
			if !ok {
				add(RuleTest{Rule: c.ruleID, Sample: c.path, Kind: "regression", Want: c.want, Reason: "rule not loaded"})
				continue
			}
			add(rt.run(f, []string{c.ruleID}, c.path, "regression", c.want))
			tested[f] = true
		}
	}
	for _, f := range names {
		if !tested[f] {
			rep.Untested = append(rep.Untested, f)
		}
	}
	return rep, nil
}

// ruleTester runs samples through the whole ruleset, so that correlations
// see the rules they refer to.
type ruleTester struct {
	ctx  context.Context
	cfg  Config
	deps Deps
	rs   *sigma.Ruleset
}

// run counts the findings of the rules ids on sample. Positive and
// regression tests want at least want findings; benign tests want none.
func (rt ruleTester) run(rule string, ids []string, sample, kind string, want int) RuleTest {
	t := RuleTest{Rule: rule, Sample: sample, Kind: kind, Want: want}
	events, readErrs, err := readSample(rt.ctx, rt.cfg, rt.deps, sample)
	switch {
	case err != nil:
		t.Reason = err.Error()
		return t
	case len(readErrs) > 0:
		t.Reason = fmt.Sprintf("%d read errors, first: %v", len(readErrs), readErrs[0])
		return t
	case len(events) == 0:
		t.Reason = "no events in sample"
		return t
	}
	mine := map[string]bool{}
	for _, id := range ids {
		mine[id] = true
	}
	det := detect.New(rt.rs, detect.Config{})
	count := func(f finding.Finding) {
		if mine[f.Rule.ID] {
			t.Got++
		}
	}
	for _, ev := range events {
		det.Observe(ev, count)
	}
	det.Flush(count)
	if kind == "benign" {
		t.Passed = t.Got == 0
		if !t.Passed {
			t.Reason = fmt.Sprintf("fired %d times on a benign sample", t.Got)
		}
		return t
	}
	t.Passed = t.Got >= want
	if !t.Passed {
		t.Reason = fmt.Sprintf("fired %d times, want at least %d (%d events read)", t.Got, want, len(events))
	}
	return t
}

// readSample reads one telemetry file with every reader.
func readSample(ctx context.Context, cfg Config, deps Deps, path string) ([]*event.Event, []error, error) {
	rc := ReadConfig{Principals: &event.Principals{Domains: cfg.Domains}, Year: cfg.Year, Now: deps.Now}
	w := source.NewWalker(source.Config{}, Formats(rc))
	var sink sampleSink
	err := w.Read(ctx, []string{path}, &sink)
	return sink.events, sink.errs, err
}

// sampleSink keeps what a walk reads, events and errors.
type sampleSink struct {
	events []*event.Event
	errs   []error
}

func (s *sampleSink) Event(ev *event.Event) { s.events = append(s.events, ev) }
func (s *sampleSink) Error(err error)       { s.errs = append(s.errs, err) }

// regressionCase is one test of a SigmaHQ regression_data info.yml.
type regressionCase struct {
	ruleID, path string
	want         int
}

// regressionCases reads the info.yml files of dir's regression data, if
// it has any.
func regressionCases(dir string) ([]regressionCase, error) {
	root := filepath.Join(dir, regressionDir)
	if !exists(root) {
		return nil, nil // no regression data here
	}
	var cases []regressionCase
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "info.yml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var info struct {
			Rules []struct {
				ID string `yaml:"id"`
			} `yaml:"rule_metadata"`
			Tests []struct {
				Path       string `yaml:"path"`
				MatchCount *int   `yaml:"match_count"`
			} `yaml:"regression_tests_info"`
		}
		if err := yaml.Unmarshal(data, &info); err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		for _, r := range info.Rules {
			for _, t := range info.Tests {
				want := 1
				if t.MatchCount != nil {
					want = *t.MatchCount
				}
				path := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(t.Path, "./")))
				cases = append(cases, regressionCase{ruleID: r.ID, path: path, want: want})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading regression data: %w", err)
	}
	return cases, nil
}
