package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerifyCommand(t *testing.T) {
	path := writeLog(t, 5, nil)
	var out bytes.Buffer
	if err := VerifyCommand(&out, path, nil, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"records    5 verified (seq 1 to 5), plain SHA-256 chain", "first      2026-03-04T10:00:01Z", "last       2026-03-04T10:00:05Z", "chain      OK, head seq 5 "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	rewrite(t, path, func(l []string) []string { return append(l[:2], l[3:]...) })
	out.Reset()
	err := VerifyCommand(&out, path, nil, false)
	if !errors.Is(err, ErrChainBroken) {
		t.Fatalf("broken chain: %v", err)
	}
	if want := "chain      BROKEN at seq 3 (line 3): deleted: seq 4 found where 3 was expected"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}

	out.Reset()
	if err := VerifyCommand(&out, path, nil, true); !errors.Is(err, ErrChainBroken) {
		t.Fatalf("broken chain, JSON: %v", err)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, out.String())
	}
	if rep.OK || rep.BadSeq != 3 || rep.Problem != Deleted || rep.Records != 2 || rep.Path != path {
		t.Errorf("JSON report %+v", rep)
	}

	keyed := writeLog(t, 2, testKey)
	out.Reset()
	if err := VerifyCommand(&out, keyed, testKey, false); err != nil || !strings.Contains(out.String(), "keyed HMAC-SHA256 chain") {
		t.Errorf("keyed: %v\n%s", err, out.String())
	}
	if err := VerifyCommand(&out, filepath.Join(t.TempDir(), "none.log"), nil, false); err == nil || errors.Is(err, ErrChainBroken) {
		t.Errorf("missing file: %v", err)
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "key")
	os.WriteFile(good, append(testKey, '\n'), 0o600)
	if k, err := LoadKey(good); err != nil || !bytes.Equal(k, testKey) {
		t.Errorf("LoadKey: %q %v", k, err)
	}
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("abc\n"), 0o600)
	if _, err := LoadKey(short); err == nil {
		t.Error("a 3-byte key was accepted")
	}
	if _, err := LoadKey(filepath.Join(dir, "none")); err == nil {
		t.Error("a missing key file was accepted")
	}
}
