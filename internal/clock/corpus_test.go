package clock_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/clock"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/catalog"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// lsass01 is LSASS campaign 01 of the OTRF compound corpus: the host's
// nxlog JSON (Sysmon, Security, ...) and the Zeek logs of the same
// network, whose clock is 19 hours off the host's.
var lsass01 = []string{
	"otrf-compound/LSASS_campaign_01/metasploit_logonpasswords_lsass_memory_dump.zip",
	"otrf-compound/LSASS_campaign_01/metasploit_logonpasswords_lsass_memory_dump_zeek_logs.zip",
}

// readCorpus reads corpus files with every reader, or skips without them.
func readCorpus(tb testing.TB, rels ...string) []*event.Event {
	tb.Helper()
	var paths []string
	for _, rel := range rels {
		p := filepath.Join(sourcetest.Corpora(tb), rel)
		if _, err := os.Stat(p); err != nil {
			tb.Skipf("corpus file missing: %v", err)
		}
		paths = append(paths, p)
	}
	rc := catalog.Config{Principals: &event.Principals{}, Now: time.Now}
	s := sourcetest.Walk(tb, catalog.Formats(rc), paths...)
	if len(s.Events) == 0 {
		tb.Fatalf("no events in %v (%d errors)", paths, len(s.Errs))
	}
	return s.Events
}

// matched counts the sensor's flows that a host connection of the same
// 5-tuple is within d of.
func matched(evs []*event.Event, d time.Duration) int {
	key := func(ev *event.Event) string {
		src, _ := ev.Ref(event.RoleSrc)
		dst, _ := ev.Ref(event.RoleDst)
		a, b := src.ID, dst.ID
		if b < a {
			a, b = b, a
		}
		return a + " " + b
	}
	host := map[string][]time.Time{}
	for _, ev := range evs {
		if _, ok := ev.Ref(event.RoleHost); ok && ev.Class == event.ClassNetwork {
			host[key(ev)] = append(host[key(ev)], ev.Time)
		}
	}
	n := 0
	for _, ev := range evs {
		if _, ok := ev.Ref(event.RoleHost); ok || ev.Class != event.ClassNetwork || ev.Action != "flow" {
			continue
		}
		for _, t := range host[key(ev)] {
			if t.Sub(ev.Time).Abs() <= d {
				n++
				break
			}
		}
	}
	return n
}

// TestLSASSCampaign01 learns the Zeek sensor's offset from the flows the
// host's Sysmon also logged, and after applying it the two sides' records
// of the same flows fall together.
func TestLSASSCampaign01(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 102 MB corpus")
	}
	evs := readCorpus(t, lsass01...)
	before2, before30 := matched(evs, 2*time.Second), matched(evs, 30*time.Second)
	offs := clock.Learn(evs, clock.Config{})
	if len(offs) != 1 || !offs[0].Accepted {
		t.Fatalf("offsets %v, want the Zeek sensor's accepted", offs)
	}
	o := offs[0]
	t.Logf("learned %s", o)
	if o.Shift < -19*time.Hour-time.Minute || o.Shift > -19*time.Hour+time.Minute {
		t.Errorf("shift %s, want about -19h", o.Shift)
	}
	if o.Pairs < 80 || o.Agree < o.Pairs*3/4 {
		t.Errorf("%d of %d pairs agree, want 80 pairs or more, three quarters agreeing", o.Agree, o.Pairs)
	}
	shifted := clock.Apply(evs, offs)
	after2, after30 := matched(evs, 2*time.Second), matched(evs, 30*time.Second)
	t.Logf("shifted %d Zeek events; Zeek flows with a Sysmon record of the same 5-tuple within 2 s: %d before, %d after; within 30 s: %d before, %d after",
		shifted, before2, after2, before30, after30)
	// Sysmon logs a connection up to tens of seconds from the sensor's
	// first packet: few records fall within 2 s, most within 30.
	if before30 != 0 || after2 < 10 || after30 < 80 {
		t.Errorf("flows matched within 2 s: %d -> %d, within 30 s: %d -> %d; want none before, at least 10 and 80 after",
			before2, after2, before30, after30)
	}
}

// BenchmarkLearn learns the offsets of LSASS campaign 01 (host and Zeek,
// read once with the real readers).
func BenchmarkLearn(b *testing.B) {
	evs := readCorpus(b, lsass01...)
	cpu := sourcetest.CPUTime()
	for b.Loop() {
		clock.Learn(evs, clock.Config{})
	}
	sourcetest.ReportEvents(b, len(evs)*b.N, cpu)
}
