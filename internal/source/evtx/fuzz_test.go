package evtx

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// fuzzSeeds are small corpus files of different shapes (Sysmon, Security,
// UserData, several chunks) read at test time, not copied into the repo.
var fuzzSeeds = []string{
	"evtx-attack-samples/Execution/sysmon_zipexec.evtx",
	"evtx-attack-samples/Credential Access/4794_DSRM_password_change_t1098.evtx",
	"evtx-attack-samples/Defense Evasion/DE_1102_security_log_cleared.evtx",
	"evtx-attack-samples/Lateral Movement/LM_WMI_4624_4688_TargetHost.evtx",
}

// used cuts a file after the records of its first chunk: the decoder reads
// a truncated chunk up to the cut, and small seeds keep the fuzzer fast.
func used(b []byte) []byte {
	if len(b) < headerSize+chunkHeaderSize {
		return b
	}
	end := headerSize + int(binary.LittleEndian.Uint32(b[headerSize+48:]))
	return b[:min(max(end, headerSize+chunkHeaderSize), len(b), headerSize+16<<10)]
}

func FuzzDecode(f *testing.F) {
	f.Add(used(synthFile(templateRecord, rawRecord)))
	f.Add(used(synthFile(rawRecord)))
	if root := sourcetest.CorporaDir(); root != "" {
		for _, s := range fuzzSeeds {
			if b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(s))); err == nil {
				f.Add(used(b))
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeBytes(t, "fuzz.evtx", b, false)
		if err != nil {
			if se := (*source.Error)(nil); !errors.As(err, &se) || se.Path != "fuzz.evtx" {
				t.Fatalf("stream error %v is not a located source.Error", err)
			}
		}
		for _, e := range c.errs {
			if e.Path != "fuzz.evtx" || e.Offset < 0 || e.Offset > int64(len(b)) {
				t.Fatalf("badly located error: %v", e)
			}
			if strings.Contains(e.Error(), "panic") {
				t.Fatalf("decoder panicked: %v", e)
			}
		}
	})
}
