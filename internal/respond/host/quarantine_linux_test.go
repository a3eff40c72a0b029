//go:build linux

package host

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/causeway-soc/causeway/internal/model/action"
)

func TestQuarantineFile(t *testing.T) {
	dir := t.TempDir()
	vault := filepath.Join(t.TempDir(), "vault")
	c := newConnector(t, Config{VaultDir: vault})
	ctx := context.Background()

	path := filepath.Join(dir, "dropper.bin")
	content := []byte("#!/bin/sh\necho pwned\n")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := unix.Chmod(path, 0o4751); err != nil { // setuid and exec bits must come back
		t.Fatal(err)
	}
	mtime := time.Date(2025, 7, 1, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		uid, gid = 1234, 5678
		if err := os.Chown(path, uid, gid); err != nil {
			t.Fatal(err)
		}
		if err := unix.Chmod(path, 0o4751); err != nil { // chown cleared setuid
			t.Fatal(err)
		}
	}

	a := act(action.HostQuarantineFile, map[string]string{ParamPath: path})
	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Captured = b
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("file still at its path: %v", err)
	}
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}
	// The vault keeps the file, not executable, and a sidecar saying where
	// it came from.
	stored := filepath.Join(vault, a.ID.String(), vaultFile)
	fi, err := os.Stat(stored)
	if err != nil || fi.Mode().Perm() != 0o400 {
		t.Fatalf("vault copy: %v %v", fi, err)
	}
	side, err := os.ReadFile(filepath.Join(vault, a.ID.String(), vaultSidecar))
	if err != nil {
		t.Fatal(err)
	}
	var sc fileCapture
	if err := json.Unmarshal(side, &sc); err != nil {
		t.Fatal(err)
	}
	if sc.Path != path || sc.Mode != 0o4751 || int(sc.UID) != uid || int(sc.GID) != gid || sc.Size != int64(len(content)) {
		t.Fatalf("sidecar %+v", sc)
	}
	if vi, _ := os.Stat(vault); vi.Mode().Perm() != 0o700 {
		t.Fatalf("vault mode %v", vi.Mode())
	}
	// Idempotent.
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}

	if err := c.Undo(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != string(content) {
		t.Fatalf("restored content %q %v", got, err)
	}
	fi, _ = os.Stat(path)
	st := fi.Sys().(*syscall.Stat_t)
	if st.Mode&0o7777 != 0o4751 || int(st.Uid) != uid || int(st.Gid) != gid || !fi.ModTime().Equal(mtime) {
		t.Fatalf("restored mode %o owner %d:%d time %v", st.Mode&0o7777, st.Uid, st.Gid, fi.ModTime())
	}
	if err := c.Verify(ctx, a); err == nil {
		t.Fatal("verify passed after undo")
	}
	if _, err := os.Stat(filepath.Join(vault, a.ID.String())); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("vault entry kept after restore")
	}
	if err := c.Undo(ctx, a, b); err != nil {
		t.Fatalf("second undo: %v", err)
	}
}

func TestQuarantineRefusals(t *testing.T) {
	dir := t.TempDir()
	vault := filepath.Join(t.TempDir(), "vault")
	c := newConnector(t, Config{VaultDir: vault})
	ctx := context.Background()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("v1"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := act(action.HostQuarantineFile, map[string]string{ParamPath: path})
	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Captured = b

	// Changed since the capture: not moved.
	if err := os.WriteFile(path, []byte("v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ctx, a); err == nil {
		t.Fatal("a file changed since capture was moved")
	}
	if err := os.WriteFile(path, []byte("v1"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	// Undo never overwrites a file that took the path since.
	if err := os.WriteFile(path, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Undo(ctx, a, b); err == nil {
		t.Fatal("undo overwrote a new file")
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Fatalf("new file changed to %q", got)
	}

	// Symlinks, directories and the vault itself are refused.
	link := filepath.Join(dir, "link")
	if err := os.Symlink("/etc/passwd", link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, dir, filepath.Join(vault, "x")} {
		if _, err := c.Capture(ctx, act(action.HostQuarantineFile, map[string]string{ParamPath: p})); err == nil {
			t.Errorf("capture of %s accepted", p)
		}
	}
}
