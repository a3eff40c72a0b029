package graph_test

import (
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// The mailbox log knows the application by its app id, the directory's
// audit log by its object id; the display name one log gives both is the
// tie. A name two acting applications share ties nothing.
func TestAppsJoinByName(t *testing.T) {
	p := &event.Principals{}
	user := p.Name("pgustavo@simulandlabs.com")
	byID := p.Cloud("app:5a95e683")
	named := byID
	named.Name = "SimuLandApp"
	object := event.Resource("entra", "11b49e19", "SimuLandApp")
	mailbox := event.Resource("", "mailbox:pgustavo", "")
	change := ev("change", 0, event.ClassCloudAPI, "Update application", ref(event.RoleActor, user), ref(event.RoleTarget, object))
	office := ev("office", 10*time.Minute, event.ClassCloudAPI, "MailItemsAccessed", ref(event.RoleActor, byID), ref(event.RoleTarget, mailbox))
	defender := ev("defender", 10*time.Minute, event.ClassCloudAPI, "MailItemsAccessed", ref(event.RoleActor, named), ref(event.RoleTarget, mailbox))
	g := build(graph.Config{}, change, office, defender)
	if name := g.Node(node(t, g, byID)).Entity.Name; name != "SimuLandApp" {
		t.Errorf("app named %q, want the display name over the id", name)
	}
	e, ok := lookupEdge(g, object.ID, byID.ID, "same")
	if !ok {
		t.Fatal("the application object and the acting application of one name are not the same")
	}
	if ev := g.Evidence(e); len(ev) == 0 {
		t.Error("the tie cites no event")
	}

	other := p.Cloud("app:77aa")
	other.Name = "SimuLandApp"
	twin := ev("twin", 11*time.Minute, event.ClassCloudAPI, "MailItemsAccessed", ref(event.RoleActor, other), ref(event.RoleTarget, mailbox))
	g = build(graph.Config{}, change, defender, twin)
	if _, ok := lookupEdge(g, object.ID, byID.ID, "same"); ok {
		t.Error("a name two applications share tied one of them")
	}
}
