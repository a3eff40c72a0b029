package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// Geometry of the attack graph picture, in SVG user units (pixels).
const (
	nodeW   = 140 // node width
	nodeH   = 48  // node height
	colW    = 225 // distance between layers: room for edge labels between them
	rowH    = 86  // distance between nodes of a layer
	padX    = 24
	padTop  = 44 // room for the badges above the first row
	padBase = 56 // room for arcs under the last row
	maxName = 17 // runes of a name that fit in a node
	maxKind = 18 // runes of an edge label line
)

// svgGraph is the attack graph laid out for the template. Every string in
// it that came from logs is escaped by html/template when rendered.
type svgGraph struct {
	Width, Height int
	CX, SubY, FX  int // node-relative: text centre, second line, findings disc
	Nodes         []svgNode
	Edges         []svgEdge
}

type svgNode struct {
	ID       string // entity id
	X, Y     int
	Shape    string // outline path relative to X, Y
	Class    string // "node k-process r-attacker"
	Label    string // short name
	Sub      string // "process · attacker"
	Badges   []svgBadge
	Findings int
	Title    string // tooltip: full name, id, role, time, findings
}

type svgBadge struct {
	Y    int
	Text string
}

type svgEdge struct {
	Path, Class, Title string
	Label, Label2      string // kind and count; bytes
	LX, LY, LW, LH     int    // label centre, width and height
	RX, RY, TY, TY2    int    // label background corner, text baselines
}

// kindShapes are the node outlines by entity kind, nodeW x nodeH.
var kindShapes = map[event.Kind]string{
	event.KindHost:       shape("M0,0 H{w} V{h} H0 Z M0,9 H{w}"),
	event.KindProcess:    shape("M10,0 H{w-10} A10,10 0 0 1 {w},10 V{h-10} A10,10 0 0 1 {w-10},{h} H10 A10,10 0 0 1 0,{h-10} V10 A10,10 0 0 1 10,0 Z"),
	event.KindFile:       shape("M0,0 H{w-16} L{w},16 V{h} H0 Z M{w-16},0 V16 H{w}"),
	event.KindPrincipal:  shape("M0,{h/2} A{w/2},{h/2} 0 1 1 {w},{h/2} A{w/2},{h/2} 0 1 1 0,{h/2} Z"),
	event.KindSession:    shape("M{h/2},0 H{w-h/2} A{h/2},{h/2} 0 0 1 {w-h/2},{h} H{h/2} A{h/2},{h/2} 0 0 1 {h/2},0 Z"),
	event.KindCredential: shape("M0,0 H{w-22} L{w},{h/2} L{w-22},{h} H0 Z"),
	event.KindEndpoint:   shape("M16,0 H{w-16} L{w},{h/2} L{w-16},{h} H16 L0,{h/2} Z"),
	event.KindResource:   shape("M0,8 A{w/2},8 0 0 1 {w},8 V{h-8} A{w/2},8 0 0 1 0,{h-8} Z M0,8 A{w/2},8 0 0 0 {w},8"),
}

var otherShape = shape("M0,0 H{w} V{h} H0 Z")

// shape fills the node size into an outline template.
func shape(tmpl string) string {
	return strings.NewReplacer(
		"{w}", strconv.Itoa(nodeW), "{h}", strconv.Itoa(nodeH), "{w/2}", strconv.Itoa(nodeW/2), "{h/2}", strconv.Itoa(nodeH/2),
		"{w-10}", strconv.Itoa(nodeW-10), "{h-10}", strconv.Itoa(nodeH-10), "{w-16}", strconv.Itoa(nodeW-16),
		"{w-22}", strconv.Itoa(nodeW-22), "{w-h/2}", strconv.Itoa(nodeW-nodeH/2), "{h-8}", strconv.Itoa(nodeH-8),
	).Replace(tmpl)
}

func shapeOf(k event.Kind) string {
	if s, ok := kindShapes[k]; ok {
		return s
	}
	return otherShape
}

// layoutGraph draws the incident graph left to right: each node's layer
// follows the causal edges in order of first involvement (a node comes
// after everything that led to it), root causes start at the left, nodes
// that only lead to others sit just before them, and nodes in a layer are
// ordered to keep edges from crossing.
func layoutGraph(inc *incident.Incident) svgGraph {
	nodes := append([]incident.Node(nil), inc.Graph.Nodes...)
	idx := map[string]int{}
	for i, n := range nodes {
		if _, dup := idx[n.Entity.ID]; !dup {
			idx[n.Entity.ID] = i
		}
	}
	for _, e := range inc.Graph.Edges {
		for _, id := range []string{e.From, e.To} {
			if _, ok := idx[id]; !ok { // an edge to a node the graph left out
				idx[id] = len(nodes)
				kind, _, _ := strings.Cut(id, ":")
				nodes = append(nodes, incident.Node{Entity: event.Entity{Kind: event.Kind(kind), ID: id}})
			}
		}
	}
	n := len(nodes)
	first := involvement(inc, nodes, idx)
	order := timeOrder(inc, idx, first)
	rank := make([]int, n)
	for r, v := range order {
		rank[v] = r
	}
	rootRank := map[int]int{}
	for r, rc := range inc.RootCauses {
		if i, ok := idx[rc.Entity.ID]; ok {
			if _, seen := rootRank[i]; !seen {
				rootRank[i] = r
			}
		}
	}

	// Forward edges go from an earlier to a later node: they form a DAG
	// that the layers follow. An edge into a root cause does not push it
	// right; it only pulls its source to the left of it.
	preds, succs := make([][]int, n), make([][]int, n)
	for _, e := range inc.Graph.Edges {
		u, v := idx[e.From], idx[e.To]
		if u == v || rank[u] > rank[v] {
			continue
		}
		if _, isRoot := rootRank[v]; !isRoot {
			preds[v] = append(preds[v], u)
		}
		succs[u] = append(succs[u], v)
	}
	layer := make([]int, n)
	for _, v := range order {
		for _, u := range preds[v] {
			layer[v] = max(layer[v], layer[u]+1)
		}
	}
	for k := n - 1; k >= 0; k-- { // sources move up to just before their first effect
		v := order[k]
		if _, isRoot := rootRank[v]; isRoot || len(preds[v]) > 0 || len(succs[v]) == 0 {
			continue
		}
		m := layer[succs[v][0]]
		for _, s := range succs[v][1:] {
			m = min(m, layer[s])
		}
		layer[v] = m - 1
	}
	last := -1 // nodes without forward edges join the layer of the node before them in time
	for _, v := range order {
		if len(preds[v])+len(succs[v]) > 0 {
			last = v
		} else if _, isRoot := rootRank[v]; !isRoot && last >= 0 {
			layer[v] = layer[last]
		}
	}
	low := 0
	for _, l := range layer {
		low = min(low, l)
	}
	for i := range layer {
		layer[i] -= low
	}
	cols := orderLayers(inc, idx, order, layer)
	return drawGraph(inc, nodes, idx, cols, layer, first, rootRank)
}

// timeOrder orders the nodes by time of first involvement; nodes first
// involved at the same time come in the order of the edges between them,
// so that a cause precedes its effect.
func timeOrder(inc *incident.Incident, idx map[string]int, first []time.Time) []int {
	n := len(first)
	before := func(a, b int) bool { // a's time is earlier, or the same and a has the lower index
		if first[a].IsZero() != first[b].IsZero() {
			return first[b].IsZero()
		}
		if !first[a].Equal(first[b]) {
			return first[a].Before(first[b])
		}
		return a < b
	}
	indeg := make([]int, n)
	out := make([][]int, n)
	for _, e := range inc.Graph.Edges {
		u, v := idx[e.From], idx[e.To]
		if u != v && !first[u].After(first[v]) && (first[u].IsZero() == first[v].IsZero()) {
			out[u] = append(out[u], v)
			indeg[v]++
		}
	}
	placed := make([]bool, n)
	order := make([]int, 0, n)
	for len(order) < n {
		// The earliest node whose causes are all placed; when the
		// earliest nodes wait on each other (a cycle), the first of them.
		best, free := -1, -1
		for v := range n {
			if placed[v] {
				continue
			}
			if best < 0 || before(v, best) {
				best = v
			}
			if indeg[v] == 0 && (free < 0 || before(v, free)) {
				free = v
			}
		}
		if free >= 0 && first[free].Equal(first[best]) {
			best = free
		}
		placed[best] = true
		order = append(order, best)
		for _, v := range out[best] {
			indeg[v]--
		}
	}
	return order
}

// involvement is each node's time of first involvement: its first time as
// an incident member, else its earliest edge.
func involvement(inc *incident.Incident, nodes []incident.Node, idx map[string]int) []time.Time {
	first := make([]time.Time, len(nodes))
	earliest := func(i int, t time.Time) {
		if !t.IsZero() && (first[i].IsZero() || t.Before(first[i])) {
			first[i] = t
		}
	}
	for _, m := range inc.Entities {
		if i, ok := idx[m.Entity.ID]; ok {
			earliest(i, m.First)
		}
	}
	for _, e := range inc.Graph.Edges {
		earliest(idx[e.From], e.First)
		earliest(idx[e.To], e.First)
	}
	return first
}

// orderLayers groups nodes by layer, first in time order, then sorted a
// few times by the mean position of their neighbours (the barycenter
// heuristic) to reduce crossings.
func orderLayers(inc *incident.Incident, idx map[string]int, order, layer []int) [][]int {
	top := 0
	for _, l := range layer {
		top = max(top, l)
	}
	cols := make([][]int, top+1)
	for _, v := range order {
		cols[layer[v]] = append(cols[layer[v]], v)
	}
	adj := make([][]int, len(layer))
	for _, e := range inc.Graph.Edges {
		u, v := idx[e.From], idx[e.To]
		adj[u], adj[v] = append(adj[u], v), append(adj[v], u)
	}
	pos := make([]float64, len(layer))
	place := func(col []int) {
		for k, v := range col {
			pos[v] = float64(k) - float64(len(col)-1)/2
		}
	}
	for _, col := range cols {
		place(col)
	}
	sweep := func(l int, before bool) {
		bary := map[int]float64{}
		for _, v := range cols[l] {
			sum, cnt := 0.0, 0
			for _, u := range adj[v] {
				if (before && layer[u] < l) || (!before && layer[u] > l) {
					sum, cnt = sum+pos[u], cnt+1
				}
			}
			bary[v] = pos[v]
			if cnt > 0 {
				bary[v] = sum / float64(cnt)
			}
		}
		sort.SliceStable(cols[l], func(a, b int) bool { return bary[cols[l][a]] < bary[cols[l][b]] })
		place(cols[l])
	}
	for range 3 {
		for l := 1; l <= top; l++ {
			sweep(l, true)
		}
		for l := top - 1; l >= 0; l-- {
			sweep(l, false)
		}
	}
	return cols
}

// clip shortens s to at most n runes, keeping both ends ("invoice…docm").
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	half := (n - 1) / 2
	return string(r[:half]) + "…" + string(r[len(r)-(n-1-half):])
}

// edgeLabel is an edge's label in two lines: the kind and count
// ("connect ×42"), and the bytes moved ("48.0 MiB") or "".
func edgeLabel(e incident.Edge) (string, string) {
	s := e.Kind
	if e.Count > 1 {
		s += fmt.Sprintf(" ×%d", e.Count)
	}
	if e.Bytes > 0 {
		return s, byteSize(e.Bytes)
	}
	return s, ""
}
