package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func TestWriteIncidentsMarkdown(t *testing.T) {
	p := newPhishing()
	var buf bytes.Buffer
	if err := WriteIncidentsMarkdown(&buf, []incident.Incident{p.inc}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	sourcetest.Golden(t, "testdata/incidents.md", buf.Bytes())

	for _, want := range []string{
		"# Causeway incidents",
		"## 1. Phishing attachment led to an LSASS dump on ws1",
		"### Root causes\n\n| # | entity | confidence | reason | evidence |\n|---|---|---|---|---|\n",
		"| 1 | file `C:\\Users\\alice\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\Q7X2\\invoice_2026-03.docm` | 78% | earliest ancestor of 3 findings via a file written by OUTLOOK.EXE |",
		"### Techniques\n\n| technique | tactics | first seen (UTC) | rules | evidence |",
		"| T1003.001 | credential-access | 09:21:13Z | LSASS memory dumped to disk |",
		"### Impact\n\n| impact | what | detail | evidence |",
		"| sent out | `update.exe` → `203.0.113.80:443` | 48.0 MiB from 09:07:00Z |",
		"### Timeline\n\n| T+ | time (UTC) | tactic | step | evidence |",
		"| 5m10s | 09:05:40Z | execution | **detection:** Office application spawned PowerShell |",
		"- **Kill chain:** initial-access → execution",
		"## Appendix: cited events",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// The story cites its events as inline code, and the appendix lists
	// every cited event in full.
	for i, s := range p.inc.Story {
		line := strings.TrimSpace(mdText(s.Text)) + " " + mdCites(s.Events)
		if !strings.Contains(got, line) {
			t.Errorf("story sentence %d: want %q", i+1, line)
		}
	}
	appendix := got[strings.Index(got, "## Appendix"):]
	for _, c := range citedEvents(&p.inc) {
		if !strings.Contains(appendix, "| `"+c.ID.String()+"` |") {
			t.Errorf("appendix lacks %s", c.ID)
		}
	}
	// Every table row has as many cells as its header.
	checkTables(t, got)
}

func TestWriteIncidentsMarkdownUntrusted(t *testing.T) {
	p := newPhishing()
	p.inc.Title = "# <script>alert(1)</script> | *x* [a](http://evil.example)"
	p.inc.RootCauses[0].Entity.Name = "a|b`c`<img src=x onerror=alert(1)>"
	p.inc.RootCauses[0].Reason = "pipe | inside\nnew line"
	var buf bytes.Buffer
	if err := WriteIncidentsMarkdown(&buf, []incident.Incident{p.inc}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, bad := range []string{"<script>", "[a](http", "\n# <"} {
		if strings.Contains(got, bad) {
			t.Errorf("untrusted markup %q passes through", bad)
		}
	}
	if !strings.Contains(got, "## 1. \\# \\<script\\>alert(1)\\</script\\> \\| \\*x\\* \\[a\\](http://evil.example)") {
		t.Errorf("title not escaped as expected:\n%s", got)
	}
	if !strings.Contains(got, "``a\\|b`c`<img src=x onerror=alert(1)>``") {
		t.Errorf("entity name not fenced as code:\n%s", got)
	}
	if n, fenced := strings.Count(got, "<img"), strings.Count(got, "``a\\|b`c`<img"); n != fenced {
		t.Errorf("%d of %d occurrences of the name are outside code spans", n-fenced, n)
	}
	checkTables(t, got)
}

func TestMarkdownEscapes(t *testing.T) {
	text := map[string]string{
		"plain text":      "plain text",
		"a_b*c`d":         `a\_b\*c` + "\\`" + "d",
		"- item":          `\- item`,
		"12. not a list":  `12\. not a list`,
		"48.0 MiB":        "48.0 MiB",
		"a | b":           `a \| b`,
		"x &amp; <b>":     `x \&amp; \<b\>`,
		"esc\x1b[31mred":  `esc\\x1b\[31mred`,
		"2026 was a year": "2026 was a year",
	}
	for in, want := range text {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
	code := map[string]string{
		"abc":  "`abc`",
		"a`b":  "``a`b``",
		"`a``": "``` `a`` ```",
		"a|b":  "`a\\|b`",
		"":     "`  `",
		"x\ny": "`x y`",
	}
	for in, want := range code {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// checkTables checks that every row of every GFM table has as many cells
// as the table's header, counting "|" not escaped by a backslash.
func checkTables(t *testing.T, md string) {
	t.Helper()
	cells := func(line string) int {
		n := 0
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '|':
				n++
			}
		}
		return n
	}
	want := -1
	for i, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		if want < 0 {
			want = cells(line)
			continue
		}
		if got := cells(line); got != want {
			t.Errorf("line %d has %d cell separators, its header %d: %s", i+1, got, want, line)
		}
	}
}
