package executor

import (
	"context"
	"errors"
	"fmt"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// decide moves a planned action to where its decision sends it. The
// entry's lock is held.
func (e *Executor) decide(ctx context.Context, en *entry) error {
	a := &en.rec.Action
	if e.cfg.Monitor {
		a.State = action.Shadow
		return e.step(en, "shadow", ActorExecutor, fmt.Sprintf("monitor mode: the decision was %s (%s)", a.Decision, a.Why))
	}
	switch a.Decision {
	case action.Autonomous:
		a.State = action.Applying
		if err := e.step(en, "applying", ActorExecutor, a.Why); err != nil {
			return err
		}
		return e.run(ctx, en, false)
	case action.Approve:
		a.State = action.Pending
		return e.step(en, "pending", ActorExecutor, a.Why)
	case action.Recommend:
		a.State = action.Recommended
		return e.step(en, "recommended", ActorExecutor, a.Why)
	default:
		a.State = action.Denied
		return e.step(en, "denied", ActorExecutor, a.Why)
	}
}

// run carries an action in applying (or applied, after a crash) to
// verified. Capture happens once: its result is on disk before Apply is
// ever called. When resumed is set and the capture is on disk, Apply may
// or may not have run, so Verify decides first: an effect already in
// place is not applied again. The entry's lock is held.
func (e *Executor) run(ctx context.Context, en *entry, resumed bool) error {
	a := &en.rec.Action
	conn, ok := e.deps.Connectors.Connector(a.Kind)
	if !ok {
		return e.fail(ctx, en, "applying", fmt.Errorf("kind %s: %w", a.Kind, ErrNoConnector))
	}
	if a.State == action.Applying && !en.rec.CaptureDone {
		data, err := conn.Capture(ctx, a)
		if err != nil {
			return e.fail(ctx, en, "capturing", err)
		}
		a.Captured, en.rec.CaptureDone = data, true
		if err := e.step(en, "captured", ActorExecutor, "state before apply recorded"); err != nil {
			return err
		}
	} else if resumed {
		if err := conn.Verify(ctx, a); err == nil {
			return e.verified(en, "effect found in place after restart")
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if err := conn.Apply(ctx, a); err != nil {
		return e.fail(ctx, en, "applying", err)
	}
	why := a.Why
	if a.State == action.Applying {
		a.State, a.Applied = action.Applied, e.deps.Now()
	} else {
		why = "applied again after restart: the effect was missing"
	}
	if err := e.step(en, "applied", ActorExecutor, why); err != nil {
		return err
	}
	if err := conn.Verify(ctx, a); err != nil {
		return e.fail(ctx, en, "verifying", err)
	}
	return e.verified(en, "effect read back")
}

func (e *Executor) verified(en *entry, why string) error {
	a := &en.rec.Action
	now := e.deps.Now()
	if a.Applied.IsZero() {
		a.Applied = now
	}
	a.State, a.Verified, a.Error = action.Verified, now, ""
	return e.step(en, "verified", ActorExecutor, why)
}

// fail ends a step in failed and returns the step's error. When the
// context was cancelled the action is left where it was, for Resume: a
// shutdown is not a failure.
func (e *Executor) fail(ctx context.Context, en *entry, what string, err error) error {
	err = fmt.Errorf("%s action %s: %w", what, en.rec.Action.ID, err)
	if ctx.Err() != nil {
		return err
	}
	a := &en.rec.Action
	a.State, a.Error = action.Failed, err.Error()
	if serr := e.step(en, "failed", ActorExecutor, a.Error); serr != nil {
		return errors.Join(err, serr)
	}
	return err
}

// Resume carries on every action a crash or a shutdown left in flight:
// planned ones are decided, approved and applying ones applied (after a
// Verify when the capture was already taken), applied ones verified (and
// applied again, idempotently, if the effect is missing), undoing ones
// undone. It returns the errors of the actions that failed, joined.
func (e *Executor) Resume(ctx context.Context) error {
	var errs []error
	for _, en := range e.entries() {
		if err := e.resume(ctx, en); err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}

func (e *Executor) resume(ctx context.Context, en *entry) error {
	en.mu.Lock()
	defer en.mu.Unlock()
	a := &en.rec.Action
	switch a.State {
	case action.Planned:
		return e.decide(ctx, en)
	case action.Approved:
		a.State = action.Applying
		if err := e.step(en, "applying", en.rec.ApprovedBy, "resumed after restart"); err != nil {
			return err
		}
		return e.run(ctx, en, true)
	case action.Applying, action.Applied:
		return e.run(ctx, en, true)
	case action.Undoing:
		return e.undo(ctx, en, en.rec.UndoBy)
	}
	return nil
}
