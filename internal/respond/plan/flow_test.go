package plan

import (
	"slices"
	"testing"
)

func TestMaxFlowAndCut(t *testing.T) {
	// The network of CLRS figure 26.1: max flow 23, min cut {1->3, 4->3, 4->5}.
	f := newFlow(6)
	edges := [][3]int{{0, 1, 16}, {0, 2, 13}, {2, 1, 4}, {1, 3, 12}, {3, 2, 9}, {2, 4, 14}, {4, 3, 7}, {3, 5, 20}, {4, 5, 4}}
	ids := map[int][2]int{}
	for _, e := range edges {
		ids[f.add(e[0], e[1], int64(e[2]))] = [2]int{e[0], e[1]}
	}
	if v := f.maxFlow(0, 5); v != 23 {
		t.Fatalf("max flow %d, want 23", v)
	}
	var cut [][2]int
	var sum int64
	for _, e := range f.cut(0) {
		cut = append(cut, ids[e])
		sum += f.capacity[e]
	}
	if sum != 23 || !slices.Equal(cut, [][2]int{{1, 3}, {4, 3}, {4, 5}}) {
		t.Errorf("cut %v of capacity %d", cut, sum)
	}
}

func TestMaxFlowDisconnectedAndParallel(t *testing.T) {
	f := newFlow(4)
	f.add(0, 1, 5)
	f.add(0, 1, 7) // parallel edges add up
	f.add(1, 3, 100)
	f.add(2, 3, 9) // not reachable from the source
	if v := f.maxFlow(0, 3); v != 12 {
		t.Errorf("max flow %d, want 12", v)
	}
	if c := f.cut(0); len(c) != 2 {
		t.Errorf("cut %v: want both parallel edges", c)
	}
	g := newFlow(2)
	if v := g.maxFlow(0, 1); v != 0 || len(g.cut(0)) != 0 {
		t.Errorf("empty network: flow %d", v)
	}
}

func TestReach(t *testing.T) {
	f := newFlow(4)
	a := f.add(0, 1, 1)
	f.add(1, 2, 1)
	f.add(2, 3, 0) // no capacity: not an edge for reach
	fwd := f.reach(0, false, nil)
	back := f.reach(2, true, nil)
	if !fwd[2] || fwd[3] || !back[0] || back[3] {
		t.Errorf("forward %v backward %v", fwd, back)
	}
	if f.reach(0, false, func(e int) bool { return e == a })[1] {
		t.Error("a skipped edge was followed")
	}
}
