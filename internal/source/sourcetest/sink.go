package sourcetest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// Sink is a source.Sink that keeps every event and error, in order.
type Sink struct {
	Events []*event.Event
	Errs   []error
}

// Event keeps ev.
func (s *Sink) Event(ev *event.Event) { s.Events = append(s.Events, ev) }

// Error keeps err.
func (s *Sink) Error(err error) { s.Errs = append(s.Errs, err) }

// Offsets returns the offset of each error, -2 for an error that is not a
// *source.Error.
func (s *Sink) Offsets() []int64 {
	out := make([]int64, 0, len(s.Errs))
	for _, err := range s.Errs {
		var se *source.Error
		if errors.As(err, &se) {
			out = append(out, se.Offset)
		} else {
			out = append(out, -2)
		}
	}
	return out
}

// Counter is a source.Sink that only counts, for benchmarks.
type Counter struct {
	Events, Errs int
}

// Event counts ev.
func (c *Counter) Event(*event.Event) { c.Events++ }

// Error counts err.
func (c *Counter) Error(error) { c.Errs++ }

// Reader is a source.Reader over bytes.
type Reader struct {
	r   bytes.Reader
	off int64
}

// NewReader returns a Reader over b.
func NewReader(b []byte) *Reader {
	r := &Reader{}
	r.r.Reset(b)
	return r
}

func (r *Reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.off += int64(n)
	return n, err
}

// Offset is the number of bytes read so far.
func (r *Reader) Offset() int64 { return r.off }

// Input returns an Input named path over b.
func Input(path string, b []byte) *source.Input {
	return &source.Input{Path: path, R: NewReader(b)}
}

// Run decodes b, named path, with f into sink and returns the stream-level
// error of Decode.
func Run(f source.Format, path string, b []byte, sink source.Sink) error {
	return f.Decode(context.Background(), Input(path, b), sink)
}

// Decode decodes b, named path, with f and returns what it produced. A
// stream-level error fails the test.
func Decode(t testing.TB, f source.Format, path string, b []byte) *Sink {
	t.Helper()
	s := &Sink{}
	if err := Run(f, path, b, s); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return s
}

// DecodeRecords decodes the JSON in b, named path, through
// source.JSONFormat with formats.
func DecodeRecords(t testing.TB, formats []source.RecordFormat, path string, b []byte) *Sink {
	t.Helper()
	return Decode(t, source.JSONFormat(formats), path, b)
}

// Walk reads paths with the real walker (files, folders, gzip, zip,
// sniffing) over formats and returns what it produced. An error of the
// walk itself fails the test.
func Walk(t testing.TB, formats []source.Format, paths ...string) *Sink {
	t.Helper()
	s := &Sink{}
	if err := source.NewWalker(source.Config{}, formats).Read(context.Background(), paths, s); err != nil {
		t.Fatal(err)
	}
	return s
}
