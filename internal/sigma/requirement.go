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
			if l = atomLit(l); l == "" {
				return nil
			}
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
	} else if re, ok := n.(*reNode); ok && len(re.lits) > 0 {
		if r := require(re); r != nil {
			all = append(all, r)
		}
		for _, ls := range re.more {
			if r := require(&reNode{field: re.field, lits: ls}); r != nil {
				all = append(all, r)
			}
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
		if k = atomLit(k); k == "" {
			return nil
		}
		r.atoms = append(r.atoms, atom{field: field, lit: k})
	}
	for _, l := range slices.Concat(n.containsLits, n.starts.all(), n.ends.all()) {
		if l = atomLit(l); l == "" {
			return nil
		}
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
		if lit = atomLit(lit); lit == "" {
			return nil
		}
		r.atoms = append(r.atoms, atom{field: field, lit: lit})
	}
	if len(r.atoms) == 0 || len(r.atoms) > maxAtoms {
		return nil
	}
	return r
}

// atomLit returns the longest part of lit without NUL bytes, which the
// prefilter uses to join values (UTF-16 literals hold them).
func atomLit(lit string) string {
	if strings.IndexByte(lit, 0) < 0 {
		return lit
	}
	best := ""
	for _, part := range strings.Split(lit, "\x00") {
		if len(part) > len(best) {
			best = part
		}
	}
	return best
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

// simplify cuts the literals of r to their last maxAtomLen bytes (a
// suffix of a necessary literal is as necessary, and paths differ most at
// their end) and drops those that contain another literal of the same
// field: where they occur, the other does too.
func (r *requirement) simplify() {
	for i, a := range r.atoms {
		if len(a.lit) > maxAtomLen {
			r.atoms[i].lit = a.lit[len(a.lit)-maxAtomLen:]
		}
	}
	slices.SortStableFunc(r.atoms, func(a, b atom) int { return len(a.lit) - len(b.lit) })
	seen := map[atom]bool{}
	kept := r.atoms[:0]
	for _, a := range r.atoms {
		if seen[a] {
			continue
		}
		seen[a] = true
		redundant := false
		for _, k := range kept {
			if len(k.lit) < len(a.lit) && k.field == a.field && strings.Contains(a.lit, k.lit) {
				redundant = true
				break
			}
		}
		if !redundant {
			kept = append(kept, a)
		}
	}
	r.atoms = kept
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
// atoms, then literals with more characters rare in event text.
func (r *requirement) better(o *requirement) bool {
	rw, ow := min(r.weakest(), 8), min(o.weakest(), 8)
	if rw != ow {
		return rw > ow
	}
	if len(r.atoms) != len(o.atoms) {
		return len(r.atoms) < len(o.atoms)
	}
	return r.rarest() > o.rarest()
}

// rarest returns the fewest punctuation characters of r's literals, other
// than those common in paths, command lines and times.
func (r *requirement) rarest() int {
	fewest := 1 << 30
	for _, a := range r.atoms {
		n := 0
		for i := 0; i < len(a.lit); i++ {
			c := a.lit[i]
			if c > ' ' && c < 0x7f && !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte(`\/.:-_`, c) >= 0) {
				n++
			}
		}
		fewest = min(fewest, n)
	}
	return fewest
}

// minAtomLen is the shortest literal worth prefiltering on; longer ones
// than maxAtomLen are cut to their suffix to keep the automata small.
const (
	minAtomLen = 2
	maxAtomLen = 12
)
