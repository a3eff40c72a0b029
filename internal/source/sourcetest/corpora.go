package sourcetest

import (
	"os"
	"path/filepath"
	"testing"
)

// CorporaDir returns the shared corpora folder: $CAUSEWAY_CORPORA when set,
// else ../shared/corpora beside the module root (the nearest folder above
// the working directory holding go.mod). It returns "" when neither is
// known, and does not check that the folder exists.
func CorporaDir() string {
	if dir := os.Getenv("CAUSEWAY_CORPORA"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared", "corpora")
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Corpora returns the shared corpora folder (see CorporaDir), or skips the
// test with a message when it is absent.
func Corpora(t testing.TB) string {
	t.Helper()
	dir := CorporaDir()
	if fi, err := os.Stat(dir); dir == "" || err != nil || !fi.IsDir() {
		t.Skipf("corpora not found (set CAUSEWAY_CORPORA): %q", dir)
	}
	return dir
}

// Corpus returns the path of rel inside the shared corpora, skipping the
// test when the corpora are absent.
func Corpus(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(Corpora(t), rel)
}
