package evtx

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// Layout of an EVTX file: a 4 KiB header block, then 64 KiB chunks, each
// with a 512-byte header followed by records.
const (
	headerSize      = 4096
	chunkSize       = 64 << 10
	chunkHeaderSize = 512
	recordHeader    = 24 // magic, size, record id, written time
)

var (
	chunkMagic  = []byte("ElfChnk\x00")
	recordMagic = []byte{0x2a, 0x2a, 0x00, 0x00}
)

// decode reads a whole EVTX stream chunk by chunk.
func decode(ctx context.Context, in *source.Input, sink source.Sink, n *winevent.Normalizer) error {
	d := newDecoder(in, sink, n)
	start := in.R.Offset()
	head := make([]byte, headerSize)
	if _, err := io.ReadFull(in.R, head); err != nil {
		return in.Errorf(Name, start, fmt.Errorf("reading file header: %w", err))
	}
	if !Sniff(head) {
		return in.Errorf(Name, start, errNotEVTX)
	}
	if crc := crc32.ChecksumIEEE(head[:120]); crc != binary.LittleEndian.Uint32(head[124:]) {
		d.report(start, fmt.Errorf("file header checksum mismatch (stored %08x, computed %08x)",
			binary.LittleEndian.Uint32(head[124:]), crc))
	}
	d.chunks = int(binary.LittleEndian.Uint16(head[42:]))
	buf := make([]byte, chunkSize)
	for off := start + headerSize; ; off += chunkSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := io.ReadFull(in.R, buf)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, io.ErrUnexpectedEOF):
			d.report(off, fmt.Errorf("truncated chunk: %d of %d bytes", n, chunkSize))
		case err != nil:
			return in.Errorf(Name, off, fmt.Errorf("reading chunk: %w", err))
		}
		d.safeChunk(buf[:n], off, int((off-start-headerSize)/chunkSize))
		if n < chunkSize {
			return nil
		}
	}
}

// safeChunk decodes one chunk, turning a panic into an error so that a
// parser bug on hostile input costs one chunk, not the process.
func (d *decoder) safeChunk(c []byte, off int64, index int) {
	defer func() {
		if r := recover(); r != nil {
			d.report(off, fmt.Errorf("recovered panic decoding chunk: %v", r))
		}
	}()
	d.decodeChunk(c, off, index)
}

// decodeChunk checks a chunk's header and decodes its records.
func (d *decoder) decodeChunk(c []byte, off int64, index int) {
	if len(c) < chunkHeaderSize {
		return // reported as truncated
	}
	if !bytes.HasPrefix(c, chunkMagic) {
		switch {
		case !allZero(c):
			d.report(off, errors.New("bad chunk magic, chunk skipped"))
		case index < d.chunks:
			d.report(off, fmt.Errorf("chunk %d is all zeros but the file header counts %d chunks", index, d.chunks))
		}
		return // an all-zero chunk past the header's count is unused space
	}
	le := binary.LittleEndian
	if crc := headerCRC(c); crc != le.Uint32(c[124:]) {
		d.report(off, fmt.Errorf("chunk header checksum mismatch (stored %08x, computed %08x)", le.Uint32(c[124:]), crc))
	}
	end := int(le.Uint32(c[48:])) // free space offset
	switch {
	case end < chunkHeaderSize || end > chunkSize:
		d.report(off, fmt.Errorf("bad free space offset %d, reading to the end of the chunk", end))
		end = len(c)
	case end > len(c):
		end = len(c) // truncated, reported already
	case len(c) == chunkSize:
		if crc := crc32.ChecksumIEEE(c[chunkHeaderSize:end]); crc != le.Uint32(c[52:]) {
			d.report(off, fmt.Errorf("chunk records checksum mismatch (stored %08x, computed %08x)", le.Uint32(c[52:]), crc))
		}
	}
	d.chunk, d.base = c, off
	d.chunkBudget = maxChunkOps
	clear(d.names)
	clear(d.tmpls)
	for pos := chunkHeaderSize; pos < end; {
		if d.chunkBudget <= 0 {
			d.report(off+int64(pos), errors.New("chunk expands beyond the work budget, rest of chunk skipped"))
			return
		}
		size, err := recordAt(c[:end], pos)
		if err != nil && len(c) < chunkSize && (pos+recordHeader > len(c) || pos+size > len(c)) {
			err = errors.New("record cut off by the end of the stream")
		}
		if err != nil {
			if allZero(c[pos:end]) {
				return // slack after the last record
			}
			d.report(off+int64(pos), err)
			pos = resync(c[:end], pos+1)
			continue
		}
		if err := d.record(pos, size); err != nil {
			d.report(off+int64(pos), fmt.Errorf("decoding record %d: %w", le.Uint64(c[pos+8:]), err))
		} else {
			d.emit(pos, le.Uint64(c[pos+8:]), le.Uint64(c[pos+16:]))
		}
		pos += size
	}
}

// headerCRC is the CRC32 of a chunk header without its checksum fields.
func headerCRC(c []byte) uint32 {
	return crc32.Update(crc32.ChecksumIEEE(c[:120]), crc32.IEEETable, c[128:chunkHeaderSize])
}

// recordAt validates the record framing at pos: magic, size within the
// chunk, and the size copy at its end.
func recordAt(c []byte, pos int) (int, error) {
	if len(c)-pos < recordHeader {
		return 0, errors.New("record header cut off")
	}
	if !bytes.Equal(c[pos:pos+4], recordMagic) {
		return 0, errors.New("bad record magic")
	}
	size := int(binary.LittleEndian.Uint32(c[pos+4:]))
	if size < recordHeader+4 || size > len(c)-pos {
		return size, fmt.Errorf("bad record size %d", size)
	}
	if copy := int(binary.LittleEndian.Uint32(c[pos+size-4:])); copy != size {
		return 0, fmt.Errorf("record size %d disagrees with its trailing copy %d", size, copy)
	}
	return size, nil
}

// resync finds the next well-framed record at or after pos.
func resync(c []byte, pos int) int {
	for pos+recordHeader <= len(c) {
		i := bytes.Index(c[pos:], recordMagic)
		if i < 0 {
			break
		}
		pos += i
		if pos+recordHeader > len(c) {
			break
		}
		if _, err := recordAt(c, pos); err == nil {
			return pos
		}
		pos++
	}
	return len(c)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
