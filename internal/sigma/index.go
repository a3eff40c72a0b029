package sigma

import (
	"slices"
	"sort"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// anyEID is the index slot of units without an EventID restriction.
const anyEID = -1 << 31

// Build compiles the added rules, indexes them and returns the Ruleset
// with the rules that did not compile. The builder must not be used
// afterwards.
//
// Units are grouped by key (channel or format) and EventID; the bucket of
// an event with key k and EventID e joins up to four groups: (k, e),
// (k, any), and for Windows channels (*, e) and (*, any). Each group has
// its own literal automata, so literals are stored once per group.
func (b *Builder) Build() (*Ruleset, []*LoadError) {
	errs := b.compileAll()
	rs := b.rs
	setRequirements(rs.units)
	byKey := map[string]map[int][]*unit{}
	for _, u := range rs.units {
		for _, k := range u.keys {
			m := byKey[k]
			if m == nil {
				m = map[int][]*unit{}
				byKey[k] = m
			}
			if len(u.eids) == 0 {
				m[anyEID] = append(m[anyEID], u)
			}
			for _, e := range u.eids {
				m[e] = append(m[e], u)
			}
		}
	}
	groups := map[string]map[int]*group{}
	automata := map[string]*acAutomaton{} // groups with the same literals share automata
	for k, m := range byKey {
		groups[k] = map[int]*group{}
		for e, us := range m {
			groups[k][e] = newGroup(us, automata)
		}
	}
	wild := groups["c:*"]
	index := func(own map[int]*group, withWild bool) *chanIndex {
		ci := &chanIndex{byEID: map[int]*bucket{}}
		eids := map[int]bool{}
		for e := range own {
			eids[e] = true
		}
		if withWild {
			for e := range wild {
				eids[e] = true
			}
		}
		for e := range eids {
			if e == anyEID {
				continue
			}
			gs := []*group{own[e], own[anyEID]}
			if withWild {
				gs = append(gs, wild[e], wild[anyEID])
			}
			ci.byEID[e] = newBucket(gs)
		}
		gs := []*group{own[anyEID]}
		if withWild {
			gs = append(gs, wild[anyEID])
		}
		ci.other = newBucket(gs)
		return ci
	}
	rs.chans = map[string]*chanIndex{}
	for k, own := range groups {
		if k == "c:*" {
			continue
		}
		rs.chans[k] = index(own, strings.HasPrefix(k, "c:"))
	}
	rs.anyChan = index(nil, true)
	b.rs = nil
	return rs, errs
}

// group is the units of one key and EventID, with their automata.
type group struct {
	units  []*unit
	always []*unit
	pre    *prefilter
}

func newGroup(us []*unit, automata map[string]*acAutomaton) *group {
	g := &group{units: us}
	for _, u := range us {
		if len(u.reqs) == 0 {
			g.always = append(g.always, u)
		}
	}
	g.pre = buildPrefilter(us, automata)
	return g
}

// newBucket joins groups (nil ones are skipped).
func newBucket(gs []*group) *bucket {
	bk := &bucket{}
	for _, g := range gs {
		if g == nil {
			continue
		}
		bk.units = append(bk.units, g.units...)
		bk.always = append(bk.always, g.always...)
		if g.pre != nil {
			bk.pres = append(bk.pres, g.pre)
		}
	}
	bk.units = sortUnits(bk.units)
	bk.always = sortUnits(bk.always)
	return bk
}

// sortUnits sorts by load order and removes duplicates in place.
func sortUnits(us []*unit) []*unit {
	sort.Slice(us, func(i, j int) bool { return us[i].idx < us[j].idx })
	return slices.Compact(us)
}

// Matcher matches events against a Ruleset. It holds scratch space reused
// across events and is not safe for concurrent use: use one per goroutine.
type Matcher struct {
	rs    *Ruleset
	s     *state
	key   []byte
	mark  []uint32 // by unit idx: gen when mask was last reset
	mask  []uint8  // by unit idx: requirements met on the current event
	gen   uint32
	cands []*unit
	hits  []int32
	// exhaustive skips the prefilter (tests compare both ways).
	exhaustive bool
}

// NewMatcher returns a Matcher for rs.
func (rs *Ruleset) NewMatcher() *Matcher {
	return &Matcher{rs: rs, s: newState(len(rs.fieldNames)), mark: make([]uint32, len(rs.units)), mask: make([]uint8, len(rs.units))}
}

// Match calls fn once for every rule that matches ev, in load order. It
// borrows a Matcher from a pool.
func (rs *Ruleset) Match(ev *event.Event, fn func(*Rule)) {
	m, _ := rs.pool.Get().(*Matcher)
	if m == nil {
		m = rs.NewMatcher()
	}
	m.Match(ev, fn)
	rs.pool.Put(m)
}

// Match calls fn once for every rule that matches ev, in load order.
func (m *Matcher) Match(ev *event.Event, fn func(*Rule)) {
	rs := m.rs
	s := m.s
	s.reset(ev, rs.fieldIDs)
	bk := m.bucket(ev)
	if bk == nil || len(bk.units) == 0 {
		return
	}
	cands := bk.units
	if len(bk.pres) > 0 && !m.exhaustive {
		cands = m.candidates(bk)
	}
	var last *Rule
	for _, u := range cands {
		if u.rule == last {
			continue
		}
		if u.root.eval(s) {
			last = u.rule
			fn(u.rule)
		}
	}
}

// bucket finds the units ev can match by channel (or format) and EventID.
func (m *Matcher) bucket(ev *event.Event) *bucket {
	rs, s := m.rs, m.s
	var ci *chanIndex
	if i := s.first[rs.channelID]; i >= 0 {
		m.key = append(m.key[:0], "c:"...)
		m.key = appendLower(m.key, ev.Fields[i].Value)
		ci = rs.chans[string(m.key)]
		if ci == nil {
			ci = rs.anyChan
		}
	} else {
		m.key = append(m.key[:0], "f:"...)
		m.key = append(m.key, ev.Source.Format...)
		ci = rs.chans[string(m.key)]
		if ci == nil {
			return nil
		}
	}
	if i := s.first[rs.eventIDID]; i >= 0 && len(ci.byEID) > 0 {
		if e, ok := atoi(ev.Fields[i].Value); ok {
			if bk := ci.byEID[e]; bk != nil {
				return bk
			}
		}
	}
	return ci.other
}

// atoi parses a small decimal integer without allocating.
func atoi(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
