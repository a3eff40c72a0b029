package sigma

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// fieldID is an interned field name of a ruleset.
type fieldID int32

// state is the per-event scratch space of a Matcher: where each field the
// ruleset knows sits in the event, and the lowered values computed so far.
// Everything is reused from one event to the next.
type state struct {
	ev      *event.Event
	first   []int32 // by fieldID: index in ev.Fields of the first value, -1 if absent
	next    []int32 // by ev.Fields index: next index with the same key, -1 at the end
	ids     []fieldID
	touched []fieldID
	low     []string // by ev.Fields index, valid when lowGen matches gen
	lowGen  []uint32
	gen     uint32
	buf     []byte
	touch   byte // keeps the loads of reset
}

func newState(nfields int) *state {
	s := &state{first: make([]int32, nfields)}
	for i := range s.first {
		s.first[i] = -1
	}
	return s
}

// reset points the state at ev, indexing its fields by id.
func (s *state) reset(ev *event.Event, ids *fieldTable) {
	for _, id := range s.touched {
		s.first[id] = -1
	}
	s.touched = s.touched[:0]
	s.ev = ev
	n := len(ev.Fields)
	if cap(s.next) < n {
		s.next = make([]int32, n)
		s.ids = make([]fieldID, n)
		s.low = make([]string, n)
		s.lowGen = make([]uint32, n)
		s.gen = 0
	}
	s.next, s.ids, s.low, s.lowGen = s.next[:n], s.ids[:n], s.low[:n], s.lowGen[:n]
	s.gen++
	if s.gen == 0 { // wrapped: forget every lowered value
		clear(s.lowGen)
		s.gen = 1
	}
	// Load the first bytes of every key and value at once, so that their
	// cache misses overlap rather than come one by one as the fields are
	// looked up and scanned.
	var touch byte
	for i := range ev.Fields {
		f := &ev.Fields[i]
		if f.Key != "" {
			touch ^= f.Key[0]
		}
		for j := 0; j < len(f.Value); j += 64 {
			touch ^= f.Value[j]
		}
	}
	s.touch = touch
	// Walk backwards so that first ends at the first occurrence and next
	// links occurrences in order.
	for i := n - 1; i >= 0; i-- {
		key := ev.Fields[i].Key
		id, ok := ids.lookup(key)
		if !ok && strings.IndexByte(key, ' ') >= 0 {
			// Windows EventData names with spaces ("Threat Name", Defender)
			// are written without them in rules.
			s.buf = s.buf[:0]
			for j := 0; j < len(key); j++ {
				if key[j] != ' ' {
					s.buf = append(s.buf, key[j])
				}
			}
			id, ok = ids.lookup(unsafe.String(unsafe.SliceData(s.buf), len(s.buf)))
		}
		if !ok {
			s.ids[i] = -1
			continue
		}
		s.ids[i] = id
		if s.first[id] < 0 {
			s.touched = append(s.touched, id)
		}
		s.next[i] = s.first[id]
		s.first[id] = int32(i)
	}
	s.buf = s.buf[:0]
}

// lower returns the lowered value of ev.Fields[i], computing it once.
func (s *state) lower(i int32) string {
	if s.lowGen[i] == s.gen {
		return s.low[i]
	}
	v := s.ev.Fields[i].Value
	l := v
	for j := 0; j < len(v); j++ {
		c := v[j]
		if c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			start := len(s.buf)
			s.buf = appendLower(s.buf, v)
			b := s.buf[start:]
			l = unsafe.String(unsafe.SliceData(b), len(b))
			break
		}
	}
	s.low[i], s.lowGen[i] = l, s.gen
	return l
}

// appendLower appends the lower-case form of v: ASCII fast, other
// characters through unicode.ToLower.
func appendLower(b []byte, v string) []byte {
	i := 0
	if len(v) >= 8 {
		// Eight ASCII bytes at a time: add 0x20 to those from A to Z.
		p := unsafe.Slice(unsafe.StringData(v), len(v))
		for ; i+8 <= len(p); i += 8 {
			w := binary.LittleEndian.Uint64(p[i:])
			if w&0x8080808080808080 != 0 {
				break
			}
			ge := w + 0x3f3f3f3f3f3f3f3f // high bit where byte >= 'A'
			gt := w + 0x2525252525252525 // high bit where byte > 'Z'
			w |= (ge &^ gt & 0x8080808080808080) >> 2
			b = binary.LittleEndian.AppendUint64(b, w)
		}
	}
	for i < len(v) {
		c := v[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, c) // keep invalid bytes as they are
		} else {
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
		i += n
	}
	return b
}

// lowerString lowers a pattern literal the same way event values are.
func lowerString(v string) string { return string(appendLower(nil, v)) }
