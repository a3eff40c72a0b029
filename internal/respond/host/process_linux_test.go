//go:build linux

package host

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/respond"
)

func newConnector(t *testing.T, cfg Config) *Connector {
	t.Helper()
	c, err := New(cfg, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startSleep starts a real process the test can kill; it is reaped (and
// killed if still there) at cleanup.
func startSleep(t *testing.T) *exec.Cmd {
	t.Helper()
	path, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	cmd := exec.Command(path, "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

func TestKillProcess(t *testing.T) {
	c := newConnector(t, Config{})
	ctx := context.Background()
	cmd := startSleep(t)
	a := act(action.HostKillProcess, map[string]string{ParamPID: strconv.Itoa(cmd.Process.Pid)})

	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	var cp processCapture
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatal(err)
	}
	want, _ := hashFile(cmd.Path)
	if cp.PID != cmd.Process.Pid || cp.PPID != os.Getpid() || cp.ExeSHA256 != want ||
		len(cp.Cmdline) != 2 || cp.Cmdline[1] != "300" || cp.Start == 0 || cp.Exe == "" {
		t.Fatalf("capture %+v", cp)
	}
	a.Captured = b
	if err := c.Verify(ctx, a); err == nil {
		t.Fatal("verify passed before the kill")
	}
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	// Apply returned after the process exited: it is a zombie until this
	// test, its parent, reaps it, and Verify already counts it gone.
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("process ended with %v, want SIGKILL", err)
	}
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}
	// Applying again once it is gone is a success that does nothing.
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Undo(ctx, a, b); !errors.Is(err, respond.ErrIrreversible) {
		t.Fatalf("undo: %v", err)
	}
}

// TestKillChecksStartTime: a pid now held by another process instance
// (simulated with a capture whose start time differs) is never signalled.
func TestKillChecksStartTime(t *testing.T) {
	c := newConnector(t, Config{})
	ctx := context.Background()
	cmd := startSleep(t)
	pid := strconv.Itoa(cmd.Process.Pid)
	st, err := readStat(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	// The planner pinned another start time: capture refuses.
	a := act(action.HostKillProcess, map[string]string{ParamPID: pid, ParamStart: strconv.FormatUint(st.start+1, 10)})
	if _, err := c.Capture(ctx, a); err == nil {
		t.Fatal("capture accepted a process with another start time")
	}
	// The right start time is accepted.
	a.Params[ParamStart] = strconv.FormatUint(st.start, 10)
	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	// The captured process "exited" and the pid was reused.
	var cp processCapture
	_ = json.Unmarshal(b, &cp)
	cp.Start++
	a.Captured, _ = json.Marshal(cp)
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the process under the reused pid was signalled: %v", err)
	}
}

func TestKillRefusals(t *testing.T) {
	c := newConnector(t, Config{})
	ctx := context.Background()
	self := act(action.HostKillProcess, map[string]string{ParamPID: strconv.Itoa(os.Getpid())})
	if _, err := c.Capture(ctx, self); !errors.Is(err, ErrInvalid) {
		t.Fatalf("killing the agent itself: %v", err)
	}
	if err := c.Apply(ctx, act(action.HostKillProcess, map[string]string{ParamPID: "4242"})); err == nil {
		t.Fatal("apply without a capture accepted")
	}
	// A pid with no process (pid_max is at most 2^22).
	if _, err := c.Capture(ctx, act(action.HostKillProcess, map[string]string{ParamPID: "4194304"})); err == nil {
		t.Fatal("capture of a missing process accepted")
	}
}

func TestReadStatOddCommandName(t *testing.T) {
	// The command name may hold spaces and parentheses; fields are read
	// after the last ')'.
	path, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	link := t.TempDir() + "/a) (b"
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(link, "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	st, err := readStat(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if st.ppid != os.Getpid() || st.start == 0 {
		t.Fatalf("stat %+v", st)
	}
}
