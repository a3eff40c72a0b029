package syslog

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// repeat copies data until it is about n bytes long.
func repeat(data []byte, n int) []byte {
	var out bytes.Buffer
	for out.Len() < n {
		out.Write(data)
	}
	return out.Bytes()
}

func benchDecode(b *testing.B, data []byte) {
	lines := bytes.Count(data, []byte("\n"))
	st := sourcetest.BenchmarkFormat(b, Format(nil, nil, Config{Year: 2022}), data)
	if st.Errs != 0 {
		b.Fatalf("%d errors", st.Errs)
	}
	sourcetest.ReportRates(b, lines*b.N, "lines", st.CPU0)
}

// BenchmarkDecodeAuth decodes auth logs: the izysec /var/log/secure
// samples and the auth.log fixture (sshd, sudo, su, pam, logind,
// shadow-utils, other programs), repeated to 8 MB.
func BenchmarkDecodeAuth(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(b), samples, "*secure.log"))
	files = append(files, "testdata/auth.log")
	var one []byte
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		one = append(one, data...)
	}
	// auth.log's audit records are left out: they are the auditd reader's
	// work and assembled across lines.
	var plain []byte
	for _, l := range bytes.SplitAfter(one, []byte("\n")) {
		if !bytes.Contains(l, []byte("audit(")) {
			plain = append(plain, l...)
		}
	}
	benchDecode(b, repeat(plain, 8<<20))
}

// BenchmarkDecodeSysmon decodes Sysmon for Linux records in syslog lines:
// the Log4Shell dataset's messages behind an RFC 3164 header.
func BenchmarkDecodeSysmon(b *testing.B) {
	var lines []byte
	for name, data := range zipMembers(b, filepath.Join(sourcetest.Corpora(b), log4shel)) {
		if !strings.Contains(name, "syslog_sysmon") {
			continue
		}
		for _, row := range bytes.Split(data, []byte("\n")) {
			var r struct{ SyslogMessage string }
			if json.Unmarshal(row, &r) == nil && r.SyslogMessage != "" {
				lines = append(lines, "May 11 18:10:20 UBUNTU5 sysmon: "+r.SyslogMessage+"\n"...)
			}
		}
	}
	if len(lines) == 0 {
		b.Skip("no Sysmon for Linux rows in the corpora")
	}
	benchDecode(b, repeat(lines, 8<<20))
}

// BenchmarkRecord normalizes the Log4Shell Sentinel Syslog rows (Sysmon
// XML and auoms audit records) already flattened.
func BenchmarkRecord(b *testing.B) {
	var data []byte
	for name, d := range zipMembers(b, filepath.Join(sourcetest.Corpora(b), log4shel)) {
		if strings.Contains(name, "syslog_") {
			data = append(data, d...)
		}
	}
	rf := Record(nil, nil, Config{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	events := 0
	for i := 0; i < b.N; i++ {
		evs, errs, _ := rows(b, rf, "bench", data)
		if len(errs) != 0 {
			b.Fatal(errs)
		}
		events += len(evs)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
