package detect

import (
	"testing"

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
	d := New(rs)
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
