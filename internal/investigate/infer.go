package investigate

import (
	"sort"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// graphRule names the technique evidence the causal graph itself gives.
const graphRule = "causal graph: "

// inferred is a technique the graph shows, with the edges that show it.
type inferred struct {
	id, tactic, why string
	edges           []graph.EdgeID
}

// infer reads techniques off the incident's edges, for steps no rule
// named: a process that runs a file the attack wrote (user or attacker
// execution), code injected into another process, repeated web requests
// to an address only the attack used (command and control), a service
// the attack installed and the service process it ran.
func (x *explained) infer() []inferred {
	g := x.inv.g
	var out []inferred
	add := func(id, tactic, why string, e graph.EdgeID) {
		for i := range out {
			if out[i].id == id {
				out[i].edges = append(out[i].edges, e)
				return
			}
		}
		out = append(out, inferred{id: id, tactic: tactic, why: why, edges: []graph.EdgeID{e}})
	}
	for _, n := range x.memberNodes() {
		if ent := g.Node(n).Entity; x.members[n] == "data" && (ent.Kind == event.KindSession || ent.Kind == event.KindCredential) {
			for _, e := range g.In(n) {
				if k := g.Kind(g.Edge(e).Kind); k == "from" || k == "instance" {
					add("T1552.005", "credential-access", "an instance's role credentials were used from outside the network", e)
					break
				}
			}
		}
	}
	for _, n := range x.memberNodes() {
		if x.persistentCredential(n) && x.inv.hasEdge(n, true, "from") {
			for _, e := range g.In(n) {
				if k := g.Kind(g.Edge(e).Kind); k == "issue:GetFederationToken" || k == "issue:CreateAccessKey" {
					add("T1078.004", "persistence", "credentials the attack made for itself were used", e)
				}
			}
		}
	}
	for _, n := range x.memberNodes() {
		if g.Node(n).Entity.Kind != event.KindProcess || !shell(g.Node(n).Entity.Name) {
			continue
		}
		for _, e := range g.In(n) {
			ed := g.Edge(e)
			parent := g.Node(ed.From).Entity.Name
			if g.Kind(ed.Kind) == "start" && !shell(parent) && (x.inv.hasEdge(ed.From, true, "accept") || server(parent)) {
				add("T1190", "initial-access", "a network service started a shell", e)
			}
		}
	}
	for _, n := range x.memberNodes() {
		if g.Node(n).Entity.Kind != event.KindProcess {
			continue
		}
		for _, e := range g.In(n) {
			if ed := g.Edge(e); g.Kind(ed.Kind) == "exec" && g.Node(ed.From).Entity.Kind == event.KindFile && x.fetchedByAttack(ed.From) {
				add("T1105", "command-and-control", "a process talking to the attack's remote endpoint wrote a program that then ran", e)
			}
		}
	}
	installed := map[string]bool{} // service names the attack installed
	for _, e := range x.sortedEdges() {
		ed := g.Edge(e)
		from, to := g.Node(ed.From).Entity, g.Node(ed.To).Entity
		switch kind := g.Kind(ed.Kind); {
		case kind == "exec" && from.Kind == event.KindFile && x.inv.written(ed.From) && to.Kind == event.KindProcess:
			if x.launchedByUser(ed.To) {
				add("T1204.002", "execution", "a user ran a file that had just arrived", e)
			}

		case kind == "access" && x.members[ed.To] == "data":
			add("T1003.001", "credential-access", "a process of the attack opened the LSASS process", e)
		case kind == "inject":
			add("T1055", "privilege-escalation", "code was injected into another process", e)
		case (kind == "connect" || kind == "http" || kind == "request") && to.Kind == event.KindEndpoint && webPort(to) && x.members[ed.To] != "" && ed.Count >= 2:
			add("T1071.001", "command-and-control", "repeated web requests to an address only the attack used", e)
		case (kind == "flow" || kind == "connect") && x.lateralSMB(ed.To):
			add("T1021.002", "lateral-movement", "one machine of the attack opened SMB to another", e)
			if ed.Bytes >= toolSize {
				add("T1570", "lateral-movement", "a file-sized transfer over SMB between machines of the attack", e)
			}
		case kind == "install" && strings.Contains(to.ID, "/service:"):
			installed[strings.ToLower(to.Name)] = true
			add("T1543.003", "persistence", "the attack installed a service", e)
		}
	}
	if len(installed) > 0 {
		for _, n := range x.memberNodes() {
			if g.Node(n).Entity.Kind != event.KindProcess {
				continue
			}
			for _, e := range g.In(n) {
				ed := g.Edge(e)
				if g.Kind(ed.Kind) == "start" && strings.EqualFold(baseOf(g.Node(ed.From).Entity.Name), "services.exe") {
					add("T1569.002", "execution", "the service control manager ran a process of the attack", e)
				}
			}
		}
	}
	return out
}

// persistentCredential reports a session or key of the attack that a key
// or account of the attack obtained with a call that makes lasting
// credentials: a federation token (up to 36 hours, outliving the key that
// asked for it) or a new access key.
func (x *explained) persistentCredential(n graph.NodeID) bool {
	g := x.inv.g
	if k := g.Node(n).Entity.Kind; k != event.KindSession && k != event.KindCredential || x.members[n] == "" {
		return false
	}
	for _, e := range g.In(n) {
		ed := g.Edge(e)
		if k := g.Kind(ed.Kind); (k == "issue:GetFederationToken" || k == "issue:CreateAccessKey") && x.members[ed.From] != "" {
			return true
		}
	}
	return false
}

// toolSize is the least a transfer carries to count as a program copied.
const toolSize = 1 << 20

// lateralSMB reports an SMB endpoint (port 445) of a machine of the
// attack, other than a domain controller's, which every member uses.
func (x *explained) lateralSMB(n graph.NodeID) bool {
	ent := x.inv.g.Node(n).Entity
	a, port, ok := graph.Address(ent)
	if !ok || port != 445 || x.members[n] == "" || x.inv.directoryService(ent) {
		return false
	}
	bare, ok := x.inv.g.Lookup(event.IP(a.String()).ID)
	return ok && x.members[bare] != ""
}

// fetchedByAttack reports a file that a process of the attack wrote while
// it talked to one of the attack's remote endpoints: a tool brought in
// over the attack's own channel.
func (x *explained) fetchedByAttack(f graph.NodeID) bool {
	g := x.inv.g
	for _, e := range g.In(f) {
		ed := g.Edge(e)
		if k := g.Kind(ed.Kind); k != "create" && k != "write" || x.members[ed.From] == "" || g.Node(ed.From).Entity.Kind != event.KindProcess {
			continue
		}
		for _, c := range g.Out(ed.From) {
			peer := g.Edge(c).To
			if pe := g.Node(peer).Entity; pe.Kind == event.KindEndpoint && graph.HasPort(pe) && x.members[peer] != "" && !graph.IsLocal(pe) {
				return true
			}
		}
	}
	return false
}

// launchedByUser reports whether a process was started by a desktop shell
// or a browser, the way a user opens a file.
func (x *explained) launchedByUser(n graph.NodeID) bool {
	g := x.inv.g
	for _, e := range g.In(n) {
		ed := g.Edge(e)
		if g.Kind(ed.Kind) != "start" {
			continue
		}
		switch strings.ToLower(baseOf(g.Node(ed.From).Entity.Name)) {
		case "explorer.exe", "msedge.exe", "chrome.exe", "firefox.exe", "iexplore.exe", "outlook.exe", "winword.exe", "excel.exe":
			return true
		}
	}
	return false
}

// server reports the runtimes of network services by image name.
func server(image string) bool {
	name := strings.TrimSuffix(strings.ToLower(baseOf(image)), ".exe")
	switch {
	case name == "java", name == "w3wp", name == "httpd", name == "apache2", name == "nginx", name == "node", name == "php-fpm":
		return true
	}
	return strings.HasPrefix(name, "tomcat")
}

// shell reports command interpreters by image name.
func shell(image string) bool {
	switch strings.ToLower(strings.TrimSuffix(strings.ToLower(baseOf(image)), ".exe")) {
	case "cmd", "powershell", "pwsh", "sh", "bash", "dash", "zsh", "ksh", "csh", "python", "python3", "perl", "wscript", "cscript", "mshta":
		return true
	}
	return false
}

func baseOf(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// webPort reports endpoints on the ports web command and control uses:
// HTTP and HTTPS, and their usual alternates (Meterpreter's reverse_https
// handlers often listen on 4433 or 4443).
func webPort(e event.Entity) bool {
	_, port, _ := graph.Address(e)
	switch port {
	case 80, 443, 8080, 8443, 8000, 8888, 4433, 4443, 9443:
		return true
	}
	return false
}

// addInferred merges the graph's techniques into the findings' ones: a
// technique a rule already named (or its parent or sub-technique) keeps
// the rule's entry.
func (x *explained) addInferred(techs []incident.Technique, stages []string) ([]incident.Technique, []string) {
	g := x.inv.g
	for _, in := range x.infer() {
		if coveredBy(in.id, techs) {
			continue
		}
		t := incident.Technique{ID: in.id, Tactics: []string{in.tactic}, Rules: []string{graphRule + in.why}}
		for i, e := range in.edges {
			ed := g.Edge(e)
			if at := time.Unix(0, ed.First).UTC(); i == 0 || at.Before(t.First) {
				t.First = at
			}
			if len(t.Events) < 5 {
				t.Events = append(t.Events, ed.Evidence)
			}
		}
		techs = append(techs, t)
		if !contains(stages, in.tactic) {
			seen := map[string]bool{in.tactic: true}
			for _, s := range stages {
				seen[s] = true
			}
			stages = killChain(seen)
		}
	}
	sort.SliceStable(techs, func(i, j int) bool { return techs[i].First.Before(techs[j].First) })
	return techs, stages
}

// coveredBy reports whether a technique, its parent or a sub-technique of
// it is already listed.
func coveredBy(id string, techs []incident.Technique) bool {
	parent, _, _ := strings.Cut(id, ".")
	for _, t := range techs {
		p, _, _ := strings.Cut(t.ID, ".")
		if t.ID == id || p == parent && (t.ID == parent || id == parent) {
			return true
		}
	}
	return false
}
