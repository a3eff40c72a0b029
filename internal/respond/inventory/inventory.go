// Package inventory is the asset inventory the response planner prices
// its actions with: for any entity of an incident it answers how critical
// the asset is, who owns it, whether it is protected from automatic
// action, whether it is a crown jewel, and which management channel an
// isolation must keep open. The inventory is read from YAML (see Parse);
// entities it does not name get its defaults.
//
// An Inventory is immutable once built and safe for concurrent use.
package inventory

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Criticality bounds: 1 is a lab machine, 5 a system the business stops
// without.
const (
	MinCriticality     = 1
	MaxCriticality     = 5
	DefaultCriticality = 3
)

// Asset is what the inventory knows about one entity.
type Asset struct {
	Criticality int
	Owner       string
	// Protected assets are never the target of a disruptive action the
	// planner proposes; it notifies their owner instead.
	Protected bool
	Tier      string
	Tags      []string
	// CrownJewel marks what the attacker must not reach.
	CrownJewel bool
	// Management is the address and port an isolation of this host must
	// keep open (the agent's or the administrators' channel); zero if
	// none.
	Management netip.AddrPort
	// Known says an entry of the inventory matched; otherwise the asset
	// is the defaults.
	Known bool
	// Rule names the entry that matched, for explanations:
	// "inventory.yaml:12 (glob host:db*)", or "defaults".
	Rule string
}

// entry is one asset entry of the file with its selector.
type entry struct {
	asset  Asset
	id     string       // exact entity id
	glob   string       // glob on the entity id
	tag    string       // entities carrying this tag
	prefix netip.Prefix // addresses in this range
	line   int
}

// tagRule gives tags to the entities whose id matches.
type tagRule struct {
	id, glob string
	tags     []string
}

// Inventory answers Lookup. The zero value and nil answer the built-in
// defaults.
type Inventory struct {
	exact  map[string]*entry
	globs  []*entry // in file order
	tagged []*entry // in file order
	cidrs  []*entry // longest prefix first, then file order
	tags   []tagRule
	def    Asset
	hasDef bool
}

// builtin is the default asset of an inventory that sets none.
var builtin = Asset{Criticality: DefaultCriticality, Rule: "defaults"}

// Lookup returns the asset an entity is. The most specific entry wins: an
// exact id, then the first glob that matches the id, then the first entry
// for a tag the entity carries, then the narrowest range holding its
// address, then the defaults.
func (inv *Inventory) Lookup(e event.Entity) Asset {
	return inv.LookupID(e.ID)
}

// LookupID is Lookup by entity id.
func (inv *Inventory) LookupID(id string) Asset {
	if inv == nil {
		return clone(builtin)
	}
	if en, ok := inv.exact[id]; ok {
		return inv.result(en, nil)
	}
	for _, en := range inv.globs {
		if Match(en.glob, id) {
			return inv.result(en, nil)
		}
	}
	tags := inv.tagsOf(id)
	if len(tags) > 0 {
		for _, en := range inv.tagged {
			if slices.Contains(tags, en.tag) {
				return inv.result(en, tags)
			}
		}
	}
	if addr, ok := Addr(id); ok {
		for _, en := range inv.cidrs {
			if en.prefix.Contains(addr) {
				return inv.result(en, tags)
			}
		}
	}
	a := inv.defaults()
	a.Tags = union(a.Tags, tags)
	return a
}

// defaults returns the inventory's default asset.
func (inv *Inventory) defaults() Asset {
	if !inv.hasDef {
		return clone(builtin)
	}
	return clone(inv.def)
}

func (inv *Inventory) result(en *entry, tags []string) Asset {
	a := clone(en.asset)
	a.Known = true
	a.Tags = union(a.Tags, tags)
	return a
}

// tagsOf returns the tags the inventory's tag rules give an id.
func (inv *Inventory) tagsOf(id string) []string {
	var out []string
	for _, r := range inv.tags {
		if r.id == id || r.glob != "" && Match(r.glob, id) {
			out = union(out, r.tags)
		}
	}
	return out
}

func clone(a Asset) Asset {
	a.Tags = slices.Clone(a.Tags)
	return a
}

// union appends to a the elements of b it lacks.
func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

// Addr returns the address an entity id names: ip:1.2.3.4,
// ip:1.2.3.4:443, ip:[2001:db8::1]:443, or a host named by its address
// (host:10.0.5.13).
func Addr(id string) (netip.Addr, bool) {
	var s string
	switch {
	case strings.HasPrefix(id, "ip:"):
		s = id[len("ip:"):]
	case strings.HasPrefix(id, "host:"):
		s = id[len("host:"):]
	default:
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// Match reports whether id matches a glob: '*' stands for any run of
// characters (slashes and colons included), '?' for one character, every
// other character for itself. It runs in time proportional to the product
// of the lengths at worst, never exponentially.
func Match(glob, id string) bool {
	g, s := []rune(glob), []rune(id)
	gi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case gi < len(g) && (g[gi] == '?' || g[gi] == s[si]):
			gi++
			si++
		case gi < len(g) && g[gi] == '*':
			star, mark = gi, si
			gi++
		case star >= 0:
			gi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for gi < len(g) && g[gi] == '*' {
		gi++
	}
	return gi == len(g)
}
