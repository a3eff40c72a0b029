package sigma

import (
	"slices"
	"strings"
	"testing"
)

// The expectations below restate pySigma's tests/test_modifiers.py and
// tests/test_types.py (see corpora/pysigma-notes/CONFORMANCE_NOTES.md).

func TestParsePattern(t *testing.T) {
	tests := []struct {
		in, want string // want: rendered back, with escapes
		wild     bool
	}{
		{`foo`, `foo`, false},
		{`foo*bar`, `foo*bar`, true},
		{`foo?bar`, `foo?bar`, true},
		{`foo\*bar`, `foo\*bar`, false},
		{`foo\?bar`, `foo\?bar`, false},
		{`foo\\*`, `foo\\*`, true},                // escaped backslash, then a wildcard
		{`foo\\\*`, `foo\\\*`, false},             // backslash and star, both plain
		{`C:\Windows\x`, `C:\\Windows\\x`, false}, // lone backslash is literal
		{`foo\`, `foo\\`, false},                  // trailing backslash stays
		{`\\\\`, `\\\\`, false},                   // four backslashes: two plain
		{`**a`, `*a`, true},                       // consecutive stars collapse
	}
	for _, tc := range tests {
		p := parsePattern(tc.in, false)
		if got := p.String(); got != tc.want {
			t.Errorf("parsePattern(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if p.hasWildcards() != tc.wild {
			t.Errorf("parsePattern(%q).hasWildcards() = %v", tc.in, !tc.wild)
		}
	}
	if got := parsePattern(`\\\\`, false); len(got) != 1 || got[0].lit != `\\` {
		t.Errorf(`four backslashes = %q, want two plain ones`, got)
	}
	if got := parsePattern(`a%name%b`, true); len(got) != 3 || got[1].kind != partPlace || got[1].lit != "name" {
		t.Errorf("placeholder: %+v", got)
	}
	if got := parsePattern(`a\%name%b`, true); got.String() != `a%name%b` || got[0].kind != partLit {
		t.Errorf("escaped percent: %+v", got)
	}
	if got := parsePattern(`%name%`, false); got[0].kind != partLit {
		t.Errorf("placeholder without expand should be literal: %+v", got)
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"foo", "foo", true},
		{"foo", "foox", false},
		{"*foo", "xfoo", true},
		{"foo*", "foox", true},
		{"*foo*", "xfooy", true},
		{"f?o", "fxo", true},
		{"f?o", "fo", false},
		{"f?o", "fäo", true}, // ? is one character, not one byte
		{"*a*b*c", "xaybzc", true},
		{"*a*b*c", "xaybzcx", false},
		{"*aab", "aaab", true},
		{"a*", "a", true},
		{"*", "", true},
		{"", "", true},
		{"", "x", false},
		{`\*`, "*", true},
		{`\*`, "x", false},
		{"*ab*ab*", "abab", true},
		{"*ab*ab*", "aba", false},
	}
	for _, tc := range tests {
		if got := globMatch(parsePattern(tc.pat, false), tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pat, tc.s, got, tc.want)
		}
	}
}

func transformOne(t *testing.T, mods []string, v string) ([]string, error) {
	t.Helper()
	m, err := parseModifiers(mods)
	if err != nil {
		return nil, err
	}
	alts, err := m.transform(parsePattern(v, m.expand))
	var out []string
	for _, a := range alts {
		out = append(out, a.String())
	}
	return out, err
}

func TestModifierTransforms(t *testing.T) {
	tests := []struct {
		mods []string
		in   string
		want []string
	}{
		{[]string{"contains"}, "foobar", []string{"*foobar*"}},
		{[]string{"contains"}, "*foobar", []string{"*foobar*"}},
		{[]string{"contains"}, "foobar*", []string{"*foobar*"}},
		{[]string{"contains"}, `foobar\\`, []string{`*foobar\\*`}},
		{[]string{"startswith"}, "foobar", []string{"foobar*"}},
		{[]string{"endswith"}, "foobar", []string{"*foobar"}},
		{[]string{"base64"}, "foobar", []string{"Zm9vYmFy"}},
		{[]string{"base64offset"}, "foobar", []string{"Zm9vYmFy", "Zvb2Jhc", "mb29iYX"}},
		{[]string{"base64offset", "contains"}, "foobar", []string{"*Zm9vYmFy*", "*Zvb2Jhc*", "*mb29iYX*"}},
		{[]string{"wide"}, "*foobar*", []string{"*f\x00o\x00o\x00b\x00a\x00r\x00*"}},
		{[]string{"utf16le"}, "*foobar*", []string{"*f\x00o\x00o\x00b\x00a\x00r\x00*"}},
		{[]string{"utf16be"}, "*foobar*", []string{"*\x00f\x00o\x00o\x00b\x00a\x00r*"}},
		{[]string{"utf16"}, "foobar", []string{"\xff\xfef\x00o\x00o\x00b\x00a\x00r\x00"}},
		{[]string{"wide", "base64offset", "contains"}, "ping", []string{"*cABpAG4AZw*", "*AAaQBuAGcA*", "*wAGkAbgBnA*"}},
		{[]string{"re"}, "foo.*bar", []string{"foo.*bar"}},
	}
	for _, tc := range tests {
		got, err := transformOne(t, tc.mods, tc.in)
		if err != nil {
			t.Errorf("%v(%q): %v", tc.mods, tc.in, err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v(%q) = %q, want %q", tc.mods, tc.in, got, tc.want)
		}
	}
}

func TestModifierErrors(t *testing.T) {
	tests := []struct {
		mods []string
		in   string
		want string
	}{
		{[]string{"base64"}, "foo*bar", "wildcards"},
		{[]string{"base64offset"}, "foo?bar", "wildcards"},
		{[]string{"utf16le"}, "fööbar", "non-ASCII"},
		{[]string{"utf16be"}, "fööbar", "non-ASCII"},
		{[]string{"utf16"}, "fööbar", "non-ASCII"},
		{[]string{"nosuch"}, "x", "unknown modifier"},
		{[]string{"contains", "cidr"}, "10.0.0.0/8", "cidr after"},
		{[]string{"exists", "contains"}, "true", "exists combined"},
		{[]string{"i"}, "x", "without re"},
		{[]string{"lt", "gt"}, "1", "two comparison"},
	}
	for _, tc := range tests {
		_, err := transformOne(t, tc.mods, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v(%q): error %v, want one containing %q", tc.mods, tc.in, err, tc.want)
		}
	}
}

func TestWindash(t *testing.T) {
	got, err := transformOne(t, []string{"windash"}, "-param-1 -param2")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 25 {
		t.Fatalf("windash gave %d strings, want 25: %q", len(got), got)
	}
	dashes := []string{"-", "/", "\u2013", "\u2014", "\u2015"}
	i := 0
	for _, a := range dashes { // first flag varies slowest
		for _, b := range dashes {
			want := a + "param-1 " + b + "param2"
			if got[i] != want {
				t.Errorf("windash[%d] = %q, want %q", i, got[i], want)
			}
			i++
		}
	}
	// Not a flag: inside a word, or not followed by a word character.
	for _, in := range []string{"a-b", "x - y", "path/to"} {
		got, _ := transformOne(t, []string{"windash"}, in)
		if len(got) != 1 || got[0] != in {
			t.Errorf("windash(%q) = %q, want it unchanged", in, got)
		}
	}
	got, _ = transformOne(t, []string{"windash", "contains"}, " -enc ")
	if len(got) != 5 || got[1] != "* /enc *" {
		t.Errorf("windash|contains = %q", got)
	}
}
