package syslog

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// goldenEvent is the stable rendering of an event in golden files.
type goldenEvent struct {
	ID      string      `json:"id"`
	Time    string      `json:"time"`
	Offset  int64       `json:"offset"`
	Record  string      `json:"record"`
	Class   event.Class `json:"class"`
	Action  string      `json:"action"`
	Outcome string      `json:"outcome,omitempty"`
	Refs    []string    `json:"refs"`
	Fields  [][2]string `json:"fields"`
	Notes   []string    `json:"notes,omitempty"`
}

func render(evs []*event.Event) []byte {
	var buf bytes.Buffer
	for _, ev := range evs {
		g := goldenEvent{
			ID: ev.ID.String(), Time: ev.Time.Format(time.RFC3339Nano), Offset: ev.Source.Offset,
			Record: ev.Source.Record, Class: ev.Class, Action: ev.Action, Outcome: string(ev.Outcome), Notes: ev.Notes,
		}
		for _, r := range ev.Refs {
			g.Refs = append(g.Refs, string(r.Role)+" "+r.Entity.ID+" ("+r.Entity.Name+")")
		}
		for _, f := range ev.Fields {
			g.Fields = append(g.Fields, [2]string{f.Key, f.Value})
		}
		b, err := json.Marshal(g)
		if err != nil {
			panic(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".jsonl")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: output differs from %s (run with -update after checking):\n%s", name, path, got)
	}
}

// TestGolden pins whole events, entity ids included, for a hand-written
// auth log that exercises every program parser, the header forms, audit
// records inside syslog and a Sysmon for Linux record.
func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/auth.log")
	if err != nil {
		t.Fatal(err)
	}
	c := decodeBytes(t, "auth.log", data, Config{Year: 2023})
	var errs bytes.Buffer
	for _, e := range c.errs {
		errs.WriteString(e.Error() + "\n")
	}
	checkGolden(t, "auth", append(render(c.events), errs.Bytes()...))
}
