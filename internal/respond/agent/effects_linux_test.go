//go:build linux

package agent

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/google/nftables"
	"golang.org/x/sys/unix"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond"
	"github.com/causeway-soc/causeway/internal/respond/executor"
	"github.com/causeway-soc/causeway/internal/respond/host"
)

// TestHostActionsInNamespaces applies every host action for real through
// the executor, the agent client, the authenticated channel and the agent
// in namespace A, and checks the effect on the system, then its undo.
func TestHostActionsInNamespaces(t *testing.T) {
	l := newLab(t)
	before := ownTables(t)
	t.Cleanup(func() {
		if after := ownTables(t); !slices.Equal(before, after) {
			t.Errorf("the machine's own nftables tables changed: %v -> %v", before, after)
		}
	})
	svcA := net.JoinHostPort(addrA, "8080")
	svcB := net.JoinHostPort(addrMgmt, "9090")
	l.serve(l.nsA, svcA)
	l.serve(l.nsA, "127.0.0.1:8081")
	l.echo(l.nsA, net.JoinHostPort(addrA, "8082"))
	l.serve(l.nsB, svcB)

	t.Run("isolate", func(t *testing.T) { testIsolate(t, l, svcA, svcB) })
	t.Run("block_ip", func(t *testing.T) { testBlockIP(t, l, svcA) })
	t.Run("kill_process", func(t *testing.T) { testKill(t, l) })
	t.Run("quarantine_file", func(t *testing.T) { testQuarantine(t, l) })
	t.Run("lock_account", func(t *testing.T) { testLock(t, l) })
}

func ownTables(t *testing.T) []string {
	t.Helper()
	conn, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	tables, err := conn.ListTables()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tb := range tables {
		out = append(out, tb.Name)
	}
	return out
}

// newExecutor is the engine side: an executor whose host kinds go to the
// agent client.
func newExecutor(t *testing.T, c *Client) (*executor.Executor, *executor.MemoryRecorder) {
	t.Helper()
	reg, err := executor.NewConnectors(c)
	if err != nil {
		t.Fatal(err)
	}
	rec := &executor.MemoryRecorder{}
	ex, err := executor.New(executor.Config{Dir: t.TempDir()}, executor.Deps{Connectors: reg, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	return ex, rec
}

func hostAction(kind action.Kind, fid action.Fidelity, params map[string]string) action.Action {
	return action.Action{
		ID:       action.NewID(event.NewID("incident", "netns"), kind, params[host.ParamManagement]+params[host.ParamPID]+params[host.ParamPath]+params[host.ParamAccount]+params[host.ParamIP]),
		Kind:     kind,
		Params:   params,
		Fidelity: fid,
		Decision: action.Autonomous,
		Why:      "namespace test",
	}
}

func submit(t *testing.T, ex *executor.Executor, a action.Action) action.Action {
	t.Helper()
	got, err := ex.Submit(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != action.Verified {
		t.Fatalf("state %s (%s), want verified", got.State, got.Error)
	}
	return got
}

func undo(t *testing.T, ex *executor.Executor, id event.ID) {
	t.Helper()
	got, err := ex.Undo(context.Background(), id, "analyst")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != action.Undone {
		t.Fatalf("state %s after undo", got.State)
	}
}

func testIsolate(t *testing.T, l *lab, svcA, svcB string) {
	agentAddr := net.JoinHostPort(addrA, agentPort)
	check := func(when string, want bool) {
		t.Helper()
		for _, c := range []struct {
			what string
			ok   bool
		}{
			{"B (management address) -> A service", l.reach(l.nsB, addrMgmt, svcA)},
			{"B (other address) -> A service", l.reach(l.nsB, addrOther, svcA)},
			{"A -> B service", l.reach(l.nsA, addrA, svcB)},
			{"B (other address) -> A agent port", l.connects(l.nsB, addrOther, agentAddr)},
		} {
			if c.ok != want {
				t.Errorf("%s: %s reachable = %v, want %v", when, c.what, c.ok, want)
			}
		}
		if !l.reach(l.nsA, "127.0.0.1", "127.0.0.1:8081") {
			t.Errorf("%s: loopback in A unreachable", when)
		}
	}
	check("before isolation", true)
	// A connection opened before the isolation, from the management
	// address but not to the agent, is cut too.
	held, err := l.dial(l.nsB, addrMgmt, net.JoinHostPort(addrA, "8082"), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if !roundTrip(held, "before") {
		t.Fatal("echo service does not answer before isolation")
	}

	ex, _ := newExecutor(t, l.client)
	a := submit(t, ex, hostAction(action.HostIsolate, action.Exact,
		map[string]string{host.ParamManagement: net.JoinHostPort(addrMgmt, agentPort)}))
	check("isolated", false)
	if roundTrip(held, "during") {
		t.Error("a connection opened before isolation still carries data")
	}
	// The management channel still works: a new connection from the
	// management address reaches the agent, which reads its rules back.
	if err := l.client.Verify(context.Background(), &a); err != nil {
		t.Fatalf("management channel while isolated: %v", err)
	}
	undo(t, ex, a.ID)
	check("after undo", true)
}

func testBlockIP(t *testing.T, l *lab, svcA string) {
	ex, _ := newExecutor(t, l.client)
	a := submit(t, ex, hostAction(action.HostBlockIP, action.Exact, map[string]string{host.ParamIP: addrOther}))
	if l.reach(l.nsB, addrOther, svcA) {
		t.Error("blocked address still reaches A")
	}
	if !l.reach(l.nsB, addrMgmt, svcA) {
		t.Error("an address not blocked lost A")
	}
	undo(t, ex, a.ID)
	if !l.reach(l.nsB, addrOther, svcA) {
		t.Error("unblocked address cannot reach A")
	}
}

func testKill(t *testing.T, l *lab) {
	path, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	cmd := exec.Command(path, "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ex, _ := newExecutor(t, l.client)
	a := submit(t, ex, hostAction(action.HostKillProcess, action.None,
		map[string]string{host.ParamPID: strconv.Itoa(cmd.Process.Pid)}))
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("sleep ended with %v, want killed by SIGKILL", err)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(cmd.Process.Pid)); err == nil {
		t.Error("/proc entry still there after reaping")
	}
	if _, err := ex.Undo(context.Background(), a.ID, "analyst"); !errors.Is(err, respond.ErrIrreversible) {
		t.Fatalf("undo of a kill: %v", err)
	}
}

func testQuarantine(t *testing.T, l *lab) {
	path := filepath.Join(t.TempDir(), "payload.elf")
	content := []byte("\x7fELF fake payload")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := unix.Chmod(path, 0o2755); err != nil {
		t.Fatal(err)
	}
	ex, _ := newExecutor(t, l.client)
	a := submit(t, ex, hostAction(action.HostQuarantineFile, action.Exact, map[string]string{host.ParamPath: path}))
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Fatalf("file still at its path: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(l.vault, a.ID.String(), "file")); err != nil || string(b) != string(content) {
		t.Fatalf("vault copy %q %v", b, err)
	}
	undo(t, ex, a.ID)
	b, err := os.ReadFile(path)
	if err != nil || string(b) != string(content) {
		t.Fatalf("restored %q %v", b, err)
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil || st.Mode&0o7777 != 0o2755 {
		t.Fatalf("restored mode %o %v", st.Mode&0o7777, err)
	}
}

func testLock(t *testing.T, l *lab) {
	orig, err := os.ReadFile(l.shadow)
	if err != nil {
		t.Fatal(err)
	}
	ex, _ := newExecutor(t, l.client)
	a := submit(t, ex, hostAction(action.HostLockAccount, action.Exact, map[string]string{host.ParamAccount: "mallory"}))
	if b, _ := os.ReadFile(l.shadow); string(b) != "mallory:!$6$s$h:19500:0:99999:7:::\n" {
		t.Fatalf("locked shadow %q", b)
	}
	undo(t, ex, a.ID)
	if b, _ := os.ReadFile(l.shadow); string(b) != string(orig) {
		t.Fatalf("shadow after undo %q", b)
	}
}
