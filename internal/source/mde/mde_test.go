package mde

import (
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func normalizeAll(t *testing.T, raws []string) []*event.Event {
	t.Helper()
	return sourcetest.Normalize(t, RecordFormat(&event.Principals{}), raws)
}

func refID(ev *event.Event, role event.Role) string {
	r, _ := ev.Ref(role)
	return r.ID
}

func TestFixturesGolden(t *testing.T) {
	evs := normalizeAll(t, sourcetest.Lines(t, "testdata/fixtures.jsonl"))
	sourcetest.GoldenJSON(t, "testdata/fixtures.golden", sourcetest.Summaries(evs))
	// The new process of row 0 is the actor of rows 1 and 2, although the
	// rows write its creation time with different precision.
	started := refID(evs[0], event.RoleTarget)
	if started == "" || refID(evs[1], event.RoleActor) != started || refID(evs[2], event.RoleActor) != started {
		t.Errorf("process ids differ: %q, %q, %q", started, refID(evs[1], event.RoleActor), refID(evs[2], event.RoleActor))
	}
	// Logon id 999999 is 0xf423f, as Windows Security events write it.
	if got := refID(evs[0], event.RoleSession); got != "session:host:wks01/0xf423f" {
		t.Errorf("session %q", got)
	}
}

// TestGoldenSAML reads the scenario's Defender export: DeviceEvents
// (LDAP searches on the AD FS server), IdentityDirectoryEvents (the DCSync
// of the AD FS key from the DC) and CloudAppEvents (consent and mail
// access), unioned with empty columns.
func TestGoldenSAML(t *testing.T) {
	lines := sourcetest.ZipLines(t, filepath.Join(sourcetest.Corpora(t), "otrf-compound", "GoldenSAMLADFSMailAccess", "Microsoft365DefenderEvents.Zip"))
	evs := normalizeAll(t, lines)
	if len(evs) != len(lines) {
		t.Fatalf("%d events of %d lines", len(evs), len(lines))
	}
	classes := map[string]int{}
	for _, ev := range evs {
		classes[string(ev.Class)+"/"+ev.Action]++
		if ev.Time.IsZero() || ev.ID.IsZero() || len(ev.Notes) > 0 {
			t.Errorf("record %s: time %v, id %v, notes %v", ev.Source.Record, ev.Time, ev.ID, ev.Notes)
		}
	}
	t.Logf("%d rows: %v", len(evs), classes)
	if v := evs[0].Value("AdditionalFields.SearchFilter"); v != "(objectClass=*)" {
		t.Errorf("AdditionalFields_string not expanded: %q", v)
	}
	sourcetest.GoldenJSON(t, "testdata/goldensaml.golden", sourcetest.Summaries(evs))
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		want      bool
	}{
		{"device row", `{"Timestamp":"x","DeviceId":"d","ActionType":"ProcessCreated"}`, true},
		{"identity row", `{"Timestamp":"x","ActionType":"LogonSuccess","ReportId":"r"}`, true},
		{"streaming", `{"category":"AdvancedHunting-DeviceEvents","properties":{"Timestamp":"x"}}`, true},
		{"no ActionType", `{"Timestamp":"x","DeviceId":"d"}`, false},
		{"ocsf", `{"class_uid":1007,"Timestamp":"x","ActionType":"y","DeviceId":"d"}`, false},
		{"sentinel security event", `{"TimeGenerated":"x","EventID":4624,"Computer":"dc01"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sourcetest.CheckMatch(t, Match, tc.raw, tc.want)
		})
	}
}

func TestHelpers(t *testing.T) {
	for _, tc := range []struct{ folder, file, want string }{
		{`C:\Windows\System32\cmd.exe`, "cmd.exe", `C:\Windows\System32\cmd.exe`},
		{`C:\Temp\`, "x.exe", `C:\Temp\x.exe`},
		{"", "x.exe", ""},
	} {
		if got := fullPath(tc.folder, tc.file); got != tc.want {
			t.Errorf("fullPath(%q, %q) = %q, want %q", tc.folder, tc.file, got, tc.want)
		}
	}
	for in, want := range map[string]string{
		"https://c2.evil.example/beacon": "domain:c2.evil.example",
		"c2.evil.example:8443":           "domain:c2.evil.example",
		"http://198.51.100.1:8080/x":     "ip:198.51.100.1",
		"":                               "",
	} {
		if got := remoteHost(in).ID; got != want {
			t.Errorf("remoteHost(%q) = %q, want %q", in, got, want)
		}
	}
	host := event.Host("wks01")
	if got := registry(host, `HKEY_LOCAL_MACHINE\SOFTWARE\X`).ID; got != `resource:host:wks01/registry:hklm\software\x` {
		t.Errorf("registry: %q", got)
	}
	if got := registry(host, `HKEY_LOCAL_MACHINEX\Y`).ID; got != `resource:host:wks01/registry:hkey_local_machinex\y` {
		t.Errorf("registry without hive boundary: %q", got)
	}
}

func FuzzNormalize(f *testing.F) {
	sourcetest.FuzzRecordFormat(f, RecordFormat(&event.Principals{}), true, sourcetest.Lines(f, "testdata/fixtures.jsonl"))
}

func BenchmarkNormalize(b *testing.B) {
	raws := sourcetest.ZipLines(b, filepath.Join(sourcetest.Corpora(b), "otrf-compound", "GoldenSAMLADFSMailAccess", "Microsoft365DefenderEvents.Zip"))
	sourcetest.BenchmarkRecords(b, []source.RecordFormat{RecordFormat(&event.Principals{})}, raws)
}
