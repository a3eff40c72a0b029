package evtx

import (
	"encoding/binary"
	"fmt"
)

// compile turns the BinXML tokens from r.pos up to the end-of-fragment
// token into ops. In a template definition (raw false) template instances
// are not allowed; in a raw stream they are parsed into d.raw and referred
// to by an opInstance.
func (d *decoder) compile(r *reader, raw bool, ops []op) ([]op, error) {
	for {
		tok, err := r.u8()
		if err != nil {
			return ops, err
		}
		switch tok &^ 0x40 {
		case tokEOF:
			return ops, nil
		case tokFragment:
			if err := r.need(3); err != nil {
				return ops, err
			}
			r.pos += 3
		case tokOpenStart:
			if err := r.need(6); err != nil { // dependency id, data size
				return ops, err
			}
			r.pos += 6
			name, err := r.name(d)
			if err != nil {
				return ops, err
			}
			if tok&0x40 != 0 {
				if _, err := r.u32(); err != nil { // attribute list size
					return ops, err
				}
			}
			ops = append(ops, op{kind: opOpen, text: name})
		case tokCloseStart:
			ops = append(ops, op{kind: opCloseStart})
		case tokCloseEmpty:
			ops = append(ops, op{kind: opCloseEmpty})
		case tokEnd:
			ops = append(ops, op{kind: opEnd})
		case tokValue:
			if _, err := r.u8(); err != nil { // value type, always a string
				return ops, err
			}
			s, err := r.utf16(d)
			if err != nil {
				return ops, err
			}
			ops = append(ops, op{kind: opText, text: s})
		case tokAttribute:
			name, err := r.name(d)
			if err != nil {
				return ops, err
			}
			ops = append(ops, op{kind: opAttr, text: name})
		case tokCDATA, tokPIData:
			s, err := r.utf16(d)
			if err != nil {
				return ops, err
			}
			if tok&^0x40 == tokCDATA {
				ops = append(ops, op{kind: opText, text: s})
			}
		case tokCharRef:
			c, err := r.u16()
			if err != nil {
				return ops, err
			}
			d.scratch = appendUTF16(d.scratch[:0], []byte{byte(c), byte(c >> 8)})
			ops = append(ops, op{kind: opText, text: d.intern(d.scratch)})
		case tokEntityRef:
			name, err := r.name(d)
			if err != nil {
				return ops, err
			}
			ops = append(ops, op{kind: opText, text: entity(name)})
		case tokPITarget:
			if _, err := r.name(d); err != nil {
				return ops, err
			}
		case tokSubstitution, tokOptionalSubst:
			idx, err := r.u16()
			if err != nil {
				return ops, err
			}
			if _, err := r.u8(); err != nil { // declared type; the value's own type wins
				return ops, err
			}
			ops = append(ops, op{kind: opSub, idx: idx, optional: tok == tokOptionalSubst})
		case tokTemplate:
			if !raw {
				return ops, fmt.Errorf("template instance inside a template definition at offset %d", r.pos-1)
			}
			t, vals, err := d.instance(r)
			if err != nil {
				return ops, err
			}
			d.raw = append(d.raw, instance{t, vals})
			ops = append(ops, op{kind: opInstance, idx: uint16(len(d.raw) - 1)})
			if len(d.raw) > 0xffff {
				return ops, errBudget
			}
		default:
			return ops, fmt.Errorf("unknown binxml token 0x%02x at offset %d", tok, r.pos-1)
		}
		if len(ops) > maxOps {
			return ops, errBudget
		}
	}
}

func entity(name string) string {
	switch name {
	case "amp":
		return "&"
	case "lt":
		return "<"
	case "gt":
		return ">"
	case "quot":
		return "\""
	case "apos":
		return "'"
	}
	return "&" + name + ";"
}

// templateAt returns the compiled template whose definition starts at chunk
// offset off: next definition offset (4), GUID (16), data size (4), data.
func (d *decoder) templateAt(off uint32) (*template, int, error) {
	if int(off) > len(d.chunk)-24 {
		return nil, 0, fmt.Errorf("template offset %d outside the chunk", off)
	}
	size := int(binary.LittleEndian.Uint32(d.chunk[off+20:]))
	if size > len(d.chunk)-int(off)-24 {
		return nil, 0, fmt.Errorf("template at %d runs past the chunk", off)
	}
	t, ok := d.tmpls[off]
	if !ok {
		r := reader{c: d.chunk, pos: int(off) + 24, end: int(off) + 24 + size}
		ops, err := d.compile(&r, false, nil)
		t = &template{ops: ops}
		if err != nil {
			t.err = fmt.Errorf("compiling template at %d: %w", off, err)
		}
		d.tmpls[off] = t // failures too, so a bad template costs once
	}
	if t.err != nil {
		return nil, 0, t.err
	}
	return t, 24 + size, nil
}

// instance reads a template instance (after its token): the template
// reference, an inline definition if there is one, and the substitution
// values, which it appends to d.vals.
func (d *decoder) instance(r *reader) (*template, []value, error) {
	if err := r.need(9); err != nil {
		return nil, nil, err
	}
	off := binary.LittleEndian.Uint32(r.c[r.pos+5:])
	r.pos += 9
	t, size, err := d.templateAt(off)
	if err != nil {
		return nil, nil, err
	}
	if int(off) == r.pos {
		if err := r.need(size); err != nil {
			return nil, nil, err
		}
		r.pos += size
	}
	n, err := r.u32()
	if err != nil {
		return nil, nil, err
	}
	if err := r.need(4 * int(n)); err != nil || n > 0xffff {
		return nil, nil, errTruncated
	}
	if d.budget -= int(n); d.budget < 0 {
		return nil, nil, errBudget
	}
	start := len(d.vals)
	desc := r.pos
	pos := r.pos + 4*int(n)
	for i := 0; i < int(n); i++ {
		sz := int(binary.LittleEndian.Uint16(r.c[desc+4*i:]))
		d.vals = append(d.vals, value{typ: r.c[desc+4*i+2], pos: int32(pos), size: int32(sz)})
		pos += sz
	}
	if pos > r.end {
		d.vals = d.vals[:start]
		return nil, nil, errTruncated
	}
	r.pos = pos
	return t, d.vals[start:len(d.vals):len(d.vals)], nil
}
