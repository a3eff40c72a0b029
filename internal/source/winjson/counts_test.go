package winjson_test

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// windowsArchives lists the corpus archives that hold Windows events in
// JSON (every other archive beside them holds other logs).
func windowsArchives(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "otrf/datasets/atomic/windows/*/host/*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"otrf-compound/GoldenSAMLADFSMailAccess/WindowsEvents.Zip",
		"otrf-compound/Log4Shell/securityauditing_log4shell_cve2021_44228_java_serialized_object.zip",
		"otrf-compound/Log4Shell/sysmon_log4shell_cve2021_44228_java_serialized_object.zip",
		"otrf-compound/LSASS_campaign_01/metasploit_logonpasswords_lsass_memory_dump.zip",
		"otrf-compound/LSASS_campaign_02/metasploit_procdump_lsass_memory_dump.zip",
		"otrf-compound/LSASS_campaign_03/metasploit_comsvcs_lsass_memory_dump.zip",
	} {
		paths = append(paths, filepath.Join(dir, p))
	}
	return paths
}

// countLines counts the non-empty lines of the JSON members of a zip or
// tar.gz archive, reading it independently of the source package. The OTRF
// tar.gz files end without their gzip trailer; what precedes is complete.
func countLines(t *testing.T, path string) int {
	t.Helper()
	count := func(r io.Reader) int {
		n := 0
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) > 0 {
				n++
			}
		}
		if err := sc.Err(); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("%s: %v", path, err)
		}
		return n
	}
	n := 0
	if strings.HasSuffix(path, ".tar.gz") {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(zr)
		for {
			h, err := tr.Next()
			if err != nil {
				break // end of archive, or the missing trailer
			}
			if strings.HasSuffix(h.Name, ".json") {
				n += count(tr)
			}
		}
		return n
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".json") || strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		n += count(rc)
		rc.Close()
	}
	return n
}

// TestCorpusCounts reads every Windows JSON archive of the corpora and
// checks that each line became an event, with no errors but the
// AppleDouble members (__MACOSX/._*) some zips carry.
func TestCorpusCounts(t *testing.T) {
	dir := corpora(t)
	total := 0
	for _, path := range windowsArchives(t, dir) {
		rel, _ := filepath.Rel(dir, path)
		if testing.Short() && strings.Contains(rel, "LSASS") {
			continue
		}
		t.Run(rel, func(t *testing.T) {
			want := countLines(t, path)
			events, errs := 0, 0
			readPaths(t, sinkFunc{
				event: func(*event.Event) { events++ },
				err: func(err error) {
					if !isAppleDouble(err) {
						errs++
						t.Error(err)
					}
				},
			}, path)
			if events != want || errs != 0 {
				t.Errorf("%d events and %d errors, want %d events", events, errs, want)
			}
			t.Logf("%d events", events)
			total += events
		})
	}
	t.Logf("%d events in total", total)
}

// TestRegressionCounts checks that every evtx_dump object of the Sigma
// regression data, several of which may follow each other in one file,
// becomes one event.
func TestRegressionCounts(t *testing.T) {
	files, err := jsonFiles(filepath.Join(corpora(t), "sigma", "regression_data"))
	if err != nil {
		t.Fatal(err)
	}
	objects, events := 0, 0
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		dec := json.NewDecoder(bytes.NewReader(b))
		for {
			var v json.RawMessage
			if err := dec.Decode(&v); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			want++
		}
		got := 0
		readPaths(t, sinkFunc{
			event: func(ev *event.Event) {
				got++
				if ev.Source.Format != "winjson-evtxdump" || ev.ID.IsZero() || ev.Source.Record == "" {
					t.Errorf("%s: event %s read as %s, record %q", path, ev.ID, ev.Source.Format, ev.Source.Record)
				}
			},
			err: func(err error) { t.Error(err) },
		}, path)
		if got != want {
			t.Errorf("%s: %d events, %d objects", path, got, want)
		}
		objects += want
		events += got
	}
	t.Logf("%d files, %d objects, %d events", len(files), objects, events)
	if len(files) != 202 {
		t.Errorf("%d regression JSON files, want 202", len(files))
	}
}

var _ source.Sink = sinkFunc{}
