package rules_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/causeway-soc/causeway/internal/app"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/rules"
)

// TestSamples checks every rule file against the samples beside it: each
// must have positive samples it fires on and benign ones it stays quiet on
// (x.positive.* and x.benign.*, in any format the app reads). The whole
// pack runs on each sample, so correlations see their rules; only findings
// of the file's own rules and correlations count.
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
				samples, err := filepath.Glob(filepath.Join(filepath.FromSlash(dir), stem+"."+kind+".*"))
				if err != nil || len(samples) == 0 {
					t.Errorf("missing %s sample %s.%s.*", kind, stem, kind)
					continue
				}
				for _, sample := range samples {
					evs := readSample(t, sample)
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
			}
		})
	}
}

// firstReference is how the first reference of a rule file starts: the
// Stratus Red Team page of the technique for AWS rules (which are tested
// against its detonations), the ATT&CK technique page for the others.
func firstReference(file string) string {
	if strings.HasPrefix(file, "aws/") {
		return "https://stratus-red-team.cloud/attack-techniques/AWS/"
	}
	return "https://attack.mitre.org/techniques/T"
}

// readSample reads a sample with every reader the app has (CloudTrail,
// Windows event JSON, syslog, Okta, ...), the way `causeway rules test`
// does. Syslog stamps without a year are read in 2026, the pack's date.
func readSample(t *testing.T, path string) []*event.Event {
	t.Helper()
	rc := app.ReadConfig{Principals: &event.Principals{}, Year: 2026, Now: time.Now}
	var sink sourcetest.Sink
	if err := source.NewWalker(source.Config{}, app.Formats(rc)).Read(context.Background(), []string{path}, &sink); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	for _, err := range sink.Errs {
		t.Errorf("reading %s: %v", path, err)
	}
	return sink.Events
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
			if want := firstReference(y); len(refs) == 0 || !strings.HasPrefix(fmt.Sprint(refs[0]), want) {
				t.Errorf("%s: the first reference should start with %s", y, want)
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
