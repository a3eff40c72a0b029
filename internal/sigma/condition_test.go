package sigma

import (
	"strings"
	"testing"
)

// names is a fixed set of search identifiers for condition tests.
type names []string

func (n names) has(s string) bool {
	for _, x := range n {
		if x == s {
			return true
		}
	}
	return false
}
func (n names) names() []string { return n }

// The expectations restate pySigma's tests/test_conditions.py.
func TestParseCondition(t *testing.T) {
	ids := names{"a", "b", "c", "d", "selection", "selection_extra", "sel1", "sel2", "filter_x", "_hidden"}
	tests := []struct {
		in, want string
	}{
		{"a", "a"},
		{"a and not b or not c and d", "((a and not b) or (not c and d))"},
		{"a and (b or c)", "(a and (b or c))"},
		{"a or b and c", "(a or (b and c))"},
		{"not a and b", "(not a and b)"},
		{"not not a", "not not a"},
		{"a and b and c", "(a and b and c)"},
		{"1 of sel*", "(selection or selection_extra or sel1 or sel2)"},
		{"all of sel*", "(selection and selection_extra and sel1 and sel2)"},
		{"1 of selection", "selection"},
		{"all of selection", "selection"},
		{"1 of them", "(a or b or c or d or selection or selection_extra or sel1 or sel2 or filter_x)"},
		{"a and not 1 of filter_*", "(a and not filter_x)"},
		{"_hidden", "_hidden"},
		{"(a)", "a"},
		{"A AND NOT b", ""}, // identifiers are case-sensitive: A is unknown
		{"a AND NOT b", "(a and not b)"},
	}
	for _, tc := range tests {
		c, err := parseCondition(tc.in, ids)
		if tc.want == "" {
			if err == nil {
				t.Errorf("parseCondition(%q) = %v, want an error", tc.in, c)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseCondition(%q): %v", tc.in, err)
			continue
		}
		if got := c.String(); got != tc.want {
			t.Errorf("parseCondition(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestParseConditionErrors(t *testing.T) {
	ids := names{"a", "b", "selection"}
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"a and", "unexpected end"},
		{"a b", "unexpected"},
		{"(a", "missing )"},
		{"a)", "unexpected"},
		{"nosuch", "unknown search identifier"},
		{"1 of x*", "no search identifier matches"},
		{"1 of", "missing identifier"},
		{"selection | count() > 5", "aggregation"},
		{"and a", "unexpected"},
		{strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200), "nested too deeply"},
		{strings.Repeat("not ", 200) + "a", "nested too deeply"},
	}
	for _, tc := range tests {
		_, err := parseCondition(tc.in, ids)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseCondition(%q): error %v, want one containing %q", tc.in, err, tc.want)
		}
	}
}
