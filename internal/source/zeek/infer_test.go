package zeek

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// TestInferPath hides the path of every JSON record of the corpora and checks
// that the inference rules find it again. A record may stay unnamed only when
// it has none of the fields the rules look at (it becomes an "other" event).
func TestInferPath(t *testing.T) {
	dir := sourcetest.Corpora(t)
	files, _ := filepath.Glob(filepath.Join(dir, "zeek/zed-sample-data/zeek-json/*.json.gz"))
	apt, _ := filepath.Glob(filepath.Join(dir, "otrf-apt29/day*_combined_zeek.log"))
	files = append(files, apt...)
	if len(files) == 0 {
		t.Skip("no Zeek JSON in the corpora")
	}
	inferable := map[string]bool{"conn": true, "dns": true, "http": true, "ssl": true, "files": true,
		"smb_files": true, "smb_mapping": true, "dce_rpc": true, "kerberos": true, "ntlm": true, "rdp": true,
		"ssh": true, "x509": true, "notice": true, "weird": true, "ftp": true, "dpd": true}
	rf := RecordFormat()
	flat := jsonrec.NewFlattener()
	tally := map[string]int{}
	for _, f := range files {
		for _, line := range strings.Split(string(readMaybeGzip(t, f)), "\n") {
			if line == "" {
				continue
			}
			rec, err := flat.Flatten(line)
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			kept := rec.Fields[:0:0]
			for _, fl := range rec.Fields {
				if fl.Key == "_path" || fl.Key == "@stream" {
					want = fl.Value
					continue
				}
				kept = append(kept, fl)
			}
			if !inferable[want] {
				continue
			}
			rec.Fields = kept
			ev := &event.Event{Fields: rec.Fields}
			if err := rf.Normalize(&rec, ev); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			got := ev.Value(keyPath)
			tally[want+"->"+got]++
			if got != want && got != "" {
				t.Errorf("%s: record inferred as %q, is %q: %s", filepath.Base(f), got, want, line)
			}
			if got == "" {
				for _, fl := range kept {
					switch {
					case fl.Key == "ts", fl.Key == "uid", fl.Key == "_write_ts", strings.HasPrefix(fl.Key, "id"), strings.HasPrefix(fl.Key, "@"):
					default:
						t.Errorf("%s: %s record with field %q not inferred: %s", filepath.Base(f), want, fl.Key, line)
					}
				}
			}
		}
	}
	t.Logf("inferred paths (actual->inferred): %v", tally)
}
