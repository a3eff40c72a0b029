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
// (k, any), and for Windows channels (*, e) and (*, any). Each bucket has
// one prefilter over the literals of all its units, so that an event's
// values are each scanned once; buckets with the same units share it.
func (b *Builder) Build() (*Ruleset, []*LoadError) {
	errs := b.compileAll()
	rs := b.rs
	rs.setRequirements()
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
	rs.fieldTable = newFieldTable(rs.fieldIDs)
	pb := newPrefilterBuilder(len(rs.fieldNames))
	wild := byKey["c:*"]
	index := func(own map[int][]*unit, withWild bool) *chanIndex {
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
			us := slices.Concat(own[e], own[anyEID])
			if withWild {
				us = slices.Concat(us, wild[e], wild[anyEID])
			}
			ci.byEID[e] = pb.bucket(us)
		}
		us := slices.Clone(own[anyEID])
		if withWild {
			us = append(us, wild[anyEID]...)
		}
		ci.other = pb.bucket(us)
		return ci
	}
	rs.chans = map[string]*chanIndex{}
	for k, own := range byKey {
		if k == "c:*" {
			continue
		}
		rs.chans[k] = index(own, strings.HasPrefix(k, "c:"))
	}
	rs.anyChan = index(nil, true)
	b.rs = nil
	return rs, errs
}

// sortUnits sorts by load order and removes duplicates in place.
func sortUnits(us []*unit) []*unit {
	sort.Slice(us, func(i, j int) bool { return us[i].idx < us[j].idx })
	return slices.Compact(us)
}

// Matcher matches events against a Ruleset. It holds scratch space reused
// across events and is not safe for concurrent use: use one per goroutine.
type Matcher struct {
	rs  *Ruleset
	s   *state
	key []byte
	// lastChan is the raw Channel of the last Windows event and lastCI
	// its index.
	lastChan []byte
	lastCI   *chanIndex
	mark     []uint32 // by unit idx: gen when mask was last reset
	mask     []uint8  // by unit idx: requirements met on the current event
	gen      uint32
	cands    []*unit
	hits     []int32
	rope     []byte // values scanned with the keyword automaton, NUL-joined
	jobs     []scanJob
	lanes    [4][]int32 // hits of the values scanned together
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
	s.reset(ev, &rs.fieldTable)
	bk := m.bucket(ev)
	if bk == nil || len(bk.units) == 0 {
		return
	}
	cands := bk.units
	if bk.pre != nil && !m.exhaustive {
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
		ch := ev.Fields[i].Value
		if m.lastCI != nil && string(m.lastChan) == ch {
			ci = m.lastCI // events come in runs of one channel
		} else {
			m.key = append(m.key[:0], "c:"...)
			m.key = appendLower(m.key, ch)
			ci = rs.chans[string(m.key)]
			if ci == nil {
				ci = rs.anyChan
			}
			m.lastChan, m.lastCI = append(m.lastChan[:0], ch...), ci
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
