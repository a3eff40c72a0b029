package clock_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/clock"
	"github.com/causeway-soc/causeway/internal/model/event"
)

var (
	t0   = time.Date(2023, 8, 15, 9, 0, 0, 0, time.UTC)
	mkt  = event.Host("MKT01.pandalab.com")
	proc = event.Process(mkt, "{81056205-d0f7-64d4-1b00-000000000800}", `C:\Windows\System32\svchost.exe`)
)

const zeekDir = "/logs/zeek"

// sysmon3 is a Sysmon 3 on mkt: proc connects from src:sport to dst:dport.
func sysmon3(i int, at time.Time, proto, src string, sport int, dst string, dport int) *event.Event {
	e := &event.Event{ID: event.NewID("sysmon", fmt.Sprint(i)), Time: at, Class: event.ClassNetwork, Action: "connect",
		Source: event.Source{Format: "winjson", Path: "/logs/host.json"}}
	e.AddRef(event.RoleHost, mkt)
	e.AddRef(event.RoleActor, proc)
	e.AddRef(event.RoleSrc, event.Endpoint(src, sport))
	e.AddRef(event.RoleDst, event.Endpoint(dst, dport))
	e.Fields = []event.Field{{Key: "Protocol", Value: proto}}
	return e
}

// conn is a Zeek conn.log flow from orig:oport to resp:rport.
func conn(i int, at time.Time, proto, orig string, oport int, resp string, rport int) *event.Event {
	e := &event.Event{ID: event.NewID("zeek", fmt.Sprint(i)), Time: at, Class: event.ClassNetwork, Action: "flow",
		Source: event.Source{Format: "zeek", Path: zeekDir + "/conn.log"}}
	e.AddRef(event.RoleSrc, event.Endpoint(orig, oport))
	e.AddRef(event.RoleDst, event.Endpoint(resp, rport))
	e.Fields = []event.Field{{Key: "proto", Value: proto}}
	return e
}

// pairs returns n flows seen by the host and by a sensor whose clock is
// off by -lag, each host record delayed by delay(i).
func pairs(n int, lag time.Duration, delay func(int) time.Duration) []*event.Event {
	var evs []*event.Event
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Minute)
		evs = append(evs,
			sysmon3(i, at.Add(delay(i)), "udp", "192.168.1.41", 50000+i, "192.168.1.4", 53),
			conn(i, at.Add(-lag), "udp", "192.168.1.41", 50000+i, "192.168.1.4", 53))
	}
	return evs
}

func learnOne(t *testing.T, evs []*event.Event, cfg clock.Config) clock.Offset {
	t.Helper()
	offs := clock.Learn(evs, cfg)
	if len(offs) != 1 {
		t.Fatalf("offsets %v, want one for the sensor", offs)
	}
	return offs[0]
}

func TestLearnOffset(t *testing.T) {
	const lag = 19 * time.Hour
	// The host logs each connection 0 to 4 s after the sensor saw it.
	evs := pairs(20, lag, func(i int) time.Duration { return time.Duration(i%5) * time.Second })
	o := learnOne(t, evs, clock.Config{})
	if o.Source != "zeek "+zeekDir {
		t.Errorf("source %q", o.Source)
	}
	if !o.Accepted || o.Pairs != 20 || o.Agree != 20 {
		t.Errorf("offset %+v, want accepted from 20 agreeing pairs", o)
	}
	if want := lag + 2*time.Second; o.Shift != want {
		t.Errorf("shift %s, want the median difference %s", o.Shift, want)
	}
	if s := o.String(); !strings.Contains(s, "19h0m2s from 20 of 20 flows") {
		t.Errorf("String() = %q", s)
	}
}

func TestLearnRejects(t *testing.T) {
	tests := []struct {
		name   string
		evs    []*event.Event
		pairs  int
		reason string
	}{
		{"too few pairs", pairs(4, time.Hour, func(int) time.Duration { return 0 }), 4, "fewer than 5"},
		{"pairs that do not agree", pairs(10, time.Hour, func(i int) time.Duration { return time.Duration(i) * 7 * time.Minute }), 10, "fewer than 5"},
		{"a minority agrees", pairs(13, time.Hour, func(i int) time.Duration {
			switch {
			case i < 4:
				return -time.Duration(i+1) * 10 * time.Minute
			case i < 9:
				return 0
			}
			return time.Duration(i) * 10 * time.Minute
		}), 13, "only 5 of 13 pairs agree"},
		{"clocks that already agree", pairs(10, 5*time.Second, func(int) time.Duration { return 0 }), 10, "already agree"},
		{"no flow both saw", []*event.Event{
			sysmon3(1, t0, "tcp", "192.168.1.41", 50000, "192.168.1.4", 445),
			conn(1, t0, "tcp", "192.168.1.41", 50001, "192.168.1.4", 445),
			conn(2, t0, "udp", "192.168.1.41", 50000, "192.168.1.4", 445), // another protocol
		}, 0, "no flow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := learnOne(t, tt.evs, clock.Config{})
			if o.Accepted || o.Pairs != tt.pairs || !strings.Contains(o.Reason, tt.reason) {
				t.Errorf("offset %+v, want rejected from %d pairs: %s", o, tt.pairs, tt.reason)
			}
			if n := clock.Apply(tt.evs, []clock.Offset{o}); n != 0 {
				t.Errorf("Apply shifted %d events of a rejected offset", n)
			}
		})
	}
}

// Either side may call either end the source; a connection logged twice
// by the host is one flow; a port reused so that the records cannot be
// told apart teaches nothing.
func TestLearnPairing(t *testing.T) {
	const lag = 7 * time.Hour
	var evs []*event.Event
	for i := range 5 {
		at := t0.Add(time.Duration(i) * time.Minute)
		in := sysmon3(i, at, "tcp", "10.0.5.13", 8080, "192.168.1.41", 49700+i) // an accepted connection, written the other way round
		in.Action = "accept"
		dup := sysmon3(100+i, at.Add(5*time.Millisecond), "6", "192.168.1.41", 49700+i, "10.0.5.13", 8080) // 5156's protocol number
		evs = append(evs, in, dup, conn(i, at.Add(-lag), "tcp", "192.168.1.41", 49700+i, "10.0.5.13", 8080))
	}
	// Port 123 twice on the host and once on the sensor: ambiguous.
	evs = append(evs,
		sysmon3(50, t0, "udp", "192.168.1.41", 123, "192.168.1.4", 123),
		sysmon3(51, t0.Add(time.Hour), "udp", "192.168.1.41", 123, "192.168.1.4", 123),
		conn(50, t0.Add(3*time.Hour), "udp", "192.168.1.41", 123, "192.168.1.4", 123))
	o := learnOne(t, evs, clock.Config{})
	if !o.Accepted || o.Pairs != 5 || o.Shift != lag {
		t.Errorf("offset %+v, want %s from the 5 unambiguous pairs", o, lag)
	}
}

func TestApply(t *testing.T) {
	const lag = 19 * time.Hour
	evs := pairs(10, lag, func(int) time.Duration { return 0 })
	dns := &event.Event{ID: event.NewID("zeek", "dns"), Time: t0, Class: event.ClassDNS, Action: "query",
		Source: event.Source{Format: "zeek", Path: zeekDir + "/dns.log"}, Notes: []string{"kept"}}
	other := &event.Event{ID: event.NewID("zeek", "other"), Time: t0, Class: event.ClassNetwork, Action: "flow",
		Source: event.Source{Format: "zeek", Path: "/elsewhere/conn.log"}}
	evs = append(evs, dns, other)
	orig := append([]*event.Event(nil), evs...)
	offs := clock.Learn(evs, clock.Config{})
	if n := clock.Apply(evs, offs); n != 11 {
		t.Errorf("shifted %d events, want the sensor's 10 flows and its DNS query", n)
	}
	for i, ev := range evs {
		switch {
		case ev.Source.Format != "zeek" || ev.Source.Path == "/elsewhere/conn.log":
			if ev != orig[i] {
				t.Errorf("event %d of another source was replaced", i)
			}
		default:
			if ev == orig[i] || !ev.Time.Equal(orig[i].Time.Add(lag)) || orig[i].Time.Add(lag).Equal(orig[i].Time) {
				t.Errorf("event %d: time %s, want a copy at %s", i, ev.Time, orig[i].Time.Add(lag))
			}
			if len(ev.Notes) == 0 || !strings.Contains(ev.Notes[len(ev.Notes)-1], "time shifted by 19h0m0s") {
				t.Errorf("event %d: notes %q", i, ev.Notes)
			}
		}
	}
	if len(dns.Notes) != 1 || !dns.Time.Equal(t0) {
		t.Errorf("the original event changed: %s %q", dns.Time, dns.Notes)
	}
}

func TestSourceOf(t *testing.T) {
	for _, tt := range []struct{ format, path, want string }{
		{"zeek", "/data/x_zeek_logs.zip!conn.log", "zeek /data/x_zeek_logs.zip"},
		{"zeek", "/data/zeek/2026-03-09/dns.log", "zeek /data/zeek/2026-03-09"},
		{"zeek", "-", "zeek -"},
	} {
		ev := &event.Event{Source: event.Source{Format: tt.format, Path: tt.path}}
		if got := clock.SourceOf(ev); got != tt.want {
			t.Errorf("SourceOf(%s) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
