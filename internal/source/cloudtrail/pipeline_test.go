package cloudtrail

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// TestThroughJSONFormat runs records through the source package's JSON
// splitter, as the walker does: a {"Records": [...]} export and Panther's
// "log" envelopes.
func TestThroughJSONFormat(t *testing.T) {
	format := source.JSONFormat([]source.RecordFormat{RecordFormat(nil)})
	run := func(t *testing.T, path string, data []byte) *sourcetest.Sink {
		c := sourcetest.Decode(t, format, path, data)
		for _, err := range c.Errs {
			t.Errorf("%s: %v", path, err)
		}
		return c
	}
	t.Run("Records envelope", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join("testdata", "cases", "assume_role_then_call.json"))
		if err != nil {
			t.Fatal(err)
		}
		// CloudTrail delivers each file as one line; people pretty-print.
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatal(err)
		}
		for _, records := range [][]byte{compact.Bytes(), data} {
			doc := append(append([]byte(`{"Records":`), records...), '}')
			c := run(t, "trail.json", doc)
			if len(c.Events) != 2 || c.Events[0].Source.Format != Name || c.Events[1].Action != "GetSecretValue" {
				t.Fatalf("events: %v", c.Events)
			}
			if c.Events[0].ID == c.Events[1].ID || c.Events[1].Source.Offset <= c.Events[0].Source.Offset {
				t.Errorf("ids or offsets not distinct: %v %v", c.Events[0].Source, c.Events[1].Source)
			}
		}
	})
	t.Run("panther envelopes", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(sourcetest.Corpora(t), "panther", "rule_tests", "AWS.CloudTrail.jsonl"))
		if err != nil {
			t.Skip(err)
		}
		c := run(t, "AWS.CloudTrail.jsonl", data)
		if lines := bytes.Count(bytes.TrimSpace(data), []byte("\n")) + 1; len(c.Events) != lines {
			t.Errorf("%d events, want %d lines", len(c.Events), lines)
		}
		for _, ev := range c.Events {
			if ev.ID.IsZero() {
				t.Fatalf("event without id at offset %d", ev.Source.Offset)
			}
		}
	})
	t.Run("stratus arrays", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(t), "stratus-red-team", "detonation-logs", "*.json"))
		total := 0
		for _, path := range files {
			data, raws := readArray(t, path)
			if c := run(t, filepath.Base(path), data); len(c.Events) != len(raws) {
				t.Errorf("%s: %d events, want %d", path, len(c.Events), len(raws))
			}
			total += len(raws)
		}
		t.Logf("%d files, %d events through the JSON splitter", len(files), total)
	})
}
