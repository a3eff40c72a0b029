package zeek

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func formats() []source.Format {
	return []source.Format{Format(), source.JSONFormat([]source.RecordFormat{RecordFormat()})}
}

// walk reads paths with the real walker (files, gzip, zip, sniffing).
func walk(t testing.TB, paths ...string) *sourcetest.Sink {
	t.Helper()
	return sourcetest.Walk(t, formats(), paths...)
}

// decode runs the TSV decoder over b.
func decode(t testing.TB, name string, b []byte) *sourcetest.Sink {
	t.Helper()
	return sourcetest.Decode(t, Format(), name, b)
}

// dataLines counts the non-empty lines that do not start with '#'.
func dataLines(t testing.TB, r io.Reader) int {
	t.Helper()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		if l := sc.Bytes(); len(l) > 0 && l[0] != '#' {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func readMaybeGzip(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return b
}
