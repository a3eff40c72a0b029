package syslog

import (
	"bytes"
	"errors"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

func TestParseHeader(t *testing.T) {
	now := time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC)
	c := clock{now: now, loc: time.UTC}
	tests := []struct {
		line                        string
		time                        string
		host, program, pid, message string
		pri                         int
		err                         bool
	}{
		{"Aug 13 07:36:30 ubuntu sshd[33197]: Failed password", "2023-08-13T07:36:30Z", "ubuntu", "sshd", "33197", "Failed password", -1, false},
		{"Jan  9 23:59:59 h cron: x y", "2024-01-09T23:59:59Z", "h", "cron", "", "x y", -1, false},
		{"Jan 12 00:00:00 h k: rolled", "2023-01-12T00:00:00Z", "h", "k", "", "rolled", -1, false},
		{"<38>Feb  1 10:00:00.250 h sudo: m", "2023-02-01T10:00:00.25Z", "h", "sudo", "", "m", 38, false},
		{"Mar  3 01:02:03 2021 h prog[7]: m", "2021-03-03T01:02:03Z", "h", "prog", "7", "m", -1, false},
		{"Mar  3 01:02:03 sshd[7]: no host", "2023-03-03T01:02:03Z", "", "sshd", "7", "no host", -1, false},
		{"Mar  3 01:02:03 h last message repeated 2 times", "2023-03-03T01:02:03Z", "h", "", "", "last message repeated 2 times", -1, false},
		{"2022-05-11T18:10:21.5+02:00 h auoms[9]: type=X", "2022-05-11T16:10:21.5Z", "h", "auoms", "9", "type=X", -1, false},
		{"<13>1 2022-05-11T18:10:21Z h app 12 ID1 [a b=\"]\"][c] msg", "2022-05-11T18:10:21Z", "h", "app", "12", "msg", 13, false},
		{"<13>1 - - - - - -", "0001-01-01T00:00:00Z", "", "", "", "", 13, false},
		{"<13>1 2022-05-11", "", "", "", "", "", 0, true},
		{"Foo 13 07:36:30 h p: m", "", "", "", "", "", 0, true},
		{"Aug 32 07:36:30 h p: m", "", "", "", "", "", 0, true},
		{"{\"a\":1}", "", "", "", "", "", 0, true},
		{"", "", "", "", "", "", 0, true},
	}
	for _, tt := range tests {
		h, err := parseHeader(tt.line, &c)
		if (err != nil) != tt.err {
			t.Errorf("parseHeader(%q) error = %v, want error %v", tt.line, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		got := h.Time.Format(time.RFC3339Nano)
		if got != tt.time || h.Host != tt.host || h.Program != tt.program || h.PID != tt.pid || h.Message != tt.message || h.Priority != tt.pri {
			t.Errorf("parseHeader(%q) = %s %q %q %q %q %d; want %s %q %q %q %q %d", tt.line,
				got, h.Host, h.Program, h.PID, h.Message, h.Priority, tt.time, tt.host, tt.program, tt.pid, tt.message, tt.pri)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, head string
		want       bool
	}{
		{"rfc3164", "Aug 13 07:36:30 ubuntu sshd[33197]: Failed password for izy\nAug 13 07:36:31 ubuntu sshd[1]: x\n", true},
		{"rfc5424", "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed\n", true},
		{"rfc3339", "2022-05-11T18:10:21.123456+00:00 h sshd[1]: x\n", true},
		{"cut", "Aug 13 07:36:30 ubuntu sshd[33197]: Failed password for izy\nAug 13 07:3", true},
		{"auditd", "type=SYSCALL msg=audit(1600000000.123:456): arch=c000003e\n", false},
		{"json", "{\"TimeGenerated\":\"2022-05-11T18:10:21Z\",\"SyslogMessage\":\"x\"}\n", false},
		{"zeek", "#separator \\x09\n#set_separator\t,\n#fields\tts\tuid\n", false},
		{"vpcflow", "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 123456789012 eni-0a 10.0.0.1 10.0.0.2 443 49152 6 10 840 1620000000 1620000060 ACCEPT OK\n", false},
		{"app log", "2022-05-11 18:10:21 INFO starting\n", false},
		{"mostly other", "Aug 13 07:36:30 h p: x\nfoo\nbar\nbaz\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestPrograms checks the class, action, outcome and the principal, origin
// and session each program parser finds.
func TestPrograms(t *testing.T) {
	tests := []struct {
		line                         string
		class                        event.Class
		action                       string
		outcome                      event.Outcome
		targetUser, user, src, other string // entity ids; other is a session or target resource
	}{
		{"sshd[1]: Accepted publickey for alice from 10.0.0.1 port 22 ssh2: RSA SHA256:x", event.ClassLogon, "logon", event.OutcomeSuccess, "principal:h/alice", "", "ip:10.0.0.1", ""},
		{"sshd[1]: Failed none for invalid user bad guy from 10.0.0.1 port 22 ssh2", event.ClassAuth, "authenticate", event.OutcomeFailure, "principal:h/bad guy", "", "ip:10.0.0.1", ""},
		{"sshd-session[1]: Invalid user x from 2001:db8::1 port 5", event.ClassAuth, "authenticate", event.OutcomeFailure, "principal:h/x", "", "ip:2001:db8::1", ""},
		{"sshd[1]: Disconnected from user alice 10.0.0.1 port 22", event.ClassLogon, "disconnect", "", "principal:h/alice", "", "ip:10.0.0.1", ""},
		{"sshd[1]: Server listening on 0.0.0.0 port 22.", event.ClassOther, "", "", "", "", "", ""},
		{"sudo:  bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh", event.ClassLogon, "elevate", event.OutcomeFailure, "principal:h/root", "principal:h/bob", "", ""},
		{"su: + pts/1 bob:root", event.ClassLogon, "elevate", event.OutcomeSuccess, "principal:h/root", "principal:h/bob", "", ""},
		{"su: Successful su for root by bob", event.ClassLogon, "elevate", event.OutcomeSuccess, "principal:h/root", "principal:h/bob", "", ""},
		{"login[5]: pam_unix(login:auth): authentication failure; logname=LOGIN uid=0 euid=0 tty=tty1 ruser= rhost=  user=root", event.ClassAuth, "authenticate", event.OutcomeFailure, "principal:h/root", "principal:h/login", "", ""},
		{"systemd-logind[5]: New session c3 of user gdm.", event.ClassLogon, "session-open", event.OutcomeSuccess, "principal:h/gdm", "", "", "session:host:h/ses:c3"},
		{"userdel[5]: delete user 'eve'", event.ClassAccount, "delete", event.OutcomeSuccess, "principal:h/eve", "", "", ""},
		{"groupadd[5]: group added to /etc/group: name=ops, GID=1005", event.ClassAccount, "create-group", event.OutcomeSuccess, "", "", "", "resource:host:h/group:ops"},
		{"passwd[5]: password for 'eve' changed by 'root'", event.ClassAccount, "reset-password", event.OutcomeSuccess, "principal:h/eve", "principal:h/root", "", ""},
		{"chpasswd[5]: pam_unix(chpasswd:chauthtok): password changed for eve", event.ClassAccount, "reset-password", event.OutcomeSuccess, "principal:h/eve", "", "", ""},
		{"unix_chkpwd[5]: password check failed for user (eve)", event.ClassAuth, "authenticate", event.OutcomeFailure, "principal:h/eve", "", "", ""},
		{"nginx[5]: GET / 200", event.ClassOther, "", "", "", "", "", ""},
	}
	for _, tt := range tests {
		c := decodeBytes(t, "t", []byte("Jan  1 00:00:00 h "+tt.line+"\n"), Config{Year: 2024})
		if len(c.Events) != 1 || len(c.Errs) != 0 {
			t.Errorf("%q: %d events, errors %v", tt.line, len(c.Events), c.Errs)
			continue
		}
		ev := c.Events[0]
		id := func(r event.Role) string { e, _ := ev.Ref(r); return e.ID }
		other := id(event.RoleSession) + id(event.RoleTarget)
		if ev.Class != tt.class || ev.Action != tt.action || ev.Outcome != tt.outcome ||
			id(event.RoleTargetUser) != tt.targetUser || id(event.RoleUser) != tt.user || id(event.RoleSrc) != tt.src || other != tt.other {
			t.Errorf("%q:\n got %s %s %q tu=%q u=%q src=%q other=%q\nwant %s %s %q tu=%q u=%q src=%q other=%q", tt.line,
				ev.Class, ev.Action, ev.Outcome, id(event.RoleTargetUser), id(event.RoleUser), id(event.RoleSrc), other,
				tt.class, tt.action, tt.outcome, tt.targetUser, tt.user, tt.src, tt.other)
		}
	}
}

func TestEventXML(t *testing.T) {
	doc := `<Event><System><Provider Name="Linux-Sysmon" Guid="{g}"/><EventID>3</EventID><TimeCreated SystemTime="2022-05-11T18:10:20.465735000Z"/>` +
		`<EventRecordID>245754</EventRecordID><Execution ProcessID="1590" ThreadID="1591"/><Channel>Linux-Sysmon/Operational</Channel>` +
		`<Computer>UBUNTU5</Computer><Security UserId="0"/></System><EventData><Data Name="Image">/a&amp;b</Data><Data>x</Data><Data>y</Data></EventData></Event>`
	var rec winevent.Record
	if err := parseEventXML(doc, &rec); err != nil {
		t.Fatal(err)
	}
	want := winevent.Record{
		Provider: "Linux-Sysmon", EventID: 3, Channel: "Linux-Sysmon/Operational", Computer: "UBUNTU5", RecordID: 245754,
		Time: time.Date(2022, 5, 11, 18, 10, 20, 465735000, time.UTC), ProcessID: "1590", ThreadID: "1591", UserID: "0",
		Data: []event.Field{{Key: "Image", Value: "/a&b"}, {Key: "Data", Value: "x"}, {Key: "Data_2", Value: "y"}},
	}
	if rec.Provider != want.Provider || rec.EventID != want.EventID || rec.Channel != want.Channel || rec.Computer != want.Computer ||
		rec.RecordID != want.RecordID || !rec.Time.Equal(want.Time) || rec.ProcessID != want.ProcessID || rec.ThreadID != want.ThreadID ||
		rec.UserID != want.UserID || len(rec.Data) != 3 || rec.Data[0] != want.Data[0] || rec.Data[1] != want.Data[1] || rec.Data[2] != want.Data[2] {
		t.Errorf("parseEventXML =\n%+v\nwant\n%+v", rec, want)
	}
	for _, bad := range []string{"<Event><System><EventID>x</EventID>", "<Event><System", "<Event></Event>", "<Event><System><TimeCreated SystemTime=\"yesterday\"/>"} {
		if err := parseEventXML(bad, &winevent.Record{}); err == nil {
			t.Errorf("parseEventXML(%q) accepted a bad document", bad)
		}
	}
}

// TestYear checks the year of RFC 3164 stamps: configured, or from the
// clock with dates after it rolled back a year.
func TestYear(t *testing.T) {
	now := func() time.Time { return time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC) }
	data := []byte("Dec 31 23:00:00 h p: old\nJan  1 23:00:00 h p: new\n")
	c := decodeBytes(t, "y", data, Config{Now: now})
	if len(c.Events) != 2 || c.Events[0].Time.Year() != 2023 || c.Events[1].Time.Year() != 2024 {
		t.Errorf("years from the clock: %v", c.Events)
	}
	c = decodeBytes(t, "y", data, Config{Year: 2020, Location: time.FixedZone("X", 3600)})
	if len(c.Events) != 2 || !c.Events[0].Time.Equal(time.Date(2020, 12, 31, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("configured year and zone: %v", c.Events[0].Time)
	}
}

// TestBadInput feeds garbage and a 50 MB line (each an error with its
// offset) and a broken Sysmon record and a truncated audit record (kept as
// plain messages with a note); the good lines around them still decode.
func TestBadInput(t *testing.T) {
	good := "Aug 13 07:36:32 ubuntu sshd[33197]: Failed password for izy from 192.168.226.1 port 57018 ssh2\n"
	good2 := "Aug 13 07:36:33 ubuntu sshd[33197]: Accepted password for izy from 192.168.226.1 port 57018 ssh2\n"
	garbage := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(garbage)
	garbage = bytes.ReplaceAll(garbage, []byte("\n"), []byte("x"))
	tests := []struct {
		name   string
		bad    []byte
		events int
		errs   int
	}{
		{"binary", garbage, 2, 1},
		{"sysmon", []byte("Aug 13 07:36:32 ubuntu sysmon: <Event><System><EventID>1</EventID><TimeCreated SystemTime=\"bad\"/>"), 3, 0},
		{"audit", []byte("Aug 13 07:36:32 ubuntu audispd: type=SYSCALL msg=audit(16000"), 3, 0},
		{"huge line", bytes.Repeat([]byte("a"), 50<<20), 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := append(append(append([]byte(good), tt.bad...), '\n'), good2...)
			c := decodeBytes(t, "bad.log", data, Config{})
			if len(c.Events) != tt.events || len(c.Errs) != tt.errs {
				t.Fatalf("%d events, %d errors (%v); want %d and %d", len(c.Events), len(c.Errs), c.Errs, tt.events, tt.errs)
			}
			if tt.errs == 0 { // kept as a plain message, with a note saying why
				if ev := c.Events[1]; len(ev.Notes) != 1 || !strings.HasPrefix(ev.Notes[0], "kept as a plain message: decoding") {
					t.Errorf("unreadable record kept with notes %q", ev.Notes)
				}
				return
			}
			var se *source.Error
			if !errors.As(c.Errs[0], &se) || se.Offset != int64(len(good)) || se.Path != "bad.log" {
				t.Errorf("error %v, want a *source.Error at offset %d of bad.log", c.Errs[0], len(good))
			}
		})
	}
}

// TestSysmonLine checks a Sysmon for Linux record inside a syslog line: it
// becomes the Windows record (System values and EventData as fields) and
// takes its id from computer, channel and record id. Classes and entities
// are the Windows normalizer's business and are not pinned here.
func TestSysmonLine(t *testing.T) {
	data, err := os.ReadFile("testdata/sysmon.log")
	if err != nil {
		t.Fatal(err)
	}
	c := decodeBytes(t, "sysmon.log", data, Config{Year: 2023})
	if len(c.Events) != 1 || len(c.Errs) != 0 {
		t.Fatalf("%d events, errors %v", len(c.Events), c.Errs)
	}
	ev := c.Events[0]
	want := map[string]string{
		"EventID": "1", "Channel": SysmonChannel, "Computer": "web01", "EventRecordID": "77", "ProcessId": "2340",
		"CommandLine": `bash -c "echo <x> && id" A`, "Empty": "", "SelfClosed": "",
	}
	for k, v := range want {
		if got, ok := ev.Get(k); !ok || got != v {
			t.Errorf("%s = %q (present %v), want %q", k, got, ok, v)
		}
	}
	if ev.ID != event.NewID("windows", "web01", "linux-sysmon/operational", "77") {
		t.Errorf("id %s is not the Windows record id", ev.ID)
	}
	if !ev.Time.Equal(time.Date(2023, 11, 14, 22, 13, 47, 3485000, time.UTC)) {
		t.Errorf("time %v, want the record's TimeCreated", ev.Time)
	}
}
