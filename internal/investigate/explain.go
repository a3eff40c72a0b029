package investigate

import (
	"sort"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// explained is what explain gathers about one group before rendering.
type explained struct {
	inv      *investigation
	group    []int
	roots    []candidate
	members  map[graph.NodeID]string // node -> role
	edges    map[graph.EdgeID]bool   // edges of the incident graph
	path     []graph.EdgeID          // root cause -> earliest finding
	paths    [][]graph.EdgeID        // root cause -> each finding it reaches, causal order
	findings map[graph.NodeID]int    // findings per anchor node
}

// explain builds the incident of a group of findings; false when the group
// is below the minimum level.
func (inv *investigation) explain(group []int) (incident.Incident, bool) {
	var inc incident.Incident
	top := 0
	for _, i := range group {
		f := inv.anchors[i].f
		inc.Findings = append(inc.Findings, f)
		if l := finding.LevelRank(f.Rule.Level); l > top {
			top, inc.Severity = l, f.Rule.Level
		}
	}
	if top < finding.LevelRank(inv.cfg.MinLevel) {
		return inc, false
	}
	sort.SliceStable(inc.Findings, func(i, j int) bool { return inc.Findings[i].Time.Before(inc.Findings[j].Time) })
	x := &explained{inv: inv, group: group, members: map[graph.NodeID]string{}, edges: map[graph.EdgeID]bool{}, findings: map[graph.NodeID]int{}}
	x.roots = inv.rootCauses(group)
	x.collect()
	x.span(&inc)

	for i, c := range x.roots {
		rc := incident.RootCause{Subject: x.subject(c.node, c.at), Confidence: confidence(x.roots, i), Reason: c.reason()}
		if len(rc.Evidence) == 0 {
			continue // nothing cites it: not a candidate an analyst can check
		}
		inc.RootCauses = append(inc.RootCauses, rc)
	}
	inc.FirstCompromised = x.firstCompromised()
	inc.Techniques, inc.Stages = x.addInferred(techniques(inc.Findings, inv.cfg.Curated))
	inc.Impact = x.impact()
	inc.Entities = x.memberList()
	inc.Graph = x.graph()
	inc.Joins = x.joins()
	inc.Timeline = x.timeline(inc.Findings)
	inc.Story = x.story(&inc)
	inc.Title = title(&inc)
	rootID := ""
	if len(inc.RootCauses) > 0 {
		rootID = inc.RootCauses[0].Entity.ID
	}
	inc.ID = event.NewID("incident", inc.Findings[0].ID.String(), rootID)
	return inc, true
}

// span sets the incident's time range from its findings.
func (x *explained) span(inc *incident.Incident) {
	for i, f := range inc.Findings {
		if i == 0 || f.Time.Before(inc.First) {
			inc.First = f.Time
		}
		if f.Time.After(inc.Last) {
			inc.Last = f.Time
		}
	}
	for _, c := range x.roots[:min(1, len(x.roots))] {
		if c.at.Before(inc.First) {
			inc.First = c.at
		}
	}
}

// confidence shares the candidates' scores out.
func confidence(cs []candidate, i int) float64 {
	var sum float64
	for _, c := range cs {
		sum += c.score
	}
	if sum == 0 {
		return 0
	}
	return cs[i].score / sum
}

// collect gathers the incident's nodes and edges: the findings' subjects,
// the path from the top root cause to each, the paths that joined them,
// the other ends of their alerted edges, and the remote peers of its
// processes.
func (x *explained) collect() {
	inv, g := x.inv, x.inv.g
	addPath := func(p []graph.EdgeID) {
		for _, e := range p {
			x.edges[e] = true
			ed := g.Edge(e)
			x.add(ed.From, "attacker")
			x.add(ed.To, "attacker")
		}
	}
	inGroup := map[graph.NodeID]bool{}
	for _, i := range x.group {
		if a := &inv.anchors[i]; a.ok {
			inGroup[a.node] = true
		}
	}
	for _, i := range x.group {
		a := &inv.anchors[i]
		if !a.ok {
			continue
		}
		x.findings[a.node]++
		x.add(a.node, "attacker")
		if len(x.roots) > 0 {
			if j, ok := a.backI[x.roots[0].node]; ok {
				p := graph.Path(a.back, j)
				addPath(p)
				x.paths = append(x.paths, reversed(p))
				if len(x.path) == 0 || len(p) > 0 && g.Edge(p[len(p)-1]).First < g.Edge(x.path[0]).First {
					x.path = reversed(p)
				}
			}
		}
		for j, r := range a.fwd {
			if j > 0 && inGroup[r.Node] {
				addPath(graph.Path(a.fwd, j))
			}
		}
		if len(x.roots) > 0 {
			if _, ok := a.backI[x.roots[0].node]; ok && a.node != x.roots[0].node {
				x.descendants(a) // only what the attack controls: downstream of its root cause
			}
		}
	}
	before := x.memberSet()
	for _, e := range inv.suspiciousEdges() {
		ed := g.Edge(e)
		if before[ed.From] || before[ed.To] {
			x.edges[e] = true
			if g.Kind(ed.Kind) != "start" || before[ed.From] {
				x.add(ed.From, "attacker") // not the parent of an alerted start: that is who ran it, not what it did
			}
			x.add(ed.To, "target")
		}
	}
	for _, n := range x.memberNodes() {
		if g.Node(n).Entity.Kind != event.KindProcess || x.members[n] == "data" {
			continue
		}
		for _, e := range g.Out(n) {
			ed := g.Edge(e)
			peer := g.Node(ed.To).Entity
			if ed.Both && peer.Kind == event.KindEndpoint && !g.IsHub(ed.To) && !infrastructure(peer) && !inv.skip(e) && x.onlyMembers(ed.To) {
				x.edges[e] = true
				x.add(ed.To, "target")
			}
		}
	}
	for _, i := range x.group {
		if a := &inv.anchors[i]; a.ok {
			x.identityChain(a.node, a.at)
		}
	}
	x.originSessions()
	x.footholdSessions()
	x.minted()
	x.heldHosts()
	x.servedFrom()
	x.credentialReads()
	if len(x.roots) > 0 {
		root := x.roots[0]
		w := graph.Walk{Horizon: inv.cfg.Horizon, MaxNodes: 50, Skip: inv.skip}
		rs := g.Backtrack(root.node, root.at, w)
		for i, r := range rs {
			if i > 0 && r.Depth <= 2 {
				addPath(graph.Path(rs, i))
			}
		}
	}
	for _, n := range x.memberNodes() {
		if k := g.Node(n).Entity.Kind; k == event.KindSession || k == event.KindCredential {
			if p := x.principalOf(n); p.ID != "" {
				if pn, ok := g.Lookup(p.ID); ok {
					x.add(pn, "compromised")
				}
			}
			if _, minted := x.issuer(n); minted {
				// The identity a session the attack obtained stands for: the
				// federated user of a federation token, the role assumed.
				for _, e := range g.In(n) {
					if ed := g.Edge(e); g.Kind(ed.Kind) == "role" && g.Node(ed.From).Entity.Kind == event.KindPrincipal {
						x.edges[e] = true
						x.add(ed.From, "compromised")
					}
				}
			}
		}
	}
	if len(x.roots) > 0 {
		x.members[x.roots[0].node] = "root-cause"
	}
}

// memberNodes returns the members in node order: loops that add members
// go over a snapshot, so that results do not depend on map order.
func (x *explained) memberNodes() []graph.NodeID {
	out := make([]graph.NodeID, 0, len(x.members))
	for n := range x.members {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// memberSet returns a snapshot of the members.
func (x *explained) memberSet() map[graph.NodeID]bool {
	out := make(map[graph.NodeID]bool, len(x.members))
	for n := range x.members {
		out[n] = true
	}
	return out
}

// reversed turns a backtrack path (from the finding back) into causal
// order (from the root cause on).
func reversed(p []graph.EdgeID) []graph.EdgeID {
	out := make([]graph.EdgeID, len(p))
	for i, e := range p {
		out[len(p)-1-i] = e
	}
	return out
}

// add makes n a member unless it only carries context.
func (x *explained) add(n graph.NodeID, role string) {
	if _, ok := x.members[n]; ok {
		return
	}
	e := x.inv.g.Node(n).Entity
	if e.Kind == event.KindResource && strings.HasPrefix(e.ID, "resource:host:") && strings.Contains(e.ID, "/registry:") {
		return // registry keys are context, not members
	}
	if e.Kind == event.KindFile && !x.inv.written(n) && !x.inv.readBy(n) {
		return // a program that was already there: context, not part of the attack
	}
	if e.Kind == event.KindEndpoint && graph.IsLocal(e) {
		return
	}
	if e.Kind == event.KindPrincipal && strings.HasSuffix(e.ID, ".amazonaws.com") {
		return // an AWS service issuing credentials: infrastructure, not a party
	}
	if machineIdentity(e) {
		return // every service of the host runs as it: context, not a party
	}
	x.members[n] = role
}

// subject renders a node with the evidence that ties it to the incident:
// the events of its incident edges.
func (x *explained) subject(n graph.NodeID, at time.Time) incident.Subject {
	g := x.inv.g
	s := incident.Subject{Entity: g.Node(n).Entity, Time: at}
	seen := map[event.ID]bool{}
	addEv := func(e graph.EdgeID) {
		for _, id := range g.Evidence(e) {
			if !seen[id] && len(s.Evidence) < 3 && x.inv.lookup(id) != nil {
				seen[id] = true
				s.Evidence = append(s.Evidence, id)
			}
		}
	}
	for _, e := range x.path {
		if ed := g.Edge(e); ed.From == n || ed.To == n {
			addEv(e)
		}
	}
	for _, list := range [][]graph.EdgeID{g.Out(n), g.In(n)} {
		for _, e := range list {
			if x.edges[e] {
				addEv(e)
			}
		}
	}
	if len(s.Evidence) == 0 {
		for _, e := range g.Out(n) {
			if !x.inv.skip(e) {
				addEv(e)
			}
		}
	}
	return s
}

// firstCompromised is the first host or account the attack took hold of:
// on each path from the root cause to a finding, the host of the first
// process or file, the owner of the first session or key, or the first
// account; of those, the one taken earliest.
func (x *explained) firstCompromised() *incident.Subject {
	g := x.inv.g
	var best *incident.Subject
	consider := func(n graph.NodeID, at int64, ev []event.ID) bool {
		h := x.owner(n)
		if h.ID == "" {
			return false
		}
		if t := time.Unix(0, at).UTC(); best == nil || t.Before(best.Time) {
			best = &incident.Subject{Entity: h, Time: t, Evidence: ev[:min(len(ev), 3)]}
		}
		return true
	}
	for _, p := range x.paths {
		for _, e := range p {
			ed := g.Edge(e)
			if consider(ed.From, ed.First, g.Evidence(e)) || consider(ed.To, ed.First, g.Evidence(e)) {
				break
			}
		}
	}
	if best == nil {
		for _, i := range x.group {
			if a := &x.inv.anchors[i]; a.ok && consider(a.node, a.at.UnixNano(), a.f.Events) {
				break
			}
		}
	}
	return best
}

// owner is the host or account a node belongs to, or nothing for remote
// addresses and resources: a process or file is on a host, a logon session
// on its host, a cloud session or key is its principal's.
func (x *explained) owner(n graph.NodeID) event.Entity {
	g := x.inv.g
	ent := g.Node(n).Entity
	switch ent.Kind {
	case event.KindHost, event.KindPrincipal:
		return ent
	case event.KindEndpoint:
		if graph.HasPort(ent) || graph.IsExternal(ent) {
			break
		}
		if hs := g.HostsAt(n, x.inv.anchors[x.group[0]].at, x.inv.cfg.Horizon); len(hs) == 1 {
			return x.hostEntity(hs[0]) // the machine a log named at this address
		}
		if x.inv.anchored[n] {
			return ent // in network-only data a host is its address
		}
	case event.KindProcess, event.KindFile:
		return x.hostEntity(hostOf(ent))
	case event.KindSession, event.KindCredential:
		if h := hostOf(ent); h.ID != "" {
			return x.hostEntity(h)
		}
		for _, e := range x.inv.g.In(n) {
			ed := x.inv.g.Edge(e)
			if from := x.inv.g.Node(ed.From).Entity; x.inv.g.Kind(ed.Kind) == "instance" && from.Kind == event.KindHost {
				return from // an instance's role credentials are the instance's
			}
		}
		if issuer, ok := x.issuer(n); ok {
			return x.owner(issuer)
		}
		if p := x.principalOf(n); p.ID != "" {
			return p
		}
		return ent
	}
	return event.Entity{}
}

// hostEntity returns the graph's entity for a host id, with its full name.
func (x *explained) hostEntity(h event.Entity) event.Entity {
	if n, ok := x.inv.g.Lookup(h.ID); ok {
		return x.inv.g.Node(n).Entity
	}
	return h
}

// issuer returns who obtained a session or key (AssumeRole,
// GetSessionToken, CreateAccessKey): its owner is the one compromised.
func (x *explained) issuer(n graph.NodeID) (graph.NodeID, bool) {
	g := x.inv.g
	for _, e := range g.In(n) {
		ed := g.Edge(e)
		if strings.HasPrefix(g.Kind(ed.Kind), "issue:") && ed.From != n {
			if k := g.Node(ed.From).Entity.Kind; k == event.KindSession || k == event.KindCredential || k == event.KindPrincipal {
				return ed.From, true
			}
		}
	}
	return 0, false
}

// principalOf finds the principal a session or key acts as: an "as" edge
// into it, or into the session the key authenticated.
func (x *explained) principalOf(n graph.NodeID) event.Entity {
	g := x.inv.g
	for _, e := range g.In(n) {
		ed := g.Edge(e)
		if g.Kind(ed.Kind) == "as" && g.Node(ed.From).Entity.Kind == event.KindPrincipal {
			return g.Node(ed.From).Entity
		}
	}
	for _, e := range g.Out(n) {
		ed := g.Edge(e)
		if g.Kind(ed.Kind) != "key" {
			continue
		}
		for _, e2 := range g.In(ed.To) {
			ed2 := g.Edge(e2)
			if g.Kind(ed2.Kind) == "as" && g.Node(ed2.From).Entity.Kind == event.KindPrincipal {
				return g.Node(ed2.From).Entity
			}
		}
	}
	return event.Entity{}
}

// hostOf returns the host a host-scoped entity is on: a process or file
// ("process:mkt01/..."), a logon session or a host's resource such as a
// pipe ("session:host:mkt01/0x3e7"); nothing for others.
func hostOf(e event.Entity) event.Entity {
	_, rest, _ := strings.Cut(e.ID, ":")
	switch e.Kind {
	case event.KindProcess, event.KindFile:
	case event.KindSession, event.KindResource:
		var ok bool
		if rest, ok = strings.CutPrefix(rest, "host:"); !ok {
			return event.Entity{}
		}
	default:
		return event.Entity{}
	}
	h, _, ok := strings.Cut(rest, "/")
	if !ok || h == "" {
		return event.Entity{}
	}
	return event.Entity{Kind: event.KindHost, ID: "host:" + h, Name: h}
}

// techniques lists the findings' ATT&CK techniques in order of first use,
// and the tactics reached in kill-chain order. Informational findings
// (context rules, which fire on benign side effects as often as on
// attacks) name no technique.
func techniques(fs []finding.Finding, curated func(finding.Rule) bool) ([]incident.Technique, []string) {
	byID := map[string]*incident.Technique{}
	var order []string
	tactics := map[string]bool{}
	serious := false
	for _, f := range fs {
		serious = serious || finding.LevelRank(f.Rule.Level) >= finding.LevelRank("medium")
	}
	for _, f := range fs {
		trusted := curated != nil && curated(f.Rule)
		switch l := finding.LevelRank(f.Rule.Level); {
		case f.Rule.Level == "informational" && !trusted:
			continue
		case serious && l < finding.LevelRank("medium") && curated != nil && !trusted:
			continue
		}
		for _, t := range f.Rule.Tactics {
			tactics[t] = true
		}
		for _, id := range specific(f.Rule.Techniques) {
			t := byID[id]
			if t == nil {
				t = &incident.Technique{ID: id, First: f.Time}
				byID[id] = t
				order = append(order, id)
			}
			if f.Time.Before(t.First) {
				t.First = f.Time
			}
			if !contains(t.Rules, f.Rule.Title) {
				t.Rules = append(t.Rules, f.Rule.Title)
			}
			for _, tac := range f.Rule.Tactics {
				if !contains(t.Tactics, tac) {
					t.Tactics = append(t.Tactics, tac)
				}
			}
			if len(t.Events) < 5 {
				t.Events = append(t.Events, f.Events...)
			}
		}
	}
	out := make([]incident.Technique, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].First.Before(out[j].First) })
	return out, killChain(tactics)
}

// specific is what a rule's technique tags claim about one match: a rule
// tagged with several sub-techniques of one technique (T1003.002, .003,
// .004) cannot tell which of them happened, only the technique (T1003); a
// parent tagged beside one of its sub-techniques adds nothing to it.
func specific(tags []string) []string {
	subs := map[string]int{}
	for _, id := range tags {
		if p, _, ok := strings.Cut(id, "."); ok {
			subs[p]++
		}
	}
	out := make([]string, 0, len(tags))
	for _, id := range tags {
		p, _, sub := strings.Cut(id, ".")
		switch {
		case !sub && subs[p] == 1:
			continue // the sub-technique says more
		case sub && subs[p] > 1:
			id = p
		}
		if !contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// killChain is the ATT&CK Enterprise tactic order (v18); tags outside it
// (v19 names such as "stealth") follow in name order.
var killChain = func() func(map[string]bool) []string {
	order := []string{"reconnaissance", "resource-development", "initial-access", "execution", "persistence",
		"privilege-escalation", "defense-evasion", "credential-access", "discovery", "lateral-movement",
		"collection", "command-and-control", "exfiltration", "impact"}
	return func(seen map[string]bool) []string {
		var out, rest []string
		for _, t := range order {
			if seen[t] {
				out = append(out, t)
			}
		}
		for t := range seen {
			if !contains(order, t) && !groupOrSoftware(t) {
				rest = append(rest, t)
			}
		}
		sort.Strings(rest)
		return append(out, rest...)
	}
}()

// groupOrSoftware reports ATT&CK group and software tags ("g0016",
// "s0002"), which are not tactics.
func groupOrSoftware(t string) bool {
	return len(t) > 1 && (t[0] == 'g' || t[0] == 's') && t[1] >= '0' && t[1] <= '9'
}

// machineIdentity reports Windows' built-in service identities and their
// logon sessions (SYSTEM 0x3e7, NETWORK SERVICE 0x3e4, LOCAL SERVICE
// 0x3e5), which every host's services share.
func machineIdentity(e event.Entity) bool {
	switch e.Kind {
	case event.KindSession:
		return strings.HasPrefix(e.ID, "session:host:") && (strings.HasSuffix(e.ID, "/0x3e7") || strings.HasSuffix(e.ID, "/0x3e4") || strings.HasSuffix(e.ID, "/0x3e5"))
	case event.KindPrincipal:
		id := strings.ToLower(e.ID)
		return strings.HasSuffix(id, `/nt authority\system`) || strings.HasSuffix(id, `/nt authority\local service`) || strings.HasSuffix(id, `/nt authority\network service`)
	}
	return false
}
