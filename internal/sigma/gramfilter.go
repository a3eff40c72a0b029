package sigma

import (
	"encoding/binary"
)

// gramFilter finds quickly where in a long text an automaton's patterns
// may occur, so that only windows around those places need a scan. It
// holds every four-byte window of every pattern, case-folded and hashed
// into a bitmap, and looks up the windows of the text at every step-th
// position: when every pattern has at least step+3 bytes, an occurrence
// spans step windows of the text, one of which is looked up.
type gramFilter struct {
	bits [1 << 16 / 64]uint64
	step int
}

// Patterns of the filter: at least gramMinLen bytes (so that the step is
// at least three), ASCII only, and not so many that the bitmap fills.
const (
	gramMinLen   = 6
	gramMaxWords = 1 << 11
)

// newGramFilter returns a filter for the lower-case patterns, or nil when
// they do not suit one.
func newGramFilter(patterns []string) *gramFilter {
	g := &gramFilter{step: 1 << 30}
	words := 0
	for _, p := range patterns {
		if len(p) < gramMinLen || !isASCII(p) {
			return nil
		}
		g.step = min(g.step, len(p)-3)
		for i := 0; i+4 <= len(p); i++ {
			h := gramHash(binary.LittleEndian.Uint32([]byte(p[i : i+4])))
			g.bits[h>>6] |= 1 << (h & 63)
			if words++; words > gramMaxWords {
				return nil
			}
		}
	}
	if len(patterns) == 0 {
		return nil
	}
	return g
}

// gramHash folds the case of four ASCII bytes (and maps some punctuation
// together, alike in patterns and texts) and hashes them to 16 bits.
func gramHash(w uint32) uint32 {
	return ((w | 0x20202020) * 0x9e3779b1) >> 16
}
