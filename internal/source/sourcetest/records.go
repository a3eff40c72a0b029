package sourcetest

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// Flatten flattens raw with fl or fails the test.
func Flatten(t testing.TB, fl *jsonrec.Flattener, raw string) jsonrec.Record {
	t.Helper()
	rec, err := fl.Flatten(raw)
	if err != nil {
		t.Fatalf("flattening %.80s: %v", raw, err)
	}
	return rec
}

// Lines returns the non-empty lines of the file at path, trimmed.
func Lines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return appendLines(nil, b)
}

// ZipMember is one file of a zip archive.
type ZipMember struct {
	Name string
	Data []byte
}

// ZipMembers reads every member of the zip archive at path, in order.
func ZipMembers(t testing.TB, path string) []ZipMember {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []ZipMember
	for _, m := range zr.File {
		rc, err := m.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ZipMember{Name: m.Name, Data: b})
	}
	return out
}

// ZipLines returns the non-empty lines of every member of a zip archive,
// trimmed.
func ZipLines(t testing.TB, path string) []string {
	t.Helper()
	var out []string
	for _, m := range ZipMembers(t, path) {
		out = appendLines(out, m.Data)
	}
	return out
}

func appendLines(out []string, b []byte) []string {
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// PantherLogs reads a Panther rule_tests file, one test per line with the
// record under "log", and returns the raw records.
func PantherLogs(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var w struct {
			Log json.RawMessage `json:"log"`
		}
		if err := json.Unmarshal([]byte(line), &w); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, string(w.Log))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Summary is the golden view of a normalized event: everything but the
// fields themselves, which are counted.
type Summary struct {
	Record  string        `json:"record,omitempty"`
	ID      string        `json:"id"`
	Time    string        `json:"time"`
	Class   event.Class   `json:"class"`
	Action  string        `json:"action"`
	Outcome event.Outcome `json:"outcome,omitempty"`
	Refs    []event.Ref   `json:"refs"`
	Notes   []string      `json:"notes,omitempty"`
	Fields  int           `json:"fields"`
}

// Summarize returns the Summary of ev.
func Summarize(ev *event.Event) Summary {
	s := Summary{Record: ev.Source.Record, Class: ev.Class, Action: ev.Action, Outcome: ev.Outcome,
		Refs: ev.Refs, Notes: ev.Notes, Fields: len(ev.Fields)}
	if !ev.ID.IsZero() {
		s.ID = ev.ID.String()
	}
	if !ev.Time.IsZero() {
		s.Time = ev.Time.Format(time.RFC3339Nano)
	}
	return s
}

// CheckEvent fails on a normalized event that breaks the model's rules:
// times in UTC, entity references with a kind, an id and a role.
func CheckEvent(t testing.TB, ev *event.Event) {
	t.Helper()
	if !ev.Time.IsZero() && ev.Time.Location() != time.UTC {
		t.Fatalf("time %v not in UTC", ev.Time)
	}
	for _, r := range ev.Refs {
		if r.Entity.ID == "" || r.Entity.Kind == "" || r.Role == "" {
			t.Fatalf("incomplete reference %+v", r)
		}
	}
}

// Normalize runs each raw record through f as the JSON decoder does
// (flatten, match, normalize) and returns the events. A record that does
// not flatten fails the test; one that does not match f or does not
// normalize is an error of the test, and is left out.
func Normalize(t testing.TB, f source.RecordFormat, raws []string) []*event.Event {
	t.Helper()
	fl := jsonrec.NewFlattener()
	var out []*event.Event
	for i, raw := range raws {
		rec := Flatten(t, fl, raw)
		if !f.Match(&rec) {
			t.Errorf("record %d does not match %s: %.120s", i, f.Name, raw)
			continue
		}
		ev := &event.Event{Fields: rec.Fields}
		if err := f.Normalize(&rec, ev); err != nil {
			t.Errorf("record %d: %v", i, err)
			continue
		}
		out = append(out, ev)
	}
	return out
}

// Summaries returns the Summary of each event.
func Summaries(evs []*event.Event) []Summary {
	out := make([]Summary, len(evs))
	for i, ev := range evs {
		out[i] = Summarize(ev)
	}
	return out
}

// CheckMatch checks that match, a RecordFormat's Match, gives want for the
// JSON record raw.
func CheckMatch(t testing.TB, match func(*jsonrec.Record) bool, raw string, want bool) {
	t.Helper()
	rec := Flatten(t, jsonrec.NewFlattener(), raw)
	if got := match(&rec); got != want {
		t.Errorf("Match(%.120s) = %v, want %v", raw, got, want)
	}
}
