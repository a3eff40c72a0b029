package entra

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// normalizeWith runs raws through f, failing on records that do not match
// or do not normalize.
func normalizeWith(t *testing.T, f source.RecordFormat, raws []string) []summary {
	t.Helper()
	fl := jsonrec.NewFlattener()
	var out []summary
	for i, raw := range raws {
		rec := flatten(t, fl, raw)
		if !f.Match(&rec) {
			t.Errorf("record %d does not match %s: %.120s", i, f.Name, raw)
			continue
		}
		ev := &event.Event{Fields: rec.Fields}
		if err := f.Normalize(&rec, ev); err != nil {
			t.Errorf("record %d: %v", i, err)
			continue
		}
		out = append(out, summarize(ev))
	}
	return out
}

func TestFixturesGolden(t *testing.T) {
	p := &event.Principals{}
	golden(t, "signin.golden", normalizeWith(t, SignInFormat(p), fixtureLines(t, "signin.jsonl")))
	golden(t, "audit.golden", normalizeWith(t, AuditFormat(p), fixtureLines(t, "audit.jsonl")))
}

// TestFormatsDisjoint checks that no fixture matches the other format.
func TestFormatsDisjoint(t *testing.T) {
	fl := jsonrec.NewFlattener()
	for _, raw := range fixtureLines(t, "signin.jsonl") {
		if rec := flatten(t, fl, raw); MatchAudit(&rec) {
			t.Errorf("sign-in matches audit: %.100s", raw)
		}
	}
	for _, raw := range fixtureLines(t, "audit.jsonl") {
		if rec := flatten(t, fl, raw); MatchSignIn(&rec) {
			t.Errorf("audit matches sign-in: %.100s", raw)
		}
	}
}

// TestPantherAzureAudit sorts Panther's Azure.Audit records (Azure Monitor
// diagnostic settings shape) by their category, computed here with
// encoding/json, and checks each is read by the right format and only it.
func TestPantherAzureAudit(t *testing.T) {
	raws := pantherLogs(t, filepath.Join(corpora(t), "panther", "rule_tests", "Azure.Audit.jsonl"))
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
		if rec := flatten(t, fl, raw); MatchAudit(&rec) {
			t.Errorf("sign-in matches audit: %.100s", raw)
		}
	}
	for _, raw := range audits {
		if rec := flatten(t, fl, raw); MatchSignIn(&rec) {
			t.Errorf("audit matches sign-in: %.100s", raw)
		}
	}
	for _, s := range append(si, au...) {
		if s.Time == "" || s.Class == "" {
			t.Errorf("record %s: no time or class", s.Record)
		}
	}
	t.Logf("%d sign-ins, %d audits", len(si), len(au))
	golden(t, "panther.golden", []summary{si[0], si[5], si[8], au[0], au[4]})
}

// TestGoldenSAML reads the Sentinel AuditLogs export of the Golden SAML
// scenario: every line is an audit event, with InitiatedBy and
// TargetResources parsed out of their JSON text.
func TestGoldenSAML(t *testing.T) {
	lines := zipLines(t, filepath.Join(corpora(t), "otrf-compound", "GoldenSAMLADFSMailAccess", "AADAuditEvents.Zip"))
	fl := jsonrec.NewFlattener()
	for _, raw := range lines {
		if rec := flatten(t, fl, raw); MatchSignIn(&rec) {
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
	golden(t, "goldensaml.golden", got)
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
	for _, name := range fixtures {
		for _, l := range fixtureLines(f, name) {
			f.Add(l)
		}
	}
	f.Fuzz(func(t *testing.T, raw string) {
		rec, err := jsonrec.NewFlattener().Flatten(raw)
		if err != nil {
			return
		}
		matched := rf.Match(&rec)
		ev := &event.Event{Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			if matched {
				t.Fatalf("matching record rejected: %v", err)
			}
			return
		}
		checkEvent(t, ev)
	})
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
	dir := corpora(b)
	raws := pantherLogs(b, filepath.Join(dir, "panther", "rule_tests", "Azure.Audit.jsonl"))
	raws = append(raws, zipLines(b, filepath.Join(dir, "otrf-compound", "GoldenSAMLADFSMailAccess", "AADAuditEvents.Zip"))...)
	var size int64
	for _, r := range raws {
		size += int64(len(r))
	}
	p := &event.Principals{}
	formats := []source.RecordFormat{SignInFormat(p), AuditFormat(p)}
	fl := jsonrec.NewFlattener()
	b.SetBytes(size / int64(len(raws)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuClock()
	for i := 0; i < b.N; i++ {
		rec, err := fl.Flatten(raws[i%len(raws)])
		if err != nil {
			b.Fatal(err)
		}
		matched := false
		for _, f := range formats {
			if f.Match(&rec) {
				ev := &event.Event{Fields: rec.Fields}
				if err := f.Normalize(&rec, ev); err != nil {
					b.Fatal(err)
				}
				matched = true
				break
			}
		}
		if !matched {
			b.Fatalf("record %d matches no format", i%len(raws))
		}
	}
	reportRates(b, cpu0)
}

// TestConcurrentNormalize runs one RecordFormat from many goroutines on
// records whose JSON text columns need the pooled flatteners (run with
// -race).
func TestConcurrentNormalize(t *testing.T) {
	f := AuditFormat(&event.Principals{})
	raws := fixtureLines(t, "audit.jsonl")
	want := normalizeWith(t, f, raws)
	done := make(chan []summary)
	for g := 0; g < 8; g++ {
		go func() {
			fl := jsonrec.NewFlattener()
			var got []summary
			for i := 0; i < 50; i++ {
				for _, raw := range raws {
					rec, err := fl.Flatten(raw)
					if err != nil {
						panic(err)
					}
					ev := &event.Event{Fields: rec.Fields}
					if f.Normalize(&rec, ev) == nil && i == 0 {
						got = append(got, summarize(ev))
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
