package evtx

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// BinXML tokens. The 0x40 bit on element, value, attribute, CDATA, character
// and entity tokens means "more follows" (attributes for an element).
const (
	tokEOF           = 0x00
	tokOpenStart     = 0x01
	tokCloseStart    = 0x02
	tokCloseEmpty    = 0x03
	tokEnd           = 0x04
	tokValue         = 0x05
	tokAttribute     = 0x06
	tokCDATA         = 0x07
	tokCharRef       = 0x08
	tokEntityRef     = 0x09
	tokPITarget      = 0x0a
	tokPIData        = 0x0b
	tokTemplate      = 0x0c
	tokSubstitution  = 0x0d
	tokOptionalSubst = 0x0e
	tokFragment      = 0x0f
)

// op kinds of a compiled template.
const (
	opOpen = iota
	opAttr
	opCloseStart
	opCloseEmpty
	opEnd
	opText
	opSub
	opInstance // raw (template-less) streams only: run rawInstances[idx]
)

// op is one step of a compiled BinXML fragment.
type op struct {
	kind     uint8
	optional bool
	idx      uint16 // substitution index
	text     string // element or attribute name, or literal text
}

// template is a compiled template definition, or the error compiling it.
type template struct {
	ops []op
	err error
}

// value is one substitution value: its type and where it lies in the chunk.
type value struct {
	typ       byte
	pos, size int32
}

// instance is a template instance met in a raw stream.
type instance struct {
	tmpl *template
	vals []value
}

var (
	errTruncated = errors.New("binxml runs past its record")
	errDepth     = errors.New("binxml nested too deeply")
	errBudget    = errors.New("binxml expands beyond the work budget")
)

// maxNesting bounds nested BinXML values. maxOps bounds the work (ops run,
// values and fragments read) one record may cause and maxChunkOps that of a
// chunk, so hostile templates cannot make a chunk cost much more than a
// real one (a Sysmon record runs about 150 ops).
const (
	maxNesting  = 16
	maxOps      = 1 << 18
	maxChunkOps = 1 << 22
)

// reader walks BinXML bytes inside a chunk. Positions are chunk offsets,
// because names and templates are referred to by chunk offset.
type reader struct {
	c        []byte
	pos, end int
}

func (r *reader) need(n int) error {
	if n < 0 || r.end-r.pos < n {
		return errTruncated
	}
	return nil
}

func (r *reader) u8() (byte, error) {
	if err := r.need(1); err != nil {
		return 0, err
	}
	r.pos++
	return r.c[r.pos-1], nil
}

func (r *reader) u16() (uint16, error) {
	if err := r.need(2); err != nil {
		return 0, err
	}
	r.pos += 2
	return binary.LittleEndian.Uint16(r.c[r.pos-2:]), nil
}

func (r *reader) u32() (uint32, error) {
	if err := r.need(4); err != nil {
		return 0, err
	}
	r.pos += 4
	return binary.LittleEndian.Uint32(r.c[r.pos-4:]), nil
}

// utf16 reads a counted UTF-16 string.
func (r *reader) utf16(d *decoder) (string, error) {
	n, err := r.u16()
	if err != nil {
		return "", err
	}
	if err := r.need(2 * int(n)); err != nil {
		return "", err
	}
	b := r.c[r.pos : r.pos+2*int(n)]
	r.pos += 2 * int(n)
	d.scratch = appendUTF16(d.scratch[:0], b)
	return d.intern(d.scratch), nil
}

// name reads a name reference; an inline name (one whose offset is the
// current position) is skipped over.
func (r *reader) name(d *decoder) (string, error) {
	off, err := r.u32()
	if err != nil {
		return "", err
	}
	s, size, err := d.nameAt(off)
	if err != nil {
		return "", err
	}
	if int(off) == r.pos {
		if err := r.need(size); err != nil {
			return "", err
		}
		r.pos += size
	}
	return s, nil
}

// nameAt decodes the name structure at chunk offset off: next offset (4),
// hash (2), character count (2), characters, NUL (2).
func (d *decoder) nameAt(off uint32) (string, int, error) {
	if e, ok := d.names[off]; ok {
		return e.s, e.size, nil
	}
	if int(off) > len(d.chunk)-8 {
		return "", 0, fmt.Errorf("name offset %d outside the chunk", off)
	}
	n := int(binary.LittleEndian.Uint16(d.chunk[off+6:]))
	size := 10 + 2*n
	if int(off)+size > len(d.chunk) {
		return "", 0, fmt.Errorf("name at %d runs past the chunk", off)
	}
	d.scratch = appendUTF16(d.scratch[:0], d.chunk[int(off)+8:int(off)+8+2*n])
	s := d.intern(d.scratch)
	d.names[off] = nameEntry{s, size}
	return s, size, nil
}

// nameEntry is a decoded name and the size of its structure in the chunk.
type nameEntry struct {
	s    string
	size int
}
