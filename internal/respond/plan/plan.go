// Package plan chooses how to contain an incident: the least disruptive
// set of response actions that cuts every attacker path from the
// footholds (root cause, compromised and attacker nodes) to what matters
// (crown jewels from the inventory, the incident's data and targets, and
// the compromised hosts themselves), and that evicts the footholds no cut
// reaches. The choice is a minimum-cost cut in a flow network built from
// the incident graph, where each candidate action is a capacity priced by
// its disruption: the asset's criticality, the kind of action, the users
// it affects, and a penalty for actions that cannot be undone.
//
// Plan is a pure function of the incident, the inventory and the
// configuration: the same input gives the same plan, with the same action
// ids. It proposes; the guard decides. It never proposes a disruptive
// action on an asset the inventory protects, and says so in the
// alternatives of a notification to the asset's owner instead. Entity ids
// are carried as inert data: nothing in them is interpreted beyond the
// prefixes docs/event-model.md defines.
package plan

import (
	"net/netip"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/respond/inventory"
)

// Config tunes the planner. The zero value uses the defaults documented
// on each field.
type Config struct {
	// Costs replaces the base disruption of kinds (before the criticality
	// weight, the spread over users and the fidelity penalty). The
	// defaults are in docs/response-planning.md.
	Costs map[action.Kind]float64
	// LossyPenalty and IrreversiblePenalty are added to the cost of
	// actions of fidelity lossy and none: 5 and 20 by default, so that a
	// reversible action is preferred at equal disruption.
	LossyPenalty        float64
	IrreversiblePenalty float64
	// TTL replaces the default TTL of kinds (docs/response-planning.md).
	TTL map[action.Kind]time.Duration
	// Trusted reports whether an event comes from an authenticated
	// source (not forgeable syslog). Nil trusts nothing.
	Trusted func(event.ID) bool
	// Internal lists address ranges to treat as internal beside the
	// private, loopback, link-local and shared (CGNAT) ranges.
	Internal []netip.Prefix
	// Unkillable adds process image names (lower case, base name) to the
	// built-in list of processes never killed (lsass.exe, csrss.exe, ...).
	Unkillable []string
	// Notify is the kind of the notification proposed for a protected
	// asset; notify.webhook by default.
	Notify action.Kind
	// MinRootCause is the confidence below which a root-cause candidate
	// other than the first is not treated as a foothold; 0.25 by default.
	MinRootCause float64
	// MaxAlternatives bounds the alternatives listed per action; 6 by
	// default.
	MaxAlternatives int
}

func (c Config) withDefaults() Config {
	if c.LossyPenalty == 0 {
		c.LossyPenalty = 5
	}
	if c.IrreversiblePenalty == 0 {
		c.IrreversiblePenalty = 20
	}
	if c.Notify == "" {
		c.Notify = action.NotifyWebhook
	}
	if c.MinRootCause == 0 {
		c.MinRootCause = 0.25
	}
	if c.MaxAlternatives == 0 {
		c.MaxAlternatives = 6
	}
	return c
}

// Plan returns the containment plan for an incident. inv may be nil: every
// asset then has the default criticality and nothing is protected or a
// crown jewel beyond the incident's own data and targets.
func Plan(inc incident.Incident, inv *inventory.Inventory, cfg Config) action.Plan {
	p := newPlanner(&inc, inv, cfg.withDefaults())
	p.solve()
	p.evict()
	return p.result()
}

// newPlanner indexes the incident and builds the flow network.
func newPlanner(inc *incident.Incident, inv *inventory.Inventory, cfg Config) *planner {
	p := &planner{inc: inc, inv: inv, cfg: cfg, byID: map[string]int{}}
	p.index()
	p.markFootholds()
	p.buildUnits()
	p.buildNetwork()
	return p
}
