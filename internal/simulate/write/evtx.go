package write

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"strings"
)

// Layout of an EVTX file (libevtx's "Windows XML Event Log (EVTX) format"):
// a 4 KiB file header, then 64 KiB chunks, each a 512-byte header followed
// by event records.
const (
	evtxHeaderSize      = 4096
	evtxChunkSize       = 64 << 10
	evtxChunkHeaderSize = 512
	evtxMaxChunks       = 0xffff // the header counts chunks in 16 bits
)

// EVTX writes Windows events as the Windows Event Log stores them: one
// .evtx file series per computer and channel under dir/<host>/, named as
// Windows names the channel's log (Security-0001.evtx,
// Microsoft-Windows-Sysmon%4Operational-0001.evtx) and rotated at a chunk
// boundary before maxBytes. Each record is a template instance as Windows
// writes it (the System template, the EventData a BinXML fragment with a
// template of its own), templates and names defined once per chunk.
//
// Record ids, times and values are those the Windows (JSON) writer writes,
// so both formats read back to the same events. A file is written a chunk
// at a time: each open file holds one chunk in memory, and its header is
// written last (it counts the chunks); until then it is marked dirty.
type EVTX struct {
	dir      string
	maxBytes int64
	st       *Stats
	logs     map[string]*evtxLog
	data     evtxData
}

type evtxLog struct {
	host, channel string
	out           *file
	seq           int
	recordID      uint64
	chunks        int // chunks written to out
	chunk         *evtxChunk
}

// NewEVTX returns a writer into dir.
func NewEVTX(dir string, maxBytes int64, st *Stats) *EVTX {
	return &EVTX{dir: dir, maxBytes: maxBytes, st: st, logs: map[string]*evtxLog{}}
}

// Write appends e to its computer's log of e.Channel and gives it the
// log's next record id.
func (w *EVTX) Write(e *WinEvent) error {
	p, ok := providers[e.Channel]
	if !ok {
		return fmt.Errorf("writing Windows event: unknown channel %q", e.Channel)
	}
	host := shortHost(e.Computer)
	key := host + "\x00" + e.Channel
	l := w.logs[key]
	if l == nil {
		l = &evtxLog{host: host, channel: e.Channel, recordID: firstRecordID(key), chunk: newEVTXChunk()}
		w.logs[key] = l
	}
	id := l.recordID + 1
	fits, err := l.chunk.add(e, p, id, &w.data)
	if err == nil && !fits {
		if err = w.flush(l); err != nil {
			return err
		}
		if fits, err = l.chunk.add(e, p, id, &w.data); err == nil && !fits {
			err = errors.New("the record does not fit in an empty chunk")
		}
	}
	if err != nil {
		return fmt.Errorf("writing EVTX record %d of %s/%s: %w", id, l.host, l.channel, err)
	}
	l.recordID = id
	return nil
}

// flush writes l's chunk, if it holds records, to its file, opening the
// file first and finishing it when it can take no more chunks.
func (w *EVTX) flush(l *evtxLog) error {
	if l.chunk.records == 0 {
		return nil
	}
	if l.out == nil {
		l.seq++
		name := fmt.Sprintf("%s-%04d.evtx", strings.ReplaceAll(l.channel, "/", "%4"), l.seq)
		out, err := create(filepath.Join(w.dir, l.host, name), false)
		if err != nil {
			return err
		}
		// A header marked dirty holds the place of the one written last.
		if err := out.write(appendFileHeader(nil, 0, 0, true)); err != nil {
			return err
		}
		l.out, l.chunks = out, 0
	}
	if err := l.out.write(l.chunk.seal()); err != nil {
		return err
	}
	l.chunks++
	l.chunk.reset()
	if l.chunks == evtxMaxChunks || evtxHeaderSize+int64(l.chunks+1)*evtxChunkSize > w.maxBytes {
		return w.finish(l)
	}
	return nil
}

// finish writes the final header of l's file and closes it.
func (w *EVTX) finish(l *evtxLog) error {
	out := l.out
	l.out = nil
	err := out.bw.Flush()
	if err == nil {
		_, err = out.f.WriteAt(appendFileHeader(nil, l.chunks, l.recordID+1, false), 0)
	}
	if cerr := out.close(w.st); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("finishing %s: %w", out.path, err)
	}
	return nil
}

// Close writes the last chunk of every log and closes every open file.
func (w *EVTX) Close() error {
	var first error
	for _, l := range w.logs {
		err := w.flush(l)
		if l.out != nil {
			if ferr := w.finish(l); err == nil {
				err = ferr
			}
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}

// appendFileHeader appends the 4 KiB file header of a file of chunks
// chunks whose next record would have id next.
func appendFileHeader(b []byte, chunks int, next uint64, dirty bool) []byte {
	start := len(b)
	b = append(b, make([]byte, evtxHeaderSize)...)
	h := b[start:]
	le := binary.LittleEndian
	copy(h, "ElfFile\x00")
	if chunks > 0 {
		le.PutUint64(h[16:], uint64(chunks-1)) // last chunk number; the first is 0
	}
	le.PutUint64(h[24:], next)           // next record id
	le.PutUint32(h[32:], 128)            // header size
	le.PutUint16(h[36:], 1)              // minor version: 3.1, as python-evtx expects
	le.PutUint16(h[38:], 3)              // major version
	le.PutUint16(h[40:], evtxHeaderSize) // header block size
	le.PutUint16(h[42:], uint16(chunks)) // number of chunks
	if dirty {
		le.PutUint32(h[120:], 1) // flags: dirty
	}
	le.PutUint32(h[124:], crc32.ChecksumIEEE(h[:120]))
	return b
}

// evtxChunk is the chunk being filled. A record is encoded into a scratch
// buffer, at the chunk offset it will have, then copied in when it fits;
// one that does not fit is undone: the names and templates it defined are
// forgotten.
type evtxChunk struct {
	buf         []byte
	b           []byte // the record being written
	base        int    // the chunk offset of b
	guid        [16]byte
	pos         int // free space offset: end of the last record
	records     int
	first, last uint64 // record ids
	lastRecord  int    // offset of the last record

	names      map[string]uint32       // name -> offset of its definition
	templates  map[string]evtxTemplate // template key -> its definition
	nameHeads  [64]uint32              // string table: name hash buckets
	tmplHeads  [32]uint32              // template table
	addedNames []string
	addedTmpls []string
}

func newEVTXChunk() *evtxChunk {
	c := &evtxChunk{buf: make([]byte, evtxChunkSize), names: map[string]uint32{}, templates: map[string]evtxTemplate{}}
	c.reset()
	return c
}

func (c *evtxChunk) reset() {
	c.pos, c.records, c.first, c.last, c.lastRecord = evtxChunkHeaderSize, 0, 0, 0, 0
	clear(c.names)
	clear(c.templates)
	c.nameHeads, c.tmplHeads = [64]uint32{}, [32]uint32{}
}

// add encodes the record of e with id into the chunk. It reports false,
// leaving the chunk as it was, when the record does not fit.
func (c *evtxChunk) add(e *WinEvent, p provider, id uint64, d *evtxData) (bool, error) {
	nameHeads, tmplHeads := c.nameHeads, c.tmplHeads
	c.addedNames, c.addedTmpls = c.addedNames[:0], c.addedTmpls[:0]
	c.b, c.base = d.rec[:0], c.pos
	err := c.record(e, p, id, d)
	d.rec = c.b
	c.b = nil
	if err == nil && c.pos+len(d.rec) <= len(c.buf) {
		copy(c.buf[c.pos:], d.rec)
		if c.records == 0 {
			c.first = id
		}
		c.records++
		c.last, c.lastRecord, c.pos = id, c.pos, c.pos+len(d.rec)
		return true, nil
	}
	for _, k := range c.addedNames {
		delete(c.names, k)
	}
	for _, k := range c.addedTmpls {
		delete(c.templates, k)
	}
	c.nameHeads, c.tmplHeads = nameHeads, tmplHeads
	return false, err
}

// seal completes the chunk's header (record ids, offsets, tables and both
// checksums) and returns the chunk.
func (c *evtxChunk) seal() []byte {
	clear(c.buf[c.pos:])
	h := c.buf[:evtxChunkHeaderSize]
	clear(h)
	le := binary.LittleEndian
	copy(h, "ElfChnk\x00")
	le.PutUint64(h[8:], c.first) // record numbers: the ids, as Windows keeps them
	le.PutUint64(h[16:], c.last)
	le.PutUint64(h[24:], c.first)
	le.PutUint64(h[32:], c.last)
	le.PutUint32(h[40:], 128) // header size
	le.PutUint32(h[44:], uint32(c.lastRecord))
	le.PutUint32(h[48:], uint32(c.pos))
	le.PutUint32(h[52:], crc32.ChecksumIEEE(c.buf[evtxChunkHeaderSize:c.pos]))
	le.PutUint32(h[120:], 1) // flags, 1 in every chunk of real files
	for i, off := range c.nameHeads {
		le.PutUint32(h[128+4*i:], off)
	}
	for i, off := range c.tmplHeads {
		le.PutUint32(h[384+4*i:], off)
	}
	crc := crc32.Update(crc32.ChecksumIEEE(h[:120]), crc32.IEEETable, h[128:])
	le.PutUint32(h[124:], crc)
	return c.buf
}
