package zeek

import (
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

func TestBadTSV(t *testing.T) {
	hdr := "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n" +
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\n#types\ttime\tstring\taddr\tport\taddr\tport\n"
	good := "1700000000.000001\tC1\t10.0.0.1\t1\t10.0.0.2\t2\n"
	tests := []struct {
		name    string
		in      string
		events  int
		errs    int
		errText string
	}{
		{"garbage before header", "hello world\n" + hdr + good, 1, 1, "before a complete"},
		{"wrong column count", hdr + "1700000000.0\tC2\t10.0.0.1\n" + good, 1, 1, "line has 3 columns"},
		{"unknown header", hdr + "#frobnicate\tyes\n" + good, 1, 1, "unknown header line"},
		{"bad ts", hdr + "yesterday\tC3\t10.0.0.1\t1\t10.0.0.2\t2\n" + good, 1, 1, "parsing ts"},
		{"types mismatch", "#separator \\x09\n#path\tx\n#fields\ta\tb\n#types\tstring\n1\t2\n" + hdr + good, 1, 2, "#types has 1 columns"},
		{"bad separator", "#separator tab\n#fields\tts\n#types\ttime\n1700000000.5\n", 1, 1, "bad #separator"},
		{"binary junk", hdr + "\x00\x01\x02\xff\xfe\n" + good, 1, 1, "line has 1 columns"},
		{"truncated line", hdr + good + "1700000001.0\tC4\t10.0", 1, 1, "line has 3 columns"},
		{"second log", hdr + good + "#close\t2026\n" + strings.Replace(hdr, "conn", "dns", 1) + good, 2, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := decode(t, "bad.log", []byte(tt.in))
			if len(c.Events) != tt.events || len(c.Errs) != tt.errs {
				t.Fatalf("got %d events, %d errors %v; want %d, %d", len(c.Events), len(c.Errs), c.Errs, tt.events, tt.errs)
			}
			for i, off := range c.Offsets() {
				if off < 0 || off > int64(len(tt.in)) || !strings.Contains(c.Errs[i].Error(), "bad.log at offset") {
					t.Errorf("error without a usable offset: %v", c.Errs[i])
				}
			}
			if tt.errText != "" && !strings.Contains(c.Errs[0].Error(), tt.errText) {
				t.Errorf("error %q does not say %q", c.Errs[0], tt.errText)
			}
		})
	}
	// The offset points at the bad line itself.
	in := hdr + "1700000000.0\tC2\n" + good
	c := decode(t, "bad.log", []byte(in))
	if got, want := c.Offsets(), int64(len(hdr)); len(got) != 1 || got[0] != want {
		t.Errorf("error offsets %v, want [%d]", got, want)
	}
}

func TestBadJSON(t *testing.T) {
	rf := RecordFormat()
	flat := jsonrec.NewFlattener()
	for _, raw := range []string{
		`{"_path":"conn","ts":"not a time","uid":"C1"}`,
		`{"_path":"conn","ts":true,"uid":"C1"}`,
	} {
		rec, err := flat.Flatten(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !rf.Match(&rec) {
			t.Fatalf("%s: not matched", raw)
		}
		if err := rf.Normalize(&rec, &event.Event{Fields: rec.Fields}); err == nil {
			t.Errorf("%s: no error", raw)
		}
	}
	for _, raw := range []string{`{"eventTime":"x","uid":"u"}`, `{"ts":1,"msg":"hi"}`, `{"ts":1.5,"uid":"C1","_id":"x"}`} {
		rec, _ := flat.Flatten(raw)
		if got, want := rf.Match(&rec), strings.Contains(raw, `"uid"`) && strings.Contains(raw, `"ts"`); got != want {
			t.Errorf("Match(%s) = %v", raw, got)
		}
	}
	// A stream mixing good records, broken JSON and a bad record.
	c := walk(t, "testdata/bad.json")
	if len(c.Events) != 2 || len(c.Errs) != 2 {
		t.Fatalf("got %d events, %d errors %v; want 2, 2", len(c.Events), len(c.Errs), c.Errs)
	}
	for _, off := range c.Offsets() {
		if off <= 0 {
			t.Errorf("error offset %d", off)
		}
	}
}
