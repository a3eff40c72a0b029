package guard

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// TestVariables checks that every documented variable reaches the rules
// with the value the caller gave.
func TestVariables(t *testing.T) {
	a := act(action.HostQuarantineFile, "inc-1")
	a.Target.Kind, a.Target.ID, a.Target.Name = "file", "file:c:/x.exe", "x.exe"
	a.Params = map[string]string{"path": `C:\x.exe`}
	a.TTL = 2 * time.Hour
	a.Cost = 3.5
	a.Fidelity = action.Lossy
	a.Reason.Confidence = 0.7
	asset := Asset{Criticality: 4, Owner: "alice", Protected: false, Tags: []string{"pci"}, Tier: "server", CrownJewel: true}
	c := Context{Severity: "critical", Confidence: 0.95}
	conds := []string{
		"action.id == '" + a.ID.String() + "'",
		"action.kind == 'host.quarantine_file'",
		"action.target.kind == 'file'",
		"action.target.id == 'file:c:/x.exe'",
		"action.target.name == 'x.exe'",
		"action.fidelity == 'lossy'",
		"action.cost == 3.5 && action.cost > 3",
		"action.params.path == 'C:\\\\x.exe' && !('user' in action.params)",
		"action.ttl == duration('2h')",
		"action.confidence == 0.7",
		"asset.criticality == 4 && asset.criticality >= 3.5",
		"asset.owner == 'alice'",
		"!asset.protected",
		"'pci' in asset.tags && asset.tags.size() == 1",
		"asset.tier == 'server'",
		"asset.crown_jewel",
		"incident.id == '" + a.Reason.Incident.String() + "'",
		"incident.severity == 'critical'",
		"incident.confidence > 0.9",
		"evidence.trusted",
		"now.getHours() == 10 && now.getDayOfWeek() == 3",
		"now.getHours('America/New_York') == 5",
		"now > timestamp('2026-01-01T00:00:00Z')",
		"action.target.name.lowerAscii().endsWith('.exe')",
	}
	ctx := context.Background()
	for i, cond := range conds {
		t.Run(cond, func(t *testing.T) {
			src := fmt.Sprintf("default: deny\nrules:\n  - name: r%d\n    when: %q\n    decision: recommend\n", i, cond)
			g := newGuard(t, src, newClock())
			if d := g.Decide(ctx, a, asset, c); d.Rule == "" {
				t.Errorf("condition was false: %s", d.Explain())
			}
		})
	}
}

// TestZeroValues checks that an action without params and an asset the
// inventory does not know still evaluate.
func TestZeroValues(t *testing.T) {
	g := newGuard(t, `
rules:
  - name: r
    when: "!('x' in action.params) && asset.tags.size() == 0 && asset.criticality == 0 && action.fidelity == 'none'"
    decision: recommend
`, newClock())
	a := act(action.HostBlockIP, "i")
	a.Fidelity = ""
	if d := g.Decide(context.Background(), a, Asset{}, Context{}); d.Rule != "r" {
		t.Errorf("rule did not match zero values: %s", d.Explain())
	}
}

// TestCostLimit checks that a rule too costly to evaluate fails, and that
// a failed rule caps the decision at approve.
func TestCostLimit(t *testing.T) {
	g := newGuard(t, `
limits:
  eval_cost: 500
rules:
  - name: expensive
    when: "[1,2,3,4,5,6,7,8,9,10].all(x, [1,2,3,4,5,6,7,8,9,10].all(y, [1,2,3,4,5,6,7,8,9,10].all(z, x+y+z > 0)))"
    decision: deny
  - name: cheap
    when: "true"
    decision: autonomous
`, newClock())
	d := g.Decide(context.Background(), act(action.HostBlockIP, "i"), Asset{}, high)
	if d.Decision != action.Approve || !d.Has(RuleError) || d.Rule != "cheap" {
		t.Errorf("got %s by %q %v, want approve by cheap with rule-error (%s)", d.Decision, d.Rule, d.Guardrails, d.Explain())
	}
}

// TestRuleErrorKeepsLaterDeny checks that a failing rule does not loosen
// what a later rule refuses.
func TestRuleErrorKeepsLaterDeny(t *testing.T) {
	g := newGuard(t, `
rules:
  - name: broken
    when: "action.params.missing == 'x'"
    decision: autonomous
  - name: refuse
    when: "true"
    decision: deny
`, newClock())
	d := g.Decide(context.Background(), act(action.HostBlockIP, "i"), Asset{}, high)
	if d.Decision != action.Deny || !d.Has(RuleError) {
		t.Errorf("got %s %v, want deny with rule-error (%s)", d.Decision, d.Guardrails, d.Explain())
	}
}

// TestCancelled checks that an ended context fails safe.
func TestCancelled(t *testing.T) {
	g := newGuard(t, "default: autonomous\nrules:\n  - {name: r, when: 'true', decision: autonomous}\n", newClock())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := g.Decide(ctx, act(action.HostBlockIP, "i"), Asset{}, high)
	if d.Decision == action.Autonomous {
		t.Errorf("a cancelled evaluation decided autonomous: %s", d.Explain())
	}
}
