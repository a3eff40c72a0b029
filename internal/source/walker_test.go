package source_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf16"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// kv is a JSON log type for tests: records with a "k" key.
var kv = source.RecordFormat{
	Name:  "kv",
	Match: func(r *jsonrec.Record) bool { return r.Has("k") },
	Normalize: func(r *jsonrec.Record, ev *event.Event) error {
		if r.Value("k") == "bad" {
			return errors.New("bad value")
		}
		ev.Class = event.ClassOther
		return nil
	},
}

// lineFormat is a line format for tests: lines starting with "LINE ".
var lineFormat = source.Format{
	Name:  "line",
	Sniff: func(head []byte) bool { return bytes.HasPrefix(head, []byte("LINE ")) },
	Decode: func(ctx context.Context, in *source.Input, sink source.Sink) error {
		l := source.NewLines(in, "line", 1<<20)
		for l.Next(sink) {
			if !bytes.HasPrefix(l.Bytes(), []byte("LINE ")) {
				sink.Error(in.Errorf("line", l.Offset(), errors.New("not a LINE")))
				continue
			}
			sink.Event(&event.Event{ID: event.NewID("line", string(l.Bytes())), Source: event.Source{Format: "line", Path: in.Path, Offset: l.Offset()}})
		}
		return nil
	},
}

type collect struct {
	events []*event.Event
	errs   []error
}

func (c *collect) Event(ev *event.Event) { c.events = append(c.events, ev) }
func (c *collect) Error(err error)       { c.errs = append(c.errs, err) }

func (c *collect) errorsAt() []string {
	var out []string
	for _, err := range c.errs {
		var se *source.Error
		if !errors.As(err, &se) {
			out = append(out, "untyped: "+err.Error())
			continue
		}
		out = append(out, se.Error())
	}
	return out
}

func walker() *source.Walker {
	return source.NewWalker(source.Config{}, []source.Format{lineFormat, source.JSONFormat([]source.RecordFormat{kv})})
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zipOf(files map[string][]byte) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, b := range files {
		f, _ := w.Create(name)
		f.Write(b)
	}
	w.Close()
	return buf.Bytes()
}

func tarOf(name string, b []byte) []byte {
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	w.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg})
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func utf16le(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

const jsonl = "{\"k\":1}\n{\"k\":2}\n"

func TestWalkerContainers(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/plain.json", []byte(jsonl))
	write("a/b/lines.log.gz", gz([]byte("LINE one\nLINE two\nLINE three\n")))
	write("c.zip", zipOf(map[string][]byte{"x.json": []byte(jsonl), "inner.zip": zipOf(map[string][]byte{"y.json": []byte(jsonl)})}))
	write("d.tar.gz", gz(tarOf("z.json", []byte(jsonl))))
	write("e.txt", utf16le(jsonl))
	write("f.json", []byte(`{"Records":[{"k":1},{"k":2},{"k":3}]}`))
	write("g.json", []byte(`{"rule":"x","log":{"k":1}}`))
	write("empty.json", nil)

	var c collect
	if err := walker().Read(context.Background(), []string{dir}, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.errs) != 0 {
		t.Fatalf("errors: %q", c.errorsAt())
	}
	byPath := map[string]int{}
	for _, ev := range c.events {
		byPath[strings.TrimPrefix(ev.Source.Path, dir+"/")]++
	}
	want := map[string]int{
		"a/plain.json": 2, "a/b/lines.log.gz": 3, "c.zip!x.json": 2, "c.zip!inner.zip!y.json": 2,
		"d.tar.gz!z.json": 2, "e.txt": 2, "f.json": 3, "g.json": 1,
	}
	if len(byPath) != len(want) {
		t.Errorf("events by path = %v, want %v", byPath, want)
	}
	for p, n := range want {
		if byPath[p] != n {
			t.Errorf("%s: %d events, want %d", p, byPath[p], n)
		}
	}
}

func TestWalkerBadInput(t *testing.T) {
	corruptGzip := gz([]byte(strings.Repeat("{\"k\":1}\n", 5000)))
	corruptGzip = corruptGzip[:len(corruptGzip)/2]
	badZip := zipOf(map[string][]byte{"x.json": []byte(jsonl)})
	badZip = badZip[:len(badZip)-30] // central directory cut
	garbage := bytes.Repeat([]byte{0x00, 0xff, 0x13, 0x37}, 4096)
	fsys := fstest.MapFS{
		"mixed.json":    {Data: []byte("{\"k\":1}\nnot json\n{\"k\":\"bad\"}\n{\"other\":1}\n{\"k\":2}\n")},
		"corrupt.gz":    {Data: corruptGzip},
		"corrupt.zip":   {Data: badZip},
		"garbage.bin":   {Data: garbage},
		"longline.log":  {Data: []byte("LINE a\nLINE " + strings.Repeat("x", 2<<20) + "\nLINE b\n")},
		"badgzhead.gz":  {Data: []byte{0x1f, 0x8b, 0x99, 0x00}},
		"latin1.json":   {Data: []byte("{\"k\":\"caf\xe9\"}\n")},
		"trailing.json": {Data: []byte("{\"k\":1}\n{\"k\":")},
		"foreign.json":  {Data: []byte("{\"x\":1}\n{\"x\":2}\n")},
		"late.json":     {Data: []byte("{\"x\":1}\n{\"k\":2}\n")},
	}
	var c collect
	if err := walker().ReadFS(context.Background(), fsys, ".", &c); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(c.errorsAt(), "\n")
	if len(c.errs) != 11 {
		t.Errorf("%d errors, want 11:\n%s", len(c.errs), got)
	}
	for _, want := range []string{
		"mixed.json at offset 8: json: unexpected byte 'n'",
		"mixed.json at offset 17: kv: bad value",
		"mixed.json at offset 29: json: unrecognized JSON log type (keys: other)",
		"corrupt.gz at offset 12128: json: reading: unexpected EOF", // the record the gzip stream broke off in
		"corrupt.zip: zip: not a valid zip file",
		"garbage.bin at offset 0: unrecognized format",
		"longline.log at offset 7: line: line 2 is 2097158 bytes, over the 1048576-byte limit: skipped",
		"badgzhead.gz at offset 0: gzip: unexpected EOF",
		"trailing.json at offset 8: json: stream ends inside a record: truncated",
		"foreign.json at offset 0: json: unrecognized format: none of its 2 JSON records is of a known log type (keys: x)",
		"late.json at offset 0: json: unrecognized JSON log type (keys: x)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing error %q in:\n%s", want, got)
		}
	}
	counts := map[string]int{}
	for _, ev := range c.events {
		counts[ev.Source.Path]++
	}
	if counts["mixed.json"] != 2 || counts["longline.log"] != 2 || counts["latin1.json"] != 1 || counts["trailing.json"] != 1 || counts["late.json"] != 1 {
		t.Errorf("events kept around bad input: %v", counts)
	}
	if counts["corrupt.gz"] != 1516 {
		t.Errorf("events before the corruption should be kept: %v", counts)
	}
}

func TestEventIDsStable(t *testing.T) {
	fsys := fstest.MapFS{"a.json": {Data: []byte(jsonl)}, "b/copy.json.gz": {Data: gz([]byte(jsonl))}}
	var c collect
	if err := walker().ReadFS(context.Background(), fsys, ".", &c); err != nil {
		t.Fatal(err)
	}
	if len(c.events) != 4 {
		t.Fatalf("%d events", len(c.events))
	}
	if c.events[0].ID != c.events[2].ID || c.events[1].ID != c.events[3].ID || c.events[0].ID == c.events[1].ID {
		t.Errorf("the same records in two files must get the same ids, different records different ids")
	}
}
