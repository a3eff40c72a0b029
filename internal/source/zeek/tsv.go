package zeek

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// Format returns the stream format of Zeek's TSV logs. One stream may hold
// several logs one after the other, each with its own header.
func Format() source.Format {
	return source.Format{Name: FormatName, Sniff: sniffTSV, Decode: decodeTSV}
}

func sniffTSV(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	return bytes.HasPrefix(head, []byte("#separator "))
}

// column kinds, from #types.
type kind uint8

const (
	kindString kind = iota
	kindBool
	kindFloat // time, interval, double
	kindOther // count, int, port, addr, subnet, enum: kept as written
)

type column struct {
	key  string
	kind kind
	set  bool // set[...] or vector[...]: split on the set separator
}

// header is the state of the log being read.
type header struct {
	sep, setSep   byte
	empty, unset  string
	path          string
	cols          []column
	fieldsOffset  int64 // offset of #fields, for errors about the header
	haveTypes     bool
	pendingFields []string
}

func newHeader() header {
	return header{sep: '\t', setSep: ',', empty: "(empty)", unset: "-"}
}

type tsvDecoder struct {
	in    *source.Input
	sink  source.Sink
	lines *source.Lines
	h     header
	norm  normalizer
	cells []string
}

func decodeTSV(ctx context.Context, in *source.Input, sink source.Sink) error {
	d := &tsvDecoder{in: in, sink: sink, lines: source.NewLines(in, FormatName, 0), h: newHeader()}
	for n := 0; d.lines.Next(sink); n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line := d.lines.Bytes()
		if len(line) == 0 {
			continue
		}
		if line[0] == '#' {
			d.directive(line)
			continue
		}
		d.record(line)
	}
	return nil
}

func (d *tsvDecoder) errorf(format string, args ...any) {
	d.sink.Error(d.in.Errorf(FormatName, d.lines.Offset(), fmt.Errorf(format, args...)))
}

// directive handles one header line.
func (d *tsvDecoder) directive(line []byte) {
	name, rest, _ := bytes.Cut(line[1:], []byte{d.h.sep})
	if bytes.HasPrefix(line, []byte("#separator ")) {
		// "#separator \x09": the only directive separated by a space. It
		// starts a new log.
		d.h = newHeader()
		v := string(bytes.TrimSpace(line[len("#separator "):]))
		if s := unescapeRaw(v); len(s) == 1 {
			d.h.sep = s[0]
		} else {
			d.errorf("bad #separator %q: keeping tab", v)
		}
		return
	}
	switch string(name) {
	case "set_separator":
		if s := unescapeRaw(string(rest)); len(s) == 1 {
			d.h.setSep = s[0]
		} else {
			d.errorf("bad #set_separator %q: keeping ','", rest)
		}
	case "empty_field":
		d.h.empty = string(rest)
	case "unset_field":
		d.h.unset = string(rest)
	case "path":
		d.h.path = string(rest)
	case "open", "close":
		if string(name) == "close" {
			d.h.cols = nil
		}
	case "fields":
		d.h.pendingFields = strings.Split(string(rest), string(d.h.sep))
		d.h.cols = nil
		d.h.haveTypes = false
		d.h.fieldsOffset = d.lines.Offset()
	case "types":
		d.types(strings.Split(string(rest), string(d.h.sep)))
	default:
		d.errorf("unknown header line %q: ignored", source.Excerpt(string(line), 60))
	}
}

func (d *tsvDecoder) types(types []string) {
	keys := d.h.pendingFields
	if keys == nil {
		d.errorf("#types without #fields: ignored")
		return
	}
	if len(types) != len(keys) {
		d.errorf("#types has %d columns, #fields has %d: log skipped up to the next header", len(types), len(keys))
		d.h.cols = nil
		return
	}
	cols := make([]column, len(keys))
	for i, k := range keys {
		cols[i].key = k
		t := types[i]
		if j := strings.IndexByte(t, '['); j > 0 && strings.HasSuffix(t, "]") {
			cols[i].set = true
			t = t[j+1 : len(t)-1]
		}
		switch t {
		case "string":
			cols[i].kind = kindString
		case "bool":
			cols[i].kind = kindBool
		case "time", "interval", "double":
			cols[i].kind = kindFloat
		default:
			cols[i].kind = kindOther
		}
	}
	d.h.cols = cols
	d.h.haveTypes = true
}

// record decodes one data line.
func (d *tsvDecoder) record(line []byte) {
	h := &d.h
	if !h.haveTypes {
		d.errorf("data line before a complete #fields/#types header: skipped")
		return
	}
	s := string(line) // one allocation; values are substrings of it
	d.cells = splitByte(d.cells[:0], s, h.sep)
	if len(d.cells) != len(h.cols) {
		d.errorf("line has %d columns, #fields at offset %d has %d: skipped", len(d.cells), h.fieldsOffset, len(h.cols))
		return
	}
	fields := make([]event.Field, 1, len(h.cols)+4)
	fields[0] = event.Field{Key: keyPath, Value: h.path}
	for i, cell := range d.cells {
		col := &h.cols[i]
		if cell == h.unset {
			continue
		}
		if col.set {
			if cell == h.empty {
				continue
			}
			for len(cell) > 0 {
				elem, rest, _ := strings.Cut(cell, string(h.setSep))
				fields = append(fields, event.Field{Key: col.key, Value: d.value(col.kind, elem)})
				cell = rest
				if rest == "" {
					break
				}
			}
			continue
		}
		if cell == h.empty && col.kind == kindString {
			fields = append(fields, event.Field{Key: col.key, Value: ""})
			continue
		}
		fields = append(fields, event.Field{Key: col.key, Value: d.value(col.kind, cell)})
	}
	ev := &event.Event{Source: event.Source{Format: FormatName, Path: d.in.Path, Offset: d.lines.Offset()}, Fields: fields}
	if err := d.norm.normalize(h.path, ev); err != nil {
		d.errorf("%v", err)
		return
	}
	d.sink.Event(ev)
}

func (d *tsvDecoder) value(k kind, v string) string {
	switch k {
	case kindBool:
		switch v {
		case "T":
			return "true"
		case "F":
			return "false"
		}
		return unescapeTSV(v)
	case kindFloat:
		if c, ok := canonFloat(v); ok {
			return c
		}
		return unescapeTSV(v)
	}
	return unescapeTSV(v)
}

func splitByte(dst []string, s string, sep byte) []string {
	for {
		i := strings.IndexByte(s, sep)
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
}

// unescapeRaw decodes "\xHH" escapes to bytes (for header values).
func unescapeRaw(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, ok := unhex(s[i+2], s[i+3]); ok {
				b = append(b, v)
				i += 3
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}
