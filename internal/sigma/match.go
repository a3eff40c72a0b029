package sigma

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// node is a compiled condition or detection item.
type node interface {
	eval(s *state) bool
}

type andNode []node

func (n andNode) eval(s *state) bool {
	for _, k := range n {
		if !k.eval(s) {
			return false
		}
	}
	return true
}

type orNode []node

func (n orNode) eval(s *state) bool {
	for _, k := range n {
		if k.eval(s) {
			return true
		}
	}
	return false
}

type notNode struct{ n node }

func (n notNode) eval(s *state) bool { return !n.n.eval(s) }

// existsNode checks for the presence of a field.
type existsNode struct {
	field fieldID
	want  bool
}

func (n existsNode) eval(s *state) bool { return (s.first[n.field] >= 0) == n.want }

// nullNode matches a field that is absent or empty.
type nullNode struct{ field fieldID }

func (n nullNode) eval(s *state) bool {
	for i := s.first[n.field]; i >= 0; i = s.next[i] {
		if s.ev.Fields[i].Value != "" {
			return false
		}
	}
	return true
}

// cidrNode matches IP values inside any of the prefixes.
type cidrNode struct {
	field    fieldID
	prefixes []netip.Prefix
}

func (n *cidrNode) eval(s *state) bool {
	for i := s.first[n.field]; i >= 0; i = s.next[i] {
		a, err := netip.ParseAddr(strings.TrimSpace(s.ev.Fields[i].Value))
		if err != nil {
			continue
		}
		a = a.Unmap()
		for _, p := range n.prefixes {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
}

// numNode compares numeric values; part, when set, first extracts a date
// part (minute, hour, ...) from a timestamp value.
type numNode struct {
	field fieldID
	cmp   string // "lt", "lte", "gt", "gte", "" for equality
	want  float64
	part  string
}

func (n *numNode) eval(s *state) bool {
	for i := s.first[n.field]; i >= 0; i = s.next[i] {
		v, ok := n.number(s.ev.Fields[i].Value)
		if ok && compare(v, n.cmp, n.want) {
			return true
		}
	}
	return false
}

func (n *numNode) number(v string) (float64, bool) {
	if n.part == "" {
		return parseNumber(v)
	}
	t, ok := parseTime(v)
	if !ok {
		return 0, false
	}
	switch n.part {
	case "minute":
		return float64(t.Minute()), true
	case "hour":
		return float64(t.Hour()), true
	case "day":
		return float64(t.Day()), true
	case "week":
		_, w := t.ISOWeek()
		return float64(w), true
	case "month":
		return float64(t.Month()), true
	}
	return float64(t.Year()), true
}

func compare(v float64, cmp string, want float64) bool {
	switch cmp {
	case "lt":
		return v < want
	case "lte":
		return v <= want
	case "gt":
		return v > want
	case "gte":
		return v >= want
	}
	return v == want
}

func parseNumber(v string) (float64, bool) {
	v = strings.TrimSpace(v)
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) {
		return f, true
	}
	if i, err := strconv.ParseInt(v, 0, 64); err == nil { // 0x1F
		return float64(i), true
	}
	return 0, false
}

// timeLayouts are the timestamp shapes seen in the sources Causeway reads.
var timeLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
}

func parseTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 { // epoch seconds
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	return time.Time{}, false
}

// fieldrefNode compares a field with another field of the same event.
type fieldrefNode struct {
	field, ref  fieldID
	lead, trail bool // contains / startswith / endswith
	cased       bool
}

func (n *fieldrefNode) eval(s *state) bool {
	for j := s.first[n.ref]; j >= 0; j = s.next[j] {
		want := s.lower(j)
		if n.cased {
			want = s.ev.Fields[j].Value
		}
		for i := s.first[n.field]; i >= 0; i = s.next[i] {
			v := s.lower(i)
			if n.cased {
				v = s.ev.Fields[i].Value
			}
			var ok bool
			switch {
			case n.lead && n.trail:
				ok = strings.Contains(v, want)
			case n.lead:
				ok = strings.HasSuffix(v, want)
			case n.trail:
				ok = strings.HasPrefix(v, want)
			default:
				ok = v == want
			}
			if ok {
				return true
			}
		}
	}
	return false
}
