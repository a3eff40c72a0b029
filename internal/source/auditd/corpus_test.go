package auditd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

var (
	stampRE = regexp.MustCompile(`audit\(([^)]*)\)`)
	// The izysec samples hold the analyst's shell prompts between ausearch
	// outputs ("root@ubuntu:/etc/audit/rules.d# ausearch ..."): they are
	// not audit records and are reported as errors.
	promptRE = regexp.MustCompile(`^\S+@\S+:\S*[#$] `)
)

// TestCorpusCounts decodes every audit log of the izysec samples and checks
// the events against counts made here independently: one event id per
// distinct audit(...) stamp, and errors only on lines that are shell prompts.
func TestCorpusCounts(t *testing.T) {
	dir := filepath.Join(sourcetest.Corpora(t), samples)
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var total, audit int
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		isAudit := strings.Contains(string(data), "msg=audit(")
		head := data[:min(len(data), source.SniffSize)]
		if Sniff(head) != isAudit {
			t.Errorf("%s: Sniff = %v, want %v", name, !isAudit, isAudit)
		}
		if !isAudit {
			continue
		}
		audit++
		c := decodeBytes(t, name, data, Config{Host: "ubuntu"})
		want := map[string]bool{}
		for _, m := range stampRE.FindAllStringSubmatch(string(data), -1) {
			want[m[1]] = true
		}
		ids := map[string]bool{}
		for _, ev := range c.Events {
			ids[ev.ID.String()] = true
			if ev.Time.IsZero() || ev.Class == "" {
				t.Errorf("%s: event %s has no time or class", name, ev.ID)
			}
		}
		if len(ids) != len(want) {
			t.Errorf("%s: %d distinct event ids, want %d (distinct audit stamps)", name, len(ids), len(want))
		}
		lines := bytes.Split(data, []byte("\n"))
		offsets := map[int64]string{}
		var off int64
		for _, l := range lines {
			offsets[off] = string(l)
			off += int64(len(l)) + 1
		}
		for _, err := range c.Errs {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Errorf("%s: error is not a *source.Error: %v", name, err)
				continue
			}
			if !promptRE.MatchString(offsets[se.Offset]) {
				t.Errorf("%s: unexplained error: %v (line %q)", name, err, offsets[se.Offset])
			}
		}
		total += len(c.Events)
		t.Logf("%s: %d events, %d distinct ids, %d errors (shell prompts)", name, len(c.Events), len(ids), len(c.Errs))
	}
	if audit < 20 {
		t.Errorf("found %d audit logs, want at least 20", audit)
	}
	t.Logf("%s: %d audit logs, %d events", samples, audit, total)
}

// TestInterpretedMatchesRaw checks that the ausearch -i form of a log gives
// the same event ids and classes as the raw form, given its time zone.
func TestInterpretedMatchesRaw(t *testing.T) {
	dir := filepath.Join(sourcetest.Corpora(t), samples)
	raws, _ := filepath.Glob(filepath.Join(dir, "UC*[0-9].log"))
	pst := time.FixedZone("PST", -8*3600)
	matched := 0
	for _, raw := range raws {
		interp := strings.TrimSuffix(raw, ".log") + "_enriched.log"
		rd, err1 := os.ReadFile(raw)
		id, err2 := os.ReadFile(interp)
		if err1 != nil || err2 != nil {
			continue
		}
		r := decodeBytes(t, raw, rd, Config{Host: "ubuntu"})
		i := decodeBytes(t, interp, id, Config{Host: "ubuntu", Location: pst})
		want := map[string]string{}
		for _, ev := range r.Events {
			want[ev.ID.String()] = string(ev.Class) + "/" + ev.Action
		}
		for _, ev := range i.Events {
			w, ok := want[ev.ID.String()]
			if !ok {
				t.Errorf("%s: event %s (%s) not in the raw form", filepath.Base(interp), ev.ID, ev.Source.Record)
				continue
			}
			if got := string(ev.Class) + "/" + ev.Action; got != w {
				t.Errorf("%s: event %s is %s, raw form says %s", filepath.Base(interp), ev.Source.Record, got, w)
			}
			matched++
		}
	}
	if matched < 30 {
		t.Errorf("%d interpreted events matched their raw twins, want at least 30", matched)
	}
	t.Logf("%d interpreted events match their raw twins", matched)
}
