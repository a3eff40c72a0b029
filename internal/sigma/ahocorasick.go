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
	// nclass; states from outStart on have outputs.
	delta    []uint32
	outStart uint32
	outHead  []int32 // by state: first output entry, -1 if none
	outPat   []int32 // output entries: pattern index
	outNext  []int32 // output entries: next entry, -1 at the end
	npattern int
	grams    *gramFilter // nil when the patterns do not suit one
	minLen   int         // of the shortest pattern
	maxLen   int         // of the longest pattern
	divNC    uint64      // divides a premultiplied state by nclass (Lemire)
}

// newACAutomaton builds an automaton for the given non-empty patterns.
// With lossy set, all bytes from 0x80 up share one class: the automaton
// then reports every real occurrence plus some false ones (a non-ASCII
// character standing for another), which is fine for a prefilter and keeps
// the table small.
func newACAutomaton(patterns []string, lossy bool) *acAutomaton {
	a := &acAutomaton{npattern: len(patterns)}
	a.minLen = 1 << 30
	for _, p := range patterns {
		a.minLen, a.maxLen = min(a.minLen, len(p)), max(a.maxLen, len(p))
	}
	if lossy {
		a.grams = newGramFilter(patterns)
	}
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
	a.divNC = ^uint64(0)/uint64(a.nclass) + 1
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
	if uint64(n)*uint64(nc) >= 1<<31 {
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
	// Number states breadth-first, those without outputs first, so that a
	// scan tells a state with outputs by comparing it with outStart, and
	// premultiply them.
	order := append([]uint32{0}, queue...)
	newID := make([]uint32, n)
	k := uint32(0)
	for pass := 0; pass < 2; pass++ {
		for _, st := range order {
			if (a.outHead[st] >= 0) == (pass == 1) {
				newID[st] = k
				k++
			}
			if pass == 0 && st == order[len(order)-1] {
				a.outStart = k * uint32(nc)
			}
		}
	}
	delta := make([]uint32, len(a.delta))
	heads := make([]int32, n)
	for old, id := range newID {
		row := a.delta[old*nc : (old+1)*nc]
		out := delta[int(id)*nc : (int(id)+1)*nc]
		for c, nx := range row {
			out[c] = newID[nx] * uint32(nc)
		}
		heads[id] = a.outHead[old]
	}
	a.delta, a.outHead = delta, heads
	return a
}

// scan appends to hits the index of every pattern occurring in s (once per
// occurrence) and returns the extended slice.
func (a *acAutomaton) scan(s string, hits []int32) []int32 {
	return a.scanFrom(0, s, hits)
}

// scanFold is scan over the lower-case form of s, for automata built
// lossy, without lowering s: upper-case ASCII shares the classes of lower
// case, and all non-ASCII bytes share one class, so a non-ASCII character
// whose lower case has as many bytes and is not ASCII scans the same. It
// reports false, leaving hits as they were, on any other character (K, İ,
// Ⱥ): the caller then scans the lowered value.
func (a *acAutomaton) scanFold(s string, hits []int32) ([]int32, bool) {
	n := len(hits)
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
				st = a.delta[st+uint32(a.class[s[i]])]
				if st >= a.outStart {
					hits = a.emit(st, hits)
				}
			}
			i--
			continue
		}
		st = a.delta[st+uint32(a.class[c])]
		if st >= a.outStart {
			hits = a.emit(st, hits)
		}
	}
	return hits, true
}

// any reports whether some pattern occurs in s.
func (a *acAutomaton) any(s string) bool {
	st := uint32(0)
	for i := 0; i < len(s); i++ {
		st = a.delta[st+uint32(a.class[s[i]])]
		if st >= a.outStart {
			return true
		}
	}
	return false
}
