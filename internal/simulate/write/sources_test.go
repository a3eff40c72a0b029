package write

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAuditString(t *testing.T) {
	for in, want := range map[string]string{
		"-bash":          `"-bash"`,
		"/usr/bin/sudo":  `"/usr/bin/sudo"`,
		"":               `""`,
		"tail -n 5":      "7461696C202D6E2035",
		"a\x00b":         "610062",
		`say "hi"`:       "7361792022686922",
		"(invalid user)": "28696E76616C6964207573657229",
	} {
		if got := AuditString(in); got != want {
			t.Errorf("AuditString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestAppendAudit(t *testing.T) {
	at := time.Date(2026, 3, 9, 8, 0, 1, 23_900_000, time.UTC)
	got := string(AppendAudit(nil, "db01", at, 4567, []AuditRecord{{"SYSCALL", "arch=c000003e syscall=59"}, {"CWD", `cwd="/root"`}}))
	want := "node=db01 type=SYSCALL msg=audit(1773043201.023:4567): arch=c000003e syscall=59\n" +
		"node=db01 type=CWD msg=audit(1773043201.023:4567): cwd=\"/root\"\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestAppendFlowAndLayout(t *testing.T) {
	start := time.Date(2026, 3, 9, 8, 15, 0, 0, time.UTC)
	f := &Flow{Account: "123456789012", Interface: "eni-0a93c1e5f27d4b806", Src: "172.31.18.21", Dst: "52.218.1.2", SrcPort: 40000,
		DstPort: 443, Protocol: 6, Packets: 4, Bytes: 1208, Start: start, End: start.Add(3 * time.Second)}
	if got, want := string(AppendFlow(nil, f)), "2 123456789012 eni-0a93c1e5f27d4b806 172.31.18.21 52.218.1.2 40000 443 6 4 1208 1773044100 1773044103 ACCEPT OK\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	f.Reject = true
	if got := string(AppendFlow(nil, f)); !strings.HasSuffix(got, " REJECT OK\n") {
		t.Errorf("refused flow %q", got)
	}
	key := VPCFlowKey("123456789012", "eu-west-1", "fl-0123456789abcdef0")
	name := VPCFlowLayout.Name(key, start)
	if !strings.HasPrefix(name, "AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/03/09/123456789012_vpcflowlogs_eu-west-1_fl-0123456789abcdef0_20260309T0815Z_") ||
		!strings.HasSuffix(name, ".log.gz") || len(name) != len("AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/03/09/123456789012_vpcflowlogs_eu-west-1_fl-0123456789abcdef0_20260309T0815Z_")+8+len(".log.gz") {
		t.Errorf("file name %s", name)
	}
	if VPCFlowLayout.Name(key, start) != name || VPCFlowLayout.Name(key, start.Add(VPCFlowPeriod)) == name {
		t.Error("file names are not a function of the key and period")
	}
}

func TestZeekProtocolLines(t *testing.T) {
	at := time.Date(2026, 3, 9, 8, 0, 0, 500_000_000, time.UTC)
	id := ConnID{UID: "CabcdefghijklmnopQ", OrigH: "10.0.0.5", OrigP: 50000, RespH: "10.0.0.2", RespP: 53}
	for _, c := range []struct {
		name, got string
		fields    int
		want      string
	}{
		{"dns", string(AppendDNS(nil, &DNS{TS: at, ID: id, Proto: "udp", TransID: 7, RTT: 1500 * time.Microsecond, Query: "dc01.corp.example.com",
			QType: 1, AA: true, RD: true, RA: true, Answers: []string{"10.0.0.2"}, TTLs: []time.Duration{20 * time.Minute}})), 24,
			"1773043200.500000\tCabcdefghijklmnopQ\t10.0.0.5\t50000\t10.0.0.2\t53\tudp\t7\t0.001500\tdc01.corp.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tT\tF\tT\tT\t0\t10.0.0.2\t1200.000000\tF\n"},
		{"nxdomain", string(AppendDNS(nil, &DNS{TS: at, ID: id, Proto: "udp", RTT: time.Millisecond, Query: "wpad.corp.example.com", QType: 1, RCode: 3, RD: true, RA: true})), 24, ""},
		{"http", string(AppendHTTP(nil, &HTTP{TS: at, ID: id, TransDepth: 1, Method: "GET", Host: "example.com", URI: "/a.cab", Version: "1.1",
			UserAgent: "Microsoft-CryptoAPI/10.0", ResponseBodyLen: 10, StatusCode: 200, StatusMsg: "OK", RespFUID: "Fabc", RespMIME: "application/vnd.ms-cab-compressed"})), 30, ""},
		{"ssl", string(AppendSSL(nil, &SSL{TS: at, ID: id, Version: "TLSv13", Cipher: "TLS_AES_128_GCM_SHA256", Curve: "x25519", ServerName: "example.com", Established: true, History: "CsiI"})), 18,
			"1773043200.500000\tCabcdefghijklmnopQ\t10.0.0.5\t50000\t10.0.0.2\t53\tTLSv13\tTLS_AES_128_GCM_SHA256\tx25519\texample.com\tF\t-\t-\tT\tCsiI\t(empty)\t(empty)\t-\n"},
	} {
		if n := len(strings.Split(strings.TrimSuffix(c.got, "\n"), "\t")); n != c.fields {
			t.Errorf("%s: %d fields, want %d: %q", c.name, n, c.fields, c.got)
		}
		if c.want != "" && c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
	if got := string(AppendDNS(nil, &DNS{TS: at, ID: id, Proto: "udp", RTT: time.Millisecond, Query: "x", QType: 1, RCode: 3})); !strings.Contains(got, "\t3\tNXDOMAIN\t") || !strings.HasSuffix(got, "\t-\t-\tF\n") {
		t.Errorf("NXDOMAIN line %q", got)
	}
}

func TestEntraSignInPagesAreJSON(t *testing.T) {
	dir := t.TempDir()
	var st Stats
	s := NewSeries(dir, 24*time.Hour, EntraSignInLayout, &st)
	at := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	for i := range 3 {
		rec := Obj(S("id", "x"), N("n", int64(i)), M("lat", Float(38.7167)))
		if err := s.Write("entra", at.Add(time.Duration(i)*time.Hour), rec.Append(nil)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "signIns-2026-03-09.json"))
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Context string           `json:"@odata.context"`
		Value   []map[string]any `json:"value"`
	}
	if err := json.Unmarshal(data, &page); err != nil || len(page.Value) != 3 || !strings.HasSuffix(page.Context, "#auditLogs/signIns") {
		t.Fatalf("page %s: %+v, %v", data, page, err)
	}
	if lat := page.Value[2]["lat"]; lat != 38.7167 {
		t.Errorf("latitude %v", lat)
	}
}
