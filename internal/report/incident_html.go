package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

//go:embed templates/*.html.tmpl
var templateFS embed.FS

// htmlTemplates renders the incident pages. Everything that comes from
// logs passes through html/template's contextual escaping.
var htmlTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"short": shortID,
	"hex":   func(id event.ID) string { return id.String() },
	"clock": clock,
	"pct":   func(f float64) string { return strconv.FormatFloat(100*f, 'f', 0, 64) + "%" },
	"bytes": byteSize,
	"name":  displayName,
	"rfc":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"join":  strings.Join,
	"inc":   func(i int) int { return i + 1 },
}).ParseFS(templateFS, "templates/*.html.tmpl"))

// incidentPage is what the incident template shows.
type incidentPage struct {
	Inc      *incident.Incident
	ShortID  string
	Range    string
	Duration string
	Graph    svgGraph
	Legend   []legendItem
	Timeline *svgTimeline
	Steps    []stepRow
	Stages   []stageTechniques
	Impact   []impactItem
	Evidence []evidenceRow
	Joins    []joinRow
	// LegendBox is the viewBox of a legend sample: a node and its stroke.
	LegendBox string
}

// joinRow says why a finding belongs to the incident, in names.
type joinRow struct {
	Finding, To string
	Path        []string
}

type legendItem struct{ Shape, Class, Text string }

type stepRow struct {
	N                int
	Rel, Clock, Text string
	Tactic           string
	Finding          bool
	Events           []event.ID
}

type impactItem struct {
	What, Subject, Detail string
	Events                []event.ID
}

type evidenceRow struct {
	ID     event.ID
	By     string
	Found  bool
	Time   string
	Format string
	Where  string
	What   string
	Refs   []evidenceRef
	Fields []event.Field
	More   int // fields not shown
	Total  int
	t      time.Time
}

// evidenceRef is an entity of a cited event: "actor (process)" and its
// name.
type evidenceRef struct{ Role, Name string }

// maxFields bounds the original fields shown per cited event.
const maxFields = 40

// WriteIncidentHTML writes one self-contained HTML page for inc: the attack
// graph drawn as inline SVG, a timeline, root causes, techniques, impact,
// the story with citations linked to an evidence section that describes
// each cited event. events looks events up by id; it may be nil or return
// nil, and then only the id is listed. The page loads nothing: no script,
// no style sheet, no font, no image from elsewhere.
func WriteIncidentHTML(w io.Writer, inc incident.Incident, events func(event.ID) *event.Event) error {
	p := incidentPage{
		Inc: &inc, ShortID: incidentShortID(&inc),
		Range: timeRange(inc.First, inc.Last), Duration: duration(inc.Last.Sub(inc.First)),
		Graph: layoutGraph(&inc), Timeline: layoutTimeline(&inc), Stages: techniquesByStage(&inc),
		LegendBox: fmt.Sprintf("-4 -4 %d %d", nodeW+8, nodeH+8),
	}
	for _, k := range []event.Kind{event.KindHost, event.KindProcess, event.KindFile, event.KindPrincipal,
		event.KindSession, event.KindCredential, event.KindEndpoint, event.KindResource} {
		p.Legend = append(p.Legend, legendItem{Shape: shapeOf(k), Class: "sample node k-" + string(k) + " r-context", Text: string(k)})
	}
	for _, r := range []string{"root-cause", "compromised", "attacker", "target", "data"} {
		p.Legend = append(p.Legend, legendItem{Shape: otherShape, Class: "sample node k-other r-" + r, Text: r})
	}
	for i, s := range inc.Timeline {
		p.Steps = append(p.Steps, stepRow{N: i + 1, Rel: "+" + duration(s.Time.Sub(inc.First)), Clock: clock(s.Time),
			Text: s.Text, Tactic: s.Tactic, Finding: s.Finding, Events: s.Events})
	}
	p.Impact = htmlImpact(&inc)
	p.Evidence = evidenceRows(&inc, events)
	p.Joins = joinRows(&inc)
	if err := htmlTemplates.ExecuteTemplate(w, "incident.html.tmpl", p); err != nil {
		return fmt.Errorf("rendering incident %s: %w", p.ShortID, err)
	}
	return nil
}

func htmlImpact(inc *incident.Incident) []impactItem {
	var out []impactItem
	for _, d := range inc.Impact.Data {
		detail := volume(d)
		out = append(out, impactItem{"data read", displayName(d.Entity) + " by " + displayName(d.By), detail + " from " + clock(d.First), d.Events})
	}
	for _, t := range inc.Impact.Transfers {
		out = append(out, impactItem{"sent out", displayName(t.From) + " → " + displayName(t.To), transferSize(t) + " from " + clock(t.First), t.Events})
	}
	for _, h := range inc.Impact.Hosts {
		out = append(out, impactItem{"host reached", displayName(h.Entity), "from " + clock(h.Time), h.Evidence})
	}
	for _, s := range inc.Impact.Identities {
		out = append(out, impactItem{"identity used", string(s.Entity.Kind) + " " + displayName(s.Entity), "from " + clock(s.Time), s.Evidence})
	}
	return out
}

// evidenceRows describes every cited event, in time order; events that
// cannot be looked up come last, in order of citation.
func evidenceRows(inc *incident.Incident, events func(event.ID) *event.Event) []evidenceRow {
	var rows []evidenceRow
	for _, c := range citedEvents(inc) {
		r := evidenceRow{ID: c.ID, By: strings.Join(c.By, ", ")}
		var ev *event.Event
		if events != nil {
			ev = events(c.ID)
		}
		if ev != nil {
			r.Found, r.t = true, ev.Time
			r.Time = ev.Time.UTC().Format("15:04:05.000Z")
			if y, m, d := ev.Time.UTC().Date(); y != inc.First.UTC().Year() || m != inc.First.UTC().Month() || d != inc.First.UTC().Day() {
				r.Time = ev.Time.UTC().Format("2006-01-02 15:04:05.000Z")
			}
			r.Format = ev.Source.Format
			r.Where = ev.Source.Path + " @ " + strconv.FormatInt(ev.Source.Offset, 10)
			if ev.Source.Record != "" {
				r.Where += " (record " + ev.Source.Record + ")"
			}
			r.What = string(ev.Class)
			if ev.Action != "" {
				r.What += "/" + ev.Action
			}
			if ev.Outcome != "" {
				r.What += " (" + string(ev.Outcome) + ")"
			}
			for _, role := range roleOrder {
				for _, ref := range ev.Refs {
					if ref.Role == role {
						what := string(role)
						if string(ref.Entity.Kind) != what {
							what += " (" + string(ref.Entity.Kind) + ")"
						}
						r.Refs = append(r.Refs, evidenceRef{Role: what, Name: orDash(ref.Entity.Name)})
					}
				}
			}
			r.Fields, r.Total = ev.Fields, len(ev.Fields)
			if len(r.Fields) > maxFields {
				r.Fields, r.More = r.Fields[:maxFields], len(r.Fields)-maxFields
			}
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Found != rows[j].Found {
			return rows[i].Found
		}
		return rows[i].t.Before(rows[j].t)
	})
	return rows
}

// joinRows names the findings and the path of each join.
func joinRows(inc *incident.Incident) []joinRow {
	rules := map[event.ID]string{}
	for _, f := range inc.Findings {
		rules[f.ID] = f.Rule.Title + " (" + shortID(f.ID) + ")"
	}
	names := map[string]string{}
	for _, n := range inc.Graph.Nodes {
		names[n.Entity.ID] = displayName(n.Entity)
	}
	for _, m := range inc.Entities {
		names[m.Entity.ID] = displayName(m.Entity)
	}
	var out []joinRow
	for _, j := range inc.Joins {
		r := joinRow{Finding: rules[j.Finding], To: rules[j.To]}
		if r.Finding == "" {
			r.Finding = "finding " + shortID(j.Finding)
		}
		if r.To == "" {
			r.To = "finding " + shortID(j.To)
		}
		for _, id := range j.Path {
			if name, ok := names[id]; ok {
				id = name
			}
			r.Path = append(r.Path, id)
		}
		out = append(out, r)
	}
	return out
}

// indexRow is one incident of the index page.
type indexRow struct {
	Inc   *incident.Incident
	File  string
	Range string
	Root  string
}

// WriteIndexHTML writes a self-contained page listing the incidents, each
// linked to its page (IncidentFileName).
func WriteIndexHTML(w io.Writer, incs []incident.Incident) error {
	rows := make([]indexRow, len(incs))
	for i := range incs {
		inc := &incs[i]
		rows[i] = indexRow{Inc: inc, File: IncidentFileName(*inc), Range: timeRange(inc.First, inc.Last), Root: "-"}
		if len(inc.RootCauses) > 0 {
			rc := inc.RootCauses[0]
			rows[i].Root = fmt.Sprintf("%s %s (%.0f%%)", rc.Entity.Kind, displayName(rc.Entity), 100*rc.Confidence)
		}
	}
	if err := htmlTemplates.ExecuteTemplate(w, "index.html.tmpl", rows); err != nil {
		return fmt.Errorf("rendering the incident index: %w", err)
	}
	return nil
}
