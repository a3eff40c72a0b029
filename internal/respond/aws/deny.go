package aws

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// The deny-all policy denies every action on every resource to the user
// or role, whatever else is attached: an explicit Deny always wins.

func (c *Connector) captureDeny(ctx context.Context, a *action.Action) (any, error) {
	p, err := c.principalOf(a, false)
	if err != nil {
		return nil, err
	}
	return c.capturePolicy(ctx, p, c.cfg.DenyPolicy)
}

func (c *Connector) applyDeny(ctx context.Context, a *action.Action) error {
	p, err := c.principalOf(a, false)
	if err != nil {
		return err
	}
	return c.putPolicy(ctx, p, c.cfg.DenyPolicy, denyDoc("CausewayDenyAll", nil))
}

func (c *Connector) verifyDeny(ctx context.Context, a *action.Action) error {
	p, err := c.principalOf(a, false)
	if err != nil {
		return err
	}
	return c.checkPolicy(ctx, p, c.cfg.DenyPolicy, denyDoc("CausewayDenyAll", nil))
}

func (c *Connector) undoDeny(ctx context.Context, a *action.Action, captured []byte) error {
	p, err := c.principalOf(a, false)
	if err != nil {
		return err
	}
	return c.restorePolicy(ctx, p, captured)
}

// Session revocation denies everything to role sessions whose token was
// issued before a cut-off time, as the IAM console's "Revoke active
// sessions" does. Sessions issued later (the legitimate owner signing in
// again) are unaffected. The cut-off is fixed at capture, so applying
// again after a crash writes the same policy.

// revokeCapture adds the cut-off to the policy slot's prior state.
type revokeCapture struct {
	policyCapture
	IssuedBefore time.Time `json:"issued_before"`
}

func revokeDoc(cut time.Time) string {
	return denyDoc("CausewayRevokeOlderSessions", map[string]map[string]string{
		"DateLessThan": {"aws:TokenIssueTime": cut.UTC().Format(time.RFC3339)},
	})
}

// cutoff is the revocation time the capture fixed.
func cutoff(a *action.Action) (time.Time, error) {
	var rc revokeCapture
	if err := decode(a.Captured, &rc); err != nil {
		return time.Time{}, fmt.Errorf("reading the revocation time: %w", err)
	}
	if rc.IssuedBefore.IsZero() {
		return time.Time{}, errors.New("the capture holds no revocation time")
	}
	return rc.IssuedBefore, nil
}

func (c *Connector) captureRevoke(ctx context.Context, a *action.Action) (any, error) {
	p, err := c.principalOf(a, true)
	if err != nil {
		return nil, err
	}
	pc, err := c.capturePolicy(ctx, p, c.cfg.RevokePolicy)
	if err != nil {
		return nil, err
	}
	return revokeCapture{policyCapture: pc, IssuedBefore: c.now().UTC().Truncate(time.Second)}, nil
}

func (c *Connector) applyRevoke(ctx context.Context, a *action.Action) error {
	p, err := c.principalOf(a, true)
	if err != nil {
		return err
	}
	cut, err := cutoff(a)
	if err != nil {
		return err
	}
	return c.putPolicy(ctx, p, c.cfg.RevokePolicy, revokeDoc(cut))
}

func (c *Connector) verifyRevoke(ctx context.Context, a *action.Action) error {
	p, err := c.principalOf(a, true)
	if err != nil {
		return err
	}
	cut, err := cutoff(a)
	if err != nil {
		return err
	}
	return c.checkPolicy(ctx, p, c.cfg.RevokePolicy, revokeDoc(cut))
}

// undoRevoke restores the policy slot. Until SessionMax has passed since
// the cut-off, sessions the policy denied may still be valid (a stolen one
// among them), so undo is refused unless the action accepts the risk.
func (c *Connector) undoRevoke(ctx context.Context, a *action.Action, captured []byte) error {
	p, err := c.principalOf(a, true)
	if err != nil {
		return err
	}
	var rc revokeCapture
	if err := decode(captured, &rc); err != nil {
		return err
	}
	if safe := rc.IssuedBefore.Add(c.cfg.SessionMax); c.now().Before(safe) && a.Params[ParamAcceptSessionRisk] != "true" {
		return fmt.Errorf("role %s until %s (set %s=true to accept): %w",
			p.Name, safe.UTC().Format(time.RFC3339), ParamAcceptSessionRisk, ErrSessionsLive)
	}
	return c.restorePolicy(ctx, p, captured)
}
