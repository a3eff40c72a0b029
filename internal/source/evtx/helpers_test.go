package evtx

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// corporaDir is $CAUSEWAY_CORPORA, else ../shared/corpora beside the
// module root (the nearest parent holding go.mod); "" if neither is known.
func corporaDir() string {
	if dir := os.Getenv("CAUSEWAY_CORPORA"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared", "corpora")
		}
	}
	return ""
}

// corpora returns the shared corpora folder, or skips the test.
func corpora(t testing.TB) string {
	t.Helper()
	dir := corporaDir()
	if st, err := os.Stat(dir); dir == "" || err != nil || !st.IsDir() {
		t.Skipf("corpora not found (set CAUSEWAY_CORPORA): %q", dir)
	}
	return dir
}

// evtxFiles lists the .evtx files under dir, sorted.
func evtxFiles(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.EqualFold(filepath.Ext(p), ".evtx") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// offsetReader is a source.Reader over bytes.
type offsetReader struct {
	r   *bytes.Reader
	off int64
}

func (o *offsetReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	o.off += int64(n)
	return n, err
}

func (o *offsetReader) Offset() int64 { return o.off }

// collect keeps what a decoder produces.
type collect struct {
	events []*event.Event
	errs   []*source.Error
	count  int // events, when not kept
	keep   bool
}

func (c *collect) Event(ev *event.Event) {
	c.count++
	if c.keep {
		c.events = append(c.events, ev)
	}
}

func (c *collect) Error(err error) {
	var se *source.Error
	if !errors.As(err, &se) {
		se = &source.Error{Path: "?", Offset: -1, Err: err}
	}
	c.errs = append(c.errs, se)
}

// decodeBytes runs the EVTX format over b; the returned error is the
// stream-level one.
func decodeBytes(t testing.TB, path string, b []byte, keep bool) (*collect, error) {
	t.Helper()
	f := Format(&winevent.Normalizer{Principals: &event.Principals{}})
	c := &collect{keep: keep}
	in := &source.Input{Path: path, R: &offsetReader{r: bytes.NewReader(b)}}
	err := f.Decode(context.Background(), in, c)
	return c, err
}
