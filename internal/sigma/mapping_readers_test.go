package sigma

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/catalog"
)

// allFormats is every reader, as the commands use them. Syslog stamps
// without a year are read as 2023.
func allFormats() []source.Format {
	return catalog.Formats(catalog.Config{Principals: &event.Principals{}, Year: 2023,
		Now: func() time.Time { return time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC) }})
}

var (
	readMu    sync.Mutex
	readCache = map[string][]*event.Event{}
)

// readCorpus decodes a file or folder of the shared corpora (path relative
// to it) with every reader, once per test binary; read errors fail the test.
func readCorpus(tb testing.TB, rel string) []*event.Event {
	tb.Helper()
	return readPath(tb, filepath.Join(corpora(tb), rel))
}

// readRepo decodes a file of this repository (path relative to the module
// root; tests run in the package folder).
func readRepo(tb testing.TB, rel string) []*event.Event {
	tb.Helper()
	return readPath(tb, filepath.Join("..", "..", rel))
}

func readPath(tb testing.TB, path string) []*event.Event {
	tb.Helper()
	readMu.Lock()
	defer readMu.Unlock()
	if evs, ok := readCache[path]; ok {
		return evs
	}
	w := source.NewWalker(source.Config{}, allFormats())
	var sink collect
	if err := w.Read(context.Background(), []string{path}, &sink); err != nil {
		tb.Fatalf("reading %s: %v", path, err)
	}
	// Some corpus files mix in records of types no reader knows
	// (internal/app's corpus test lists them); the readers' own tests
	// check their errors.
	if len(sink.errs) > 0 {
		tb.Logf("reading %s: %d records not read, first: %v", path, len(sink.errs), sink.errs[0])
	}
	readCache[path] = sink.events
	return sink.events
}

// readText decodes records given inline, for sources the corpora lack.
func readText(tb testing.TB, name, text string) []*event.Event {
	tb.Helper()
	w := source.NewWalker(source.Config{}, allFormats())
	var sink collect
	fsys := fstest.MapFS{name: {Data: []byte(text)}}
	if err := w.ReadFS(context.Background(), fsys, ".", &sink); err != nil {
		tb.Fatalf("reading %s: %v", name, err)
	}
	for _, err := range sink.errs {
		tb.Errorf("reading %s: %v", name, err)
	}
	return sink.events
}
