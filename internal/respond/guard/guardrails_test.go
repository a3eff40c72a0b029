package guard

import (
	"context"
	"slices"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// allowAll decides autonomous for everything; a second rule allows
// irreversible actions for kill_process only.
const allowAll = `
destructive_kinds: [aws.deny_all]
rules:
  - name: kill
    when: "action.kind == 'host.kill_process'"
    decision: autonomous
    allow_irreversible: true
  - name: all
    when: "true"
    decision: autonomous
`

func TestGuardrails(t *testing.T) {
	type mod func(a *action.Action)
	fid := func(f action.Fidelity) mod { return func(a *action.Action) { a.Fidelity = f } }
	untrusted := func(a *action.Action) { a.Reason.Trusted = false }
	tests := []struct {
		name  string
		kind  action.Kind
		mods  []mod
		asset Asset
		want  action.Decision
		rails []Guardrail
	}{
		{"plain", action.HostBlockIP, nil, Asset{}, action.Autonomous, nil},
		{"protected", action.HostBlockIP, nil, Asset{Protected: true}, action.Recommend, []Guardrail{Protected}},
		{"protected, fidelity none", action.HostBlockIP, []mod{fid(action.None)}, Asset{Protected: true}, action.Deny, []Guardrail{Protected}},
		{"protected, destructive kind", action.AWSDenyAll, nil, Asset{Protected: true}, action.Deny, []Guardrail{Protected}},
		{"protected, allowed irreversible", action.HostKillProcess, []mod{fid(action.None)}, Asset{Protected: true}, action.Deny, []Guardrail{Protected}},
		{"fidelity none", action.HostBlockIP, []mod{fid(action.None)}, Asset{}, action.Approve, []Guardrail{Irreversible}},
		{"fidelity lossy", action.HostLockAccount, []mod{fid(action.Lossy)}, Asset{}, action.Approve, []Guardrail{Irreversible}},
		{"fidelity unset counts as none", action.HostBlockIP, []mod{fid("")}, Asset{}, action.Approve, []Guardrail{Irreversible}},
		{"fidelity unknown counts as none", action.HostBlockIP, []mod{fid("mostly")}, Asset{}, action.Approve, []Guardrail{Irreversible}},
		{"irreversible allowed by rule", action.HostKillProcess, []mod{fid(action.None)}, Asset{}, action.Autonomous, nil},
		{"untrusted, plain asset", action.HostBlockIP, []mod{untrusted}, Asset{}, action.Autonomous, nil},
		{"untrusted, crown jewel", action.HostBlockIP, []mod{untrusted}, Asset{CrownJewel: true}, action.Approve, []Guardrail{Untrusted}},
		{"untrusted, protected", action.HostBlockIP, []mod{untrusted}, Asset{Protected: true}, action.Recommend, []Guardrail{Protected}},
		{"untrusted isolation", action.HostIsolate, []mod{untrusted}, Asset{}, action.Recommend, []Guardrail{Untrusted}},
		{"untrusted isolation of a crown jewel", action.HostIsolate, []mod{untrusted}, Asset{CrownJewel: true}, action.Recommend, []Guardrail{Untrusted, Untrusted}},
		{"trusted isolation", action.HostIsolate, nil, Asset{}, action.Autonomous, nil},
		{"trusted crown jewel", action.HostIsolate, nil, Asset{CrownJewel: true}, action.Autonomous, nil},
		{"untrusted, lossy, crown jewel", action.HostLockAccount, []mod{untrusted, fid(action.Lossy)}, Asset{CrownJewel: true}, action.Approve, []Guardrail{Irreversible}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGuard(t, allowAll, newClock())
			a := act(tt.kind, "i")
			for _, m := range tt.mods {
				m(a)
			}
			d := g.Decide(context.Background(), a, tt.asset, high)
			if d.Decision != tt.want {
				t.Errorf("decision %s, want %s (%s)", d.Decision, tt.want, d.Explain())
			}
			if !slices.Equal(d.Guardrails, tt.rails) {
				t.Errorf("guardrails %v, want %v", d.Guardrails, tt.rails)
			}
			if len(d.Why) != 1+len(tt.rails)+boolInt(tt.name == "irreversible allowed by rule") {
				t.Errorf("why has %d entries for %d guardrails: %q", len(d.Why), len(tt.rails), d.Why)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestGuardrailsNeverLoosen checks that a guardrail leaves a stricter
// rule decision alone.
func TestGuardrailsNeverLoosen(t *testing.T) {
	for _, dec := range []string{"approve", "recommend", "deny"} {
		g := newGuard(t, "rules:\n  - {name: r, when: 'true', decision: "+dec+"}\n", newClock())
		a := act(action.HostIsolate, "i")
		a.Reason.Trusted = false
		a.Fidelity = action.None
		d := g.Decide(context.Background(), a, Asset{Protected: true, CrownJewel: true}, high)
		if rank(d.Decision) < rank(action.Decision(dec)) {
			t.Errorf("rule %s became %s", dec, d.Decision)
		}
	}
}

func TestStamp(t *testing.T) {
	g := newGuard(t, allowAll, newClock())
	a := act(action.HostIsolate, "i")
	a.Reason.Trusted = false
	d := g.Decide(context.Background(), a, Asset{}, high)
	d.Stamp(a)
	if a.Decision != action.Recommend || a.State != action.Recommended || a.Why != d.Explain() || a.Why == "" {
		t.Errorf("stamped %s/%s %q", a.Decision, a.State, a.Why)
	}
}

func TestNilAction(t *testing.T) {
	g := newGuard(t, allowAll, newClock())
	d := g.Decide(context.Background(), nil, Asset{}, high)
	if d.Decision != action.Deny || d.State != action.Denied || !d.Has(InvalidRequest) {
		t.Errorf("nil action: %s/%s %v", d.Decision, d.State, d.Guardrails)
	}
}
