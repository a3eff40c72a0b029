package graph

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// linkApps ties an application that acts (a cloud app log's
// "principal:app:<app id>", named by its display name) to the directory
// objects of the same name that the identity provider's audit log shows
// being changed ("resource:entra/<object id>"): the two logs know one
// application by different ids, and only its name is common. A name held
// by more than one acting application ties nothing.
func (g *Graph) linkApps() {
	type named struct {
		apps, objects []NodeID
	}
	byName := map[string]*named{}
	at := func(name string) *named {
		k := strings.ToLower(name)
		if byName[k] == nil {
			byName[k] = &named{}
		}
		return byName[k]
	}
	for n := range g.nodes {
		e := g.nodes[n].Entity
		if !ownName(e) {
			continue
		}
		switch {
		case e.Kind == event.KindPrincipal && strings.HasPrefix(e.ID, "principal:app:"):
			at(e.Name).apps = append(at(e.Name).apps, NodeID(n))
		case e.Kind == event.KindResource && strings.HasPrefix(e.ID, "resource:entra/"):
			at(e.Name).objects = append(at(e.Name).objects, NodeID(n))
		}
	}
	k := g.kind("same")
	for _, nm := range byName {
		if len(nm.apps) != 1 {
			continue
		}
		app := nm.apps[0]
		for _, o := range nm.objects {
			// Cited by an event that shows each side: what the application
			// did, and what was done to the object.
			for _, side := range []NodeID{app, o} {
				if e, ok := g.anyEdge(side); ok {
					g.link(o, app, k, true, false, g.edges[e].First, 0, g.edges[e].Evidence)
				}
			}
		}
	}
}

// anyEdge returns the earliest edge into or out of n.
func (g *Graph) anyEdge(n NodeID) (EdgeID, bool) {
	best, ok := EdgeID(0), false
	for _, list := range [][]EdgeID{g.in[n], g.out[n]} {
		for _, e := range list {
			if !ok || g.edges[e].First < g.edges[best].First {
				best, ok = e, true
			}
		}
	}
	return best, ok
}
