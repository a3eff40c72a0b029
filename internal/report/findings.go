package report

import (
	"fmt"
	"sort"

	"github.com/causeway-soc/causeway/internal/model/finding"
)

// Detections tallies findings by rule. It is not safe for concurrent use.
type Detections struct {
	Findings    int64       `json:"findings"`
	RulesLoaded int         `json:"rules_loaded"`
	RuleErrors  []string    `json:"rule_errors"` // "file:line: reason" of rules that did not load
	ByRule      []RuleCount `json:"by_rule"`

	byID map[string]*RuleCount
}

// RuleCount is how often one rule fired.
type RuleCount struct {
	finding.Rule
	Count int64 `json:"count"`
}

// NewDetections returns an empty tally for a ruleset of loaded rules whose
// load errors are given.
func NewDetections(loaded int, ruleErrors []error) *Detections {
	d := &Detections{RulesLoaded: loaded, RuleErrors: []string{}, byID: map[string]*RuleCount{}}
	for _, err := range ruleErrors {
		d.RuleErrors = append(d.RuleErrors, err.Error())
	}
	return d
}

// Add counts f.
func (d *Detections) Add(f finding.Finding) {
	d.Findings++
	rc, ok := d.byID[f.Rule.ID]
	if !ok {
		rc = &RuleCount{Rule: f.Rule}
		d.byID[f.Rule.ID] = rc
	}
	rc.Count++
}

// Finish sorts the tally: most severe level first, then most frequent.
func (d *Detections) Finish() {
	d.ByRule = d.ByRule[:0]
	for _, rc := range d.byID {
		d.ByRule = append(d.ByRule, *rc)
	}
	sort.Slice(d.ByRule, func(i, j int) bool {
		a, b := d.ByRule[i], d.ByRule[j]
		if la, lb := finding.LevelRank(a.Level), finding.LevelRank(b.Level); la != lb {
			return la > lb
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Title < b.Title
	})
}

// writeText appends the detections to a terminal summary.
func (d *Detections) writeText(ew *errWriter) {
	ew.printf("\nDetection: %d rules loaded, %d did not load, %d findings from %d rules\n",
		d.RulesLoaded, len(d.RuleErrors), d.Findings, len(d.ByRule))
	for i, rc := range d.ByRule {
		if i == maxRows {
			ew.printf("  ... and %d more rules (--output json lists all)\n", len(d.ByRule)-i)
			break
		}
		tech := ""
		if len(rc.Techniques) > 0 {
			tech = fmt.Sprintf(" %v", rc.Techniques)
		}
		ew.printf("  %-13s %6d  %s%s\n", rc.Level, rc.Count, rc.Title, tech)
	}
	for i, e := range d.RuleErrors {
		if i == 10 {
			ew.printf("  ... and %d more rule errors (--output json lists all)\n", len(d.RuleErrors)-i)
			break
		}
		ew.printf("  rule not loaded: %s\n", e)
	}
}
