package sigma

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/evtx"
	"github.com/causeway-soc/causeway/internal/source/winevent"
	"github.com/causeway-soc/causeway/internal/source/winjson"
)

// collect is a source.Sink that keeps events and errors.
type collect struct {
	events []*event.Event
	errs   []error
}

func (c *collect) Event(ev *event.Event) { c.events = append(c.events, ev) }
func (c *collect) Error(err error)       { c.errs = append(c.errs, err) }

// TestRegressionReaders runs the regression suite end to end through
// Causeway's own readers: each case's EVTX file (binary) and its JSON twin
// are decoded by internal/source and the events matched with the whole
// ruleset. This is the test the detection stage relies on; TestRegression
// checks the engine alone.
func TestRegressionReaders(t *testing.T) {
	rs, _ := loadSigmaHQ(t)
	dir := filepath.Join(corpora(t), "sigma")
	cases := readRegressionIndex(t, dir)
	n := &winevent.Normalizer{Principals: &event.Principals{}}
	w := source.NewWalker(source.Config{}, []source.Format{
		evtx.Format(n),
		source.JSONFormat(winjson.RecordFormats(n)),
	})
	m := rs.NewMatcher()
	pass := map[string]int{}
	for _, c := range cases {
		for kind, file := range map[string]string{"evtx": c.EVTX, "json": c.JSON} {
			var sink collect
			if err := w.Read(context.Background(), []string{filepath.Join(dir, file)}, &sink); err != nil {
				t.Errorf("reading %s: %v", file, err)
				continue
			}
			for _, err := range sink.errs {
				t.Errorf("reading %s: %v", file, err)
			}
			listed := map[string]bool{}
			for _, e := range c.Expected {
				listed[jsonInt(e.RecordID)] = true
			}
			matched := 0
			for _, ev := range sink.events {
				m.Match(ev, func(r *Rule) {
					if r.ID != c.RuleID {
						return
					}
					matched++
					if !listed[ev.Source.Record] {
						t.Errorf("%s %s: rule matched record %s, not listed", kind, c.RulePath, ev.Source.Record)
					}
				})
			}
			want := 1
			if c.MatchCount != nil {
				want = *c.MatchCount
			}
			if matched < want {
				t.Errorf("%s %s: %d matches in %d events, want >= %d", kind, c.RulePath, matched, len(sink.events), want)
				continue
			}
			pass[kind]++
		}
	}
	t.Logf("regression through the readers: EVTX %d of %d, JSON %d of %d", pass["evtx"], len(cases), pass["json"], len(cases))
}

var (
	lsassReaderOnce   sync.Once
	lsassReaderEvents []*event.Event
	lsassReaderErrs   int
)

// readLSASS decodes the campaign with the winjson readers, once.
func readLSASS(tb testing.TB) []*event.Event {
	path := filepath.Join(corpora(tb), lsassZip)
	lsassReaderOnce.Do(func() {
		n := &winevent.Normalizer{Principals: &event.Principals{}}
		w := source.NewWalker(source.Config{}, []source.Format{source.JSONFormat(winjson.RecordFormats(n))})
		var sink collect
		if err := w.Read(context.Background(), []string{path}, &sink); err != nil {
			tb.Logf("reading %s: %v", path, err)
		}
		lsassReaderEvents, lsassReaderErrs = sink.events, len(sink.errs)
	})
	return lsassReaderEvents
}

// TestReadLSASS checks that the readers decode the campaign.
func TestReadLSASS(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	evs := readLSASS(t)
	t.Logf("%d events, %d errors", len(evs), lsassReaderErrs)
}

// BenchmarkMatchLSASSReader is BenchmarkMatchLSASS on the events the nxlog
// reader of internal/source/winjson produces from the same campaign.
func BenchmarkMatchLSASSReader(b *testing.B) {
	rs, _ := loadSigmaHQ(b)
	benchMatch(b, rs, readLSASS(b), 0)
}
