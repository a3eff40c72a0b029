package sigma

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// scanSplit is the length from which scanFast runs lanes side by side.
const scanSplit = 64

// state returns the state number of a premultiplied state: st / nclass
// by a multiplication (exact for 32-bit numbers).
func (a *acAutomaton) state(st uint32) uint32 {
	if a.nclass == 1 {
		return st // no pattern: divNC wrapped to 0
	}
	hi, _ := bits.Mul64(a.divNC, uint64(st))
	return uint32(hi)
}

// emit appends the patterns ending in premultiplied state st.
func (a *acAutomaton) emit(st uint32, hits []int32) []int32 {
	for o := a.outHead[a.state(st)]; o >= 0; o = a.outNext[o] {
		hits = append(hits, a.outPat[o])
	}
	return hits
}

// scanFrom continues a scan of s from premultiplied state st.
func (a *acAutomaton) scanFrom(st uint32, s string, hits []int32) []int32 {
	for len(s) > 0 {
		var n int
		n, st = a.run(st, s)
		s = s[n:]
		if st >= a.outStart {
			hits = a.emit(st, hits)
		}
	}
	return hits
}

// run advances st over s up to the first state with outputs; it returns
// the bytes consumed and the state reached. It calls nothing, so that the
// compiler keeps the state in a register.
//
//go:noinline
func (a *acAutomaton) run(st uint32, s string) (int, uint32) {
	delta, class, out := a.delta, &a.class, a.outStart
	for i := 0; i < len(s); i++ {
		st = delta[st+uint32(class[s[i]])]
		if st >= out {
			return i + 1, st
		}
	}
	return len(s), st
}

// scanFast is scan for long values: it cuts s into lanes parts scanned
// side by side, so that the table lookups of one part do not wait for
// those of another. Each part but the last runs on over the first
// maxLen-1 bytes of the next, where the occurrences that straddle the cut
// end; occurrences within those bytes may be reported twice.
//
// With a gram filter, only the windows around the filter's hits are
// scanned.
func (a *acAutomaton) scanFast(s string, hits []int32) []int32 {
	n := len(s)
	if a.grams != nil && n >= scanSplit/2 {
		return a.scanGrams(s, hits)
	}
	if n < scanSplit || n/lanes < a.maxLen {
		return a.scanFrom(0, s, hits)
	}
	q := n / lanes
	var st [lanes]uint32
	for j := 0; j < q; {
		j = a.runLanes(s, q, j, &st)
		for _, x := range st {
			if x >= a.outStart {
				hits = a.emit(x, hits)
			}
		}
	}
	ov := a.maxLen - 1
	for k := 0; k < lanes-1; k++ {
		hits = a.scanFrom(st[k], s[(k+1)*q:(k+1)*q+ov], hits)
	}
	return a.scanFrom(st[lanes-1], s[lanes*q:], hits)
}

// scanGrams scans the windows of s around the positions where the gram
// filter finds a pattern's four bytes: an occurrence holding the four
// bytes at i lies within s[i+4-maxLen:i+maxLen]. Overlapping windows are
// scanned as one.
func (a *acAutomaton) scanGrams(s string, hits []int32) []int32 {
	g := a.grams
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	var st uint32
	done := 0 // s[:done] is scanned; st is the state there
	for i := 0; i+4 <= len(b); i += g.step {
		h := gramHash(binary.LittleEndian.Uint32(b[i:]))
		if g.bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		lo, hi := max(0, i+4-a.maxLen), min(len(s), i+a.maxLen)
		if lo > done {
			st, done = 0, lo
		}
		if hi > done {
			hits, st = a.scanWindow(st, s[done:hi], hits)
			done = hi
		}
	}
	return hits
}

// scanWindow is scanFrom returning the state reached.
func (a *acAutomaton) scanWindow(st uint32, s string, hits []int32) ([]int32, uint32) {
	for len(s) > 0 {
		var n int
		n, st = a.run(st, s)
		s = s[n:]
		if st >= a.outStart {
			hits = a.emit(st, hits)
		}
	}
	return hits, st
}

// lanes is the number of parts scanFast scans side by side (eight are no
// faster: the loop is then bound by loads, not by their latency).
const lanes = 4

// runLanes advances the states of the parts s[k*q:(k+1)*q] from position
// j up to the first position where one of them has outputs, and returns
// the position after it. It calls nothing, so that the compiler keeps the
// states in registers.
//
//go:noinline
func (a *acAutomaton) runLanes(s string, q, j int, st *[lanes]uint32) int {
	p0 := s[:q]
	p1 := s[q : 2*q]
	p2 := s[2*q : 3*q]
	p3 := s[3*q : 4*q]
	p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
	delta, class, out := a.delta, &a.class, a.outStart
	s0, s1, s2, s3 := st[0], st[1], st[2], st[3]
	for ; j < len(p0); j++ {
		s0 = delta[s0+uint32(class[p0[j]])]
		s1 = delta[s1+uint32(class[p1[j]])]
		s2 = delta[s2+uint32(class[p2[j]])]
		s3 = delta[s3+uint32(class[p3[j]])]
		if max(s0, s1, s2, s3) >= out {
			j++
			break
		}
	}
	st[0], st[1], st[2], st[3] = s0, s1, s2, s3
	return j
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool { return asciiPrefix(s) == len(s) }

// asciiPrefix returns the index of the first non-ASCII byte of s, or
// len(s), looking at eight bytes at a time.
func asciiPrefix(s string) int {
	i := 0
	if len(s) >= 8 {
		b := unsafe.Slice(unsafe.StringData(s), len(s))
		for ; i+8 <= len(b); i += 8 {
			if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
				break
			}
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return i
}

// foldsInPlace reports whether scanning s with a lossy automaton finds
// what scanning its lowered form finds: every non-ASCII character lowers
// to a non-ASCII character of the same length (see scanFold).
func foldsInPlace(s string) bool {
	for i := asciiPrefix(s); i < len(s); {
		if s[i] < utf8.RuneSelf {
			i += asciiPrefix(s[i:])
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && size == 1) {
			if l := unicode.ToLower(r); l != r && (l < utf8.RuneSelf || utf8.RuneLen(l) != size) {
				return false
			}
		}
		i += size
	}
	return true
}
