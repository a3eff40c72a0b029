package inventory

import (
	"cmp"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads an inventory file.
func Load(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading inventory: %w", err)
	}
	return Parse(path, data)
}

// Parse reads an inventory from YAML; name is the file name errors give,
// with the line of the offending entry:
//
//	defaults:            # for entities no entry matches
//	  criticality: 2
//	  owner: soc@example.com
//	assets:              # each entry selects by exactly one of id, glob, tag, cidr
//	  - id: host:dc01
//	    criticality: 5
//	    protected: true
//	    tier: tier0
//	  - glob: "host:db*"
//	    crown_jewel: true
//	    management: 10.0.0.5:22
//	  - tag: pci
//	    criticality: 4
//	  - cidr: 10.0.0.0/8
//	    criticality: 3
//	tags:                # give tags to entities, for tag entries
//	  - glob: "host:pos*"
//	    tags: [pci]
func Parse(name string, data []byte) (*Inventory, error) {
	inv := &Inventory{exact: map[string]*entry{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing inventory %s: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return inv, nil // an empty file: defaults only
	}
	p := parser{name: name}
	var defaults, assets, tags *yaml.Node
	if err := p.mapping(deref(doc.Content[0]), "inventory", func(key string, v *yaml.Node) error {
		switch key {
		case "defaults":
			defaults = v
		case "assets":
			assets = v
		case "tags":
			tags = v
		default:
			return p.errf(v, "unknown key %q (want defaults, assets, tags)", key)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	base := builtin
	if defaults != nil {
		a, err := p.asset(defaults, base, nil)
		if err != nil {
			return nil, err
		}
		a.Rule = fmt.Sprintf("%s:%d (defaults)", name, defaults.Line)
		inv.def, inv.hasDef, base = a, true, a
	}
	if assets != nil {
		if err := p.sequence(assets, "assets", func(n *yaml.Node) error { return p.entry(inv, n, base) }); err != nil {
			return nil, err
		}
	}
	if tags != nil {
		if err := p.sequence(tags, "tags", func(n *yaml.Node) error { return p.tagRule(inv, n) }); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(inv.cidrs, func(a, b *entry) int {
		return cmp.Compare(b.prefix.Bits(), a.prefix.Bits())
	})
	return inv, nil
}

// parser turns YAML nodes into entries, naming file and line in errors.
type parser struct{ name string }

func (p parser) errf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("parsing inventory %s:%d: %s", p.name, n.Line, fmt.Sprintf(format, args...))
}

// deref follows an alias once; the schema is shallow, so aliases never
// expand beyond the input's size.
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// mapping calls f for each key of a mapping node, rejecting repeated keys.
func (p parser) mapping(n *yaml.Node, what string, f func(key string, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errf(n, "%s must be a mapping", what)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return p.errf(k, "%s: keys must be plain strings", what)
		}
		if seen[k.Value] {
			return p.errf(k, "%s: key %q repeated", what, k.Value)
		}
		seen[k.Value] = true
		if err := f(k.Value, v); err != nil {
			return err
		}
	}
	return nil
}

// sequence calls f for each element of a sequence node.
func (p parser) sequence(n *yaml.Node, what string, f func(*yaml.Node) error) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return p.errf(n, "%s must be a list", what)
	}
	for _, c := range n.Content {
		if err := f(deref(c)); err != nil {
			return err
		}
	}
	return nil
}

// entry reads one asset entry with its selector.
func (p parser) entry(inv *Inventory, n *yaml.Node, base Asset) error {
	en := &entry{line: n.Line}
	var sel []string
	a, err := p.asset(n, base, func(key string, v *yaml.Node) (bool, error) {
		switch key {
		case "id", "glob", "tag", "cidr":
		default:
			return false, nil
		}
		s, err := p.text(v, key)
		if err != nil {
			return true, err
		}
		if s == "" {
			return true, p.errf(v, "%s is empty", key)
		}
		sel = append(sel, key)
		switch key {
		case "id":
			en.id = s
		case "glob":
			en.glob = s
		case "tag":
			en.tag = s
		case "cidr":
			pf, err := netip.ParsePrefix(s)
			if err != nil {
				return true, p.errf(v, "cidr %q: %v", s, err)
			}
			en.prefix = netip.PrefixFrom(pf.Addr().Unmap(), pf.Bits()-unmapBits(pf)).Masked()
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if len(sel) != 1 {
		return p.errf(n, "asset entry needs exactly one of id, glob, tag, cidr (has %d)", len(sel))
	}
	sel0 := sel[0]
	a.Rule = fmt.Sprintf("%s:%d (%s %s)", p.name, n.Line, sel0, cmp.Or(en.id, en.glob, en.tag, en.prefix.String()))
	en.asset = a
	switch sel0 {
	case "id":
		if prev, dup := inv.exact[en.id]; dup {
			return p.errf(n, "id %q already listed at line %d", en.id, prev.line)
		}
		inv.exact[en.id] = en
	case "glob":
		inv.globs = append(inv.globs, en)
	case "tag":
		inv.tagged = append(inv.tagged, en)
	case "cidr":
		inv.cidrs = append(inv.cidrs, en)
	}
	return nil
}

// unmapBits is what an IPv4-mapped IPv6 prefix loses when unmapped.
func unmapBits(pf netip.Prefix) int {
	if pf.Addr().Is4In6() {
		return min(96, pf.Bits())
	}
	return 0
}

// tagRule reads one entry of the tags section.
func (p parser) tagRule(inv *Inventory, n *yaml.Node) error {
	var r tagRule
	err := p.mapping(n, "tags entry", func(key string, v *yaml.Node) error {
		var err error
		switch key {
		case "id":
			r.id, err = p.text(v, key)
		case "glob":
			r.glob, err = p.text(v, key)
		case "tags":
			r.tags, err = p.list(v, key)
		default:
			err = p.errf(v, "tags entry: unknown key %q (want id or glob, and tags)", key)
		}
		return err
	})
	if err != nil {
		return err
	}
	if (r.id == "") == (r.glob == "") {
		return p.errf(n, "tags entry needs exactly one of id, glob")
	}
	inv.tags = append(inv.tags, r)
	return nil
}

// asset reads the attributes of an asset over base (the defaults: what an
// entry does not set it inherits); extra handles the keys that are not
// attributes (an entry's selector) and reports whether it knew one.
func (p parser) asset(n *yaml.Node, base Asset, extra func(string, *yaml.Node) (bool, error)) (Asset, error) {
	a := clone(base)
	err := p.mapping(n, "asset", func(key string, v *yaml.Node) error {
		var err error
		switch key {
		case "criticality":
			err = v.Decode(&a.Criticality)
			if err != nil || v.Kind != yaml.ScalarNode {
				return p.errf(v, "criticality must be a whole number")
			}
			if a.Criticality < MinCriticality || a.Criticality > MaxCriticality {
				return p.errf(v, "criticality %d is out of range %d..%d", a.Criticality, MinCriticality, MaxCriticality)
			}
		case "owner":
			a.Owner, err = p.text(v, key)
		case "tier":
			a.Tier, err = p.text(v, key)
		case "protected":
			a.Protected, err = p.flag(v, key)
		case "crown_jewel":
			a.CrownJewel, err = p.flag(v, key)
		case "tags":
			a.Tags, err = p.list(v, key)
		case "management":
			var s string
			if s, err = p.text(v, key); err == nil {
				ap, perr := netip.ParseAddrPort(s)
				if perr != nil || ap.Port() == 0 {
					return p.errf(v, "management %q must be address:port", s)
				}
				a.Management = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
			}
		default:
			known := false
			if extra != nil {
				known, err = extra(key, v)
			}
			if err == nil && !known {
				err = p.errf(v, "unknown key %q", key)
			}
		}
		return err
	})
	return a, err
}

// text reads a scalar as a trimmed string.
func (p parser) text(v *yaml.Node, key string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", p.errf(v, "%s must be a string", key)
	}
	return strings.TrimSpace(v.Value), nil
}

// flag reads a boolean.
func (p parser) flag(v *yaml.Node, key string) (bool, error) {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Decode(&b) != nil {
		return false, p.errf(v, "%s must be true or false", key)
	}
	return b, nil
}

// list reads a list of non-empty strings.
func (p parser) list(v *yaml.Node, key string) ([]string, error) {
	var out []string
	err := p.sequence(v, key, func(n *yaml.Node) error {
		s, err := p.text(n, key)
		if err == nil && s == "" {
			err = p.errf(n, "%s: empty value", key)
		}
		if err == nil && !slices.Contains(out, s) {
			out = append(out, s)
		}
		return err
	})
	return out, err
}
