package auditd

import (
	"bytes"
	"errors"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"raw", "type=SYSCALL msg=audit(1600000000.123:456): arch=c000003e syscall=59\n", true},
		{"node", "node=web01 type=EOE msg=audit(1600000000.123:456): \n", true},
		{"interpreted", "type=PROCTITLE msg=audit(02/01/2023 04:39:34.901:30777) : proctitle=python x\n", true},
		{"ausearch", "----\ntime->Mon Feb  6 13:26:53 2023\ntype=CWD msg=audit(1675718813.802:35194): cwd=\"/\"\n", true},
		{"auoms", "type=AUOMS_EXECVE audit(1652292621.986:84138): SchemaVersion=\"1\"\n", true},
		{"json", `{"SyslogMessage":"type=SYSCALL msg=audit(1600000000.123:456): x"}` + "\n", false},
		{"syslog", "Aug 13 07:36:30 ubuntu audispd: type=SYSCALL msg=audit(1600000000.123:456): x\n", false},
		{"zeek", "#separator \\x09\n#set_separator\t,\n", false},
		{"vpcflow", "version account-id interface-id srcaddr dstaddr\n2 123456789012 eni-1 10.0.0.1 10.0.0.2\n", false},
		{"no stamp", "type=SYSCALL arch=c000003e\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDecodeSaddr(t *testing.T) {
	tests := []struct {
		in     string
		family string
		addr   string
		port   int
		path   string
	}{
		{"020000357F0001010000000000000000", "inet", "127.0.1.1", 53, ""},
		{"020001BB2D9AFD990000000000000000", "inet", "45.154.253.153", 443, ""},
		{"0A0001BB00000000200106B80000000000000000000000010000000000", "inet6", "2001:6b8::1", 443, ""},
		{"0A00005000000000" + "00000000000000000000FFFFC0A80101" + "00000000", "inet6", "192.168.1.1", 80, ""},
		{"01002F72756E2F6E7363642F736F636B657400", "local", "", 0, "/run/nscd/socket"},
		{"0100006162630000", "local", "", 0, "@abc"},
		{"00000000000000000000000000000000", "unspec", "", 0, ""},
		{"10000000", "netlink", "", 0, ""},
		{"inet host:45.154.253.153 serv:443", "inet", "45.154.253.153", 443, ""},
		{"saddr_fam=inet6 laddr=::1 lport=22", "inet6", "::1", 22, ""},
		{"local /run/x", "local", "", 0, "/run/x"},
		{"unknown family(0)", "unspec", "", 0, ""},
	}
	for _, tt := range tests {
		sa, ok := decodeSaddr(tt.in)
		if !ok || sa.family != tt.family || sa.addr != tt.addr || sa.port != tt.port || sa.path != tt.path {
			t.Errorf("decodeSaddr(%q) = %+v, %v; want %s %s %d %s", tt.in, sa, ok, tt.family, tt.addr, tt.port, tt.path)
		}
	}
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		line, node, typ, stamp string
		err                    bool
	}{
		{"type=SYSCALL msg=audit(1600000000.123:456): a=b", "", "SYSCALL", "1600000000.123:456", false},
		{"node=h1 type=1400 audit(1600000000.5:7): x", "h1", "AVC", "1600000000.500:7", false},
		{"type=UNKNOWN[1327] msg=audit(1600000000.123:456): proctitle=6C73", "", "PROCTITLE", "1600000000.123:456", false},
		{"type=CWD msg=audit(09/13/2020 12:26:40.123:456) : cwd=/", "", "CWD", "1600000000.123:456", false},
		{"type=SYSCALL msg=audit(1600000000.123): x", "", "", "", true},
		{"type=SYSCALL msg=audit(1600000000.123:456", "", "", "", true},
		{"type=SYSCALL msg=audit(abc:456): x", "", "", "", true},
		{"hello", "", "", "", true},
	}
	for _, tt := range tests {
		h, err := parseHeader(tt.line, time.UTC)
		if (err != nil) != tt.err {
			t.Errorf("parseHeader(%q) error = %v, want error %v", tt.line, err, tt.err)
			continue
		}
		if err == nil && (h.node != tt.node || h.typ != tt.typ || h.stamp != tt.stamp) {
			t.Errorf("parseHeader(%q) = %q %q %q, want %q %q %q", tt.line, h.node, h.typ, h.stamp, tt.node, tt.typ, tt.stamp)
		}
	}
}

func TestParseBodyDecodes(t *testing.T) {
	line := `type=USER_CMD msg=audit(1600000000.123:456): pid=1 uid=1000 msg='cwd="/home/a" cmd=636174202F6574632F736861646F77 exe="/usr/bin/sudo" terminal=pts/0 res=success'` + "\x1d" + `UID="alice"`
	h, err := parseHeader(line, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range parseBody(nil, &h) {
		got[f.Key] = f.Value
	}
	want := map[string]string{"cmd": "cat /etc/shadow", "cwd": "/home/a", "res": "success", "UID": "alice", "pid": "1"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if _, ok := got["msg"]; ok {
		t.Error("msg='...' kept whole, want it opened into fields")
	}
}

// TestLineage checks parent links through the pid table: the actor of a
// process start is the process the parent's own exec started.
func TestLineage(t *testing.T) {
	data, err := os.ReadFile("testdata/session.log")
	if err != nil {
		t.Fatal(err)
	}
	c := decodeBytes(t, "session.log", data, Config{})
	starts := map[string]*event.Event{} // exe -> start event
	for _, ev := range c.Events {
		if ev.Class == event.ClassProcess && ev.Action == "start" {
			starts[ev.Value("exe")] = ev
		}
	}
	ref := func(ev *event.Event, r event.Role) string {
		if ev == nil {
			t.Fatal("missing process start")
		}
		e, _ := ev.Ref(r)
		return e.ID
	}
	bash, curl, dash := starts["/usr/bin/bash"], starts["/usr/bin/curl"], starts["/usr/bin/dash"]
	if ref(curl, event.RoleActor) != ref(bash, event.RoleTarget) || ref(dash, event.RoleActor) != ref(bash, event.RoleTarget) {
		t.Errorf("children of bash name their parent %s and %s, want %s", ref(curl, event.RoleActor), ref(dash, event.RoleActor), ref(bash, event.RoleTarget))
	}
	if got, want := ref(bash, event.RoleActor), "process:web01/pid/2201@unknown"; got != want {
		t.Errorf("bash's parent = %s, want %s (exec not seen)", got, want)
	}
	if got, want := ref(curl, event.RoleParent), "process:web01/pid/2201@unknown"; got != want {
		t.Errorf("curl's grandparent = %s, want %s", got, want)
	}
	if got := dash.Value("cmdline"); got != "/bin/sh /tmp/x.sh" {
		t.Errorf("split EXECVE argument joined to %q", got)
	}
	for _, ev := range c.Events {
		if ev.Class == event.ClassFile {
			if got := ref(ev, event.RoleActor); got != ref(curl, event.RoleTarget) {
				t.Errorf("file write actor = %s, want curl %s", got, ref(curl, event.RoleTarget))
			}
		}
	}
}

// TestSessionLinks checks that the login, the processes of its session and
// the account changes made in it share the session id.
func TestSessionLinks(t *testing.T) {
	data, err := os.ReadFile("testdata/session.log")
	if err != nil {
		t.Fatal(err)
	}
	c := decodeBytes(t, "session.log", data, Config{})
	want := "session:host:web01/ses:7"
	n := 0
	for _, ev := range c.Events {
		ses, ok := ev.Ref(event.RoleSession)
		uid := ev.Value("auid") == "1001" || ev.Value("ses") == "7"
		if uid && (!ok || ses.ID != want) {
			t.Errorf("%s %s (ses=7) has session %q, want %q", ev.Class, ev.Action, ses.ID, want)
		}
		if ok {
			n++
		}
	}
	if n < 10 {
		t.Errorf("%d events carry the session, want at least 10", n)
	}
}

// TestWindow interleaves more events than the window holds, without EOE.
func TestWindow(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 10; i++ { // SYSCALL of events 0..9, then CWD of each
		b.WriteString("type=SYSCALL msg=audit(1600000000.000:" + strconv.Itoa(i) + "): arch=c000003e syscall=2 success=yes exit=3 a0=1 a1=0 items=1 ppid=1 pid=" + strconv.Itoa(100+i) + " uid=0\n")
	}
	for i := 0; i < 10; i++ {
		b.WriteString("type=CWD msg=audit(1600000000.000:" + strconv.Itoa(i) + "): cwd=\"/\"\n")
	}
	c := decodeBytes(t, "w", []byte(b.String()), Config{Window: 4})
	if len(c.Errs) != 0 {
		t.Fatalf("errors: %v", c.Errs)
	}
	late := 0
	for _, ev := range c.Events {
		for _, n := range ev.Notes {
			if n == noteLate {
				late++
			}
		}
	}
	if len(c.Events) != 20 || late != 10 {
		t.Errorf("window 4: %d events, %d noted late; want 20 and 10 (every event split in two)", len(c.Events), late)
	}
	c = decodeBytes(t, "w", []byte(b.String()), Config{Window: 16})
	if len(c.Events) != 10 {
		t.Errorf("window 16: %d events, want 10", len(c.Events))
	}
}

// TestBadInput feeds garbage, truncated records and a 50 MB line: each is
// an error with its offset, and the good records around them still decode.
func TestBadInput(t *testing.T) {
	good := "type=SYSCALL msg=audit(1600000000.000:1): arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=2 uid=0 exe=\"/bin/ls\"\n"
	good2 := "type=USER_AUTH msg=audit(1600000001.000:2): pid=3 uid=0 msg='op=PAM:authentication acct=\"bob\" res=failed'\n"
	garbage := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(garbage)
	garbage = bytes.ReplaceAll(garbage, []byte("\n"), []byte("x"))
	tests := []struct {
		name   string
		bad    []byte
		events int
	}{
		{"binary", garbage, 2},
		{"truncated stamp", []byte("type=SYSCALL msg=audit(1600000000.000:3"), 2},
		{"truncated header", []byte("node=web01"), 2},
		{"no type", []byte("msg=audit(1600000000.000:4): a=b"), 2},
		{"huge line", bytes.Repeat([]byte("a"), 50<<20), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := append(append(append([]byte(good), tt.bad...), '\n'), good2...)
			c := decodeBytes(t, "bad.log", data, Config{})
			if len(c.Events) != tt.events {
				t.Errorf("%d events, want %d", len(c.Events), tt.events)
			}
			if len(c.Errs) != 1 {
				t.Fatalf("%d errors, want 1: %v", len(c.Errs), c.Errs)
			}
			var se *source.Error
			if !errors.As(c.Errs[0], &se) || se.Offset != int64(len(good)) || se.Path != "bad.log" {
				t.Errorf("error %v, want a *source.Error at offset %d of bad.log", c.Errs[0], len(good))
			}
		})
	}
}
