package plan

// inf is the capacity of a link no action can cut. It is far above any
// sum of finite costs (milli-units) and far below overflow when many
// infinite links are summed.
const inf int64 = 1 << 40

// flow is a flow network on compact adjacency: edges are stored in pairs
// (an edge at an even index, its residual twin at the next), and the
// edges leaving a node are a contiguous run of adj once build has run.
// Max flow is Dinic's algorithm: O(V²E) in general, much faster on the
// shallow graphs incidents make.
type flow struct {
	n         int
	from, to  []int32
	capacity  []int64 // original capacity; 0 for residual twins
	residual  []int64
	start     []int32 // start[v]..start[v+1] index adj
	adj       []int32 // edge ids grouped by tail
	level     []int32
	next      []int32 // per node: position in its run of adj (the current-arc pointer)
	queue     []int32
	built     bool
	flowValue int64
}

func newFlow(n int) *flow { return &flow{n: n} }

// add adds an edge and returns its id.
func (f *flow) add(u, v int, c int64) int {
	id := len(f.from)
	f.from = append(f.from, int32(u), int32(v))
	f.to = append(f.to, int32(v), int32(u))
	f.capacity = append(f.capacity, c, 0)
	f.residual = append(f.residual, c, 0)
	f.built = false
	return id
}

// build groups the edges by tail (a counting sort).
func (f *flow) build() {
	f.start = make([]int32, f.n+1)
	for _, u := range f.from {
		f.start[u+1]++
	}
	for v := 0; v < f.n; v++ {
		f.start[v+1] += f.start[v]
	}
	f.adj = make([]int32, len(f.from))
	pos := append([]int32(nil), f.start[:f.n]...)
	for e, u := range f.from {
		f.adj[pos[u]] = int32(e)
		pos[u]++
	}
	f.level = make([]int32, f.n)
	f.next = make([]int32, f.n)
	f.queue = make([]int32, 0, f.n)
	f.built = true
}

// maxFlow pushes as much flow from s to t as the capacities allow and
// returns its value. It can be called once per network.
func (f *flow) maxFlow(s, t int) int64 {
	if !f.built {
		f.build()
	}
	var total int64
	for f.bfs(s, t) {
		copy(f.next, f.start[:f.n])
		for {
			pushed := f.dfs(int32(s), int32(t), inf*4)
			if pushed == 0 {
				break
			}
			total += pushed
		}
	}
	f.flowValue = total
	return total
}

// bfs levels the residual graph from s and reports whether t is reached.
func (f *flow) bfs(s, t int) bool {
	for i := range f.level {
		f.level[i] = -1
	}
	f.level[s] = 0
	q := append(f.queue[:0], int32(s))
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, e := range f.adj[f.start[u]:f.start[u+1]] {
			if v := f.to[e]; f.residual[e] > 0 && f.level[v] < 0 {
				f.level[v] = f.level[u] + 1
				q = append(q, v)
			}
		}
	}
	f.queue = q
	return f.level[t] >= 0
}

// dfs finds one augmenting path in the level graph, advancing each node's
// current arc past edges that are saturated or lead nowhere.
func (f *flow) dfs(u, t int32, limit int64) int64 {
	if u == t {
		return limit
	}
	for ; f.next[u] < f.start[u+1]; f.next[u]++ {
		e := f.adj[f.next[u]]
		v := f.to[e]
		if f.residual[e] <= 0 || f.level[v] != f.level[u]+1 {
			continue
		}
		if d := f.dfs(v, t, min(limit, f.residual[e])); d > 0 {
			f.residual[e] -= d
			f.residual[e^1] += d
			return d
		}
	}
	return 0
}

// sourceSide returns the nodes reachable from s in the residual graph
// after maxFlow: the source side of a minimum cut. The cut is every edge
// from this side to the other with positive capacity.
func (f *flow) sourceSide(s int) []bool {
	seen := make([]bool, f.n)
	seen[s] = true
	q := []int32{int32(s)}
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, e := range f.adj[f.start[u]:f.start[u+1]] {
			if v := f.to[e]; f.residual[e] > 0 && !seen[v] {
				seen[v] = true
				q = append(q, v)
			}
		}
	}
	return seen
}

// cut returns the ids of the edges of the minimum cut.
func (f *flow) cut(s int) []int {
	side := f.sourceSide(s)
	var out []int
	for e := 0; e < len(f.from); e += 2 {
		if f.capacity[e] > 0 && side[f.from[e]] && !side[f.to[e]] {
			out = append(out, e)
		}
	}
	return out
}

// reach returns the nodes reachable from s (or, backward, that reach s)
// over original edges with positive capacity, skipping the edges for which
// skip is true.
func (f *flow) reach(s int, backward bool, skip func(e int) bool) []bool {
	if !f.built {
		f.build()
	}
	seen := make([]bool, f.n)
	seen[s] = true
	q := []int32{int32(s)}
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, e := range f.adj[f.start[u]:f.start[u+1]] {
			// Forward: original edges leaving u. Backward: u's twins,
			// whose originals enter u.
			orig := int(e)
			if backward {
				orig = int(e ^ 1)
			}
			if (e&1 == 1) != backward || f.capacity[orig] <= 0 || skip != nil && skip(orig) {
				continue
			}
			if v := f.to[e]; !seen[v] {
				seen[v] = true
				q = append(q, v)
			}
		}
	}
	return seen
}
