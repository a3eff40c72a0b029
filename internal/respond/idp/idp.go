// Package idp is the response connector for identity providers: Okta and
// Microsoft Entra ID. It suspends a user (Okta lifecycle suspend, Entra
// accountEnabled=false; undone exactly) and revokes a user's sessions
// (Okta clears sessions and OAuth tokens, Entra revokes sign-in sessions
// and refresh tokens; not reversible).
//
// It speaks each provider's REST API with net/http: Okta with an SSWS API
// token, Microsoft Graph with a bearer token from the client-credentials
// flow. Which provider an action goes to is read from its target
// (principal okta:<id> or entra:<object id>) or its idp parameter; a bare
// login goes to the only provider configured, and is refused when both
// are.
package idp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond"
)

// Config configures the connector: at least one provider.
type Config struct {
	Okta  *OktaConfig  // nil: no Okta
	Entra *EntraConfig // nil: no Entra ID
}

// Deps are the connector's collaborators.
type Deps struct {
	HTTP   *http.Client     // nil: a client with a 15 s timeout
	Logger *slog.Logger     // nil: discard
	Now    func() time.Time // nil: time.Now
}

// Connector serves idp.suspend_user and idp.revoke_sessions. It is safe
// for concurrent use.
type Connector struct {
	providers map[string]provider
	log       *slog.Logger
	now       func() time.Time

	mu sync.Mutex
	// cleared holds the Okta session clears this process saw succeed:
	// Okta offers no read of a user's sessions to verify against.
	cleared map[event.ID]bool
}

var _ respond.Connector = (*Connector)(nil)

// provider is one identity provider's user API.
type provider interface {
	// lookup resolves an id or login to the user and its state.
	lookup(ctx context.Context, ref string) (user, error)
	suspend(ctx context.Context, id string) error
	unsuspend(ctx context.Context, id string) error
	revoke(ctx context.Context, id string) error
}

// user is a user's state as a provider reports it.
type user struct {
	ID        string `json:"id"`
	Login     string `json:"login,omitempty"`
	Status    string `json:"status"` // the provider's word: ACTIVE, SUSPENDED, enabled, disabled
	Suspended bool   `json:"suspended"`
	// SessionsValidFrom is when sessions were last revoked (Entra's
	// signInSessionsValidFromDateTime); zero where the provider does not
	// say (Okta).
	SessionsValidFrom time.Time `json:"sessions_valid_from,omitzero"`
}

// capture is what Capture records for both kinds.
type capture struct {
	IdP  string `json:"idp"`
	User user   `json:"user"`
}

// New returns a connector for the configured providers.
func New(cfg Config, deps Deps) (*Connector, error) {
	if deps.HTTP == nil {
		deps.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	c := &Connector{providers: map[string]provider{}, log: deps.Logger, now: deps.Now, cleared: map[event.ID]bool{}}
	if cfg.Okta != nil {
		p, err := newOkta(*cfg.Okta, deps.HTTP)
		if err != nil {
			return nil, fmt.Errorf("creating IdP connector: %w", err)
		}
		c.providers[Okta] = p
	}
	if cfg.Entra != nil {
		p, err := newEntra(*cfg.Entra, deps.HTTP, deps.Now)
		if err != nil {
			return nil, fmt.Errorf("creating IdP connector: %w", err)
		}
		c.providers[Entra] = p
	}
	if len(c.providers) == 0 {
		return nil, errors.New("creating IdP connector: no provider configured")
	}
	return c, nil
}

// Kinds implements respond.Connector.
func (c *Connector) Kinds() []action.Kind {
	return []action.Kind{action.IdPSuspendUser, action.IdPRevokeSessions}
}

// Fidelity says how completely an action of kind k is undone: suspension
// exactly, session revocation not at all.
func (c *Connector) Fidelity(k action.Kind) action.Fidelity {
	if k == action.IdPSuspendUser {
		return action.Exact
	}
	return action.None
}

// Capture implements respond.Connector: the user's id and state.
func (c *Connector) Capture(ctx context.Context, a *action.Action) ([]byte, error) {
	name, _, u, err := c.resolve(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("capturing %s: %w", a.Kind, err)
	}
	return json.Marshal(capture{IdP: name, User: u})
}

// Apply implements respond.Connector.
func (c *Connector) Apply(ctx context.Context, a *action.Action) error {
	name, p, u, err := c.resolve(ctx, a)
	if err != nil {
		return fmt.Errorf("applying %s: %w", a.Kind, err)
	}
	switch {
	case a.Kind == action.IdPRevokeSessions:
		err = p.revoke(ctx, u.ID)
	case !u.Suspended:
		err = p.suspend(ctx, u.ID)
	}
	if err != nil {
		return fmt.Errorf("applying %s to %s user %s: %w", a.Kind, name, u.ID, err)
	}
	if a.Kind == action.IdPRevokeSessions && name == Okta {
		c.mu.Lock()
		c.cleared[a.ID] = true
		c.mu.Unlock()
	}
	c.log.Info("applied", "kind", a.Kind, "action", a.ID.String(), "idp", name, "user", u.ID)
	return nil
}

// Verify implements respond.Connector. Okta has no read of a user's
// sessions, so a revocation there holds when this process had the clear
// answered 204; after a restart it is unknown, Verify fails and the
// executor clears again (which is harmless).
func (c *Connector) Verify(ctx context.Context, a *action.Action) error {
	name, _, u, err := c.resolve(ctx, a)
	if err != nil {
		return fmt.Errorf("verifying %s: %w", a.Kind, err)
	}
	if a.Kind == action.IdPSuspendUser {
		if !u.Suspended {
			return fmt.Errorf("verifying %s: %s user %s is %s", a.Kind, name, u.ID, u.Status)
		}
		return nil
	}
	if name == Okta {
		c.mu.Lock()
		done := c.cleared[a.ID]
		c.mu.Unlock()
		if !done {
			return fmt.Errorf("verifying %s: no session clear of okta user %s recorded by this process", a.Kind, u.ID)
		}
		return nil
	}
	var before capture
	if err := json.Unmarshal(a.Captured, &before); err != nil {
		return fmt.Errorf("verifying %s: decoding captured state: %w", a.Kind, err)
	}
	if !u.SessionsValidFrom.After(before.User.SessionsValidFrom) {
		return fmt.Errorf("verifying %s: sessions of %s are valid from %s, as before", a.Kind, u.ID, u.SessionsValidFrom.Format(time.RFC3339))
	}
	return nil
}

// Undo implements respond.Connector: a suspended user that was not
// suspended before is unsuspended. Revoked sessions cannot come back.
func (c *Connector) Undo(ctx context.Context, a *action.Action, captured []byte) error {
	if a.Kind == action.IdPRevokeSessions {
		return respond.ErrIrreversible
	}
	if a.Kind != action.IdPSuspendUser {
		return fmt.Errorf("kind %s is not served by the IdP connector", a.Kind)
	}
	var before capture
	if len(captured) == 0 {
		return fmt.Errorf("undoing %s: no captured state", a.Kind)
	}
	if err := json.Unmarshal(captured, &before); err != nil {
		return fmt.Errorf("undoing %s: decoding captured state: %w", a.Kind, err)
	}
	name, p, u, err := c.resolve(ctx, a)
	if err != nil {
		return fmt.Errorf("undoing %s: %w", a.Kind, err)
	}
	if before.IdP != name || before.User.ID != u.ID {
		return fmt.Errorf("undoing %s: captured state is for %s user %s, not %s user %s", a.Kind, before.IdP, before.User.ID, name, u.ID)
	}
	if before.User.Suspended || !u.Suspended {
		return nil
	}
	if err := p.unsuspend(ctx, u.ID); err != nil {
		return fmt.Errorf("undoing %s of %s user %s: %w", a.Kind, name, u.ID, err)
	}
	c.log.Info("undone", "kind", a.Kind, "action", a.ID.String(), "idp", name, "user", u.ID)
	return nil
}

// resolve finds the provider and the user an action names, and reads the
// user's state.
func (c *Connector) resolve(ctx context.Context, a *action.Action) (string, provider, user, error) {
	if a.Kind != action.IdPSuspendUser && a.Kind != action.IdPRevokeSessions {
		return "", nil, user{}, fmt.Errorf("kind %s is not served by the IdP connector", a.Kind)
	}
	name, ref, err := c.target(a)
	if err != nil {
		return "", nil, user{}, err
	}
	p := c.providers[name]
	u, err := p.lookup(ctx, ref)
	if err != nil {
		return "", nil, user{}, fmt.Errorf("looking up %s user %s: %w", name, ref, err)
	}
	return name, p, u, nil
}
