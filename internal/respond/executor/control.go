package executor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond"
)

// lockFor finds an action a person acts on and locks it; the caller
// unlocks. verb names the act in errors ("approving").
func (e *Executor) lockFor(verb string, id event.ID, user string) (*entry, error) {
	if user == "" {
		return nil, fmt.Errorf("%s action %s: no user", verb, id)
	}
	en, err := e.entry(id)
	if err != nil {
		return nil, err
	}
	en.mu.Lock()
	return en, nil
}

// Approve lets a pending action run, on behalf of user, and carries it to
// verified. Only pending actions can be approved, and not in monitor mode
// (there are none: monitor mode ends every action in shadow).
func (e *Executor) Approve(ctx context.Context, id event.ID, user string) (action.Action, error) {
	en, err := e.lockFor("approving", id, user)
	if err != nil {
		return action.Action{}, err
	}
	defer en.mu.Unlock()
	a := &en.rec.Action
	if a.State != action.Pending {
		return clone(*a), fmt.Errorf("approving action %s in state %s: %w", id, a.State, ErrState)
	}
	a.State, en.rec.ApprovedBy = action.Approved, user
	if err := e.step(en, "approved", user, "approved by "+user); err != nil {
		return clone(*a), err
	}
	a.State = action.Applying
	if err := e.step(en, "applying", user, a.Why); err != nil {
		return clone(*a), err
	}
	err = e.run(ctx, en, false)
	return clone(*a), err
}

// Reject refuses a pending action on behalf of user: it ends denied.
func (e *Executor) Reject(id event.ID, user, why string) (action.Action, error) {
	en, err := e.lockFor("rejecting", id, user)
	if err != nil {
		return action.Action{}, err
	}
	defer en.mu.Unlock()
	a := &en.rec.Action
	if a.State != action.Pending {
		return clone(*a), fmt.Errorf("rejecting action %s in state %s: %w", id, a.State, ErrState)
	}
	a.State = action.Denied
	err = e.step(en, "rejected", user, why)
	return clone(*a), err
}

// Confirm keeps an applied action on behalf of user: its TTL no longer
// undoes it.
func (e *Executor) Confirm(id event.ID, user string) (action.Action, error) {
	en, err := e.lockFor("confirming", id, user)
	if err != nil {
		return action.Action{}, err
	}
	defer en.mu.Unlock()
	a := &en.rec.Action
	if a.State != action.Applied && a.State != action.Verified {
		return clone(*a), fmt.Errorf("confirming action %s in state %s: %w", id, a.State, ErrState)
	}
	if a.Confirmed {
		return clone(*a), nil
	}
	a.Confirmed, en.rec.ConfirmedBy = true, user
	err = e.step(en, "confirmed", user, "kept by "+user+"; the TTL no longer applies")
	return clone(*a), err
}

// Undo restores an applied action's captured state on behalf of user. An
// action of fidelity none returns respond.ErrIrreversible and stays as it
// is. A failed action whose capture was taken can be undone too, to clear
// a partial effect. When the connector fails the action keeps its state
// and the error, so that Undo (or the next Tick) can try again.
func (e *Executor) Undo(ctx context.Context, id event.ID, user string) (action.Action, error) {
	en, err := e.lockFor("undoing", id, user)
	if err != nil {
		return action.Action{}, err
	}
	defer en.mu.Unlock()
	a := &en.rec.Action
	switch {
	case a.State == action.Applied, a.State == action.Verified, a.State == action.Undoing:
	case a.State == action.Failed && en.rec.CaptureDone:
	default:
		return clone(*a), fmt.Errorf("undoing action %s in state %s: %w", id, a.State, ErrState)
	}
	if a.Fidelity == action.None {
		return clone(*a), fmt.Errorf("undoing action %s: %w", id, respond.ErrIrreversible)
	}
	err = e.undo(ctx, en, user)
	return clone(*a), err
}

// undo runs the connector's Undo. The entry's lock is held.
func (e *Executor) undo(ctx context.Context, en *entry, user string) error {
	a := &en.rec.Action
	conn, ok := e.deps.Connectors.Connector(a.Kind)
	if !ok {
		return fmt.Errorf("undoing action %s: kind %s: %w", a.ID, a.Kind, ErrNoConnector)
	}
	if a.State != action.Undoing {
		en.rec.UndoFrom, en.rec.UndoBy = a.State, user
		a.State = action.Undoing
		if err := e.step(en, "undoing", user, "undo asked by "+user); err != nil {
			return err
		}
	}
	if err := conn.Undo(ctx, a, a.Captured); err != nil {
		err = fmt.Errorf("undoing action %s: %w", a.ID, err)
		if ctx.Err() != nil {
			return err // left in undoing, for Resume
		}
		a.State, a.Error = en.rec.UndoFrom, err.Error()
		if serr := e.step(en, "undo_failed", user, a.Error); serr != nil {
			return errors.Join(err, serr)
		}
		return err
	}
	a.State, a.Undone, a.Error = action.Undone, e.deps.Now(), ""
	return e.step(en, "undone", user, "captured state restored")
}

// Tick undoes every applied or verified action whose TTL has expired at
// now and that nobody confirmed. Irreversible actions are left alone. It
// returns the undo errors, joined; actions whose undo failed are tried
// again at the next Tick.
func (e *Executor) Tick(ctx context.Context, now time.Time) error {
	var errs []error
	for _, en := range e.entries() {
		en.mu.Lock()
		a := &en.rec.Action
		due := (a.State == action.Applied || a.State == action.Verified) &&
			a.TTL > 0 && !a.Confirmed && a.Fidelity != action.None &&
			!now.Before(a.Applied.Add(a.TTL))
		var err error
		if due {
			err = e.undo(ctx, en, ActorTTL)
		}
		en.mu.Unlock()
		if err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}
