package report

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// This file holds what the incident renderers share: short ids, entity
// names made safe to print, techniques grouped by stage, and the list of
// cited events.

// shortID is the first 8 hex digits of an event id, as stories cite it.
func shortID(id event.ID) string { return id.String()[:8] }

// incidentShortID is the first 12 hex digits of an incident's id.
func incidentShortID(inc *incident.Incident) string { return inc.ID.String()[:12] }

// IncidentFileName is the name of the HTML file of inc in a report folder:
// "incident-" and the first 12 hex digits of its id, as the index links it.
func IncidentFileName(inc incident.Incident) string {
	return "incident-" + incidentShortID(&inc) + ".html"
}

// displayName is the name of an entity for people: its name (the last
// path element for files and processes), else its id.
func displayName(e event.Entity) string {
	name := e.Name
	if name == "" {
		name = e.ID
	}
	if e.Kind == event.KindFile || e.Kind == event.KindProcess {
		if i := strings.LastIndexAny(name, `\/`); i >= 0 && i < len(name)-1 {
			name = name[i+1:]
		}
	}
	return name
}

// fullName is an entity's whole name, else its id.
func fullName(e event.Entity) string {
	if e.Name != "" {
		return e.Name
	}
	return e.ID
}

// entityText is "kind name", safe for a terminal.
func entityText(e event.Entity) string {
	name := safeText(displayName(e))
	if e.Kind == "" {
		return name
	}
	return string(e.Kind) + " " + name
}

// safeText makes text from logs safe to print on one line: control
// characters (which could drive a terminal) and bidirectional overrides
// (which could reorder what a reader sees) are shown as \x.. or \u....
// escapes, and line breaks become spaces.
func safeText(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x100 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}

// volume is how much data was read: "1 read, 45.0 MiB".
func volume(d incident.DataAccess) string {
	s := fmt.Sprintf("%d reads", d.Count)
	if d.Count == 1 {
		s = "1 read"
	}
	if d.Bytes > 0 {
		s += ", " + byteSize(d.Bytes)
	}
	return s
}

// stageTechniques are the techniques of one kill-chain stage.
type stageTechniques struct {
	Stage      string // ATT&CK tactic; "" for techniques of no listed stage
	Techniques []string
}

// techniquesByStage groups the incident's techniques under its stages, in
// kill-chain order; techniques whose tactics name no stage come last.
func techniquesByStage(inc *incident.Incident) []stageTechniques {
	var out []stageTechniques
	placed := make([]bool, len(inc.Techniques))
	for _, stage := range inc.Stages {
		st := stageTechniques{Stage: stage}
		for i, t := range inc.Techniques {
			for _, tac := range t.Tactics {
				if strings.EqualFold(tac, stage) {
					st.Techniques = append(st.Techniques, t.ID)
					placed[i] = true
					break
				}
			}
		}
		if len(st.Techniques) == 0 {
			st.Techniques = []string{"-"}
		}
		out = append(out, st)
	}
	rest := stageTechniques{}
	for i, t := range inc.Techniques {
		if !placed[i] {
			rest.Techniques = append(rest.Techniques, t.ID)
		}
	}
	if len(rest.Techniques) > 0 {
		out = append(out, rest)
	}
	return out
}

// citation is an event the report cites and the places that cite it.
type citation struct {
	ID event.ID
	By []string // "story 2", "root cause 1", "step 5", ...
}

// citedEvents lists every event the incident cites, in order of first
// citation: the story, root causes, first compromised, findings,
// techniques, impact, then the timeline.
func citedEvents(inc *incident.Incident) []citation {
	var out []citation
	at := map[event.ID]int{}
	add := func(by string, ids []event.ID) {
		for _, id := range ids {
			i, ok := at[id]
			if !ok {
				i = len(out)
				at[id] = i
				out = append(out, citation{ID: id})
			}
			if c := &out[i]; len(c.By) == 0 || c.By[len(c.By)-1] != by {
				c.By = append(c.By, by)
			}
		}
	}
	for i, s := range inc.Story {
		add(fmt.Sprintf("story %d", i+1), s.Events)
	}
	for i, rc := range inc.RootCauses {
		add(fmt.Sprintf("root cause %d", i+1), rc.Evidence)
	}
	if fc := inc.FirstCompromised; fc != nil {
		add("first compromised", fc.Evidence)
	}
	for i, f := range inc.Findings {
		add(fmt.Sprintf("finding %d", i+1), f.Events)
	}
	for _, t := range inc.Techniques {
		add(t.ID, t.Events)
	}
	for _, d := range inc.Impact.Data {
		add("data read", d.Events)
	}
	for _, t := range inc.Impact.Transfers {
		add("transfer", t.Events)
	}
	for _, h := range inc.Impact.Hosts {
		add("host reached", h.Evidence)
	}
	for _, p := range inc.Impact.Identities {
		add("identity used", p.Evidence)
	}
	for i, s := range inc.Timeline {
		add(fmt.Sprintf("step %d", i+1), s.Events)
	}
	return out
}
