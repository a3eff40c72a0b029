// Package clock learns how far a network sensor's clock is from the hosts'
// clocks, from the flows both saw, and shifts the sensor's events onto the
// hosts' time.
//
// A host logs each connection of its processes (Sysmon 3, the filtering
// platform's 5156) and a sensor such as Zeek logs the same connection as a
// flow. Both name it by its 5-tuple: protocol, source address and port,
// destination address and port. When the two clocks disagree by hours, the
// difference between the two records of every such flow is the same: its
// median is the offset. It is accepted only when enough pairs agree with
// it, so a sensor that saw other traffic, or a few reused ports, teach
// nothing.
//
// Run it after reading and before detection and the causal graph, which
// join sources by time:
//
//	offsets := clock.Learn(events, clock.Config{})
//	n := clock.Apply(events, offsets)
package clock

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Config tunes learning. The zero value is usable.
type Config struct {
	// Tolerance is how far a pair's difference may be from the offset and
	// still agree with it. A host logs a connection some time after the
	// sensor saw its first packet (Sysmon batches its network events: in
	// the OTRF LSASS captures the delays spread over tens of seconds). An
	// offset within Tolerance of zero is not applied: the causal graph's
	// skew already covers it. Default 30 seconds.
	Tolerance time.Duration
	// MinPairs is the fewest agreeing pairs that make an offset. Default 5.
	MinPairs int
	// MinShare is the least share of the pairs that must agree. Default 0.5.
	MinShare float64
}

func (c Config) withDefaults() Config {
	if c.Tolerance <= 0 {
		c.Tolerance = 30 * time.Second
	}
	if c.MinPairs <= 0 {
		c.MinPairs = 5
	}
	if c.MinShare <= 0 {
		c.MinShare = 0.5
	}
	return c
}

// Offset is what was learned about one sensor source.
type Offset struct {
	// Source is the sensor: its format and the archive or folder its
	// files are in ("zeek /data/zeek_logs.zip"). See SourceOf.
	Source string
	// Shift is the median difference, host time minus sensor time: add it
	// to the sensor's times to get the hosts' clock.
	Shift time.Duration
	// Pairs counts the flows both sides saw (one record each, matched on
	// the 5-tuple); Agree those within Tolerance of Shift.
	Pairs, Agree int
	// Accepted says whether Apply shifts the source; Reason says why not.
	Accepted bool
	Reason   string
}

// String reports the offset in words.
func (o Offset) String() string {
	s := fmt.Sprintf("%s: %s from %d of %d flows both sides saw", o.Source, o.Shift, o.Agree, o.Pairs)
	if !o.Accepted {
		s += " (not applied: " + o.Reason + ")"
	}
	return s
}

// SourceOf names the source an event's clock belongs to: its format and
// the archive ("a.zip" of "a.zip!conn.log") or folder its file is in, so
// that every log one sensor wrote (conn, dns, http, ...) shares it.
func SourceOf(ev *event.Event) string {
	p := ev.Source.Path
	if i := strings.IndexByte(p, '!'); i >= 0 {
		p = p[:i]
	} else if p != "-" && p != "" {
		p = filepath.Dir(p)
	}
	return ev.Source.Format + " " + p
}

// Learner collects the flows of hosts and sensors, one event at a time.
// It is not safe for concurrent use.
type Learner struct {
	cfg    Config
	host   map[flowKey][]int64            // unix nanoseconds of host records
	sensor map[string]map[flowKey][]int64 // by source
}

// flowKey is a 5-tuple, its two endpoints in a fixed order so that either
// side may call either end the source.
type flowKey struct {
	proto string
	a, b  string // endpoint ids with ports, a < b
}

// NewLearner returns an empty Learner.
func NewLearner(cfg Config) *Learner {
	return &Learner{cfg: cfg.withDefaults(), host: map[flowKey][]int64{}, sensor: map[string]map[flowKey][]int64{}}
}

// Learn returns what the events teach about each sensor's clock, sorted by
// source.
func Learn(events []*event.Event, cfg Config) []Offset {
	l := NewLearner(cfg)
	for _, ev := range events {
		l.Observe(ev)
	}
	return l.Offsets()
}

// Observe records ev if it is a flow: a connection a host logged (a host
// ref, action connect or accept) or a flow a sensor logged (no host ref,
// action flow), with addresses and ports at both ends.
func (l *Learner) Observe(ev *event.Event) {
	if ev.Class != event.ClassNetwork {
		return
	}
	var src, dst event.Entity
	host := false
	for _, r := range ev.Refs {
		switch r.Role {
		case event.RoleSrc:
			src = r.Entity
		case event.RoleDst:
			dst = r.Entity
		case event.RoleHost:
			host = true
		}
	}
	k, ok := keyOf(src, dst, protocol(ev))
	if !ok {
		return
	}
	t := ev.Time.UnixNano()
	switch {
	case host && (ev.Action == "connect" || ev.Action == "accept"):
		l.host[k] = append(l.host[k], t)
	case !host && ev.Action == "flow":
		s := SourceOf(ev)
		m := l.sensor[s]
		if m == nil {
			m = map[flowKey][]int64{}
			l.sensor[s] = m
		}
		m[k] = append(m[k], t)
	}
}

// keyOf is the 5-tuple of a flow; both ends need an address and a port.
func keyOf(src, dst event.Entity, proto string) (flowKey, bool) {
	if !hasPort(src) || !hasPort(dst) {
		return flowKey{}, false
	}
	a, b := src.ID, dst.ID
	if b < a {
		a, b = b, a
	}
	return flowKey{proto: proto, a: a, b: b}, true
}

// hasPort reports an endpoint "ip:<addr>:<port>".
func hasPort(e event.Entity) bool {
	if e.Kind != event.KindEndpoint || !strings.HasPrefix(e.ID, "ip:") {
		return false
	}
	ap, err := netip.ParseAddrPort(e.Name)
	return err == nil && ap.Port() > 0
}

// protocol reads a flow's transport: Zeek's proto, Sysmon's Protocol, or
// the filtering platform's protocol number.
func protocol(ev *event.Event) string {
	p, ok := ev.Get("proto")
	if !ok {
		p = ev.Value("Protocol")
	}
	switch p = strings.ToLower(p); p {
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	}
	return p
}

// sameFlow is how close two records of one 5-tuple on one side are when
// they are one flow logged twice (Sysmon 3 and the filtering platform's
// 5156 of one connection are milliseconds apart).
const sameFlow = int64(2 * time.Second)

// Offsets returns what the flows observed so far teach about each sensor,
// sorted by source.
func (l *Learner) Offsets() []Offset {
	host := make(map[flowKey][]int64, len(l.host))
	for k, ts := range l.host {
		host[k] = flows(ts)
	}
	var out []Offset
	for src, m := range l.sensor {
		var diffs []int64
		for k, ts := range m {
			h, ok := host[k]
			if !ok {
				continue
			}
			s := flows(ts)
			if len(s) != len(h) {
				continue // reused ports: which record is which is unknown
			}
			for i := range s {
				diffs = append(diffs, h[i]-s[i])
			}
		}
		out = append(out, l.judge(src, diffs))
	}
	slices.SortFunc(out, func(a, b Offset) int { return strings.Compare(a.Source, b.Source) })
	return out
}

// flows sorts a 5-tuple's record times and merges records closer than
// sameFlow: one flow logged twice.
func flows(ts []int64) []int64 {
	ts = slices.Clone(ts)
	slices.Sort(ts)
	out := ts[:0]
	for _, t := range ts {
		if len(out) > 0 && t-out[len(out)-1] < sameFlow {
			continue
		}
		out = append(out, t)
	}
	return out
}

// judge makes the offset of one source from its pairs' differences.
func (l *Learner) judge(src string, diffs []int64) Offset {
	o := Offset{Source: src, Pairs: len(diffs)}
	if len(diffs) == 0 {
		o.Reason = "no flow seen by both sides"
		return o
	}
	slices.Sort(diffs)
	med := diffs[len(diffs)/2]
	if len(diffs)%2 == 0 {
		med = diffs[len(diffs)/2-1] + (diffs[len(diffs)/2]-diffs[len(diffs)/2-1])/2
	}
	o.Shift = time.Duration(med)
	tol := int64(l.cfg.Tolerance)
	for _, d := range diffs {
		if d-med <= tol && med-d <= tol {
			o.Agree++
		}
	}
	switch {
	case o.Agree < l.cfg.MinPairs:
		o.Reason = fmt.Sprintf("%d agreeing pairs, fewer than %d", o.Agree, l.cfg.MinPairs)
	case float64(o.Agree) < l.cfg.MinShare*float64(o.Pairs):
		o.Reason = fmt.Sprintf("only %d of %d pairs agree", o.Agree, o.Pairs)
	case med <= tol && -med <= tol:
		o.Reason = "the clocks already agree"
	default:
		o.Accepted = true
	}
	return o
}

// Apply shifts the events of every source with an accepted offset onto
// the hosts' clock. Events are values that other stages may already hold,
// so each shifted event is replaced in the slice by a copy with the new
// Time and a note saying how it was shifted; the original fields (Zeek's
// ts) keep the sensor's own time. It returns how many events were shifted.
func Apply(events []*event.Event, offsets []Offset) int {
	by := map[string]Offset{}
	for _, o := range offsets {
		if o.Accepted {
			by[o.Source] = o
		}
	}
	if len(by) == 0 {
		return 0
	}
	n := 0
	for i, ev := range events {
		o, ok := by[SourceOf(ev)]
		if !ok {
			continue
		}
		events[i] = Shift(ev, o)
		n++
	}
	return n
}

// Shift returns a copy of ev with its time moved by o.Shift and a note
// saying so.
func Shift(ev *event.Event, o Offset) *event.Event {
	c := *ev
	c.Time = ev.Time.Add(o.Shift)
	c.Notes = append(slices.Clip(ev.Notes), fmt.Sprintf("time shifted by %s to the hosts' clock, learned from %d of %d flows both sides saw", o.Shift, o.Agree, o.Pairs))
	return &c
}
