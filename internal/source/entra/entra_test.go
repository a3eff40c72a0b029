package entra

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// normalizeWith runs raws through f, failing on records that do not match
// or do not normalize.
func normalizeWith(t *testing.T, f source.RecordFormat, raws []string) []sourcetest.Summary {
	t.Helper()
	return sourcetest.Summaries(sourcetest.Normalize(t, f, raws))
}

func TestFixturesGolden(t *testing.T) {
	p := &event.Principals{}
	sourcetest.GoldenJSON(t, "testdata/signin.golden", normalizeWith(t, SignInFormat(p), sourcetest.Lines(t, "testdata/signin.jsonl")))
	sourcetest.GoldenJSON(t, "testdata/audit.golden", normalizeWith(t, AuditFormat(p), sourcetest.Lines(t, "testdata/audit.jsonl")))
}

// TestFormatsDisjoint checks that no fixture matches the other format.
func TestFormatsDisjoint(t *testing.T) {
	fl := jsonrec.NewFlattener()
	for _, raw := range sourcetest.Lines(t, "testdata/signin.jsonl") {
		if rec := sourcetest.Flatten(t, fl, raw); MatchAudit(&rec) {
			t.Errorf("sign-in matches audit: %.100s", raw)
		}
	}
	for _, raw := range sourcetest.Lines(t, "testdata/audit.jsonl") {
		if rec := sourcetest.Flatten(t, fl, raw); MatchSignIn(&rec) {
			t.Errorf("audit matches sign-in: %.100s", raw)
		}
	}
}

// TestPantherAzureAudit sorts Panther's Azure.Audit records (Azure Monitor
// diagnostic settings shape) by their category, computed here with
// encoding/json, and checks each is read by the right format and only it.
func TestPantherAzureAudit(t *testing.T) {
	raws := sourcetest.PantherLogs(t, filepath.Join(sourcetest.Corpora(t), "panther", "rule_tests", "Azure.Audit.jsonl"))
	var signIns, audits []string
	for _, raw := range raws {
		var rec struct {
			Category string `json:"category"`
		}
		if err := json.Unmarshal([]byte(raw), &rec); err != nil {
			t.Fatal(err)
		}
		if signInCategory(rec.Category) {
			signIns = append(signIns, raw)
		} else {
			audits = append(audits, raw)
		}
	}
	p := &event.Principals{}
	si := normalizeWith(t, SignInFormat(p), signIns)
	au := normalizeWith(t, AuditFormat(p), audits)
	if len(si)+len(au) != len(raws) || len(si) == 0 || len(au) == 0 {
		t.Fatalf("%d sign-ins + %d audits of %d records", len(si), len(au), len(raws))
	}
	fl := jsonrec.NewFlattener()
	for _, raw := range signIns {
		if rec := sourcetest.Flatten(t, fl, raw); MatchAudit(&rec) {
			t.Errorf("sign-in matches audit: %.100s", raw)
		}
	}
	for _, raw := range audits {
		if rec := sourcetest.Flatten(t, fl, raw); MatchSignIn(&rec) {
			t.Errorf("audit matches sign-in: %.100s", raw)
		}
	}
	for _, s := range append(si, au...) {
		if s.Time == "" || s.Class == "" {
			t.Errorf("record %s: no time or class", s.Record)
		}
	}
	t.Logf("%d sign-ins, %d audits", len(si), len(au))
	sourcetest.GoldenJSON(t, "testdata/panther.golden", []sourcetest.Summary{si[0], si[5], si[8], au[0], au[4]})
}

// TestGoldenSAML reads the Sentinel AuditLogs export of the Golden SAML
// scenario: every line is an audit event, with InitiatedBy and
// TargetResources parsed out of their JSON text.
func TestGoldenSAML(t *testing.T) {
	lines := sourcetest.ZipLines(t, filepath.Join(sourcetest.Corpora(t), "otrf-compound", "GoldenSAMLADFSMailAccess", "AADAuditEvents.Zip"))
	fl := jsonrec.NewFlattener()
	for _, raw := range lines {
		if rec := sourcetest.Flatten(t, fl, raw); MatchSignIn(&rec) {
			t.Errorf("audit matches sign-in: %.100s", raw)
		}
	}
	got := normalizeWith(t, AuditFormat(&event.Principals{}), lines)
	if len(got) != len(lines) {
		t.Fatalf("%d events of %d lines", len(got), len(lines))
	}
	for _, s := range got {
		if len(s.Notes) > 0 {
			t.Errorf("record %s: notes %v", s.Record, s.Notes)
		}
	}
	sourcetest.GoldenJSON(t, "testdata/goldensaml.golden", got)
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name          string
		raw           string
		signIn, audit bool
	}{
		{"graph sign-in", `{"createdDateTime":"2024-01-01T00:00:00Z","userPrincipalName":"a@b.c","status":{"errorCode":0}}`, true, false},
		{"graph audit", `{"activityDateTime":"2024-01-01T00:00:00Z","loggedByService":"Core Directory"}`, false, true},
		{"sentinel sign-in", `{"TimeGenerated":"2024-01-01T00:00:00Z","Category":"SignInLogs"}`, true, false},
		{"sentinel audit", `{"ActivityDateTime":"2024-01-01T00:00:00Z","InitiatedBy":"{}"}`, false, true},
		{"diag sign-in", `{"category":"SignInLogs","properties":{"id":"x"}}`, true, false},
		{"diag audit", `{"category":"AuditLogs","properties":{"activityDateTime":"x"}}`, false, true},
		{"graph user object", `{"createdDateTime":"2024-01-01T00:00:00Z","displayName":"x"}`, false, false},
		{"azure activity", `{"category":"Administrative","properties":{"eventCategory":"Administrative"}}`, false, false},
		{"m365", `{"CreationTime":"2024-01-01T00:00:00","Operation":"UserLoggedIn","Workload":"AzureActiveDirectory","ClientIP":"1.2.3.4"}`, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := jsonrec.NewFlattener().Flatten(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := MatchSignIn(&rec); got != tc.signIn {
				t.Errorf("MatchSignIn = %v", got)
			}
			if got := MatchAudit(&rec); got != tc.audit {
				t.Errorf("MatchAudit = %v", got)
			}
		})
	}
}

func TestSignInOutcome(t *testing.T) {
	for _, tc := range []struct {
		code, result string
		want         event.Outcome
	}{
		{"0", "", event.OutcomeSuccess},
		{"50126", "Failure", event.OutcomeFailure},
		{"", "0", event.OutcomeSuccess},
		{"", "Success", event.OutcomeSuccess},
		{"", "7000215", event.OutcomeFailure},
		{"", "", event.OutcomeUnknown},
		{"", "Interrupted", event.OutcomeUnknown},
	} {
		if got := signInOutcome(tc.code, tc.result); got != tc.want {
			t.Errorf("signInOutcome(%q, %q) = %q, want %q", tc.code, tc.result, got, tc.want)
		}
	}
}

func fuzzFormat(f *testing.F, rf source.RecordFormat, fixtures ...string) {
	var seeds []string
	for _, name := range fixtures {
		seeds = append(seeds, sourcetest.Lines(f, "testdata/"+name)...)
	}
	sourcetest.FuzzRecordFormat(f, rf, true, seeds)
}

func FuzzSignIn(f *testing.F) {
	fuzzFormat(f, SignInFormat(&event.Principals{}), "signin.jsonl", "audit.jsonl")
}

func FuzzAudit(f *testing.F) {
	fuzzFormat(f, AuditFormat(&event.Principals{}), "audit.jsonl", "signin.jsonl")
}

// BenchmarkNormalize decodes and normalizes Panther's Azure.Audit records
// (both formats) and the Golden SAML Sentinel export.
func BenchmarkNormalize(b *testing.B) {
	dir := sourcetest.Corpora(b)
	raws := sourcetest.PantherLogs(b, filepath.Join(dir, "panther", "rule_tests", "Azure.Audit.jsonl"))
	raws = append(raws, sourcetest.ZipLines(b, filepath.Join(dir, "otrf-compound", "GoldenSAMLADFSMailAccess", "AADAuditEvents.Zip"))...)
	p := &event.Principals{}
	sourcetest.BenchmarkRecords(b, []source.RecordFormat{SignInFormat(p), AuditFormat(p)}, raws)
}

// TestConcurrentNormalize runs one RecordFormat from many goroutines on
// records whose JSON text columns need the pooled flatteners (run with
// -race).
func TestConcurrentNormalize(t *testing.T) {
	f := AuditFormat(&event.Principals{})
	raws := sourcetest.Lines(t, "testdata/audit.jsonl")
	want := normalizeWith(t, f, raws)
	done := make(chan []sourcetest.Summary)
	for g := 0; g < 8; g++ {
		go func() {
			fl := jsonrec.NewFlattener()
			var got []sourcetest.Summary
			for i := 0; i < 50; i++ {
				for _, raw := range raws {
					rec, err := fl.Flatten(raw)
					if err != nil {
						panic(err)
					}
					ev := &event.Event{Fields: rec.Fields}
					if f.Normalize(&rec, ev) == nil && i == 0 {
						got = append(got, sourcetest.Summarize(ev))
					}
				}
			}
			done <- got
		}()
	}
	for g := 0; g < 8; g++ {
		got := <-done
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		if string(a) != string(b) {
			t.Errorf("concurrent results differ:\n%s\n%s", a, b)
		}
	}
}
