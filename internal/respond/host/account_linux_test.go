//go:build linux

package host

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
)

const shadowFixture = `root:$6$salt$roothash:19500:0:99999:7:::
alice:$6$salt$alicehash:19500:0:99999:7:::
bob:!$6$salt$bobhash:19500:0:99999:7:::
svc:*:19500:0:99999:7:::
`

func writeShadow(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(path, []byte(shadowFixture), 0o640); err != nil {
		t.Fatal(err)
	}
	return path
}

func shadowLine(t *testing.T, path, name string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if strings.HasPrefix(l, name+":") {
			return l
		}
	}
	t.Fatalf("no line for %s", name)
	return ""
}

func TestLockAccount(t *testing.T) {
	path := writeShadow(t)
	c := newConnector(t, Config{ShadowPath: path})
	ctx := context.Background()
	a := act(action.HostLockAccount, map[string]string{ParamAccount: "alice"})

	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "hash") {
		t.Fatalf("capture holds the password hash: %s", b)
	}
	a.Captured = b
	if err := c.Verify(ctx, a); err == nil {
		t.Fatal("verify passed before the lock")
	}
	for range 2 { // applying twice locks once
		if err := c.Apply(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if l := shadowLine(t, path, "alice"); l != "alice:!$6$salt$alicehash:19500:0:99999:7:::" {
		t.Fatalf("locked line %q", l)
	}
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Fatalf("shadow mode became %v", fi.Mode())
	}
	if err := c.Undo(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != shadowFixture {
		t.Fatalf("shadow after undo:\n%s", got)
	}
	if err := c.Undo(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != shadowFixture {
		t.Fatal("second undo changed the file")
	}
}

func TestLockAccountAlreadyLocked(t *testing.T) {
	path := writeShadow(t)
	c := newConnector(t, Config{ShadowPath: path})
	ctx := context.Background()
	a := act(action.HostLockAccount, map[string]string{ParamAccount: "bob"})
	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	var cp accountCapture
	if err := json.Unmarshal(b, &cp); err != nil || !cp.WasLocked {
		t.Fatalf("capture %s %v", b, err)
	}
	a.Captured = b
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}
	// Undo leaves an account that was locked before locked.
	if err := c.Undo(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != shadowFixture {
		t.Fatalf("shadow changed:\n%s", got)
	}
}

func TestLockAccountRefusals(t *testing.T) {
	path := writeShadow(t)
	c := newConnector(t, Config{ShadowPath: path})
	ctx := context.Background()
	for _, name := range []string{"mallory", "root", "alice;id"} {
		if _, err := c.Capture(ctx, act(action.HostLockAccount, map[string]string{ParamAccount: name})); err == nil {
			t.Errorf("capture of %q accepted", name)
		}
	}
	// A capture of another account does not undo this one.
	a := act(action.HostLockAccount, map[string]string{ParamAccount: "alice"})
	if err := c.Undo(ctx, a, []byte(`{"account":"svc","was_locked":false}`)); err == nil {
		t.Fatal("undo with another account's capture accepted")
	}
	if got, _ := os.ReadFile(path); string(got) != shadowFixture {
		t.Fatal("a refusal changed the file")
	}
}
