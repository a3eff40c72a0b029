package evtx

import (
	"encoding/binary"
	"hash/crc32"
	"unicode/utf16"
)

// bx writes BinXML into a chunk; base is the chunk offset of b[0], needed
// because names are written inline at their own chunk offset.
type bx struct {
	b    []byte
	base int
}

func (x *bx) pos() int     { return x.base + len(x.b) }
func (x *bx) u8(v byte)    { x.b = append(x.b, v) }
func (x *bx) u16(v uint16) { x.b = binary.LittleEndian.AppendUint16(x.b, v) }
func (x *bx) u32(v uint32) { x.b = binary.LittleEndian.AppendUint32(x.b, v) }

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func (x *bx) name(s string) {
	x.u32(uint32(x.pos() + 4)) // inline: the name follows
	x.u32(0)                   // next name in the hash bucket
	x.u16(0)                   // hash
	x.u16(uint16(len(utf16.Encode([]rune(s)))))
	x.b = append(x.b, utf16le(s)...)
	x.u16(0)
}

func (x *bx) open(name string, attrs bool) {
	tok := byte(tokOpenStart)
	if attrs {
		tok |= 0x40
	}
	x.u8(tok)
	x.u16(0xffff) // dependency id
	x.u32(0)      // data size (not used by readers)
	x.name(name)
	if attrs {
		x.u32(0) // attribute list size
	}
}

func (x *bx) attr(name string)  { x.u8(tokAttribute); x.name(name) }
func (x *bx) closeStart()       { x.u8(tokCloseStart) }
func (x *bx) closeEmpty()       { x.u8(tokCloseEmpty) }
func (x *bx) end()              { x.u8(tokEnd) }
func (x *bx) entity(n string)   { x.u8(tokEntityRef); x.name(n) }
func (x *bx) charRef(c uint16)  { x.u8(tokCharRef); x.u16(c) }
func (x *bx) fragmentHeader()   { x.b = append(x.b, tokFragment, 1, 1, 0) }
func (x *bx) sub(i int, t byte) { x.u8(tokSubstitution); x.u16(uint16(i)); x.u8(t) }
func (x *bx) optSub(i int, t byte) {
	x.u8(tokOptionalSubst)
	x.u16(uint16(i))
	x.u8(t)
}

func (x *bx) text(s string) {
	x.u8(tokValue)
	x.u8(typeString)
	x.u16(uint16(len(utf16.Encode([]rune(s)))))
	x.b = append(x.b, utf16le(s)...)
}

// elem writes <name>text</name>.
func (x *bx) elem(name, text string) {
	x.open(name, false)
	x.closeStart()
	x.text(text)
	x.end()
}

// subElem writes <name>%i</name>.
func (x *bx) subElem(name string, i int, t byte) {
	x.open(name, false)
	x.closeStart()
	x.sub(i, t)
	x.end()
}

// dataSub writes <Data Name="name">%i</Data>.
func (x *bx) dataSub(name string, i int, t byte) {
	x.open("Data", true)
	x.attr("Name")
	x.text(name)
	x.closeStart()
	x.sub(i, t)
	x.end()
}

// val is a substitution value; build renders it at chunk offset base.
type val struct {
	t     byte
	build func(base int) []byte
}

func raw(t byte, b []byte) val { return val{t, func(int) []byte { return b }} }

// instance writes a template instance with an inline definition.
func (x *bx) instance(body func(*bx), vals []val) {
	x.u8(tokTemplate)
	x.u8(1)
	x.u32(1) // template id
	x.u32(uint32(x.pos() + 4))
	x.u32(0)                               // next template
	x.b = append(x.b, make([]byte, 16)...) // GUID
	sizeAt := len(x.b)
	x.u32(0)
	start := len(x.b)
	x.fragmentHeader()
	body(x)
	x.u8(tokEOF)
	binary.LittleEndian.PutUint32(x.b[sizeAt:], uint32(len(x.b)-start))
	x.u32(uint32(len(vals)))
	descAt := len(x.b)
	x.b = append(x.b, make([]byte, 4*len(vals))...)
	for i, v := range vals {
		data := v.build(x.pos())
		binary.LittleEndian.PutUint16(x.b[descAt+4*i:], uint16(len(data)))
		x.b[descAt+4*i+2] = v.t
		x.b = append(x.b, data...)
	}
}

// nested is a BinXML value holding a fragment.
func nested(body func(*bx)) val {
	return val{typeBinXML, func(base int) []byte {
		x := &bx{base: base}
		x.fragmentHeader()
		body(x)
		x.u8(tokEOF)
		return x.b
	}}
}

// synthFile builds an EVTX file of one chunk; each record body writes the
// BinXML of one record.
func synthFile(records ...func(*bx)) []byte {
	chunk := make([]byte, chunkSize)
	copy(chunk, chunkMagic)
	pos := chunkHeaderSize
	for i, body := range records {
		x := &bx{base: pos + recordHeader}
		body(x)
		size := recordHeader + len(x.b) + 4
		size = (size + 7) &^ 7
		r := chunk[pos:]
		copy(r, recordMagic)
		binary.LittleEndian.PutUint32(r[4:], uint32(size))
		binary.LittleEndian.PutUint64(r[8:], uint64(i+1))
		binary.LittleEndian.PutUint64(r[16:], 132000000000000000)
		copy(r[recordHeader:], x.b)
		binary.LittleEndian.PutUint32(r[size-4:], uint32(size))
		pos += size
	}
	le := binary.LittleEndian
	le.PutUint64(chunk[8:], 1)
	le.PutUint64(chunk[16:], uint64(len(records)))
	le.PutUint64(chunk[24:], 1)
	le.PutUint64(chunk[32:], uint64(len(records)))
	le.PutUint32(chunk[40:], 128)
	le.PutUint32(chunk[48:], uint32(pos))
	le.PutUint32(chunk[52:], crc32.ChecksumIEEE(chunk[chunkHeaderSize:pos]))
	le.PutUint32(chunk[124:], headerCRC(chunk))

	head := make([]byte, headerSize)
	copy(head, fileMagic)
	le.PutUint64(head[24:], uint64(len(records)+1))
	le.PutUint32(head[32:], 128)
	le.PutUint16(head[36:], 1)
	le.PutUint16(head[38:], 3)
	le.PutUint16(head[40:], headerSize)
	le.PutUint16(head[42:], 1)
	le.PutUint32(head[124:], crc32.ChecksumIEEE(head[:120]))
	return append(head, chunk...)
}
