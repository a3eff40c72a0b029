package agent

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond/host"
)

func writeKey(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "agent.key")
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadKey(t *testing.T) {
	good := strings.Repeat("a1", 32)
	if k, err := LoadKey(writeKey(t, good+"\n", 0o600)); err != nil || string(k) != good {
		t.Fatalf("key %q %v", k, err)
	}
	for name, path := range map[string]string{
		"readable by others": writeKey(t, good, 0o644),
		"readable by group":  writeKey(t, good, 0o640),
		"short":              writeKey(t, "secret\n", 0o600),
		"missing":            filepath.Join(t.TempDir(), "none"),
		"unset":              "",
	} {
		if _, err := LoadKey(path); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestRun starts the agent as `causeway agent` would, on loopback, and
// locks and unlocks an account in a temporary shadow file through it:
// nothing of the machine's own is touched.
func TestRun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("skipping: the host connector needs Linux")
	}
	key := strings.Repeat("k", 40)
	shadow := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(shadow, []byte("alice:$6$x$y:19500:0:99999:7:::\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Listen: "127.0.0.1:0", KeyFile: writeKey(t, key, 0o600),
			Host:  host.Config{VaultDir: filepath.Join(t.TempDir(), "vault"), ShadowPath: shadow},
			Ready: func(a net.Addr) { ready <- a }})
	}()
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("agent stopped: %v", err)
	}
	c, err := NewClient(ClientConfig{URL: "http://" + addr.String(), Key: []byte(key)}, ClientDeps{})
	if err != nil {
		t.Fatal(err)
	}
	a := &action.Action{ID: event.NewID("lock"), Kind: action.HostLockAccount, Params: map[string]string{"account": "alice"}}
	if a.Captured, err = c.Capture(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(shadow); !strings.HasPrefix(string(b), "alice:!$6$") {
		t.Fatalf("shadow %q", b)
	}
	if err := c.Undo(ctx, a, a.Captured); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(shadow); !strings.HasPrefix(string(b), "alice:$6$") {
		t.Fatalf("shadow %q", b)
	}
	// A target with shell metacharacters is refused by the agent.
	bad := &action.Action{ID: event.NewID("bad"), Kind: action.HostLockAccount, Params: map[string]string{"account": "alice;reboot"}}
	if _, err := c.Capture(ctx, bad); err == nil || !strings.Contains(err.Error(), "invalid target") {
		t.Fatalf("metacharacters: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
