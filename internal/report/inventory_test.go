package report

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

func TestInventory(t *testing.T) {
	inv := NewInventory()
	t0 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		ev := &event.Event{Time: t0.Add(time.Duration(i) * time.Minute), Source: event.Source{Format: "okta"}, Class: event.ClassAuth}
		ev.AddRef(event.RoleHost, event.Host("WS1"))
		inv.Event(ev)
	}
	for i := range 5 { // one kind of error, five times, in one file
		inv.Error(&source.Error{Path: "a.json", Offset: int64(100 * i), Format: "json", Err: fmt.Errorf("%w (keys: x%d)", source.ErrUnknownRecord, i)})
	}
	inv.Error(&source.Error{Path: "b.log", Offset: 7, Format: "syslog", Err: errors.New("line 2 is too long")})
	inv.Error(&source.Error{Path: "notes.txt", Offset: 0, Err: source.ErrUnknownFormat})
	inv.Finish(&source.Stats{}, 2*time.Second)

	if inv.Events != 3 || inv.Errors != 6 || inv.Skipped != 1 || len(inv.Problems) != 2 {
		t.Fatalf("events %d errors %d skipped %d groups %d", inv.Events, inv.Errors, inv.Skipped, len(inv.Problems))
	}
	if g := inv.Problems[0]; g.Path != "a.json" || g.Offset != 0 || g.Count != 5 {
		t.Errorf("first group: %+v", g)
	}
	if !inv.First.Equal(t0) || !inv.Last.Equal(t0.Add(2*time.Minute)) || inv.Hosts[0].Name != "ws1" {
		t.Errorf("range %v..%v, hosts %v", inv.First, inv.Last, inv.Hosts)
	}
	var text bytes.Buffer
	if err := WriteInventoryText(&text, inv); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 events", "6 errors", "a.json at offset 0: json: unrecognized JSON log type (keys: x0) (5 times; first shown)", "b.log at offset 7: syslog: line 2 is too long", "notes.txt: unrecognized format"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, text.String())
		}
	}
}
