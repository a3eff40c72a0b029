package sigma

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// readEvtxDumpJSON reads a file of (possibly concatenated) evtx_dump JSON
// objects into events whose fields are named as winevent names them:
// EventID, Provider_Name, Channel, Computer, EventRecordID, then EventData
// (or UserData) values. It is a test helper, independent of the readers
// in internal/source, so that the engine is tested on its own.
func readEvtxDumpJSON(path string) ([]*event.Event, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []*event.Event
	for i := 0; ; i++ {
		var doc struct {
			Event struct {
				System    map[string]any `json:"System"`
				EventData any            `json:"EventData"`
				UserData  map[string]any `json:"UserData"`
			} `json:"Event"`
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("decoding object %d at byte %d: %w", i, dec.InputOffset(), err)
		}
		ev := &event.Event{Source: event.Source{Format: "winjson-evtxdump", Path: path}}
		sys := doc.Event.System
		add := func(k string, v any) {
			if s, ok := jsonText(v); ok {
				ev.Fields = append(ev.Fields, event.Field{Key: k, Value: s})
			}
		}
		add("EventID", sys["EventID"])
		if p, ok := sys["Provider"].(map[string]any); ok {
			if a, ok := p["#attributes"].(map[string]any); ok {
				add("Provider_Name", a["Name"])
			}
		}
		add("Channel", sys["Channel"])
		add("Computer", sys["Computer"])
		add("EventRecordID", sys["EventRecordID"])
		ev.Source.Record = ev.Value("EventRecordID")
		flattenData(ev, doc.Event.EventData)
		for _, k := range sortedKeys(doc.Event.UserData) {
			flattenData(ev, doc.Event.UserData[k])
		}
		out = append(out, ev)
	}
}

// flattenData adds the named values of an EventData or UserData element.
func flattenData(ev *event.Event, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "#attributes" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys) // JSON object order is lost; rules do not depend on it
	for _, k := range keys {
		switch x := m[k].(type) {
		case []any:
			for _, e := range x {
				if s, ok := jsonText(e); ok {
					ev.Fields = append(ev.Fields, event.Field{Key: k, Value: s})
				}
			}
		default:
			if s, ok := jsonText(x); ok {
				ev.Fields = append(ev.Fields, event.Field{Key: k, Value: s})
			}
		}
	}
}

// jsonText renders a JSON scalar (or an element's #text) as text.
func jsonText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case map[string]any:
		if t, ok := x["#text"]; ok {
			return jsonText(t)
		}
	}
	return "", false
}
