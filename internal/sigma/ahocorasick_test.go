package sigma

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// naiveHits lists, for each position of s, the patterns ending there.
func naiveHits(pats []string, s string) []int32 {
	var hits []int32
	for end := 1; end <= len(s); end++ {
		for pi, p := range pats {
			if len(p) <= end && s[end-len(p):end] == p {
				hits = append(hits, int32(pi))
			}
		}
	}
	return hits
}

func TestACAutomaton(t *testing.T) {
	tests := []struct {
		pats []string
		s    string
	}{
		{[]string{"he", "she", "his", "hers"}, "ushers"},
		{[]string{"a", "aa", "aaa"}, "aaaa"},
		{[]string{"\\cmd.exe", "cmd", ".exe"}, "c:\\windows\\cmd.exe /c"},
		{[]string{"abc"}, ""},
		{[]string{"🦆", "x"}, "a🦆bx"},
	}
	for _, tc := range tests {
		a := newACAutomaton(tc.pats, false)
		got := a.scan(tc.s, nil)
		want := naiveHits(tc.pats, tc.s)
		sortSameEnd(got, want)
		if !slices.Equal(got, want) {
			t.Errorf("scan(%q, %q) = %v, want %v", tc.pats, tc.s, got, want)
		}
		if a.any(tc.s) != (len(want) > 0) {
			t.Errorf("any(%q, %q) = %v", tc.pats, tc.s, !(len(want) > 0))
		}
	}
}

// TestACAutomatonRandom compares the automaton with a naive search on
// random patterns over a small alphabet, where overlaps are frequent.
func TestACAutomatonRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte("abc\\."[r.IntN(5)])
		}
		return b.String()
	}
	for i := 0; i < 300; i++ {
		pats := make([]string, 1+r.IntN(12))
		for j := range pats {
			pats[j] = word(1 + r.IntN(5))
		}
		s := word(r.IntN(40))
		a := newACAutomaton(pats, false)
		got := a.scan(s, nil)
		want := naiveHits(pats, s)
		// Duplicate patterns report every index; compare as multisets.
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("scan(%q, %q) = %v, want %v", pats, s, got, want)
		}
	}
}

// sortSameEnd makes hit order comparable: both lists hold the same
// patterns per end position, possibly in different orders.
func sortSameEnd(a, b []int32) {
	slices.Sort(a)
	slices.Sort(b)
}

// TestACAutomatonLossy checks that the lossy automaton finds at least every
// real occurrence, and treats non-ASCII bytes as one class.
func TestACAutomatonLossy(t *testing.T) {
	pats := []string{"🦆", "ab", "x\u00e9y"}
	a := newACAutomaton(pats, true)
	for _, s := range []string{"a🦆b", "xxab", "x\u00e9y", "🐺", "zz"} {
		got := a.scan(s, nil)
		want := naiveHits(pats, s)
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("lossy scan(%q) = %v, misses %d", s, got, w)
			}
		}
	}
	if got := a.scan("🐺", nil); len(got) == 0 {
		t.Errorf("lossy scan should report the duck for the wolf (same class), got none")
	}
	if got := a.scan("zz", nil); len(got) != 0 {
		t.Errorf("lossy scan(zz) = %v", got)
	}
}

func TestACAutomatonScanFold(t *testing.T) {
	a := newACAutomaton([]string{"cmd.exe", "\\temp\\"}, true)
	hits, ok := a.scanFold(`C:\TEMP\CMD.EXE`, nil)
	if !ok || len(hits) != 2 {
		t.Errorf("scanFold = %v, %v; want both patterns", hits, ok)
	}
	if hits, ok := a.scanFold("CMD.EXE \u212a", []int32{7}); ok || !slices.Equal(hits, []int32{7}) {
		t.Errorf("scanFold on the Kelvin sign = %v, %v; want the hits unchanged and false", hits, ok)
	}
	if hits, ok := a.scanFold("CMD.EXE \u023a", []int32{7}); ok || !slices.Equal(hits, []int32{7}) {
		t.Errorf("scanFold on a character whose lower case is longer = %v, %v", hits, ok)
	}
	if hits, ok := a.scanFold("Microsoft® CMD.EXE Ä", nil); !ok || len(hits) != 1 {
		t.Errorf("scanFold past ® and Ä = %v, %v; want cmd.exe found", hits, ok)
	}
}

// FuzzScanFold checks that scanning a raw value finds what scanning its
// lowered form finds, whenever scanFold (and so foldsInPlace) accepts the
// value, and that scanning an ASCII value in lanes finds the same.
func FuzzScanFold(f *testing.F) {
	for _, s := range []string{`C:\Windows\System32\CMD.EXE`, "Microsoft® Windows®", "ÄÖÜ äöü", "\u212a\u0130\u023a", "🦆 x", strings.Repeat(`C:\WINDOWS\cmd.exe /c windows `, 5)} {
		f.Add(s)
	}
	a := newACAutomaton([]string{"cmd.exe", "ä", "®", "windows", "🦆", "ⱥ", "k", "i"}, true)
	f.Fuzz(func(t *testing.T, s string) {
		if isASCII(s) {
			// Scanning in lanes finds the same patterns, some twice.
			got, want := a.scanFast(s, nil), a.scan(lowerString(s), nil)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(slices.Compact(got), slices.Compact(want)) {
				t.Fatalf("scanFast(%q) = %v, scan(lower) = %v", s, got, want)
			}
		}
		if isASCII(s) && !foldsInPlace(s) {
			t.Fatalf("foldsInPlace(%q) is false for an ASCII value", s)
		}
		got, ok := a.scanFold(s, nil)
		if ok != foldsInPlace(s) {
			t.Fatalf("scanFold(%q) accepts %v, foldsInPlace says %v", s, ok, foldsInPlace(s))
		}
		if !ok {
			return
		}
		want := a.scan(lowerString(s), nil)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("scanFold(%q) = %v, scan(lower) = %v", s, got, want)
		}
	})
}
