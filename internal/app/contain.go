package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/respond/audit"
	"github.com/causeway-soc/causeway/internal/respond/executor"
	"github.com/causeway-soc/causeway/internal/respond/guard"
	"github.com/causeway-soc/causeway/internal/respond/inventory"
	"github.com/causeway-soc/causeway/internal/respond/plan"
)

// RespondConfig says whether and how `investigate` contains what it finds.
type RespondConfig struct {
	// Mode is "" (no response), "plan" (plan and decide, apply nothing),
	// "monitor" (record what would be done, as shadow actions) or
	// "enforce" (apply what policy allows).
	Mode      string
	Policy    string // policy file; "" is the built-in policy
	Inventory string // asset inventory file; "" treats every asset alike
	State     string // directory for action records, the audit log and the guard's counters
	Agents    string // file naming the host agents (enforce)
	// MinSeverity is the least severe incident that gets a containment
	// plan; "" is medium. Low and informational incidents are for triage.
	MinSeverity string
}

// untrustedFormats are sources anyone on the network can forge.
var untrustedFormats = map[string]bool{"syslog": true, "syslog-table": true}

// contain plans the containment of each incident, asks the guard, and in
// monitor and enforce mode hands the actions to the executor.
func contain(ctx context.Context, cfg RespondConfig, deps Deps, a *Analysis) ([]action.Plan, error) {
	switch cfg.Mode {
	case "":
		return nil, nil
	case "plan", "monitor", "enforce":
	default:
		return nil, fmt.Errorf("unknown response mode %q: want plan, monitor or enforce", cfg.Mode)
	}
	inv, g, ledgerPath, err := responders(cfg, deps)
	if err != nil {
		return nil, err
	}
	pcfg := plan.Config{Trusted: func(id event.ID) bool {
		ev := a.Lookup(id)
		return ev != nil && !untrustedFormats[ev.Source.Format]
	}}
	floor := cmp.Or(cfg.MinSeverity, "medium")
	if finding.LevelRank(floor) == 0 {
		return nil, fmt.Errorf("unknown severity %q: want informational, low, medium, high or critical", floor)
	}
	var plans []action.Plan
	for _, inc := range a.Incidents() {
		if finding.LevelRank(inc.Severity) < finding.LevelRank(floor) {
			continue
		}
		p := plan.Plan(inc, inv, pcfg)
		for i := range p.Actions {
			act := &p.Actions[i]
			asset := inv.Lookup(act.Target)
			d := g.Decide(ctx, act, guard.Asset{
				Criticality: asset.Criticality, Owner: asset.Owner, Protected: asset.Protected,
				Tags: asset.Tags, Tier: asset.Tier, CrownJewel: asset.CrownJewel,
			}, guard.Context{Severity: inc.Severity, Confidence: incidentConfidence(inc)})
			d.Stamp(act)
		}
		plans = append(plans, p)
	}
	if cfg.Mode == "plan" {
		return plans, nil
	}
	ex, closeEx, err := openExecutor(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	defer closeEx()
	for i := range plans {
		done, err := ex.Execute(ctx, &plans[i])
		if err != nil {
			return plans, fmt.Errorf("executing the plan of incident %s: %w", plans[i].Incident, err)
		}
		plans[i].Actions = done
	}
	return plans, saveLedger(ledgerPath, g)
}

// incidentConfidence is how sure Causeway is that an incident is an
// attack: from the level of its strongest detection, a little more when it
// spans several kill-chain stages, as the guard's policies read it.
func incidentConfidence(inc incident.Incident) float64 {
	c := map[string]float64{"critical": 0.95, "high": 0.85, "medium": 0.6, "low": 0.4}[inc.Severity]
	if len(inc.Stages) >= 3 {
		c += 0.05
	}
	return min(c, 0.99)
}

// responders loads the inventory and the policy, and the guard's counters
// from the state directory when there is one.
func responders(cfg RespondConfig, deps Deps) (*inventory.Inventory, *guard.Guard, string, error) {
	var inv *inventory.Inventory
	if cfg.Inventory != "" {
		var err error
		if inv, err = inventory.Load(cfg.Inventory); err != nil {
			return nil, nil, "", err
		}
	}
	var pol *guard.Policy
	if cfg.Policy != "" {
		var err error
		if pol, err = guard.Load(cfg.Policy); err != nil {
			return nil, nil, "", err
		}
	}
	ledger := &guard.Ledger{}
	var ledgerPath string
	if cfg.Mode != "plan" {
		if cfg.State == "" {
			return nil, nil, "", errors.New("--respond monitor and enforce need --state DIR to keep the actions and the audit log")
		}
		ledgerPath = filepath.Join(cfg.State, "guard.json")
		if data, err := os.ReadFile(ledgerPath); err == nil {
			if err := json.Unmarshal(data, ledger); err != nil {
				return nil, nil, "", fmt.Errorf("reading %s: %w", ledgerPath, err)
			}
		}
	}
	g, err := guard.New(guard.Config{Policy: pol}, guard.Deps{Ledger: ledger, Now: deps.Now, Logger: deps.Logger})
	if err != nil {
		return nil, nil, "", err
	}
	return inv, g, ledgerPath, nil
}

func saveLedger(path string, g *guard.Guard) error {
	if path == "" {
		return nil
	}
	data, err := json.Marshal(g.Ledger())
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// openExecutor opens the executor over the state directory with its audit
// log, and the connectors enforce mode needs. In enforce mode it first
// finishes or reconciles what a crash left in flight.
func openExecutor(ctx context.Context, cfg RespondConfig, deps Deps) (*executor.Executor, func(), error) {
	if err := os.MkdirAll(cfg.State, 0o700); err != nil {
		return nil, nil, fmt.Errorf("creating state directory: %w", err)
	}
	log, err := audit.Open(audit.Config{Path: filepath.Join(cfg.State, "audit.jsonl")}, audit.Deps{Now: deps.Now, Logger: deps.Logger})
	if err != nil {
		return nil, nil, err
	}
	var reg executor.Connectors
	if cfg.Mode == "enforce" {
		if reg, err = connectors(cfg, deps); err != nil {
			log.Close()
			return nil, nil, err
		}
	}
	ex, err := executor.New(executor.Config{Dir: filepath.Join(cfg.State, "actions"), Monitor: cfg.Mode == "monitor"},
		executor.Deps{Connectors: reg, Recorder: auditRecorder{log}, Logger: deps.Logger, Now: deps.Now})
	if err != nil {
		log.Close()
		return nil, nil, err
	}
	if cfg.Mode == "enforce" {
		if err := ex.Resume(ctx); err != nil && deps.Stderr != nil {
			fmt.Fprintln(deps.Stderr, "causeway: resuming actions left in flight:", err) // they stay failed and audited
		}
	}
	return ex, func() { log.Close() }, nil
}

// auditRecorder writes the executor's steps to the audit log.
type auditRecorder struct{ log *audit.Log }

func (r auditRecorder) Record(step string, a *action.Action, actor, why string) error {
	_, err := r.log.Append(audit.Entry{Kind: auditKind(step), Action: a.ID, Incident: a.Reason.Incident, Actor: actor, Why: why,
		Data: map[string]any{"step": step, "kind": a.Kind, "target": a.Target.ID, "decision": a.Decision, "state": a.State}})
	return err
}

// auditKind maps an executor step to the audit record kind.
func auditKind(step string) audit.Kind {
	switch step {
	case "planned":
		return audit.KindPlan
	case "approved", "confirmed":
		return audit.KindApproval
	case "rejected", "denied":
		return audit.KindDenial
	case "applying", "applied", "captured":
		return audit.KindApply
	case "verified":
		return audit.KindVerify
	case "undoing", "undone":
		return audit.KindUndo
	case "failed", "undo_failed":
		return audit.KindError
	}
	return audit.KindDecision // pending, recommended, shadow
}
