package gcpaudit

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// pantherLogs returns the "log" object of each line of the Panther tests.
func pantherLogs(t testing.TB) []string {
	t.Helper()
	return sourcetest.PantherLogs(t, sourcetest.Corpus(t, "panther/rule_tests/GCP.AuditLog.jsonl"))
}

// isAuditEntry decides independently of the reader whether a test record
// is an audit log entry: it has a protoPayload object (any case) or lives in
// a cloudaudit log.
func isAuditEntry(t testing.TB, raw string) bool {
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range m {
		if _, ok := v.(map[string]any); ok && strings.EqualFold(k, "protoPayload") {
			return true
		}
		if s, ok := v.(string); ok && strings.EqualFold(k, "logName") && strings.Contains(s, "cloudaudit.googleapis.com") {
			return true
		}
	}
	return false
}

func TestPantherCorpus(t *testing.T) {
	logs := pantherLogs(t)
	rf := RecordFormat(&event.Principals{})
	flat := jsonrec.NewFlattener()
	want, got := 0, 0
	for i, raw := range logs {
		rec, err := flat.Flatten(raw)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		audit := isAuditEntry(t, raw)
		if audit {
			want++
		}
		if rf.Match(&rec) != audit {
			t.Errorf("line %d: Match = %v, want %v: %.200s", i+1, !audit, audit, raw)
			continue
		}
		if !audit {
			continue // fragments such as {"methodName": ...}: not entries
		}
		ev := &event.Event{Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			t.Errorf("line %d: %v", i+1, err)
			continue
		}
		got++
		if ev.Class != event.ClassCloudAPI || ev.Action == "" {
			t.Errorf("line %d: class %q action %q", i+1, ev.Class, ev.Action)
		}
		if email := rec.Value("protoPayload.authenticationInfo.principalEmail"); email != "" {
			if u, _ := ev.Ref(event.RoleUser); u.ID != "principal:"+strings.ToLower(email) {
				t.Errorf("line %d: user %q for %q", i+1, u.ID, email)
			}
		}
		if ip := rec.Value("protoPayload.requestMetadata.callerIp"); ip != "" {
			if s, _ := ev.Ref(event.RoleSrc); s.Name != ip && s.Name == "" {
				t.Errorf("line %d: src %v for %q", i+1, s, ip)
			}
		}
	}
	if got != want || want < 150 {
		t.Errorf("normalized %d entries, want %d of %d lines", got, want, len(logs))
	}
	t.Logf("%d lines, %d audit entries normalized, %d fragments rejected", len(logs), got, len(logs)-want)
}

// TestWalker reads the Panther file through the real walker, which unwraps
// {"log": {...}}: every audit entry is an event, every fragment an error.
func TestWalker(t *testing.T) {
	logs := pantherLogs(t)
	want := 0
	for _, raw := range logs {
		if isAuditEntry(t, raw) {
			want++
		}
	}
	c := sourcetest.Walk(t, walkFormats(), sourcetest.Corpus(t, "panther/rule_tests/GCP.AuditLog.jsonl"))
	if len(c.Events) != want || len(c.Errs) != len(logs)-want {
		t.Errorf("got %d events, %d errors; want %d, %d", len(c.Events), len(c.Errs), want, len(logs)-want)
	}
	for _, err := range c.Errs {
		if !strings.Contains(err.Error(), "offset") {
			t.Errorf("error without offset: %v", err)
		}
	}
}

// walkFormats is what the walker reads GCP audit logs with.
func walkFormats() []source.Format {
	return []source.Format{source.JSONFormat([]source.RecordFormat{RecordFormat(&event.Principals{})})}
}

func TestGolden(t *testing.T) {
	c := sourcetest.Walk(t, walkFormats(), "testdata/audit.jsonl")
	if len(c.Errs) > 0 || len(c.Events) != 3 {
		t.Fatalf("%d events, errors %v", len(c.Events), c.Errs)
	}
	var b bytes.Buffer
	for _, ev := range c.Events {
		line, _ := json.Marshal(struct {
			ID      string        `json:"id"`
			Time    string        `json:"time"`
			Record  string        `json:"record"`
			Class   event.Class   `json:"class"`
			Action  string        `json:"action"`
			Outcome event.Outcome `json:"outcome"`
			Refs    []event.Ref   `json:"refs"`
			Notes   []string      `json:"notes,omitempty"`
		}{ev.ID.String(), ev.Time.Format(time.RFC3339Nano), ev.Source.Record, ev.Class, ev.Action, ev.Outcome, ev.Refs, ev.Notes})
		b.Write(line)
		b.WriteByte('\n')
	}
	sourcetest.Golden(t, "testdata/golden.jsonl", b.Bytes())
	// Spot checks of what the golden file holds.
	tests := []struct {
		i       int
		role    event.Role
		id      string
		outcome event.Outcome
	}{
		{0, event.RoleUser, "principal:deployer@prod-123.iam.gserviceaccount.com", event.OutcomeSuccess},
		{0, event.RoleCredential, "credential://iam.googleapis.com/projects/prod-123/serviceAccounts/deployer@prod-123.iam.gserviceaccount.com/keys/0123abcd", event.OutcomeSuccess},
		{0, event.RoleSrc, "ip:198.51.100.23", event.OutcomeSuccess},
		{1, event.RoleUser, "principal:alice@example.com", event.OutcomeFailure},
		{1, event.RoleTarget, "resource://storage.googleapis.com/projects/_/buckets/payroll/objects/2026.csv", event.OutcomeFailure},
		{2, event.RoleUser, "principal:runner@prod-123.iam.gserviceaccount.com", event.OutcomeSuccess},
		{2, event.RoleActor, "principal:bob@example.com", event.OutcomeSuccess},
	}
	for _, tt := range tests {
		ev := c.Events[tt.i]
		found := false
		for _, r := range ev.Refs {
			found = found || r.Role == tt.role && r.Entity.ID == tt.id
		}
		if !found || ev.Outcome != tt.outcome {
			t.Errorf("event %d: want %s %q and %q, have %v %q", tt.i, tt.role, tt.id, tt.outcome, ev.Refs, ev.Outcome)
		}
	}
	if got := c.Events[2].Time; !got.Equal(time.Date(2026, 1, 5, 18, 6, 0, 5e8, time.UTC)) {
		t.Errorf("time %v", got)
	}
	if len(c.Events[2].Notes) != 1 {
		t.Errorf("gce-internal-ip not flagged: %v", c.Events[2].Notes)
	}
}

func TestBadInput(t *testing.T) {
	rf := RecordFormat(&event.Principals{})
	flat := jsonrec.NewFlattener()
	tests := []struct {
		raw   string
		match bool
		err   bool
	}{
		{`{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","methodName":"m"},"timestamp":"yesterday"}`, true, true},
		{`{"logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","timestamp":"2026-13-01T00:00:00Z"}`, true, true},
		{`{"protoPayload":{"methodName":"m","serviceName":"s"}}`, true, false},
		{`{"protoPayload":{"@type":"type.googleapis.com/google.appengine.logging.v1.RequestLog","methodName":"GET"}}`, false, false},
		{`{"protoPayload":{"status":{"code":3}}}`, false, false},
		{`{"eventName":"AssumeRole","eventSource":"sts.amazonaws.com"}`, false, false},
	}
	for _, tt := range tests {
		rec, err := flat.Flatten(tt.raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := rf.Match(&rec); got != tt.match {
			t.Errorf("Match(%s) = %v", tt.raw, got)
		}
		if !tt.match {
			continue
		}
		err = rf.Normalize(&rec, &event.Event{Fields: rec.Fields})
		if (err != nil) != tt.err {
			t.Errorf("Normalize(%s) error %v, want error %v", tt.raw, err, tt.err)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, l := range sourcetest.Lines(f, "testdata/audit.jsonl") {
		f.Add(l)
	}
	rf := RecordFormat(&event.Principals{})
	flat := jsonrec.NewFlattener()
	f.Fuzz(func(t *testing.T, raw string) {
		rec, err := flat.Flatten(raw)
		if err != nil || !rf.Match(&rec) {
			return
		}
		ev := &event.Event{Fields: rec.Fields}
		if rf.Normalize(&rec, ev) == nil && ev.Class != event.ClassCloudAPI {
			t.Fatalf("class %q", ev.Class)
		}
	})
}

// BenchmarkDecode splits, flattens and normalizes the Panther audit entries
// (unwrapped, one per line).
func BenchmarkDecode(b *testing.B) {
	var data []byte
	for _, raw := range pantherLogs(b) {
		if isAuditEntry(b, raw) {
			data = append(append(data, raw...), '\n')
		}
	}
	f := source.JSONFormat([]source.RecordFormat{RecordFormat(&event.Principals{})})
	if st := sourcetest.BenchmarkFormat(b, f, data); st.Errs > 0 {
		b.Fatalf("%d record errors", st.Errs)
	}
}
