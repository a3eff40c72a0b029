package sigma

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// compiler turns a parsed detection into nodes for one target.
type compiler struct {
	intern       func(name string) fieldID
	renames      map[string]string
	placeholders map[string][]string
	unresolved   map[string]bool
	automata     map[string]*acAutomaton // shared by the targets of all rules
}

func (c *compiler) field(name string) fieldID {
	if r, ok := c.renames[name]; ok {
		name = r
	}
	return c.intern(name)
}

// compileDetection compiles every condition of d (joined with OR).
func (c *compiler) compileDetection(d *detection) (node, error) {
	searches := make(map[string]node, len(d.searches))
	var conds orNode
	for _, cn := range d.conditions {
		n, err := c.compileCond(cn, d, searches)
		if err != nil {
			return nil, err
		}
		conds = append(conds, n)
	}
	if len(conds) == 1 {
		return conds[0], nil
	}
	return conds, nil
}

func (c *compiler) compileCond(cn *condNode, d *detection, searches map[string]node) (node, error) {
	switch cn.op {
	case opRef:
		if n, ok := searches[cn.name]; ok {
			return n, nil
		}
		n, err := c.compileSearch(d.searches[cn.name])
		if err != nil {
			return nil, err
		}
		searches[cn.name] = n
		return n, nil
	case opNot:
		k, err := c.compileCond(cn.kids[0], d, searches)
		if err != nil {
			return nil, err
		}
		return notNode{k}, nil
	}
	kids := make([]node, 0, len(cn.kids))
	for _, k := range cn.kids {
		n, err := c.compileCond(k, d, searches)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if cn.op == opAnd {
		return andNode(kids), nil
	}
	return orNode(kids), nil
}

func (c *compiler) compileSearch(s *search) (node, error) {
	var alts orNode
	for _, m := range s.maps {
		var all andNode
		for _, it := range m {
			n, err := c.compileItem(it)
			if err != nil {
				return nil, errAt(it.line, "search %q: %v", s.name, err)
			}
			all = append(all, n)
		}
		if len(all) == 1 {
			alts = append(alts, all[0])
		} else {
			alts = append(alts, all)
		}
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return alts, nil
}

// compileItem compiles one field item: its values joined with OR (AND with
// the all modifier), negated with neq.
func (c *compiler) compileItem(it *item) (node, error) {
	n, err := c.compileValues(it)
	if err != nil {
		return nil, err
	}
	if it.mods.neq {
		return notNode{n}, nil
	}
	return n, nil
}

func (c *compiler) compileValues(it *item) (node, error) {
	m := it.mods
	field := fieldID(-1)
	if it.field != "" {
		field = c.field(it.field)
	}
	switch {
	case it.null:
		return nullNode{field}, nil
	case m.exists:
		return existsNode{field: field, want: it.values[0].b}, nil
	case m.fieldref:
		var ns orNode
		for _, v := range it.values {
			ns = append(ns, &fieldrefNode{field: field, ref: c.field(v.raw), lead: m.lead, trail: m.trail, cased: m.cased})
		}
		return c.combine(ns, m.all), nil
	case m.cidr:
		cn := &cidrNode{field: field}
		var ns orNode
		for _, v := range it.values {
			p, err := netip.ParsePrefix(strings.TrimSpace(v.raw))
			if err != nil {
				return nil, fmt.Errorf("cidr %q: %w", v.raw, err)
			}
			if m.all {
				ns = append(ns, &cidrNode{field: field, prefixes: []netip.Prefix{p.Masked()}})
			}
			cn.prefixes = append(cn.prefixes, p.Masked())
		}
		if m.all {
			return ns, nil
		}
		return cn, nil
	case m.cmp != "" || m.timePart != "":
		var ns orNode
		for _, v := range it.values {
			ns = append(ns, &numNode{field: field, cmp: m.cmp, want: v.num, part: m.timePart})
		}
		return c.combine(ns, m.all), nil
	case m.re:
		var ns orNode
		for _, v := range it.values {
			re, err := compileRegexp(v.raw, m)
			if err != nil {
				return nil, err
			}
			ns = append(ns, newReNode(field, re))
		}
		return c.combine(ns, m.all), nil
	}
	// String values: each value gives one or more alternatives.
	var groups []*strNode
	for _, v := range it.values {
		if v.null {
			groups = append(groups, nil)
			continue
		}
		p := parsePattern(v.raw, m.expand)
		alts, err := m.transform(p)
		if err != nil {
			return nil, fmt.Errorf("value %q: %w", v.raw, err)
		}
		if it.field == "" {
			for i := range alts {
				alts[i] = alts[i].withStar(true, true) // keywords search anywhere in a value
			}
		}
		if m.expand {
			alts = c.expand(alts)
		}
		g := &strNode{field: field}
		for _, a := range alts {
			g.add(newStrMatcher(a, m.cased))
		}
		groups = append(groups, g)
	}
	wrap := func(g *strNode) node {
		if g == nil {
			return nullNode{field}
		}
		g.finish(c.automata)
		if it.field == "" {
			return &keywordNode{ms: *g}
		}
		return g
	}
	if !m.all || len(groups) == 1 {
		if len(groups) == 1 && groups[0] == nil {
			return nullNode{field}, nil
		}
		if !hasNil(groups) {
			merged := &strNode{field: field}
			for _, g := range groups {
				for _, sm := range g.ms {
					merged.add(sm)
				}
				for k := range g.exact {
					merged.add(strMatcher{kind: strExact, lit: k})
				}
			}
			return wrap(merged), nil
		}
		var ns orNode
		for _, g := range groups {
			ns = append(ns, wrap(g))
		}
		return ns, nil
	}
	var ns andNode
	for _, g := range groups {
		ns = append(ns, wrap(g))
	}
	return ns, nil
}

func hasNil(gs []*strNode) bool {
	for _, g := range gs {
		if g == nil {
			return true
		}
	}
	return false
}

// exactSetMin is the number of exact values from which a set is used.
const exactSetMin = 8

// add appends a matcher, moving exact case-insensitive values into a set
// once there are many.
func (n *strNode) add(m strMatcher) {
	if m.kind == strExact && !m.cased {
		if n.exact != nil {
			n.exact[m.lit] = struct{}{}
			return
		}
		exact := 0
		for _, x := range n.ms {
			if x.kind == strExact && !x.cased {
				exact++
			}
		}
		if exact+1 >= exactSetMin {
			n.exact = map[string]struct{}{m.lit: {}}
			kept := n.ms[:0]
			for _, x := range n.ms {
				if x.kind == strExact && !x.cased {
					n.exact[x.lit] = struct{}{}
				} else {
					kept = append(kept, x)
				}
			}
			n.ms = kept
			return
		}
	}
	n.ms = append(n.ms, m)
}

func (c *compiler) combine(ns orNode, all bool) node {
	if len(ns) == 1 {
		return ns[0]
	}
	if all {
		return andNode(ns)
	}
	return ns
}

// expand replaces placeholders by their configured values (one alternative
// per value); placeholders without values drop the alternative, so it
// matches nothing, and are recorded.
func (c *compiler) expand(alts []pattern) []pattern {
	var out []pattern
	for _, p := range alts {
		out = append(out, c.expandOne(p)...)
	}
	return out
}

func (c *compiler) expandOne(p pattern) []pattern {
	for i, x := range p {
		if x.kind != partPlace {
			continue
		}
		vals, ok := c.placeholders[x.lit]
		if !ok || len(vals) == 0 {
			c.unresolved[x.lit] = true
			return nil
		}
		var out []pattern
		for _, v := range vals {
			q := make(pattern, 0, len(p)+2)
			q = append(q, p[:i]...)
			q = append(q, parsePattern(v, false)...)
			q = append(q, p[i+1:]...)
			out = append(out, c.expandOne(mergeLiterals(q))...)
		}
		return out
	}
	return []pattern{p}
}

// compileRegexp compiles a Sigma regular expression with its flags;
// contains/startswith/endswith leave it unanchored as it already is.
func compileRegexp(expr string, m modifiers) (*regexp.Regexp, error) {
	flags := m.reFlags
	if m.cased {
		flags = strings.ReplaceAll(flags, "i", "")
	}
	if flags != "" {
		expr = "(?" + flags + ")" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("regular expression %q: %w", expr, err)
	}
	return re, nil
}
