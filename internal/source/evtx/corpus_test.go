package evtx

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// headerCount counts the records a file holds according to its chunk
// headers alone: last-first+1 event record numbers over chunks whose magic
// and header checksum are valid. It shares no code with the decoder.
func headerCount(b []byte) int {
	n := 0
	for off := 4096; off+512 <= len(b); off += 65536 {
		c := b[off:]
		if !bytes.HasPrefix(c, []byte("ElfChnk\x00")) {
			continue
		}
		crc := crc32.Update(crc32.ChecksumIEEE(c[:120]), crc32.IEEETable, c[128:512])
		if crc != binary.LittleEndian.Uint32(c[124:]) {
			continue
		}
		first, last := binary.LittleEndian.Uint64(c[8:]), binary.LittleEndian.Uint64(c[16:])
		if last >= first {
			n += int(last - first + 1)
		}
	}
	return n
}

// expectedErrors are the errors real corpus files are known to produce,
// by path relative to the corpora folder, with why.
var expectedErrors = map[string]struct {
	count  int
	reason string
}{}

func TestCorpusCounts(t *testing.T) {
	root := sourcetest.Corpora(t)
	for _, folder := range []string{"evtx-attack-samples", "sigma/regression_data"} {
		t.Run(folder, func(t *testing.T) {
			files := evtxFiles(t, filepath.Join(root, folder))
			if len(files) == 0 {
				t.Skipf("no EVTX files in %s", folder)
			}
			total, want := 0, 0
			for _, p := range files {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				rel, _ := filepath.Rel(root, p)
				c, err := decodeBytes(t, rel, b, false)
				if err != nil {
					t.Errorf("%s: %v", rel, err)
				}
				exp := expectedErrors[filepath.ToSlash(rel)]
				if len(c.errs) != exp.count {
					for _, e := range c.errs {
						t.Errorf("unexpected: %v", e)
					}
				}
				if n := headerCount(b); c.count != n {
					t.Errorf("%s: %d events, chunk headers say %d", rel, c.count, n)
				}
				total += c.count
				want += headerCount(b)
			}
			t.Logf("%s: %d files, %d events (chunk headers: %d)", folder, len(files), total, want)
		})
	}
}
