package guard

import (
	"fmt"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// guardrails applies the built-in checks that hold whatever the rules
// say. Each only lowers the decision, and notes itself when it does.
func (g *Guard) guardrails(a *action.Action, asset Asset, rule *Rule, d *Decision) {
	// Protected assets are never changed by Causeway: a person may act
	// on the recommendation; destructive kinds are refused outright.
	if asset.Protected {
		if g.policy.destructive(a) {
			d.restrict(action.Deny, Protected, fmt.Sprintf("the asset is protected and %s is destructive: denied", a.Kind))
		} else {
			d.restrict(action.Recommend, Protected, "the asset is protected: at most recommend")
		}
	}

	// What cannot be fully undone needs a person, unless the rule that
	// decided says otherwise.
	if f := fidelity(a.Fidelity); f != action.Exact && d.Decision == action.Autonomous {
		if rule != nil && rule.AllowIrreversible {
			d.Why = append(d.Why, fmt.Sprintf("fidelity %s: rule %q allows irreversible actions", f, rule.Name))
		} else {
			d.restrict(action.Approve, Irreversible, fmt.Sprintf("fidelity %s: the action cannot be fully undone: needs approval", f))
		}
	}

	// Evidence from forgeable sources must not steer Causeway against
	// what matters most, nor cut a host off the network.
	if !a.Reason.Trusted {
		if asset.Protected || asset.CrownJewel {
			d.restrict(action.Approve, Untrusted, "evidence from unauthenticated sources cannot act on a protected or crown-jewel asset: needs approval")
		}
		if a.Kind == action.HostIsolate {
			d.restrict(action.Recommend, Untrusted, "evidence from unauthenticated sources cannot isolate a host: at most recommend")
		}
	}
}

// shadow reports whether the decision is only recorded: in monitor mode,
// or while the rule that decided has not earned promotion. The caller
// holds the ledger's lock.
func (g *Guard) shadow(rule *Rule, rec *RuleRecord, d *Decision) bool {
	if rank(d.Decision) > rank(action.Approve) {
		return false // nothing would be applied anyway
	}
	if g.policy.Mode == ModeMonitor {
		d.note(Monitor, fmt.Sprintf("monitor mode: %s is recorded, not applied", d.Decision))
		return true
	}
	if rule == nil || rule.PromoteAfter == 0 {
		return false
	}
	if !rec.promoted(rule) {
		why := fmt.Sprintf("rule %q runs in monitor mode until %d of its decisions are confirmed (%d confirmed, %d judged wrong)",
			rule.Name, rule.PromoteAfter, rec.Confirmed, rec.Rejected)
		if rec.Rejected > 0 {
			why += "; a decision judged wrong keeps it there until the rule is changed or its record reset"
		}
		d.note(Promotion, why)
		return true
	}
	d.Why = append(d.Why, fmt.Sprintf("rule %q was promoted after %d confirmed decisions", rule.Name, rec.Confirmed))
	return false
}
