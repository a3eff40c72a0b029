package sigma

import (
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// testMapping maps "product: test" to events read by the "test" format.
var testMapping = []byte(`
- logsource: {product: test}
  targets:
    - {formats: [test]}
`)

// compileTest loads one rule (a detection block) for "product: test".
func compileTest(t *testing.T, det string, cfg Config) *Ruleset {
	t.Helper()
	cfg.Logsources = append(cfg.Logsources, testMapping)
	b, err := NewBuilder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	src := "title: t\nid: r1\nlogsource: {product: test}\ndetection:\n" + indent(det)
	errs := b.Add("t.yml", []byte(src))
	rs, berrs := b.Build()
	if errs = append(errs, berrs...); len(errs) > 0 {
		t.Fatalf("compiling:\n%s\n%v", src, errs)
	}
	return rs
}

func indent(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

func testEvent(kv ...string) *event.Event {
	ev := &event.Event{Source: event.Source{Format: "test"}}
	for i := 0; i+1 < len(kv); i += 2 {
		ev.Fields = append(ev.Fields, event.Field{Key: kv[i], Value: kv[i+1]})
	}
	return ev
}

func matches(rs *Ruleset, ev *event.Event) bool {
	hit := false
	rs.Match(ev, func(*Rule) { hit = true })
	return hit
}

// TestMatch checks every modifier and condition form on events; each case
// lists events that must match and events that must not.
func TestMatch(t *testing.T) {
	tests := []struct {
		name string
		det  string
		yes  [][]string
		no   [][]string
	}{
		{"exact is case-insensitive", "sel: {Image: 'C:\\Windows\\cmd.exe'}\ncondition: sel",
			[][]string{{"Image", `c:\windows\CMD.EXE`}}, [][]string{{"Image", `c:\windows\cmd.exe2`}}},
		{"plain value", "sel: {User: admin}\ncondition: sel",
			[][]string{{"User", "ADMIN"}, {"User", "x", "User", "admin"}},
			[][]string{{"User", "administrator"}, {"Other", "admin"}}},
		{"wildcards", "sel: {CommandLine: '*a?c*'}\ncondition: sel",
			[][]string{{"CommandLine", "xxABCxx"}},
			[][]string{{"CommandLine", "ac"}}},
		{"escaped wildcard", "sel: {F: 'a\\*b'}\ncondition: sel",
			[][]string{{"F", "a*b"}},
			[][]string{{"F", "axxb"}}},
		{"contains startswith endswith", "a: {F|contains: mid}\nb: {G|startswith: pre}\nc: {H|endswith: '.exe'}\ncondition: a and b and c",
			[][]string{{"F", "xMIDx", "G", "prefix", "H", "x.EXE"}},
			[][]string{{"F", "xMIDx", "G", "xpre", "H", "x.exe"}}},
		{"list is OR", "sel: {F: [a, b]}\ncondition: sel",
			[][]string{{"F", "a"}, {"F", "B"}}, [][]string{{"F", "c"}}},
		{"all is AND", "sel: {F|contains|all: [a, b]}\ncondition: sel",
			[][]string{{"F", "xaxbx"}, {"F", "a", "F", "b"}}, [][]string{{"F", "aaa"}}},
		{"map list is OR of ANDs", "sel:\n  - {F: a, G: b}\n  - {F: c}\ncondition: sel",
			[][]string{{"F", "a", "G", "b"}, {"F", "c"}}, [][]string{{"F", "a"}}},
		{"many exact values use a set", "sel: {F: [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, 'x*']}\ncondition: sel",
			[][]string{{"F", "A7"}, {"F", "xyz"}}, [][]string{{"F", "a11"}}},
		{"cased", "sel: {F|cased: Abc}\ncondition: sel",
			[][]string{{"F", "Abc"}}, [][]string{{"F", "abc"}}},
		{"cased contains", "sel: {F|contains|cased: Abc}\ncondition: sel",
			[][]string{{"F", "xAbcx"}}, [][]string{{"F", "xabcx"}}},
		{"null", "sel: {F: null}\ncondition: sel",
			[][]string{{"G", "x"}, {"F", ""}}, [][]string{{"F", "x"}}},
		{"not null", "sel: {G: x}\nf: {F: null}\ncondition: sel and not f",
			[][]string{{"G", "x", "F", "y"}}, [][]string{{"G", "x"}}},
		{"empty string", "sel: {F: ''}\ncondition: sel",
			[][]string{{"F", ""}}, [][]string{{"F", "x"}, {"G", ""}}},
		{"exists", "a: {F|exists: true}\nb: {G|exists: false}\ncondition: a and b",
			[][]string{{"F", ""}}, [][]string{{"F", "x", "G", "y"}, {"H", "x"}}},
		{"neq", "sel: {F|neq: a}\ncondition: sel",
			[][]string{{"F", "b"}, {"G", "x"}}, [][]string{{"F", "A"}}},
		{"numbers", "a: {N|gt: 10}\nb: {N|lte: 20}\nc: {M|lt: 0x10}\ncondition: a and b or c",
			[][]string{{"N", "11"}, {"N", "20"}, {"M", "15"}, {"M", "0x0f"}},
			[][]string{{"N", "10"}, {"N", "21"}, {"N", "abc"}, {"M", "16"}}},
		{"gte lt", "sel: {N|gte: 1.5}\ncondition: sel",
			[][]string{{"N", "1.5"}, {"N", "2"}}, [][]string{{"N", "1.49"}}},
		{"re is case-sensitive", "sel: {F|re: '^ab+c$'}\ncondition: sel",
			[][]string{{"F", "abbbc"}}, [][]string{{"F", "ABC"}, {"F", "xabc"}}},
		{"re unanchored", "sel: {F|re: 'b+c'}\ncondition: sel",
			[][]string{{"F", "xxbcxx"}}, nil},
		{"re i", "sel: {F|re|i: '^abc$'}\ncondition: sel",
			[][]string{{"F", "ABC"}}, [][]string{{"F", "ABCD"}}},
		{"re m", "sel: {F|re|m: '^b$'}\ncondition: sel",
			[][]string{{"F", "a\nb\nc"}}, [][]string{{"F", "a b c"}}},
		{"re s", "sel: {F|re|s: 'a.b'}\ncondition: sel",
			[][]string{{"F", "a\nb"}}, [][]string{{"F", "ab"}}},
		{"re without s", "sel: {F|re: 'a.b'}\ncondition: sel",
			[][]string{{"F", "axb"}}, [][]string{{"F", "a\nb"}}},
		{"cidr", "sel: {IP|cidr: ['10.0.0.0/8', 'fe80::/10']}\ncondition: sel",
			[][]string{{"IP", "10.1.2.3"}, {"IP", "fe80::1"}, {"IP", "::ffff:10.0.0.1"}},
			[][]string{{"IP", "11.0.0.1"}, {"IP", "nope"}}},
		{"base64offset", "sel: {F|base64offset|contains: 'http://'}\ncondition: sel",
			[][]string{{"F", "x" + "aHR0cDovL"}, {"F", "SABodHRwOi8v"}, {"F", "IAaHR0cDovLw"}},
			[][]string{{"F", "http://"}}},
		{"base64", "sel: {F|base64: foobar}\ncondition: sel",
			[][]string{{"F", "Zm9vYmFy"}}, [][]string{{"F", "foobar"}}},
		{"wide", "sel: {F|wide|base64offset|contains: ping}\ncondition: sel",
			[][]string{{"F", "xxcABpAG4AZwxx"}}, [][]string{{"F", "ping"}}},
		{"utf16le contains", "sel: {F|utf16le|contains: ab}\ncondition: sel",
			[][]string{{"F", "xa\x00b\x00y"}}, [][]string{{"F", "ab"}}},
		{"windash", "sel: {CommandLine|windash|contains: ' -enc '}\ncondition: sel",
			[][]string{{"CommandLine", "p -enc x"}, {"CommandLine", "p /enc x"}, {"CommandLine", "p \u2013enc x"}, {"CommandLine", "p \u2015enc x"}},
			[][]string{{"CommandLine", "p enc x"}}},
		{"fieldref", "sel: {A|fieldref: B}\ncondition: sel",
			[][]string{{"A", "x", "B", "X"}}, [][]string{{"A", "x", "B", "y"}, {"A", "x"}}},
		{"fieldref contains", "sel: {A|fieldref|contains: B}\ncondition: sel",
			[][]string{{"A", "xyz", "B", "y"}}, [][]string{{"A", "xyz", "B", "w"}}},
		{"fieldref startswith endswith", "a: {A|fieldref|startswith: B}\nb: {A|fieldref|endswith: C}\ncondition: a and b",
			[][]string{{"A", "abc", "B", "a", "C", "c"}}, [][]string{{"A", "abc", "B", "b", "C", "c"}}},
		{"expand", "sel: {F|expand: '%admins%'}\ncondition: sel",
			[][]string{{"F", "alice"}, {"F", "BOB"}}, [][]string{{"F", "%admins%"}, {"F", "carol"}}},
		{"expand contains", "sel: {F|contains|expand: 'x%dom%y'}\ncondition: sel",
			[][]string{{"F", "..xcorpy.."}}, [][]string{{"F", "xy"}}},
		{"time parts", "a: {T|hour: 3}\nb: {T|minute|gte: 30}\nc: {T|year: 2024}\nd: {T|month: 2}\ne: {T|day: 29}\ncondition: a and b and c and d and e",
			[][]string{{"T", "2024-02-29T03:45:00Z"}, {"T", "2024-02-29 03:30:00.123"}},
			[][]string{{"T", "2024-02-29T04:45:00Z"}, {"T", "2024-02-29T03:29:00Z"}, {"T", "garbage"}}},
		{"week", "sel: {T|week: 1}\ncondition: sel",
			[][]string{{"T", "2024-01-03T00:00:00Z"}}, [][]string{{"T", "2024-06-03T00:00:00Z"}}},
		{"keywords", "keywords: [evil, 'bad*thing']\ncondition: keywords",
			[][]string{{"A", "x", "B", "so EVIL"}, {"A", "a bad big thing"}}, [][]string{{"A", "good"}}},
		{"keywords all", "keywords:\n  '|all': [a1, b2]\ncondition: keywords",
			[][]string{{"A", "a1", "B", "b2"}, {"A", "a1b2"}}, [][]string{{"A", "a1"}}},
		{"keyword scalar", "keywords: evil\ncondition: keywords",
			[][]string{{"A", "evil"}}, nil},
		{"precedence", "a: {A: 1}\nb: {B: 1}\nc: {C: 1}\nd: {D: 1}\ncondition: a and not b or not c and d",
			[][]string{{"A", "1"}, {"A", "1", "C", "1"}, {"D", "1"}, {"D", "1", "B", "1"}},
			[][]string{{"A", "1", "B", "1", "C", "1"}, {"C", "1", "D", "1", "B", "1"}}},
		{"1 of", "sel_a: {A: 1}\nsel_b: {B: 1}\ncondition: 1 of sel_*",
			[][]string{{"A", "1"}, {"B", "1"}}, [][]string{{"C", "1"}}},
		{"all of", "sel_a: {A: 1}\nsel_b: {B: 1}\ncondition: all of sel_*",
			[][]string{{"A", "1", "B", "1"}}, [][]string{{"A", "1"}}},
		{"all of them skips _", "a: {A: 1}\nb: {B: 1}\n_c: {C: 1}\ncondition: all of them",
			[][]string{{"A", "1", "B", "1"}}, [][]string{{"A", "1"}}},
		{"condition list is OR", "a: {A: 1}\nb: {B: 1}\ncondition: [a, b]",
			[][]string{{"A", "1"}, {"B", "1"}}, [][]string{{"C", "1"}}},
		{"bool and number values", "sel: {Signed: false, EventID: 4688}\ncondition: sel",
			[][]string{{"Signed", "False", "EventID", "4688"}}, [][]string{{"Signed", "true", "EventID", "4688"}}},
		{"non-ASCII lowering to ASCII", "sel: {F|contains: kernel32}\ncondition: sel",
			[][]string{{"F", "x\u212aernel32.dll"}}, [][]string{{"F", "ernel32"}}},
		{"non-ASCII lowering", "sel: {F|contains: 'ÄÖ'}\ncondition: sel",
			[][]string{{"F", "xäöx"}}, [][]string{{"F", "ao"}}},
	}
	cfgs := map[string]Config{
		"expand":          {Placeholders: map[string][]string{"admins": {"alice", "bob"}}},
		"expand contains": {Placeholders: map[string][]string{"dom": {"corp"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := compileTest(t, tc.det, cfgs[tc.name])
			m := rs.NewMatcher()
			for _, kv := range tc.yes {
				hit := false
				m.Match(testEvent(kv...), func(*Rule) { hit = true })
				if !hit {
					t.Errorf("no match on %q", kv)
				}
			}
			for _, kv := range tc.no {
				if matches(rs, testEvent(kv...)) {
					t.Errorf("match on %q", kv)
				}
			}
		})
	}
}

func TestUnresolvedPlaceholder(t *testing.T) {
	rs := compileTest(t, "sel: {F|expand: '%nobody%'}\ncondition: sel", Config{})
	if got := rs.Rules()[0].Unresolved; len(got) != 1 || got[0] != "nobody" {
		t.Errorf("Unresolved = %q", got)
	}
	if matches(rs, testEvent("F", "%nobody%")) {
		t.Error("an unresolved placeholder matched")
	}
}

func TestOtherFormatDoesNotMatch(t *testing.T) {
	rs := compileTest(t, "sel: {F: a}\ncondition: sel", Config{})
	ev := testEvent("F", "a")
	ev.Source.Format = "other"
	if matches(rs, ev) {
		t.Error("rule for format test matched an event of format other")
	}
}
