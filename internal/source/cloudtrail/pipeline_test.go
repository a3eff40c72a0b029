package cloudtrail

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

type offsetReader struct {
	r   io.Reader
	off int64
}

func (o *offsetReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	o.off += int64(n)
	return n, err
}

func (o *offsetReader) Offset() int64 { return o.off }

type collect struct {
	events []*event.Event
	errs   []error
}

func (c *collect) Event(ev *event.Event) { c.events = append(c.events, ev) }
func (c *collect) Error(err error)       { c.errs = append(c.errs, err) }

// TestThroughJSONFormat runs records through the source package's JSON
// splitter, as the walker does: a {"Records": [...]} export and Panther's
// "log" envelopes.
func TestThroughJSONFormat(t *testing.T) {
	format := source.JSONFormat([]source.RecordFormat{RecordFormat(nil)})
	run := func(t *testing.T, path string, data []byte) *collect {
		var c collect
		in := &source.Input{Path: path, R: &offsetReader{r: bytes.NewReader(data)}}
		if err := format.Decode(context.Background(), in, &c); err != nil {
			t.Fatal(err)
		}
		for _, err := range c.errs {
			t.Errorf("%s: %v", path, err)
		}
		return &c
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
			if len(c.events) != 2 || c.events[0].Source.Format != Name || c.events[1].Action != "GetSecretValue" {
				t.Fatalf("events: %v", c.events)
			}
			if c.events[0].ID == c.events[1].ID || c.events[1].Source.Offset <= c.events[0].Source.Offset {
				t.Errorf("ids or offsets not distinct: %v %v", c.events[0].Source, c.events[1].Source)
			}
		}
	})
	t.Run("panther envelopes", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(corpora(t), "panther", "rule_tests", "AWS.CloudTrail.jsonl"))
		if err != nil {
			t.Skip(err)
		}
		c := run(t, "AWS.CloudTrail.jsonl", data)
		if lines := bytes.Count(bytes.TrimSpace(data), []byte("\n")) + 1; len(c.events) != lines {
			t.Errorf("%d events, want %d lines", len(c.events), lines)
		}
		for _, ev := range c.events {
			if ev.ID.IsZero() {
				t.Fatalf("event without id at offset %d", ev.Source.Offset)
			}
		}
	})
	t.Run("stratus arrays", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(corpora(t), "stratus-red-team", "detonation-logs", "*.json"))
		total := 0
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var raws []json.RawMessage
			if err := json.Unmarshal(data, &raws); err != nil {
				t.Fatal(err)
			}
			if c := run(t, filepath.Base(path), data); len(c.events) != len(raws) {
				t.Errorf("%s: %d events, want %d", path, len(c.events), len(raws))
			}
			total += len(raws)
		}
		t.Logf("%d files, %d events through the JSON splitter", len(files), total)
	})
}
