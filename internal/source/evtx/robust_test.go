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

// recordOffsets lists the file offsets of the records of the chunk at off,
// walking the size fields (test-side, independent of the decoder).
func recordOffsets(b []byte, off int) []int {
	var out []int
	end := off + int(binary.LittleEndian.Uint32(b[off+48:]))
	for pos := off + 512; pos+24 <= end; pos += int(binary.LittleEndian.Uint32(b[pos+4:])) {
		out = append(out, pos)
	}
	return out
}

// checkErrors verifies every reported error names the path and an offset
// inside the file, and that none is a recovered panic.
func checkErrors(t *testing.T, c *collect, path string, size int) {
	t.Helper()
	for _, e := range c.errs {
		if e.Path != path || e.Offset < 0 || e.Offset >= int64(size) || e.Format != "evtx" {
			t.Errorf("badly located error: %+v", e)
		}
		if strings.Contains(e.Error(), "panic") {
			t.Errorf("decoder panicked: %v", e)
		}
	}
}

func TestCorrupted(t *testing.T) {
	p := filepath.Join(sourcetest.Corpora(t), "evtx-attack-samples", "Execution", "sysmon_zipexec.evtx")
	orig, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("corpus file missing: %v", err)
	}
	recs := recordOffsets(orig, headerSize)
	if len(orig) != headerSize+chunkSize || len(recs) != 8 {
		t.Fatalf("corpus file changed: %d bytes, %d records", len(orig), len(recs))
	}
	last := recs[len(recs)-1]
	tests := []struct {
		name      string
		mutate    func(b []byte) []byte
		events    int
		errOffset []int64 // offsets of the expected errors, in order
		stream    bool    // Decode itself fails
	}{
		{"intact", func(b []byte) []byte { return b }, 8, nil, false},
		{"truncated in file header", func(b []byte) []byte { return b[:100] }, 0, nil, true},
		{"truncated in chunk header", func(b []byte) []byte { return b[:headerSize+300] }, 0, []int64{headerSize}, false},
		{"truncated mid-record", func(b []byte) []byte { return b[:recs[3]+10] }, 3,
			[]int64{headerSize, int64(recs[3])}, false},
		{"file header checksum", func(b []byte) []byte { b[50] ^= 0xff; return b }, 8, []int64{0}, false},
		{"chunk header checksum", func(b []byte) []byte { b[headerSize+100] ^= 0xff; return b }, 8,
			[]int64{headerSize}, false},
		{"bad chunk magic", func(b []byte) []byte { b[headerSize] = 'X'; return b }, 0, []int64{headerSize}, false},
		{"zeroed chunk", func(b []byte) []byte { clear(b[headerSize:]); return b }, 0, []int64{headerSize}, false},
		{"bad record magic", func(b []byte) []byte { b[recs[2]] = 0; return b }, 7,
			[]int64{headerSize, int64(recs[2])}, false},
		{"bad record size", func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[recs[2]+4:], 0xffff)
			return b
		}, 7, []int64{headerSize, int64(recs[2])}, false},
		{"garbage record body", func(b []byte) []byte {
			size := int(binary.LittleEndian.Uint32(b[last+4:]))
			for i := last + 24; i < last+size-4; i++ {
				b[i] = 0xff
			}
			return b
		}, 7, []int64{headerSize, int64(last)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.mutate(append([]byte(nil), orig...))
			c, err := decodeBytes(t, "x.evtx", b, true)
			if (err != nil) != tt.stream {
				t.Fatalf("stream error %v", err)
			}
			if err != nil {
				if se := (*source.Error)(nil); !errors.As(err, &se) || se.Path != "x.evtx" {
					t.Errorf("stream error %v is not a located source.Error", err)
				}
			}
			checkErrors(t, c, "x.evtx", len(b))
			if c.count != tt.events {
				t.Errorf("%d events, want %d", c.count, tt.events)
			}
			var got []int64
			for _, e := range c.errs {
				got = append(got, e.Offset)
			}
			if len(got) != len(tt.errOffset) {
				t.Fatalf("errors %v, want offsets %v", c.errs, tt.errOffset)
			}
			for i := range got {
				if got[i] != tt.errOffset[i] {
					t.Errorf("error %d at %d, want %d: %v", i, got[i], tt.errOffset[i], c.errs[i])
				}
			}
		})
	}
}

// TestEveryByteFlipped flips each meaningful byte of a synthetic file in
// turn: the decoder must neither panic nor report an unlocated error.
func TestEveryByteFlipped(t *testing.T) {
	orig := synthFile(templateRecord, rawRecord)
	used := headerSize + int(binary.LittleEndian.Uint32(orig[headerSize+48:]))
	for i := 0; i < used; i++ {
		if i == 128 {
			i = headerSize // the rest of the file header is padding
		}
		b := append([]byte(nil), orig...)
		b[i] ^= 0x5a
		c, _ := decodeBytes(t, "flip.evtx", b, false)
		checkErrors(t, c, "flip.evtx", len(b))
		if c.count+len(c.errs) == 0 && i >= headerSize {
			t.Errorf("byte %d: nothing decoded and nothing reported", i)
		}
	}
}

// expansionBomb is a record whose template refers 100 times to a nested
// BinXML value whose template refers 100 times to the next one, 6 deep:
// 10^12 expansions unless the work budget stops it.
func expansionBomb(x *bx) {
	var level func(depth int) val
	level = func(depth int) val {
		return nested(func(x *bx) {
			x.instance(func(x *bx) {
				x.open("Data", false)
				x.closeStart()
				for range 100 {
					if depth < 6 {
						x.sub(0, typeBinXML)
					} else {
						x.sub(0, typeString)
					}
				}
				x.end()
			}, []val{func() val {
				if depth < 6 {
					return level(depth + 1)
				}
				return raw(typeString, utf16le("boom"))
			}()})
		})
	}
	x.fragmentHeader()
	x.instance(func(x *bx) {
		x.open("Event", false)
		x.closeStart()
		x.open("EventData", false)
		x.closeStart()
		x.sub(0, typeBinXML)
		x.end()
		x.end()
	}, []val{level(1)})
}

func TestExpansionBomb(t *testing.T) {
	c, err := decodeBytes(t, "bomb.evtx", synthFile(expansionBomb, rawRecord), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.count != 1 || len(c.errs) != 1 || !strings.Contains(c.errs[0].Error(), "budget") {
		t.Errorf("%d events, errors %v; want the bomb reported and the next record read", c.count, c.errs)
	}
}
