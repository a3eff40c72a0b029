package vpcflow

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

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
	st := sourcetest.BenchmarkFormat(b, Format(), buf.Bytes())
	if st.Events != n*b.N || st.Errs != 0 {
		b.Fatalf("events %d errors %d, want %d events", st.Events, st.Errs, n*b.N)
	}
}

// BenchmarkJSON flattens, matches and normalizes Panther's JSON flow
// records.
func BenchmarkJSON(b *testing.B) {
	path := filepath.Join(sourcetest.Corpora(b), "panther", "rule_tests", "AWS.VPCFlow.jsonl")
	rf := RecordFormat()
	var raws []string
	for _, raw := range sourcetest.PantherLogs(b, path) {
		if rec, err := jsonrec.NewFlattener().Flatten(raw); err == nil && rf.Match(&rec) {
			raws = append(raws, raw)
		}
	}
	sourcetest.BenchmarkRecords(b, []source.RecordFormat{rf}, raws)
}
