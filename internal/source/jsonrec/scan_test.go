package jsonrec

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

type scanned struct {
	recs []string
	offs []int64
	errs []int64 // offsets of split errors
}

func scanAll(t *testing.T, r io.Reader, max int) scanned {
	t.Helper()
	var out scanned
	sc := NewScanner(r, max)
	for i := 0; i < 1e6; i++ {
		raw, off, err := sc.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var se *SplitError
		if errors.As(err, &se) {
			out.errs = append(out.errs, off)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out.recs = append(out.recs, string(raw))
		out.offs = append(out.offs, off)
	}
	t.Fatal("scanner did not terminate")
	return out
}

func TestScanner(t *testing.T) {
	tests := []struct {
		name string
		in   string
		recs []string
		offs []int64
		errs []int64
	}{
		{"lines", "{\"a\":1}\n{\"b\":\"}\"}\n", []string{`{"a":1}`, `{"b":"}"}`}, []int64{0, 8}, nil},
		{"concatenated pretty", "{\n  \"a\": {\n    \"b\": 1\n  }\n}\n{\n  \"c\": 2\n}", []string{"{\n  \"a\": {\n    \"b\": 1\n  }\n}", "{\n  \"c\": 2\n}"}, []int64{0, 28}, nil},
		{"array", `[{"a":1}, {"b":2}]`, []string{`{"a":1}`, `{"b":2}`}, []int64{1, 10}, nil},
		{"bom", "\xef\xbb\xbf{\"a\":1}", []string{`{"a":1}`}, []int64{3}, nil},
		{"truncated line then more", "{\"z\":0}\n{\"a\":1, \"b\":\n{\"c\":3}\n", []string{`{"z":0}`, `{"c":3}`}, []int64{0, 21}, []int64{8}},
		{"envelope with a record per line", "{\"Records\":[\n{\"a\":1},\n{\"b\":2}\n]}\n", []string{"{\"Records\":[\n{\"a\":1},\n{\"b\":2}\n]}"}, []int64{0}, nil},
		{"truncated first line", "{\"a\":1, \"b\":\n{\"c\":3}\n{\"d\":4}\n", []string{`{"c":3}`, `{"d":4}`}, []int64{13, 21}, []int64{0}},
		{"pretty with nested objects at line start", "{\n\"t\": [\n{\n\"id\": 1\n},\n{\n\"id\": 2\n}\n]\n}\n", []string{"{\n\"t\": [\n{\n\"id\": 1\n},\n{\n\"id\": 2\n}\n]\n}"}, []int64{0}, nil},
		{"string cut by newline", "{\"a\":\"xy\n{\"c\":3}\n", []string{`{"c":3}`}, []int64{9}, []int64{0}},
		{"garbage line", "\x00\x01garbage\n{\"c\":3}", []string{`{"c":3}`}, []int64{10}, []int64{0}},
		{"truncated at end", "{\"a\":1}\n{\"b\":[1,2", []string{`{"a":1}`}, []int64{0}, []int64{8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				got := scanAll(t, r, 0)
				if !reflect.DeepEqual(got.recs, tt.recs) || !reflect.DeepEqual(got.offs, tt.offs) || !reflect.DeepEqual(got.errs, tt.errs) {
					t.Errorf("got %q at %v, errors at %v\nwant %q at %v, errors at %v", got.recs, got.offs, got.errs, tt.recs, tt.offs, tt.errs)
				}
			}
		})
	}
}

// TestScannerHugeRecord checks that a 50 MB line is skipped with an error
// in bounded memory and that the records around it are kept.
func TestScannerHugeRecord(t *testing.T) {
	huge := `{"a":"` + strings.Repeat("x", 50<<20) + `"}`
	in := io.MultiReader(strings.NewReader("{\"before\":1}\n"), strings.NewReader(huge), strings.NewReader("\n{\"after\":2}\n"))
	got := scanAll(t, in, 1<<20)
	if !reflect.DeepEqual(got.recs, []string{`{"before":1}`, `{"after":2}`}) || !reflect.DeepEqual(got.errs, []int64{13}) {
		t.Fatalf("got %q, errors at %v", got.recs, got.errs)
	}
	if got.offs[1] != int64(13+len(huge)+1) {
		t.Errorf("offset after the huge record = %d, want %d", got.offs[1], 13+len(huge)+1)
	}
}

func FuzzScanner(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n{\"b\":[1,{\"c\":\"}\"}]}\n"))
	f.Add([]byte("[{\"a\":1},{\"b\":2}]"))
	f.Add([]byte("{\n \"a\": 1\n}{\"b\":2"))
	f.Fuzz(func(t *testing.T, in []byte) {
		sc := NewScanner(bytes.NewReader(in), 64)
		var last int64 = -1
		for i := 0; ; i++ {
			if i > len(in)+2 {
				t.Fatalf("no progress after %d calls", i)
			}
			raw, off, err := sc.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if off < last || off > int64(len(in)) {
				t.Fatalf("offset %d out of order or range (last %d, len %d)", off, last, len(in))
			}
			last = off
			if err == nil && (len(raw) == 0 || raw[0] != '{' || !bytes.Equal(in[off:off+int64(len(raw))], raw)) {
				t.Fatalf("record %q does not sit at offset %d", raw, off)
			}
		}
	})
}
