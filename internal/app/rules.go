package app

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/causeway-soc/causeway/internal/sigma"
	"github.com/causeway-soc/causeway/rules"
)

// builtinPrefix names the embedded rule pack in rule paths and errors.
const builtinPrefix = "builtin"

// loadRuleset compiles Causeway's own rules (when builtin is set) and the
// rules under dirs into one ruleset. Rules that fail to load come back as
// errors while the rest load. A directory that does not exist is an error
// of its own.
func loadRuleset(dirs []string, builtin bool) (*sigma.Ruleset, []*sigma.LoadError, error) {
	b, err := sigma.NewBuilder(sigma.Config{})
	if err != nil {
		return nil, nil, fmt.Errorf("loading logsource mappings: %w", err)
	}
	var errs []*sigma.LoadError
	if builtin {
		errs = append(errs, b.AddFS(rules.FS, ".", builtinPrefix)...)
	}
	for _, d := range dirs {
		roots, err := ruleRoots(d)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range roots {
			errs = append(errs, b.AddFS(os.DirFS(d), r, d)...)
		}
	}
	rs, berrs := b.Build()
	return rs, append(errs, berrs...), nil
}

// ruleRoots returns the folders of dir that hold rules: dir itself, or for
// a SigmaHQ checkout (which keeps regression data and tests beside its
// rules) its rules* folders.
func ruleRoots(dir string) ([]string, error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("rules: %q is not a directory", dir)
	}
	if !exists(filepath.Join(dir, regressionDir)) {
		return []string{"."}, nil // a plain rule folder
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading rule directory: %w", err)
	}
	var roots []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "rules") {
			roots = append(roots, e.Name())
		}
	}
	return roots, nil
}

// ruleFiles groups the loaded rules and correlations by the file they came
// from, with their ids.
func ruleFiles(rs *sigma.Ruleset) map[string][]string {
	files := map[string][]string{}
	for _, r := range rs.Rules() {
		files[r.Path] = append(files[r.Path], r.ID)
	}
	for _, c := range rs.Correlations() {
		files[c.Path] = append(files[c.Path], c.ID)
	}
	return files
}

// samplesOf returns the sample files next to a rule file: x.yml has
// x.positive* (the rule must fire) and x.benign* (it must not).
func samplesOf(rulePath string) (positive, benign []string) {
	dir, file := filepath.Split(rulePath)
	base := strings.TrimSuffix(file, filepath.Ext(file)) + "."
	entries, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return nil, nil
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), base)
		if e.IsDir() || !ok {
			continue
		}
		switch {
		case strings.HasPrefix(rest, "positive"):
			positive = append(positive, filepath.Join(dir, e.Name()))
		case strings.HasPrefix(rest, "benign"):
			benign = append(benign, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(positive)
	sort.Strings(benign)
	return positive, benign
}

// exists reports whether a path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
