package sigma

import (
	"encoding/binary"
	"maps"
	"slices"
	"strings"
)

// prefilter finds, for an event, the units of one bucket whose
// requirements are met. Each field with literals has one automaton over
// them and the keyword literals; the values of other fields are scanned
// with an automaton of the keyword literals alone. Every value of an event
// is so scanned at most once.
//
// The values scanned with the keyword automaton are scanned as one text,
// joined by NUL bytes: no literal holds one, so no occurrence spans two
// values.
type prefilter struct {
	fields []fieldFilter
	slot   []uint16     // by fieldID: 1 + index in fields, 0 for none
	any    *fieldFilter // keyword literals alone; nil when there are none
}

// fieldFilter is the automaton of one field and the units of each pattern.
type fieldFilter struct {
	field fieldID
	ac    *acAutomaton
	units [][]int32 // by pattern: unit index << 1 | requirement index
}

// setRequirements derives the requirements of every unit.
func (rs *Ruleset) setRequirements() {
	rs.full = make([]uint8, len(rs.units))
	for i, u := range rs.units {
		u.reqs = requireAll(u.root)
		for _, r := range u.reqs {
			r.simplify()
		}
		u.full = uint8(1)<<len(u.reqs) - 1
		rs.full[i] = u.full
	}
}

// prefilterBuilder builds buckets, sharing automata between prefilters
// with the same literals and prefilters between buckets with the same
// units.
type prefilterBuilder struct {
	nfields  int
	automata map[string]*acAutomaton
	buckets  map[string]*bucket
}

func newPrefilterBuilder(nfields int) *prefilterBuilder {
	return &prefilterBuilder{nfields: nfields, automata: map[string]*acAutomaton{}, buckets: map[string]*bucket{}}
}

// bucket returns the bucket of the given units (in any order, possibly
// repeated).
func (pb *prefilterBuilder) bucket(us []*unit) *bucket {
	us = sortUnits(us)
	key := make([]byte, 0, 4*len(us))
	for _, u := range us {
		key = binary.AppendUvarint(key, uint64(u.idx))
	}
	if bk := pb.buckets[string(key)]; bk != nil {
		return bk
	}
	bk := &bucket{units: us}
	for _, u := range us {
		if len(u.reqs) == 0 {
			bk.always = append(bk.always, u)
		}
	}
	bk.pre = pb.prefilter(us)
	pb.buckets[string(key)] = bk
	return bk
}

// patterns are the literals of one field and the units of each.
type patterns map[string][]int32

func (ps patterns) add(lit string, entry int32) {
	if us := ps[lit]; len(us) == 0 || us[len(us)-1] != entry {
		ps[lit] = append(us, entry)
	}
}

// prefilter builds the automata for the units that have a requirement, or
// returns nil if none has.
func (pb *prefilterBuilder) prefilter(units []*unit) *prefilter {
	by := map[fieldID]patterns{}
	for _, u := range units {
		for ri, req := range u.reqs {
			entry := int32(u.idx)<<1 | int32(ri)
			for _, a := range req.atoms {
				if len(a.lit) > maxAtomLen {
					// A suffix of a literal is as necessary as the literal, and
					// paths differ most at their end.
					a.lit = a.lit[len(a.lit)-maxAtomLen:]
				}
				ps := by[a.field]
				if ps == nil {
					ps = patterns{}
					by[a.field] = ps
				}
				ps.add(a.lit, entry)
			}
		}
	}
	if len(by) == 0 {
		return nil
	}
	kw := by[-1]
	p := &prefilter{}
	for _, f := range slices.Sorted(maps.Keys(by)) {
		ps := by[f]
		if f >= 0 {
			for lit, es := range kw {
				for _, e := range es {
					ps.add(lit, e)
				}
			}
		}
		ff := pb.fieldFilter(f, ps)
		if f < 0 {
			p.any = &ff
			continue
		}
		p.fields = append(p.fields, ff)
	}
	if len(p.fields) > 0 {
		p.slot = make([]uint16, pb.nfields)
		for i, ff := range p.fields {
			p.slot[ff.field] = uint16(i + 1)
		}
	}
	return p
}

func (pb *prefilterBuilder) fieldFilter(f fieldID, ps patterns) fieldFilter {
	lits := slices.Sorted(maps.Keys(ps))
	key := strings.Join(lits, "\x00")
	ac := pb.automata[key]
	if ac == nil {
		ac = newACAutomaton(lits, true)
		pb.automata[key] = ac
	}
	ff := fieldFilter{field: f, ac: ac, units: make([][]int32, len(lits))}
	for i, l := range lits {
		es := ps[l]
		slices.Sort(es)
		ff.units[i] = slices.Compact(es)
	}
	return ff
}
