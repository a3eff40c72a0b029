// Package respond contains incidents: it plans actions from the attack
// graph, asks the guard what policy allows, applies, verifies and undoes
// them through connectors, and records every step in a tamper-evident
// audit log. Sub-packages hold the planner (plan), the policy guard
// (guard), the asset inventory (inventory), the audit log (audit) and the
// connectors (host, aws, idp, notify).
package respond

import (
	"context"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// Connector carries out actions of some kinds on real systems. Every
// method is idempotent: calling it again after a crash neither repeats an
// effect nor fails because the effect is already there. Implementations
// are safe for concurrent use. Targets come from the action only (entity
// ids and parameters the planner set), never from log text, and nothing
// is passed to a shell.
type Connector interface {
	// Kinds lists the action kinds the connector serves.
	Kinds() []action.Kind
	// Capture records the state Apply will change, for Undo and for the
	// audit log.
	Capture(ctx context.Context, a *action.Action) ([]byte, error)
	// Apply makes the change.
	Apply(ctx context.Context, a *action.Action) error
	// Verify reads the state back and returns nil only when the effect
	// holds.
	Verify(ctx context.Context, a *action.Action) error
	// Undo restores the captured state. Connectors of irreversible kinds
	// return ErrIrreversible.
	Undo(ctx context.Context, a *action.Action, captured []byte) error
}

// ErrIrreversible is returned by Undo for actions of fidelity none.
var ErrIrreversible = irreversible{}

type irreversible struct{}

func (irreversible) Error() string { return "action cannot be undone" }
