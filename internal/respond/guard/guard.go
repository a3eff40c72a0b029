// Package guard decides, by policy, what Causeway may do about an incident
// on its own. A policy is a YAML file of rules whose conditions are CEL
// expressions over the action, the target asset, the incident, the
// evidence and the time; the first matching rule gives the decision
// (autonomous, approve, recommend or deny). Built-in guardrails then
// apply whatever the rules say: protected assets, irreversible actions,
// untrusted evidence, blast-radius caps, rate limits, monitor mode and
// rule promotion. Guardrails only ever make a decision stricter, and
// every step is explained in the decision's Why.
package guard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// Config configures a Guard.
type Config struct {
	// Policy is the compiled policy; nil means Default().
	Policy *Policy
}

// Deps are the Guard's collaborators.
type Deps struct {
	// Ledger keeps the rate, blast-radius and promotion counters; nil
	// starts an empty one. The caller persists it.
	Ledger *Ledger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives rule evaluation failures; nil discards them.
	Logger *slog.Logger
}

// Guard decides actions by policy. It is safe for concurrent use.
type Guard struct {
	policy *Policy
	ledger *Ledger
	now    func() time.Time
	log    *slog.Logger
}

// New returns a Guard.
func New(cfg Config, deps Deps) (*Guard, error) {
	g := &Guard{policy: cfg.Policy, ledger: deps.Ledger, now: deps.Now, log: deps.Logger}
	if g.policy == nil {
		p, err := compileDefault()
		if err != nil {
			return nil, fmt.Errorf("compiling the built-in policy: %w", err)
		}
		g.policy = p
	}
	if g.ledger == nil {
		g.ledger = NewLedger()
	}
	if g.now == nil {
		g.now = time.Now
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	return g, nil
}

// Policy returns the policy the guard applies.
func (g *Guard) Policy() *Policy { return g.policy }

// Ledger returns the guard's counters, to persist.
func (g *Guard) Ledger() *Ledger { return g.ledger }

// Decide returns what policy allows for a. It does not change a (see
// Decision.Stamp). An autonomous, non-shadow decision is counted against
// the blast-radius and rate limits at once, so the caller applies it or
// records why not. A rule that fails to evaluate (an error, its cost
// limit, or ctx ending) caps the decision at approve.
func (g *Guard) Decide(ctx context.Context, a *action.Action, asset Asset, c Context) Decision {
	now := g.now()
	d := Decision{At: now}
	if a == nil {
		d.Decision = action.Deny
		d.note(InvalidRequest, "no action given")
		d.State = stateFor(d.Decision, false)
		return d
	}
	rule := g.match(ctx, a, asset, c, now, &d)
	g.guardrails(a, asset, rule, &d)

	g.ledger.mu.Lock()
	defer g.ledger.mu.Unlock()
	// Counting uses a time read under the lock and never earlier than
	// the last one counted, so the windows stay ordered however the
	// callers interleave.
	now = g.ledger.monotonic(g.now())
	d.At = now
	var rec *RuleRecord
	if rule != nil {
		rec = g.ledger.record(rule)
		rec.Matched++
	}
	d.Shadow = g.shadow(rule, rec, &d)
	if d.Decision == action.Autonomous {
		if gr, why := g.ledger.admit(g.policy.Limits, a.Reason.Incident.String(), a.Kind, now, !d.Shadow); gr != "" {
			d.restrict(action.Approve, gr, why)
		}
	}
	if d.Shadow && rec != nil && rank(d.Decision) <= rank(action.Approve) {
		rec.Shadowed++
	}
	d.State = stateFor(d.Decision, d.Shadow)
	return d
}

// match evaluates the rules in order and sets the decision of the first
// that matches, or the default.
func (g *Guard) match(ctx context.Context, a *action.Action, asset Asset, c Context, now time.Time, d *Decision) *Rule {
	in := vars(a, asset, c, now)
	var failed []string
	var rule *Rule
	for _, r := range g.policy.Rules {
		ok, err := r.eval(ctx, in)
		if err != nil {
			g.log.Warn("policy rule failed", "rule", r.Name, "source", r.Source, "action", a.ID.String(), "err", err)
			failed = append(failed, fmt.Sprintf("rule %q failed (%v)", r.Name, trim(err)))
			continue
		}
		if ok {
			rule = r
			break
		}
	}
	if rule != nil {
		d.Decision, d.Rule, d.Fingerprint = rule.Decision, rule.Name, rule.Fingerprint
		d.Why = append(d.Why, fmt.Sprintf("rule %q (%s) decided %s", rule.Name, rule.Source, rule.Decision))
	} else {
		d.Decision = g.policy.Default
		d.Why = append(d.Why, fmt.Sprintf("no rule matched: the policy default is %s", g.policy.Default))
	}
	for _, f := range failed {
		if rank(d.Decision) < rank(action.Approve) {
			d.Decision = action.Approve
		}
		d.note(RuleError, f+": at most approve")
	}
	return rule
}

// trim shortens an evaluation error for the explanation.
func trim(err error) string {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "cancelled"
	}
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return s
}
