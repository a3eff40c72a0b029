package sourcetest

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// lineEvent is the one-line rendering of a whole event in golden files.
type lineEvent struct {
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

// EventLines renders whole events, fields and entity ids included, one
// JSON object a line, for golden files that pin everything a reader makes.
// A reference reads "role id (name)".
func EventLines(evs []*event.Event) []byte {
	var buf bytes.Buffer
	for _, ev := range evs {
		g := lineEvent{
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
			panic(err) // strings and slices of strings always marshal
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}
