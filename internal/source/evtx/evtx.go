// Package evtx reads Windows event log files (EVTX, the binary XML format
// of the Windows Event Log service) into normalized events.
//
// The reader is native and streaming: it reads the 4 KiB file header, then
// one 64 KiB chunk at a time, so memory stays constant whatever the file
// size. Each chunk is self-contained (its records refer to names and
// templates by chunk offset), and templates are compiled once per chunk.
// Values are rendered as evtx_dump renders them in JSON, so an EVTX record
// and its evtx_dump twin normalize to the same fields: GUIDs upper case
// without braces, binary as upper-case hex, HexInt as 0x..., times with
// microseconds. Damaged chunks and records are reported with their file
// offset and skipped; the rest of the file is read.
package evtx

import (
	"bytes"
	"context"
	"errors"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// Name is the format name used in events and errors.
const Name = "evtx"

var fileMagic = []byte("ElfFile\x00")

// Format returns the EVTX stream format; records are normalized by n.
func Format(n *winevent.Normalizer) source.Format {
	return source.Format{
		Name:  Name,
		Sniff: Sniff,
		Decode: func(ctx context.Context, in *source.Input, sink source.Sink) error {
			return decode(ctx, in, sink, n)
		},
	}
}

// Sniff reports whether head starts with the EVTX file magic.
func Sniff(head []byte) bool { return bytes.HasPrefix(head, fileMagic) }

// decoder holds the state of one stream; it is reused across chunks and
// records so decoding allocates little.
type decoder struct {
	in    *source.Input
	sink  source.Sink
	norm  *winevent.Normalizer
	chunk []byte
	base  int64 // file offset of chunk
	// chunks is the chunk count in the file header.
	chunks int

	names   map[uint32]nameEntry
	tmpls   map[uint32]*template
	strs    map[string]string
	scratch []byte
	vals    []value
	raw     []instance
	budget  int // work left for this record
	// chunkBudget is the work left for this chunk.
	chunkBudget int
	b           builder
}

// The intern table of one stream holds at most maxInterned strings of at
// most maxInternLen bytes: names, channels, computers repeat; long values
// do not.
const (
	maxInterned  = 1 << 14
	maxInternLen = 256
)

// intern returns b as a string, shared with earlier equal strings.
func (d *decoder) intern(b []byte) string {
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.strs) < maxInterned && len(s) <= maxInternLen {
		d.strs[s] = s
	}
	return s
}

// join returns the interned key a.b.
func (d *decoder) join(a, b string) string {
	d.scratch = append(append(append(d.scratch[:0], a...), '.'), b...)
	return d.intern(d.scratch)
}

func newDecoder(in *source.Input, sink source.Sink, n *winevent.Normalizer) *decoder {
	d := &decoder{
		in:    in,
		sink:  sink,
		norm:  n,
		names: make(map[uint32]nameEntry),
		tmpls: make(map[uint32]*template),
		strs:  make(map[string]string),
	}
	d.b.d = d
	return d
}

// emit normalizes the record just built and hands it to the sink.
func (d *decoder) emit(pos int, recordID, written uint64) {
	rec := d.b.finish(recordID, written)
	src := event.Source{Format: Name, Path: d.in.Path, Offset: d.base + int64(pos)}
	d.sink.Event(d.norm.Event(rec, src))
}

// report sends a per-record or per-chunk error to the sink.
func (d *decoder) report(offset int64, err error) {
	d.sink.Error(d.in.Errorf(Name, offset, err))
}

var errNotEVTX = errors.New("not an EVTX file: bad file magic")
