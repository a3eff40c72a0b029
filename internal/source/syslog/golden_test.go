package syslog

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	sourcetest.Golden(t, filepath.Join("testdata", "golden", name+".jsonl"), got)
}

// TestGolden pins whole events, entity ids included, for a hand-written
// auth log that exercises every program parser, the header forms, audit
// records inside syslog and a Sysmon for Linux record.
func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/auth.log")
	if err != nil {
		t.Fatal(err)
	}
	c := decodeBytes(t, "auth.log", data, Config{Year: 2023})
	var errs bytes.Buffer
	for _, e := range c.Errs {
		errs.WriteString(e.Error() + "\n")
	}
	checkGolden(t, "auth", append(sourcetest.EventLines(c.Events), errs.Bytes()...))
}
