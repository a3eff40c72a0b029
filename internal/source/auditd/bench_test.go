package auditd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func asError(err error, target **source.Error) bool { return errors.As(err, target) }

var serialRE = regexp.MustCompile(`:(\d+)\)`)

// benchData is the raw izysec logs repeated to about 8 MB, with serials
// renumbered per copy so that every copy is a new set of events.
func benchData(b *testing.B) []byte {
	files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(b), samples, "UC*[0-9].log"))
	var one []byte
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		one = append(one, data...)
	}
	if len(one) == 0 {
		b.Skip("no audit logs in the corpora")
	}
	var out bytes.Buffer
	for i := 0; out.Len() < 8<<20; i++ {
		out.Write(serialRE.ReplaceAllFunc(one, func(m []byte) []byte {
			n, _ := strconv.Atoi(string(m[1 : len(m)-1]))
			return []byte(":" + strconv.Itoa(n+i*100000) + ")")
		}))
	}
	return out.Bytes()
}

// BenchmarkDecode measures decode, assembly and normalization of raw audit
// logs: MB/s, events/s, records (lines)/s and allocations per event.
func BenchmarkDecode(b *testing.B) {
	data := benchData(b)
	lines := bytes.Count(data, []byte("\n"))
	st := sourcetest.BenchmarkFormat(b, Format(nil, Config{Host: "ubuntu"}), data)
	sourcetest.ReportRates(b, lines*b.N, "lines", st.CPU0)
}
