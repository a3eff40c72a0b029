package evtx

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

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
	in := sourcetest.Input(path, b)
	err := f.Decode(context.Background(), in, c)
	return c, err
}
