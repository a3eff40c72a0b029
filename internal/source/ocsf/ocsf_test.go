package ocsf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func decode(t testing.TB, data []byte) *sourcetest.Sink {
	t.Helper()
	c := &sourcetest.Sink{}
	f := source.JSONFormat([]source.RecordFormat{RecordFormat(&event.Principals{Domains: map[string]string{"CORP": "corp.example.com"}})})
	if err := f.Decode(context.Background(), sourcetest.Input("events.jsonl", data), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	c := decode(t, data)
	want := bytes.Count(data, []byte("\n"))
	if len(c.Errs) > 0 || len(c.Events) != want {
		t.Fatalf("%d events (want %d), errors %v", len(c.Events), want, c.Errs)
	}
	var b bytes.Buffer
	for _, ev := range c.Events {
		line, _ := json.Marshal(struct {
			ID       string        `json:"id"`
			Time     string        `json:"time"`
			Record   string        `json:"record,omitempty"`
			Class    event.Class   `json:"class"`
			Action   string        `json:"action"`
			Outcome  event.Outcome `json:"outcome,omitempty"`
			Refs     []event.Ref   `json:"refs"`
			BytesIn  int64         `json:"bytes_in,omitempty"`
			BytesOut int64         `json:"bytes_out,omitempty"`
		}{ev.ID.String(), ev.Time.Format(time.RFC3339Nano), ev.Source.Record, ev.Class, ev.Action, ev.Outcome, ev.Refs, ev.BytesIn, ev.BytesOut})
		b.Write(line)
		b.WriteByte('\n')
	}
	sourcetest.Golden(t, "testdata/golden.jsonl", b.Bytes())

	tests := []struct {
		i      int
		class  event.Class
		action string
		role   event.Role
		id     string
	}{
		{0, event.ClassProcess, "start", event.RoleHost, "host:ws05"},
		{0, event.ClassProcess, "start", event.RoleActor, "process:ws05/6f1d0c8b-1a2b-4c3d-8e9f-001122334455"},
		{0, event.ClassProcess, "start", event.RoleTarget, "process:ws05/6f1d0c8b-1a2b-4c3d-8e9f-aabbccddeeff"},
		{0, event.ClassProcess, "start", event.RoleImage, `file:ws05/c:\windows\system32\windowspowershell\v1.0\powershell.exe`},
		{0, event.ClassProcess, "start", event.RoleUser, "principal:alice@corp.example.com"},
		{1, event.ClassFile, "create", event.RoleTarget, "file:web-1//tmp/x.sh"},
		{1, event.ClassFile, "create", event.RoleActor, "process:web-1/pid/3101@1767607100000"},
		{1, event.ClassFile, "create", event.RoleUser, "principal:web-1/www-data"},
		{2, event.ClassNetwork, "flow", event.RoleDst, "ip:203.0.113.7:443"},
		{3, event.ClassDNS, "response", event.RoleDst, "domain:evil.example.com"},
		{3, event.ClassDNS, "response", event.RoleTarget, "ip:203.0.113.7"},
		{4, event.ClassHTTP, "request", event.RoleDst, "domain:download.example.com"},
		{4, event.ClassHTTP, "request", event.RoleUser, "principal:bob@example.com"},
		{5, event.ClassLogon, "logon", event.RoleTargetUser, "principal:administrator@corp.example.com"},
		{5, event.ClassLogon, "logon", event.RoleSrc, "ip:198.51.100.20"},
		{5, event.ClassLogon, "logon", event.RoleSession, "session:host:dc01/0x3e7abc"},
		{6, event.ClassCloudAPI, "CreateAccessKey", event.RoleUser, "principal:arn:aws:iam::123456789012:user/alice"},
		{6, event.ClassCloudAPI, "CreateAccessKey", event.RoleCredential, "credential:AKIAEXAMPLE0001"},
		{6, event.ClassCloudAPI, "CreateAccessKey", event.RoleTarget, "resource:arn:aws:iam::123456789012:user/backdoor"},
		{7, event.ClassAlert, "create", event.RoleTarget, "process:ws05/6f1d0c8b-1a2b-4c3d-8e9f-aabbccddeeff"},
		{8, event.ClassOther, "create", event.RoleUser, "principal:admin@example.com"},
	}
	for _, tt := range tests {
		ev := c.Events[tt.i]
		found := false
		for _, r := range ev.Refs {
			found = found || r.Role == tt.role && r.Entity.ID == tt.id
		}
		if ev.Class != tt.class || ev.Action != tt.action || !found {
			t.Errorf("event %d: %s/%s refs %v; want %s/%s with %s %q", tt.i, ev.Class, ev.Action, ev.Refs, tt.class, tt.action, tt.role, tt.id)
		}
	}
	if ev := c.Events[2]; ev.BytesIn != 48000 || ev.BytesOut != 1200 || ev.Outcome != event.OutcomeSuccess {
		t.Errorf("network event: in %d out %d outcome %q", ev.BytesIn, ev.BytesOut, ev.Outcome)
	}
	if ev := c.Events[5]; ev.Outcome != event.OutcomeFailure {
		t.Errorf("failed logon has outcome %q", ev.Outcome)
	}
	if got := c.Events[0].Time; !got.Equal(time.UnixMilli(1767607200123)) {
		t.Errorf("time %v", got)
	}
	if !c.Events[8].ID.IsZero() && c.Events[8].ID == c.Events[7].ID {
		t.Error("ids collide")
	}
}

func TestBadInput(t *testing.T) {
	good := `{"class_uid":4001,"activity_id":1,"time":1767607202000,"metadata":{"uid":"a"}}`
	tests := []struct {
		name   string
		in     string
		events int
		errs   int
		text   string
	}{
		{"bad class", `{"class_uid":"x","activity_id":1,"time":1,"metadata":{"uid":"a"}}` + "\n" + good, 1, 1, "reading class_uid"},
		{"no time", `{"class_uid":1007,"activity_id":1,"metadata":{"uid":"a"}}` + "\n" + good, 1, 1, "no time"},
		{"bad time", `{"class_uid":1007,"activity_id":1,"time":"soon","metadata":{"uid":"a"}}` + "\n" + good, 1, 1, "parsing time"},
		{"broken json", `{"class_uid":1007,"activity_id":` + "\n" + good, 1, 1, ""},
		{"not ocsf", `{"eventName":"x"}` + "\n" + good, 1, 1, "unrecognized"},
		{"unknown activity", `{"class_uid":1007,"activity_id":42,"time":1,"metadata":{"uid":"b"}}`, 1, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := decode(t, []byte(tt.in))
			if len(c.Events) != tt.events || len(c.Errs) != tt.errs {
				t.Fatalf("%d events, errors %v; want %d, %d", len(c.Events), c.Errs, tt.events, tt.errs)
			}
			for _, err := range c.Errs {
				var se *source.Error
				if !errors.As(err, &se) || se.Offset < 0 {
					t.Errorf("error without offset: %v", err)
				}
				if tt.text != "" && !strings.Contains(err.Error(), tt.text) {
					t.Errorf("error %q does not say %q", err, tt.text)
				}
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, l := range sourcetest.Lines(f, "testdata/events.jsonl") {
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
		if rf.Normalize(&rec, ev) == nil && (ev.Class == "" || ev.Action == "") {
			t.Fatalf("class %q action %q", ev.Class, ev.Action)
		}
	})
}

// BenchmarkDecode splits, flattens and normalizes the fixture events (no
// OCSF data is in the corpora), repeated to 9,000 records.
func BenchmarkDecode(b *testing.B) {
	one, err := os.ReadFile("testdata/events.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat(one, 1000)
	f := source.JSONFormat([]source.RecordFormat{RecordFormat(&event.Principals{})})
	if st := sourcetest.BenchmarkFormat(b, f, data); st.Errs > 0 {
		b.Fatalf("%d record errors", st.Errs)
	}
}
