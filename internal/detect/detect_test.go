package detect

import (
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/sigma"
)

const rule = `
title: Comsvcs MiniDump
id: 11111111-2222-3333-4444-555555555555
status: test
level: high
tags: [attack.credential-access, attack.t1003.001]
logsource: {category: process_creation, product: windows}
detection:
  selection:
    CommandLine|contains|all: [comsvcs, MiniDump]
  condition: selection
`

func TestDetector(t *testing.T) {
	b, err := sigma.NewBuilder(sigma.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := b.Add("r.yml", []byte(rule)); len(errs) > 0 {
		t.Fatal(errs)
	}
	rs, errs := b.Build()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ev := func(cmd string) *event.Event {
		e := &event.Event{ID: event.NewID(cmd), Fields: []event.Field{
			{Key: "EventID", Value: "1"}, {Key: "Channel", Value: "Microsoft-Windows-Sysmon/Operational"},
			{Key: "CommandLine", Value: cmd},
		}}
		e.AddRef(event.RoleHost, event.Host("ws1"))
		return e
	}
	var got []finding.Finding
	d := New(rs, Config{})
	d.Observe(ev(`rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump 684 C:\lsass.dmp full`), func(f finding.Finding) { got = append(got, f) })
	d.Observe(ev(`notepad.exe`), func(f finding.Finding) { got = append(got, f) })
	if len(got) != 1 {
		t.Fatalf("%d findings, want 1", len(got))
	}
	f := got[0]
	if f.Rule.Level != "high" || len(f.Rule.Techniques) != 1 || f.Rule.Techniques[0] != "T1003.001" || len(f.Entities) != 1 {
		t.Errorf("finding %+v", f)
	}
}

const failedLogons = `
title: Failed logon
id: aaaaaaaa-0000-0000-0000-000000000001
name: failed_logon
status: test
level: low
logsource: {product: windows, service: security}
detection:
  selection:
    EventID: 4625
  condition: selection
---
title: Password spraying
id: aaaaaaaa-0000-0000-0000-000000000002
status: test
level: high
tags: [attack.credential-access, attack.t1110.003]
correlation:
  type: value_count
  rules: [failed_logon]
  group-by: [IpAddress]
  timespan: 10m
  condition:
    field: TargetUserName
    gte: 3
`

func logonFailure(ip, user string, at time.Time) *event.Event {
	e := &event.Event{ID: event.NewID(ip, user, at.String()), Time: at, Fields: []event.Field{
		{Key: "EventID", Value: "4625"}, {Key: "Channel", Value: "Security"},
		{Key: "IpAddress", Value: ip}, {Key: "TargetUserName", Value: user},
	}}
	e.AddRef(event.RoleSrc, event.IP(ip))
	return e
}

// TestCorrelation checks that correlations see matches in time order even
// when files arrive out of order, and that their findings carry the whole
// window as evidence.
func TestCorrelation(t *testing.T) {
	b, err := sigma.NewBuilder(sigma.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := b.Add("spray.yml", []byte(failedLogons)); len(errs) > 0 {
		t.Fatal(errs)
	}
	rs, errs := b.Build()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	// Two files: the attacker's third guess comes first, a benign host's
	// failures (one user, three times) and then the rest of the spray.
	events := []*event.Event{
		logonFailure("203.0.113.9", "carol", t0.Add(4*time.Minute)),
		logonFailure("10.0.0.5", "dave", t0),
		logonFailure("10.0.0.5", "dave", t0.Add(time.Minute)),
		logonFailure("10.0.0.5", "dave", t0.Add(2*time.Minute)),
		logonFailure("203.0.113.9", "alice", t0),
		logonFailure("203.0.113.9", "bob", t0.Add(2*time.Minute)),
		// Too late for the window: 20 minutes after the first.
		logonFailure("203.0.113.9", "erin", t0.Add(30*time.Minute)),
	}
	for _, tc := range []struct {
		name     string
		lateness time.Duration
	}{{"batch", 0}, {"stream", 5 * time.Minute}} {
		t.Run(tc.name, func(t *testing.T) {
			var got []finding.Finding
			emit := func(f finding.Finding) { got = append(got, f) }
			d := New(rs, Config{Lateness: tc.lateness})
			for _, ev := range events {
				d.Observe(ev, emit)
			}
			d.Flush(emit)
			if len(got) != 1 {
				t.Fatalf("%d findings, want 1: %+v", len(got), got)
			}
			f := got[0]
			if f.Rule.Title != "Password spraying" || f.Rule.Techniques[0] != "T1110.003" {
				t.Errorf("rule %+v", f.Rule)
			}
			if len(f.Events) != 3 || len(f.Entities) != 3 || f.Entities[0].Entity.ID != "ip:203.0.113.9" {
				t.Errorf("evidence: %d events, entities %+v", len(f.Events), f.Entities)
			}
			if !f.Time.Equal(t0.Add(4 * time.Minute)) {
				t.Errorf("time %v", f.Time)
			}
		})
	}
}
