package simulate_test

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// The shape tests compare what the simulator writes with real telemetry of
// the same sources in the shared corpora: every field the simulator writes
// must occur in real events of the same kind, with the same JSON type.

// shape maps a flattened field path to the JSON types seen there.
type shape map[string]map[string]bool

func (s shape) add(path, typ string) {
	if s[path] == nil {
		s[path] = map[string]bool{}
	}
	s[path][typ] = true
}

func (s shape) merge(o shape) {
	for p, ts := range o {
		for t := range ts {
			s.add(p, t)
		}
	}
}

// flatten records the paths and types of v; list elements share their
// list's path, as the readers flatten them.
func flatten(v any, prefix string, into shape) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			into.add(prefix, "object")
		}
		for k, e := range x {
			flatten(e, join(prefix, k), into)
		}
	case []any:
		if len(x) == 0 {
			into.add(prefix, "array")
		}
		for _, e := range x {
			flatten(e, prefix, into)
		}
	case string:
		into.add(prefix, "string")
	case json.Number, float64:
		into.add(prefix, "number")
	case bool:
		into.add(prefix, "bool")
	case nil:
		into.add(prefix, "null")
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// compatible reports whether a simulated type fits the real ones: the same
// type, or a null on either side (sources write null for absent values).
func compatible(sim string, real map[string]bool) bool {
	return real[sim] || sim == "null" || (len(real) == 1 && real["null"])
}

// subset reports the simulated paths missing from real or of another type.
func subset(sim, real shape) []string {
	var bad []string
	for p, ts := range sim {
		rt, ok := real[p]
		if !ok {
			bad = append(bad, p+" (no such field)")
			continue
		}
		for t := range ts {
			if !compatible(t, rt) {
				bad = append(bad, p+" ("+t+", real "+strings.Join(keys(rt), "|")+")")
			}
		}
	}
	sort.Strings(bad)
	return bad
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// decodeAll decodes concatenated JSON values.
func decodeAll(t *testing.T, r io.Reader, fn func(any)) {
	t.Helper()
	dec := json.NewDecoder(r)
	dec.UseNumber()
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("decoding JSON: %v", err)
		}
		fn(v)
	}
}

// openMaybeGzip opens a file, decompressing .gz.
func openMaybeGzip(t *testing.T, path string) io.ReadCloser {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return f
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return struct {
		io.Reader
		io.Closer
	}{zr, f}
}

// files lists the regular files under dir with the suffix.
func files(t *testing.T, dir, suffix string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, suffix) {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readPantherLogs hands each test event of a Panther rule-test file to fn.
func readPantherLogs(t *testing.T, path string, fn func(any)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	decodeAll(t, f, func(v any) {
		if m, ok := v.(map[string]any); ok {
			if log, ok := m["log"]; ok {
				fn(log)
			}
		}
	})
}

func TestShapeOkta(t *testing.T) {
	corpora := sourcetest.Corpora(t)
	dir, _, _ := run(t)
	real := shape{}
	types := map[string]bool{}
	readPantherLogs(t, filepath.Join(corpora, "panther", "rule_tests", "Okta.SystemLog.jsonl"), func(v any) {
		rec, ok := v.(map[string]any)
		if et, _ := rec["eventType"].(string); !ok || et == "" {
			return
		}
		types[rec["eventType"].(string)] = true
		flatten(rec, "", real)
	})
	n := 0
	for _, f := range files(t, filepath.Join(dir, simulate.DirOkta), ".jsonl") {
		r := openMaybeGzip(t, f)
		decodeAll(t, r, func(v any) {
			n++
			sim := shape{}
			flatten(v, "", sim)
			if bad := subset(sim, real); len(bad) > 0 {
				t.Fatalf("%v: fields unlike real Okta events: %v", v.(map[string]any)["eventType"], bad)
			}
		})
		r.Close()
	}
	if n == 0 {
		t.Fatal("no Okta events simulated")
	}
}

func TestShapeZeekConn(t *testing.T) {
	corpora := sourcetest.Corpora(t)
	dir, _, _ := run(t)
	real := map[string]string{}
	for _, z := range files(t, filepath.Join(corpora, "otrf-compound"), "_zeek_logs.zip") {
		zr, err := zip.OpenReader(z)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if filepath.Base(f.Name) != "conn.log" {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			fields, types := zeekHeader(t, rc)
			rc.Close()
			for i, name := range fields {
				real[name] = types[i]
			}
		}
		zr.Close()
	}
	if len(real) == 0 {
		t.Fatal("no real conn.log found")
	}
	sims := files(t, filepath.Join(dir, simulate.DirZeek), ".log.gz")
	if len(sims) == 0 {
		t.Fatal("no conn.log simulated")
	}
	r := openMaybeGzip(t, sims[0])
	fields, types := zeekHeader(t, r)
	r.Close()
	for i, name := range fields {
		if real[name] != types[i] {
			t.Errorf("conn.log field %s of type %s; real conn.log has %q", name, types[i], real[name])
		}
	}
}

// zeekHeader reads the #fields and #types of a Zeek TSV log.
func zeekHeader(t *testing.T, r io.Reader) (fields, types []string) {
	t.Helper()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#fields\t"):
			fields = strings.Split(line, "\t")[1:]
		case strings.HasPrefix(line, "#types\t"):
			types = strings.Split(line, "\t")[1:]
		}
		if fields != nil && types != nil {
			break
		}
	}
	if len(fields) == 0 || len(fields) != len(types) {
		t.Fatalf("bad Zeek header: %d fields, %d types", len(fields), len(types))
	}
	return fields, types
}

func TestShapeAuthLog(t *testing.T) {
	corpora := sourcetest.Corpora(t)
	_, _, events := run(t)
	paths := files(t, filepath.Join(corpora, "linux", "izysec-linux-audit", "LogSamples"), "_secure.log")
	realEvents, errs := readPaths(paths, 2026)
	if len(errs) > 0 || len(realEvents) == 0 {
		t.Fatalf("reading the real auth logs: %d events, errors %v", len(realEvents), errs)
	}
	real := map[string]map[string]bool{}
	for _, ev := range realEvents {
		k := authKind(ev)
		if real[k] == nil {
			real[k] = map[string]bool{}
		}
		for _, f := range ev.Fields {
			real[k][f.Key] = true
		}
	}
	covered, uncovered := map[string]int{}, map[string]int{}
	for _, ev := range events {
		if ev.Source.Format != "syslog" {
			continue
		}
		k := authKind(ev)
		fields, ok := real[k]
		if !ok {
			uncovered[k]++
			continue
		}
		covered[k]++
		for _, f := range ev.Fields {
			if !fields[f.Key] {
				t.Fatalf("%s line has field %s, real ones do not: %v", k, f.Key, ev.Fields)
			}
		}
	}
	if len(covered) < 3 {
		t.Errorf("only %v of the simulated auth.log kinds compared with real lines", covered)
	}
	t.Logf("compared %v; no real line of the kinds %v", covered, uncovered)
}

// authKind is an auth.log line's kind: the program and the first two words
// of the message ("sshd Accepted publickey", "sshd Failed password"), and
// whether the user is unknown.
func authKind(ev *event.Event) string {
	if ev.Value("program") == "sudo" {
		return "sudo"
	}
	words := strings.Fields(ev.Value("message"))
	if len(words) > 2 {
		words = words[:2]
	}
	kind := ev.Value("program") + " " + strings.Join(words, " ")
	if strings.Contains(ev.Value("message"), "invalid user") {
		kind += " (invalid user)"
	}
	return kind
}
