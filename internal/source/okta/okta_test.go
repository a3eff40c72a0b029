package okta

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func normalizeAll(t *testing.T, raws []string) []sourcetest.Summary {
	t.Helper()
	return sourcetest.Summaries(sourcetest.Normalize(t, RecordFormat(&event.Principals{}), raws))
}

func TestFixturesGolden(t *testing.T) {
	sourcetest.GoldenJSON(t, "testdata/fixtures.golden", normalizeAll(t, sourcetest.Lines(t, "testdata/fixtures.jsonl")))
}

// TestPantherCorpus normalizes every Okta record of Panther's rule tests:
// as many events as the file has lines, none rejected.
func TestPantherCorpus(t *testing.T) {
	path := filepath.Join(sourcetest.Corpora(t), "panther", "rule_tests", "Okta.SystemLog.jsonl")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(strings.TrimSpace(string(b)), "\n") + 1
	got := normalizeAll(t, sourcetest.PantherLogs(t, path))
	if len(got) != lines {
		t.Fatalf("normalized %d events, file has %d lines", len(got), lines)
	}
	var timed, users, srcs int
	for _, s := range got {
		if s.Time != "" {
			timed++
		}
		for _, r := range s.Refs {
			switch r.Role {
			case event.RoleUser, event.RoleActor:
				users++
			case event.RoleSrc:
				srcs++
			}
		}
	}
	// 4 records have no published time and 4 say "redacted"; 2 have no
	// actor (users are people, actors clients and IP addresses).
	if timed != lines-8 || users != lines-2 {
		t.Errorf("timed %d, with user %d, of %d", timed, users, lines)
	}
	t.Logf("%d events, %d timed, %d with user or actor, %d origins", len(got), timed, users, srcs)
	// A few representative records: plain login, lower-cased export with a
	// session, SSO to an app, password reset.
	var pick []sourcetest.Summary
	for _, i := range []int{0, 30, 49, 52, 60} {
		pick = append(pick, got[i])
	}
	sourcetest.GoldenJSON(t, "testdata/panther.golden", pick)
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		want      bool
	}{
		{"okta", `{"eventType":"user.session.start","actor":{"alternateId":"a@b.c"}}`, true},
		{"lower-cased keys", `{"eventtype":"user.session.start","displaymessage":"x"}`, true},
		{"cloudtrail", `{"eventType":"AwsApiCall","eventName":"ListBuckets","eventSource":"s3.amazonaws.com"}`, false},
		{"dotted type but cloudtrail", `{"eventVersion":"1.08","eventType":"a.b","legacyEventType":"x"}`, false},
		{"type with spaces", `{"eventType":"user session","displayMessage":"x"}`, false},
		{"no okta key", `{"eventType":"user.session.start"}`, false},
		{"wrapped", `{"rule_id":"x","log":{"eventType":"user.session.start","displayMessage":"x"}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sourcetest.CheckMatch(t, Match, tc.raw, tc.want)
		})
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		class  event.Class
		action string
	}{
		{"user.session.start", event.ClassLogon, "logon"},
		{"user.authentication.auth_via_IDP", event.ClassAuth, "authenticate"},
		{"user.mfa.factor.reset_all", event.ClassAccount, "change-mfa"},
		{"group.user_membership.add", event.ClassAccount, "add-member"},
		{"security.threat.detected", event.ClassAlert, "detect"},
		{"system.api_token.create", event.ClassCloudAPI, "create"},
		{"system.log_stream.lifecycle.delete", event.ClassAudit, "stop-logging"},
	} {
		c, a := classify(tc.typ)
		if c != tc.class || a != tc.action {
			t.Errorf("classify(%q) = %s/%s, want %s/%s", tc.typ, c, a, tc.class, tc.action)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	sourcetest.FuzzRecordFormat(f, RecordFormat(&event.Principals{}), true, sourcetest.Lines(f, "testdata/fixtures.jsonl"))
}

func BenchmarkNormalize(b *testing.B) {
	raws := sourcetest.PantherLogs(b, filepath.Join(sourcetest.Corpora(b), "panther", "rule_tests", "Okta.SystemLog.jsonl"))
	sourcetest.BenchmarkRecords(b, []source.RecordFormat{RecordFormat(&event.Principals{})}, raws)
}
