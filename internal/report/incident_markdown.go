package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// WriteIncidentsMarkdown writes the incidents as one Markdown report to
// paste into a ticket: per incident its facts, root causes, story (with
// the cited event ids as inline code), techniques, impact, findings and
// timeline as tables, and an appendix of every cited event id. Text from
// logs is escaped so that it renders literally and cannot break a table.
func WriteIncidentsMarkdown(w io.Writer, incs []incident.Incident) error {
	ew := &errWriter{w: w}
	ew.printf("# Causeway incidents\n\n")
	if len(incs) == 0 {
		ew.printf("No incidents.\n")
		return ew.err
	}
	ew.printf("| # | severity | incident | time (UTC) | findings | root cause |\n|---|---|---|---|---|---|\n")
	for i := range incs {
		inc := &incs[i]
		root := "-"
		if len(inc.RootCauses) > 0 {
			root = mdCode(displayName(inc.RootCauses[0].Entity))
		}
		ew.printf("| %d | %s | %s %s | %s | %d | %s |\n", i+1, mdText(orDash(inc.Severity)), mdCode(incidentShortID(inc)),
			mdText(inc.Title), timeRange(inc.First, inc.Last), len(inc.Findings), root)
	}
	for i := range incs {
		writeIncidentMarkdown(ew, i+1, &incs[i])
	}
	ew.printf("\n## Appendix: cited events\n")
	for i := range incs {
		inc := &incs[i]
		ew.printf("\n### %d. %s\n\n| event id | cited by |\n|---|---|\n", i+1, mdText(inc.Title))
		for _, c := range citedEvents(inc) {
			ew.printf("| %s | %s |\n", mdCode(c.ID.String()), mdText(strings.Join(c.By, ", ")))
		}
	}
	return ew.err
}

func writeIncidentMarkdown(ew *errWriter, n int, inc *incident.Incident) {
	ew.printf("\n## %d. %s\n\n", n, mdText(inc.Title))
	ew.printf("- **Incident:** %s\n", mdCode(inc.ID.String()))
	ew.printf("- **Severity:** %s\n", mdText(orDash(inc.Severity)))
	ew.printf("- **Time (UTC):** %s (%s)\n", timeRange(inc.First, inc.Last), duration(inc.Last.Sub(inc.First)))
	if fc := inc.FirstCompromised; fc != nil {
		ew.printf("- **First compromised:** %s %s at %s %s\n", fc.Entity.Kind, mdCode(fullName(fc.Entity)), clock(fc.Time), mdCites(fc.Evidence))
	}
	if len(inc.Stages) > 0 {
		stages := make([]string, len(inc.Stages))
		for i, s := range inc.Stages {
			stages[i] = mdText(s)
		}
		ew.printf("- **Kill chain:** %s\n", strings.Join(stages, " → "))
	}
	ew.printf("- **Counts:** %d findings, %d entities, %d graph edges, %d timeline steps\n",
		len(inc.Findings), len(inc.Entities), len(inc.Graph.Edges), len(inc.Timeline))

	ew.printf("\n### Root causes\n\n")
	if len(inc.RootCauses) == 0 {
		ew.printf("No root cause found.\n")
	} else {
		ew.printf("| # | entity | confidence | reason | evidence |\n|---|---|---|---|---|\n")
		for i, rc := range inc.RootCauses {
			ew.printf("| %d | %s %s | %.0f%% | %s | %s |\n", i+1, rc.Entity.Kind, mdCode(fullName(rc.Entity)),
				100*rc.Confidence, mdText(rc.Reason), mdCites(rc.Evidence))
		}
	}

	if len(inc.Story) > 0 {
		ew.printf("\n### Story\n\n")
		for i, s := range inc.Story {
			ew.printf("%d. %s %s\n", i+1, mdText(s.Text), mdCites(s.Events))
		}
	}

	ew.printf("\n### Techniques\n\n")
	if len(inc.Techniques) == 0 {
		ew.printf("No ATT&CK techniques named.\n")
	} else {
		ew.printf("| technique | tactics | first seen (UTC) | rules | evidence |\n|---|---|---|---|---|\n")
		for _, t := range inc.Techniques {
			ew.printf("| %s | %s | %s | %s | %s |\n", mdText(t.ID), mdText(strings.Join(t.Tactics, ", ")), clock(t.First),
				mdText(strings.Join(t.Rules, "; ")), mdCites(t.Events))
		}
	}

	ew.printf("\n### Impact\n\n")
	if rows := impactRows(inc); len(rows) == 0 {
		ew.printf("No impact seen.\n")
	} else {
		ew.printf("| impact | what | detail | evidence |\n|---|---|---|---|\n")
		for _, r := range rows {
			ew.printf("| %s | %s | %s | %s |\n", r.what, r.subject, mdText(r.detail), mdCites(r.events))
		}
	}

	if len(inc.Findings) > 0 {
		ew.printf("\n### Findings\n\n| time (UTC) | level | rule | techniques | evidence |\n|---|---|---|---|---|\n")
		for _, f := range inc.Findings {
			ew.printf("| %s | %s | %s | %s | %s |\n", clock(f.Time), mdText(orDash(f.Rule.Level)), mdText(f.Rule.Title),
				mdText(strings.Join(f.Rule.Techniques, ", ")), mdCites(f.Events))
		}
	}

	if len(inc.Timeline) > 0 {
		ew.printf("\n### Timeline\n\n| T+ | time (UTC) | tactic | step | evidence |\n|---|---|---|---|---|\n")
		for _, s := range inc.Timeline {
			text := mdText(s.Text)
			if s.Finding {
				text = "**detection:** " + text
			}
			ew.printf("| %s | %s | %s | %s | %s |\n", duration(s.Time.Sub(inc.First)), clock(s.Time), mdText(orDash(s.Tactic)), text, mdCites(s.Events))
		}
	}
}

// impactRow is one line of the impact table; subject is Markdown already.
type impactRow struct {
	what, subject, detail string
	events                []event.ID
}

func impactRows(inc *incident.Incident) []impactRow {
	var rows []impactRow
	for _, d := range inc.Impact.Data {
		detail := volume(d)
		detail += " from " + clock(d.First)
		rows = append(rows, impactRow{"data read", fmt.Sprintf("%s by %s", mdCode(displayName(d.Entity)), mdCode(displayName(d.By))), detail, d.Events})
	}
	for _, t := range inc.Impact.Transfers {
		rows = append(rows, impactRow{"sent out", fmt.Sprintf("%s → %s", mdCode(displayName(t.From)), mdCode(displayName(t.To))),
			transferSize(t) + " from " + clock(t.First), t.Events})
	}
	for _, h := range inc.Impact.Hosts {
		rows = append(rows, impactRow{"host reached", mdCode(displayName(h.Entity)), "from " + clock(h.Time), h.Evidence})
	}
	for _, p := range inc.Impact.Identities {
		rows = append(rows, impactRow{"identity used", string(p.Entity.Kind) + " " + mdCode(displayName(p.Entity)), "from " + clock(p.Time), p.Evidence})
	}
	return rows
}

// mdCites is the short ids of cited events as inline code.
func mdCites(ids []event.ID) string {
	if len(ids) == 0 {
		return "-"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "`" + shortID(id) + "`"
	}
	return strings.Join(parts, " ")
}

// mdText escapes text from logs so that Markdown shows it literally: the
// punctuation that has a meaning inside a line (emphasis, code, links,
// HTML, entities, "|" that splits a table cell) is backslash-escaped, and
// so is a first character that would start a block (a heading, a list).
func mdText(s string) string {
	s = safeText(s)
	marker := -1 // the "." or ")" of a leading "12." that would start a list
	if d := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); d > 0 && (s[d] == '.' || s[d] == ')') && (d+1 == len(s) || s[d+1] == ' ') {
		marker = d
	}
	var b strings.Builder
	for i, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~&", r) || (i == 0 && strings.ContainsRune("#-+=", r)) || i == marker {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode is s as an inline code span: fenced by more backticks than s
// holds in a row, and with "|" escaped (GFM splits table cells on it even
// inside code).
func mdCode(s string) string {
	s = strings.ReplaceAll(safeText(s), "|", `\|`)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + s + fence
}
