package sigma

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// lsassZip is an OTRF compound dataset: ~54k Windows events (Sysmon,
// Security, PowerShell) of a real Metasploit-to-LSASS-dump campaign, as
// nxlog flat JSON lines.
const lsassZip = "otrf-compound/LSASS_campaign_01/metasploit_logonpasswords_lsass_memory_dump.zip"

var (
	lsassOnce   sync.Once
	lsassEvents []*event.Event
	lsassBytes  int64
	lsassErr    error
)

// loadLSASS reads the campaign into events, one field per flat JSON key
// (numbers as written, nested values skipped). It stands in for the nxlog
// reader so that the engine is measured on its own.
func loadLSASS(tb testing.TB) ([]*event.Event, int64) {
	path := filepath.Join(corpora(tb), lsassZip)
	lsassOnce.Do(func() {
		zr, err := zip.OpenReader(path)
		if err != nil {
			lsassErr = err
			return
		}
		defer zr.Close()
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				lsassErr = err
				return
			}
			sc := bufio.NewScanner(rc)
			sc.Buffer(nil, 16<<20)
			for line := 0; sc.Scan(); line++ {
				lsassBytes += int64(len(sc.Bytes()) + 1)
				var m map[string]json.RawMessage
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					continue
				}
				ev := &event.Event{Source: event.Source{Format: "winjson-nxlog", Path: f.Name, Record: strconv.Itoa(line)}}
				keys := make([]string, 0, len(m))
				for k := range m {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					raw := m[k]
					var s string
					switch {
					case len(raw) > 0 && raw[0] == '"':
						if json.Unmarshal(raw, &s) != nil {
							continue
						}
					case len(raw) > 0 && (raw[0] == '{' || raw[0] == '[' || raw[0] == 'n'):
						continue
					default:
						s = string(raw)
					}
					ev.Fields = append(ev.Fields, event.Field{Key: k, Value: s})
				}
				lsassEvents = append(lsassEvents, ev)
			}
			rc.Close()
			if err := sc.Err(); err != nil {
				lsassErr = err
				return
			}
		}
	})
	if lsassErr != nil {
		tb.Skipf("reading %s: %v", path, lsassErr)
	}
	return lsassEvents, lsassBytes
}

// BenchmarkMatchLSASS matches the whole SigmaHQ ruleset (3,780 rules) on
// every event of the LSASS campaign. Run with -cpu 1.
func BenchmarkMatchLSASS(b *testing.B) {
	events, size := loadLSASS(b)
	rs, _ := loadSigmaHQ(b)
	benchMatch(b, rs, events, size)
}

// BenchmarkMatchProcessCreation matches only the campaign's process
// creation events, the logsource with the most rules (1,416).
func BenchmarkMatchProcessCreation(b *testing.B) {
	events, _ := loadLSASS(b)
	rs, _ := loadSigmaHQ(b)
	var pc []*event.Event
	for _, ev := range events {
		if ev.Value("EventID") == "1" && ev.Value("Channel") == "Microsoft-Windows-Sysmon/Operational" {
			pc = append(pc, ev)
		}
	}
	benchMatch(b, rs, pc, 0)
}

func benchMatch(b *testing.B, rs *Ruleset, events []*event.Event, size int64) {
	if len(events) == 0 {
		b.Skip("no events")
	}
	m := rs.NewMatcher()
	hits := 0
	fn := func(*Rule) { hits++ }
	if size > 0 {
		b.SetBytes(size / int64(len(events)))
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Match(events[i%len(events)], fn)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	// On a shared machine wall time overstates the cost; CPU time of the
	// process (one core with -cpu 1, GC included) does not.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "events/cpu-s")
	}
	b.ReportMetric(float64(hits)/float64(b.N), "matches/event")
}

// TestRulesetMemory reports the heap held by the full SigmaHQ ruleset.
func TestRulesetMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := filepath.Join(corpora(t), "sigma")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rs, _ := Load(Config{}, os.DirFS(dir), sigmaRoots...)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("%d rules, %d units: %.1f MiB heap", len(rs.Rules()), len(rs.units), float64(after.HeapAlloc-before.HeapAlloc)/(1<<20))
	runtime.KeepAlive(rs)
}

// TestLSASSMatches runs the ruleset over the campaign and logs the rules
// that fire, as a sanity check of the false-positive rate.
func TestLSASSMatches(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	events, _ := loadLSASS(t)
	rs, _ := loadSigmaHQ(t)
	count := map[*Rule]int{}
	m := rs.NewMatcher()
	for _, ev := range events {
		m.Match(ev, func(r *Rule) { count[r]++ })
	}
	rules := make([]*Rule, 0, len(count))
	total := 0
	for r, n := range count {
		rules = append(rules, r)
		total += n
	}
	sort.Slice(rules, func(i, j int) bool { return count[rules[i]] > count[rules[j]] })
	for _, r := range rules {
		t.Logf("%6d %-8s %s", count[r], r.Level, r.Title)
	}
	t.Logf("%d matches of %d rules on %d events", total, len(rules), len(events))
	if len(rules) == 0 {
		t.Error("no rule fired on a campaign that dumps LSASS")
	}
}

// TestPrefilterSound matches the campaign and the regression events with
// and without the literal prefilter: the matches must be the same.
func TestPrefilterSound(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	events, _ := loadLSASS(t)
	rs, _ := loadSigmaHQ(t)
	dir := filepath.Join(corpora(t), "sigma")
	for _, c := range readRegressionIndex(t, dir) {
		evs, err := readEvtxDumpJSON(filepath.Join(dir, c.JSON))
		if err != nil {
			t.Fatal(err)
		}
		events = append(events[:len(events):len(events)], evs...)
	}
	fast, full := rs.NewMatcher(), rs.NewMatcher()
	full.exhaustive = true
	var a, b []*Rule
	n := 0
	for _, ev := range events {
		a, b = a[:0], b[:0]
		fast.Match(ev, func(r *Rule) { a = append(a, r) })
		full.Match(ev, func(r *Rule) { b = append(b, r) })
		n += len(b)
		if len(a) != len(b) {
			t.Fatalf("event %s %s: prefilter gave %d rules, exhaustive %d", ev.Source.Path, ev.Source.Record, len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("event %s %s: prefilter gave %s, exhaustive %s", ev.Source.Path, ev.Source.Record, a[i].Title, b[i].Title)
			}
		}
	}
	t.Logf("%d events, %d matches, same with and without prefilter", len(events), n)
}
