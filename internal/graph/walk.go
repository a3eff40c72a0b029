package graph

import (
	"container/heap"
	"math"
	"time"
)

// Walk bounds a traversal.
type Walk struct {
	// Horizon is how far in time from the start the walk goes (back for
	// Backtrack, ahead for Forward). 0 is unbounded.
	Horizon time.Duration
	// MaxNodes stops the walk after reaching this many nodes. 0 means
	// 10,000.
	MaxNodes int
	// ThroughHubs lets paths pass through hub nodes; by default a hub is
	// reached but not expanded, since it explains nothing.
	ThroughHubs bool
	// Skip, when set, drops edges the caller does not want to follow.
	Skip func(EdgeID) bool
	// Stop, when set, marks nodes that are reached but not expanded, as
	// hubs are.
	Stop func(NodeID) bool
}

// Reach is a node a walk reached: when (the latest moment, for a
// backtrack, at which it could still have caused the start), how, and from
// where. The start node has Via = NoEdge.
type Reach struct {
	Node  NodeID
	Via   EdgeID
	Prev  int // index in the walk's result of the node it was reached from; -1 for the start
	At    int64
	Depth int
}

// NoEdge marks the start of a walk.
const NoEdge = EdgeID(math.MaxUint32)

// Backtrack returns the nodes that could have led to node n at time at:
// those with a path of edges into n, each edge no later than the time it
// leads to (within the clock skew). Edges that go both ways are followed
// both ways. Results come in the order reached, start first.
func (g *Graph) Backtrack(n NodeID, at time.Time, w Walk) []Reach {
	return g.walk(n, at.UnixNano(), w, true)
}

// Forward returns the nodes node n could have led to from time at on.
func (g *Graph) Forward(n NodeID, at time.Time, w Walk) []Reach {
	return g.walk(n, at.UnixNano(), w, false)
}

func (g *Graph) walk(start NodeID, at int64, w Walk, back bool) []Reach {
	maxNodes := w.MaxNodes
	if maxNodes <= 0 {
		maxNodes = 10000
	}
	skew := int64(g.cfg.Skew)
	var bound int64 = math.MinInt64
	if !back {
		bound = math.MaxInt64
	}
	if w.Horizon > 0 {
		if back {
			bound = at - int64(w.Horizon)
		} else {
			bound = at + int64(w.Horizon)
		}
	}
	out := []Reach{{Node: start, Via: NoEdge, Prev: -1, At: at}}
	seen := map[NodeID]int{start: 0}
	q := &walkQueue{back: back}
	heap.Push(q, walkItem{idx: 0, at: at})
	done := map[NodeID]bool{}
	for q.Len() > 0 && len(out) < maxNodes {
		it := heap.Pop(q).(walkItem)
		r := out[it.idx]
		if done[r.Node] {
			continue
		}
		done[r.Node] = true
		if it.idx != 0 && (!w.ThroughHubs && g.fansOut(r.Node, back) || w.Stop != nil && w.Stop(r.Node)) {
			continue
		}
		visit := func(e EdgeID, next NodeID) {
			if w.Skip != nil && w.Skip(e) {
				return
			}
			ed := &g.edges[e]
			var t int64
			if back {
				if ed.First > r.At+skew {
					return
				}
				t = min(ed.Last, r.At)
				if t < bound {
					return
				}
			} else {
				if ed.Last < r.At-skew {
					return
				}
				t = max(ed.First, r.At)
				if t > bound {
					return
				}
			}
			if i, ok := seen[next]; ok {
				if !done[next] && (back && t > out[i].At || !back && t < out[i].At) {
					out[i].At, out[i].Via, out[i].Prev, out[i].Depth = t, e, it.idx, r.Depth+1
					heap.Push(q, walkItem{idx: i, at: t})
				}
				return
			}
			if len(out) >= maxNodes {
				return
			}
			seen[next] = len(out)
			out = append(out, Reach{Node: next, Via: e, Prev: it.idx, At: t, Depth: r.Depth + 1})
			heap.Push(q, walkItem{idx: len(out) - 1, at: t})
		}
		if back {
			for _, e := range g.in[r.Node] {
				visit(e, g.edges[e].From)
			}
			for _, e := range g.out[r.Node] {
				if g.edges[e].Both {
					visit(e, g.edges[e].To)
				}
			}
		} else {
			for _, e := range g.out[r.Node] {
				visit(e, g.edges[e].To)
			}
			for _, e := range g.in[r.Node] {
				if g.edges[e].Both {
					visit(e, g.edges[e].From)
				}
			}
		}
	}
	return out
}

// Path returns the edges from the walk's start to result i, start side
// first.
func Path(rs []Reach, i int) []EdgeID {
	var p []EdgeID
	for ; i > 0; i = rs[i].Prev {
		p = append(p, rs[i].Via)
	}
	for a, b := 0, len(p)-1; a < b; a, b = a+1, b-1 {
		p[a], p[b] = p[b], p[a]
	}
	return p
}

// walkItem orders a walk: latest first going back, earliest first going
// forward, so each node is expanded at its best time.
type walkItem struct {
	idx int
	at  int64
}

type walkQueue struct {
	items []walkItem
	back  bool
}

func (q *walkQueue) Len() int { return len(q.items) }
func (q *walkQueue) Less(i, j int) bool {
	if q.back {
		return q.items[i].at > q.items[j].at
	}
	return q.items[i].at < q.items[j].at
}
func (q *walkQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *walkQueue) Push(x any)    { q.items = append(q.items, x.(walkItem)) }
func (q *walkQueue) Pop() any {
	x := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return x
}

// fansOut reports a hub whose edges in the walk's direction are many: a
// walk stops there. A hub that is one only the other way (a session that
// wrote hundreds of files, reached back from one of them) is crossed: its
// few causes are what the walk is after.
func (g *Graph) fansOut(n NodeID, back bool) bool {
	if !g.IsHub(n) {
		return false
	}
	ahead, behind := g.in[n], g.out[n]
	if !back {
		ahead, behind = behind, ahead
	}
	deg := len(ahead)
	for _, e := range behind {
		if g.edges[e].Both {
			deg++
		}
	}
	return deg >= HubMinDegree
}
