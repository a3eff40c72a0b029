package winjson_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// refID returns the id of the first entity in role, or "".
func refID(ev *event.Event, role event.Role) string {
	e, _ := ev.Ref(role)
	return e.ID
}

// rawKey is an independent spelling of a GUID or logon id for joining raw
// fields: braces and case dropped, hex logon ids parsed.
func rawKey(host, v string) string {
	v = strings.ToLower(strings.Trim(strings.TrimSpace(v), "{}"))
	if strings.HasPrefix(v, "0x") {
		if n, err := strconv.ParseUint(v[2:], 16, 64); err == nil {
			v = strconv.FormatUint(n, 10)
		}
	}
	return strings.ToLower(host) + "|" + v
}

// TestLinksLSASS checks the joins the causal graph relies on, on a real
// attack (OTRF LSASS campaign 01, nxlog JSON): the parent named in one
// Sysmon 1 event is the same entity as the process of the parent's own
// Sysmon 1 event, and a 4624 logon's session is the session of the
// processes started under that LogonId (Sysmon 1 LogonId, 4688
// SubjectLogonId).
func TestLinksLSASS(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 106 MB of JSON")
	}
	path := filepath.Join(corpora(t), "otrf-compound/LSASS_campaign_01/metasploit_logonpasswords_lsass_memory_dump.zip")
	procs := map[string]string{}      // host|guid -> process entity id, from the process's own Sysmon 1
	parents := map[string][]string{}  // host|parent guid -> actor entity ids of its children's Sysmon 1
	logons := map[string]string{}     // host|logon id -> session entity id, from 4624
	sessions := map[string][]string{} // host|logon id -> session ids of processes started in it
	var errs int
	readPaths(t, sinkFunc{
		event: func(ev *event.Event) {
			host := ev.Value("Computer")
			switch ch, id := strings.ToLower(ev.Value("Channel")), ev.Value("EventID"); {
			case ch == "microsoft-windows-sysmon/operational" && id == "1":
				procs[rawKey(host, ev.Value("ProcessGuid"))] = refID(ev, event.RoleTarget)
				k := rawKey(host, ev.Value("ParentProcessGuid"))
				parents[k] = append(parents[k], refID(ev, event.RoleActor))
				l := rawKey(host, ev.Value("LogonId"))
				sessions[l] = append(sessions[l], refID(ev, event.RoleSession))
			case ch == "security" && id == "4688":
				// The new process's logon is TargetLogonId where the event
				// has one (Windows 10), else its creator's.
				l := ev.Value("TargetLogonId")
				if l == "" || l == "0x0" {
					l = ev.Value("SubjectLogonId")
				}
				k := rawKey(host, l)
				sessions[k] = append(sessions[k], refID(ev, event.RoleSession))
			case ch == "security" && id == "4624":
				logons[rawKey(host, ev.Value("TargetLogonId"))] = refID(ev, event.RoleSession)
			}
		},
		err: func(err error) { errs++; t.Error(err) },
	}, path)

	links := 0
	for guid, actors := range parents {
		proc, ok := procs[guid]
		if !ok {
			continue // the parent started before the capture
		}
		for _, a := range actors {
			if a == "" || a != proc {
				t.Errorf("parent %s: child's actor %q, parent's own process %q", guid, a, proc)
			}
			links++
		}
	}
	joined := 0
	for logon, s := range logons {
		for _, ps := range sessions[logon] {
			if s == "" || ps != s {
				t.Errorf("logon %s: 4624 session %q, process session %q", logon, s, ps)
			}
			joined++
		}
	}
	t.Logf("%d parent links, %d processes joined to %d logons", links, joined, len(logons))
	if links < 100 || joined < 10 {
		t.Errorf("too few joins: %d parent links, %d process-logon joins", links, joined)
	}
}

// TestLinksAcrossShapes checks that the same identifiers join events read
// from different shapes: a Winlogbeat 4624 and the Sysmon 1 and 4688
// events of processes started under it, a child's parent and its
// parent's own Sysmon 1.
func TestLinksAcrossShapes(t *testing.T) {
	var evs []*event.Event
	readPaths(t, sinkFunc{
		event: func(ev *event.Event) { evs = append(evs, ev) },
		err:   func(err error) { t.Error(err) },
	}, "testdata/winlogbeat_ecs.json")
	if len(evs) < 4 {
		t.Fatalf("%d events", len(evs))
	}
	logon, cmd, whoami, created := evs[0], evs[1], evs[2], evs[3]
	s := refID(logon, event.RoleSession)
	for _, ev := range []*event.Event{cmd, whoami, created} {
		if got := refID(ev, event.RoleSession); got != s || s == "" {
			t.Errorf("event %s %s: session %q, logon's %q", ev.Value("EventID"), ev.Source.Record, got, s)
		}
	}
	if p, c := refID(whoami, event.RoleActor), refID(cmd, event.RoleTarget); p != c || p == "" {
		t.Errorf("whoami's parent %q, cmd's own process %q", p, c)
	}
	if u, v := refID(logon, event.RoleTargetUser), refID(cmd, event.RoleUser); u != v || u == "" {
		t.Errorf("logon user %q, process user %q", u, v)
	}
}
