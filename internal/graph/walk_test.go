package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// act is an event of an actor process on one target, nothing else.
func act(id string, at time.Duration, class event.Class, action string, actor, target event.Entity) *event.Event {
	return ev(id, at, class, action, ref(event.RoleActor, actor), ref(event.RoleTarget, target))
}

// The walk scenario, hour by hour: A starts B, B starts C, C drops F, P
// runs F as D (with Z injecting into D a minute later), D connects to E,
// X connects to E, Y injects into D.
var (
	wA, wB, wC = proc(1, `a.exe`), proc(2, `b.exe`), proc(3, `c.exe`)
	wP, wD, wX = proc(4, `p.exe`), proc(5, `f.exe`), proc(6, `x.exe`)
	wY, wZ     = proc(7, `y.exe`), proc(8, `z.exe`)
	wF         = file(`C:\Temp\f.exe`)
	wE         = event.Endpoint("203.0.113.9", 443)
	wEIP       = event.IP("203.0.113.9")
)

func walkGraph() *graph.Graph {
	run := act("run", 4*time.Hour, event.ClassProcess, "start", wP, wD)
	run.AddRef(event.RoleImage, wF)
	return build(graph.Config{},
		act("ab", time.Hour, event.ClassProcess, "start", wA, wB),
		act("bc", 2*time.Hour, event.ClassProcess, "start", wB, wC),
		act("cf", 3*time.Hour, event.ClassFile, "create", wC, wF),
		run,
		act("zd", 4*time.Hour+time.Minute, event.ClassProcess, "inject", wZ, wD),
		ev("de", 5*time.Hour, event.ClassNetwork, "connect", ref(event.RoleActor, wD), ref(event.RoleDst, wE)),
		ev("xe", 6*time.Hour, event.ClassNetwork, "connect", ref(event.RoleActor, wX), ref(event.RoleDst, wE)),
		act("yd", 7*time.Hour, event.ClassProcess, "inject", wY, wD),
	)
}

func TestBacktrack(t *testing.T) {
	g := walkGraph()
	d, c := node(t, g, wD), node(t, g, wC)
	at := t0.Add(4 * time.Hour)
	tests := []struct {
		name string
		at   time.Time
		w    graph.Walk
		want []event.Entity
	}{
		{"edges after the start time are not followed, within the skew they are", at, graph.Walk{}, []event.Entity{wD, wF, wC, wB, wA, wP, wZ}},
		{"horizon", at, graph.Walk{Horizon: 90 * time.Minute}, []event.Entity{wD, wF, wC, wP, wZ}},
		{"skip", at, graph.Walk{Skip: func(e graph.EdgeID) bool { return g.Kind(g.Edge(e).Kind) == "exec" }}, []event.Entity{wD, wP, wZ}},
		{"stop: reached, not expanded", at, graph.Walk{Stop: func(n graph.NodeID) bool { return n == c }}, []event.Entity{wD, wF, wC, wP, wZ}},
		{"stop at the start expands it", at, graph.Walk{Stop: func(n graph.NodeID) bool { return n == d }}, []event.Entity{wD, wF, wC, wB, wA, wP, wZ}},
		// Later, D's connection is crossed back to E and its address,
		// but not on to X, whose connection came after D's.
		{"both ways, in time", t0.Add(8 * time.Hour), graph.Walk{}, []event.Entity{wD, wF, wC, wB, wA, wP, wZ, wY, wE, wEIP}},
	}
	for _, tt := range tests {
		rs := g.Backtrack(d, tt.at, tt.w)
		if got, want := reached(g, rs), ids(tt.want...); !slices.Equal(got, want) {
			t.Errorf("%s: reached %v, want %v", tt.name, got, want)
		}
		if rs[0].Node != d || rs[0].Via != graph.NoEdge || rs[0].Prev != -1 || rs[0].At != tt.at.UnixNano() {
			t.Errorf("%s: start %+v", tt.name, rs[0])
		}
	}
	if rs := g.Backtrack(d, at, graph.Walk{MaxNodes: 3}); len(rs) != 3 {
		t.Errorf("MaxNodes 3: %d nodes", len(rs))
	}
}

func TestBacktrackPath(t *testing.T) {
	g := walkGraph()
	rs := g.Backtrack(node(t, g, wD), t0.Add(4*time.Hour), graph.Walk{})
	i := slices.IndexFunc(rs, func(r graph.Reach) bool { return r.Node == node(t, g, wA) })
	var got []string
	for _, e := range graph.Path(rs, i) {
		got = append(got, describe(g, e))
	}
	want := []string{
		wF.ID + " -exec-> " + wD.ID,
		wC.ID + " -create-> " + wF.ID,
		wB.ID + " -start-> " + wC.ID,
		wA.ID + " -start-> " + wB.ID,
	}
	if !slices.Equal(got, want) {
		t.Errorf("path %v, want %v", got, want)
	}
	if r := rs[i]; r.Depth != 4 || r.At != t0.Add(time.Hour).UnixNano() {
		t.Errorf("A reached at depth %d, time %d", r.Depth, r.At)
	}
	if p := graph.Path(rs, 0); len(p) != 0 {
		t.Errorf("path to the start %v", p)
	}
}

func TestForward(t *testing.T) {
	g := walkGraph()
	tests := []struct {
		name  string
		start event.Entity
		at    time.Time
		w     graph.Walk
		want  []event.Entity
	}{
		{"everything A led to", wA, t0, graph.Walk{}, []event.Entity{wA, wB, wC, wF, wD, wE, wEIP, wX}},
		{"horizon", wA, t0.Add(time.Hour), graph.Walk{Horizon: 90 * time.Minute}, []event.Entity{wA, wB, wC}},
		{"both ways, in time: X connected after D", wD, t0.Add(5 * time.Hour), graph.Walk{}, []event.Entity{wD, wE, wEIP, wX}},
		{"but D did not follow X", wX, t0.Add(6 * time.Hour), graph.Walk{}, []event.Entity{wX, wE, wEIP}},
		{"earlier edges are not followed", wB, t0.Add(3 * time.Hour), graph.Walk{}, []event.Entity{wB}},
	}
	for _, tt := range tests {
		rs := g.Forward(node(t, g, tt.start), tt.at, tt.w)
		if got, want := reached(g, rs), ids(tt.want...); !slices.Equal(got, want) {
			t.Errorf("%s: reached %v, want %v", tt.name, got, want)
		}
	}
	rs := g.Forward(node(t, g, wA), t0, graph.Walk{})
	i := slices.IndexFunc(rs, func(r graph.Reach) bool { return r.Node == node(t, g, wD) })
	var kinds []string
	for _, e := range graph.Path(rs, i) {
		kinds = append(kinds, g.Kind(g.Edge(e).Kind))
	}
	if !slices.Equal(kinds, []string{"start", "start", "create", "exec"}) {
		t.Errorf("forward path %v, want start side first", kinds)
	}
}

// A process that writes hundreds of files is a hub, but only forward:
// walking back from one of its files crosses it to what started it,
// while a walk forward from what started it does not fan out through it.
func TestWalkCrossesHubsAgainstTheirFanOut(t *testing.T) {
	parent, locker := proc(1, `explorer.exe`), proc(2, `locker.exe`)
	evs := []*event.Event{act("start", time.Minute, event.ClassProcess, "start", parent, locker)}
	var files []event.Entity
	for i := range 3 * graph.HubMinDegree {
		f := file(`C:\Share\doc` + string(rune('A'+i%26)) + string(rune('a'+i/26)) + `.locked`)
		files = append(files, f)
		evs = append(evs, act("w"+f.ID, 2*time.Minute+time.Duration(i)*time.Second, event.ClassFile, "create", locker, f))
	}
	// Many small processes so the locker's degree is far above the mean.
	for i := range 200 {
		a, b := proc(1000+i, `a.exe`), proc(5000+i, `b.exe`)
		evs = append(evs, act("bg"+a.ID, time.Hour, event.ClassProcess, "start", a, b))
	}
	g := build(graph.Config{}, evs...)
	l := node(t, g, locker)
	if !g.IsHub(l) {
		t.Fatal("the locker, with hundreds of files, should be a hub")
	}
	back := g.Backtrack(node(t, g, files[7]), t0.Add(time.Hour), graph.Walk{})
	if !slices.ContainsFunc(back, func(r graph.Reach) bool { return r.Node == node(t, g, parent) }) {
		t.Error("walking back from a file did not cross the locker to its parent")
	}
	fwd := g.Forward(node(t, g, parent), t0, graph.Walk{})
	if len(fwd) != 2 {
		t.Errorf("walking forward from the parent reached %d nodes, want the parent and the locker only", len(fwd))
	}
}
