//go:build linux

package host

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/respond"
)

// processCapture is what host.kill_process records before killing: enough
// to tell the process apart from a later one with the same pid, and to
// keep as evidence.
type processCapture struct {
	PID       int      `json:"pid"`
	Start     uint64   `json:"start_ticks"` // start time, clock ticks after boot
	PPID      int      `json:"ppid"`
	Cmdline   []string `json:"cmdline"`
	Exe       string   `json:"exe"`
	ExeSHA256 string   `json:"exe_sha256"`
}

// procStat is the part of /proc/PID/stat the connector reads.
type procStat struct {
	state byte
	ppid  int
	start uint64
}

// readStat reads /proc/PID/stat; fs.ErrNotExist when there is no such
// process.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	// The command name (field 2) is in parentheses and may hold anything:
	// the fields after it start past the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("parsing /proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return procStat{}, fmt.Errorf("parsing /proc/%d/stat: %d fields", pid, len(f))
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return procStat{}, fmt.Errorf("parsing /proc/%d/stat ppid: %w", pid, err)
	}
	start, err := strconv.ParseUint(f[19], 10, 64) // field 22
	if err != nil {
		return procStat{}, fmt.Errorf("parsing /proc/%d/stat start time: %w", pid, err)
	}
	return procStat{state: f[0][0], ppid: ppid, start: start}, nil
}

// gone reports whether the captured process no longer runs: no such pid,
// another process under it, or a zombie waiting to be reaped.
func gone(cp processCapture) (bool, error) {
	st, err := readStat(cp.PID)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return st.start != cp.Start || st.state == 'Z' || st.state == 'X', nil
}

func (c *Connector) killCapture(_ context.Context, a *action.Action) ([]byte, error) {
	t, err := killTarget(a)
	if err != nil {
		return nil, err
	}
	if t.pid == os.Getpid() {
		return nil, invalid("pid %d is the agent itself", t.pid)
	}
	st, err := readStat(t.pid)
	if err != nil {
		return nil, fmt.Errorf("reading process %d: %w", t.pid, err)
	}
	if t.hasStart && st.start != t.start {
		return nil, fmt.Errorf("process %d started at tick %d, not %d: another process has the pid", t.pid, st.start, t.start)
	}
	dir := "/proc/" + strconv.Itoa(t.pid)
	exe, err := os.Readlink(dir + "/exe")
	if err != nil {
		return nil, fmt.Errorf("reading executable of process %d (kernel threads are not killed): %w", t.pid, err)
	}
	sum, err := hashFile(dir + "/exe")
	if err != nil {
		return nil, fmt.Errorf("hashing executable of process %d: %w", t.pid, err)
	}
	raw, err := os.ReadFile(dir + "/cmdline")
	if err != nil {
		return nil, fmt.Errorf("reading command line of process %d: %w", t.pid, err)
	}
	cp := processCapture{PID: t.pid, Start: st.start, PPID: st.ppid, Exe: exe, ExeSHA256: sum,
		Cmdline: strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00")}
	// The process may have exited while it was read.
	if now, err := readStat(t.pid); err != nil || now.start != st.start {
		return nil, fmt.Errorf("process %d exited during capture", t.pid)
	}
	return json.Marshal(cp)
}

// killApply sends SIGKILL through a pidfd, only if the process under the
// pid is still the one captured, and waits until it has exited. A process
// already gone is success: the effect holds.
func (c *Connector) killApply(ctx context.Context, a *action.Action) error {
	var cp processCapture
	if err := decodeCapture(a.Captured, &cp); err != nil {
		return err
	}
	pidfd, err := unix.PidfdOpen(cp.PID, 0)
	if errors.Is(err, unix.ESRCH) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening pidfd of %d: %w", cp.PID, err)
	}
	defer unix.Close(pidfd)
	// The pidfd pins whatever process had the pid when it was opened; if
	// /proc now shows the captured start time, that process is the
	// captured one (it cannot have been replaced while alive).
	if done, err := gone(cp); err != nil || done {
		return err
	}
	if err := unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0); err != nil && !errors.Is(err, unix.ESRCH) {
		return fmt.Errorf("killing process %d: %w", cp.PID, err)
	}
	return waitExit(ctx, pidfd, cp.PID, c.cfg.KillWait)
}

// waitExit polls the pidfd, which becomes readable when the process exits.
func waitExit(ctx context.Context, pidfd, pid int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("waiting for process %d: %w", pid, err)
		}
		if n > 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("process %d still running %s after SIGKILL", pid, limit)
		}
	}
}

func (c *Connector) killVerify(_ context.Context, a *action.Action) error {
	var cp processCapture
	if err := decodeCapture(a.Captured, &cp); err != nil {
		return err
	}
	done, err := gone(cp)
	if err != nil {
		return err
	}
	if !done {
		return fmt.Errorf("process %d is still running", cp.PID)
	}
	return nil
}

func (c *Connector) killUndo(context.Context, *action.Action, []byte) error {
	return respond.ErrIrreversible
}

func decodeCapture(b []byte, v any) error {
	if len(b) == 0 {
		return errNoCapture
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decoding capture: %w", err)
	}
	return nil
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
