package eval

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// listMax is how many items of a detail list the text shows.
const listMax = 5

// WriteText writes the summary for people: a table with one row per
// scenario and an average row, then for each scenario what it missed.
func WriteText(w io.Writer, s Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tincidents\trc@1\trc@3\tfirst\tent P\tent R\tent F1\ttech P\ttech R\tdata R\tstory\talerts/inc\tbenign\t")
	leaked := 0
	for _, r := range s.Scenarios {
		leaked += len(r.BenignLeaked)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t\n", r.Name, r.Incidents, row(r.Metrics), len(r.BenignLeaked))
	}
	fmt.Fprintf(tw, "average\t\t%s\t%d\t\n", row(s.Metrics), leaked)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	var b strings.Builder
	for _, r := range s.Scenarios {
		details(&b, r)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	return nil
}

// row formats the metric columns of a table row.
func row(m Metrics) string {
	cols := []string{
		num(&m.RootCauseHitAt1), num(&m.RootCauseHitAt3), num(m.FirstCompromisedHit),
		num(&m.EntityPrecision), num(&m.EntityRecall), num(&m.EntityF1),
		num(m.TechniquePrecision), num(m.TechniqueRecall), num(m.DataAccessedRecall),
		num(&m.StoryGrounded), strconv.FormatFloat(m.Compression, 'f', 1, 64),
	}
	return strings.Join(cols, "\t")
}

// num formats a fraction, "-" when undefined.
func num(p *float64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatFloat(*p, 'f', 2, 64)
}

// details writes what a scenario missed, nothing when it missed nothing.
func details(b *strings.Builder, r Result) {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	if r.Incident < 0 {
		add("no incident shares an entity with the truth (%d found)", r.Incidents)
	} else if r.Incidents > 1 {
		add("scenario incident: #%d of %d", r.Incident, r.Incidents)
	}
	if r.RootCauseHitAt1 < 1 {
		add("root cause: got %s, want %s", list(r.RootCauses), strings.Join(r.WantRootCause, " or "))
	}
	if r.FirstCompromisedHit != nil && *r.FirstCompromisedHit < 1 {
		got := r.FirstCompromised
		if got == "" {
			got = "none"
		}
		add("first compromised: got %s, want %s", got, r.WantFirstCompromised)
	}
	for _, l := range []struct {
		what string
		ids  []string
	}{
		{"missed entities", r.MissedEntities},
		{"extra entities", r.ExtraEntities},
		{"missed techniques", r.MissedTechniques},
		{"extra techniques", r.ExtraTechniques},
		{"missed data", r.MissedData},
		{"benign entities in incidents", r.BenignLeaked},
	} {
		if len(l.ids) > 0 {
			add("%s (%d): %s", l.what, len(l.ids), list(l.ids))
		}
	}
	if len(r.Ungrounded) > 0 {
		add("ungrounded sentences (%d of %d):", len(r.Ungrounded), r.Sentences)
		for i, u := range r.Ungrounded {
			if i == listMax {
				add("  ... and %d more", len(r.Ungrounded)-listMax)
				break
			}
			add("  incident #%d sentence %d %q: %s", u.Incident, u.Sentence, clip(u.Text, 80), u.Reason)
		}
	} else if r.Sentences == 0 {
		add("no story sentences")
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", r.Name)
	for _, l := range lines {
		fmt.Fprintf(b, "  %s\n", l)
	}
}

// list joins the first listMax ids and says how many more there are.
func list(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	if len(ids) <= listMax {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s, ... and %d more", strings.Join(ids[:listMax], ", "), len(ids)-listMax)
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
