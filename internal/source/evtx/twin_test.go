package evtx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// jsonField is one flattened scalar of a JSON document, in document order:
// nested keys joined with ".", list elements repeating the key, nulls left
// out, numbers as written.
type jsonField struct{ key, value string }

func flattenJSON(dec *json.Decoder, prefix string, out []jsonField) ([]jsonField, error) {
	tok, err := dec.Token()
	if err != nil {
		return out, err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return out, err
				}
				key := k.(string)
				if prefix != "" {
					key = prefix + "." + key
				}
				if out, err = flattenJSON(dec, key, out); err != nil {
					return out, err
				}
			}
		case '[':
			for dec.More() {
				if out, err = flattenJSON(dec, prefix, out); err != nil {
					return out, err
				}
			}
		}
		_, err = dec.Token() // closing delimiter
		return out, err
	case nil:
		return out, nil
	case string:
		return append(out, jsonField{prefix, v}), nil
	case json.Number:
		return append(out, jsonField{prefix, v.String()}), nil
	case bool:
		return append(out, jsonField{prefix, strconv.FormatBool(v)}), nil
	}
	return out, fmt.Errorf("unexpected token %v", tok)
}

// twinRecords reads an evtx_dump JSON file (objects one after another)
// into Records, independently of the EVTX decoder.
func twinRecords(path string) ([]winevent.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var recs []winevent.Record
	for {
		fields, err := flattenJSON(dec, "", nil)
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return nil, err
		}
		recs = append(recs, twinRecord(fields))
	}
}

func twinRecord(fields []jsonField) winevent.Record {
	var r winevent.Record
	for _, f := range fields {
		k, ok := strings.CutPrefix(f.key, "Event.")
		if !ok {
			continue
		}
		switch k {
		case "System.Provider.#attributes.Name":
			r.Provider = f.value
		case "System.EventID", "System.EventID.#text":
			r.EventID, _ = strconv.Atoi(f.value)
		case "System.Channel":
			r.Channel = f.value
		case "System.Computer":
			r.Computer = f.value
		case "System.EventRecordID":
			r.RecordID, _ = strconv.ParseUint(f.value, 10, 64)
		case "System.TimeCreated.#attributes.SystemTime":
			r.Time, _ = time.Parse(time.RFC3339Nano, f.value)
		case "System.Level":
			r.Level = f.value
		case "System.Task":
			r.Task = f.value
		case "System.Opcode":
			r.Opcode = f.value
		case "System.Keywords":
			r.Keywords = f.value
		case "System.Execution.#attributes.ProcessID":
			r.ProcessID = f.value
		case "System.Execution.#attributes.ThreadID":
			r.ThreadID = f.value
		case "System.Security.#attributes.UserID":
			r.UserID = f.value
		}
		if strings.Contains(k, "#attributes") {
			continue
		}
		if d, ok := strings.CutPrefix(k, "EventData."); ok {
			r.Data = append(r.Data, event.Field{Key: d, Value: f.value})
		}
		if d, ok := strings.CutPrefix(k, "UserData."); ok {
			if _, inner, ok := strings.Cut(d, "."); ok { // drop the wrapper element
				r.Data = append(r.Data, event.Field{Key: inner, Value: f.value})
			}
		}
	}
	return r
}

// twinQuirks are JSON twins that were not rendered by evtx_dump from their
// EVTX, with the fields that therefore differ.
var twinQuirks = map[string]struct {
	fields []string
	reason string
}{
	"ad691d92-15f2-4181-9aa4-723c74f9ddc3.json": {
		fields: []string{"ParentCommandLine", "TimeCreated"},
		reason: "written by another tool: SystemTime has 100 ns digits (evtx_dump renders microseconds) " +
			"and ParentCommandLine reads Explorer.exe where the EVTX holds Explorer.EXE",
	},
}

func without(fields []event.Field, keys []string) []event.Field {
	var out []event.Field
	for _, f := range fields {
		if !slices.Contains(keys, f.Key) {
			out = append(out, f)
		}
	}
	return out
}

// TestJSONTwins checks that every EVTX of the Sigma regression data and its
// evtx_dump JSON twin normalize to the same fields.
func TestJSONTwins(t *testing.T) {
	dir := filepath.Join(sourcetest.Corpora(t), "sigma", "regression_data")
	files := evtxFiles(t, dir)
	if len(files) == 0 {
		t.Skip("no regression data")
	}
	n := &winevent.Normalizer{Principals: &event.Principals{}}
	compared := 0
	for _, p := range files {
		twin := strings.TrimSuffix(p, filepath.Ext(p)) + ".json"
		want, err := twinRecords(twin)
		if err != nil {
			t.Errorf("%s: %v", twin, err)
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeBytes(t, p, b, true)
		if err != nil || len(got.errs) > 0 {
			t.Errorf("%s: %v %v", p, err, got.errs)
		}
		if len(got.events) != len(want) {
			t.Errorf("%s: %d events, twin has %d", p, len(got.events), len(want))
			continue
		}
		quirk := twinQuirks[filepath.Base(twin)]
		for i, ev := range got.events {
			exp := n.Event(&want[i], ev.Source)
			if d := diffFields(without(ev.Fields, quirk.fields), without(exp.Fields, quirk.fields)); d != "" {
				t.Errorf("%s record %d: %s", filepath.Base(p), i, d)
			}
			if quirk.reason != "" {
				exp.Time = exp.Time.Truncate(time.Microsecond)
			}
			if ev.ID != exp.ID || !ev.Time.Equal(exp.Time) {
				t.Errorf("%s record %d: id/time differ: %s %v, twin %s %v", filepath.Base(p), i, ev.ID, ev.Time, exp.ID, exp.Time)
			}
			compared++
		}
	}
	t.Logf("%d records identical to their JSON twins", compared)
}

func diffFields(got, want []event.Field) string {
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w event.Field
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("field %d: got %q=%q, twin %q=%q", i, g.Key, g.Value, w.Key, w.Value)
		}
	}
	return ""
}
