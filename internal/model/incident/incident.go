// Package incident defines the Incident: findings joined by the causal
// paths between them, explained. It carries what an analyst and the
// response planner need: the ranked root causes, the first compromised
// resource, the techniques in kill-chain order, the impact, a timeline, a
// story whose every sentence cites its evidence, and the attack graph
// itself. It depends on the event and finding models and the standard
// library only.
package incident

import (
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
)

// Incident is one attack as Causeway understands it.
type Incident struct {
	// ID is stable for the same evidence: a hash of the incident's
	// earliest finding and its root cause.
	ID       event.ID  `json:"id"`
	Title    string    `json:"title"`
	Severity string    `json:"severity"` // highest finding level: informational .. critical
	First    time.Time `json:"first"`    // earliest evidence
	Last     time.Time `json:"last"`     // latest evidence

	Findings []finding.Finding `json:"findings"`
	// RootCauses are the candidate entry points, best first, with the
	// confidence of each (they sum to at most 1).
	RootCauses []RootCause `json:"root_causes"`
	// FirstCompromised is the first resource the attacker controlled: the
	// host, principal or instance where the root cause first took effect.
	FirstCompromised *Subject `json:"first_compromised,omitempty"`
	// Techniques are the ATT&CK techniques seen, in order of first use.
	Techniques []Technique `json:"techniques"`
	// Stages are the ATT&CK tactics the incident reached, in kill-chain
	// order.
	Stages   []string   `json:"stages"`
	Impact   Impact     `json:"impact"`
	Entities []Member   `json:"entities"` // everything the attack involved
	Timeline []Step     `json:"timeline"`
	Story    []Sentence `json:"story"`
	Graph    Graph      `json:"graph"`
	// Joins record why findings belong together: for each finding after
	// the first, the causal path that connects it to the incident.
	Joins []Join `json:"joins,omitempty"`
}

// Subject is an entity with the evidence that makes it what it is said to
// be.
type Subject struct {
	Entity   event.Entity `json:"entity"`
	Time     time.Time    `json:"time"`
	Evidence []event.ID   `json:"evidence"`
}

// RootCause is a candidate entry point of the attack.
type RootCause struct {
	Subject
	Confidence float64 `json:"confidence"` // 0..1
	// Reason says why it is a candidate: "earliest ancestor of 5 findings
	// via a file written by msedge.exe", in words an analyst checks.
	Reason string `json:"reason"`
}

// Technique is an ATT&CK technique the incident used.
type Technique struct {
	ID      string     `json:"id"`                // "T1003.001"
	Tactics []string   `json:"tactics,omitempty"` // "credential-access"
	First   time.Time  `json:"first"`
	Rules   []string   `json:"rules,omitempty"` // titles of the rules that named it
	Events  []event.ID `json:"events"`
}

// Impact is what the attack reached.
type Impact struct {
	Data       []DataAccess `json:"data,omitempty"`       // data read, with volumes
	Transfers  []Transfer   `json:"transfers,omitempty"`  // bytes sent out, and where to
	Hosts      []Subject    `json:"hosts,omitempty"`      // hosts the attacker acted on
	Identities []Subject    `json:"identities,omitempty"` // principals and credentials used
}

// DataAccess is data the attacker read.
type DataAccess struct {
	Entity event.Entity `json:"entity"` // file, object, bucket, secret, mailbox
	By     event.Entity `json:"by"`     // who read it
	// Action is "read", or "delete" for data the attack deleted (the
	// originals ransomware encrypted).
	Action string     `json:"action"`
	Count  int        `json:"count"`
	Bytes  int64      `json:"bytes,omitempty"`
	First  time.Time  `json:"first"`
	Events []event.ID `json:"events"`
}

// Done says in the past tense what was done to data: "read", or "deleted".
func (d DataAccess) Done() string { return doneTo(d.Action) }

func doneTo(action string) string {
	if action == "delete" {
		return "deleted"
	}
	return "read"
}

// ManyItems is how many items one reader read in one place before the
// story and the reports tell them as one line.
const ManyItems = 4

// DataGroup is what one reader read (or deleted) in one place: the
// objects of a bucket, the files of a folder.
type DataGroup struct {
	By     event.Entity
	Action string
	Where  string // the bucket or folder, or the item's id when it has none
	Items  []DataAccess
}

// GroupData groups data reads by reader, action and by the bucket or folder of
// what was read, in order of first appearance.
func GroupData(ds []DataAccess) []DataGroup {
	var out []DataGroup
	at := map[string]int{}
	for _, d := range ds {
		where := container(d.Entity)
		k := d.By.ID + "\x00" + d.Action + "\x00" + where
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, DataGroup{By: d.By, Action: d.Action, Where: where})
		}
		out[i].Items = append(out[i].Items, d)
	}
	return out
}

// whole reports an item that is the group's place itself (a bucket listed
// or read beside its objects).
func (g DataGroup) whole(d DataAccess) bool {
	return d.Entity.Name == g.Where || d.Entity.ID == g.Where
}

// Done says in the past tense what the group did to its items.
func (g DataGroup) Done() string { return doneTo(g.Action) }

// Count is how many items the group read, the place itself aside.
func (g DataGroup) Count() int {
	n := 0
	for _, d := range g.Items {
		if !g.whole(d) {
			n++
		}
	}
	return n
}

// Bytes is how much the group read: its items' volumes, or the volume
// logged on the place itself when that is larger (one read logged on both
// the bucket and the object is counted once).
func (g DataGroup) Bytes() int64 {
	var items, whole int64
	for _, d := range g.Items {
		if g.whole(d) {
			whole = max(whole, d.Bytes)
		} else {
			items += d.Bytes
		}
	}
	return max(items, whole)
}

// Events are the group's evidence.
func (g DataGroup) Events() []event.ID {
	var out []event.ID
	for _, d := range g.Items {
		out = append(out, d.Events...)
	}
	return out
}

// container names where a read item lives: an object's bucket, a file's
// folder; an item with neither is its own place.
func container(e event.Entity) string {
	if rest, ok := strings.CutPrefix(e.ID, "resource:arn:aws:s3:::"); ok {
		bucket, _, _ := strings.Cut(rest, "/")
		return bucket
	}
	if i := strings.LastIndexAny(e.Name, `\/`); i > 0 && e.Kind == event.KindFile {
		return e.Name[:i]
	}
	return e.ID
}

// Transfer is data moved from the attack to a destination.
type Transfer struct {
	From   event.Entity `json:"from"`
	To     event.Entity `json:"to"`
	Bytes  int64        `json:"bytes"`
	First  time.Time    `json:"first"`
	Events []event.ID   `json:"events"`
}

// Member is an entity of the incident with the part it played.
type Member struct {
	Entity event.Entity `json:"entity"`
	// Role is "root-cause", "compromised", "attacker", "target" or
	// "data".
	Role  string    `json:"role"`
	First time.Time `json:"first"`
}

// Step is one line of the timeline.
type Step struct {
	Time     time.Time  `json:"time"`
	Text     string     `json:"text"`
	Tactic   string     `json:"tactic,omitempty"`
	Finding  bool       `json:"finding"` // a detection, not only a causal step
	Events   []event.ID `json:"events"`
	Entities []string   `json:"entities"` // entity ids the text names
}

// Sentence is one sentence of the story. Every sentence cites the events
// it rests on, and names only entities those events contain.
type Sentence struct {
	Text     string     `json:"text"`
	Events   []event.ID `json:"events"`
	Entities []string   `json:"entities"`
}

// Graph is the incident's part of the causal graph: the nodes and edges on
// the paths between its root cause and its findings.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Node is an entity in the incident graph.
type Node struct {
	Entity event.Entity `json:"entity"`
	// Role is as for Member; "" for context nodes on a path.
	Role     string `json:"role,omitempty"`
	Findings int    `json:"findings,omitempty"` // findings on this node
}

// Edge is a causal relation: From led to To (a parent started a child, a
// process wrote a file, a key authenticated a session).
type Edge struct {
	From  string    `json:"from"` // entity ids
	To    string    `json:"to"`
	Kind  string    `json:"kind"` // "start", "write", "read", "connect", "call:GetObject", ...
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	Count int       `json:"count"`
	Bytes int64     `json:"bytes,omitempty"`
	// Events are evidence: the first events and the last one when Count is
	// large.
	Events []event.ID `json:"events"`
}

// Join records why a finding belongs to the incident.
type Join struct {
	Finding event.ID `json:"finding"`
	To      event.ID `json:"to"`   // the finding it was joined to
	Path    []string `json:"path"` // entity ids from one to the other
}
