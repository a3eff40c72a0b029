//go:build linux

package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// fileCapture is what host.quarantine_file records before moving a file,
// and the sidecar (meta.json) kept beside it in the vault.
type fileCapture struct {
	Path    string    `json:"path"`
	SHA256  string    `json:"sha256"`
	Size    int64     `json:"size"`
	Mode    uint32    `json:"mode"` // permission and set-id bits, octal 07777
	UID     uint32    `json:"uid"`
	GID     uint32    `json:"gid"`
	ModTime time.Time `json:"mod_time"`
}

// The vault (mode 0700) holds one directory per action: the file, stored
// read-only and not executable (mode 0400), and its sidecar.
const (
	vaultFile    = "file"
	vaultSidecar = "meta.json"
)

func (c *Connector) vault(a *action.Action) (string, error) {
	if c.cfg.VaultDir == "" {
		return "", errors.New("no vault directory configured")
	}
	return filepath.Join(c.cfg.VaultDir, a.ID.String()), nil
}

func (c *Connector) quarantineCapture(_ context.Context, a *action.Action) ([]byte, error) {
	path, err := fileTarget(a)
	if err != nil {
		return nil, err
	}
	if c.cfg.VaultDir != "" && (path == c.cfg.VaultDir || strings.HasPrefix(path, c.cfg.VaultDir+"/")) {
		return nil, invalid("path %q is inside the vault", path)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, fi.Mode().Type())
	}
	st := fi.Sys().(*syscall.Stat_t)
	sum, err := hashFile(path)
	if err != nil {
		return nil, fmt.Errorf("hashing %s: %w", path, err)
	}
	return json.Marshal(fileCapture{Path: path, SHA256: sum, Size: fi.Size(), Mode: st.Mode & 0o7777,
		UID: st.Uid, GID: st.Gid, ModTime: fi.ModTime().UTC()})
}

// quarantineApply moves the file into the vault, if it is still the file
// captured (same hash), writing the sidecar first. Done already (file in
// the vault, path empty) is success.
func (c *Connector) quarantineApply(_ context.Context, a *action.Action) error {
	var cp fileCapture
	if err := decodeCapture(a.Captured, &cp); err != nil {
		return err
	}
	vault, err := c.vault(a)
	if err != nil {
		return err
	}
	stored := filepath.Join(vault, vaultFile)
	if _, err := os.Lstat(cp.Path); errors.Is(err, fs.ErrNotExist) {
		if sum, herr := hashFile(stored); herr == nil && sum == cp.SHA256 {
			return nil
		}
		return fmt.Errorf("%s is gone and not in the vault", cp.Path)
	}
	if sum, err := hashFile(cp.Path); err != nil || sum != cp.SHA256 {
		return fmt.Errorf("%s changed since it was captured: not moving it", cp.Path)
	}
	if err := mkdirPrivate(c.cfg.VaultDir); err != nil {
		return fmt.Errorf("creating vault: %w", err)
	}
	if err := mkdirPrivate(vault); err != nil {
		return fmt.Errorf("creating vault: %w", err)
	}
	side, _ := json.MarshalIndent(cp, "", "  ")
	if err := writeFileSync(vault, vaultSidecar, side, 0o600); err != nil {
		return fmt.Errorf("writing sidecar: %w", err)
	}
	if err := move(cp.Path, stored); err != nil {
		return fmt.Errorf("moving %s to the vault: %w", cp.Path, err)
	}
	if err := unix.Chmod(stored, 0o400); err != nil {
		return fmt.Errorf("locking vault copy: %w", err)
	}
	return syncDir(filepath.Dir(cp.Path))
}

// quarantineVerify checks the path is empty and the vault copy has the
// captured hash.
func (c *Connector) quarantineVerify(_ context.Context, a *action.Action) error {
	var cp fileCapture
	if err := decodeCapture(a.Captured, &cp); err != nil {
		return err
	}
	vault, err := c.vault(a)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(cp.Path); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s is still there", cp.Path)
	}
	sum, err := hashFile(filepath.Join(vault, vaultFile))
	if err != nil {
		return fmt.Errorf("reading vault copy: %w", err)
	}
	if sum != cp.SHA256 {
		return fmt.Errorf("vault copy of %s has hash %s, want %s", cp.Path, sum, cp.SHA256)
	}
	return nil
}

// quarantineUndo puts the file back at its path with its owner, mode and
// modification time. It never overwrites a file that took the path since.
func (c *Connector) quarantineUndo(_ context.Context, a *action.Action, captured []byte) error {
	var cp fileCapture
	if err := decodeCapture(captured, &cp); err != nil {
		return err
	}
	vault, err := c.vault(a)
	if err != nil {
		return err
	}
	stored := filepath.Join(vault, vaultFile)
	if _, err := os.Lstat(stored); errors.Is(err, fs.ErrNotExist) {
		if sum, herr := hashFile(cp.Path); herr == nil && sum == cp.SHA256 {
			return nil // restored already
		}
		return fmt.Errorf("vault copy of %s is missing", cp.Path)
	}
	if _, err := os.Lstat(cp.Path); err == nil {
		return fmt.Errorf("%s exists again: not overwriting it", cp.Path)
	}
	if sum, err := hashFile(stored); err != nil || sum != cp.SHA256 {
		return fmt.Errorf("vault copy of %s does not have the captured hash", cp.Path)
	}
	if err := move(stored, cp.Path); err != nil {
		return fmt.Errorf("restoring %s: %w", cp.Path, err)
	}
	// Owner first: chown clears the set-id bits chmod then restores.
	if err := unix.Lchown(cp.Path, int(cp.UID), int(cp.GID)); err != nil {
		return fmt.Errorf("restoring owner of %s: %w", cp.Path, err)
	}
	if err := unix.Chmod(cp.Path, cp.Mode); err != nil {
		return fmt.Errorf("restoring mode of %s: %w", cp.Path, err)
	}
	if err := os.Chtimes(cp.Path, time.Time{}, cp.ModTime); err != nil {
		return fmt.Errorf("restoring time of %s: %w", cp.Path, err)
	}
	if err := syncDir(filepath.Dir(cp.Path)); err != nil {
		return err
	}
	return os.RemoveAll(vault)
}

// move renames src to dst, or copies and removes when they are on
// different file systems.
func move(src, dst string) error {
	err := os.Rename(src, dst)
	if !errors.Is(err, unix.EXDEV) {
		return err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := writeFileSync(filepath.Dir(dst), filepath.Base(dst), b, 0o400); err != nil {
		return err
	}
	return os.Remove(src)
}

// writeFileSync writes dir/name through a synced temporary file renamed
// into place, then syncs the directory.
func writeFileSync(dir, name string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
