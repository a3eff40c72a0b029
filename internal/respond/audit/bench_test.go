package audit

import (
	"path/filepath"
	"testing"
)

// BenchmarkAppend measures one durable append (fsync included).
func BenchmarkAppend(b *testing.B) {
	l, err := Open(Config{Path: filepath.Join(b.TempDir(), "a.log"), Key: testKey}, Deps{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	e := entry(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Append(e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify measures verifying a log of 10,000 records.
func BenchmarkVerify(b *testing.B) {
	path := filepath.Join(b.TempDir(), "a.log")
	l, err := Open(Config{Path: path, Key: testKey}, Deps{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10_000 {
		if _, err := l.Append(entry(i)); err != nil {
			b.Fatal(err)
		}
	}
	l.Close()
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Verify(path, WithKey(testKey))
		if err != nil || !rep.OK {
			b.Fatal(rep, err)
		}
	}
	b.ReportMetric(10_000*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
