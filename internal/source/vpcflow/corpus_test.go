package vpcflow

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// TestPantherJSON reads Panther's VPC flow samples. Lines whose log is a
// flow record (srcAddr/dstAddr, or tagged AWS.VPCFlow) must match and
// normalize; the OCSF.NetworkActivity renderings (src_endpoint.ip) are
// another log type and must not match.
func TestPantherJSON(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sourcetest.Corpora(t), "panther", "rule_tests", "AWS.VPCFlow.jsonl"))
	if err != nil {
		t.Skip(err)
	}
	rf := RecordFormat()
	f := jsonrec.NewFlattener()
	lines, flows, events, ocsf := 0, 0, 0, 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		lines++
		var env struct {
			Log map[string]json.RawMessage `json:"log"`
		}
		if err := json.Unmarshal(sc.Bytes(), &env); err != nil {
			t.Fatalf("line %d: %v", lines, err)
		}
		_, src := env.Log["srcAddr"]
		_, dst := env.Log["dstAddr"]
		isFlow := src || dst || string(env.Log["p_log_type"]) == `"AWS.VPCFlow"`
		if isFlow {
			flows++
		} else {
			ocsf++
		}
		raw, _ := json.Marshal(env.Log)
		rec, err := f.Flatten(string(raw))
		if err != nil {
			t.Fatal(err)
		}
		if rf.Match(&rec) != isFlow {
			t.Errorf("line %d: Match = %v, want %v", lines, !isFlow, isFlow)
			continue
		}
		if !isFlow {
			continue
		}
		ev := &event.Event{Source: event.Source{Format: Name}, Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			t.Errorf("line %d: %v", lines, err)
			continue
		}
		events++
		if d, ok := ev.Ref(event.RoleDst); dst && (!ok || !strings.HasPrefix(d.ID, "ip:")) {
			t.Errorf("line %d: no destination in %v", lines, ev.Refs)
		}
	}
	if events != flows || flows+ocsf != lines {
		t.Errorf("%d lines: %d flow records, %d events, %d OCSF", lines, flows, events, ocsf)
	}
	t.Logf("panther/rule_tests/AWS.VPCFlow.jsonl: %d lines, %d events, %d OCSF records left to another reader", lines, events, ocsf)
}

// TestSniffCorpora checks that Sniff claims none of the text logs in the
// corpora (none of them is a VPC flow log).
func TestSniffCorpora(t *testing.T) {
	root := sourcetest.Corpora(t)
	checked := 0
	for _, dir := range []string{"zeek", "linux", "k8s-audit", "otrf-apt29", "panther", "stratus-red-team"} {
		filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || checked >= 400 {
				return nil //nolint:nilerr // unreadable entries are not flow logs either
			}
			switch filepath.Ext(path) {
			case ".gz", ".zip", ".evtx", ".tar", ".bz2", ".xz":
				return nil
			}
			fh, err := os.Open(path)
			if err != nil {
				return nil //nolint:nilerr // see above
			}
			head := make([]byte, source.SniffSize)
			n, _ := io.ReadFull(fh, head)
			fh.Close()
			checked++
			if Sniff(head[:n]) {
				t.Errorf("%s: sniffed as a VPC flow log", path)
			}
			return nil
		})
	}
	t.Logf("%d corpus files, none claimed", checked)
}
