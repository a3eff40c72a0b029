package winjson_test

import (
	"context"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/internal/source/winevent"
	"github.com/causeway-soc/causeway/internal/source/winjson"
)

// corpora returns the shared corpora folder, or skips the test.
func corpora(t testing.TB) string { return sourcetest.Corpora(t) }

func newNormalizer() *winevent.Normalizer {
	return &winevent.Normalizer{Principals: &event.Principals{}}
}

// readPaths decodes paths (files, directories, archives) with the JSON
// format and the Windows record formats.
func readPaths(t testing.TB, sink source.Sink, paths ...string) {
	t.Helper()
	w := source.NewWalker(source.Config{}, []source.Format{source.JSONFormat(winjson.RecordFormats(newNormalizer()))})
	if err := w.Read(context.Background(), paths, sink); err != nil {
		t.Fatal(err)
	}
}

// sinkFunc adapts functions to a source.Sink.
type sinkFunc struct {
	event func(*event.Event)
	err   func(error)
}

func (s sinkFunc) Event(ev *event.Event) { s.event(ev) }
func (s sinkFunc) Error(err error)       { s.err(err) }
