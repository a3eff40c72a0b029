package sigma

import "strings"

// strKind says how a string matcher compares.
type strKind uint8

const (
	strExact strKind = iota
	strPrefix
	strSuffix
	strContains
	strGlob
	strAny // "*": any value, even empty
)

// strMatcher matches one string pattern against a (lowered unless cased)
// value.
type strMatcher struct {
	kind  strKind
	cased bool
	lit   string  // for exact, prefix, suffix, contains
	pat   pattern // for glob
}

// newStrMatcher picks the cheapest comparison for p.
func newStrMatcher(p pattern, cased bool) strMatcher {
	if !cased {
		p = p.mapLiterals(lowerString)
	}
	m := strMatcher{cased: cased}
	lits, stars, other := 0, 0, 0
	for _, x := range p {
		switch x.kind {
		case partLit:
			lits++
		case partStar:
			stars++
		default:
			other++
		}
	}
	n := len(p)
	switch {
	case other > 0 || lits > 1:
		m.kind, m.pat = strGlob, p
	case n == 0:
		m.kind = strExact
	case lits == 0:
		m.kind = strAny
	case n == 1:
		m.kind, m.lit = strExact, p[0].lit
	case n == 2 && p[0].kind == partLit:
		m.kind, m.lit = strPrefix, p[0].lit
	case n == 2:
		m.kind, m.lit = strSuffix, p[1].lit
	default:
		m.kind, m.lit = strContains, p[1].lit
	}
	return m
}

func (m *strMatcher) match(v string) bool {
	switch m.kind {
	case strExact:
		return v == m.lit
	case strPrefix:
		return strings.HasPrefix(v, m.lit)
	case strSuffix:
		return strings.HasSuffix(v, m.lit)
	case strContains:
		return strings.Contains(v, m.lit)
	case strAny:
		return true
	}
	return globMatch(m.pat, v)
}

// strNode matches a field against string matchers: true when any value of
// the field matches any matcher. Many exact values use a set, many
// contains values an automaton, and many prefixes or suffixes a map by
// their first or last four bytes.
type strNode struct {
	field fieldID
	ms    []strMatcher
	exact map[string]struct{} // lowered exact values, when there are many
	// contains finds many case-insensitive contains values in one pass.
	contains     *acAutomaton
	containsLits []string
	starts, ends affixSet
}

// affixSet holds lowered prefixes (or suffixes) of at least four bytes by
// their first (or last) four.
type affixSet map[uint32][]string

// affixSetMin is the number of prefixes (or suffixes) from which a set is
// used.
const affixSetMin = 8

// word4 returns four bytes of s as a number.
func word4(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// hasPrefix reports whether one of the prefixes in the set starts v.
func (a affixSet) hasPrefix(v string) bool {
	if len(v) < 4 {
		return false
	}
	for _, p := range a[word4(v)] {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// hasSuffix reports whether one of the suffixes in the set ends v.
func (a affixSet) hasSuffix(v string) bool {
	if len(v) < 4 {
		return false
	}
	for _, p := range a[word4(v[len(v)-4:])] {
		if strings.HasSuffix(v, p) {
			return true
		}
	}
	return false
}

// all returns every affix in the set.
func (a affixSet) all() []string {
	var out []string
	for _, ps := range a {
		out = append(out, ps...)
	}
	return out
}

// containsACMin is the number of contains values from which they are
// matched with an automaton.
const containsACMin = 8

// maxNodeAC bounds the table of a node's automaton (states x classes);
// larger lists are matched one by one after the prefilter.
const maxNodeAC = 1 << 18

// finish moves many contains matchers into an automaton, shared through
// cache with other nodes of the same values, and many prefix or suffix
// matchers into sets.
func (n *strNode) finish(cache map[string]*acAutomaton) {
	n.finishContains(cache)
	n.starts = n.affixes(strPrefix, func(l string) string { return l[:4] })
	n.ends = n.affixes(strSuffix, func(l string) string { return l[len(l)-4:] })
}

// affixes moves the case-insensitive matchers of kind with literals of at
// least four bytes into a set when there are many, keyed by part(literal).
func (n *strNode) affixes(kind strKind, part func(string) string) affixSet {
	count := 0
	for _, m := range n.ms {
		if m.kind == kind && !m.cased && len(m.lit) >= 4 {
			count++
		}
	}
	if count < affixSetMin {
		return nil
	}
	set := affixSet{}
	kept := n.ms[:0]
	for _, m := range n.ms {
		if m.kind == kind && !m.cased && len(m.lit) >= 4 {
			k := word4(part(m.lit))
			set[k] = append(set[k], m.lit)
			continue
		}
		kept = append(kept, m)
	}
	n.ms = kept
	return set
}

func (n *strNode) finishContains(cache map[string]*acAutomaton) {
	var lits []string
	size := 1
	var used [256]bool
	classes := 1
	for _, m := range n.ms {
		if m.kind == strContains && !m.cased {
			lits = append(lits, m.lit)
			size += len(m.lit)
			for i := 0; i < len(m.lit); i++ {
				if !used[m.lit[i]] {
					used[m.lit[i]] = true
					classes++
				}
			}
		}
	}
	if len(lits) < containsACMin || size*classes > maxNodeAC {
		return
	}
	key := strings.Join(lits, "\x00")
	ac := cache[key]
	if ac == nil {
		ac = newACAutomaton(lits, false)
		if cache != nil {
			cache[key] = ac
		}
	}
	n.contains, n.containsLits = ac, lits
	kept := n.ms[:0]
	for _, m := range n.ms {
		if m.kind != strContains || m.cased {
			kept = append(kept, m)
		}
	}
	n.ms = kept
}

func (n *strNode) eval(s *state) bool {
	for i := s.first[n.field]; i >= 0; i = s.next[i] {
		if n.matchValue(s, i) {
			return true
		}
	}
	return false
}

func (n *strNode) matchValue(s *state, i int32) bool {
	raw := s.ev.Fields[i].Value
	low := s.lower(i)
	if n.exact != nil {
		if _, ok := n.exact[low]; ok {
			return true
		}
	}
	if n.contains != nil && n.contains.any(low) {
		return true
	}
	if n.ends != nil && n.ends.hasSuffix(low) || n.starts != nil && n.starts.hasPrefix(low) {
		return true
	}
	for j := range n.ms {
		m := &n.ms[j]
		v := low
		if m.cased {
			v = raw
		}
		if m.match(v) {
			return true
		}
	}
	return false
}

// keywordNode matches string matchers against every value of the event.
type keywordNode struct {
	ms strNode
}

func (n *keywordNode) eval(s *state) bool {
	for i := range s.ev.Fields {
		if n.ms.matchValue(s, int32(i)) {
			return true
		}
	}
	return false
}
