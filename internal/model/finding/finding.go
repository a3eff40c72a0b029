// Package finding defines the Finding: a detection's verdict that one or
// more events are suspicious, with the rule that said so, its ATT&CK tags
// and the evidence. It depends on the event model and the standard library
// only.
package finding

import (
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Finding is one detection on one event (or, for correlations, several).
type Finding struct {
	ID     event.ID   `json:"id"` // hash of the rule id and the evidence ids: re-detection gives the same id
	Rule   Rule       `json:"rule"`
	Time   time.Time  `json:"time"`   // time of the (last) event
	Events []event.ID `json:"events"` // evidence
	// Entities are the evidence's entity references, for joining findings
	// to the causal graph.
	Entities []event.Ref `json:"entities,omitempty"`
}

// Rule names what detected the finding.
type Rule struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Level  string `json:"level,omitempty"`  // informational, low, medium, high, critical
	Status string `json:"status,omitempty"` // stable, test, experimental
	// Techniques are ATT&CK technique ids ("T1003.001") from the rule's tags;
	// Tactics are the other attack.* tags ("credential-access", and v19
	// names such as "stealth", kept verbatim).
	Techniques []string `json:"techniques,omitempty"`
	Tactics    []string `json:"tactics,omitempty"`
	// Path is the file the rule was read from ("builtin/windows/x.yml"
	// for Causeway's own pack).
	Path string `json:"path,omitempty"`
}

// LevelRank orders rule levels: 1 for informational up to 5 for
// critical, 0 for an unknown or missing level. Incidents take the level
// of their most severe finding.
func LevelRank(level string) int {
	switch level {
	case "informational":
		return 1
	case "low":
		return 2
	case "medium":
		return 3
	case "high":
		return 4
	case "critical":
		return 5
	}
	return 0
}

// New returns the finding of rule on evs, with its stable id.
func New(rule Rule, evs ...*event.Event) Finding {
	f := Finding{Rule: rule}
	parts := []string{"finding", rule.ID}
	for _, ev := range evs {
		f.Events = append(f.Events, ev.ID)
		f.Entities = append(f.Entities, ev.Refs...)
		parts = append(parts, ev.ID.String())
		if ev.Time.After(f.Time) {
			f.Time = ev.Time
		}
	}
	f.ID = event.NewID(parts...)
	return f
}

// ParseTags splits a rule's tags into ATT&CK techniques and tactics.
// Technique tags are "attack.t" followed by a digit; every other "attack."
// tag is a tactic (or a group or software id, kept as well).
func ParseTags(tags []string) (techniques, tactics []string) {
	for _, t := range tags {
		rest, ok := strings.CutPrefix(strings.ToLower(t), "attack.")
		if !ok || rest == "" {
			continue
		}
		if rest[0] == 't' && len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9' {
			techniques = append(techniques, strings.ToUpper(rest))
			continue
		}
		tactics = append(tactics, rest)
	}
	return techniques, tactics
}
