package sigma

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// corpora returns the shared corpora folder: $CAUSEWAY_CORPORA, else
// <module root>/../shared/corpora. It skips the test when absent.
func corpora(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CAUSEWAY_CORPORA")
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir = filepath.Join(d, "..", "shared", "corpora")
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if st, err := os.Stat(dir); dir == "" || err != nil || !st.IsDir() {
		t.Skipf("corpora not found (set CAUSEWAY_CORPORA): %q", dir)
	}
	return dir
}

// sigmaRoots are the SigmaHQ rule folders.
var sigmaRoots = []string{"rules", "rules-compliance", "rules-dfir", "rules-emerging-threats", "rules-placeholder", "rules-threat-hunting"}

var (
	sigmaOnce   sync.Once
	sigmaRules  *Ruleset
	sigmaErrors []*LoadError
)

// loadSigmaHQ loads every SigmaHQ rule once per test binary.
func loadSigmaHQ(t testing.TB) (*Ruleset, []*LoadError) {
	dir := filepath.Join(corpora(t), "sigma")
	sigmaOnce.Do(func() {
		sigmaRules, sigmaErrors = Load(Config{}, os.DirFS(dir), sigmaRoots...)
	})
	return sigmaRules, sigmaErrors
}

func TestLoadSigmaHQ(t *testing.T) {
	rs, errs := loadSigmaHQ(t)
	for _, e := range errs {
		t.Logf("not loaded: %v", e)
	}
	total := len(rs.Rules()) + len(errs)
	if total != 3780 {
		t.Errorf("saw %d rule files, want 3780", total)
	}
	rate := float64(len(rs.Rules())) / float64(total)
	t.Logf("compiled %d of %d rules (%.2f%%), %d units, %d fields, %d with unmapped logsource",
		len(rs.Rules()), total, 100*rate, len(rs.units), len(rs.fieldNames), len(rs.Unmapped()))
	if rate < 0.995 {
		t.Errorf("compiled %.2f%% of rules, want >= 99.5%%", 100*rate)
	}
	perRoot := map[string][2]int{}
	for _, r := range rs.Rules() {
		root := strings.SplitN(r.Path, "/", 2)[0]
		c := perRoot[root]
		c[0]++
		perRoot[root] = c
	}
	for _, e := range errs {
		root := strings.SplitN(e.Path, "/", 2)[0]
		c := perRoot[root]
		c[1]++
		perRoot[root] = c
	}
	for _, root := range sigmaRoots {
		t.Logf("%-24s compiled %4d, failed %d", root, perRoot[root][0], perRoot[root][1])
	}
	unmapped := map[string]int{}
	for _, r := range rs.Unmapped() {
		unmapped[r.Logsource.Product+"/"+r.Logsource.Category+r.Logsource.Service]++
	}
	t.Logf("unmapped logsources (compiled, never match until mapped): %v", unmapped)
	for _, e := range errs {
		if e.Path == "" || e.Err == nil {
			t.Errorf("load error without path or reason: %+v", e)
		}
	}
}
