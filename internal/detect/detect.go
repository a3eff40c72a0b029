// Package detect is the detection stage: it runs the rules over normalized
// events and turns their verdicts into findings. Today its analytics are
// Sigma rules; baselines and threat intelligence join here.
package detect

import (
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/sigma"
)

// Detector matches events against a Sigma ruleset. It keeps per-event
// scratch space: use one Detector per goroutine.
type Detector struct {
	m     *sigma.Matcher
	rules map[*sigma.Rule]finding.Rule
}

// New returns a Detector over rs.
func New(rs *sigma.Ruleset) *Detector {
	return &Detector{m: rs.NewMatcher(), rules: map[*sigma.Rule]finding.Rule{}}
}

// Observe matches ev and emits a finding for every rule that fires on it.
// Rules that only feed a correlation (without generate: true) do not emit.
func (d *Detector) Observe(ev *event.Event, emit func(finding.Finding)) {
	d.m.Match(ev, func(r *sigma.Rule) {
		if r.CorrelationOnly {
			return
		}
		emit(finding.New(d.rule(r), ev))
	})
}

// rule converts a Sigma rule to a finding's rule once.
func (d *Detector) rule(r *sigma.Rule) finding.Rule {
	if fr, ok := d.rules[r]; ok {
		return fr
	}
	tech, tact := finding.ParseTags(r.Tags)
	fr := finding.Rule{ID: r.ID, Title: r.Title, Level: r.Level, Status: r.Status, Techniques: tech, Tactics: tact}
	d.rules[r] = fr
	return fr
}
