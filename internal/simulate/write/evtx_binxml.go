package write

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"unicode/utf16"
)

// BinXML tokens (MS-EVEN6 2.2.12). hasMore (0x40) on an element start says
// attributes follow; on an attribute, that another attribute follows.
const (
	tokEOF         = 0x00
	tokOpenStart   = 0x01
	tokCloseStart  = 0x02
	tokCloseEmpty  = 0x03
	tokEnd         = 0x04
	tokValue       = 0x05
	tokAttribute   = 0x06
	tokTemplate    = 0x0c
	tokNormalSub   = 0x0d
	tokOptionalSub = 0x0e
	hasMore        = 0x40
	noDependency   = 0xffff
)

// fragmentHeader opens a BinXML fragment: token, version 1.1, flags.
var fragmentHeader = []byte{0x0f, 0x01, 0x01, 0x00}

const eventNamespace = "http://schemas.microsoft.com/win/2004/08/events/event"

// Substitutions of the System template, numbered as in the template the
// Windows Event Log writes for every event (seen in real files): the
// EventData is substitution 17, a BinXML fragment of its own.
const (
	subLevel = iota
	subOpcode
	subTask
	subEventID
	subQualifiers
	subKeywords
	subTimeCreated
	subActivityID
	subProcessID
	subThreadID
	subRecordID
	subVersion
	subUserID
	subRelatedActivityID
	subProviderName
	subProviderGUID
	subChannel
	subEventData
	subCount
)

// errValueTooLarge is a value whose size does not fit its 16-bit descriptor.
var errValueTooLarge = errors.New("value larger than 64 KiB")

// element is an element being written: where its data size and its
// attribute list size are to be patched.
type element struct{ sizeAt, attrsAt int }

// openElement writes an element start. dep is the substitution the element
// depends on (its content is that optional substitution), noDependency
// when none.
func (c *evtxChunk) openElement(name string, dep uint16, attrs bool) element {
	tok := byte(tokOpenStart)
	if attrs {
		tok |= hasMore
	}
	c.b = binary.LittleEndian.AppendUint16(append(c.b, tok), dep)
	el := element{sizeAt: len(c.b), attrsAt: -1}
	c.b = append(c.b, 0, 0, 0, 0)
	c.name(name)
	if attrs {
		el.attrsAt = len(c.b)
		c.b = append(c.b, 0, 0, 0, 0)
	}
	return el
}

// attribute writes an attribute's name; its value follows.
func (c *evtxChunk) attribute(name string, more bool) {
	tok := byte(tokAttribute)
	if more {
		tok |= hasMore
	}
	c.b = append(c.b, tok)
	c.name(name)
}

// closeStart ends the start tag (and the attribute list) of el.
func (c *evtxChunk) closeStart(el element) {
	c.patchAttrs(el)
	c.b = append(c.b, tokCloseStart)
}

// closeEmpty ends el as an empty element.
func (c *evtxChunk) closeEmpty(el element) {
	c.patchAttrs(el)
	c.b = append(c.b, tokCloseEmpty)
	c.patch32(el.sizeAt, len(c.b)-el.sizeAt-4)
}

// endElement ends el after its content.
func (c *evtxChunk) endElement(el element) {
	c.b = append(c.b, tokEnd)
	c.patch32(el.sizeAt, len(c.b)-el.sizeAt-4)
}

func (c *evtxChunk) patchAttrs(el element) {
	if el.attrsAt >= 0 {
		c.patch32(el.attrsAt, len(c.b)-el.attrsAt-4)
	}
}

// text writes literal text content.
func (c *evtxChunk) text(s string) {
	c.b = append(c.b, tokValue, evtString)
	c.b = binary.LittleEndian.AppendUint16(c.b, uint16(utf16Len(s)))
	c.b = appendUTF16(c.b, s)
}

// sub writes a substitution of value idx declared as typ.
func (c *evtxChunk) sub(optional bool, idx int, typ byte) {
	tok := byte(tokNormalSub)
	if optional {
		tok = tokOptionalSub
	}
	c.b = append(binary.LittleEndian.AppendUint16(append(c.b, tok), uint16(idx)), typ)
}

// name writes a reference to name: the offset of the chunk's copy of it,
// written here (and entered in the chunk's string table) at first use.
func (c *evtxChunk) name(s string) {
	if off, ok := c.names[s]; ok {
		c.b = binary.LittleEndian.AppendUint32(c.b, off)
		return
	}
	off := uint32(c.base + len(c.b) + 4)
	h := nameHash(s)
	bucket := h % uint16(len(c.nameHeads))
	c.b = binary.LittleEndian.AppendUint32(c.b, off)
	c.b = binary.LittleEndian.AppendUint32(c.b, c.nameHeads[bucket])
	c.b = binary.LittleEndian.AppendUint16(c.b, h)
	c.b = binary.LittleEndian.AppendUint16(c.b, uint16(utf16Len(s)))
	c.b = append(appendUTF16(c.b, s), 0, 0)
	c.nameHeads[bucket] = off
	c.names[s] = off
	c.addedNames = append(c.addedNames, s)
}

// nameHash is the hash of a name in the chunk's string table: the low 16
// bits of h = h*65599 + c over its UTF-16 code units (checked against the
// string tables of real files).
func nameHash(s string) uint16 {
	var h uint32
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			h = h*65599 + uint32(r1)
			h = h*65599 + uint32(r2)
			continue
		}
		h = h*65599 + uint32(r)
	}
	return uint16(h)
}

// evtxTemplate is a template defined in the chunk.
type evtxTemplate struct{ off, id uint32 }

// instance writes a template instance of the template key. When the chunk
// does not hold the template yet it starts its definition here and
// returns true: the caller writes the template's body and calls
// endDefinition. The template's identifier is a hash of key.
func (c *evtxChunk) instance(key []byte) (sizeAt int, define bool) {
	c.b = append(c.b, tokTemplate, 0x01)
	if t, ok := c.templates[string(key)]; ok {
		c.b = binary.LittleEndian.AppendUint32(c.b, t.id)
		c.b = binary.LittleEndian.AppendUint32(c.b, t.off)
		return 0, false
	}
	h := fnv.New128a()
	h.Write(key)
	guid := h.Sum(c.guid[:0])
	t := evtxTemplate{off: uint32(c.base + len(c.b) + 8), id: binary.LittleEndian.Uint32(guid)}
	bucket := t.id % uint32(len(c.tmplHeads))
	c.b = binary.LittleEndian.AppendUint32(c.b, t.id)
	c.b = binary.LittleEndian.AppendUint32(c.b, t.off)
	c.b = binary.LittleEndian.AppendUint32(c.b, c.tmplHeads[bucket])
	c.b = append(c.b, guid...)
	sizeAt = len(c.b)
	c.b = append(c.b, 0, 0, 0, 0)
	c.tmplHeads[bucket] = t.off
	k := string(key)
	c.templates[k] = t
	c.addedTmpls = append(c.addedTmpls, k)
	return sizeAt, true
}

// endDefinition ends the definition of a template begun by instance.
func (c *evtxChunk) endDefinition(sizeAt int) {
	c.patch32(sizeAt, len(c.b)-sizeAt-4)
}

// values starts the values of a template instance: their count and room
// for their descriptors, which setValue fills.
func (c *evtxChunk) values(n int) int {
	c.b = binary.LittleEndian.AppendUint32(c.b, uint32(n))
	at := len(c.b)
	c.b = append(c.b, make([]byte, 4*n)...)
	return at
}

// setValue describes value i, whose bytes run from start to the end of the
// buffer.
func (c *evtxChunk) setValue(descAt, i, start int, typ byte) error {
	size := len(c.b) - start
	if size > math.MaxUint16 {
		return fmt.Errorf("value %d: %w", i, errValueTooLarge)
	}
	d := c.b[descAt+4*i:]
	binary.LittleEndian.PutUint16(d, uint16(size))
	d[2], d[3] = typ, 0
	return nil
}

func (c *evtxChunk) patch32(at, v int) {
	binary.LittleEndian.PutUint32(c.b[at:], uint32(v))
}

// systemTemplate writes the template of an event's Event and System
// elements, as Windows writes it: every System value an optional
// substitution (a null value leaves its attribute or element out), the
// computer's name literal, the EventData a BinXML substitution.
func (c *evtxChunk) systemTemplate(computer string) {
	c.b = append(c.b, fragmentHeader...)
	ev := c.openElement("Event", subEventData, true)
	c.attribute("xmlns", false)
	c.text(eventNamespace)
	c.closeStart(ev)
	sys := c.openElement("System", noDependency, false)
	c.closeStart(sys)
	c.emptyElement("Provider", attrSub{"Name", subProviderName, evtString}, attrSub{"Guid", subProviderGUID, evtGUID})
	id := c.openElement("EventID", subEventID, true)
	c.attribute("Qualifiers", false)
	c.sub(true, subQualifiers, evtUInt16)
	c.closeStart(id)
	c.sub(true, subEventID, evtUInt16)
	c.endElement(id)
	c.leaf("Version", subVersion, evtUInt8)
	c.leaf("Level", subLevel, evtUInt8)
	c.leaf("Task", subTask, evtUInt16)
	c.leaf("Opcode", subOpcode, evtUInt8)
	c.leaf("Keywords", subKeywords, evtHex64)
	c.emptyElement("TimeCreated", attrSub{"SystemTime", subTimeCreated, evtFileTime})
	c.leaf("EventRecordID", subRecordID, evtUInt64)
	c.emptyElement("Correlation", attrSub{"ActivityID", subActivityID, evtGUID}, attrSub{"RelatedActivityID", subRelatedActivityID, evtGUID})
	c.emptyElement("Execution", attrSub{"ProcessID", subProcessID, evtUInt32}, attrSub{"ThreadID", subThreadID, evtUInt32})
	c.leaf("Channel", subChannel, evtString)
	comp := c.openElement("Computer", noDependency, false)
	c.closeStart(comp)
	c.text(computer)
	c.endElement(comp)
	c.emptyElement("Security", attrSub{"UserID", subUserID, evtSID})
	c.endElement(sys)
	c.sub(true, subEventData, evtBinXML)
	c.endElement(ev)
	c.b = append(c.b, tokEOF)
}

// attrSub is an attribute whose value is an optional substitution.
type attrSub struct {
	name string
	idx  int
	typ  byte
}

// emptyElement writes <name a="%i" b="%j"/>.
func (c *evtxChunk) emptyElement(name string, attrs ...attrSub) {
	el := c.openElement(name, noDependency, true)
	for i, a := range attrs {
		c.attribute(a.name, i+1 < len(attrs))
		c.sub(true, a.idx, a.typ)
	}
	c.closeEmpty(el)
}

// leaf writes <name>%idx</name>.
func (c *evtxChunk) leaf(name string, idx int, typ byte) {
	el := c.openElement(name, uint16(idx), false)
	c.closeStart(el)
	c.sub(true, idx, typ)
	c.endElement(el)
}

// dataTemplate writes the template of an EventData element: a <Data> per
// field, its Name literal, its value a substitution of the type chosen.
func (c *evtxChunk) dataTemplate(data []Member, types []byte) {
	c.b = append(c.b, fragmentHeader...)
	ed := c.openElement("EventData", noDependency, false)
	c.closeStart(ed)
	for i, m := range data {
		el := c.openElement("Data", noDependency, true)
		c.attribute("Name", false)
		c.text(m.Key)
		c.closeStart(el)
		c.sub(false, i, types[i])
		c.endElement(el)
	}
	c.endElement(ed)
	c.b = append(c.b, tokEOF)
}
