package zeek

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// golden renders events as one JSON object per line, for review and diffing.
func golden(evs []*event.Event) []byte {
	var b bytes.Buffer
	for _, ev := range evs {
		o := struct {
			ID       string        `json:"id"`
			Time     string        `json:"time"`
			Record   string        `json:"record,omitempty"`
			Class    event.Class   `json:"class"`
			Action   string        `json:"action"`
			Outcome  event.Outcome `json:"outcome,omitempty"`
			Refs     []event.Ref   `json:"refs"`
			BytesIn  int64         `json:"bytes_in,omitempty"`
			BytesOut int64         `json:"bytes_out,omitempty"`
			Notes    []string      `json:"notes,omitempty"`
			Fields   []event.Field `json:"fields"`
		}{ev.ID.String(), ev.Time.Format(time.RFC3339Nano), ev.Source.Record, ev.Class, ev.Action, ev.Outcome, ev.Refs, ev.BytesIn, ev.BytesOut, ev.Notes, ev.Fields}
		line, _ := json.Marshal(o)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	sourcetest.Golden(t, filepath.Join("testdata", "golden", name), got)
}

// TestGolden checks the normalized events of a hand-written log of every
// type, and that its JSON twin (written in four writer styles: "_path" with
// ISO times, "@stream" with "_" keys, no path at all, nested "id") gives the
// same events.
func TestGolden(t *testing.T) {
	tsv := walk(t, "testdata/mixed.log")
	js := walk(t, "testdata/mixed.json")
	if len(tsv.Errs)+len(js.Errs) > 0 {
		t.Fatalf("errors: %v %v", tsv.Errs, js.Errs)
	}
	if len(tsv.Events) != 18 || len(js.Events) != 18 {
		t.Fatalf("got %d TSV and %d JSON events, want 18", len(tsv.Events), len(js.Events))
	}
	checkGolden(t, "mixed.jsonl", golden(tsv.Events))
	for i := range tsv.Events {
		a, b := *tsv.Events[i], *js.Events[i]
		a.Source, b.Source = event.Source{}, event.Source{}
		b.Fields = withoutEnvelope(b.Fields)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("record %d differs:\nTSV  %+v\nJSON %+v\n%s", i, a, b, fieldDiff(a.Fields, b.Fields))
		}
	}
	// Entity ids that other sources must meet.
	byAction := map[string]*event.Event{}
	for _, ev := range tsv.Events {
		if k := ev.Value(keyPath) + "/" + ev.Action; byAction[k] == nil {
			byAction[k] = ev
		}
	}
	tests := []struct {
		event string
		role  event.Role
		id    string
	}{
		{"conn/flow", event.RoleSrc, "ip:10.0.0.5:49152"},
		{"conn/flow", event.RoleDst, "ip:203.0.113.7:443"},
		{"dns/query", event.RoleDst, "domain:evil.example.com"},
		{"dns/query", event.RoleTarget, "ip:203.0.113.7"},
		{"http/request", event.RoleDst, "domain:download.example.com"},
		{"http/request", event.RoleUser, "principal:bob"},
		{"ssl/tls", event.RoleDst, "domain:c2.example.com"},
		{"files/transfer", event.RoleTarget, "resource:sha256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"},
		{"smb_files/write", event.RoleTarget, `resource:smb:10.0.0.10/\\fs01\admin$\evil.exe`},
		{"kerberos/kerberos_tgs", event.RoleUser, "principal:alice@corp.example"},
		{"ntlm/ntlm", event.RoleUser, "principal:administrator@corp"},
		{"rdp/rdp", event.RoleUser, "principal:admin"},
	}
	for _, tt := range tests {
		ev := byAction[tt.event]
		if ev == nil {
			t.Errorf("no %s event", tt.event)
			continue
		}
		found := false
		for _, r := range ev.Refs {
			found = found || r.Role == tt.role && r.Entity.ID == tt.id
		}
		if !found {
			t.Errorf("%s: no %s ref %q in %v", tt.event, tt.role, tt.id, ev.Refs)
		}
	}
}

func withoutEnvelope(fs []event.Field) []event.Field {
	var out []event.Field
	for _, f := range fs {
		if !strings.HasPrefix(f.Key, "@") {
			out = append(out, f)
		}
	}
	return out
}
