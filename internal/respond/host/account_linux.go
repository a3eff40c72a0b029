//go:build linux

package host

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// accountCapture is what host.lock_account records: whether the password
// was locked already. The password hash itself is never captured.
type accountCapture struct {
	Account   string `json:"account"`
	WasLocked bool   `json:"was_locked"`
}

// lockPrefix is what usermod -L puts in front of the password hash.
const lockPrefix = "!"

func (c *Connector) lockCapture(ctx context.Context, a *action.Action) ([]byte, error) {
	name, err := accountTarget(a)
	if err != nil {
		return nil, err
	}
	var cp accountCapture
	err = c.editShadow(ctx, name, func(pw []byte) ([]byte, bool) {
		cp = accountCapture{Account: name, WasLocked: bytes.HasPrefix(pw, []byte(lockPrefix))}
		return nil, false
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(cp)
}

func (c *Connector) lockApply(ctx context.Context, a *action.Action) error {
	name, err := accountTarget(a)
	if err != nil {
		return err
	}
	return c.editShadow(ctx, name, func(pw []byte) ([]byte, bool) {
		if bytes.HasPrefix(pw, []byte(lockPrefix)) {
			return nil, false
		}
		return append([]byte(lockPrefix), pw...), true
	})
}

func (c *Connector) lockVerify(ctx context.Context, a *action.Action) error {
	name, err := accountTarget(a)
	if err != nil {
		return err
	}
	locked := false
	err = c.editShadow(ctx, name, func(pw []byte) ([]byte, bool) {
		locked = bytes.HasPrefix(pw, []byte(lockPrefix))
		return nil, false
	})
	if err == nil && !locked {
		err = fmt.Errorf("account %s is not locked", name)
	}
	return err
}

// lockUndo removes the lock this action added; an account that was locked
// before stays locked.
func (c *Connector) lockUndo(ctx context.Context, a *action.Action, captured []byte) error {
	var cp accountCapture
	if err := decodeCapture(captured, &cp); err != nil {
		return err
	}
	name, err := accountTarget(a)
	if err != nil {
		return err
	}
	if cp.Account != name {
		return fmt.Errorf("capture is of account %s, not %s", cp.Account, name)
	}
	if cp.WasLocked {
		return nil
	}
	return c.editShadow(ctx, name, func(pw []byte) ([]byte, bool) {
		if !bytes.HasPrefix(pw, []byte(lockPrefix)) {
			return nil, false
		}
		return pw[len(lockPrefix):], true
	})
}

// editShadow finds the account's line in the shadow file, under the
// password file lock, and hands its password field to edit. When edit
// returns true the file is rewritten with the new field, atomically and
// with the same mode and owner.
func (c *Connector) editShadow(ctx context.Context, name string, edit func(pw []byte) ([]byte, bool)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	unlock, err := lockPasswd(ctx, filepath.Join(filepath.Dir(c.cfg.ShadowPath), ".pwd.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	data, err := os.ReadFile(c.cfg.ShadowPath)
	if err != nil {
		return fmt.Errorf("reading shadow file: %w", err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	for i, line := range lines {
		fields := bytes.SplitN(line, []byte(":"), 3)
		if len(fields) < 3 || string(fields[0]) != name {
			continue
		}
		pw, changed := edit(fields[1])
		if !changed {
			return nil
		}
		lines[i] = bytes.Join([][]byte{fields[0], pw, fields[2]}, []byte(":"))
		return rewrite(c.cfg.ShadowPath, bytes.Join(lines, nil))
	}
	return fmt.Errorf("account %s not in %s", name, c.cfg.ShadowPath)
}

// rewrite replaces a file through a temporary file given the original's
// mode and owner before it is renamed over it.
func rewrite(path string, data []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	st := fi.Sys().(*syscall.Stat_t)
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-shadow-*")
	if err != nil {
		return fmt.Errorf("writing shadow file: %w", err)
	}
	defer os.Remove(f.Name())
	err = errors.Join(f.Chmod(fi.Mode().Perm()), f.Chown(int(st.Uid), int(st.Gid)))
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing shadow file: %w", err)
	}
	return syncDir(dir)
}

// lockPasswd takes the write lock lckpwdf(3) takes on .pwd.lock, so that
// passwd, usermod and Causeway never write the shadow file at once. It
// gives up after 15 s, as lckpwdf does.
func lockPasswd(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening password lock: %w", err)
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0}
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EACCES) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("locking %s: held by another program", path)
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}
