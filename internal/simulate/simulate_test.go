package simulate_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/app"
	"github.com/causeway-soc/causeway/internal/eval"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// testConfig is a working day of the default company at a third of its
// usual background rate, with every campaign: small enough for the race
// detector, large enough for every kind of background activity.
func testConfig(seed uint64) simulate.Config {
	return simulate.Config{Seed: seed, Rate: 0.35, Duration: 24 * time.Hour}
}

// sharedRun is one simulation of testConfig(7) shared by the tests that
// only read it, with the Windows events in one format; TestMain removes it.
type sharedRun struct {
	format string
	once   sync.Once
	dir    string
	sum    simulate.Summary
	err    error
	events []*event.Event
	errs   []error
}

var (
	simulated     = &sharedRun{format: simulate.WindowsJSON}
	simulatedEVTX = &sharedRun{format: simulate.WindowsEVTX}
)

// get simulates on first use, reads everything back, and returns the
// output folder, the run's summary and the events read.
func (r *sharedRun) get(t *testing.T) (string, simulate.Summary, []*event.Event) {
	t.Helper()
	r.once.Do(func() {
		dir, err := os.MkdirTemp("", "causeway-simulate-"+r.format+"-")
		if err != nil {
			r.err = err
			return
		}
		r.dir = dir
		cfg := testConfig(7)
		cfg.WindowsFormat = r.format
		r.sum, r.err = simulate.Run(context.Background(), cfg, dir, nil)
		if r.err == nil {
			r.events, r.errs = read(dir, 2026)
		}
	})
	if r.err != nil {
		t.Fatalf("simulating: %v", r.err)
	}
	return r.dir, r.sum, r.events
}

func run(t *testing.T) (string, simulate.Summary, []*event.Event) { return simulated.get(t) }

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{simulated.dir, simulatedEVTX.dir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// read reads every telemetry file under dir with every reader.
func read(dir string, year int) ([]*event.Event, []error) {
	var paths []string
	for _, d := range []string{simulate.DirWindows, simulate.DirCloudTrail, simulate.DirOkta, simulate.DirEntra, simulate.DirLinux, simulate.DirZeek} {
		paths = append(paths, filepath.Join(dir, d))
	}
	return readPaths(paths, year)
}

// readPaths reads files and directories with every reader.
func readPaths(paths []string, year int) ([]*event.Event, []error) {
	p := &event.Principals{Domains: map[string]string{"CORP": "corp.example.com"}}
	w := source.NewWalker(source.Config{}, app.Formats(app.ReadConfig{Principals: p, Year: year}))
	var sink sourcetest.Sink
	_ = w.Read(context.Background(), paths, &sink)
	return sink.Events, sink.Errs
}

func TestReadersReadEverything(t *testing.T) {
	dir, sum, events := run(t)
	skipped := 0
	for i, err := range simulated.errs {
		if errors.Is(err, source.ErrUnknownFormat) {
			skipped++
		}
		if i < 10 {
			t.Errorf("reading simulated telemetry: %v", err)
		}
	}
	if n := len(simulated.errs); n > 0 {
		t.Fatalf("%d read errors, %d of them skipped streams", n, skipped)
	}
	if int64(len(events)) != sum.Events {
		t.Errorf("read %d events, the simulator wrote %d", len(events), sum.Events)
	}
	formats := map[string]int64{}
	for _, ev := range events {
		formats[ev.Source.Format]++
	}
	want := map[string]string{"winjson-evtxdump": "windows", "cloudtrail": "cloudtrail", "okta": "okta", "syslog": "syslog", "zeek": "zeek",
		"auditd": "auditd", "vpcflow": "vpcflow", "entra_signin": "entra"}
	for format, src := range want {
		if formats[format] != sum.Sources[src] || formats[format] == 0 {
			t.Errorf("format %s: read %d events, the simulator wrote %d %s records", format, formats[format], sum.Sources[src], src)
		}
	}
	files := 0
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(d.Name(), ".yaml") {
			files++
		}
		return nil
	})
	if files != sum.Files {
		t.Errorf("%d telemetry files on disk, summary says %d", files, sum.Files)
	}
}

func TestBackgroundFollowsTheWorkingDay(t *testing.T) {
	_, sum, events := run(t)
	// Interactive logons on workstations happen in office hours (08-18 at
	// UTC+1, 07-17 UTC) on the Monday the default run covers; a campaign's
	// logons (the insider's evening) are not the background's.
	attack := map[string]bool{}
	for _, sc := range sum.Scenarios {
		for _, id := range scenarioOf(t, sum, sc.Name).Truth.Entities {
			attack[id] = true
		}
	}
	var day, night int
	for _, ev := range events {
		if ev.Source.Format != "winjson-evtxdump" || ev.Value("EventID") != "4624" || ev.Value("LogonType") != "2" ||
			attack[refOf(ev, event.RoleSession)] {
			continue
		}
		if h := ev.Time.Hour(); h >= 6 && h < 18 {
			day++
		} else {
			night++
		}
	}
	if day < 15 || night > 0 {
		t.Errorf("interactive logons: %d by day, %d by night; want the working day's", day, night)
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	cfg := simulate.Config{Seed: 42, Rate: 0.1, Duration: 24 * time.Hour}
	a, b := t.TempDir(), t.TempDir()
	if _, err := simulate.Run(context.Background(), cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := simulate.Run(context.Background(), cfg, b, nil); err != nil {
		t.Fatal(err)
	}
	fa, fb := tree(t, a), tree(t, b)
	if len(fa) == 0 || len(fa) != len(fb) {
		t.Fatalf("runs wrote %d and %d files", len(fa), len(fb))
	}
	for name, data := range fa {
		if fb[name] != data {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	cfg.Seed = 43
	c := t.TempDir()
	if _, err := simulate.Run(context.Background(), cfg, c, nil); err != nil {
		t.Fatal(err)
	}
	same := 0
	for name, data := range tree(t, c) {
		if fa[name] == data {
			same++
		}
	}
	if same > len(fa)/2 {
		t.Errorf("%d of %d files are the same with another seed", same, len(fa))
	}
}

// tree reads every file under dir, by relative path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestScenariosMatchTheTelemetry(t *testing.T) {
	dir, sum, events := run(t)
	ids := map[string]bool{}
	for _, ev := range events {
		for _, r := range ev.Refs {
			ids[r.Entity.ID] = true
		}
	}
	if len(sum.Scenarios) != len(simulate.Campaigns()) {
		t.Fatalf("%d scenarios, want one per campaign %v", len(sum.Scenarios), simulate.Campaigns())
	}
	for _, sc := range sum.Scenarios {
		s, err := eval.Load(sc.Path)
		if err != nil {
			t.Fatalf("loading %s: %v", sc.Path, err)
		}
		if s.Name != sc.Name || len(s.Truth.Entities) < 5 || len(s.Truth.Techniques) < 3 {
			t.Errorf("%s: name %q, %d entities, %d techniques", sc.Path, s.Name, len(s.Truth.Entities), len(s.Truth.Techniques))
		}
		for _, in := range s.InputPaths("/nonexistent") {
			if rel, err := filepath.Rel(dir, in); err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s: input %s is outside the output", sc.Name, in)
			}
		}
		all := append(append(append(append([]string{}, s.Truth.RootCause...), s.Truth.Entities...), s.Truth.DataAccessed...), s.Truth.Benign...)
		all = append(all, s.Truth.FirstCompromised)
		var missing []string
		for _, id := range all {
			if !ids[id] {
				missing = append(missing, id)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: %d truth ids occur in no event: %v", sc.Name, len(missing), missing)
		}
	}
}
