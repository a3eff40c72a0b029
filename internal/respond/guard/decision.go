package guard

import (
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// Asset is what the inventory knows about an action's target. The
// inventory fills it; the zero value is an unknown, unprotected asset.
// Rules see it as `asset` with the field names of the cel tags.
type Asset struct {
	// Criticality is 1 (lab machine) to 5 (the business stops without
	// it); 0 means unknown.
	Criticality int      `cel:"criticality" json:"criticality,omitempty"`
	Owner       string   `cel:"owner" json:"owner,omitempty"`
	Protected   bool     `cel:"protected" json:"protected,omitempty"`
	Tags        []string `cel:"tags" json:"tags,omitempty"`
	Tier        string   `cel:"tier" json:"tier,omitempty"` // "workstation", "server", "domain-controller", ...
	CrownJewel  bool     `cel:"crown_jewel" json:"crown_jewel,omitempty"`
}

// Context is what the guard knows about the incident an action answers.
type Context struct {
	// Severity is the incident's severity: informational, low, medium,
	// high or critical.
	Severity string
	// Confidence is the incident's confidence, 0..1.
	Confidence float64
}

// Guardrail names a built-in check that constrained a decision.
type Guardrail string

// Guardrails, in the order Decide applies them.
const (
	RuleError      Guardrail = "rule-error"         // a rule failed to evaluate: at most approve
	Protected      Guardrail = "protected"          // protected asset: at most recommend, deny if destructive
	Irreversible   Guardrail = "irreversible"       // fidelity none or lossy: at most approve unless allowed
	Untrusted      Guardrail = "untrusted-evidence" // forgeable evidence: limits on crown jewels and isolation
	Promotion      Guardrail = "promotion"          // the rule has not earned autonomy yet: shadow
	Monitor        Guardrail = "monitor"            // the policy is in monitor mode: shadow
	BlastIncident  Guardrail = "blast-radius-incident"
	BlastHour      Guardrail = "blast-radius-hour"
	RateLimit      Guardrail = "rate-limit"
	InvalidRequest Guardrail = "invalid-request" // no action to decide on
)

// Decision is the guard's answer for one action, with its explanation.
type Decision struct {
	// Decision is what policy allows. Guardrails only ever make it
	// stricter than the matching rule's.
	Decision action.Decision `json:"decision"`
	// State is where the action goes next: approved (autonomous, apply
	// now), pending (waiting for a person), recommended, denied, or shadow
	// when the guard is in monitor mode for it.
	State action.State `json:"state"`
	// Shadow is true when nothing may be applied: the decision is only
	// recorded, to be judged.
	Shadow bool `json:"shadow,omitempty"`
	// Rule is the name of the rule that matched, empty for the default;
	// Fingerprint identifies its text, for Ledger.Feedback.
	Rule        string `json:"rule,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	// Guardrails are the built-in checks that constrained the decision.
	Guardrails []Guardrail `json:"guardrails,omitempty"`
	// Why explains each step in words, in order.
	Why []string  `json:"why"`
	At  time.Time `json:"at"`
}

// Explain joins the explanation into one sentence list.
func (d Decision) Explain() string { return strings.Join(d.Why, "; ") }

// Has reports whether guardrail g constrained the decision.
func (d Decision) Has(g Guardrail) bool {
	for _, x := range d.Guardrails {
		if x == g {
			return true
		}
	}
	return false
}

// Stamp records the decision on the action: its Decision, Why and State.
func (d Decision) Stamp(a *action.Action) {
	a.Decision = d.Decision
	a.Why = d.Explain()
	a.State = d.State
}

// rank orders decisions from most to least permissive; unknown decisions
// rank as deny.
func rank(d action.Decision) int {
	switch d {
	case action.Autonomous:
		return 0
	case action.Approve:
		return 1
	case action.Recommend:
		return 2
	default:
		return 3
	}
}

// restrict lowers the decision to at most limit. When that changes it, the
// guardrail and why are noted; it never makes a decision more permissive.
func (d *Decision) restrict(limit action.Decision, g Guardrail, why string) {
	if rank(limit) <= rank(d.Decision) {
		return
	}
	d.Decision = limit
	d.note(g, why)
}

// note records that guardrail g acted, and why.
func (d *Decision) note(g Guardrail, why string) {
	d.Guardrails = append(d.Guardrails, g)
	d.Why = append(d.Why, why)
}

// stateFor maps a decision to the action's next state.
func stateFor(d action.Decision, shadow bool) action.State {
	switch {
	case shadow && rank(d) <= rank(action.Approve):
		return action.Shadow
	case d == action.Autonomous:
		return action.Approved
	case d == action.Approve:
		return action.Pending
	case d == action.Recommend:
		return action.Recommended
	default:
		return action.Denied
	}
}

// validDecision reports whether s names a decision.
func validDecision(s string) bool {
	switch action.Decision(s) {
	case action.Autonomous, action.Approve, action.Recommend, action.Deny:
		return true
	}
	return false
}
