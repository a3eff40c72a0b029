package sigma

import (
	"fmt"
)

// Rule is one parsed Sigma detection rule: its metadata and detection. The
// compiled form lives in the Ruleset that loaded it.
type Rule struct {
	ID             string
	Title          string
	Name           string // optional unique name, referenced by correlation rules
	Status         string // stable, test, experimental, deprecated, unsupported
	Level          string // informational, low, medium, high, critical
	Description    string
	Author         string
	Date, Modified string
	// Tags are kept verbatim ("attack.t1059.001", "attack.stealth", "cve.2024-1234").
	Tags           []string
	References     []string
	FalsePositives []string
	Fields         []string
	Logsource      Logsource
	// Path is the file the rule was read from, as given to Load.
	Path string
	// Unresolved lists expand placeholders without configured values; the
	// values that use them match nothing.
	Unresolved []string
	// CorrelationOnly is set when a correlation rule refers to this rule
	// without generate: true; the rule's own matches then feed the
	// correlation rather than alert.
	CorrelationOnly bool

	detection *detection
}

// Logsource is the logsource section of a rule.
type Logsource struct {
	Category   string
	Product    string
	Service    string
	Definition string
}

// String renders the logsource as product/category/service.
func (l Logsource) String() string {
	return fmt.Sprintf("product=%s category=%s service=%s", l.Product, l.Category, l.Service)
}

// detection is a parsed detection section.
type detection struct {
	searches   map[string]*search
	order      []string // identifiers in file order, for "them"
	conditions []*condNode
	condLine   int
}

// search is one search identifier: an OR of maps (each an AND of field
// items), or a list of keywords.
type search struct {
	name string
	line int
	maps [][]*item // OR of AND
}

// item is one field (or keyword) with its modifiers and values.
type item struct {
	field  string // "" for keywords
	line   int
	mods   modifiers
	values []value // joined with OR, or AND with the all modifier
	null   bool    // field: null
}

// value is one value as written, with the typed forms the modifiers need.
type value struct {
	raw    string
	num    float64
	isNum  bool
	isBool bool
	b      bool
	null   bool
}

// LoadError is a rule that could not be loaded, with the reason.
type LoadError struct {
	Path string
	Line int    // 1-based, 0 when unknown
	Rule string // rule id or title when known
	Err  error
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// lineError is an error at a line of the rule file.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

func errAt(line int, format string, args ...any) error {
	return &lineError{line: line, err: fmt.Errorf(format, args...)}
}
