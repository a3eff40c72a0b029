package sigma

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// randWord returns a word of n bytes over a small alphabet, where
// occurrences and overlaps are frequent.
func randWord(r *rand.Rand, alphabet string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// TestScanFastAgrees checks that scanning in lanes, or around the hits of
// the gram filter, finds every pattern scan finds, and no other, on values
// long enough to be cut.
func TestScanFastAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	grams := 0
	for i := 0; i < 1000; i++ {
		pats := make([]string, 1+r.IntN(20))
		shortest := 1
		if i%2 == 0 {
			shortest = gramMinLen // the gram filter applies
		}
		for j := range pats {
			pats[j] = randWord(r, "abc:\\", shortest+r.IntN(13-shortest))
		}
		a := newACAutomaton(pats, true)
		if a.grams != nil {
			grams++
		}
		text := "abcABC:\\."
		if i%4 == 0 {
			text = "abcAB:\\xyzwvuXYZ0123456789 " // sparse hits: separate windows
		}
		s := randWord(r, text, r.IntN(700))
		want := a.scan(strings.ToLower(s), nil)
		got := a.scanFast(s, nil)
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Fatalf("scanFast(%q, %q) misses %d", pats, s, w)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(slices.Compact(got), slices.Compact(want)) {
			t.Fatalf("scanFast(%q, %q) = %v, scan = %v", pats, s, got, want)
		}
	}
	if grams < 400 {
		t.Errorf("the gram filter applied to %d pattern sets of 500", grams)
	}
}

func TestIsASCII(t *testing.T) {
	for _, s := range []string{"", "a", "abcdefgh", "abcdefghi", "abcdefgh\x80", "\xffabcdefgh", "abcdéfgh", strings.Repeat("x", 100) + "é"} {
		want := !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 })
		if got := isASCII(s); got != want {
			t.Errorf("isASCII(%q) = %v", s, got)
		}
	}
}

// TestAppendLower compares the lowering of event values, eight ASCII bytes
// at a time, with unicode.ToLower rune by rune.
func TestAppendLower(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 2000; i++ {
		s := randWord(r, "@AZ[`az{09 \\:"+string([]byte{0x7f, 0x80, 0xc3})+"É", r.IntN(40))
		var want []byte
		for _, c := range []byte(s) {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			want = append(want, c)
		}
		if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 }) {
			if got := appendLower(nil, s); string(got) != string(want) {
				t.Fatalf("appendLower(%q) = %q, want %q", s, got, want)
			}
		}
	}
	if got := lowerString("C:\\WINDOWS\\ÉTÉ\\@[`{"); got != "c:\\windows\\été\\@[`{" {
		t.Errorf("lowerString = %q", got)
	}
}

// TestFoldsInPlace checks foldsInPlace against scanFold, which refuses the
// values that do not fold in place.
func TestFoldsInPlace(t *testing.T) {
	a := newACAutomaton([]string{"x"}, true)
	for _, s := range []string{"abc", "Ä®é", "\u212a", "İ", "\u023a", "\xff\xfe", "MICROSOFT® WINDOWS®"} {
		_, ok := a.scanFold(s, nil)
		if got := foldsInPlace(s); got != ok {
			t.Errorf("foldsInPlace(%q) = %v, scanFold says %v", s, got, ok)
		}
	}
}

func TestFieldTable(t *testing.T) {
	ids := map[string]fieldID{}
	for i := 1; i <= 40; i++ {
		ids[strings.Repeat("k", i%13+1)+fmt.Sprint(i)] = fieldID(i)
	}
	ids["a"], ids["ab"], ids["Image"], ids["CommandLine"] = 41, 42, 43, 44
	ft := newFieldTable(ids)
	for name, id := range ids {
		if got, ok := ft.lookup(name); !ok || got != id {
			t.Errorf("lookup(%q) = %d, %v; want %d", name, got, ok, id)
		}
	}
	for _, name := range []string{"", "b", "image", "CommandLin", "CommandLineX", "k1"} {
		if _, ok := ft.lookup(name); ok {
			t.Errorf("lookup(%q) found a field", name)
		}
	}
}

func TestAtomLit(t *testing.T) {
	for lit, want := range map[string]string{"abc": "abc", "a\x00bcd\x00e": "bcd", "\x00\x00": ""} {
		if got := atomLit(lit); got != want {
			t.Errorf("atomLit(%q) = %q, want %q", lit, got, want)
		}
	}
}

// TestPrefilterRandom compiles random rules over a few fields and checks
// that matching with the prefilter gives the rules exhaustive evaluation
// gives, on random events: short values scanned together, long values in
// lanes, keywords over the joined values, non-ASCII values and sets of
// prefixes and suffixes.
func TestPrefilterRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const alphabet = "abcd.\\ "
	fields := []string{"A", "B", "C", "D", "E", "F"}
	mods := []string{"|contains", "|startswith", "|endswith", "", "|contains|all", "|re"}
	b, err := NewBuilder(Config{Logsources: [][]byte{testMapping}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		var det strings.Builder
		det.WriteString("detection:\n")
		nsel := 1 + r.IntN(3)
		for s := 0; s < nsel; s++ {
			fmt.Fprintf(&det, "  sel%d:\n", s)
			if r.IntN(10) == 0 {
				fmt.Fprintf(&det, "    - '%s'\n", randWord(r, alphabet, 2+r.IntN(4)))
				continue
			}
			for range 1 + r.IntN(3) {
				f := fields[r.IntN(len(fields))] + "x"[:r.IntN(2)]
				mod := mods[r.IntN(len(mods))]
				fmt.Fprintf(&det, "    %s%s:\n", f, mod)
				nv := 1 + r.IntN(3)
				if r.IntN(4) == 0 {
					nv = affixSetMin + r.IntN(6)
				}
				for v := 0; v < nv; v++ {
					w := randWord(r, alphabet, 2+r.IntN(6))
					if mod == "|re" {
						w = strings.NewReplacer(".", "\\.", "\\", "\\\\").Replace(w) + "[a-d]"
					}
					fmt.Fprintf(&det, "      - '%s'\n", w)
				}
			}
		}
		cond := "1 of sel*"
		if r.IntN(3) == 0 {
			cond = "all of sel*"
		}
		fmt.Fprintf(&det, "  condition: %s\n", cond)
		src := fmt.Sprintf("title: r%d\nid: r%d\nlogsource: {product: test}\n%s", i, i, det.String())
		if errs := b.Add(fmt.Sprintf("r%d.yml", i), []byte(src)); len(errs) > 0 {
			t.Fatalf("%s: %v", src, errs)
		}
	}
	rs, errs := b.Build()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	fast, full := rs.NewMatcher(), rs.NewMatcher()
	full.exhaustive = true
	total := 0
	for i := 0; i < 3000; i++ {
		ev := &event.Event{Source: event.Source{Format: "test"}}
		for _, f := range fields {
			if r.IntN(4) == 0 {
				continue
			}
			n := r.IntN(12)
			if r.IntN(5) == 0 {
				n = 60 + r.IntN(200)
			}
			v := randWord(r, alphabet+"ABCD", n)
			if r.IntN(20) == 0 {
				v += "É\u212a"
			}
			ev.Fields = append(ev.Fields, event.Field{Key: f, Value: v})
		}
		var a, b []string
		fast.Match(ev, func(r *Rule) { a = append(a, r.ID) })
		full.Match(ev, func(r *Rule) { b = append(b, r.ID) })
		if !slices.Equal(a, b) {
			t.Fatalf("event %v: prefilter gave %v, exhaustive %v", ev.Fields, a, b)
		}
		total += len(b)
	}
	if total == 0 {
		t.Fatal("no rule matched: the test checked nothing")
	}
	t.Logf("%d matches", total)
}

// TestAffixSets checks many startswith and endswith values, which are
// matched through sets keyed by four bytes, against a naive comparison.
func TestAffixSets(t *testing.T) {
	vals := []string{`\cmd.exe`, `\pwsh.exe`, `\a.exe`, `.dll`, `\Rundll32.EXE`, `x`, `ab`, `\wscript.exe`, `\cscript.exe`, `\mshta.exe`}
	for _, mod := range []string{"startswith", "endswith"} {
		var det strings.Builder
		fmt.Fprintf(&det, "sel:\n  F|%s:\n", mod)
		for _, v := range vals {
			fmt.Fprintf(&det, "    - '%s'\n", v)
		}
		det.WriteString("condition: sel")
		rs := compileTest(t, det.String(), Config{})
		for _, v := range []string{`C:\Windows\cmd.exe`, `C:\x\RUNDLL32.exe`, `\cmd.exe\x`, `x`, `ab`, `b`, ``, `.DLL`, `\PWSH.EXE`, `a.exe`, `\a.exeX`, `xyz`, `abc`} {
			want := false
			for _, x := range vals {
				lv, lx := strings.ToLower(v), strings.ToLower(x)
				if mod == "startswith" && strings.HasPrefix(lv, lx) || mod == "endswith" && strings.HasSuffix(lv, lx) {
					want = true
				}
			}
			if got := matches(rs, testEvent("F", v)); got != want {
				t.Errorf("%s on %q: matched %v, want %v", mod, v, got, want)
			}
		}
	}
}
