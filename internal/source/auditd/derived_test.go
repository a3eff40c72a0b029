package auditd

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// TestParentFields checks that an exec names its parent's executable and
// command line only when the parent's own exec came earlier in the stream.
func TestParentFields(t *testing.T) {
	const log = `type=SYSCALL msg=audit(1700000000.100:10): arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=200 uid=0 comm="bash" exe="/usr/bin/bash"
type=EXECVE msg=audit(1700000000.100:10): argc=2 a0="bash" a1="-i"
type=EOE msg=audit(1700000000.100:10):
type=SYSCALL msg=audit(1700000001.000:11): arch=c000003e syscall=59 success=yes exit=0 ppid=200 pid=201 uid=0 comm="id" exe="/usr/bin/id"
type=EXECVE msg=audit(1700000001.000:11): argc=1 a0="id"
type=EOE msg=audit(1700000001.000:11):
`
	c := decodeBytes(t, "audit.log", []byte(log), Config{Host: "web01"})
	if len(c.Events) != 2 {
		t.Fatalf("%d events, want 2", len(c.Events))
	}
	for _, k := range []string{keyParentExe, keyParentCmdline} {
		if v := c.Events[0].Value(k); v != "" {
			t.Errorf("first exec: %s = %q, want none (its parent's exec is not in the stream)", k, v)
		}
	}
	if v := c.Events[1].Value(keyParentExe); v != "/usr/bin/bash" {
		t.Errorf("%s = %q, want /usr/bin/bash", keyParentExe, v)
	}
	if v := c.Events[1].Value(keyParentCmdline); v != "bash -i" {
		t.Errorf("%s = %q, want %q", keyParentCmdline, v, "bash -i")
	}
}

func TestTargetPath(t *testing.T) {
	const log = `type=SYSCALL msg=audit(1700000002.000:12): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffc a2=241 a3=1b6 ppid=200 pid=202 uid=0 comm="sh" exe="/usr/bin/sh"
type=CWD msg=audit(1700000002.000:12): cwd="/etc/cron.d"
type=PATH msg=audit(1700000002.000:12): item=0 name="/etc/cron.d" nametype=PARENT
type=PATH msg=audit(1700000002.000:12): item=1 name="backdoor" nametype=CREATE
type=EOE msg=audit(1700000002.000:12):
`
	c := decodeBytes(t, "audit.log", []byte(log), Config{Host: "web01"})
	if len(c.Events) != 1 {
		t.Fatalf("%d events, want 1", len(c.Events))
	}
	ev := c.Events[0]
	if ev.Class != event.ClassFile || ev.Action != "create" {
		t.Errorf("class %s/%s, want file/create", ev.Class, ev.Action)
	}
	if v := ev.Value(keyTargetPath); v != "/etc/cron.d/backdoor" {
		t.Errorf("%s = %q, want /etc/cron.d/backdoor", keyTargetPath, v)
	}
}

func TestKeepCmdline(t *testing.T) {
	long := "a" + strings.Repeat("é", maxCmdline) // 2 bytes each: the cut falls inside one
	tests := []struct {
		in      string
		wantLen int
	}{
		{"bash -i", 7},
		{strings.Repeat("a", maxCmdline+10), maxCmdline},
		{long, maxCmdline - 1},
	}
	for _, tt := range tests {
		got := keepCmdline(tt.in)
		if len(got) != tt.wantLen || !utf8.ValidString(got) || !strings.HasPrefix(tt.in, got) {
			t.Errorf("keepCmdline(%.10q...) = %d bytes (valid %v), want a %d-byte prefix", tt.in, len(got), utf8.ValidString(got), tt.wantLen)
		}
	}
}
