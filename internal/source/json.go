package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// ErrUnknownRecord is reported for a JSON record that no RecordFormat matches.
var ErrUnknownRecord = errors.New("unrecognized JSON log type")

// envelopeArrays are keys whose array holds the records of an export:
// CloudTrail's {"Records": [...]}, Azure's {"records": [...]}, Graph's {"value": [...]}.
var envelopeArrays = []string{"Records", "records", "value"}

// envelopeObjects are keys that wrap one record: a test fixture's {"log": {...}},
// an Elasticsearch hit's {"_source": {...}}. They are tried only when the
// outer object matches no log type.
var envelopeObjects = []string{"log", "_source"}

// envelopeKeys are all keys that may mark an envelope.
var envelopeKeys = append(append([]string(nil), envelopeArrays...), envelopeObjects...)

// JSONFormat returns the stream format for JSON: it splits the stream into
// records and hands each to the first of formats that matches it.
func JSONFormat(formats []RecordFormat) Format {
	return Format{
		Name:  "json",
		Sniff: sniffJSON,
		Decode: func(ctx context.Context, in *Input, sink Sink) error {
			d := jsonDecoder{formats: formats, in: in, sink: sink, flat: jsonrec.NewFlattener()}
			return d.run(ctx)
		},
	}
}

func sniffJSON(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) > 0 && (head[0] == '{' || head[0] == '[')
}

type jsonDecoder struct {
	formats []RecordFormat
	in      *Input
	sink    Sink
	flat    *jsonrec.Flattener

	// Until a record matches, unrecognized records are held back: a stream
	// in which none matches is not telemetry Causeway reads (a rule index,
	// a notebook, a foreign log type) and is reported once, as skipped.
	matched  bool
	pending  []error
	held     int
	firstKey string
}

// maxPending bounds the unrecognized-record errors held back per stream.
const maxPending = 1024

func (d *jsonDecoder) run(ctx context.Context) error {
	sc := jsonrec.NewScanner(d.in.R, 0)
	sc.Watch(envelopeKeys...)
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		raw, off, err := sc.Next()
		if errors.Is(err, io.EOF) {
			d.finish()
			return nil
		}
		var se *jsonrec.SplitError
		if errors.As(err, &se) {
			d.sink.Error(d.in.Errorf("json", off, errors.New(se.Msg)))
			continue
		}
		if err != nil {
			d.finish()
			return d.in.Errorf("json", off, fmt.Errorf("reading: %w", err))
		}
		d.object(raw, off, sc.Found())
	}
}

// object handles one top-level object: an envelope of records or a record.
// found lists the envelope keys among its top-level members.
func (d *jsonDecoder) object(raw []byte, off int64, found []string) {
	for _, k := range found {
		if !slices.Contains(envelopeArrays, k) {
			continue
		}
		arr, ok := jsonrec.Member(raw, k)
		if !ok || len(arr) == 0 || arr[0] != '[' {
			continue
		}
		base := off + int64(cap(raw)-cap(arr)) // arr is a sub-slice of raw
		jsonrec.Elements(arr, func(elem []byte, eoff int) bool {
			if len(elem) > 0 && elem[0] == '{' {
				d.record(elem, base+int64(eoff), nil)
			} else {
				d.sink.Error(d.in.Errorf("json", base+int64(eoff), fmt.Errorf("%s element is not an object", k)))
			}
			return true
		})
		return
	}
	d.record(raw, off, found)
}

// record normalizes one record; unwrap lists the envelope keys it has at
// its top level, to try when the record itself matches no log type.
func (d *jsonDecoder) record(raw []byte, off int64, unwrap []string) {
	s := string(raw)
	rec, err := d.flat.Flatten(s)
	if err != nil {
		d.sink.Error(d.in.Errorf("json", off, err))
		return
	}
	rec.Offset = off
	for i := range d.formats {
		f := &d.formats[i]
		if !f.Match(&rec) {
			continue
		}
		ev := &event.Event{Source: event.Source{Format: f.Name, Path: d.in.Path, Offset: off}, Fields: rec.Fields}
		if err := f.Normalize(&rec, ev); err != nil {
			d.sink.Error(d.in.Errorf(f.Name, off, err))
			return
		}
		if ev.ID.IsZero() {
			ev.ID = event.NewID(f.Name, s)
		}
		d.match()
		d.sink.Event(ev)
		return
	}
	for _, k := range unwrap {
		if !slices.Contains(envelopeObjects, k) {
			continue
		}
		if inner, ok := jsonrec.Member(raw, k); ok && len(inner) > 0 && inner[0] == '{' {
			d.record(inner, off+int64(cap(raw)-cap(inner)), nil)
			return
		}
	}
	d.unknown(off, keySummary(rec.Fields))
}

// unknown reports a record no log type matches, or holds it back while no
// record of the stream has matched.
func (d *jsonDecoder) unknown(off int64, keys string) {
	err := d.in.Errorf("json", off, fmt.Errorf("%w (keys: %s)", ErrUnknownRecord, keys))
	if d.matched {
		d.sink.Error(err)
		return
	}
	if d.held == 0 {
		d.firstKey = keys
	}
	d.held++
	if len(d.pending) < maxPending {
		d.pending = append(d.pending, err)
	}
}

// match notes a recognized record and releases held-back errors.
func (d *jsonDecoder) match() {
	if d.matched {
		return
	}
	d.matched = true
	for _, err := range d.pending {
		d.sink.Error(err)
	}
	if extra := d.held - len(d.pending); extra > 0 {
		d.sink.Error(d.in.Errorf("json", -1, fmt.Errorf("%w: %d more records", ErrUnknownRecord, extra)))
	}
	d.pending = nil
}

// finish reports a stream in which no record matched as one skipped stream.
func (d *jsonDecoder) finish() {
	if d.matched || d.held == 0 {
		return
	}
	d.sink.Error(d.in.Errorf("json", 0, fmt.Errorf("%w: none of its %d JSON records is of a known log type (keys: %s)", ErrUnknownFormat, d.held, d.firstKey)))
	d.pending = nil
}

// keySummary names a few top-level keys so the user can tell what the record was.
func keySummary(fields []event.Field) string {
	seen := map[string]bool{}
	var keys []string
	for _, f := range fields {
		k := f.Key
		if i := strings.IndexByte(k, '.'); i >= 0 {
			k = k[:i]
		}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > 6 {
		keys = append(keys[:6], "...")
	}
	return strings.Join(keys, ", ")
}
