package sigma

import (
	"slices"
	"unsafe"
)

// candidates returns the units of bk worth evaluating on the current event:
// those without a requirement and those whose requirements are met, in
// load order.
//
// Each value is scanned once: with its field's automaton, or as part of
// the rope, the NUL-joined values scanned with the keyword automaton.
// Long values are scanned in lanes (scanFast); short ASCII values are
// queued and scanned four at a time, each with its own automaton, so that
// their table lookups overlap too.
func (m *Matcher) candidates(bk *bucket) []*unit {
	s, p := m.s, bk.pre
	m.gen++
	if m.gen == 0 {
		clear(m.mark)
		m.gen = 1
	}
	m.cands = append(m.cands[:0], bk.always...)
	m.rope = m.rope[:0]
	m.jobs = m.jobs[:0]
	for i := range s.ev.Fields {
		v := s.ev.Fields[i].Value
		if id := s.ids[i]; id >= 0 && int(id) < len(p.slot) {
			if k := p.slot[id]; k != 0 {
				ff := &p.fields[k-1]
				switch {
				case len(v) < ff.ac.minLen && isASCII(v):
					// Too short to hold a literal (lowering may lengthen
					// other values).
				case len(v) < scanSplit && isASCII(v):
					m.jobs = append(m.jobs, scanJob{ff: ff, v: v})
				default:
					m.scan(ff.ac, int32(i))
					m.markHits(ff, m.hits)
					m.hits = m.hits[:0]
				}
				continue
			}
		}
		if p.any == nil || len(v) < p.any.ac.minLen && isASCII(v) {
			continue // no keyword literal, or too short to hold one
		}
		if !isASCII(v) && !foldsInPlace(v) {
			v = s.lower(int32(i))
		}
		m.rope = append(append(m.rope, v...), 0)
	}
	m.scanJobs()
	if len(m.rope) > 0 {
		m.hits = p.any.ac.scanFast(unsafe.String(unsafe.SliceData(m.rope), len(m.rope)), m.hits)
		m.markHits(p.any, m.hits)
		m.hits = m.hits[:0]
	}
	if len(m.cands) > len(bk.always) {
		slices.SortFunc(m.cands, func(a, b *unit) int { return a.idx - b.idx })
	}
	return m.cands
}

// markHits records the requirements met by the patterns found and adds
// the units whose requirements are all met to the candidates.
func (m *Matcher) markHits(ff *fieldFilter, hits []int32) {
	for _, pi := range hits {
		for _, e := range ff.units[pi] {
			ui, bit := e>>1, uint8(1)<<(e&1)
			if m.mark[ui] != m.gen {
				m.mark[ui], m.mask[ui] = m.gen, 0
			}
			if m.mask[ui]&bit != 0 {
				continue
			}
			m.mask[ui] |= bit
			if m.mask[ui] == m.rs.full[ui] {
				m.cands = append(m.cands, m.rs.units[ui])
			}
		}
	}
}

// scan runs a prefilter automaton over value i of the event into m.hits:
// the raw value when it is ASCII (the automaton folds case) or folds as
// scanFold requires, else the lowered one.
func (m *Matcher) scan(ac *acAutomaton, i int32) {
	v := m.s.ev.Fields[i].Value
	if isASCII(v) {
		m.hits = ac.scanFast(v, m.hits)
		return
	}
	var ok bool
	if m.hits, ok = ac.scanFold(v, m.hits); !ok {
		m.hits = ac.scan(m.s.lower(i), m.hits)
	}
}

// scanJob is a short ASCII value to scan with its field's automaton.
type scanJob struct {
	ff *fieldFilter
	v  string
}

// scanJobs scans the queued values four at a time, each lane taking the
// next value as soon as its own is done; the last values are finished one
// by one.
func (m *Matcher) scanJobs() {
	jobs := m.jobs
	if len(jobs) < 3 {
		for _, jb := range jobs {
			m.hits = jb.ff.ac.scanFrom(0, jb.v, m.hits)
			m.markHits(jb.ff, m.hits)
			m.hits = m.hits[:0]
		}
		return
	}
	var ls [4]lane
	var own [4]*fieldFilter // nil for a lane that repeats another
	next := 0
	load := func(k int) {
		jb := jobs[next]
		ac := jb.ff.ac
		ls[k] = lane{delta: ac.delta, class: &ac.class, out: ac.outStart, s: jb.v}
		own[k] = jb.ff
		next++
	}
	for k := range ls {
		if next < len(jobs) {
			load(k)
		} else {
			ls[k], own[k] = ls[k-1], nil // three values: scan the last twice
		}
	}
	for {
		n := min(len(ls[0].s), len(ls[1].s), len(ls[2].s), len(ls[3].s))
		for j := 0; j < n; {
			j = runJobs(&ls, j, n)
			for k := range ls {
				if x := ls[k].st; x >= ls[k].out && own[k] != nil {
					m.lanes[k] = own[k].ac.emit(x, m.lanes[k])
				}
			}
		}
		active := -1
		for k := range ls {
			if ls[k].s = ls[k].s[n:]; len(ls[k].s) > 0 {
				if own[k] != nil {
					active = k
				}
				continue
			}
			if own[k] != nil {
				m.markHits(own[k], m.lanes[k])
				m.lanes[k], own[k] = m.lanes[k][:0], nil
			}
			if next < len(jobs) {
				load(k)
				active = k
			}
		}
		if next == len(jobs) && !m.fillLanes(&ls, &own, active) {
			break
		}
	}
	for k := range ls {
		if own[k] != nil {
			hits := own[k].ac.scanFrom(ls[k].st, ls[k].s, m.lanes[k])
			m.markHits(own[k], hits)
			m.lanes[k] = hits[:0]
		}
	}
}

// fillLanes gives the lanes left without a value a copy of lane k, so
// that the lanes still scanning keep going side by side. It reports false
// when fewer than two lanes still scan.
func (m *Matcher) fillLanes(ls *[4]lane, own *[4]*fieldFilter, k int) bool {
	busy := 0
	for i := range ls {
		if own[i] != nil {
			busy++
		}
	}
	if busy < 2 {
		return false
	}
	for i := range ls {
		if own[i] == nil && len(ls[i].s) == 0 {
			ls[i] = ls[k]
		}
	}
	return true
}

// lane is one value being scanned by runJobs.
type lane struct {
	delta []uint32
	class *[256]uint8
	out   uint32
	s     string
	st    uint32
}

// runJobs advances the four lanes from position j, below n and the
// length of every lane's value, up to the first position where one of them
// has outputs, and returns the position after it. It calls nothing, so
// that the compiler keeps the states in registers.
//
//go:noinline
func runJobs(ls *[4]lane, j, n int) int {
	d0, d1, d2, d3 := ls[0].delta, ls[1].delta, ls[2].delta, ls[3].delta
	c0, c1, c2, c3 := ls[0].class, ls[1].class, ls[2].class, ls[3].class
	o0, o1, o2, o3 := ls[0].out, ls[1].out, ls[2].out, ls[3].out
	p0, p1, p2, p3 := ls[0].s[:n], ls[1].s[:n], ls[2].s[:n], ls[3].s[:n]
	s0, s1, s2, s3 := ls[0].st, ls[1].st, ls[2].st, ls[3].st
	for ; j < len(p0); j++ {
		s0 = d0[s0+uint32(c0[p0[j]])]
		s1 = d1[s1+uint32(c1[p1[j]])]
		s2 = d2[s2+uint32(c2[p2[j]])]
		s3 = d3[s3+uint32(c3[p3[j]])]
		if s0 >= o0 || s1 >= o1 || s2 >= o2 || s3 >= o3 {
			j++
			break
		}
	}
	ls[0].st, ls[1].st, ls[2].st, ls[3].st = s0, s1, s2, s3
	return j
}
