package investigate

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// maxStory bounds the story; the timeline and graph carry the rest.
const maxStory = 30

// story tells the incident from the graph: where it most likely began,
// each causal step from there to the detections, what was detected, and
// what it reached. Every sentence cites the events it rests on and names
// only entities those events contain.
func (x *explained) story(inc *incident.Incident) []incident.Sentence {
	var out []incident.Sentence
	add := func(s incident.Sentence, ok bool) {
		if ok && len(out) < maxStory {
			out = append(out, s)
		}
	}
	if len(inc.RootCauses) > 0 {
		rc := inc.RootCauses[0]
		add(x.cite(rc.Evidence, []event.Entity{rc.Entity}, func(names []string) string {
			return fmt.Sprintf("The attack most likely began with %s (%s; confidence %.0f%%).", names[0], rc.Reason, 100*rc.Confidence)
		}))
	}
	said := map[graph.EdgeID]bool{}
	for _, e := range x.path {
		said[e] = true
		add(x.edgeSentence(e))
	}
	for _, f := range groupFindings(inc.Findings) {
		add(x.findingSentence(f.first, f.n))
	}
	for _, g := range incident.GroupData(inc.Impact.Data) {
		if len(g.Items) < incident.ManyItems {
			for _, d := range g.Items {
				add(x.cite(d.Events, []event.Entity{d.By, d.Entity}, func(n []string) string {
					return fmt.Sprintf("%s %s %s%s.", n[0], d.Done(), n[1], volume(d.Count, d.Bytes))
				}))
			}
			continue
		}
		add(x.cite(g.Events(), []event.Entity{g.By}, func(n []string) string {
			return fmt.Sprintf("%s %s %d items under %s%s.", n[0], g.Done(), g.Count(), g.Where, volume(1, g.Bytes()))
		}))
	}
	for _, t := range inc.Impact.Transfers {
		add(x.cite(t.Events, []event.Entity{t.From, t.To}, func(n []string) string {
			if t.Bytes == 0 { // the source logs the connection, not its volume
				return fmt.Sprintf("%s sent data to %s (volume not logged).", n[0], n[1])
			}
			return fmt.Sprintf("%s sent %s to %s.", n[0], bytesText(t.Bytes), n[1])
		}))
	}
	return out
}

// cite makes a sentence from the fewest of ids that together contain
// every entity: text gets the entities' names as the events give them.
func (x *explained) cite(ids []event.ID, ents []event.Entity, text func([]string) string) (incident.Sentence, bool) {
	var s incident.Sentence
	names := make([]string, len(ents))
	for i, e := range ents {
		found := false
		for _, id := range ids {
			ev := x.inv.lookup(id)
			if ev == nil {
				continue
			}
			if m, ok := mention(ev, e); ok {
				names[i] = display(m)
				s.Entities = append(s.Entities, m.ID)
				if !containsID(s.Events, id) {
					s.Events = append(s.Events, id)
				}
				found = true
				break
			}
		}
		if !found {
			return incident.Sentence{}, false
		}
	}
	s.Text = text(names)
	return s, true
}

func containsID(ids []event.ID, id event.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// mention finds e among an event's entities: the same id, or for an
// address the endpoint with that address, or for a host the event's host.
func mention(ev *event.Event, e event.Entity) (event.Entity, bool) {
	for _, r := range ev.Refs {
		if r.Entity.ID == e.ID {
			return r.Entity, true
		}
	}
	if e.Kind == event.KindEndpoint {
		if a, err := netip.ParseAddr(e.Name); err == nil {
			for _, r := range ev.Refs {
				if ap, err := netip.ParseAddrPort(r.Entity.Name); err == nil && ap.Addr() == a {
					return r.Entity, true
				}
			}
		}
	}
	return event.Entity{}, false
}

// edgeSentence tells one causal step.
func (x *explained) edgeSentence(e graph.EdgeID) (incident.Sentence, bool) {
	g := x.inv.g
	ed := g.Edge(e)
	from, to := g.Node(ed.From).Entity, g.Node(ed.To).Entity
	kind := g.Kind(ed.Kind)
	return x.cite(g.Evidence(e), []event.Entity{from, to}, func(n []string) string {
		return stepText(kind, n[0], n[1], time.Unix(0, ed.First).UTC(), int(ed.Count), ed.Bytes)
	})
}

// standing are the kinds of edges that state a relation rather than
// count actions: every event of a process names the file it runs from.
var standing = map[string]bool{"exec": true, "same": true, "addr": true, "as": true, "role": true,
	"instance": true, "session": true, "key": true, "service": true, "remote": true}

// stepText words an edge: from did kind to to.
func stepText(kind, from, to string, at time.Time, count int, bytes int64) string {
	when := at.Format("2006-01-02 15:04:05")
	verb, detail, _ := strings.Cut(kind, ":")
	var s string
	switch verb {
	case "start":
		s = fmt.Sprintf("%s started %s", from, to)
	case "exec":
		s = fmt.Sprintf("%s ran from the file %s", to, from)
	case "download":
		s = fmt.Sprintf("%s arrived from %s", to, from)
	case "read":
		s = fmt.Sprintf("%s read %s", to, from)
	case "load":
		s = fmt.Sprintf("%s loaded %s", to, from)
	case "connect", "flow", "http", "tls", "request", "dns", "query":
		s = fmt.Sprintf("%s connected to %s", from, to)
	case "accept":
		s = fmt.Sprintf("%s accepted a connection from %s", to, from)
	case "access":
		s = fmt.Sprintf("%s opened %s", from, to)
	case "inject":
		s = fmt.Sprintf("%s injected code into %s", from, to)
	case "session":
		s = fmt.Sprintf("%s ran in the logon session %s", to, from)
	case "logon":
		s = fmt.Sprintf("%s logged on to %s", from, to)
	case "as":
		s = fmt.Sprintf("%s acted as %s", to, from)
	case "from":
		s = fmt.Sprintf("%s acted from %s", to, from)
	case "key":
		s = fmt.Sprintf("%s used the key %s", to, from)
	case "issue":
		s = fmt.Sprintf("%s obtained %s", from, to)
	case "role":
		s = fmt.Sprintf("%s is a session of the role %s", to, from)
	case "instance":
		s = fmt.Sprintf("%s holds the credentials of instance %s", to, from)
	case "call":
		s = fmt.Sprintf("%s called %s on %s", from, detail, to)
	case "addr":
		s = fmt.Sprintf("%s has the address %s", from, to)
	case "same":
		s = fmt.Sprintf("%s and %s are the same process, as two logs record it", from, to)
	case "service":
		s = fmt.Sprintf("%s started %s as a service", from, to)
	case "remote":
		s = fmt.Sprintf("%s opened %s over the network", from, to)
	case "share_write":
		s = fmt.Sprintf("%s wrote %s over a file share", from, to)
	case "share_delete":
		s = fmt.Sprintf("%s deleted %s over a file share", from, to)
	case "create", "write", "stream", "rename", "delete", "set", "change_time":
		s = fmt.Sprintf("%s %s %s", from, pastTense(verb), to)
	default:
		s = fmt.Sprintf("%s %s %s", from, verb, to)
	}
	if detail != "" && verb == "read" {
		s += " (" + detail + ")"
	}
	if count > 1 && !standing[verb] {
		s += fmt.Sprintf(", %d times", count)
	}
	if bytes > 0 {
		s += ", " + bytesText(bytes)
	}
	return s + ", from " + when + "."
}

func pastTense(v string) string {
	switch v {
	case "create":
		return "created"
	case "set":
		return "set"
	case "stream":
		return "wrote a stream to"
	case "change_time":
		return "changed the time of"
	}
	return v + "d"
}

// findingGroup is the findings of one rule on one subject.
type findingGroup struct {
	first finding.Finding
	n     int
}

func groupFindings(fs []finding.Finding) []findingGroup {
	var out []findingGroup
	idx := map[string]int{}
	for _, f := range fs {
		if i, ok := idx[f.Rule.ID]; ok {
			out[i].n++
			continue
		}
		idx[f.Rule.ID] = len(out)
		out = append(out, findingGroup{first: f, n: 1})
	}
	return out
}

// findingSentence tells a detection: which rule, which technique, on what.
func (x *explained) findingSentence(f finding.Finding, n int) (incident.Sentence, bool) {
	var subj event.Entity
	for _, id := range f.Events {
		if ev := x.inv.lookup(id); ev != nil {
			subj = x.inv.g.Subject(ev)
			break
		}
	}
	if subj.ID == "" {
		return incident.Sentence{}, false
	}
	tech := ""
	if len(f.Rule.Techniques) > 0 {
		tech = " (" + strings.Join(f.Rule.Techniques, ", ") + ")"
	}
	times := ""
	if n > 1 {
		times = fmt.Sprintf(", %d times from then on", n)
	}
	return x.cite(f.Events, []event.Entity{subj}, func(names []string) string {
		return fmt.Sprintf("Detected %q%s on %s at %s%s.", f.Rule.Title, tech, names[0], f.Time.Format("2006-01-02 15:04:05"), times)
	})
}

// display is how a sentence names an entity.
func display(e event.Entity) string {
	switch e.Kind {
	case event.KindProcess:
		name := e.Name
		if i := strings.LastIndexAny(name, `\/`); i >= 0 {
			name = name[i+1:]
		}
		if name == "" {
			name = "process"
		}
		return fmt.Sprintf("%s (%s)", name, e.ID)
	case event.KindSession:
		return "session " + e.Name
	case event.KindCredential:
		return "key " + e.Name
	case event.KindHost:
		return "host " + e.Name
	}
	if e.Name != "" {
		return e.Name
	}
	return e.ID
}

func volume(count int, bytes int64) string {
	s := ""
	if count > 1 {
		s = fmt.Sprintf(" %d times", count)
	}
	if bytes > 0 {
		s += ", " + bytesText(bytes)
	}
	return s
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// timeline lists the detections and the causal steps in time order.
func (x *explained) timeline(fs []finding.Finding) []incident.Step {
	g := x.inv.g
	var out []incident.Step
	for _, f := range fs {
		s, ok := x.findingSentence(f, 1)
		if !ok {
			continue
		}
		tactic := ""
		if len(f.Rule.Tactics) > 0 {
			tactic = f.Rule.Tactics[0]
		}
		out = append(out, incident.Step{Time: f.Time, Text: s.Text, Tactic: tactic, Finding: true, Events: s.Events, Entities: s.Entities})
	}
	edges := make([]graph.EdgeID, 0, len(x.edges))
	for e := range x.edges {
		edges = append(edges, e)
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i] < edges[j] })
	for _, e := range edges {
		s, ok := x.edgeSentence(e)
		if !ok {
			continue
		}
		out = append(out, incident.Step{Time: time.Unix(0, g.Edge(e).First).UTC(), Text: s.Text, Events: s.Events, Entities: s.Entities})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	if len(out) > 300 {
		out = out[:300]
	}
	return out
}

// title names the incident by its most severe detection and where the
// attack took hold.
func title(inc *incident.Incident) string {
	best := inc.Findings[0]
	for _, f := range inc.Findings {
		if finding.LevelRank(f.Rule.Level) > finding.LevelRank(best.Rule.Level) {
			best = f
		}
	}
	t := best.Rule.Title
	if inc.FirstCompromised != nil {
		t += " on " + inc.FirstCompromised.Entity.Name
	}
	if n := len(inc.Findings) - 1; n > 0 {
		t += fmt.Sprintf(" (+%d more findings)", n)
	}
	return t
}
