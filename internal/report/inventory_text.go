package report

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// Summary is what "causeway investigate" reports: what was read, what the
// rules found, and the incidents.
type Summary struct {
	*Inventory
	Detection *Detections         `json:"detection,omitempty"`
	Incidents []incident.Incident `json:"incidents"`
	// Plans are the containment plans, when a response was asked for;
	// Actions lists all their actions (kind, target, decision, state).
	Plans   []action.Plan   `json:"plans,omitempty"`
	Actions []action.Action `json:"actions,omitempty"`
}

// WriteSummaryJSON writes s as one JSON object.
func WriteSummaryJSON(w io.Writer, s Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// WriteSummaryText writes s as a terminal summary, the incidents last.
func WriteSummaryText(w io.Writer, s Summary) error {
	if err := WriteInventoryText(w, s.Inventory); err != nil {
		return err
	}
	if s.Detection != nil {
		ew := &errWriter{w: w}
		s.Detection.writeText(ew)
		if ew.err != nil {
			return ew.err
		}
	}
	if len(s.Incidents) == 0 {
		_, err := fmt.Fprintln(w, "\nNo incidents.")
		return err
	}
	fmt.Fprintln(w)
	if err := WriteIncidentsText(w, s.Incidents); err != nil {
		return err
	}
	return WritePlansText(w, s.Plans)
}

// maxRows bounds each table of the terminal summary.
const maxRows = 25

// WriteInventoryText writes inv as a terminal summary.
func WriteInventoryText(w io.Writer, inv *Inventory) error {
	ew := &errWriter{w: w}
	rate := 0.0
	if inv.Seconds > 0 {
		rate = float64(inv.Events) / inv.Seconds
	}
	ew.printf("Read %d streams (%s) in %.1fs: %d events (%.0f events/s), %d errors", inv.Files, byteSize(inv.Bytes), inv.Seconds, inv.Events, rate, inv.Errors)
	if inv.Skipped > 0 {
		ew.printf(", %d streams in no known format", inv.Skipped)
	}
	ew.printf("\n")
	if !inv.First.IsZero() {
		ew.printf("Time range: %s .. %s\n", inv.First.Format(time.RFC3339), inv.Last.Format(time.RFC3339))
	}
	table(ew, "Source", inv.Formats)
	table(ew, "Class", inv.Classes)
	table(ew, "Host", inv.Hosts)
	if len(inv.SkippedPaths) > 0 {
		ew.printf("\nSkipped, in no known format (%d):\n", len(inv.SkippedPaths))
		for i, p := range inv.SkippedPaths {
			if i == maxRows {
				ew.printf("  ... and %d more (--output json lists all)\n", len(inv.SkippedPaths)-i)
				break
			}
			ew.printf("  %s: %s\n", p.Path, p.Reason)
		}
	}
	if len(inv.Problems) > 0 {
		ew.printf("\nErrors (%d, in %d groups):\n", inv.Errors, len(inv.Problems))
		for _, p := range inv.Problems {
			where := p.Path
			if p.Offset >= 0 {
				where = fmt.Sprintf("%s at offset %d", p.Path, p.Offset)
			}
			if p.Count > 1 {
				ew.printf("  %s: %s (%d times; first shown)\n", where, p.Message, p.Count)
			} else {
				ew.printf("  %s: %s\n", where, p.Message)
			}
		}
	}
	return ew.err
}

func table(ew *errWriter, title string, rows []Count) {
	if len(rows) == 0 {
		return
	}
	ew.printf("\n")
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\tevents\t\n", title)
	for i, r := range rows {
		if i == maxRows {
			var rest int64
			for _, r := range rows[i:] {
				rest += r.Count
			}
			fmt.Fprintf(tw, "(%d more)\t%d\t\n", len(rows)-i, rest)
			break
		}
		fmt.Fprintf(tw, "%s\t%d\t\n", r.Name, r.Count)
	}
	tw.Flush()
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// errWriter keeps the first write error so rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
