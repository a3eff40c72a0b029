package guard

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// incidentMemory is how long the ledger remembers an incident's
// autonomous actions after its last one.
const incidentMemory = 30 * 24 * time.Hour

// Feedback errors.
var (
	ErrStaleRule     = errors.New("the rule changed or is unknown: its record restarted")
	ErrAlreadyJudged = errors.New("this decision was already judged")
	ErrNoShadow      = errors.New("every shadow decision of the rule is already judged")
)

// RuleRecord is what the ledger knows about one rule's decisions.
type RuleRecord struct {
	Fingerprint string `json:"fingerprint"`
	Matched     int    `json:"matched"`   // times the rule decided
	Shadowed    int    `json:"shadowed"`  // of which only recorded, in monitor mode
	Confirmed   int    `json:"confirmed"` // shadow decisions analysts judged correct
	Rejected    int    `json:"rejected"`  // and wrong
	// Judged are the action ids already judged, so one decision counts
	// once.
	Judged []string `json:"judged,omitempty"`
}

// Ledger keeps the counters the guardrails need across decisions and
// restarts: autonomous actions per hour, per kind and per incident (blast
// radius and rate limits), and each rule's record for promotion. It is
// safe for concurrent use; the caller persists it as JSON (for example
// after every decision) and restores it with json.Unmarshal. The zero
// value is empty and ready.
type Ledger struct {
	mu        sync.Mutex
	hour      []time.Time // autonomous actions of the last hour
	kinds     map[action.Kind][]time.Time
	incidents map[string]*incidentCount
	rules     map[string]*RuleRecord
	pruned    time.Time
	latest    time.Time // the latest time counted
}

type incidentCount struct {
	Count int       `json:"count"`
	Last  time.Time `json:"last"`
}

// ledgerJSON is the persisted form.
type ledgerJSON struct {
	Version   int                         `json:"version"`
	Hour      []time.Time                 `json:"hour"`
	Kinds     map[action.Kind][]time.Time `json:"kinds"`
	Incidents map[string]*incidentCount   `json:"incidents"`
	Rules     map[string]*RuleRecord      `json:"rules"`
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{} }

// MarshalJSON encodes the ledger.
func (l *Ledger) MarshalJSON() ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return json.Marshal(ledgerJSON{Version: 1, Hour: l.hour, Kinds: l.kinds, Incidents: l.incidents, Rules: l.rules})
}

// UnmarshalJSON restores a ledger encoded by MarshalJSON.
func (l *Ledger) UnmarshalJSON(b []byte) error {
	var j ledgerJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("decoding guard ledger: %w", err)
	}
	if j.Version != 1 {
		return fmt.Errorf("decoding guard ledger: version %d is not supported", j.Version)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hour, l.kinds, l.incidents, l.rules = j.Hour, j.Kinds, j.Incidents, j.Rules
	return nil
}

// Rule returns the record of the rule called name.
func (l *Ledger) Rule(name string) RuleRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r := l.rules[name]; r != nil {
		c := *r
		c.Judged = slices.Clone(r.Judged)
		return c
	}
	return RuleRecord{}
}

// Autonomous returns how many autonomous actions the ledger counts for an
// incident, and in the hour before now.
func (l *Ledger) Autonomous(incident string, now time.Time) (perIncident, lastHour int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.incidents[incident]; c != nil {
		perIncident = c.Count
	}
	return perIncident, len(within(l.hour, now))
}

// Feedback records an analyst's verdict on a shadow decision of a rule:
// fingerprint is the Decision's, actionID the action's. Verdicts for an
// edited rule are refused (ErrStaleRule), and each action is judged once.
func (l *Ledger) Feedback(rule, fingerprint, actionID string, correct bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.rules[rule]
	switch {
	case r == nil || r.Fingerprint != fingerprint:
		return fmt.Errorf("judging rule %q: %w", rule, ErrStaleRule)
	case slices.Contains(r.Judged, actionID):
		return fmt.Errorf("judging rule %q on %s: %w", rule, actionID, ErrAlreadyJudged)
	case r.Confirmed+r.Rejected >= r.Shadowed:
		return fmt.Errorf("judging rule %q: %w", rule, ErrNoShadow)
	}
	r.Judged = append(r.Judged, actionID)
	if correct {
		r.Confirmed++
	} else {
		r.Rejected++
	}
	return nil
}

// ResetRule forgets a rule's record, so it starts over in monitor mode.
func (l *Ledger) ResetRule(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.rules, name)
}

// record returns the rule's record, restarting it when the rule changed.
// The caller holds mu.
func (l *Ledger) record(r *Rule) *RuleRecord {
	if l.rules == nil {
		l.rules = map[string]*RuleRecord{}
	}
	rec := l.rules[r.Name]
	if rec == nil || rec.Fingerprint != r.Fingerprint {
		rec = &RuleRecord{Fingerprint: r.Fingerprint}
		l.rules[r.Name] = rec
	}
	return rec
}

// promoted reports whether a rule has earned autonomy: promote_after
// confirmed shadow decisions and none judged wrong. The caller holds mu.
func (rec *RuleRecord) promoted(r *Rule) bool {
	return r.PromoteAfter == 0 || (rec.Confirmed >= r.PromoteAfter && rec.Rejected == 0)
}

// admit checks the blast-radius and rate limits for one more autonomous
// action, and counts it when consume is set and it is admitted. It
// returns the guardrail that refused, if any, and why. The caller holds
// mu.
func (l *Ledger) admit(lim Limits, incident string, kind action.Kind, now time.Time, consume bool) (Guardrail, string) {
	l.prune(now)
	l.hour = within(l.hour, now)
	if l.kinds == nil {
		l.kinds = map[action.Kind][]time.Time{}
	}
	if l.incidents == nil {
		l.incidents = map[string]*incidentCount{}
	}
	inc := l.incidents[incident]
	if inc == nil {
		inc = &incidentCount{}
	}
	if inc.Count >= lim.PerIncident {
		return BlastIncident, fmt.Sprintf("blast radius: the incident already had %d autonomous actions (cap %d): needs approval", inc.Count, lim.PerIncident)
	}
	if len(l.hour) >= lim.PerHour {
		return BlastHour, fmt.Sprintf("blast radius: %d autonomous actions in the last hour (cap %d): needs approval", len(l.hour), lim.PerHour)
	}
	byKind := within(l.kinds[kind], now)
	if n, ok := lim.PerKindPerHour[kind]; ok && len(byKind) >= n {
		return RateLimit, fmt.Sprintf("rate limit: %d %s actions in the last hour (cap %d): needs approval", len(byKind), kind, n)
	}
	if consume {
		inc.Count++
		inc.Last = now
		l.incidents[incident] = inc
		l.hour = append(l.hour, now)
		l.kinds[kind] = append(byKind, now)
	}
	return "", ""
}

// monotonic returns now, or the latest time the ledger saw if that is
// later. The caller holds mu.
func (l *Ledger) monotonic(now time.Time) time.Time {
	if n := len(l.hour); n > 0 && l.hour[n-1].After(l.latest) {
		l.latest = l.hour[n-1]
	}
	if now.Before(l.latest) {
		return l.latest
	}
	l.latest = now
	return now
}

// prune forgets incidents idle for incidentMemory, at most once an hour.
func (l *Ledger) prune(now time.Time) {
	if now.Sub(l.pruned) < time.Hour {
		return
	}
	l.pruned = now
	for id, c := range l.incidents {
		if now.Sub(c.Last) > incidentMemory {
			delete(l.incidents, id)
		}
	}
	for k, ts := range l.kinds {
		if ts = within(ts, now); len(ts) == 0 {
			delete(l.kinds, k)
		} else {
			l.kinds[k] = ts
		}
	}
}

// within drops the times more than an hour before now from a sorted
// slice. Times after now (a clock that went back) stay counted.
func within(ts []time.Time, now time.Time) []time.Time {
	cut := now.Add(-time.Hour)
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	return ts[i:]
}
