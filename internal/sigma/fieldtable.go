package sigma

import (
	"encoding/binary"
	"unsafe"
)

// fieldTable finds the id of a field name: an open-addressing table with
// a hash of the name's length and first and last bytes, cheaper than a
// map lookup for the few dozen keys of every event.
type fieldTable struct {
	slots []fieldSlot // a power of two, at most half full
	mask  uint64
}

type fieldSlot struct {
	name string // "" for an empty slot
	id   fieldID
}

func newFieldTable(ids map[string]fieldID) fieldTable {
	n := 8
	for n < 2*len(ids) {
		n *= 2
	}
	t := fieldTable{slots: make([]fieldSlot, n), mask: uint64(n - 1)}
	for name, id := range ids {
		if name == "" {
			continue // never looked up: events have no empty keys worth matching
		}
		i := fieldHash(name) & t.mask
		for t.slots[i].name != "" {
			i = (i + 1) & t.mask
		}
		t.slots[i] = fieldSlot{name: name, id: id}
	}
	return t
}

// lookup returns the id of name.
func (t *fieldTable) lookup(name string) (fieldID, bool) {
	if len(t.slots) == 0 || name == "" {
		return 0, false
	}
	for i := fieldHash(name) & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.name == name {
			return sl.id, true
		}
		if sl.name == "" {
			return 0, false
		}
	}
}

// fieldHash mixes the length and up to the first and last eight bytes of
// a non-empty name.
func fieldHash(s string) uint64 {
	n := len(s)
	b := unsafe.Slice(unsafe.StringData(s), n)
	var x, y uint64
	switch {
	case n >= 8:
		x = binary.LittleEndian.Uint64(b)
		y = binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		x = uint64(binary.LittleEndian.Uint32(b))
		y = uint64(binary.LittleEndian.Uint32(b[n-4:]))
	default:
		x = uint64(b[0]) | uint64(b[n/2])<<8 | uint64(b[n-1])<<16
	}
	h := (x^uint64(n))*0x9e3779b97f4a7c15 ^ y*0xc2b2ae3d27d4eb4f
	return h ^ h>>29
}
