package vpcflow

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// countSink counts events and errors.
type countSink struct{ events, errs int }

func (c *countSink) Event(*event.Event) { c.events++ }
func (c *countSink) Error(error)        { c.errs++ }

// BenchmarkDecode decodes a 20,000-line version 5 stream built from the
// custom-order fixture (the corpora hold no text flow logs), with ports and
// times varied so that no two lines are equal.
func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "v5_custom.log"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var buf bytes.Buffer
	buf.WriteString(lines[0] + "\n")
	const n = 20000
	for i := 0; i < n; i++ {
		toks := strings.Fields(lines[1+i%3])
		toks[3] = strconv.Itoa(1024 + i%60000)
		toks[6] = strconv.Itoa(1714990300 + i)
		buf.WriteString(strings.Join(toks, " ") + "\n")
	}
	stream := buf.Bytes()
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		var c countSink
		in := &source.Input{Path: "bench", R: &reader{r: bytes.NewReader(stream)}}
		if err := Decode(context.Background(), in, &c); err != nil || c.events != n || c.errs != 0 {
			b.Fatalf("events %d errors %d: %v", c.events, c.errs, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/cpu, "events/cpu-s")
	}
}

// BenchmarkJSON flattens, matches and normalizes Panther's JSON flow
// records.
func BenchmarkJSON(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(corpora(b), "panther", "rule_tests", "AWS.VPCFlow.jsonl"))
	if err != nil {
		b.Skip(err)
	}
	rf := RecordFormat()
	var raws []string
	size := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var env struct {
			Log json.RawMessage `json:"log"`
		}
		if json.Unmarshal(sc.Bytes(), &env) != nil {
			continue
		}
		rec, err := jsonrec.NewFlattener().Flatten(string(env.Log))
		if err == nil && rf.Match(&rec) {
			raws = append(raws, string(env.Log))
			size += len(env.Log)
		}
	}
	f := jsonrec.NewFlattener()
	b.SetBytes(int64(size / len(raws)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		rec, err := f.Flatten(raws[i%len(raws)])
		if err != nil || !rf.Match(&rec) {
			b.Fatal("no match")
		}
		ev := &event.Event{Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "events/cpu-s")
	}
}
