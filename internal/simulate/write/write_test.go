package write

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAppendStringRoundTrips(t *testing.T) {
	for _, s := range []string{"", "plain", `C:\Windows\System32\cmd.exe`, "quote \" and \\", "tab\tnew\nline\r", "\x00\x1f\x7f", "é ü 漢字 🙂", "bad \xff utf8"} {
		var got string
		if err := json.Unmarshal(AppendString(nil, s), &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if got != want {
			t.Errorf("%q came back as %q", s, got)
		}
	}
}

func TestValueAppend(t *testing.T) {
	v := Obj(S("a", "x"), N("n", -3), B("t", true), M("z", Null()), M("o", Obj()), M("l", Arr(Num(1), Str("2"))))
	want := `{"a":"x","n":-3,"t":true,"z":null,"o":{},"l":[1,"2"]}`
	if got := string(v.Append(nil)); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestWindowsRotatesBySize(t *testing.T) {
	dir := t.TempDir()
	var st Stats
	w := NewWindows(dir, 2000, &st)
	at := time.Date(2026, 3, 9, 8, 0, 0, 123456000, time.UTC)
	for i := range 10 {
		e := &WinEvent{Time: at.Add(time.Duration(i) * time.Second), Computer: "WS01.corp.example.com", Channel: ChannelSecurity,
			EventID: 4624, Version: 2, Task: 12544, Keywords: "0x8020000000000000", ProcessID: 700, ThreadID: 800,
			Data: []Member{S("TargetUserName", "alice"), N("LogonType", 2)}}
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "ws01", "Security-*.json"))
	if len(files) < 3 || st.Files != len(files) {
		t.Fatalf("files %v, stats %+v", files, st)
	}
	var prev uint64
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 2000 {
			t.Errorf("%s has %d bytes, over the limit", f, len(data))
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var rec struct {
				Event struct {
					System struct {
						EventRecordID uint64
						TimeCreated   struct {
							Attr struct{ SystemTime string } `json:"#attributes"`
						}
					}
				}
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if id := rec.Event.System.EventRecordID; id <= prev {
				t.Errorf("record id %d after %d", id, prev)
			} else {
				prev = id
			}
			if ts := rec.Event.System.TimeCreated.Attr.SystemTime; !strings.HasSuffix(ts, ".123456Z") {
				t.Errorf("SystemTime %q", ts)
			}
		}
	}
}

func TestSeriesRotatesByPeriod(t *testing.T) {
	dir := t.TempDir()
	var st Stats
	s := NewSeries(dir, time.Hour, ZeekConnLayout, &st)
	at := time.Date(2026, 3, 9, 8, 59, 0, 0, time.UTC)
	for i := range 3 {
		c := &Conn{TS: at.Add(time.Duration(i) * time.Minute), UID: "CabcdefghijklmnopQ", OrigH: "10.0.0.1", OrigP: 5000, RespH: "10.0.0.2",
			RespP: 443, Proto: "tcp", Service: "ssl", Duration: 1500 * time.Millisecond, OrigBytes: 10, RespBytes: 20, ConnState: "SF",
			LocalOrig: true, LocalResp: true, History: "ShADadFf", OrigPkts: 3, OrigIPBytes: 130, RespPkts: 3, RespIPBytes: 140}
		if err := s.Write("conn", c.TS, AppendConn(nil, c)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"2026-03-09/conn.08:00:00-09:00:00.log.gz": 1, "2026-03-09/conn.09:00:00-10:00:00.log.gz": 2}
	for name, n := range want {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(zr)
		var data, closed int
		for sc.Scan() {
			switch line := sc.Text(); {
			case strings.HasPrefix(line, "#close\t"):
				closed++
			case !strings.HasPrefix(line, "#"):
				data++
				if fields := strings.Split(line, "\t"); len(fields) != 21 || fields[8] != "1.500000" {
					t.Errorf("line %q", line)
				}
			}
		}
		f.Close()
		if data != n || closed != 1 {
			t.Errorf("%s: %d records, %d #close lines", name, data, closed)
		}
	}
	if st.Files != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestAppendSyslog(t *testing.T) {
	at := time.Date(2026, 3, 9, 8, 5, 1, 0, time.UTC)
	got := string(AppendSyslog(nil, at, "db01", "sshd", 2042, "Accepted publickey for deploy"))
	if want := "Mar  9 08:05:01 db01 sshd[2042]: Accepted publickey for deploy\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := string(AppendSyslog(nil, at, "db01", "sudo", 0, "x")); got != "Mar  9 08:05:01 db01 sudo: x\n" {
		t.Errorf("without pid: %q", got)
	}
}
