package finding

import (
	"reflect"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

func TestParseTags(t *testing.T) {
	tech, tact := ParseTags([]string{"attack.credential-access", "attack.t1003.001", "attack.T1059", "attack.stealth", "cve.2021-44228", "attack.g0016", "car.2013-05-009"})
	if !reflect.DeepEqual(tech, []string{"T1003.001", "T1059"}) {
		t.Errorf("techniques %v", tech)
	}
	if !reflect.DeepEqual(tact, []string{"credential-access", "stealth", "g0016"}) {
		t.Errorf("tactics %v", tact)
	}
}

func TestNew(t *testing.T) {
	t0 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	a := &event.Event{ID: event.NewID("a"), Time: t0}
	b := &event.Event{ID: event.NewID("b"), Time: t0.Add(time.Minute)}
	a.AddRef(event.RoleHost, event.Host("ws1"))
	r := Rule{ID: "r1", Title: "x"}
	f := New(r, a, b)
	if f.ID != New(r, a, b).ID || f.ID == New(Rule{ID: "r2"}, a, b).ID || f.ID == New(r, a).ID {
		t.Error("finding ids must depend on exactly the rule and the evidence")
	}
	if !f.Time.Equal(b.Time) || len(f.Events) != 2 || len(f.Entities) != 1 {
		t.Errorf("finding %+v", f)
	}
}
