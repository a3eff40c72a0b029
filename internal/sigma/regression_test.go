package sigma

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// regressionCase is one line of SigmaHQ's regression_index.jsonl.
type regressionCase struct {
	RuleID     string `json:"rule_id"`
	Title      string `json:"title"`
	RulePath   string `json:"rule_path"`
	JSON       string `json:"json"`
	EVTX       string `json:"evtx"`
	MatchCount *int   `json:"match_count"`
	Expected   []struct {
		RecordID int64 `json:"record_id"`
	} `json:"expected_events"`
}

func readRegressionIndex(t testing.TB, dir string) []regressionCase {
	f, err := os.Open(filepath.Join(dir, "regression_index.jsonl"))
	if err != nil {
		t.Skipf("no regression index: %v", err)
	}
	defer f.Close()
	var cases []regressionCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c regressionCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("regression index line %d: %v", len(cases)+1, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestRegression runs every SigmaHQ regression case on the JSON twin of its
// EVTX file with the whole ruleset loaded: the case's rule must match at
// least match_count events (1 when null), all of them listed.
func TestRegression(t *testing.T) {
	rs, _ := loadSigmaHQ(t)
	dir := filepath.Join(corpora(t), "sigma")
	cases := readRegressionIndex(t, dir)
	if len(cases) != 202 {
		t.Errorf("regression index has %d cases, want 202", len(cases))
	}
	m := rs.NewMatcher()
	pass := 0
	for _, c := range cases {
		ok := t.Run(filepath.Base(filepath.Dir(c.JSON)), func(t *testing.T) {
			events, err := readEvtxDumpJSON(filepath.Join(dir, c.JSON))
			if err != nil {
				t.Fatalf("reading %s: %v", c.JSON, err)
			}
			listed := map[string]bool{}
			for _, e := range c.Expected {
				listed[jsonInt(e.RecordID)] = true
			}
			var matched []string
			for _, ev := range events {
				m.Match(ev, func(r *Rule) {
					if r.ID == c.RuleID {
						matched = append(matched, ev.Source.Record)
					}
				})
			}
			want := 1
			if c.MatchCount != nil {
				want = *c.MatchCount
			}
			if len(matched) < want {
				t.Errorf("rule %s (%s): %d matches in %d events, want >= %d", c.RuleID, c.RulePath, len(matched), len(events), want)
			}
			for _, id := range matched {
				if !listed[id] {
					t.Errorf("rule %s matched record %s, not listed", c.RuleID, id)
				}
			}
		})
		if ok {
			pass++
		}
	}
	t.Logf("regression: %d of %d cases pass", pass, len(cases))
}

func jsonInt(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestConcurrentMatch runs Ruleset.Match from several goroutines (run with
// -race): the ruleset is shared, matchers come from the pool.
func TestConcurrentMatch(t *testing.T) {
	rs, _ := loadSigmaHQ(t)
	dir := filepath.Join(corpora(t), "sigma")
	var events []*event.Event
	for _, c := range readRegressionIndex(t, dir)[:40] {
		evs, err := readEvtxDumpJSON(filepath.Join(dir, c.JSON))
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, evs...)
	}
	want := 0
	for _, ev := range events {
		rs.Match(ev, func(*Rule) { want++ })
	}
	var wg sync.WaitGroup
	got := make([]int, 4)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, ev := range events {
				rs.Match(ev, func(*Rule) { got[g]++ })
			}
		}()
	}
	wg.Wait()
	for g, n := range got {
		if n != want {
			t.Errorf("goroutine %d: %d matches, want %d", g, n, want)
		}
	}
}
