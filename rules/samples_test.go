package rules_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/causeway-soc/causeway/rules"
)

// TestSamples checks every rule file against the samples beside it: each
// must have a positive sample it fires on and a benign one it stays quiet
// on. The whole pack runs on each sample, so correlations see their rules;
// only findings of the file's own rules and correlations count.
func TestSamples(t *testing.T) {
	rs := loadPack(t)
	files := ruleFiles(rs)
	stems := map[string]bool{}
	for _, stem := range files {
		stems[stem] = true
	}
	ymls, err := fs.Glob(rules.FS, "*/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(ymls) == 0 {
		t.Fatal("no rule files embedded")
	}
	for _, y := range ymls {
		stem := strings.TrimSuffix(path.Base(y), path.Ext(y))
		if !stems[stem] {
			t.Errorf("%s: no rule loaded from it", y)
			continue
		}
		dir := path.Dir(y)
		t.Run(stem, func(t *testing.T) {
			for _, kind := range []string{"positive", "benign"} {
				sample := path.Join(dir, stem+"."+kind+".json")
				if _, err := os.Stat(sample); err != nil {
					t.Errorf("missing %s sample: %v", kind, err)
					continue
				}
				evs := readEvents(t, sample)
				if len(evs) == 0 {
					t.Errorf("%s: no events", sample)
					continue
				}
				n := 0
				for _, f := range detectAll(rs, evs) {
					if files[f.Rule.ID] == stem {
						n++
					}
				}
				switch {
				case kind == "positive" && n == 0:
					t.Errorf("%s: the rule did not fire on %d events", sample, len(evs))
				case kind == "benign" && n > 0:
					t.Errorf("%s: the rule fired %d times", sample, n)
				}
			}
		})
	}
}

// TestPackMetadata checks the conventions every rule file of the pack
// follows: the first document carries the full metadata (a rule, or a
// correlation with its inputs after it), ids are unique, and rules that feed
// a correlation do not alert on their own.
func TestPackMetadata(t *testing.T) {
	rs := loadPack(t)
	ymls, err := fs.Glob(rules.FS, "*/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, y := range ymls {
		data, err := fs.ReadFile(rules.FS, y)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for i := 0; ; i++ {
			var doc map[string]any
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", y, err)
			}
			want := []string{"title", "id", "status", "description", "references", "author", "date", "tags", "falsepositives", "level"}
			if i > 0 {
				want = []string{"title", "id", "name", "logsource", "detection"}
			}
			for _, k := range want {
				if doc[k] == nil {
					t.Errorf("%s document %d: no %s", y, i+1, k)
				}
			}
			id, _ := doc["id"].(string)
			if prev, ok := ids[id]; ok {
				t.Errorf("%s: id %s already used in %s", y, id, prev)
			}
			ids[id] = y
			if i > 0 {
				continue
			}
			if doc["status"] != "experimental" || doc["author"] != "Causeway" || !strings.HasPrefix(fmt.Sprint(doc["date"]), "2026-11-22") {
				t.Errorf("%s: want status experimental, author Causeway, date 2026-11-22", y)
			}
			refs, _ := doc["references"].([]any)
			if len(refs) == 0 || !strings.HasPrefix(fmt.Sprint(refs[0]), "https://stratus-red-team.cloud/attack-techniques/AWS/") {
				t.Errorf("%s: the first reference should be the Stratus Red Team technique page", y)
			}
		}
	}
	names := map[string]bool{}
	for _, c := range rs.Correlations() {
		for _, r := range c.Rules {
			names[r] = true
		}
	}
	for _, r := range rs.Rules() {
		if names[r.Name] && !r.CorrelationOnly {
			t.Errorf("%s: %q feeds a correlation but alerts on its own", r.Path, r.Title)
		}
	}
}
