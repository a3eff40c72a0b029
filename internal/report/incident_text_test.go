package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func TestWriteIncidentsText(t *testing.T) {
	p := newPhishing()
	var buf bytes.Buffer
	if err := WriteIncidentsText(&buf, []incident.Incident{p.inc}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	sourcetest.Golden(t, "testdata/incident.txt", buf.Bytes())

	for _, want := range []string{
		"Incident " + p.inc.ID.String()[:12] + " [CRITICAL] Phishing attachment led to an LSASS dump on ws1",
		"2026-03-10 09:00:30Z .. 09:40:00Z (39m30s), 3 findings, 10 entities",
		"Root cause         file invoice_2026-03.docm (78%): earliest ancestor of 3 findings via a file",
		"also principal alice@corp.com (12%)",
		"First compromised  host WS1.corp.com at 09:03:05Z",
		"initial-access: T1566.001", "execution: T1204.002, T1059.001", "exfiltration: T1041",
		"read process lsass.exe by process update.exe (1 read, 45.0 MiB)",
		"sent 48.0 MiB from process update.exe to endpoint 203.0.113.80:443",
		"reached hosts WS1.corp.com; identities alice@corp.com",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	// Every sentence is there, followed by the short ids of its evidence.
	flat := strings.Join(strings.Fields(got), " ")
	for i, s := range p.inc.Story {
		cite := citeText(s.Events)
		if !strings.Contains(flat, s.Text+" "+cite) {
			t.Errorf("sentence %d without its citations %s", i+1, cite)
		}
		for _, id := range s.Events {
			if !strings.Contains(cite, id.String()[:8]) {
				t.Errorf("citation %s lacks %s", cite, id.String()[:8])
			}
		}
	}
	for _, line := range strings.Split(got, "\n") {
		if n := utf8.RuneCountInString(line); n > textWidth {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}
}

func TestWriteIncidentsTextUntrusted(t *testing.T) {
	p := newPhishing()
	p.inc.Title = "evil\x1b[2J\x1b]0;pwned\x07 title\u202e"
	p.inc.Story[0].Text = "line one\nline two\r"
	var buf bytes.Buffer
	if err := WriteIncidentsText(&buf, []incident.Incident{p.inc, {}}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	if strings.ContainsAny(got, "\x1b\x07\r\u202e") {
		t.Errorf("control characters reach the terminal: %q", got)
	}
	if !strings.Contains(got, `evil\x1b[2J\x1b]0;pwned\x07 title\u202e`) || !strings.Contains(got, "line one line two") {
		t.Errorf("escaped text missing:\n%s", got)
	}
	if !strings.Contains(got, "Root cause         not found") {
		t.Errorf("an empty incident must still render:\n%s", got)
	}

	buf.Reset()
	if err := WriteIncidentsText(&buf, nil); err != nil || buf.String() != "No incidents.\n" {
		t.Errorf("no incidents: %q, %v", buf.String(), err)
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  []string
	}{
		{"a b c", 10, []string{"> a b c"}},
		{"aaaa bbbb cccc", 11, []string{"> aaaa bbbb", "  cccc"}},
		{"averyveryverylongword x", 8, []string{"> averyveryverylongword", "  x"}},
		{"", 10, []string{"> "}},
	}
	for _, tt := range tests {
		got := wrap(tt.in, tt.width, "> ", "  ")
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := map[time.Duration]string{
		0:                               "0s",
		59 * time.Second:                "59s",
		39*time.Minute + 30*time.Second: "39m30s",
		3*time.Hour + 5*time.Minute:     "3h05m",
		50 * time.Hour:                  "2d02h",
		-90 * time.Second:               "-1m30s",
	}
	for d, want := range tests {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestDurationExtremes covers spans no clock gives but bad data can: the
// incident of an event without a time stamp spans the whole time range.
func TestDurationExtremes(t *testing.T) {
	for _, d := range []time.Duration{math.MinInt64, math.MaxInt64, -time.Second, 0} {
		if s := duration(d); s == "" {
			t.Errorf("duration(%d) is empty", d)
		}
	}
}
