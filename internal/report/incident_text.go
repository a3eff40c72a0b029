package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// textWidth is the column the terminal summary wraps at.
const textWidth = 100

// textLabel is the width of the label column of the terminal summary.
const textLabel = 19

// WriteIncidentsText writes a compact terminal summary of each incident:
// title, severity, time range, the top root cause and why, the first
// compromised resource, the techniques by kill-chain stage, the impact,
// and the story with the short ids of the events each sentence cites.
func WriteIncidentsText(w io.Writer, incs []incident.Incident) error {
	ew := &errWriter{w: w}
	if len(incs) == 0 {
		ew.printf("No incidents.\n")
		return ew.err
	}
	for i := range incs {
		if i > 0 {
			ew.printf("\n")
		}
		writeIncidentText(ew, &incs[i])
	}
	return ew.err
}

func writeIncidentText(ew *errWriter, inc *incident.Incident) {
	head := fmt.Sprintf("Incident %s [%s] %s", incidentShortID(inc), strings.ToUpper(orDash(inc.Severity)), safeText(inc.Title))
	for _, l := range wrap(head, textWidth, "", "    ") {
		ew.printf("%s\n", l)
	}
	ew.printf("  %s (%s), %d findings, %d entities\n", timeRange(inc.First, inc.Last), duration(inc.Last.Sub(inc.First)), len(inc.Findings), len(inc.Entities))

	var rc []string
	for i, c := range inc.RootCauses {
		switch {
		case i == 0:
			rc = append(rc, fmt.Sprintf("%s (%.0f%%): %s", entityText(c.Entity), 100*c.Confidence, safeText(c.Reason)))
		case i < 3:
			rc = append(rc, fmt.Sprintf("also %s (%.0f%%)", entityText(c.Entity), 100*c.Confidence))
		case i == 3:
			rc = append(rc, fmt.Sprintf("and %d more candidates", len(inc.RootCauses)-i))
		}
	}
	labelled(ew, "Root cause", orNone(rc, "not found"))
	if fc := inc.FirstCompromised; fc != nil {
		labelled(ew, "First compromised", []string{fmt.Sprintf("%s at %s", entityText(fc.Entity), clock(fc.Time))})
	}

	var stages []string
	for _, st := range techniquesByStage(inc) {
		name := st.Stage
		if name == "" {
			name = "other"
		}
		stages = append(stages, name+": "+strings.Join(st.Techniques, ", "))
	}
	labelled(ew, "Kill chain", orNone(stages, "no techniques"))
	labelled(ew, "Impact", orNone(impactLines(inc), "none seen"))

	if len(inc.Story) > 0 {
		ew.printf("  Story\n")
		for i, s := range inc.Story {
			lines := wrap(fmt.Sprintf("%d. %s", i+1, safeText(s.Text)), textWidth, "    ", "       ")
			cite := citeText(s.Events)
			if last := len(lines) - 1; len([]rune(lines[last]))+1+len(cite) <= textWidth {
				lines[last] += " " + cite
			} else {
				lines = append(lines, "       "+cite)
			}
			for _, l := range lines {
				ew.printf("%s\n", l)
			}
		}
	}
}

// impactLines says what the attack reached, one line per item or per
// place where one reader read many.
func impactLines(inc *incident.Incident) []string {
	var out []string
	for _, g := range incident.GroupData(inc.Impact.Data) {
		if len(g.Items) < incident.ManyItems {
			for _, d := range g.Items {
				out = append(out, fmt.Sprintf("%s %s by %s (%s)", d.Done(), entityText(d.Entity), entityText(d.By), volume(d)))
			}
			continue
		}
		size := ""
		if b := g.Bytes(); b > 0 {
			size = ", " + byteSize(b)
		}
		out = append(out, fmt.Sprintf("%s %d items under %s by %s (%d events%s)", g.Done(), g.Count(), g.Where, entityText(g.By), len(g.Items), size))
	}
	for _, t := range inc.Impact.Transfers {
		out = append(out, fmt.Sprintf("sent %s from %s to %s", transferSize(t), entityText(t.From), entityText(t.To)))
	}
	var reach []string
	if names := subjectNames(inc.Impact.Hosts); names != "" {
		reach = append(reach, "hosts "+names)
	}
	if names := subjectNames(inc.Impact.Identities); names != "" {
		reach = append(reach, "identities "+names)
	}
	if len(reach) > 0 {
		out = append(out, "reached "+strings.Join(reach, "; "))
	}
	return out
}

func subjectNames(ss []incident.Subject) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = safeText(displayName(s.Entity))
	}
	return strings.Join(names, ", ")
}

// labelled writes lines under a label in the label column, wrapped.
func labelled(ew *errWriter, label string, lines []string) {
	pad := strings.Repeat(" ", textLabel+2)
	for i, line := range lines {
		first := pad
		if i == 0 {
			first = fmt.Sprintf("  %-*s", textLabel, label)
		}
		for _, l := range wrap(line, textWidth, first, pad+"  ") {
			ew.printf("%s\n", l)
		}
	}
}

// citeText is the short ids of cited events: "[3f2a91c0, 77b1c2d3]".
func citeText(ids []event.ID) string {
	if len(ids) == 0 {
		return "[no evidence]"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = shortID(id)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// wrap breaks s into lines of at most width columns (words longer than a
// line are kept whole), the first prefixed by first, the rest by rest.
func wrap(s string, width int, first, rest string) []string {
	var lines []string
	line := first
	empty := true
	for _, word := range strings.Fields(s) {
		if !empty && len([]rune(line))+1+len([]rune(word)) > width {
			lines = append(lines, line)
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	return append(lines, line)
}

func orNone(lines []string, none string) []string {
	if len(lines) == 0 {
		return []string{none}
	}
	return lines
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// timeRange is "2026-03-10 09:01:40Z .. 09:43:12Z", with the date repeated
// only when it changes.
func timeRange(first, last time.Time) string {
	if first.IsZero() {
		return "no time"
	}
	first, last = first.UTC(), last.UTC()
	end := last.Format("2006-01-02 15:04:05Z")
	if first.Format(time.DateOnly) == last.Format(time.DateOnly) {
		end = clock(last)
	}
	return first.Format("2006-01-02 15:04:05Z") + " .. " + end
}

// clock is a time of day in UTC.
func clock(t time.Time) string { return t.UTC().Format("15:04:05Z") }

// duration is a short human duration: "41m32s", "3h05m", "2d04h".
func duration(d time.Duration) string {
	switch {
	case d < 0:
		if d == math.MinInt64 {
			d++ // -d would overflow back to itself
		}
		return "-" + duration(-d)
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%02dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// transferSize is a transfer's volume, or says that its source logged the
// connection without one.
func transferSize(t incident.Transfer) string {
	if t.Bytes == 0 {
		return "data (volume not logged)"
	}
	return byteSize(t.Bytes)
}
