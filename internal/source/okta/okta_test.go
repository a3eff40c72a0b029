package okta

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

func normalizeAll(t *testing.T, raws []string) []summary {
	t.Helper()
	f := RecordFormat(&event.Principals{})
	fl := jsonrec.NewFlattener()
	var out []summary
	for i, raw := range raws {
		rec := flatten(t, fl, raw)
		if !f.Match(&rec) {
			t.Errorf("record %d does not match: %.120s", i, raw)
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
	golden(t, "fixtures.golden", normalizeAll(t, fixtureLines(t, "fixtures.jsonl")))
}

// TestPantherCorpus normalizes every Okta record of Panther's rule tests:
// as many events as the file has lines, none rejected.
func TestPantherCorpus(t *testing.T) {
	path := filepath.Join(corpora(t), "panther", "rule_tests", "Okta.SystemLog.jsonl")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(strings.TrimSpace(string(b)), "\n") + 1
	got := normalizeAll(t, pantherLogs(t, path))
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
	var pick []summary
	for _, i := range []int{0, 30, 49, 52, 60} {
		pick = append(pick, got[i])
	}
	golden(t, "panther.golden", pick)
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
			rec, err := jsonrec.NewFlattener().Flatten(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := Match(&rec); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339 in UTC, "" for a failure
	}{
		{"2024-05-02T18:46:21.121Z", "2024-05-02T18:46:21.121Z"},
		{"2024-05-02T20:46:21.121+02:00", "2024-05-02T18:46:21.121Z"},
		{"2022-03-22 14:21:53.225", "2022-03-22T14:21:53.225Z"},
		{"2020-11-25 21:27:03.496000000", "2020-11-25T21:27:03.496Z"},
		{"2021-08-02T13:32:07", "2021-08-02T13:32:07Z"},
		{"2021-08-02T13:32:07.0000000Z", "2021-08-02T13:32:07Z"},
		{"redacted", ""},
		{"2021-13-02T13:32:07Z", ""},
		{"", ""},
	} {
		got, ok := parseTime(tc.in)
		s := ""
		if ok {
			s = got.Format(time.RFC3339Nano)
		}
		if s != tc.want {
			t.Errorf("parseTime(%q) = %q, want %q", tc.in, s, tc.want)
		}
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
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f.Add(l)
	}
	rf := RecordFormat(&event.Principals{})
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

func BenchmarkNormalize(b *testing.B) {
	raws := pantherLogs(b, filepath.Join(corpora(b), "panther", "rule_tests", "Okta.SystemLog.jsonl"))
	var size int64
	for _, r := range raws {
		size += int64(len(r))
	}
	rf := RecordFormat(&event.Principals{})
	fl := jsonrec.NewFlattener()
	b.SetBytes(size / int64(len(raws)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuClock()
	for i := 0; i < b.N; i++ {
		raw := raws[i%len(raws)]
		rec, err := fl.Flatten(raw)
		if err != nil || !rf.Match(&rec) {
			b.Fatalf("record %d: %v", i%len(raws), err)
		}
		ev := &event.Event{Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, cpu0)
}
