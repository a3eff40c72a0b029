package auditd

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	sourcetest.Golden(t, filepath.Join("testdata", "golden", name+".jsonl"), got)
}

const samples = "linux/izysec-linux-audit/LogSamples"

// TestGolden pins whole events, entity ids included, for a hand-written
// login session and representative corpus files.
func TestGolden(t *testing.T) {
	pst := time.FixedZone("PST", -8*3600)
	tests := []struct {
		name, file string
		corpus     bool
		cfg        Config
	}{
		{"session", "testdata/session.log", false, Config{}},
		{"execve", samples + "/UC001.log", true, Config{Host: "ubuntu"}},
		{"file_create", samples + "/UC007.log", true, Config{Host: "ubuntu"}},
		{"file_read_denied", samples + "/UC014.log", true, Config{Host: "ubuntu"}},
		{"connect", samples + "/UC013.log", true, Config{Host: "ubuntu"}},
		{"connect_interpreted", samples + "/UC013_enriched.log", true, Config{Host: "ubuntu", Location: pst}},
		{"ssh_auth_failure", samples + "/userauth_ssh_failure_auditd.log", true, Config{Host: "ubuntu"}},
		{"no_host", samples + "/UC016.log", true, Config{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.file
			if tt.corpus {
				path = filepath.Join(sourcetest.Corpora(t), tt.file)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c := decodeBytes(t, tt.file, data, tt.cfg)
			var errs bytes.Buffer
			for _, e := range c.Errs {
				errs.WriteString(e.Error() + "\n")
			}
			checkGolden(t, tt.name, append(sourcetest.EventLines(c.Events), errs.Bytes()...))
		})
	}
}
