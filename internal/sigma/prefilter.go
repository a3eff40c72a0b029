package sigma

import (
	"slices"
	"strings"
)

// atom is a literal that must occur in the lowered value of a field (any
// field when field is -1).
type atom struct {
	field fieldID
	lit   string
}

// requirement is a necessary condition of a unit: if the unit matches an
// event, at least one of the atoms occurs in it.
type requirement struct {
	atoms []atom
}

// maxAtoms bounds the atoms of one requirement; a larger OR is not worth
// the hits it causes.
const maxAtoms = 4096

// require derives a requirement from a node, or nil when the node may
// match without any literal (negations, numbers, existence, ...).
func require(n node) *requirement {
	switch n := n.(type) {
	case andNode:
		var best *requirement
		for _, k := range n {
			if r := require(k); r != nil && (best == nil || r.better(best)) {
				best = r
			}
		}
		return best
	case orNode:
		out := &requirement{}
		for _, k := range n {
			r := require(k)
			if r == nil {
				return nil
			}
			out.atoms = append(out.atoms, r.atoms...)
		}
		if len(out.atoms) > maxAtoms {
			return nil
		}
		return out
	case *strNode:
		return strRequirement(n, n.field)
	case *keywordNode:
		return strRequirement(&n.ms, -1)
	case *reNode:
		if len(n.lits) == 0 {
			return nil
		}
		r := &requirement{}
		for _, l := range n.lits {
			r.atoms = append(r.atoms, atom{field: n.field, lit: l})
		}
		return r
	}
	return nil
}

// maxReqs is how many requirements of a unit are checked together: the
// unit is a candidate only when each has one of its literals in the event.
const maxReqs = 2

// requireAll derives up to maxReqs requirements that must all hold, from
// the children of AND nodes (the image and the command line of a process
// rule, say), strongest first.
func requireAll(n node) []*requirement {
	var all []*requirement
	if and, ok := n.(andNode); ok {
		for _, k := range and {
			all = append(all, requireAll(k)...)
		}
	} else if r := require(n); r != nil {
		all = []*requirement{r}
	}
	kept := all[:0]
	for _, r := range all {
		if r.weakest() >= minAtomLen {
			kept = append(kept, r)
		}
	}
	slices.SortStableFunc(kept, func(a, b *requirement) int {
		switch {
		case a.better(b):
			return -1
		case b.better(a):
			return 1
		}
		return 0
	})
	return kept[:min(len(kept), maxReqs)]
}

func strRequirement(n *strNode, field fieldID) *requirement {
	r := &requirement{}
	for k := range n.exact {
		if k == "" {
			return nil
		}
		r.atoms = append(r.atoms, atom{field: field, lit: k})
	}
	for _, l := range n.containsLits {
		r.atoms = append(r.atoms, atom{field: field, lit: l})
	}
	for _, m := range n.ms {
		lit := m.lit
		if m.kind == strGlob {
			lit = longestLiteral(m.pat)
		}
		if lit == "" {
			return nil
		}
		if m.cased {
			lit = lowerString(lit)
		}
		r.atoms = append(r.atoms, atom{field: field, lit: lit})
	}
	if len(r.atoms) == 0 || len(r.atoms) > maxAtoms {
		return nil
	}
	return r
}

func longestLiteral(p pattern) string {
	best := ""
	for _, x := range p {
		if x.kind == partLit && len(x.lit) > len(best) {
			best = x.lit
		}
	}
	return best
}

// weakest returns the length of the shortest literal of r.
func (r *requirement) weakest() int {
	w := 1 << 30
	for _, a := range r.atoms {
		w = min(w, len(a.lit))
	}
	return w
}

// better prefers requirements whose shortest literal is longer, then fewer
// atoms.
func (r *requirement) better(o *requirement) bool {
	rw, ow := min(r.weakest(), 8), min(o.weakest(), 8)
	if rw != ow {
		return rw > ow
	}
	return len(r.atoms) < len(o.atoms)
}

// minAtomLen is the shortest literal worth prefiltering on; longer ones
// than maxAtomLen are cut to their suffix to keep the automata small.
const (
	minAtomLen = 2
	maxAtomLen = 12
)

// prefilter finds, for an event, the units of one bucket whose
// requirement is met: one automaton per field over the literals of the
// bucket's units.
type prefilter struct {
	fields []fieldFilter
	any    *fieldFilter // keyword atoms: scanned over every value
}

// fieldFilter is the automaton of one field and the units of each pattern.
type fieldFilter struct {
	field fieldID
	ac    *acAutomaton
	units [][]int32 // by pattern: unit index << 1 | requirement index
}

// setRequirements derives the requirements of every unit.
func setRequirements(units []*unit) {
	for _, u := range units {
		u.reqs = requireAll(u.root)
		u.full = uint8(1)<<len(u.reqs) - 1
	}
}

// buildPrefilter builds the automata for the units of a bucket that have a
// requirement, or returns nil if none has.
func buildPrefilter(units []*unit, automata map[string]*acAutomaton) *prefilter {
	type lits struct {
		index map[string]int32
		pats  []string
		units [][]int32
	}
	by := map[fieldID]*lits{}
	var order []fieldID
	for _, u := range units {
		for ri, req := range u.reqs {
			entry := int32(u.idx)<<1 | int32(ri)
			for _, a := range req.atoms {
				if len(a.lit) > maxAtomLen {
					// A suffix of a literal is as necessary as the literal, and
					// paths differ most at their end.
					a.lit = a.lit[len(a.lit)-maxAtomLen:]
				}
				l := by[a.field]
				if l == nil {
					l = &lits{index: map[string]int32{}}
					by[a.field] = l
					order = append(order, a.field)
				}
				pi, ok := l.index[a.lit]
				if !ok {
					pi = int32(len(l.pats))
					l.index[a.lit] = pi
					l.pats = append(l.pats, a.lit)
					l.units = append(l.units, nil)
				}
				if us := l.units[pi]; len(us) == 0 || us[len(us)-1] != entry {
					l.units[pi] = append(us, entry)
				}
			}
		}
	}
	if len(by) == 0 {
		return nil
	}
	p := &prefilter{}
	for _, f := range order {
		l := by[f]
		key := strings.Join(l.pats, "\x00")
		ac := automata[key]
		if ac == nil {
			ac = newACAutomaton(l.pats, true)
			automata[key] = ac
		}
		ff := fieldFilter{field: f, ac: ac, units: l.units}
		if f < 0 {
			p.any = &ff
			continue
		}
		p.fields = append(p.fields, ff)
	}
	return p
}

// candidates returns the units of bk worth evaluating on the current event:
// those without a requirement and those whose requirement is met, in load
// order.
func (m *Matcher) candidates(bk *bucket) []*unit {
	s := m.s
	m.gen++
	if m.gen == 0 {
		clear(m.mark)
		m.gen = 1
	}
	m.cands = append(m.cands[:0], bk.always...)
	mark := func(ff *fieldFilter) {
		for _, pi := range m.hits {
			for _, e := range ff.units[pi] {
				ui, bit := e>>1, uint8(1)<<(e&1)
				if m.mark[ui] != m.gen {
					m.mark[ui], m.mask[ui] = m.gen, 0
				}
				if m.mask[ui]&bit != 0 {
					continue
				}
				m.mask[ui] |= bit
				if u := m.rs.units[ui]; m.mask[ui] == u.full {
					m.cands = append(m.cands, u)
				}
			}
		}
		m.hits = m.hits[:0]
	}
	for _, p := range bk.pres {
		for j := range p.fields {
			ff := &p.fields[j]
			for i := s.first[ff.field]; i >= 0; i = s.next[i] {
				m.scan(ff.ac, i)
			}
			mark(ff)
		}
		if p.any != nil {
			for i := range s.ev.Fields {
				m.scan(p.any.ac, int32(i))
			}
			mark(p.any)
		}
	}
	if len(m.cands) > len(bk.always) {
		slices.SortFunc(m.cands, func(a, b *unit) int { return a.idx - b.idx })
	}
	return m.cands
}

// scan runs a prefilter automaton over value i of the event: the raw value
// when it is ASCII, else the lowered one.
func (m *Matcher) scan(ac *acAutomaton, i int32) {
	var ok bool
	if m.hits, ok = ac.scanFold(m.s.ev.Fields[i].Value, m.hits); !ok {
		m.hits = ac.scan(m.s.lower(i), m.hits)
	}
}
