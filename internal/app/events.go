package app

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// eventLines writes events as JSON lines and keeps the first error.
type eventLines struct {
	bw  *bufio.Writer
	enc *json.Encoder
	err error
}

func (w *eventLines) Write(ev *event.Event) {
	if w.err == nil {
		w.err = w.enc.Encode(ev)
	}
}

// eventsWriter opens path ("-" for stdout) for the normalized events. The
// returned close flushes and reports the first write error.
func eventsWriter(path string, stdout io.Writer) (*eventLines, func() error, error) {
	out := stdout
	var f *os.File
	if path != "-" {
		var err error
		if f, err = os.Create(path); err != nil {
			return nil, nil, fmt.Errorf("creating events file: %w", err)
		}
		out = f
	}
	w := &eventLines{bw: bufio.NewWriterSize(out, 1<<16)}
	w.enc = json.NewEncoder(w.bw)
	w.enc.SetEscapeHTML(false)
	return w, func() error {
		err := w.err
		if ferr := w.bw.Flush(); err == nil {
			err = ferr
		}
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return fmt.Errorf("writing events to %s: %w", path, err)
		}
		return nil
	}, nil
}
