// Package source reads telemetry: it walks files, directories, archives and
// standard input, recognizes each stream's format by its content, and hands
// the stream to the decoder of that format. The formats themselves live in
// sub-packages (source/evtx, source/cloudtrail, ...); this package holds the
// contracts they implement and the machinery they share.
package source

import (
	"context"
	"errors"
	"fmt"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// Sink receives what a decoder produces. A decoder calls its Sink from one
// goroutine; the Sink owns every event handed to it.
type Sink interface {
	// Event takes a normalized event.
	Event(*event.Event)
	// Error reports a record that could not be decoded. The decoder goes on
	// with the rest of the stream. err should be an *Error.
	Error(err error)
}

// Input is one decompressed stream to decode.
type Input struct {
	Path string // for errors and event sources: "dir/file.json.gz", "a.zip!b.json", "-"
	R    Reader
}

// Reader is what decoders read from: an io.Reader that knows how far it is.
type Reader interface {
	Read(p []byte) (int, error)
	// Offset is the number of bytes read so far from the start of the stream.
	Offset() int64
}

// Errorf builds the error for a bad record at offset in this input.
func (in *Input) Errorf(format string, offset int64, err error) *Error {
	return &Error{Path: in.Path, Offset: offset, Format: format, Err: err}
}

// Format is a stream format: it recognizes its streams and decodes them.
type Format struct {
	Name string
	// Sniff reports whether head, the first bytes of a stream (up to
	// SniffSize, less for short streams), is in this format.
	Sniff func(head []byte) bool
	// Decode reads the whole stream, sending events and per-record errors to
	// sink. It returns an error only when the rest of the stream cannot be
	// read at all; that error is counted too.
	Decode func(ctx context.Context, in *Input, sink Sink) error
}

// SniffSize is how many bytes a Format sees when sniffing.
const SniffSize = 64 << 10

// RecordFormat is a JSON log type. JSON streams are split into records by
// this package (JSON lines, concatenated objects, arrays, {"Records": [...]}
// envelopes); each record goes to the first RecordFormat that matches it, so
// one file may mix log types.
type RecordFormat struct {
	Name string
	// Match reports whether the record is of this log type. It must be cheap:
	// it runs on every record until one matches.
	Match func(r *jsonrec.Record) bool
	// Normalize fills ev from the record. ev arrives with Source set and
	// Fields holding the record's fields; Normalize sets ID (from the record's
	// own identity where it has one; it is left zero to hash the raw record),
	// Time, Class, Action, Outcome and Refs, and may rewrite Fields. An error
	// drops the record and is reported with its offset.
	Normalize func(r *jsonrec.Record, ev *event.Event) error
}

// Error is a record or stream that could not be read.
type Error struct {
	Path   string
	Offset int64 // byte offset in the decompressed stream; -1 when unknown
	Format string
	Err    error
}

func (e *Error) Error() string {
	where := e.Path
	if e.Offset >= 0 {
		where = fmt.Sprintf("%s at offset %d", e.Path, e.Offset)
	}
	if e.Format != "" {
		return fmt.Sprintf("%s: %s: %v", where, e.Format, e.Err)
	}
	return fmt.Sprintf("%s: %v", where, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrUnknownFormat is reported for a stream no format recognizes.
var ErrUnknownFormat = errors.New("unrecognized format")

// Excerpt shortens untrusted text for an error message: at most n bytes,
// with "..." when it was cut.
func Excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
