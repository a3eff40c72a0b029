package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/incident"
)

// drawGraph turns layers into coordinates, node shapes and edge curves.
func drawGraph(inc *incident.Incident, nodes []incident.Node, idx map[string]int, cols [][]int, layer []int,
	first []time.Time, rootRank map[int]int) svgGraph {
	tall := 0
	for _, col := range cols {
		tall = max(tall, len(col))
	}
	g := svgGraph{
		Width:  2*padX + (len(cols)-1)*colW + nodeW,
		Height: padTop + max(tall-1, 0)*rowH + nodeH + padBase,
		CX:     nodeW / 2, SubY: 37, FX: nodeW - 4,
	}
	xs, ys := make([]int, len(nodes)), make([]int, len(nodes))
	for l, col := range cols {
		for k, v := range col {
			xs[v] = padX + l*colW
			ys[v] = padTop + (tall-len(col))*rowH/2 + k*rowH
		}
	}

	ruleTitles := make([][]string, len(nodes))
	for _, f := range inc.Findings {
		seen := map[int]bool{}
		for _, r := range f.Entities {
			if i, ok := idx[r.Entity.ID]; ok && !seen[i] {
				seen[i] = true
				ruleTitles[i] = append(ruleTitles[i], f.Rule.Title)
			}
		}
	}
	fc := -1
	if inc.FirstCompromised != nil {
		if i, ok := idx[inc.FirstCompromised.Entity.ID]; ok {
			fc = i
		}
	}
	for _, col := range cols {
		for _, v := range col {
			g.Nodes = append(g.Nodes, drawNode(inc, nodes[v], xs[v], ys[v], first[v], rootRank, v, v == fc, ruleTitles[v]))
		}
	}

	pairs := map[[2]int]int{} // parallel edges between the same two nodes
	for _, e := range inc.Graph.Edges {
		u, v := idx[e.From], idx[e.To]
		key := [2]int{min(u, v), max(u, v)}
		k := pairs[key]
		pairs[key]++
		g.Edges = append(g.Edges, drawEdge(e, nodes[u], nodes[v], xs[u], ys[u], xs[v], ys[v], layer[v]-layer[u], k))
	}
	separateLabels(g.Edges)
	for _, e := range g.Edges {
		g.Height = max(g.Height, e.RY+e.LH+10)
	}
	return g
}

// separateLabels moves edge labels down until none overlaps an earlier
// one.
func separateLabels(edges []svgEdge) {
	overlaps := func(a, b *svgEdge) bool {
		return a.RX < b.RX+b.LW && b.RX < a.RX+a.LW && a.RY < b.RY+b.LH+1 && b.RY < a.RY+a.LH+1
	}
	for i := range edges {
		for moved := 0; moved < 20; moved++ {
			clash := false
			for j := range i {
				if overlaps(&edges[i], &edges[j]) {
					clash = true
					break
				}
			}
			if !clash {
				break
			}
			edges[i].LY += 15
			edges[i].RY += 15
			edges[i].TY += 15
			edges[i].TY2 += 15
		}
	}
}

func drawNode(inc *incident.Incident, n incident.Node, x, y int, first time.Time, rootRank map[int]int, v int,
	firstCompromised bool, rules []string) svgNode {
	role := n.Role
	if role == "" {
		role = "context"
	}
	sub := string(n.Entity.Kind)
	if n.Role != "" {
		sub += " · " + n.Role
	}
	sn := svgNode{
		ID: n.Entity.ID, X: x, Y: y, Shape: shapeOf(n.Entity.Kind),
		Class: "node k-" + kindClass(string(n.Entity.Kind)) + " r-" + kindClass(role),
		Label: clip(displayName(n.Entity), maxName), Sub: sub,
		Findings: n.Findings,
	}
	var badges []string
	if r, ok := rootRank[v]; ok {
		b := fmt.Sprintf("ROOT CAUSE %.0f%%", 100*inc.RootCauses[r].Confidence)
		if r > 0 {
			b = fmt.Sprintf("ROOT CAUSE #%d %.0f%%", r+1, 100*inc.RootCauses[r].Confidence)
		}
		badges = append(badges, b)
		sn.Class += " root"
	}
	if firstCompromised {
		badges = append(badges, "FIRST COMPROMISED")
	}
	for i, b := range badges {
		sn.Badges = append(sn.Badges, svgBadge{Y: -7 - 13*(len(badges)-1-i), Text: b})
	}
	title := []string{string(n.Entity.Kind) + " " + orDash(n.Entity.Name), "id: " + n.Entity.ID, "role: " + role}
	if !first.IsZero() {
		title = append(title, "first involved: "+first.UTC().Format(time.RFC3339))
	}
	if sn.Findings > 0 {
		title = append(title, fmt.Sprintf("findings: %d", sn.Findings))
		for _, r := range rules { // the rules of findings whose evidence names it
			title = append(title, "  "+r)
		}
	}
	sn.Title = strings.Join(title, "\n")
	return sn
}

// kindClass keeps a class name to letters, digits and dashes.
func kindClass(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, strings.ToLower(s))
}

// drawEdge draws e as a curve from (x1,y1) to (x2,y2): forward to a later
// layer from the right side of one node to the left of the other, within a
// layer as a bulge to the right, back to an earlier layer as an arc below.
// k is its number among the edges between the same two nodes.
func drawEdge(e incident.Edge, from, to incident.Node, x1, y1, x2, y2, span, k int) svgEdge {
	off := 10 * k
	var p [4][2]int
	switch {
	case x1 == x2 && y1 == y2: // a loop
		p = [4][2]int{{x1 + nodeW - 30, y1}, {x1 + nodeW - 30, y1 - 34 - off}, {x1 + nodeW + 26 + off, y1 - 24}, {x1 + nodeW, y1 + 12}}
	case span > 0:
		a, b := [2]int{x1 + nodeW, y1 + nodeH/2 + off/2}, [2]int{x2, y2 + nodeH/2 + off/2}
		dx := (b[0] - a[0]) / 2
		p = [4][2]int{a, {a[0] + dx, a[1] + off}, {b[0] - dx, b[1] + off}, b}
	case span == 0 && k == 0 && (y2-y1 == rowH || y1-y2 == rowH): // next in the column: straight
		a, b := [2]int{x1 + nodeW/2, y1 + nodeH}, [2]int{x2 + nodeW/2, y2}
		if y2 < y1 {
			a, b = [2]int{x1 + nodeW/2, y1}, [2]int{x2 + nodeW/2, y2 + nodeH}
		}
		p = [4][2]int{a, a, b, b}
	case span == 0:
		a, b := [2]int{x1 + nodeW, y1 + nodeH/2}, [2]int{x2 + nodeW, y2 + nodeH/2}
		p = [4][2]int{a, {a[0] + 50 + off, a[1]}, {b[0] + 50 + off, b[1]}, b}
	default:
		a, b := [2]int{x1 + nodeW/2, y1 + nodeH}, [2]int{x2 + nodeW/2, y2 + nodeH}
		low := max(a[1], b[1]) + 36 + off
		p = [4][2]int{a, {a[0], low}, {b[0], low}, b}
	}
	class := "edge e-ctx"
	switch {
	case e.Bytes > 0:
		class = "edge e-data"
	case from.Role != "" && to.Role != "":
		class = "edge e-attack"
	}
	label, label2 := edgeLabel(e)
	ev := make([]string, len(e.Events))
	for i, id := range e.Events {
		ev[i] = shortID(id)
	}
	title := fmt.Sprintf("%s → %s\n%s %s\nfirst %s, last %s\nevidence: %s", displayName(from.Entity), displayName(to.Entity),
		label, label2, e.First.UTC().Format(time.RFC3339), e.Last.UTC().Format(time.RFC3339), strings.Join(ev, ", "))
	se := svgEdge{
		Path:  fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", p[0][0], p[0][1], p[1][0], p[1][1], p[2][0], p[2][1], p[3][0], p[3][1]),
		Class: class, Title: title, Label: clip(label, maxKind), Label2: label2,
		// the curve's midpoint: (P0 + 3 P1 + 3 P2 + P3) / 8
		LX: (p[0][0] + 3*p[1][0] + 3*p[2][0] + p[3][0]) / 8,
		LY: (p[0][1] + 3*p[1][1] + 3*p[2][1] + p[3][1]) / 8,
		LH: 14,
	}
	se.LW = 6*max(len([]rune(se.Label)), len([]rune(se.Label2))) + 8
	if label2 != "" {
		se.LH = 26
	}
	se.RX, se.RY = se.LX-se.LW/2, se.LY-se.LH/2
	se.TY, se.TY2 = se.RY+11, se.RY+23
	return se
}

// svgTimeline is the time axis of the incident's steps.
type svgTimeline struct {
	Width, Height, AxisY, X1, X2 int
	Ticks                        []svgTick
	Dots                         []svgDot
}

type svgTick struct {
	X, Y1, Y2, RelY, ClockY int
	Rel, Clock, Anchor      string
}

type svgDot struct {
	X, Y, Y2, TY, N int // Y2: the axis; TY: the number's baseline
	Class, Title    string
}

// layoutTimeline places the steps on an axis from the first to the last
// evidence; steps too close to tell apart are stacked.
func layoutTimeline(inc *incident.Incident) *svgTimeline {
	if len(inc.Timeline) == 0 {
		return nil
	}
	const width, left, right = 960, 40, 40
	start, end := inc.First, inc.Last
	for _, s := range inc.Timeline {
		if start.IsZero() || s.Time.Before(start) {
			start = s.Time
		}
		if s.Time.After(end) {
			end = s.Time
		}
	}
	span := end.Sub(start)
	at := func(t time.Time) int {
		if span <= 0 {
			return left
		}
		return left + int(float64(width-left-right)*float64(t.Sub(start))/float64(span))
	}
	var rows []int // last x per row
	var dots []svgDot
	for i, s := range inc.Timeline {
		x, row := at(s.Time), 0
		for row < len(rows) && x-rows[row] < 18 {
			row++
		}
		if row == len(rows) {
			rows = append(rows, x)
		}
		rows[row] = x
		class := "step"
		if s.Finding {
			class = "step finding"
		}
		dots = append(dots, svgDot{X: x, Y: row, N: i + 1, Class: class,
			Title: fmt.Sprintf("%d. +%s %s", i+1, duration(s.Time.Sub(start)), s.Text)})
	}
	tl := &svgTimeline{Width: width, AxisY: 22 + 18*len(rows), X1: left, X2: width - right}
	tl.Height = tl.AxisY + 40
	for i := range dots {
		dots[i].Y = tl.AxisY - 14 - 18*dots[i].Y
		dots[i].Y2, dots[i].TY = tl.AxisY, dots[i].Y+3
	}
	tl.Dots = dots
	for q := 0; q <= 4; q++ {
		t := start.Add(span * time.Duration(q) / 4)
		anchor := "middle"
		switch q {
		case 0:
			anchor = "start"
		case 4:
			anchor = "end"
		}
		tl.Ticks = append(tl.Ticks, svgTick{X: at(t), Y1: tl.AxisY, Y2: tl.AxisY + 5, RelY: tl.AxisY + 17, ClockY: tl.AxisY + 30,
			Rel: "+" + duration(t.Sub(start)), Clock: clock(t), Anchor: anchor})
		if span <= 0 {
			break
		}
	}
	return tl
}
