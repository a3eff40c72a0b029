package sigma

import (
	"unicode"
	"unicode/utf8"
)

// acAutomaton is an Aho-Corasick automaton compiled to a DFA over byte
// classes: scanning costs one table lookup per byte and finds every
// occurrence of every pattern.
type acAutomaton struct {
	class  [256]uint8
	nclass int
	// delta maps state*nclass+class to the next state, premultiplied by
	// nclass, with acOut set when that state has outputs.
	delta    []uint32
	outHead  []int32 // by state: first output entry, -1 if none
	outPat   []int32 // output entries: pattern index
	outNext  []int32 // output entries: next entry, -1 at the end
	npattern int
}

// newACAutomaton builds an automaton for the given non-empty patterns.
// With lossy set, all bytes from 0x80 up share one class: the automaton
// then reports every real occurrence plus some false ones (a non-ASCII
// character standing for another), which is fine for a prefilter and keeps
// the table small.
func newACAutomaton(patterns []string, lossy bool) *acAutomaton {
	a := &acAutomaton{npattern: len(patterns)}
	// Byte classes: one per byte used by a pattern, class 0 for the rest.
	high := uint8(0)
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			c := p[i]
			switch {
			case a.class[c] != 0:
			case lossy && c >= 0x80 && high != 0:
				a.class[c] = high
			default:
				a.nclass++
				a.class[c] = uint8(a.nclass)
				if lossy && c >= 0x80 {
					high = a.class[c]
				}
			}
		}
	}
	if high != 0 {
		for c := 0x80; c < 0x100; c++ {
			a.class[c] = high
		}
	}
	if lossy {
		// Patterns are lower case: let upper-case ASCII share the classes so
		// that ASCII values can be scanned without lowering (scanFold).
		for c := 'A'; c <= 'Z'; c++ {
			a.class[c] = a.class[c+'a'-'A']
		}
	}
	a.nclass++
	// Trie with goto transitions; 0 marks "none" (the root is never a
	// goto target).
	nc := a.nclass
	var gotos []uint32
	var own [][]int32
	newState := func() uint32 {
		gotos = append(gotos, make([]uint32, nc)...)
		own = append(own, nil)
		return uint32(len(own) - 1)
	}
	newState()
	for pi, p := range patterns {
		st := uint32(0)
		for i := 0; i < len(p); i++ {
			c := uint32(a.class[p[i]])
			nx := gotos[st*uint32(nc)+c]
			if nx == 0 {
				nx = newState()
				gotos[st*uint32(nc)+c] = nx
			}
			st = nx
		}
		own[st] = append(own[st], int32(pi))
	}
	n := len(own)
	if uint64(n)*uint64(nc) >= acOut {
		panic("sigma: literal automaton too large") // 2^31 transitions: far beyond any ruleset
	}
	a.delta = gotos // the DFA overwrites the trie in place
	a.outHead = make([]int32, n)
	fail := make([]uint32, n)
	for i := range a.outHead {
		a.outHead[i] = -1
	}
	addOut := func(st uint32) {
		head := a.outHead[fail[st]]
		if st == 0 {
			head = -1
		}
		for _, pi := range own[st] {
			a.outPat = append(a.outPat, pi)
			a.outNext = append(a.outNext, head)
			head = int32(len(a.outPat) - 1)
		}
		a.outHead[st] = head
	}
	// Breadth-first: fail links and DFA transitions.
	queue := make([]uint32, 0, n)
	addOut(0)
	for c := 0; c < nc; c++ {
		if nx := a.delta[c]; nx != 0 {
			fail[nx] = 0
			queue = append(queue, nx)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		st := queue[qi]
		addOut(st)
		for c := 0; c < nc; c++ {
			idx := st*uint32(nc) + uint32(c)
			nx := a.delta[idx]
			if nx != 0 {
				fail[nx] = a.delta[fail[st]*uint32(nc)+uint32(c)]
				queue = append(queue, nx)
			} else {
				a.delta[idx] = a.delta[fail[st]*uint32(nc)+uint32(c)]
			}
		}
	}
	// Premultiply states and flag those with outputs.
	for i, nx := range a.delta {
		x := nx * uint32(nc)
		if a.outHead[nx] >= 0 {
			x |= acOut
		}
		a.delta[i] = x
	}
	return a
}

// acOut flags a premultiplied state with outputs.
const acOut = 1 << 31

// scan appends to hits the index of every pattern occurring in s (once per
// occurrence) and returns the extended slice.
func (a *acAutomaton) scan(s string, hits []int32) []int32 {
	nc := uint32(a.nclass)
	st := uint32(0)
	for i := 0; i < len(s); i++ {
		x := a.delta[st+uint32(a.class[s[i]])]
		st = x &^ acOut
		if x&acOut != 0 {
			for o := a.outHead[st/nc]; o >= 0; o = a.outNext[o] {
				hits = append(hits, a.outPat[o])
			}
		}
	}
	return hits
}

// scanFold is scan over the lower-case form of s, for automata built
// lossy, without lowering s: upper-case ASCII shares the classes of lower
// case, and all non-ASCII bytes share one class, so a non-ASCII character
// whose lower case has as many bytes and is not ASCII scans the same. It
// reports false, leaving hits as they were, on any other character (K, İ,
// Ⱥ): the caller then scans the lowered value.
func (a *acAutomaton) scanFold(s string, hits []int32) ([]int32, bool) {
	n := len(hits)
	nc := uint32(a.nclass)
	st := uint32(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !(r == utf8.RuneError && size == 1) {
				if l := unicode.ToLower(r); l != r && (l < utf8.RuneSelf || utf8.RuneLen(l) != size) {
					return hits[:n], false
				}
			}
			// Every byte of the character takes the non-ASCII class.
			for end := i + size; i < end; i++ {
				x := a.delta[st+uint32(a.class[s[i]])]
				st = x &^ acOut
				if x&acOut != 0 {
					for o := a.outHead[st/nc]; o >= 0; o = a.outNext[o] {
						hits = append(hits, a.outPat[o])
					}
				}
			}
			i--
			continue
		}
		x := a.delta[st+uint32(a.class[c])]
		st = x &^ acOut
		if x&acOut != 0 {
			for o := a.outHead[st/nc]; o >= 0; o = a.outNext[o] {
				hits = append(hits, a.outPat[o])
			}
		}
	}
	return hits, true
}

// any reports whether some pattern occurs in s.
func (a *acAutomaton) any(s string) bool {
	st := uint32(0)
	for i := 0; i < len(s); i++ {
		x := a.delta[st+uint32(a.class[s[i]])]
		if x&acOut != 0 {
			return true
		}
		st = x
	}
	return false
}
