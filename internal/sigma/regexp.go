package sigma

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// reNode matches a regular expression against raw values. Before running
// the expression it checks two cheap necessary conditions derived from its
// syntax: one of a few literals occurs in the lowered value (lits, the
// most selective such set, then the sets in more, required by other parts
// of a concatenation), and the value holds a long enough run of
// characters of a class ([a-f0-9]{64}).
type reNode struct {
	field fieldID // -1 for keywords: every value
	re    *regexp.Regexp
	lits  []string // lowered; nil when no literal is required
	more  [][]string
	run   *byteRun
}

// byteRun is a run of at least n consecutive bytes from a set.
type byteRun struct {
	set [256]bool
	n   int
}

// maxGuardLits bounds the literals checked before running an expression.
const maxGuardLits = 8

func newReNode(field fieldID, re *regexp.Regexp) *reNode {
	n := &reNode{field: field, re: re}
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return n
	}
	if gs := reGuards(tree); len(gs) > 0 {
		n.lits, n.more = gs[0], gs[1:]
	}
	n.run = reRun(tree)
	return n
}

func (n *reNode) eval(s *state) bool {
	if n.field < 0 {
		for i := range s.ev.Fields {
			if n.matchValue(s, int32(i)) {
				return true
			}
		}
		return false
	}
	for i := s.first[n.field]; i >= 0; i = s.next[i] {
		if n.matchValue(s, i) {
			return true
		}
	}
	return false
}

func (n *reNode) matchValue(s *state, i int32) bool {
	if n.lits != nil {
		low := s.lower(i)
		if !containsAny(low, n.lits) {
			return false
		}
		for _, ls := range n.more {
			if !containsAny(low, ls) {
				return false
			}
		}
	}
	v := s.ev.Fields[i].Value
	if n.run != nil && !n.run.in(v) {
		return false
	}
	return n.re.MatchString(v)
}

func containsAny(v string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(v, l) {
			return true
		}
	}
	return false
}

// reGuards returns the literal sets of which one literal each occurs in
// every string the expression matches, at most maxGuardLits literals a
// set, the most selective first.
func reGuards(re *syntax.Regexp) [][]string {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	var gs [][]string
	for _, sub := range subs {
		l := reLiterals(sub)
		if l == nil || len(l) > maxGuardLits || slices.ContainsFunc(gs, func(g []string) bool { return slices.Equal(g, l) }) {
			continue
		}
		gs = append(gs, l)
	}
	slices.SortStableFunc(gs, func(a, b []string) int {
		switch {
		case litsBetter(a, b):
			return -1
		case litsBetter(b, a):
			return 1
		}
		return 0
	})
	return gs
}

func (r *byteRun) in(v string) bool {
	k := 0
	for i := 0; i < len(v); i++ {
		if r.set[v[i]] {
			if k++; k >= r.n {
				return true
			}
		} else {
			k = 0
		}
	}
	return false
}

// reLiterals returns lowered literals one of which occurs in (the lowered
// form of) every string the expression matches, or nil.
func reLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		l := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 {
			l = foldSafePart(l)
			if l == "" {
				return nil
			}
		}
		return []string{lowerString(l)}
	case syntax.OpCapture, syntax.OpPlus:
		return reLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return reLiterals(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if l := reLiterals(sub); l != nil && (best == nil || litsBetter(l, best)) {
				best = l
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			l := reLiterals(sub)
			if l == nil {
				return nil
			}
			all = append(all, l...)
		}
		return all
	}
	return nil
}

// foldSafePart returns the longest part of a case-folded literal that can
// be checked by lowering: ASCII without k and s, whose folds include
// non-ASCII runes (the Kelvin sign, the long s).
func foldSafePart(l string) string {
	best, start := "", 0
	for i := 0; i <= len(l); i++ {
		if i < len(l) {
			c := l[i] | 0x20
			if l[i] < utf8.RuneSelf && c != 'k' && c != 's' {
				continue
			}
		}
		if i-start > len(best) {
			best = l[start:i]
		}
		start = i + 1
	}
	return best
}

func litsBetter(a, b []string) bool {
	wa, wb := shortest(a), shortest(b)
	if wa != wb {
		return wa > wb
	}
	return len(a) < len(b)
}

func shortest(ls []string) int {
	w := 1 << 30
	for _, l := range ls {
		w = min(w, len(l))
	}
	return w
}

// minRun is the shortest character-class run worth checking.
const minRun = 4

// reRun finds the longest required run of an ASCII character class at the
// top level of the expression.
func reRun(re *syntax.Regexp) *byteRun {
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	var best *byteRun
	for _, sub := range subs {
		for sub.Op == syntax.OpCapture {
			sub = sub.Sub[0]
		}
		if sub.Op != syntax.OpRepeat || sub.Min < minRun || (best != nil && sub.Min <= best.n) {
			continue
		}
		cls := sub.Sub[0]
		if cls.Op != syntax.OpCharClass {
			continue
		}
		r := &byteRun{n: sub.Min}
		ascii := true
		for i := 0; i+1 < len(cls.Rune); i += 2 {
			lo, hi := cls.Rune[i], cls.Rune[i+1]
			if hi >= utf8.RuneSelf {
				ascii = false
				break
			}
			for c := lo; c <= hi; c++ {
				r.set[c] = true
			}
		}
		if ascii {
			best = r
		}
	}
	return best
}
