package guard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

const capped = `
limits:
  autonomous_per_incident: 3
  autonomous_per_hour: 5
  per_kind_per_hour: {host.isolate: 2}
rules:
  - {name: all, when: "true", decision: autonomous}
`

func TestBlastRadiusPerIncident(t *testing.T) {
	g := newGuard(t, capped, newClock())
	ctx := context.Background()
	for i := range 4 {
		d := g.Decide(ctx, act(action.HostBlockIP, "one"), Asset{}, high)
		want := action.Autonomous
		if i == 3 {
			want = action.Approve
		}
		if d.Decision != want {
			t.Fatalf("action %d: %s, want %s (%s)", i, d.Decision, want, d.Explain())
		}
		if i == 3 && (!d.Has(BlastIncident) || d.State != action.Pending) {
			t.Errorf("action %d: guardrails %v state %s, want blast-radius-incident, pending", i, d.Guardrails, d.State)
		}
	}
	// Another incident has its own budget.
	if d := g.Decide(ctx, act(action.HostBlockIP, "two"), Asset{}, high); d.Decision != action.Autonomous {
		t.Errorf("other incident: %s (%s)", d.Decision, d.Explain())
	}
}

func TestBlastRadiusPerHour(t *testing.T) {
	c := newClock()
	g := newGuard(t, capped, c)
	ctx := context.Background()
	for i := range 5 {
		if d := g.Decide(ctx, act(action.HostBlockIP, fmt.Sprint(i)), Asset{}, high); d.Decision != action.Autonomous {
			t.Fatalf("action %d: %s (%s)", i, d.Decision, d.Explain())
		}
		c.Add(time.Minute)
	}
	d := g.Decide(ctx, act(action.HostBlockIP, "x"), Asset{}, high)
	if d.Decision != action.Approve || !d.Has(BlastHour) {
		t.Fatalf("6th action in the hour: %s %v", d.Decision, d.Guardrails)
	}
	// An hour after the first, one slot frees.
	c.Add(55*time.Minute + 30*time.Second)
	if d := g.Decide(ctx, act(action.HostBlockIP, "y"), Asset{}, high); d.Decision != action.Autonomous {
		t.Errorf("after the window: %s (%s)", d.Decision, d.Explain())
	}
	if d := g.Decide(ctx, act(action.HostBlockIP, "z"), Asset{}, high); d.Decision != action.Approve {
		t.Errorf("second after the window: %s, want approve", d.Decision)
	}
	if inc, hour := g.Ledger().Autonomous(act(action.HostBlockIP, "y").Reason.Incident.String(), c.Now()); inc != 1 || hour != 5 {
		t.Errorf("ledger counts incident %d hour %d, want 1 and 5", inc, hour)
	}
}

func TestRateLimitPerKind(t *testing.T) {
	c := newClock()
	g := newGuard(t, capped, c)
	ctx := context.Background()
	for i := range 2 {
		if d := g.Decide(ctx, act(action.HostIsolate, fmt.Sprint(i)), Asset{}, high); d.Decision != action.Autonomous {
			t.Fatalf("isolation %d: %s", i, d.Decision)
		}
	}
	d := g.Decide(ctx, act(action.HostIsolate, "x"), Asset{}, high)
	if d.Decision != action.Approve || !d.Has(RateLimit) {
		t.Fatalf("3rd isolation: %s %v", d.Decision, d.Guardrails)
	}
	if d := g.Decide(ctx, act(action.HostBlockIP, "x"), Asset{}, high); d.Decision != action.Autonomous {
		t.Errorf("other kind: %s", d.Decision)
	}
	c.Add(time.Hour + time.Second)
	if d := g.Decide(ctx, act(action.HostIsolate, "y"), Asset{}, high); d.Decision != action.Autonomous {
		t.Errorf("isolation an hour later: %s (%s)", d.Decision, d.Explain())
	}
}

func TestZeroCapAllowsNone(t *testing.T) {
	g := newGuard(t, "limits: {autonomous_per_incident: 0}\nrules:\n  - {name: all, when: 'true', decision: autonomous}\n", newClock())
	if d := g.Decide(context.Background(), act(action.HostBlockIP, "i"), Asset{}, high); d.Decision != action.Approve {
		t.Errorf("cap 0: %s", d.Decision)
	}
}

func TestMonitorMode(t *testing.T) {
	g := newGuard(t, "mode: monitor\nlimits: {autonomous_per_incident: 1}\nrules:\n  - {name: all, when: 'true', decision: autonomous}\n  - {name: x, when: 'true', decision: approve}\n", newClock())
	ctx := context.Background()
	for i := range 3 {
		d := g.Decide(ctx, act(action.HostBlockIP, "i"), Asset{}, high)
		if d.Decision != action.Autonomous || d.State != action.Shadow || !d.Shadow || !d.Has(Monitor) {
			t.Fatalf("decision %d: %s/%s %v, want autonomous/shadow by monitor (%s)", i, d.Decision, d.State, d.Guardrails, d.Explain())
		}
	}
	if n, _ := g.Ledger().Autonomous(act(action.HostBlockIP, "i").Reason.Incident.String(), time.Now()); n != 0 {
		t.Errorf("shadow decisions consumed %d of the blast radius", n)
	}
	// What would not be applied anyway keeps its own state.
	d := g.Decide(ctx, act(action.HostIsolate, "i"), Asset{Protected: true}, high)
	if d.State != action.Recommended || d.Shadow {
		t.Errorf("protected in monitor mode: %s shadow=%t", d.State, d.Shadow)
	}
	if r := g.Ledger().Rule("all"); r.Shadowed != 3 || r.Matched != 4 {
		t.Errorf("rule record %+v, want 3 shadowed of 4 matched", r)
	}
}

const promoted = `
rules:
  - name: isolate
    when: "action.kind == 'host.isolate'"
    decision: autonomous
    promote_after: 2
`

func TestPromotion(t *testing.T) {
	g := newGuard(t, promoted, newClock())
	ctx := context.Background()
	l := g.Ledger()
	var shadows []Decision
	var ids []string
	for i := range 3 {
		a := act(action.HostIsolate, fmt.Sprint(i))
		d := g.Decide(ctx, a, Asset{}, high)
		if d.State != action.Shadow || !d.Has(Promotion) || d.Decision != action.Autonomous {
			t.Fatalf("before promotion: %s/%s %v", d.Decision, d.State, d.Guardrails)
		}
		shadows = append(shadows, d)
		ids = append(ids, a.ID.String())
	}
	if err := l.Feedback("isolate", "stale", ids[0], true); !errors.Is(err, ErrStaleRule) {
		t.Errorf("stale fingerprint: %v", err)
	}
	fp := shadows[0].Fingerprint
	if err := l.Feedback("isolate", fp, ids[0], true); err != nil {
		t.Fatal(err)
	}
	if err := l.Feedback("isolate", fp, ids[0], true); !errors.Is(err, ErrAlreadyJudged) {
		t.Errorf("judging twice: %v", err)
	}
	if d := g.Decide(ctx, act(action.HostIsolate, "a"), Asset{}, high); d.State != action.Shadow {
		t.Fatalf("after 1 of 2 confirmations: %s", d.State)
	}
	if err := l.Feedback("isolate", fp, ids[1], true); err != nil {
		t.Fatal(err)
	}
	d := g.Decide(ctx, act(action.HostIsolate, "b"), Asset{}, high)
	if d.State != action.Approved || d.Shadow || d.Has(Promotion) {
		t.Fatalf("after 2 confirmations: %s %v (%s)", d.State, d.Guardrails, d.Explain())
	}
	// A decision judged wrong sends the rule back to monitor mode.
	if err := l.Feedback("isolate", fp, ids[2], false); err != nil {
		t.Fatal(err)
	}
	if d := g.Decide(ctx, act(action.HostIsolate, "c"), Asset{}, high); d.State != action.Shadow {
		t.Errorf("after a wrong verdict: %s", d.State)
	}
	// Editing the description keeps the record; editing the rule restarts it.
	g2, err := New(Config{Policy: mustParse(t, promoted+"    description: edited\n")}, Deps{Ledger: l, Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	g2.Decide(ctx, act(action.HostIsolate, "c"), Asset{}, high)
	if r := l.Rule("isolate"); r.Confirmed != 2 || r.Rejected != 1 {
		t.Errorf("record after editing the description: %+v", r)
	}
	g3, _ := New(Config{Policy: mustParse(t, `
rules:
  - name: isolate
    when: "action.kind == 'host.isolate' && evidence.trusted"
    decision: autonomous
    promote_after: 2
`)}, Deps{Ledger: l, Now: newClock().Now})
	g3.Decide(ctx, act(action.HostIsolate, "d"), Asset{}, high)
	if r := l.Rule("isolate"); r.Confirmed != 0 || r.Rejected != 0 || r.Shadowed != 1 {
		t.Errorf("record after editing the rule: %+v", r)
	}
	l.ResetRule("isolate")
	if r := l.Rule("isolate"); r.Matched != 0 {
		t.Errorf("record after reset: %+v", r)
	}
}

func TestFeedbackNeedsShadowDecisions(t *testing.T) {
	g := newGuard(t, promoted, newClock())
	d := g.Decide(context.Background(), act(action.HostIsolate, "i"), Asset{}, high)
	l := g.Ledger()
	if err := l.Feedback("isolate", d.Fingerprint, "a", true); err != nil {
		t.Fatal(err)
	}
	if err := l.Feedback("isolate", d.Fingerprint, "b", true); !errors.Is(err, ErrNoShadow) {
		t.Errorf("more verdicts than shadow decisions: %v", err)
	}
}

// TestLedgerSurvivesRestart checks that caps and promotion counts hold
// across a JSON round trip.
func TestLedgerSurvivesRestart(t *testing.T) {
	c := newClock()
	g := newGuard(t, capped, c)
	ctx := context.Background()
	for range 3 {
		g.Decide(ctx, act(action.HostBlockIP, "one"), Asset{}, high)
	}
	b, err := json.Marshal(g.Ledger())
	if err != nil {
		t.Fatal(err)
	}
	var l Ledger
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	g2, _ := New(Config{Policy: g.Policy()}, Deps{Ledger: &l, Now: c.Now})
	if d := g2.Decide(ctx, act(action.HostBlockIP, "one"), Asset{}, high); d.Decision != action.Approve || !d.Has(BlastIncident) {
		t.Errorf("after restart: %s %v", d.Decision, d.Guardrails)
	}
	if r := l.Rule("all"); r.Matched != 4 {
		t.Errorf("rule record after restart: %+v", r)
	}
	if err := json.Unmarshal([]byte(`{"version":9}`), &l); err == nil {
		t.Error("unknown ledger version accepted")
	}
}
