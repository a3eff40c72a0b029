package zeek

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// corpora finds the shared corpora: $CAUSEWAY_CORPORA, else ../shared/corpora
// next to the module root. It skips the test when they are absent.
func corpora(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CAUSEWAY_CORPORA")
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir = filepath.Join(d, "..", "shared", "corpora")
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if _, err := os.Stat(dir); dir == "" || err != nil {
		t.Skipf("corpora not found (set CAUSEWAY_CORPORA): %q", dir)
	}
	return dir
}

type collect struct {
	events []*event.Event
	errs   []error
}

func (c *collect) Event(ev *event.Event) { c.events = append(c.events, ev) }
func (c *collect) Error(err error)       { c.errs = append(c.errs, err) }

func formats() []source.Format {
	return []source.Format{Format(), source.JSONFormat([]source.RecordFormat{RecordFormat()})}
}

// walk reads paths with the real walker (files, gzip, zip, sniffing).
func walk(t testing.TB, paths ...string) *collect {
	t.Helper()
	c := &collect{}
	w := source.NewWalker(source.Config{}, formats())
	if err := w.Read(context.Background(), paths, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// decode runs the TSV decoder over b.
func decode(t testing.TB, name string, b []byte) *collect {
	t.Helper()
	c := &collect{}
	in := &source.Input{Path: name, R: &memReader{r: bytes.NewReader(b)}}
	if err := Format().Decode(context.Background(), in, c); err != nil {
		t.Fatal(err)
	}
	return c
}

type memReader struct {
	r   io.Reader
	off int64
}

func (m *memReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.off += int64(n)
	return n, err
}

func (m *memReader) Offset() int64 { return m.off }

// dataLines counts the non-empty lines that do not start with '#'.
func dataLines(t testing.TB, r io.Reader) int {
	t.Helper()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		if l := sc.Bytes(); len(l) > 0 && l[0] != '#' {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func readMaybeGzip(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func errorOffsets(errs []error) []int64 {
	var out []int64
	for _, err := range errs {
		var se *source.Error
		if errors.As(err, &se) {
			out = append(out, se.Offset)
		} else {
			out = append(out, -2)
		}
	}
	return out
}
