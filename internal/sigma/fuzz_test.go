package sigma

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// FuzzParseRule parses, compiles and matches arbitrary rule text: bad
// input must give an error, never a panic.
func FuzzParseRule(f *testing.F) {
	f.Add([]byte(goodRule))
	f.Add([]byte("title: t\nlogsource: {product: test}\ndetection:\n  k: [a, 'b*c']\n  s:\n    F|base64offset|contains: x\n    G|re|i: '^a+$'\n    H|cidr: 10.0.0.0/8\n  condition: 1 of k* or not s\n"))
	f.Add([]byte("title: t\nlogsource: {product: test}\ndetection:\n  s:\n    - F|windash|contains|all: ['-a', '/b']\n    - G|fieldref|endswith: F\n      T|hour|gte: 3\n      N: null\n  condition: all of them\n"))
	f.Add([]byte(corrRules))
	f.Add([]byte("title: f\nlogsource: {product: test}\nfilter:\n  rules: [r1]\n  selection: {User|startswith: adm_}\n  condition: selection\n---\ntitle: r\nid: r1\nlogsource: {product: test}\ndetection:\n  s: {F: x}\n  condition: s\n"))
	if dir := os.Getenv("CAUSEWAY_CORPORA"); dir != "" {
		seeds, _ := filepath.Glob(filepath.Join(dir, "sigma", "rules", "windows", "process_creation", "proc_creation_win_powershell_*.yml"))
		for _, p := range seeds[:min(len(seeds), 20)] {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	ev := testEvent("F", "-a /b x", "G", "aaa", "H", "10.1.1.1", "T", "2024-01-01T05:00:00Z", "CommandLine", "powershell -enc ZQBjAGgAbwA=", "Image", `C:\x\powershell.exe`)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := NewBuilder(Config{Logsources: [][]byte{testMapping}, Placeholders: map[string][]string{"p": {"v*"}}})
		if err != nil {
			t.Fatal(err)
		}
		errs := b.Add("fuzz.yml", data)
		rs, berrs := b.Build()
		for _, le := range append(errs, berrs...) {
			if le.Err == nil || le.Path != "fuzz.yml" {
				t.Fatalf("bad load error: %+v", le)
			}
		}
		c := rs.NewCorrelator()
		for _, e := range []*event.Event{ev, testEvent()} {
			rs.Match(e, func(r *Rule) { c.Observe(e, r, func(*CorrelationHit) {}) })
		}
		c.Advance(time.Now(), func(*CorrelationHit) {})
	})
}

// FuzzCondition parses arbitrary conditions over five searches, compiles
// them and checks the compiled matcher against a direct interpretation of
// the parse tree for every assignment of the searches.
func FuzzCondition(f *testing.F) {
	for _, s := range []string{
		"a", "a and not b or not c and d", "1 of s*", "all of them", "(a or b) and not (c or d) or e",
		"not not a", "a and (b or (c and (d or e)))", "1 of them and not all of s*", "a or", "((a)",
	} {
		f.Add(s)
	}
	ids := []string{"a", "b", "c", "d", "e", "sa", "sb"}
	var det strings.Builder
	for _, id := range ids {
		// Values long enough for the literal prefilter to take part.
		det.WriteString(id + ": {" + strings.ToUpper(id) + "|contains: 'val_" + id + "'}\n")
	}
	f.Fuzz(func(t *testing.T, cond string) {
		for i := 0; i < len(cond); i++ {
			if cond[i] < 0x20 || cond[i] > 0x7e || cond[i] == '\'' {
				return // keep the condition a valid single-quoted YAML scalar
			}
		}
		c, err := parseCondition(cond, names(ids))
		if err != nil {
			return
		}
		b, err := NewBuilder(Config{Logsources: [][]byte{testMapping}})
		if err != nil {
			t.Fatal(err)
		}
		src := "title: t\nlogsource: {product: test}\ndetection:\n" + indent(det.String()+"condition: '"+cond+"'")
		errs := b.Add("fuzz.yml", []byte(src))
		rs, berrs := b.Build()
		if errs = append(errs, berrs...); len(errs) > 0 {
			t.Fatalf("condition %q parsed alone but not in a rule: %v", cond, errs)
		}
		m := rs.NewMatcher()
		for mask := 0; mask < 1<<len(ids); mask++ {
			truth := map[string]bool{}
			var kv []string
			for i, id := range ids {
				if mask&(1<<i) != 0 {
					truth[id] = true
					kv = append(kv, strings.ToUpper(id), "x val_"+id+" y")
				}
			}
			got := false
			m.Match(testEvent(kv...), func(*Rule) { got = true })
			if want := interpret(c, truth); got != want {
				t.Fatalf("condition %q (%s) with %v: matched %v, want %v", cond, c, truth, got, want)
			}
		}
	})
}

// interpret evaluates a condition tree directly.
func interpret(c *condNode, truth map[string]bool) bool {
	switch c.op {
	case opRef:
		return truth[c.name]
	case opNot:
		return !interpret(c.kids[0], truth)
	case opAnd:
		for _, k := range c.kids {
			if !interpret(k, truth) {
				return false
			}
		}
		return true
	}
	for _, k := range c.kids {
		if interpret(k, truth) {
			return true
		}
	}
	return false
}
