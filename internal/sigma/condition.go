package sigma

import (
	"errors"
	"fmt"
	"strings"
)

// condOp is the operator of a condition node.
type condOp uint8

const (
	opRef condOp = iota // a search identifier
	opAnd
	opOr
	opNot
)

// condNode is a parsed condition. "1 of x*" and "all of them" are expanded
// into OR / AND nodes over the matching identifiers at parse time.
type condNode struct {
	op   condOp
	name string // opRef
	kids []*condNode
}

// String renders the condition with explicit parentheses.
func (c *condNode) String() string {
	switch c.op {
	case opRef:
		return c.name
	case opNot:
		return "not " + c.kids[0].String()
	}
	sep := " and "
	if c.op == opOr {
		sep = " or "
	}
	parts := make([]string, len(c.kids))
	for i, k := range c.kids {
		parts[i] = k.String()
	}
	return "(" + strings.Join(parts, sep) + ")"
}

// maxCondDepth bounds nesting so hostile conditions cannot exhaust the stack.
const maxCondDepth = 64

// searchNames is what the condition parser needs to know of a detection.
type searchNames interface {
	has(name string) bool
	names() []string
}

func (d *detection) has(name string) bool { _, ok := d.searches[name]; return ok }
func (d *detection) names() []string      { return d.order }

// parseCondition parses a condition expression. Precedence, from the most
// binding: not, and, or; parentheses override.
func parseCondition(s string, d searchNames) (*condNode, error) {
	toks, err := lexCondition(s)
	if err != nil {
		return nil, err
	}
	p := &condParser{toks: toks, d: d}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return n, nil
}

func lexCondition(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, s[i:i+1])
			i++
		case c == '|':
			return nil, errors.New("aggregation expressions (| count() ...) are not supported: use a correlation rule")
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()|", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	if len(toks) == 0 {
		return nil, errors.New("empty condition")
	}
	return toks, nil
}

type condParser struct {
	toks []string
	i    int
	d    searchNames
}

func (p *condParser) peek() string {
	if p.i < len(p.toks) {
		return strings.ToLower(p.toks[p.i])
	}
	return ""
}

func (p *condParser) or(depth int) (*condNode, error) {
	n, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.peek() == "or" {
		p.i++
		m, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		n = join(opOr, n, m)
	}
	return n, nil
}

func (p *condParser) and(depth int) (*condNode, error) {
	n, err := p.not(depth)
	if err != nil {
		return nil, err
	}
	for p.peek() == "and" {
		p.i++
		m, err := p.not(depth)
		if err != nil {
			return nil, err
		}
		n = join(opAnd, n, m)
	}
	return n, nil
}

// join flattens chains of the same operator.
func join(op condOp, a, b *condNode) *condNode {
	if a.op == op {
		a.kids = append(a.kids, b)
		return a
	}
	return &condNode{op: op, kids: []*condNode{a, b}}
}

func (p *condParser) not(depth int) (*condNode, error) {
	if depth > maxCondDepth {
		return nil, errors.New("condition nested too deeply")
	}
	if p.peek() == "not" {
		p.i++
		n, err := p.not(depth + 1)
		if err != nil {
			return nil, err
		}
		return &condNode{op: opNot, kids: []*condNode{n}}, nil
	}
	return p.primary(depth)
}

func (p *condParser) primary(depth int) (*condNode, error) {
	t := p.peek()
	switch t {
	case "":
		return nil, errors.New("unexpected end of condition")
	case "(":
		p.i++
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, errors.New("missing )")
		}
		p.i++
		return n, nil
	case ")", "and", "or", "of", "them":
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	case "1", "all", "any":
		if p.i+1 < len(p.toks) && strings.ToLower(p.toks[p.i+1]) == "of" {
			return p.quantifier(t)
		}
	}
	name := p.toks[p.i]
	p.i++
	if !p.d.has(name) {
		return nil, fmt.Errorf("unknown search identifier %q", name)
	}
	return &condNode{op: opRef, name: name}, nil
}

// quantifier parses "1 of X", "all of X", "1 of them", "all of them".
func (p *condParser) quantifier(q string) (*condNode, error) {
	p.i += 2
	if p.i >= len(p.toks) {
		return nil, fmt.Errorf("%s of: missing identifier", q)
	}
	target := p.toks[p.i]
	p.i++
	var names []string
	if strings.ToLower(target) == "them" {
		for _, n := range p.d.names() {
			if !strings.HasPrefix(n, "_") {
				names = append(names, n)
			}
		}
	} else {
		for _, n := range p.d.names() {
			if n == target || globMatch(parsePattern(target, false), n) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s of %s: no search identifier matches", q, target)
	}
	op := opOr
	if q == "all" {
		op = opAnd
	}
	n := &condNode{op: op}
	for _, name := range names {
		n.kids = append(n.kids, &condNode{op: opRef, name: name})
	}
	if len(n.kids) == 1 {
		return n.kids[0], nil
	}
	return n, nil
}
