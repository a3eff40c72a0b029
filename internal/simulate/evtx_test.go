package simulate_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/eval"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate"
)

func runEVTX(t *testing.T) (string, simulate.Summary, []*event.Event) { return simulatedEVTX.get(t) }

func TestEVTXReadersReadEverything(t *testing.T) {
	dir, sum, events := runEVTX(t)
	for i, err := range simulatedEVTX.errs {
		if i < 10 {
			t.Errorf("reading simulated telemetry: %v", err)
		}
	}
	if n := len(simulatedEVTX.errs); n > 0 {
		t.Fatalf("%d read errors", n)
	}
	if int64(len(events)) != sum.Events {
		t.Errorf("read %d events, the simulator wrote %d", len(events), sum.Events)
	}
	formats := map[string]int64{}
	for _, ev := range events {
		formats[ev.Source.Format]++
	}
	if formats["evtx"] != sum.Sources["windows"] || formats["evtx"] == 0 || formats["winjson-evtxdump"] != 0 {
		t.Errorf("read %d EVTX and %d JSON Windows events, the simulator wrote %d", formats["evtx"], formats["winjson-evtxdump"], sum.Sources["windows"])
	}
	name := regexp.MustCompile(`^windows/[a-z0-9-]+/(Security|Microsoft-Windows-Sysmon%4Operational)-\d{4}\.evtx$`)
	files := 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(d.Name(), ".yaml") {
			return err
		}
		files++
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(rel, "windows/") && !name.MatchString(filepath.ToSlash(rel)) {
			t.Errorf("Windows file %s is not named as an event log", rel)
		}
		return nil
	})
	if files != sum.Files {
		t.Errorf("%d telemetry files on disk, summary says %d", files, sum.Files)
	}
}

// TestEVTXMatchesJSON checks that the same run written as EVTX and as
// evtx_dump JSON reads back to the same Windows events: same ids (computer,
// channel, record id), times, classes, actions, outcomes, entities, notes
// and fields.
func TestEVTXMatchesJSON(t *testing.T) {
	_, jsum, jevents := run(t)
	_, esum, eevents := runEVTX(t)
	if !reflect.DeepEqual(jsum.Sources, esum.Sources) {
		t.Fatalf("records by source: JSON run %v, EVTX run %v", jsum.Sources, esum.Sources)
	}
	fromJSON := map[event.ID]*event.Event{}
	for _, ev := range jevents {
		if ev.Source.Format == "winjson-evtxdump" {
			fromJSON[ev.ID] = ev
		}
	}
	compared, differ := 0, 0
	for _, ev := range eevents {
		if ev.Source.Format != "evtx" {
			continue
		}
		j, ok := fromJSON[ev.ID]
		if !ok {
			t.Fatalf("EVTX record %s of %s has no JSON twin", ev.Source.Record, ev.Source.Path)
		}
		delete(fromJSON, ev.ID)
		compared++
		if d := eventDiff(ev, j); d != "" {
			if differ++; differ <= 5 {
				t.Errorf("record %s of %s: %s", ev.Source.Record, ev.Source.Path, d)
			}
		}
	}
	if len(fromJSON) > 0 || compared == 0 {
		t.Errorf("%d JSON events have no EVTX twin, %d compared", len(fromJSON), compared)
	}
	if differ > 0 {
		t.Errorf("%d of %d events differ", differ, compared)
	}
}

// eventDiff describes how two events of one record differ, Source aside.
// The EVTX reader renders strings as evtx_dump does, without trailing
// white space (the simulated Security events keep Windows' padded
// "Advapi  " and "User32 " logon processes in JSON).
func eventDiff(a, j *event.Event) string {
	switch {
	case !a.Time.Equal(j.Time):
		return fmt.Sprintf("time %s != %s", a.Time, j.Time)
	case a.Class != j.Class || a.Action != j.Action || a.Outcome != j.Outcome:
		return fmt.Sprintf("class %s/%s/%s != %s/%s/%s", a.Class, a.Action, a.Outcome, j.Class, j.Action, j.Outcome)
	case !reflect.DeepEqual(a.Refs, j.Refs):
		return fmt.Sprintf("refs\n evtx %v\n json %v", a.Refs, j.Refs)
	case !reflect.DeepEqual(a.Notes, j.Notes):
		return fmt.Sprintf("notes %q != %q", a.Notes, j.Notes)
	case len(a.Fields) != len(j.Fields):
		return fmt.Sprintf("fields\n evtx %v\n json %v", a.Fields, j.Fields)
	}
	for i, f := range a.Fields {
		g := j.Fields[i]
		if f.Key != g.Key || f.Value != strings.TrimRight(g.Value, " \t\r\n") {
			return fmt.Sprintf("field %d: evtx %q=%q, json %q=%q", i, f.Key, f.Value, g.Key, g.Value)
		}
	}
	return ""
}

// TestEVTXScenariosMatchTheTelemetry checks that every id of every
// campaign's truth is an entity of an event read back from the run whose
// Windows events are EVTX files.
func TestEVTXScenariosMatchTheTelemetry(t *testing.T) {
	_, sum, events := runEVTX(t)
	ids := map[string]bool{}
	for _, ev := range events {
		for _, r := range ev.Refs {
			ids[r.Entity.ID] = true
		}
	}
	if len(sum.Scenarios) != len(simulate.Campaigns()) {
		t.Fatalf("%d scenarios, want one per campaign", len(sum.Scenarios))
	}
	windows := 0
	for _, sc := range sum.Scenarios {
		s, err := eval.Load(sc.Path)
		if err != nil {
			t.Fatalf("loading %s: %v", sc.Path, err)
		}
		all := append(append(append(append([]string{}, s.Truth.RootCause...), s.Truth.Entities...), s.Truth.DataAccessed...), s.Truth.Benign...)
		all = append(all, s.Truth.FirstCompromised)
		var missing []string
		for _, id := range all {
			if !ids[id] {
				missing = append(missing, id)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: %d truth ids occur in no event: %v", sc.Name, len(missing), missing)
		}
		for _, in := range s.Inputs {
			if strings.Contains(in, simulate.DirWindows) {
				windows++
			}
		}
	}
	if windows == 0 {
		t.Error("no campaign reads the Windows events")
	}
}

func TestEVTXSameSeedSameBytes(t *testing.T) {
	cfg := simulate.Config{Seed: 42, Rate: 0.1, Duration: 24 * time.Hour, WindowsFormat: simulate.WindowsEVTX,
		Campaigns: []string{"ransomware"}}
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := simulate.Run(context.Background(), cfg, dir, nil); err != nil {
			t.Fatal(err)
		}
	}
	fa, fb := tree(t, filepath.Join(a, simulate.DirWindows)), tree(t, filepath.Join(b, simulate.DirWindows))
	if len(fa) == 0 || len(fa) != len(fb) {
		t.Fatalf("runs wrote %d and %d Windows files", len(fa), len(fb))
	}
	for name, data := range fa {
		if !strings.HasSuffix(name, ".evtx") {
			t.Errorf("%s is not an EVTX file", name)
		}
		if fb[name] != data {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
}

func TestUnknownWindowsFormat(t *testing.T) {
	_, err := simulate.Run(context.Background(), simulate.Config{WindowsFormat: "xml"}, t.TempDir(), nil)
	if err == nil || !strings.Contains(err.Error(), `unknown Windows format "xml"`) {
		t.Errorf("WindowsFormat xml: got %v", err)
	}
}

// TestEVTXIndependentParser reads the largest simulated EVTX file with
// python-evtx's evtx_dump.py (Debian's python3-evtx), a parser written
// from the format's documentation apart from this project, and checks
// that it finds every record with the record ids and event ids the
// project's reader finds.
func TestEVTXIndependentParser(t *testing.T) {
	tool, err := exec.LookPath("evtx_dump.py")
	if err != nil {
		t.Skip("evtx_dump.py not on PATH (apt-get install python3-evtx)")
	}
	dir, _, events := runEVTX(t)
	var path string
	var size int64
	_ = filepath.WalkDir(filepath.Join(dir, simulate.DirWindows), func(p string, d fs.DirEntry, err error) error {
		if info, e := d.Info(); err == nil && e == nil && !d.IsDir() && info.Size() > size {
			path, size = p, info.Size()
		}
		return nil
	})
	want := map[string]string{} // record id -> event id
	for _, ev := range events {
		if ev.Source.Path == path {
			want[ev.Source.Record] = ev.Value("EventID")
		}
	}
	out, err := exec.Command(tool, path).Output()
	if err != nil {
		t.Fatalf("%s %s: %v", tool, path, err)
	}
	got := map[string]string{}
	for _, rec := range parseDump(t, out) {
		got[rec.RecordID] = rec.EventID
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: evtx_dump.py read %d records, the project's reader %d; they differ", path, len(got), len(want))
	}
}

// dumpedEvent is what the test reads of an event rendered by evtx_dump.py.
type dumpedEvent struct {
	EventID  string `xml:"System>EventID"`
	RecordID string `xml:"System>EventRecordID"`
}

// parseDump parses evtx_dump.py's output: an XML 1.1 declaration, which
// encoding/xml refuses, and the events inside <Events>.
func parseDump(t *testing.T, out []byte) []dumpedEvent {
	t.Helper()
	if i := bytes.Index(out, []byte("?>")); bytes.HasPrefix(out, []byte("<?xml")) && i > 0 {
		out = out[i+2:]
	}
	var doc struct {
		Events []dumpedEvent `xml:"Event"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("parsing evtx_dump.py output: %v", err)
	}
	return doc.Events
}
