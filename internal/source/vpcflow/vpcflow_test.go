package vpcflow

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func decode(t testing.TB, path string, data []byte) *sourcetest.Sink {
	t.Helper()
	var c sourcetest.Sink
	in := sourcetest.Input(path, data)
	if err := Decode(context.Background(), in, &c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &c
}

type golden struct {
	ID       string      `json:"id"`
	Offset   int64       `json:"offset"`
	Time     string      `json:"time"`
	Class    event.Class `json:"class"`
	Action   string      `json:"action"`
	Outcome  string      `json:"outcome"`
	BytesOut int64       `json:"bytes_out,omitempty"`
	Refs     []event.Ref `json:"refs"`
	Notes    []string    `json:"notes,omitempty"`
	Errors   []string    `json:"errors,omitempty"`
}

// TestGolden decodes every fixture and compares events and errors with the
// golden files. Record counts are checked against an independent count:
// non-blank lines that are not header lines.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.log"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			records := 0
			for _, line := range strings.Split(string(data), "\n") {
				if f := strings.Fields(line); len(f) > 0 && f[0] != "version" {
					records++
				}
			}
			c := decode(t, path, data)
			if len(c.Events)+len(c.Errs) != records {
				t.Errorf("%d events + %d errors, want %d records", len(c.Events), len(c.Errs), records)
			}
			var out []golden
			for _, ev := range c.Events {
				out = append(out, golden{ID: ev.ID.String(), Offset: ev.Source.Offset,
					Time: ev.Time.Format("2006-01-02T15:04:05Z07:00"), Class: ev.Class, Action: ev.Action,
					Outcome: string(ev.Outcome), BytesOut: ev.BytesOut, Refs: ev.Refs, Notes: ev.Notes})
			}
			for _, err := range c.Errs {
				var se *source.Error
				if !errors.As(err, &se) || se.Offset < 0 || se.Path != path {
					t.Errorf("error without path and offset: %v", err)
				}
				out = append(out, golden{Errors: []string{err.Error()}})
			}
			got, _ := json.MarshalIndent(out, "", "  ")
			got = append(got, '\n')
			gpath := strings.TrimSuffix(path, ".log") + ".golden"
			sourcetest.Golden(t, gpath, got)
		})
	}
}

func TestFlowSemantics(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "v5_custom.log"))
	if err != nil {
		t.Fatal(err)
	}
	c := decode(t, "v5_custom.log", data)
	if len(c.Errs) != 0 || len(c.Events) != 4 {
		t.Fatalf("%d events, errors %v", len(c.Events), c.Errs)
	}
	out := c.Events[0]
	if out.BytesOut != 1048576 || out.Outcome != event.OutcomeSuccess || out.Time.Unix() != 1714990300 {
		t.Errorf("egress flow: bytes %d, outcome %q, time %v", out.BytesOut, out.Outcome, out.Time)
	}
	if h, _ := out.Ref(event.RoleHost); h.ID != "host:i-0abc123def4567890" {
		t.Errorf("host %q", h.ID)
	}
	if s, _ := out.Ref(event.RoleSrc); s.ID != "ip:10.0.1.50:50312" {
		t.Errorf("src %q", s.ID)
	}
	if d, _ := out.Ref(event.RoleDst); d.ID != "ip:52.219.100.40:443" {
		t.Errorf("dst %q", d.ID)
	}
	if c.Events[1].Outcome != event.OutcomeFailure {
		t.Errorf("REJECT gave %q", c.Events[1].Outcome)
	}
	if h, _ := c.Events[2].Ref(event.RoleHost); h.ID != "resource:eni-0ffff0000aaaa1111" {
		t.Errorf("interface-only host ref %q", h.ID)
	}
	if c.Events[3].Action != "nodata" || len(c.Events[3].Refs) != 2 {
		t.Errorf("NODATA: action %q refs %v", c.Events[3].Action, c.Events[3].Refs)
	}
	if out.Value("pkt-dst-aws-service") != "S3" || out.Value("sublocation-id") != "" {
		t.Errorf("fields %v", out.Fields)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"v2 record", "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n", true},
		{"header", "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n", true},
		{"custom header", "vpc-id srcaddr dstaddr bytes start\n", true},
		{"blank lines first", "\n\n2 1 eni-1 - - - - - - - 1431280876 1431280934 - NODATA", true},
		{"zeek tsv", "#separator \\x09\n#set_separator\t,\n", false},
		{"syslog", "Jan  1 00:00:00 host sshd[1]: Accepted publickey for root from 10.0.0.1 port 22 ssh2\n", false},
		{"auditd", "type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=2 success=no\n", false},
		{"json", `{"version":"2","srcaddr":"1.2.3.4"}`, false},
		{"14 words", "2 a b c d e f g h i j k l m\n", false},
		{"csv", "version,account-id,interface-id,srcaddr\n", false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name, raw          string
		match              bool
		class              event.Class
		action             string
		outcome            event.Outcome
		host, src, dst     string
		bytesOut, unixTime int64
		notes              int
	}{
		{name: "full record", match: true, class: event.ClassNetwork, action: "flow", outcome: event.OutcomeSuccess,
			raw:  `{"version":5,"accountId":"111122223333","interfaceId":"eni-0a1","srcAddr":"10.0.1.50","dstAddr":"52.219.100.40","srcPort":50312,"dstPort":443,"protocol":6,"packets":12,"bytes":4096,"start":1714990300,"end":1714990360,"action":"ACCEPT","logStatus":"OK","instanceId":"i-0abc123def4567890"}`,
			host: "host:i-0abc123def4567890", src: "ip:10.0.1.50:50312", dst: "ip:52.219.100.40:443", bytesOut: 4096, unixTime: 1714990300},
		{name: "reject", match: true, class: event.ClassNetwork, action: "flow", outcome: event.OutcomeFailure,
			raw: `{"dstPort":22,"dstAddr":"10.0.0.1","srcAddr":"1.1.1.1","action":"REJECT"}`, src: "ip:1.1.1.1", dst: "ip:10.0.0.1:22"},
		{name: "null source", match: true, class: event.ClassNetwork, action: "flow",
			raw: `{"srcAddr":"null","dstAddr":"192.168.1.1","srcPort":54321,"dstPort":8080}`, dst: "ip:192.168.1.1:8080"},
		{name: "skipdata", match: true, class: event.ClassAudit, action: "skipdata", notes: 1,
			raw: `{"interfaceId":"eni-1","logStatus":"SKIPDATA","start":1431280876}`, host: "resource:eni-1", unixTime: 1431280876},
		{name: "bad values", match: true, class: event.ClassNetwork, action: "flow", notes: 3,
			raw: `{"srcAddr":"10.0.0.300","dstAddr":"10.0.0.1","dstPort":"http","start":"yesterday"}`, src: "ip:10.0.0.300", dst: "ip:10.0.0.1"},
		{name: "ocsf", raw: `{"src_endpoint":{"ip":"10.0.0.1"},"dst_endpoint":{"ip":"1.1.1.1","port":53}}`},
		{name: "zeek", raw: `{"id.orig_h":"10.0.0.1","id.resp_h":"1.1.1.1","id.resp_p":53}`},
	}
	rf := RecordFormat()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := jsonrec.NewFlattener().Flatten(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := rf.Match(&rec); got != tt.match {
				t.Fatalf("Match = %v", got)
			}
			if !tt.match {
				return
			}
			ev := &event.Event{Fields: rec.Fields}
			if err := rf.Normalize(&rec, ev); err != nil {
				t.Fatal(err)
			}
			ref := func(role event.Role) string { e, _ := ev.Ref(role); return e.ID }
			if ev.Class != tt.class || ev.Action != tt.action || ev.Outcome != tt.outcome {
				t.Errorf("class %s action %s outcome %q", ev.Class, ev.Action, ev.Outcome)
			}
			if ref(event.RoleHost) != tt.host || ref(event.RoleSrc) != tt.src || ref(event.RoleDst) != tt.dst {
				t.Errorf("refs %v", ev.Refs)
			}
			if ev.BytesOut != tt.bytesOut || len(ev.Notes) != tt.notes {
				t.Errorf("bytes %d notes %q", ev.BytesOut, ev.Notes)
			}
			if tt.unixTime != 0 && ev.Time.Unix() != tt.unixTime {
				t.Errorf("time %v", ev.Time)
			}
		})
	}
}
