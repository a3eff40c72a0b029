package guard

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

var (
	allKinds = []action.Kind{
		action.HostIsolate, action.HostKillProcess, action.HostQuarantineFile, action.HostLockAccount, action.HostBlockIP,
		action.AWSDeactivateKey, action.AWSDenyAll, action.AWSRevokeSessions, action.AWSQuarantineInstance,
		action.AWSSnapshotVolumes, action.AWSBlockPublicS3, action.IdPSuspendUser, action.IdPRevokeSessions,
		action.NotifyWebhook, action.NotifySlack,
	}
	allFidelities = []action.Fidelity{action.Exact, action.Lossy, action.None, ""}
	// permissive trusts everything an attacker could forge.
	permissive = `
default: autonomous
rules:
  - name: forged-says-so
    when: "action.params.exists(k, k == 'urgent') || incident.confidence >= 0.0"
    decision: autonomous
    allow_irreversible: true
`
)

// TestForgedEventsCannotActOnProtected: events from an unauthenticated
// source (Reason.Trusted false), whatever they claim (confidence,
// severity, parameters), never make Causeway act on a protected asset,
// under the most permissive policy and the built-in one.
func TestForgedEventsCannotActOnProtected(t *testing.T) {
	ctx := context.Background()
	policies := map[string]*Policy{"permissive": mustParse(t, permissive), "default": Default()}
	for pname, p := range policies {
		g, _ := New(Config{Policy: p}, Deps{Now: newClock().Now})
		for _, kind := range allKinds {
			for _, f := range allFidelities {
				for _, conf := range []float64{0, 1} {
					a := act(kind, "forged")
					a.Reason.Trusted = false
					a.Fidelity = f
					a.Params = map[string]string{"urgent": "yes"}
					c := Context{Severity: "critical", Confidence: conf}
					d := g.Decide(ctx, a, Asset{Protected: true, Tier: "workstation"}, c)
					if rank(d.Decision) < rank(action.Recommend) || d.State == action.Approved || d.State == action.Pending {
						t.Errorf("%s: %s %s conf %.0f on a protected asset: %s/%s (%s)", pname, kind, f, conf, d.Decision, d.State, d.Explain())
					}
					d = g.Decide(ctx, a, Asset{CrownJewel: true}, c)
					if d.Decision == action.Autonomous || d.State == action.Approved {
						t.Errorf("%s: %s %s on a crown jewel: %s (%s)", pname, kind, f, d.Decision, d.Explain())
					}
					if kind == action.HostIsolate {
						d = g.Decide(ctx, a, Asset{}, c)
						if rank(d.Decision) < rank(action.Recommend) {
							t.Errorf("%s: untrusted isolation: %s (%s)", pname, d.Decision, d.Explain())
						}
					}
				}
			}
		}
	}
}

// TestFloodCannotExceedBlastRadius: thousands of incidents decided
// concurrently never get more autonomous actions than the caps allow.
func TestFloodCannotExceedBlastRadius(t *testing.T) {
	c := newClock()
	g := newGuard(t, `
limits: {autonomous_per_incident: 3, autonomous_per_hour: 50}
rules:
  - {name: all, when: "true", decision: autonomous}
`, c)
	ctx := context.Background()
	var mu sync.Mutex
	perIncident := map[event.ID]int{}
	var times []time.Time
	refused := map[Guardrail]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 300 {
				a := act(action.HostBlockIP, fmt.Sprintf("flood-%d", (w*300+i)%400))
				d := g.Decide(ctx, a, Asset{}, high)
				if d.State == action.Approved {
					mu.Lock()
					perIncident[a.Reason.Incident]++
					times = append(times, d.At)
					mu.Unlock()
				} else {
					mu.Lock()
					for _, gr := range d.Guardrails {
						refused[gr]++
					}
					mu.Unlock()
				}
				if i%10 == 0 {
					c.Add(5 * time.Minute)
				}
			}
		})
	}
	wg.Wait()
	for id, n := range perIncident {
		if n > 3 {
			t.Errorf("incident %s got %d autonomous actions, cap 3", id, n)
		}
	}
	// No window of an hour holds more than the cap.
	for _, start := range times {
		n := 0
		for _, x := range times {
			if !x.Before(start) && x.Before(start.Add(time.Hour)) {
				n++
			}
		}
		if n > 50 {
			t.Fatalf("%d autonomous actions within the hour from %s, cap 50", n, start)
		}
	}
	if len(times) == 0 || refused[BlastHour] == 0 || refused[BlastIncident] == 0 {
		t.Fatalf("%d autonomous, refused %v: the flood did not reach both caps", len(times), refused)
	}
	t.Logf("%d autonomous of 2400, refused %v", len(times), refused)
}

// TestApproveNeverAutonomous: whatever the input, a guard whose matching
// rule says approve (or stricter) never returns autonomous, and no
// guardrail ever loosens a rule's decision.
func TestApproveNeverAutonomous(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	decisions := []string{"autonomous", "approve", "recommend", "deny"}
	ctx := context.Background()
	for n := range 300 {
		ruleDec := decisions[rng.IntN(len(decisions))]
		mode := []string{"enforce", "monitor"}[rng.IntN(2)]
		src := fmt.Sprintf("mode: %s\ndefault: %s\nrules:\n  - name: r\n    when: \"action.cost < %d.0\"\n    decision: %s\n    allow_irreversible: %t\n    promote_after: %d\n",
			mode, decisions[rng.IntN(4)], rng.IntN(6), ruleDec, rng.IntN(2) == 0, rng.IntN(2))
		g := newGuard(t, src, newClock())
		for range 20 {
			a := act(allKinds[rng.IntN(len(allKinds))], fmt.Sprint(rng.IntN(3)))
			a.Fidelity = allFidelities[rng.IntN(len(allFidelities))]
			a.Reason.Trusted = rng.IntN(2) == 0
			a.Cost = float64(rng.IntN(6))
			asset := Asset{Protected: rng.IntN(4) == 0, CrownJewel: rng.IntN(4) == 0, Criticality: rng.IntN(6)}
			d := g.Decide(ctx, a, asset, Context{Confidence: rng.Float64()})
			base := g.Policy().Default
			if d.Rule == "r" {
				base = action.Decision(ruleDec)
			}
			if rank(d.Decision) < rank(base) {
				t.Fatalf("case %d: %s loosened to %s (%s)", n, base, d.Decision, d.Explain())
			}
			if base != action.Autonomous && (d.Decision == action.Autonomous || d.State == action.Approved) {
				t.Fatalf("case %d: %s became %s/%s", n, base, d.Decision, d.State)
			}
			if d.State == action.Approved && (d.Shadow || mode == "monitor") {
				t.Fatalf("case %d: approved in shadow", n)
			}
		}
	}
}

// TestShellMetacharactersAreStrings: target names and parameters carrying
// shell and CEL syntax are values to the rules, never code: the decision
// is the one a plain name gets.
func TestShellMetacharactersAreStrings(t *testing.T) {
	g := newGuard(t, `
default: recommend
rules:
  - name: web
    when: "action.target.name == 'web-01' && action.params.user == 'svc'"
    decision: autonomous
  - name: deny-odd
    when: "action.target.name.startsWith('zz')"
    decision: deny
`, newClock())
	names := []string{
		"$(rm -rf /)", "`id`", "web-01; reboot", "web-01' || true || '", `web-01" || true || "`,
		"' || action.kind != '' || '", "web-01\n", "web-01\x00", "web-01 && curl x | sh", "${IFS}web-01",
		"%s%s%n", "web-01' ) || (true", `\'`, "🙂' + '",
	}
	ctx := context.Background()
	plain := act(action.HostBlockIP, "i")
	plain.Target.Name = "other"
	plain.Params = map[string]string{"user": "svc"}
	want := g.Decide(ctx, plain, Asset{}, high)
	for _, name := range names {
		for _, inParam := range []bool{false, true} {
			a := act(action.HostBlockIP, "i")
			a.Target.Name = name
			a.Params = map[string]string{"user": "svc"}
			if inParam {
				a.Target.Name = "other"
				a.Params = map[string]string{"user": name}
			}
			d := g.Decide(ctx, a, Asset{}, high)
			if d.Decision != want.Decision || d.Rule != want.Rule {
				t.Errorf("name %q (param %t): %s by %q, want %s by %q", name, inParam, d.Decision, d.Rule, want.Decision, want.Rule)
			}
		}
	}
}
