package cloudtrail

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// normalizeRaw flattens and normalizes one JSON record as the JSON splitter
// would, and reports whether it matched.
func normalizeRaw(t testing.TB, f *jsonrec.Flattener, raw string) (*event.Event, bool) {
	t.Helper()
	rec, err := f.Flatten(raw)
	if err != nil {
		t.Fatalf("flattening: %v", err)
	}
	if !Match(&rec) {
		return nil, false
	}
	ev := &event.Event{Source: event.Source{Format: Name}, Fields: rec.Fields}
	if err := RecordFormat(nil).Normalize(&rec, ev); err != nil {
		t.Fatalf("normalizing: %v", err)
	}
	return ev, true
}

// golden is the part of an event the golden files pin down.
type golden struct {
	ID       string      `json:"id"`
	Record   string      `json:"record"`
	Time     string      `json:"time"`
	Class    event.Class `json:"class"`
	Action   string      `json:"action"`
	Outcome  string      `json:"outcome"`
	BytesIn  int64       `json:"bytes_in,omitempty"`
	BytesOut int64       `json:"bytes_out,omitempty"`
	Refs     []event.Ref `json:"refs"`
	Notes    []string    `json:"notes,omitempty"`
}

func toGolden(ev *event.Event) golden {
	id := ""
	if !ev.ID.IsZero() {
		id = ev.ID.String()
	}
	return golden{ID: id, Record: ev.Source.Record, Time: ev.Time.Format("2006-01-02T15:04:05Z07:00"),
		Class: ev.Class, Action: ev.Action, Outcome: string(ev.Outcome),
		BytesIn: ev.BytesIn, BytesOut: ev.BytesOut, Refs: ev.Refs, Notes: ev.Notes}
}

// readCase normalizes every record of testdata/cases/<name>.json.
func readCase(t *testing.T, name string) []*event.Event {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "cases", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		t.Fatal(err)
	}
	f := jsonrec.NewFlattener()
	var evs []*event.Event
	for i, raw := range raws {
		ev, ok := normalizeRaw(t, f, string(raw))
		if !ok {
			t.Fatalf("%s record %d: not recognized as CloudTrail", name, i)
		}
		evs = append(evs, ev)
	}
	return evs
}

func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("testdata", "cases", "*.json"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			var out []golden
			for _, ev := range readCase(t, name) {
				out = append(out, toGolden(ev))
			}
			got, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			gpath := filepath.Join("testdata", "cases", name+".golden")
			sourcetest.Golden(t, gpath, got)
		})
	}
}

// refID returns the id of the first entity in role whose id has prefix.
func refID(ev *event.Event, role event.Role, prefix string) string {
	for _, r := range ev.Refs {
		if r.Role == role && strings.HasPrefix(r.Entity.ID, prefix) {
			return r.Entity.ID
		}
	}
	return ""
}

// TestJoins checks the exact joins of linking-keys.md independently of the
// golden files: the created credential and session are the ones later calls
// use.
func TestJoins(t *testing.T) {
	t.Run("assume role then call", func(t *testing.T) {
		evs := readCase(t, "assume_role_then_call")
		assume, call := evs[0], evs[1]
		cred := refID(assume, event.RoleTarget, "credential:")
		sess := refID(assume, event.RoleTarget, "session:")
		if cred == "" || cred != refID(call, event.RoleCredential, "credential:") {
			t.Errorf("credential: AssumeRole created %q, call used %q", cred, refID(call, event.RoleCredential, "credential:"))
		}
		if sess == "" || sess != refID(call, event.RoleSession, "session:") {
			t.Errorf("session: AssumeRole created %q, call ran in %q", sess, refID(call, event.RoleSession, "session:"))
		}
		role := refID(assume, event.RoleTargetUser, "principal:")
		if role == "" || role != refID(call, event.RoleActor, "principal:") {
			t.Errorf("role: AssumeRole target %q, call actor %q", role, refID(call, event.RoleActor, "principal:"))
		}
	})
	t.Run("create access key then use", func(t *testing.T) {
		evs := readCase(t, "create_access_key_then_use")
		created := refID(evs[0], event.RoleTarget, "credential:")
		if created == "" || created != refID(evs[1], event.RoleCredential, "credential:") {
			t.Errorf("created %q, used %q", created, refID(evs[1], event.RoleCredential, "credential:"))
		}
		owner := refID(evs[0], event.RoleTargetUser, "principal:")
		if owner == "" || owner != refID(evs[1], event.RoleActor, "principal:") {
			t.Errorf("key owner %q, key user %q", owner, refID(evs[1], event.RoleActor, "principal:"))
		}
	})
	t.Run("instance credentials", func(t *testing.T) {
		evs := readCase(t, "instance_role_external_ip")
		host := refID(evs[1], event.RoleHost, "host:")
		if host != "host:i-0abc123def4567890" || host != refID(evs[0], event.RoleTarget, "host:") {
			t.Errorf("instance host %q, AssumeRole target %q", host, refID(evs[0], event.RoleTarget, "host:"))
		}
		if refID(evs[1], event.RoleSession, "session:") != refID(evs[0], event.RoleTarget, "session:") {
			t.Error("instance session differs from the one ec2 assumed")
		}
		if refID(evs[1], event.RoleSrc, "ip:") != "ip:185.220.101.45" {
			t.Errorf("src %q", refID(evs[1], event.RoleSrc, "ip:"))
		}
	})
	t.Run("sso user", func(t *testing.T) {
		evs := readCase(t, "console_login")
		if got := refID(evs[1], event.RoleUser, "principal:"); got != "principal:alice@corp.com" {
			t.Errorf("SSO user %q", got)
		}
		if evs[1].Class != event.ClassAudit || evs[0].Class != event.ClassLogon {
			t.Errorf("classes %s, %s", evs[0].Class, evs[1].Class)
		}
	})
	t.Run("data event bytes", func(t *testing.T) {
		ev := readCase(t, "s3_data_event")[0]
		if ev.BytesIn != 7340032 {
			t.Errorf("BytesIn = %d (bytes the caller received)", ev.BytesIn)
		}
		if refID(ev, event.RoleTarget, "resource:arn:aws:s3:::acme-finance-reports/2024/q1/payroll.csv") == "" {
			t.Errorf("no object target in %v", ev.Refs)
		}
	})
	t.Run("failure", func(t *testing.T) {
		if ev := readCase(t, "failed_call")[0]; ev.Outcome != event.OutcomeFailure {
			t.Errorf("outcome %q", ev.Outcome)
		}
	})
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want bool
	}{
		{"full record", `{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"ListBuckets"}`, true},
		{"no version", `{"eventSource":"iam.amazonaws.com","eventName":"CreateUser"}`, true},
		{"region only", `{"eventName":"DeleteObject","awsRegion":"us-east-2"}`, true},
		{"lower-case export", `{"eventname":"GetRecords","eventsource":"dynamodb.amazonaws.com"}`, true},
		{"okta", `{"eventType":"user.session.start","actor":{"alternateId":"a@b.c"},"published":"2024-01-01T00:00:00Z"}`, false},
		{"k8s audit", `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","auditID":"x"}`, false},
		{"eventName alone", `{"eventName":"x","source":"y"}`, false},
		{"foreign eventSource", `{"eventName":"x","eventSource":"github.com"}`, false},
		{"panther envelope", `{"rule_id":"x","log":{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"ListBuckets"}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sourcetest.CheckMatch(t, Match, tt.raw, tt.want)
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-05-06T10:15:02Z", "2024-05-06T10:15:02Z"},
		{"2024-06-02 19:41:40.000000000", "2024-06-02T19:41:40Z"},
		{"2020-11-05 21:21:46Z", "2020-11-05T21:21:46Z"},
		{"2024-01-01 00:00:00.000", "2024-01-01T00:00:00Z"},
		{"2024-01-01T02:00:00+02:00", "2024-01-01T00:00:00Z"},
		{"yesterday", ""},
	}
	for _, tt := range tests {
		got, ok := parseTime(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("parseTime(%q) = %v, want failure", tt.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02T15:04:05Z07:00") != tt.want {
			t.Errorf("parseTime(%q) = %v, %v; want %s", tt.in, got, ok, tt.want)
		}
	}
}

func TestIdentityHelpers(t *testing.T) {
	role, session := AssumedRoleARN("arn:aws-cn:sts::123456789012:assumed-role/Admin/alice@corp.com")
	if role != "arn:aws-cn:iam::123456789012:role/Admin" || session != "alice@corp.com" {
		t.Errorf("AssumedRoleARN = %q, %q", role, session)
	}
	for _, arn := range []string{"", "arn:aws:sts::1:assumed-role/NoSession", "assumed-role/a/b", "arn:aws:iam::1:user/x"} {
		if r, s := AssumedRoleARN(arn); r != "" || s != "" {
			t.Errorf("AssumedRoleARN(%q) = %q, %q; want nothing", arn, r, s)
		}
	}
	tests := []struct {
		name string
		f    func(string) bool
		yes  []string
		no   []string
	}{
		{"isInstanceID", isInstanceID, []string{"i-0abc123def4567890", "i-95b86090", "i-786a3A8B5C0d92eF4"}, []string{"i-", "i-xyz12345", "aws-go-sdk-1", "i-0abc123def456789"}},
		{"plausibleKey", plausibleKey, []string{"AKIA2EXAMPLEALICE001", "ASIANQQHHS551LWULIWD"}, []string{"", "1111", "REDACTED", "SAMPLE_ACCESS_KEY", "akia2examplealice001"}},
		{"looksLikeLogin", looksLikeLogin, []string{"alice@corp.com", "randomca0L529zwNAY@gmail.com"}, []string{"alice", "@corp.com", "alice@corp", "a b@c.d", "aws-go-sdk-1722375070115152000"}},
		{"knownRegion", knownRegion, []string{"us-east-1", "eu-central-2", "us-gov-west-1"}, []string{"us-north-2r", "redacted", "", "us-east-1r"}},
		{"isUUID", isUUID, []string{"3f1c2a9e-5b7d-4c1e-9a0b-7e2d4f6a8b10"}, []string{"1", "abc-123", "3f1c2a9e-5b7d-4c1e-9a0b-7e2d4f6a8b1", "3f1c2a9e_5b7d-4c1e-9a0b-7e2d4f6a8b10"}},
	}
	for _, tt := range tests {
		for _, s := range tt.yes {
			if !tt.f(s) {
				t.Errorf("%s(%q) = false", tt.name, s)
			}
		}
		for _, s := range tt.no {
			if tt.f(s) {
				t.Errorf("%s(%q) = true", tt.name, s)
			}
		}
	}
}

// TestSessionWithoutKey checks the fallback session id of role calls that
// carry no access key: role, session name and creation date.
func TestSessionWithoutKey(t *testing.T) {
	raw := `{"eventVersion":"1.08","eventSource":"ec2.amazonaws.com","eventName":"DescribeRegions","eventTime":"2024-05-06T10:00:00Z",` +
		`"userIdentity":{"type":"AssumedRole","principalId":"AROAX:bob","arn":"arn:aws:sts::111122223333:assumed-role/Dev/bob",` +
		`"sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/Dev"},"attributes":{"creationDate":"2024-05-06T09:59:00Z"}}}}`
	ev, ok := normalizeRaw(t, jsonrec.NewFlattener(), raw)
	if !ok {
		t.Fatal("not matched")
	}
	s, _ := ev.Ref(event.RoleSession)
	if s.ID != "session:aws/arn:aws:iam::111122223333:role/dev/bob@2024-05-06t09:59:00z" || s.Name != "arn:aws:iam::111122223333:role/Dev/bob" {
		t.Errorf("session %+v", s)
	}
	if _, ok := ev.Ref(event.RoleCredential); ok {
		t.Error("credential without a key")
	}
}
