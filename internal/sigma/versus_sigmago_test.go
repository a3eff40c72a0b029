package sigma

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/evtx"
	"github.com/causeway-soc/causeway/internal/source/winevent"
	"github.com/causeway-soc/causeway/internal/source/winjson"
)

// The comparison with github.com/bradleyjkemp/sigma-go: the SigmaHQ
// Windows rules on Sysmon and Security events read by our readers, through
// both engines with the same logsource routing and field renames.
//
//	go test -run TestAgreesWithSigmaGo -v ./internal/sigma
//	go test -run '^$' -bench VersusSigmaGo -cpu 1 ./internal/sigma

// versusAtomic are OTRF atomic datasets with Security and Sysmon events.
var versusAtomic = []string{
	"otrf/datasets/atomic/windows/credential_access/host/empire_mimikatz_logonpasswords.zip",
	"otrf/datasets/atomic/windows/credential_access/host/cmd_psexec_lsa_secrets_dump.zip",
	"otrf/datasets/atomic/windows/credential_access/host/empire_dcsync_dcerpc_drsuapi_DsGetNCChanges.zip",
	"otrf/datasets/atomic/windows/credential_access/host/cmd_sam_copy_esentutl.zip",
}

// sgFeatures are the rule features sigma-go v0.6.6 does not implement (or
// implements against the specification): rules using them are left out of
// the agreement check, with the reason.
var sgFeatures = []struct{ name, reason string }{
	{"multi-document", "sigma-go parses only the first YAML document (correlations, filters)"},
	{"keywords", "sigma-go returns \"keywords unsupported\""},
	{"wildcard", "sigma-go compares * and ? literally (spec: wildcards)"},
	// Found by TestAgreesWithSigmaGo: sigma-go missed ' \\\\' (two
	// backslashes) in 6c6d9280 (certutil NTLM coercion) and 51cbac1e (wmic
	// Defender namespace), and \\\\\*\\IPC$ in 52d8b0c6 (Security 5145).
	{"escape", "sigma-go keeps backslash escapes (spec: \\\\ is one backslash, \\* a literal *)"},
	{"null", "sigma-go errors on a null value (spec: field absent or empty)"},
	{"modifier", "modifier sigma-go does not know (windash, base64offset, utf16*, exists, fieldref, expand, cased, neq, re flags)"},
}

// sgModifiers are the modifiers sigma-go v0.6.6 implements.
var sgModifiers = map[string]bool{
	"contains": true, "startswith": true, "endswith": true, "all": true, "base64": true,
	"re": true, "cidr": true, "lt": true, "lte": true, "gt": true, "gte": true,
}

// sgUnsupported returns the sgFeatures name a rule file uses, or "".
func sgUnsupported(f *winRuleFile) string {
	if f.docs != 1 {
		return "multi-document"
	}
	for _, name := range f.ours.detection.order {
		for _, m := range f.ours.detection.searches[name].maps {
			for _, it := range m {
				if it.field == "" {
					return "keywords"
				}
				for _, n := range it.mods.chain {
					if !sgModifiers[n] {
						return "modifier"
					}
				}
				if it.null {
					return "null"
				}
				for _, v := range it.values {
					if v.null {
						return "null"
					}
					if !it.mods.re && hasWildcard(v.raw) {
						return "wildcard"
					}
					if !it.mods.re && hasEscape(v.raw) {
						return "escape"
					}
				}
			}
		}
	}
	return ""
}

// hasWildcard reports an unescaped * or ? in a Sigma string value.
func hasWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\') {
				i++
			}
		case '*', '?':
			return true
		}
	}
	return false
}

// hasEscape reports a backslash escape (\\, \* or \?) in a Sigma string
// value, which sigma-go compares as written.
func hasEscape(s string) bool {
	return strings.Contains(s, `\\`) || strings.Contains(s, `\*`) || strings.Contains(s, `\?`)
}

var (
	versusOnce   sync.Once
	versusEvents []*event.Event
	versusCounts map[string]int
)

// loadVersusEvents reads the Sysmon and Security events of the LSASS
// campaign (nxlog JSON), of versusAtomic (Mordor JSON) and of the SigmaHQ
// regression EVTX files, with our readers, once. The order is interleaved
// deterministically so that any prefix is a fair sample of the whole.
func loadVersusEvents(tb testing.TB) []*event.Event {
	dir := corpora(tb)
	versusOnce.Do(func() {
		versusCounts = map[string]int{}
		var all []*event.Event
		keep := func(kind string, evs []*event.Event) {
			for _, ev := range evs {
				switch ch := ev.Value("Channel"); {
				case strings.EqualFold(ch, "Microsoft-Windows-Sysmon/Operational"):
					versusCounts[kind+" sysmon"]++
				case strings.EqualFold(ch, "Security"):
					versusCounts[kind+" security"]++
				default:
					continue
				}
				all = append(all, ev)
			}
		}
		if !testing.Short() {
			keep("lsass", readLSASS(tb))
		}
		n := &winevent.Normalizer{Principals: &event.Principals{}}
		w := source.NewWalker(source.Config{}, []source.Format{evtx.Format(n), source.JSONFormat(winjson.RecordFormats(n))})
		var paths []string
		for _, p := range versusAtomic {
			paths = append(paths, filepath.Join(dir, p))
		}
		var sink collect
		if err := w.Read(context.Background(), paths, &sink); err != nil {
			tb.Logf("reading atomic datasets: %v", err)
		}
		keep("atomic", sink.events)
		sdir := filepath.Join(dir, "sigma")
		paths = paths[:0]
		for _, c := range readRegressionIndex(tb, sdir) {
			paths = append(paths, filepath.Join(sdir, c.EVTX))
		}
		sink = collect{}
		if err := w.Read(context.Background(), paths, &sink); err != nil {
			tb.Logf("reading regression EVTX: %v", err)
		}
		keep("regression-evtx", sink.events)
		versusEvents = interleave(all)
	})
	if len(versusEvents) == 0 {
		tb.Skip("no Sysmon or Security events in the corpora")
	}
	return versusEvents
}

// interleave permutes events by a stride coprime with their count.
func interleave(evs []*event.Event) []*event.Event {
	n := len(evs)
	stride := 7919 // prime
	for n > 0 && n%stride == 0 {
		stride += 2
	}
	out := make([]*event.Event, n)
	for i := range out {
		out[i] = evs[(i*stride)%n]
	}
	return out
}

// The LSASS campaign (48k Sysmon events) is left out under -short.

// versusSample is the number of events the agreement test gives sigma-go:
// $CAUSEWAY_SIGMAGO_EVENTS ("all" for every event), else 300 under -short
// and 1,000 otherwise. Events our engine matches are always added.
func versusSample(tb testing.TB, total int) int {
	n := 1000
	if testing.Short() {
		n = 300
	}
	if s := os.Getenv("CAUSEWAY_SIGMAGO_EVENTS"); s == "all" {
		n = total
	} else if s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			tb.Fatalf("CAUSEWAY_SIGMAGO_EVENTS=%q: %v", s, err)
		}
		n = v
	}
	return min(n, total)
}

func evName(ev *event.Event) string {
	return fmt.Sprintf("%s#%s (Channel %s, EventID %s)", ev.Source.Path, ev.Source.Record, ev.Value("Channel"), ev.Value("EventID"))
}

// TestAgreesWithSigmaGo runs both engines on the Windows rules sigma-go
// supports and requires the same (rule, event) matches.
func TestAgreesWithSigmaGo(t *testing.T) {
	start := time.Now()
	rs, files, _ := loadWindowsRules(t)
	events := loadVersusEvents(t)
	loaded := time.Since(start)
	excluded := map[string]int{}
	why := map[*Rule]string{} // exclusion reason of each of our rules
	var compared []*winRuleFile
	for _, f := range files {
		if f.ours != nil {
			why[f.ours] = "in check"
		}
		switch {
		case f.ours == nil && f.sg == nil:
			excluded["loaded by neither"]++
		case f.ours == nil:
			excluded["not loaded by ours"]++
		case f.sg == nil:
			excluded["not parsed by sigma-go"]++
			why[f.ours] = "not parsed by sigma-go"
			t.Logf("sigma-go does not parse %s: %v", f.path, f.sgErr)
		default:
			if w := sgUnsupported(f); w != "" {
				excluded[w]++
				why[f.ours] = w
				continue
			}
			compared = append(compared, f)
		}
	}
	inCheck := map[*Rule]bool{}
	for _, f := range compared {
		inCheck[f.ours] = true
	}
	rt := newSGRouter(t, compared)

	// Our matches on every event; sigma-go runs on a sample plus every
	// event we match, so that our positives are all checked.
	type pair struct {
		rule string
		ev   int
	}
	ours := map[pair]bool{}
	m := rs.NewMatcher()
	n := versusSample(t, len(events))
	pick := map[int]bool{}
	for i := 0; i < n; i++ {
		pick[i] = true
	}
	oursAll := map[string]int{} // our matches on all events by exclusion reason
	for i, ev := range events {
		m.Match(ev, func(r *Rule) {
			oursAll[why[r]]++
			if inCheck[r] {
				ours[pair{r.Path, i}] = true
				pick[i] = true
			}
		})
	}
	oursTime := time.Since(start) - loaded
	theirs := map[pair]bool{}
	sgErrs := map[string]string{} // rule path -> first error
	idx := make([]int, 0, len(pick))
	for i := range pick {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		rt.match(events[i], func(u *sgUnit) { theirs[pair{u.file.path, i}] = true }, func(u *sgUnit, err error) {
			if _, ok := sgErrs[u.file.path]; !ok {
				sgErrs[u.file.path] = err.Error()
			}
		})
	}
	t.Logf("wall time: loading %v, ours on %d events %v, sigma-go on %d events %v",
		loaded, len(events), oursTime, len(idx), time.Since(start)-loaded-oursTime)
	t.Logf("rules under */windows/: %d files; ours loads %d, sigma-go parses %d", len(files), countOurs(files), countSG(files))
	t.Logf("excluded from the check: %d not parsed by sigma-go", excluded["not parsed by sigma-go"])
	for _, f := range sgFeatures {
		t.Logf("excluded from the check: %d %s: %s", excluded[f.name], f.name, f.reason)
	}
	t.Logf("our matches on all events, by rule exclusion: %v", oursAll)
	t.Logf("events: %d Sysmon+Security (%v), %d repeat a key; sigma-go ran on %d", len(events), versusCounts, repeatedKeys(events), len(idx))

	byPath := map[string]*winRuleFile{}
	for _, f := range compared {
		byPath[f.path] = f
	}
	disagree := map[string][]string{}
	for p := range ours {
		if _, bad := sgErrs[p.rule]; !bad && !theirs[p] {
			disagree[p.rule] = append(disagree[p.rule], "only ours: "+evName(events[p.ev]))
		}
	}
	for p := range theirs {
		if !ours[p] {
			disagree[p.rule] = append(disagree[p.rule], "only sigma-go: "+evName(events[p.ev]))
		}
	}
	agreed, matched := 0, map[string]bool{}
	for p := range ours {
		if theirs[p] {
			agreed++
			matched[p.rule] = true
		}
	}
	t.Logf("rules in the check: %d (%d more error in sigma-go: %v); matches: ours %d, sigma-go %d, both %d (%d rules)",
		len(compared)-len(sgErrs), len(sgErrs), summarize(sgErrs), len(ours), len(theirs), agreed, len(matched))
	paths := make([]string, 0, len(disagree))
	for p := range disagree {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		d := disagree[p]
		sort.Strings(d)
		t.Errorf("rule %s (%s): %d disagreements, e.g. %s", byPath[p].ours.ID, p, len(d), d[0])
	}
	if agreed == 0 {
		t.Error("no match in common: the comparison checked nothing")
	}
}

func countOurs(files []*winRuleFile) (n int) {
	for _, f := range files {
		if f.ours != nil {
			n++
		}
	}
	return n
}

func countSG(files []*winRuleFile) (n int) {
	for _, f := range files {
		if f.sg != nil {
			n++
		}
	}
	return n
}

// summarize counts errors by message prefix.
func summarize(errs map[string]string) map[string]int {
	out := map[string]int{}
	for _, e := range errs {
		if len(e) > 60 {
			e = e[:60]
		}
		out[e]++
	}
	return out
}

// BenchmarkVersusSigmaGo runs the SigmaHQ Windows rules on the same
// Sysmon and Security events through our engine and through sigma-go
// (rules routed by our logsource mapping, one RuleEvaluator per rule and
// target), and logs the ratio of their rates. sigma-go is slow: with the
// default -benchtime it sees the first hundred or so events of the same
// interleaved sequence. Run with -cpu 1.
func BenchmarkVersusSigmaGo(b *testing.B) {
	benchVersus(b, func(*event.Event) bool { return true })
}

// BenchmarkVersusSigmaGoProcessCreation is BenchmarkVersusSigmaGo on the
// process creation events only (Sysmon 1, Security 4688), the logsource
// with the most rules.
func BenchmarkVersusSigmaGoProcessCreation(b *testing.B) {
	benchVersus(b, func(ev *event.Event) bool {
		id := ev.Value("EventID")
		return id == "1" && strings.EqualFold(ev.Value("Channel"), "Microsoft-Windows-Sysmon/Operational") ||
			id == "4688" && strings.EqualFold(ev.Value("Channel"), "Security")
	})
}

func benchVersus(b *testing.B, keep func(*event.Event) bool) {
	rs, files, errs := loadWindowsRules(b)
	var events []*event.Event
	for _, ev := range loadVersusEvents(b) {
		if keep(ev) {
			events = append(events, ev)
		}
	}
	if len(events) == 0 {
		b.Skip("no events")
	}
	rt := newSGRouter(b, files)
	b.Logf("%d events; ours: %d rules (%d load errors); sigma-go: %d rules parsed, %d units", len(events), len(rs.Rules()), len(errs), countSG(files), rt.units)
	var ours, theirs, oursCPU, theirsCPU float64
	b.Run("causeway", func(b *testing.B) {
		cpu0 := cpuTime()
		benchMatch(b, rs, events, 0)
		ours = float64(b.N) / b.Elapsed().Seconds()
		oursCPU = float64(b.N) / (cpuTime() - cpu0).Seconds()
	})
	b.Run("sigmago", func(b *testing.B) {
		hits, fails := 0, 0
		onHit := func(*sgUnit) { hits++ }
		onErr := func(*sgUnit, error) { fails++ }
		b.ReportAllocs()
		cpu0 := cpuTime()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rt.match(events[i%len(events)], onHit, onErr)
		}
		b.StopTimer()
		theirs = float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(theirs, "events/s")
		if cpu := cpuTime() - cpu0; cpu > 0 {
			theirsCPU = float64(b.N) / cpu.Seconds()
			b.ReportMetric(theirsCPU, "events/cpu-s")
		}
		b.ReportMetric(float64(hits)/float64(b.N), "matches/event")
		b.ReportMetric(float64(fails)/float64(b.N), "errors/event")
	})
	if ours > 0 && theirs > 0 {
		b.Logf("causeway %.0f events/s, sigma-go %.1f events/s: %.0fx (CPU time: %.0f vs %.1f events/cpu-s, %.0fx)",
			ours, theirs, ours/theirs, oursCPU, theirsCPU, oursCPU/theirsCPU)
	}
}
