package winevent

import (
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

func TestLogonID(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"0x62F2D", "0x62f2d", true},
		{"0x00062f2d", "0x62f2d", true},
		{"405293", "0x62f2d", true},
		{"0x3e7", "0x3e7", true},
		{"0x0", "", false},
		{"-", "", false},
		{"", "", false},
		{"weird", "weird", true},
	} {
		got, ok := logonID(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("logonID(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRegistryKey(t *testing.T) {
	for in, want := range map[string]string{
		`\REGISTRY\MACHINE\SYSTEM\ControlSet001`: `HKLM\SYSTEM\ControlSet001`,
		`\REGISTRY\USER\S-1-5-18\Software`:       `HKU\S-1-5-18\Software`,
		`HKEY_LOCAL_MACHINE\SOFTWARE`:            `HKLM\SOFTWARE`,
		`HKLM\SOFTWARE\Run`:                      `HKLM\SOFTWARE\Run`,
		`\REGISTRY\MACHINEX\a`:                   `\REGISTRY\MACHINEX\a`,
		`\REGISTRY\A\{x}\Root`:                   `\REGISTRY\A\{x}\Root`,
	} {
		if got := registryKey(in); got != want {
			t.Errorf("registryKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCommandImage(t *testing.T) {
	for in, want := range map[string]string{
		`"C:\Program Files\a b\x.exe" -k`:       `C:\Program Files\a b\x.exe`,
		`C:\Program Files\x.exe -k netsvcs`:     `C:\Program Files\x.exe`,
		`%SystemRoot%\PSEXESVC.exe`:             `C:\Windows\PSEXESVC.exe`,
		`\SystemRoot\System32\drivers\x.sys`:    `C:\Windows\System32\drivers\x.sys`,
		`system32\svchost.exe -k rpcss`:         `C:\Windows\system32\svchost.exe`,
		`%COMSPEC% /C echo x > \\.\pipe\y`:      ``,
		`cmd.exe /c whoami`:                     ``,
		`"unterminated`:                         ``,
		`\??\C:\Windows\system32\drivers\a.sys`: `C:\Windows\system32\drivers\a.sys`,
	} {
		if got := commandImage(in); got != want {
			t.Errorf("commandImage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDNPrincipal(t *testing.T) {
	for in, want := range map[string]string{
		`CN=svc.backup,CN=Users,DC=corp,DC=example`: "svc.backup@corp.example",
		`CN=Smith\, John,OU=Staff,DC=corp,DC=com`:   `Smith\, John@corp.com`,
		`CN=alice`: "alice",
		`-`:        "-",
	} {
		if got := dnPrincipal(in); got != want {
			t.Errorf("dnPrincipal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWMIName(t *testing.T) {
	for in, want := range map[string]string{
		`"Updater"`: "Updater",
		`"CommandLineEventConsumer.Name=\"Updater\""`:        "Updater",
		`\\.\ROOT\subscription:__EventFilter.Name="Updater"`: "Updater",
		`Plain`: "Plain",
	} {
		if got := wmiName(in); got != want {
			t.Errorf("wmiName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeywordsOutcome(t *testing.T) {
	for in, want := range map[string]event.Outcome{
		"0x8020000000000000":     event.OutcomeSuccess,
		"0x8010000000000000":     event.OutcomeFailure,
		"-9214364837600034816":   event.OutcomeSuccess,
		"-9218868437227405312":   event.OutcomeFailure,
		"0x8000000000000000":     event.OutcomeUnknown,
		"Audit Success":          event.OutcomeSuccess,
		"Classic, Audit Failure": event.OutcomeFailure,
		"":                       event.OutcomeUnknown,
		"garbage":                event.OutcomeUnknown,
	} {
		if got := keywordsOutcome(in); got != want {
			t.Errorf("keywordsOutcome(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2026, 3, 2, 10, 0, 0, 123456789, time.UTC),
		time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", 3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		{},
	} {
		if got, want := formatTime(at), at.UTC().Format(timeLayout); got != want {
			t.Errorf("formatTime(%v) = %q, want %q", at, got, want)
		}
	}
}

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		channel, provider string
		want              logKind
	}{
		{"Security", "", logSecurity},
		{"security", "", logSecurity},
		{"SECURITY", "", logSecurity},
		{"", "Microsoft-Windows-Security-Auditing", logSecurity},
		{"Microsoft-Windows-Sysmon/Operational", "", logSysmon},
		{"", "Microsoft-Windows-Sysmon", logSysmon},
		{"System", "Service Control Manager", logSystem},
		{"Microsoft-Windows-PowerShell/Operational", "", logPowerShell},
		{"Application", "ESENT", logOther},
	} {
		if got := kindOf(&Record{Channel: tc.channel, Provider: tc.provider}); got != tc.want {
			t.Errorf("kindOf(%q, %q) = %d, want %d", tc.channel, tc.provider, got, tc.want)
		}
	}
}

// TestEventIdentity checks the event id and the fields that identify a
// record: the same record with its channel in another case, or with a
// sub-microsecond time, is the same event; a record without its record id
// gets no id (the reader hashes the raw record instead).
func TestEventIdentity(t *testing.T) {
	n := &Normalizer{}
	at := time.Date(2026, 3, 2, 10, 0, 0, 123456789, time.UTC)
	a := n.Event(&Record{Channel: "Security", Computer: "WS01.corp.example", RecordID: 42, EventID: 4624, Time: at}, event.Source{Format: "evtx"})
	b := n.Event(&Record{Channel: "security", Computer: "WS01.corp.example", RecordID: 42, EventID: 4624, Time: at.Truncate(time.Microsecond)}, event.Source{Format: "winjson"})
	if a.ID != b.ID || a.ID.IsZero() {
		t.Errorf("ids %s and %s differ", a.ID, b.ID)
	}
	if !a.Time.Equal(b.Time) || a.Value("TimeCreated") != "2026-03-02T10:00:00.123456Z" {
		t.Errorf("times %s and %s, field %q", a.Time, b.Time, a.Value("TimeCreated"))
	}
	if a.Source.Record != "42" {
		t.Errorf("source record %q", a.Source.Record)
	}
	c := n.Event(&Record{Channel: "Security", Computer: "WS01", EventID: 4624, Time: at}, event.Source{})
	if !c.ID.IsZero() || c.Source.Record != "" {
		t.Errorf("record without id: id %s, source record %q", c.ID, c.Source.Record)
	}
	if _, ok := c.Get("EventRecordID"); ok {
		t.Error("EventRecordID field for a record without one")
	}
}

// TestSecurityProcessStart checks 4688: the new process is host + pid +
// creation time, never pid alone, and it has no parent ref.
func TestSecurityProcessStart(t *testing.T) {
	n := &Normalizer{}
	at := time.Date(2026, 3, 2, 11, 0, 7, 790000000, time.UTC)
	ev := n.Event(&Record{Channel: "Security", Computer: "WS02", RecordID: 7, EventID: 4688, Time: at, Data: []event.Field{
		{Key: "SubjectUserName", Value: "bob"}, {Key: "SubjectDomainName", Value: "CORP"}, {Key: "SubjectLogonId", Value: "0x1e2f3a4"},
		{Key: "NewProcessId", Value: "0x182c"}, {Key: "NewProcessName", Value: `C:\Windows\System32\whoami.exe`},
		{Key: "ProcessId", Value: "0x17e8"}, {Key: "ParentProcessName", Value: `C:\Windows\System32\cmd.exe`},
		{Key: "TargetLogonId", Value: "0x0"},
	}}, event.Source{})
	want := event.ProcessPID(event.Host("WS02"), 0x182c, "2026-03-02T11:00:07.790000Z", `C:\Windows\System32\whoami.exe`)
	if got, _ := ev.Ref(event.RoleTarget); got != want {
		t.Errorf("target %+v, want %+v", got, want)
	}
	if _, ok := ev.Ref(event.RoleActor); ok {
		t.Error("4688 has an actor ref from a bare pid")
	}
	if s, _ := ev.Ref(event.RoleSession); s.ID != "session:host:ws02/0x1e2f3a4" {
		t.Errorf("session %q", s.ID)
	}
	if ev.Class != event.ClassProcess || ev.Action != "start" {
		t.Errorf("class %s/%s", ev.Class, ev.Action)
	}
}

// TestDirectoryAccess checks that a directory object read (4662) belongs
// to the logon session that read it, so the read joins the network logon
// it came through.
func TestDirectoryAccess(t *testing.T) {
	ev := (&Normalizer{}).Event(&Record{Channel: "Security", Computer: "DC01", RecordID: 9, EventID: 4662, Data: []event.Field{
		{Key: "SubjectUserName", Value: "wardog"}, {Key: "SubjectDomainName", Value: "CORP"}, {Key: "SubjectLogonId", Value: "0x8f0f2cd7"},
		{Key: "ObjectName", Value: "%{9736F74F-FD37-4B02-80E8-8120A72AD6C2}"}, {Key: "AccessMask", Value: "0x10"},
	}}, event.Source{})
	if s, _ := ev.Ref(event.RoleSession); s.ID != "session:host:dc01/0x8f0f2cd7" {
		t.Errorf("session %q", s.ID)
	}
	if o, _ := ev.Ref(event.RoleTarget); o.ID != "resource:host:dc01/ds:9736f74f-fd37-4b02-80e8-8120a72ad6c2" {
		t.Errorf("object %q", o.ID)
	}
}

// TestLinuxSysmon checks that Sysmon for Linux gets the Sysmon schema's
// classes and entities, with case-sensitive Unix paths.
func TestLinuxSysmon(t *testing.T) {
	rec := &Record{
		Provider: "Linux-Sysmon", EventID: 1, Channel: "Linux-Sysmon/Operational", Computer: "ubuntu5", RecordID: 7,
		Data: []event.Field{
			{Key: "ProcessGuid", Value: "{8f7b1c2d-0000-0000-0000-000000000001}"},
			{Key: "Image", Value: "/usr/bin/Bash"},
			{Key: "ParentProcessGuid", Value: "{8f7b1c2d-0000-0000-0000-000000000002}"},
			{Key: "ParentImage", Value: "/usr/lib/jvm/bin/java"},
		},
	}
	ev := (&Normalizer{}).Event(rec, event.Source{Format: "syslog"})
	if ev.Class != event.ClassProcess || ev.Action != "start" {
		t.Fatalf("class %s/%s, want process/start", ev.Class, ev.Action)
	}
	for _, r := range ev.Refs {
		if r.Entity.Kind == event.KindFile && r.Entity.ID == "file:ubuntu5//usr/bin/Bash" {
			return
		}
	}
	t.Errorf("no case-preserving file ref for /usr/bin/Bash in %v", ev.Refs)
}

// TestShareAccessDirection checks that a share access asking to write or
// delete is a write or a delete, so that the file follows from the session.
func TestShareAccessDirection(t *testing.T) {
	for mask, want := range map[string]string{"0x120089": "share_access", "0x120196": "share_write", "0x110080": "share_delete", "0x130089": "share_delete", "0x1": "share_access", "": "share_access"} {
		ev := (&Normalizer{}).Event(&Record{Channel: "Security", Computer: "FS01", RecordID: 3, EventID: 5145, Data: []event.Field{
			{Key: "SubjectUserName", Value: "ann"}, {Key: "SubjectDomainName", Value: "CORP"}, {Key: "SubjectLogonId", Value: "0x3e9"},
			{Key: "ShareName", Value: `\\*\Data`}, {Key: "ShareLocalPath", Value: `\??\D:\Data`}, {Key: "RelativeTargetName", Value: `a\b.docx`},
			{Key: "AccessMask", Value: mask},
		}}, event.Source{})
		if ev.Action != want {
			t.Errorf("mask %q: action %q, want %q", mask, ev.Action, want)
		}
	}
}
