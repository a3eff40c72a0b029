package sigma

import (
	"fmt"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// mappingCase checks one mapped logsource on one real event: a rule that
// uses the field names SigmaHQ's rules use for that logsource must match
// the event the reader produced (or, with miss, must not: the target's
// conditions leave the event out).
type mappingCase struct {
	name      string
	events    func(testing.TB) []*event.Event
	pick      []string // key=value pairs the event has, choosing it among the file's events
	logsource string   // YAML flow mapping
	detection string   // the detection block, unindented
	miss      bool
}

func corpusEvents(rel string) func(testing.TB) []*event.Event {
	return func(tb testing.TB) []*event.Event { return readCorpus(tb, rel) }
}

func repoEvents(rel string) func(testing.TB) []*event.Event {
	return func(tb testing.TB) []*event.Event { return readRepo(tb, rel) }
}

func textEvents(name, text string) func(testing.TB) []*event.Event {
	return func(tb testing.TB) []*event.Event { return readText(tb, name, text) }
}

// mappingCases are the cases of every area, in mapping_*_test.go.
func mappingCases() []mappingCase {
	var cs []mappingCase
	cs = append(cs, linuxCases...)
	cs = append(cs, cloudCases...)
	cs = append(cs, networkCases...)
	return cs
}

func (c mappingCase) rule() string {
	var b strings.Builder
	fmt.Fprintf(&b, "title: %q\nlogsource: %s\ndetection:\n", c.name, c.logsource)
	for _, l := range strings.Split(strings.TrimSpace(c.detection), "\n") {
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}

// pickEvent returns the first event that has every key=value pair.
func pickEvent(evs []*event.Event, pairs []string) *event.Event {
	for _, ev := range evs {
		ok := true
		for _, p := range pairs {
			k, v, _ := strings.Cut(p, "=")
			if !hasField(ev, k, v) {
				ok = false
				break
			}
		}
		if ok {
			return ev
		}
	}
	return nil
}

func hasField(ev *event.Event, k, v string) bool {
	for _, f := range ev.Fields {
		if f.Key == k && f.Value == v {
			return true
		}
	}
	return false
}

func TestLogsourceMapping(t *testing.T) {
	cases := mappingCases()
	b, err := NewBuilder(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		for _, e := range b.Add(fmt.Sprintf("case%03d.yml", i), []byte(c.rule())) {
			t.Fatalf("%s: %v", c.name, e)
		}
	}
	rs, errs := b.Build()
	for _, e := range errs {
		t.Fatalf("compiling: %v", e)
	}
	for _, r := range rs.Unmapped() {
		t.Errorf("%s: logsource %+v is not mapped", r.Title, r.Logsource)
	}
	m := rs.NewMatcher()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := pickEvent(c.events(t), c.pick)
			if ev == nil {
				t.Fatalf("no event with %v", c.pick)
			}
			matched := false
			m.Match(ev, func(r *Rule) { matched = matched || r.Title == c.name })
			if matched == c.miss {
				t.Errorf("matched %v, want %v on %s event %v", matched, !c.miss, ev.Source.Format, ev.Fields)
			}
		})
	}
}
