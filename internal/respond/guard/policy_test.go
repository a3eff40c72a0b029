package guard

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)} } // a Wednesday

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func mustParse(t testing.TB, src string) *Policy {
	t.Helper()
	p, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parsing policy: %v", err)
	}
	return p
}

func newGuard(t testing.TB, src string, c *clock) *Guard {
	t.Helper()
	g, err := New(Config{Policy: mustParse(t, src)}, Deps{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// act returns an action on a host, with trusted evidence and fidelity
// exact unless changed.
func act(kind action.Kind, incident string) *action.Action {
	inc := event.NewID("incident", incident)
	target := event.Entity{Kind: event.KindHost, ID: "host:web-01", Name: "web-01"}
	return &action.Action{
		ID:       action.NewID(inc, kind, target.ID),
		Kind:     kind,
		Target:   target,
		Fidelity: action.Exact,
		Cost:     2,
		Reason:   action.Reason{Incident: inc, Trusted: true, Confidence: 0.9},
	}
}

var high = Context{Severity: "high", Confidence: 0.9}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"yaml syntax", "rules: [", "test.yaml: parsing YAML"},
		{"empty", "", "test.yaml: empty policy"},
		{"unknown top key", "version: 1\nrulez: []\n", `test.yaml:2: policy: unknown key "rulez"`},
		{"bad version", "version: 2\n", "test.yaml:1: version: 2 is not supported"},
		{"bad mode", "mode: audit\n", `test.yaml:1: mode: "audit" is neither`},
		{"bad default", "default: maybe\n", `test.yaml:1: default: "maybe" is not a decision`},
		{"negative limit", "limits:\n  autonomous_per_hour: -1\n", "test.yaml:2: autonomous_per_hour: -1 is negative"},
		{"zero cost", "limits:\n  eval_cost: 0\n", "test.yaml:2: eval_cost: must be positive"},
		{"unknown limit", "limits:\n  per_hour: 3\n", `test.yaml:2: limits: unknown key "per_hour"`},
		{"unknown rule key", "rules:\n  - name: a\n    when: 'true'\n    decide: deny\n", `test.yaml:4: rule: unknown key "decide"`},
		{"no name", "rules:\n  - when: 'true'\n    decision: deny\n", "test.yaml:2: rule: name is required"},
		{"no when", "rules:\n  - name: a\n    decision: deny\n", `test.yaml:2: rule "a": when is required`},
		{"no decision", "rules:\n  - name: a\n    when: 'true'\n", `test.yaml:2: rule "a": decision is required`},
		{"bad decision", "rules:\n  - name: a\n    when: 'true'\n    decision: allow\n", `test.yaml:4: decision: "allow" is not a decision`},
		{"duplicate", "rules:\n  - name: a\n    when: 'true'\n    decision: deny\n  - name: a\n    when: 'false'\n    decision: deny\n",
			`test.yaml:5: rule "a": name already used at test.yaml:2`},
		{"unknown field", "rules:\n  - name: a\n    when: action.kidn == 'x'\n    decision: deny\n",
			`test.yaml:3: rule "a": when: undefined field 'kidn' (column 7)`},
		{"unknown field in block", "rules:\n  - name: a\n    when: |\n      action.kind == 'x' &&\n      asset.tier == 'x' && asset.crown == true\n    decision: deny\n",
			`test.yaml:5: rule "a": when: undefined field 'crown'`},
		{"not bool", "rules:\n  - name: a\n    when: action.kind\n    decision: deny\n", `test.yaml:3: rule "a": when: is string, want a bool`},
		{"syntax", "rules:\n  - name: a\n    when: action.kind ==\n    decision: deny\n", `test.yaml:3: rule "a": when: Syntax error`},
		{"undeclared", "rules:\n  - name: a\n    when: host.name == 'x'\n    decision: deny\n", `test.yaml:3: rule "a": when: undeclared reference to 'host'`},
		{"bad kind", "limits:\n  per_kind_per_hour: {Host-Isolate: 3}\n", `test.yaml:2: per_kind_per_hour: "Host-Isolate" is not an action kind`},
		{"bad destructive kind", "destructive_kinds: [isolate]\n", `test.yaml:1: destructive_kinds: "isolate" is not an action kind`},
		{"repeated key", "mode: monitor\nmode: enforce\n", `test.yaml:2: policy: key "mode" repeated`},
		{"list as scalar", "mode: [a]\n", "test.yaml:1: mode: want a single value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("test.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded, want error %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadNamesFileAndLine(t *testing.T) {
	_, err := Load("testdata/bad_rule.yaml")
	if err == nil || !strings.HasPrefix(err.Error(), "testdata/bad_rule.yaml:9: ") {
		t.Fatalf("error %v, want it to start with testdata/bad_rule.yaml:9:", err)
	}
	if _, err := Load("testdata/missing.yaml"); err == nil {
		t.Fatal("loading a missing file succeeded")
	}
}

func TestParseDefaults(t *testing.T) {
	p := mustParse(t, "rules: []\n")
	if p.Mode != ModeEnforce || p.Default != action.Recommend {
		t.Errorf("mode %s default %s, want enforce, recommend", p.Mode, p.Default)
	}
	if p.Limits.PerIncident != DefaultPerIncident || p.Limits.PerHour != DefaultPerHour || p.Limits.EvalCost != DefaultEvalCost {
		t.Errorf("limits %+v, want the defaults", p.Limits)
	}
}

func TestDefaultPolicy(t *testing.T) {
	p := Default()
	if len(p.Rules) == 0 || p.Mode != ModeEnforce {
		t.Fatalf("default policy: %d rules, mode %s", len(p.Rules), p.Mode)
	}
	g, err := New(Config{}, Deps{Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name  string
		a     *action.Action
		asset Asset
		c     Context
		want  action.Decision
		state action.State
		rule  string
	}{
		{"notify", act(action.NotifySlack, "i1"), Asset{}, high, action.Autonomous, action.Approved, "notify"},
		{"break glass", act(action.HostIsolate, "i1"), Asset{Tags: []string{"break-glass"}}, high, action.Deny, action.Denied, "never-touch-break-glass"},
		{"crown jewel", act(action.HostIsolate, "i1"), Asset{CrownJewel: true}, high, action.Approve, action.Pending, "crown-jewels-need-a-person"},
		{"weak evidence", act(action.HostIsolate, "i1"), Asset{Tier: "workstation"}, Context{Severity: "high", Confidence: 0.3}, action.Recommend, action.Recommended, "weak-evidence"},
		{"workstation isolation starts in shadow", act(action.HostIsolate, "i1"), Asset{Tier: "workstation", Criticality: 2}, high, action.Autonomous, action.Shadow, "isolate-workstations"},
		{"server in office hours", act(action.HostIsolate, "i1"), Asset{Tier: "server", Criticality: 4}, high, action.Approve, action.Pending, "servers-in-business-hours"},
		{"medium confidence", act(action.HostBlockIP, "i1"), Asset{}, Context{Severity: "medium", Confidence: 0.6}, action.Approve, action.Pending, "contain-with-approval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := g.Decide(ctx, tt.a, tt.asset, tt.c)
			if d.Decision != tt.want || d.State != tt.state || d.Rule != tt.rule {
				t.Errorf("got %s/%s by %q, want %s/%s by %q (%s)", d.Decision, d.State, d.Rule, tt.want, tt.state, tt.rule, d.Explain())
			}
		})
	}
	if src := DefaultSource(); !strings.Contains(string(src), "rules:") {
		t.Error("DefaultSource does not hold the policy text")
	}
}

func TestFirstMatchWins(t *testing.T) {
	g := newGuard(t, `
default: deny
rules:
  - {name: a, when: "action.kind == 'host.block_ip'", decision: recommend}
  - {name: b, when: "true", decision: autonomous}
  - {name: c, when: "true", decision: approve}
`, newClock())
	ctx := context.Background()
	if d := g.Decide(ctx, act(action.HostBlockIP, "i"), Asset{}, high); d.Rule != "a" || d.Decision != action.Recommend {
		t.Errorf("got %s by %q, want recommend by a", d.Decision, d.Rule)
	}
	if d := g.Decide(ctx, act(action.HostIsolate, "i"), Asset{}, high); d.Rule != "b" || d.Decision != action.Autonomous {
		t.Errorf("got %s by %q, want autonomous by b", d.Decision, d.Rule)
	}
	g = newGuard(t, "default: deny\nrules: []\n", newClock())
	if d := g.Decide(ctx, act(action.HostIsolate, "i"), Asset{}, high); d.Rule != "" || d.Decision != action.Deny || d.State != action.Denied {
		t.Errorf("got %s/%s by %q, want the default deny", d.Decision, d.State, d.Rule)
	}
}
