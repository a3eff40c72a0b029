package sigma

import (
	"regexp"
	"slices"
	"testing"
)

func TestRegexpGuards(t *testing.T) {
	tests := []struct {
		expr string
		lits []string
		run  int
	}{
		{`\s[a-fA-F0-9]{64}\s[a-fA-F0-9]{16}`, nil, 64},
		{`(?i)\.exe["']?\s+[^"]{0,64}werfaultsecure\.exe`, []string{"ecure.exe"}, 0},
		{`foo(bar|baz)+`, []string{"foo"}, 0},
		{`(abcd|efgh)x`, []string{"abcd", "efgh"}, 0},
		{`(abcd|e*)x`, []string{"x"}, 0},
		{`(?i)kernel32`, []string{"ernel32"}, 0}, // k folds to the Kelvin sign: left out
		{`a?b*`, nil, 0},
		{`[a-z]{8,}`, nil, 8},
		{`[äö]{8}`, nil, 0}, // non-ASCII classes are not checked bytewise
		{`Ab+C`, []string{"a"}, 0},
	}
	// Other parts of a concatenation give further literal sets.
	n := newReNode(0, regexp.MustCompile(`(?i)(set).*&&\s?set.*(environment|invoke|\$\{?input).*&&.*"`))
	if !slices.ContainsFunc(n.more, func(ls []string) bool { return slices.Equal(ls, []string{"&&"}) }) {
		t.Errorf("literal sets %q then %q, want && among the latter", n.lits, n.more)
	}
	for _, tc := range tests {
		n := newReNode(0, regexp.MustCompile(tc.expr))
		if !slices.Equal(n.lits, tc.lits) {
			t.Errorf("%s: literals %q, want %q", tc.expr, n.lits, tc.lits)
		}
		run := 0
		if n.run != nil {
			run = n.run.n
		}
		if run != tc.run {
			t.Errorf("%s: run %d, want %d", tc.expr, run, tc.run)
		}
	}
}

// TestRegexpGuardsAgree checks that the guards never reject a value the
// expression matches.
func TestRegexpGuardsAgree(t *testing.T) {
	exprs := []string{`\s[a-f0-9]{8}\s`, `(?i)ECHO.*clip`, `(abc|xyz)\d+`, `(?i)^c:\\windows\\`, `Ab+C`}
	values := []string{" deadbeef ", "Echo hi | CLIP", "abc123", "xyz9", `C:\Windows\x`, "AbbbC", "abbbc", "", "echo"}
	for _, e := range exprs {
		re := regexp.MustCompile(e)
		rs := compileTest(t, "sel: {F|re: '"+e+"'}\ncondition: sel", Config{})
		for _, v := range values {
			if got, want := matches(rs, testEvent("F", v)), re.MatchString(v); got != want {
				t.Errorf("%s on %q: matched %v, regexp says %v", e, v, got, want)
			}
		}
	}
}
