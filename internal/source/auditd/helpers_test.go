package auditd

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// corpora finds the shared corpora: $CAUSEWAY_CORPORA, else ../shared/corpora
// next to the module root. It skips the test when they are absent.
func corpora(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("CAUSEWAY_CORPORA"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			c := filepath.Join(dir, "..", "shared", "corpora")
			if _, err := os.Stat(c); err != nil {
				t.Skipf("corpora not found at %s (set CAUSEWAY_CORPORA)", c)
			}
			return c
		}
		if filepath.Dir(dir) == dir {
			t.Skip("corpora not found: no go.mod above the working directory (set CAUSEWAY_CORPORA)")
		}
	}
}

// counter is an io.Reader that knows its offset.
type counter struct {
	r   io.Reader
	off int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.off += int64(n)
	return n, err
}

func (c *counter) Offset() int64 { return c.off }

// collect is a Sink that keeps everything.
type collect struct {
	events []*event.Event
	errs   []error
}

func (c *collect) Event(ev *event.Event) { c.events = append(c.events, ev) }
func (c *collect) Error(err error)       { c.errs = append(c.errs, err) }

func decodeBytes(t testing.TB, path string, data []byte, cfg Config) *collect {
	t.Helper()
	var c collect
	in := &source.Input{Path: path, R: &counter{r: bytes.NewReader(data)}}
	if err := Format(nil, cfg).Decode(context.Background(), in, &c); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return &c
}
