package host

import (
	"errors"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

func act(kind action.Kind, params map[string]string) *action.Action {
	return &action.Action{ID: event.NewID("t", string(kind)), Kind: kind, Params: params}
}

func TestTargetsRefused(t *testing.T) {
	tests := []struct {
		name string
		a    *action.Action
	}{
		{"no management", act(action.HostIsolate, nil)},
		{"management without port", act(action.HostIsolate, map[string]string{ParamManagement: "10.0.0.1"})},
		{"management port 0", act(action.HostIsolate, map[string]string{ParamManagement: "10.0.0.1:0"})},
		{"management loopback", act(action.HostIsolate, map[string]string{ParamManagement: "127.0.0.1:22"})},
		{"management hostname", act(action.HostIsolate, map[string]string{ParamManagement: "engine:7443"})},
		{"management with command", act(action.HostIsolate, map[string]string{ParamManagement: "10.0.0.1:22;reboot"})},
		{"pid missing", act(action.HostKillProcess, nil)},
		{"pid with command", act(action.HostKillProcess, map[string]string{ParamPID: "12; rm -rf /"})},
		{"pid substitution", act(action.HostKillProcess, map[string]string{ParamPID: "$(id)"})},
		{"pid negative", act(action.HostKillProcess, map[string]string{ParamPID: "-1"})},
		{"pid signed", act(action.HostKillProcess, map[string]string{ParamPID: "+12"})},
		{"pid leading zero", act(action.HostKillProcess, map[string]string{ParamPID: "012"})},
		{"pid init", act(action.HostKillProcess, map[string]string{ParamPID: "1"})},
		{"pid huge", act(action.HostKillProcess, map[string]string{ParamPID: "99999999999"})},
		{"pid hex", act(action.HostKillProcess, map[string]string{ParamPID: "0x10"})},
		{"start not numeric", act(action.HostKillProcess, map[string]string{ParamPID: "12", ParamStart: "12a"})},
		{"path relative", act(action.HostQuarantineFile, map[string]string{ParamPath: "tmp/x"})},
		{"path not clean", act(action.HostQuarantineFile, map[string]string{ParamPath: "/tmp/../etc/passwd"})},
		{"path trailing slash", act(action.HostQuarantineFile, map[string]string{ParamPath: "/tmp/x/"})},
		{"path root", act(action.HostQuarantineFile, map[string]string{ParamPath: "/"})},
		{"path backtick", act(action.HostQuarantineFile, map[string]string{ParamPath: "/tmp/`id`"})},
		{"path glob", act(action.HostQuarantineFile, map[string]string{ParamPath: "/tmp/*"})},
		{"path pipe", act(action.HostQuarantineFile, map[string]string{ParamPath: "/tmp/a|b"})},
		{"path space", act(action.HostQuarantineFile, map[string]string{ParamPath: "/tmp/a b"})},
		{"path newline", act(action.HostQuarantineFile, map[string]string{ParamPath: "/tmp/a\nb"})},
		{"path nul", act(action.HostQuarantineFile, map[string]string{ParamPath: "/tmp/a\x00b"})},
		{"path quote", act(action.HostQuarantineFile, map[string]string{ParamPath: "/tmp/a'b"})},
		{"account upper", act(action.HostLockAccount, map[string]string{ParamAccount: "Alice"})},
		{"account root", act(action.HostLockAccount, map[string]string{ParamAccount: "root"})},
		{"account colon", act(action.HostLockAccount, map[string]string{ParamAccount: "a:b"})},
		{"account semicolon", act(action.HostLockAccount, map[string]string{ParamAccount: "a;id"})},
		{"account dollar", act(action.HostLockAccount, map[string]string{ParamAccount: "pc$"})},
		{"account too long", act(action.HostLockAccount, map[string]string{ParamAccount: strings.Repeat("a", 33)})},
		{"account domain", act(action.HostLockAccount, map[string]string{ParamAccount: `corp\alice`})},
		{"ip missing", act(action.HostBlockIP, nil)},
		{"ip cidr", act(action.HostBlockIP, map[string]string{ParamIP: "10.0.0.0/8"})},
		{"ip zone", act(action.HostBlockIP, map[string]string{ParamIP: "fe80::1%eth0"})},
		{"ip unspecified", act(action.HostBlockIP, map[string]string{ParamIP: "0.0.0.0"})},
		{"ip loopback", act(action.HostBlockIP, map[string]string{ParamIP: "::1"})},
		{"ip with command", act(action.HostBlockIP, map[string]string{ParamIP: "1.2.3.4 && id"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			switch tt.a.Kind {
			case action.HostIsolate:
				_, err = isolateTarget(tt.a)
			case action.HostKillProcess:
				_, err = killTarget(tt.a)
			case action.HostQuarantineFile:
				_, err = fileTarget(tt.a)
			case action.HostLockAccount:
				_, err = accountTarget(tt.a)
			case action.HostBlockIP:
				_, err = blockTarget(tt.a)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
}

func TestTargetsAccepted(t *testing.T) {
	if ap, err := isolateTarget(act(action.HostIsolate, map[string]string{ParamManagement: "[fd00::1]:7443"})); err != nil || ap.Port() != 7443 {
		t.Fatalf("ipv6 management: %v %v", ap, err)
	}
	if p, err := killTarget(act(action.HostKillProcess, map[string]string{ParamPID: "4242", ParamStart: "123456"})); err != nil || p.pid != 4242 || !p.hasStart || p.start != 123456 {
		t.Fatalf("pid: %+v %v", p, err)
	}
	// The target entity's name stands in for a missing parameter where
	// the kinds match.
	a := act(action.HostQuarantineFile, nil)
	a.Target = event.File(event.Host("web1"), "/tmp/dropper.bin", false)
	if p, err := fileTarget(a); err != nil || p != "/tmp/dropper.bin" {
		t.Fatalf("file target: %q %v", p, err)
	}
	a = act(action.HostBlockIP, nil)
	a.Target = event.IP("::ffff:203.0.113.7")
	if ip, err := blockTarget(a); err != nil || ip.String() != "203.0.113.7" {
		t.Fatalf("ip target: %v %v", ip, err)
	}
	a = act(action.HostLockAccount, nil)
	a.Target = event.Entity{Kind: event.KindFile, Name: "alice"}
	if _, err := accountTarget(a); !errors.Is(err, ErrInvalid) {
		t.Fatal("a file entity accepted as an account")
	}
	if n, err := accountTarget(act(action.HostLockAccount, map[string]string{ParamAccount: "svc-backup.01"})); err != nil || n != "svc-backup.01" {
		t.Fatalf("account: %q %v", n, err)
	}
}

// FuzzTargets checks that whatever a parameter holds, an accepted value
// never carries a shell metacharacter or a control character.
func FuzzTargets(f *testing.F) {
	for _, s := range []string{"/tmp/x", "10.0.0.1", "alice", "1234", "/tmp/$(id)", "a;b", "10.0.0.1:22"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		check := func(got string) {
			if strings.ContainsAny(got, shellMeta) || strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("accepted %q", got)
			}
		}
		if p, err := cleanPath("path", v); err == nil {
			check(p)
		}
		if n, err := parseAccount(v); err == nil {
			check(n)
		}
		if _, err := parsePID(v); err == nil {
			check(v)
		}
		if _, err := parseAddr("ip", v); err == nil {
			check(v)
		}
		if ap, err := parseAddrPort("m", v); err == nil {
			check(strings.NewReplacer("[", "", "]", "").Replace(v))
			if ap.Addr().Zone() != "" || ap.Port() == 0 {
				t.Fatalf("accepted %q", v)
			}
		}
	})
}
