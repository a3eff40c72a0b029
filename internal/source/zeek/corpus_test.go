package zeek

import (
	"archive/zip"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// TestCorpusCounts reads every Zeek file of the corpora through the walker
// and checks that each data line gives one event and nothing fails.
func TestCorpusCounts(t *testing.T) {
	dir := sourcetest.Corpora(t)
	var files []string
	for _, g := range []string{"zeek/zed-sample-data/zeek-default/*.log.gz", "zeek/zed-sample-data/zeek-json/*.json.gz", "otrf-apt29/day*_combined_zeek.log"} {
		m, _ := filepath.Glob(filepath.Join(dir, g))
		files = append(files, m...)
	}
	zips, _ := filepath.Glob(filepath.Join(dir, "otrf-compound/LSASS_campaign_0*/*zeek_logs.zip"))
	if len(files) < 30 || len(zips) != 3 {
		t.Fatalf("found %d Zeek files and %d zips: corpora incomplete", len(files), len(zips))
	}
	total := 0
	for _, f := range append(files, zips...) {
		rel, _ := filepath.Rel(dir, f)
		t.Run(rel, func(t *testing.T) {
			want := 0
			if strings.HasSuffix(f, ".zip") {
				zr, err := zip.OpenReader(f)
				if err != nil {
					t.Fatal(err)
				}
				defer zr.Close()
				for _, m := range zr.File {
					rc, err := m.Open()
					if err != nil {
						t.Fatal(err)
					}
					want += dataLines(t, rc)
					rc.Close()
				}
			} else {
				want = dataLines(t, strings.NewReader(string(readMaybeGzip(t, f))))
			}
			c := walk(t, f)
			for _, err := range c.Errs {
				t.Errorf("unexpected error: %v", err)
			}
			if len(c.Events) != want {
				t.Errorf("got %d events, want %d (data lines)", len(c.Events), want)
			}
			paths := map[string]int{}
			seen := map[event.ID]*event.Event{}
			dups := 0
			for _, ev := range c.Events {
				checkEvent(t, ev)
				paths[ev.Value(keyPath)]++
				// The id hashes the whole record: two events share it only
				// when they are the same record written twice.
				if prev := seen[ev.ID]; prev != nil {
					dups++
					if !reflect.DeepEqual(withoutEnvelope(prev.Fields), withoutEnvelope(ev.Fields)) {
						t.Errorf("id %s shared by different records at offsets %d and %d", ev.ID, prev.Source.Offset, ev.Source.Offset)
					}
				}
				seen[ev.ID] = ev
			}
			if dups > 0 {
				t.Logf("%d records repeated verbatim (same id)", dups)
			}
			total += len(c.Events)
			t.Logf("%d events by path: %v", len(c.Events), paths)
		})
	}
	t.Logf("%d events in all", total)
}

// checkEvent asserts what every Zeek event must have.
func checkEvent(t *testing.T, ev *event.Event) {
	t.Helper()
	if ev.ID.IsZero() {
		t.Fatalf("event at %s:%d has no id", ev.Source.Path, ev.Source.Offset)
	}
	if ev.Source.Format != FormatName || ev.Class == "" {
		t.Fatalf("event at %s:%d: format %q class %q", ev.Source.Path, ev.Source.Offset, ev.Source.Format, ev.Class)
	}
	if ev.Fields[0].Key != keyPath {
		t.Fatalf("event at %s:%d: first field %q, want _path", ev.Source.Path, ev.Source.Offset, ev.Fields[0].Key)
	}
	if ev.Time.IsZero() && ev.Value(keyPath) != "loaded_scripts" {
		t.Fatalf("event at %s:%d has no time", ev.Source.Path, ev.Source.Offset)
	}
	if _, ok := ev.Ref(event.RoleHost); ok {
		t.Fatalf("event at %s:%d has a host ref: the sensor is unknown", ev.Source.Path, ev.Source.Offset)
	}
	if ev.Value("id.orig_h") != "" {
		if _, ok := ev.Ref(event.RoleSrc); !ok {
			t.Fatalf("event at %s:%d has id.orig_h but no src", ev.Source.Path, ev.Source.Offset)
		}
	}
}

// TestTSVJSONIdentity decodes each zed-sample-data log in both encodings and
// requires identical events, record by record.
func TestTSVJSONIdentity(t *testing.T) {
	dir := sourcetest.Corpora(t)
	tsvs, _ := filepath.Glob(filepath.Join(dir, "zeek/zed-sample-data/zeek-default/*.log.gz"))
	if len(tsvs) == 0 {
		t.Skip("no zed-sample-data")
	}
	for _, tf := range tsvs {
		name := strings.TrimSuffix(filepath.Base(tf), ".log.gz")
		jf := filepath.Join(dir, "zeek/zed-sample-data/zeek-json", name+".json.gz")
		t.Run(name, func(t *testing.T) {
			tb, jb := readMaybeGzip(t, tf), readMaybeGzip(t, jf)
			// First, independently of the decoders: the two files hold the
			// same records (same second column, uid or fuid or fingerprint,
			// in the same order).
			if a, b := tsvKeys(string(tb)), jsonKeys(string(jb)); !reflect.DeepEqual(a, b) {
				t.Fatalf("pair holds different records: %d TSV keys, %d JSON keys", len(a), len(b))
			}
			tc, jc := walk(t, tf), walk(t, jf)
			if len(tc.Errs)+len(jc.Errs) > 0 {
				t.Fatalf("errors: %v %v", tc.Errs, jc.Errs)
			}
			if len(tc.Events) != len(jc.Events) {
				t.Fatalf("TSV gives %d events, JSON %d", len(tc.Events), len(jc.Events))
			}
			for i := range tc.Events {
				a, b := *tc.Events[i], *jc.Events[i]
				a.Source, b.Source = event.Source{}, event.Source{}
				if !reflect.DeepEqual(a, b) {
					t.Fatalf("record %d differs:\nTSV  %+v\nJSON %+v\n%s", i, a, b, fieldDiff(a.Fields, b.Fields))
				}
			}
		})
	}
}

// tsvKeys lists the second column of each data line (uid, fuid, fingerprint).
func tsvKeys(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l == "" || l[0] == '#' {
			continue
		}
		f := strings.Split(l, "\t")
		out = append(out, f[1])
	}
	return out
}

// jsonKeys lists the value of the first key after "ts" in each line.
func jsonKeys(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l == "" {
			continue
		}
		i := strings.Index(l, `"ts":`)
		rest := l[i+5:]
		j := strings.Index(rest, `,"`)
		rest = rest[j+2:]
		k := strings.Index(rest, `":`)
		v := rest[k+2:]
		if e := strings.IndexAny(v, ",}"); e >= 0 {
			v = v[:e]
		}
		out = append(out, strings.Trim(v, `"`))
	}
	return out
}

func fieldDiff(a, b []event.Field) string {
	var out []string
	am := map[string][]string{}
	for _, f := range a {
		am[f.Key] = append(am[f.Key], f.Value)
	}
	bm := map[string][]string{}
	for _, f := range b {
		bm[f.Key] = append(bm[f.Key], f.Value)
	}
	for k, v := range am {
		if !reflect.DeepEqual(v, bm[k]) {
			out = append(out, k+": TSV "+strings.Join(v, "|")+" JSON "+strings.Join(bm[k], "|"))
		}
	}
	for k, v := range bm {
		if _, ok := am[k]; !ok {
			out = append(out, k+": JSON only "+strings.Join(v, "|"))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
