package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// WritePlansText writes each incident's containment plan: every action
// with the guard's decision, its state, why it was chosen and the
// alternatives the planner set aside.
func WritePlansText(w io.Writer, plans []action.Plan) error {
	ew := &errWriter{w: w}
	for _, p := range plans {
		ew.printf("\nContainment of incident %s (cost %.0f)\n", p.Incident.String()[:12], p.Cost)
		for _, s := range p.Explanation {
			ew.printf("  %s\n", oneLine(s))
		}
		if len(p.Actions) == 0 {
			ew.printf("  no action\n")
		}
		for _, a := range p.Actions {
			ew.printf("  %-10s %-12s %s %s  [%s]\n", strings.ToUpper(string(a.Decision)), a.State, a.Kind, a.Target.ID, a.ID.String()[:12])
			if a.Reason.Why != "" {
				ew.printf("             why: %s\n", oneLine(a.Reason.Why))
			}
			if a.Why != "" {
				ew.printf("             policy: %s\n", oneLine(a.Why))
			}
			for _, alt := range a.Reason.Alternatives {
				ew.printf("             not %s %s: %s\n", alt.Kind, alt.Target.ID, oneLine(alt.WhyNot))
			}
			if a.Error != "" {
				ew.printf("             error: %s\n", oneLine(a.Error))
			}
		}
	}
	return ew.err
}

// oneLine keeps log-derived text on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(fmt.Sprint(s)), " ")
}
