package mde

import (
	"archive/zip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

var update = flag.Bool("update", false, "rewrite golden files")

// corpora returns the shared corpora folder: $CAUSEWAY_CORPORA, else
// ../shared/corpora next to the module root. It skips the test when absent.
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
	if fi, err := os.Stat(dir); dir == "" || err != nil || !fi.IsDir() {
		t.Skipf("corpora not found (set CAUSEWAY_CORPORA): %q", dir)
	}
	return dir
}

// flatten flattens raw or fails the test.
func flatten(t testing.TB, fl *jsonrec.Flattener, raw string) jsonrec.Record {
	t.Helper()
	rec, err := fl.Flatten(raw)
	if err != nil {
		t.Fatalf("flattening %.80s: %v", raw, err)
	}
	return rec
}

// summary is the golden view of a normalized event: everything but Fields.
type summary struct {
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

func summarize(ev *event.Event) summary {
	s := summary{Record: ev.Source.Record, Class: ev.Class, Action: ev.Action, Outcome: ev.Outcome,
		Refs: ev.Refs, Notes: ev.Notes, Fields: len(ev.Fields)}
	if !ev.ID.IsZero() {
		s.ID = ev.ID.String()
	}
	if !ev.Time.IsZero() {
		s.Time = ev.Time.Format(time.RFC3339Nano)
	}
	return s
}

// golden compares got, as indented JSON, with testdata/name.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(b) {
		t.Errorf("%s differs from the golden file (run with -update and review the diff):\n%s", path, b)
	}
}

// fixtureLines reads a JSON-lines fixture from testdata.
func fixtureLines(t testing.TB, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// zipLines returns the non-empty lines of every member of a zip archive.
func zipLines(t testing.TB, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
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
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// checkEvent fails on a normalized event that breaks the model's rules:
// times in UTC, entity references with a kind and an id.
func checkEvent(t *testing.T, ev *event.Event) {
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

// reportRates reports events per wall-clock second and, where the CPU
// clock is known, per CPU second since cpu0.
func reportRates(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if d := cpuClock() - cpu0; cpu0 > 0 && d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), "events/cpu-s")
	}
}
