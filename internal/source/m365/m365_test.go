package m365

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func normalizeAll(t *testing.T, raws []string) []*event.Event {
	t.Helper()
	return sourcetest.Normalize(t, RecordFormat(&event.Principals{}), raws)
}

func TestFixturesGolden(t *testing.T) {
	evs := normalizeAll(t, sourcetest.Lines(t, "testdata/fixtures.jsonl"))
	sourcetest.GoldenJSON(t, "testdata/fixtures.golden", sourcetest.Summaries(evs))
	// Records 0 and 5 are one mailbox access, from the API and from
	// Sentinel's OfficeActivity: one event id, one user, one origin.
	a, b := evs[0], evs[5]
	if a.ID != b.ID || !a.Time.Equal(b.Time) {
		t.Errorf("API and OfficeActivity shapes differ: %s@%v vs %s@%v", a.ID, a.Time, b.ID, b.Time)
	}
	for _, role := range []event.Role{event.RoleUser, event.RoleActor, event.RoleSrc} {
		ra, _ := a.Ref(role)
		rb, _ := b.Ref(role)
		if ra.ID == "" || ra.ID != rb.ID {
			t.Errorf("%s: %q vs %q", role, ra.ID, rb.ID)
		}
	}
	if v := b.Value("Folders.FolderItems.InternetMessageId"); v != "<a@example.com>" {
		t.Errorf("embedded Folders not expanded: %q", v)
	}
}

// TestPantherCorpus reads Panther's three Microsoft 365 rule-test files:
// one event per line, none rejected.
func TestPantherCorpus(t *testing.T) {
	dir := filepath.Join(sourcetest.Corpora(t), "panther", "rule_tests")
	for _, name := range []string{
		"Microsoft365.Audit.AzureActiveDirectory.jsonl",
		"Microsoft365.Audit.Exchange.jsonl",
		"Microsoft365.Audit.SharePoint.jsonl",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Count(strings.TrimSpace(string(b)), "\n") + 1
			evs := normalizeAll(t, sourcetest.PantherLogs(t, path))
			if len(evs) != lines {
				t.Fatalf("%d events of %d lines", len(evs), lines)
			}
			for _, ev := range evs {
				if ev.Time.IsZero() || ev.ID.IsZero() {
					t.Errorf("record %s: no time or id", ev.Source.Record)
				}
				if _, ok := ev.Ref(event.RoleUser); !ok {
					t.Errorf("record %s: no user", ev.Source.Record)
				}
			}
			sourcetest.GoldenJSON(t, "testdata/"+strings.TrimSuffix(name, ".jsonl")+".golden", sourcetest.Summaries(evs[:1]))
		})
	}
}

// TestGoldenSAML reads the scenario's OfficeActivity export: the
// attacker's app reading the victim's mailbox.
func TestGoldenSAML(t *testing.T) {
	lines := sourcetest.ZipLines(t, filepath.Join(sourcetest.Corpora(t), "otrf-compound", "GoldenSAMLADFSMailAccess", "OfficeActivityEvents.Zip"))
	evs := normalizeAll(t, lines)
	if len(evs) != len(lines) {
		t.Fatalf("%d events of %d lines", len(evs), len(lines))
	}
	sourcetest.GoldenJSON(t, "testdata/goldensaml.golden", sourcetest.Summaries(evs))
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		want      bool
	}{
		{"api", `{"CreationTime":"2024-01-01T00:00:00","Operation":"FileAccessed","Workload":"SharePoint"}`, true},
		{"lower-cased", `{"creationtime":"2024-01-01T00:00:00","operation":"Send","recordtype":2}`, true},
		{"office activity", `{"TimeGenerated":"2024-01-01T00:00:00Z","Operation":"Send","Type":"OfficeActivity"}`, true},
		{"sentinel without Type", `{"Operation":"Send","OfficeWorkload":"Exchange"}`, true},
		{"no operation", `{"CreationTime":"2024-01-01T00:00:00","Workload":"Exchange"}`, false},
		{"cloudtrail", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","CreationTime":"x","Operation":"x","Workload":"x"}`, false},
		{"mde raw event nested", `{"Timestamp":"x","RawEventData":{"CreationTime":"x","Operation":"x","Workload":"x"}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sourcetest.CheckMatch(t, Match, tc.raw, tc.want)
		})
	}
}

func TestStripPort(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7:5123":      "203.0.113.7",
		"[2001:db8::1]:443":     "2001:db8::1",
		"2001:db8::1":           "2001:db8::1",
		"203.0.113.7":           "203.0.113.7",
		"not an address:12":     "not an address:12",
		" 198.51.100.1 ":        "198.51.100.1",
		"::ffff:203.0.113.7":    "::ffff:203.0.113.7",
		"[::ffff:10.0.0.1]:993": "::ffff:10.0.0.1",
	} {
		if got := stripPort(in); got != want {
			t.Errorf("stripPort(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	sourcetest.FuzzRecordFormat(f, RecordFormat(&event.Principals{}), true, sourcetest.Lines(f, "testdata/fixtures.jsonl"))
}

func BenchmarkNormalize(b *testing.B) {
	dir := sourcetest.Corpora(b)
	var raws []string
	for _, name := range []string{"AzureActiveDirectory", "Exchange", "SharePoint"} {
		raws = append(raws, sourcetest.PantherLogs(b, filepath.Join(dir, "panther", "rule_tests", "Microsoft365.Audit."+name+".jsonl"))...)
	}
	raws = append(raws, sourcetest.ZipLines(b, filepath.Join(dir, "otrf-compound", "GoldenSAMLADFSMailAccess", "OfficeActivityEvents.Zip"))...)
	sourcetest.BenchmarkRecords(b, []source.RecordFormat{RecordFormat(&event.Principals{})}, raws)
}
