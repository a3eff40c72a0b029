package evtx

import (
	"encoding/binary"
	"fmt"
)

func leU64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

func errValue(t byte, size int) error {
	return fmt.Errorf("invalid value of type 0x%02x and size %d", t, size)
}

// record decodes the BinXML of the record at chunk offset pos into d.b.
// Its work is charged to the record's and the chunk's budget.
func (d *decoder) record(pos, size int) error {
	d.b.reset()
	d.vals = d.vals[:0]
	d.raw = d.raw[:0]
	d.budget = min(maxOps, d.chunkBudget)
	start := d.budget
	err := d.fragment(pos+24, pos+size-4, 0)
	d.chunkBudget -= start - d.budget
	return err
}

// fragment runs the BinXML fragment in chunk[pos:end]: a fragment header
// and a template instance as a rule, or plain elements.
func (d *decoder) fragment(pos, end, depth int) error {
	if depth > maxNesting {
		return errDepth
	}
	// Values and raw instances read here are dead once it is done: a
	// template may expand the same nested value many times.
	mark, rawMark := len(d.vals), len(d.raw)
	defer func() { d.vals, d.raw = d.vals[:mark], d.raw[:rawMark] }()
	if d.budget--; d.budget < 0 {
		return errBudget
	}
	r := reader{c: d.chunk, pos: pos, end: end}
	for r.pos < r.end {
		switch r.c[r.pos] {
		case tokEOF:
			return nil
		case tokFragment:
			if err := r.need(4); err != nil {
				return err
			}
			r.pos += 4
		case tokTemplate:
			r.pos++
			t, vals, err := d.instance(&r)
			if err != nil {
				return err
			}
			if err := d.exec(t.ops, vals, depth); err != nil {
				return err
			}
		default:
			ops, err := d.compile(&r, true, nil)
			if err != nil {
				return err
			}
			return d.exec(ops, nil, depth)
		}
	}
	return nil
}

// exec runs compiled ops with substitution values vals.
func (d *decoder) exec(ops []op, vals []value, depth int) error {
	b := &d.b
	if d.budget -= len(ops); d.budget < 0 {
		return errBudget
	}
	for i := range ops {
		o := &ops[i]
		switch o.kind {
		case opOpen:
			if err := b.open(o.text); err != nil {
				return err
			}
		case opAttr:
			b.attrStart(o.text)
		case opCloseStart:
			b.closeStart()
		case opCloseEmpty:
			b.closeStart()
			b.end()
		case opEnd:
			b.end()
		case opText:
			if err := b.text(o.text); err != nil {
				return err
			}
		case opSub:
			if int(o.idx) >= len(vals) {
				continue // a missing value renders as nothing
			}
			v := vals[o.idx]
			if v.typ == typeBinXML {
				if err := d.fragment(int(v.pos), int(v.pos+v.size), depth+1); err != nil {
					return err
				}
				continue
			}
			if err := b.value(v.typ, d.chunk[v.pos:v.pos+v.size]); err != nil {
				return fmt.Errorf("substitution %d: %w", o.idx, err)
			}
		case opInstance:
			in := d.raw[o.idx]
			if err := d.exec(in.tmpl.ops, in.vals, depth); err != nil {
				return err
			}
		}
	}
	return nil
}
