// Package notify is the response connector that tells people and other
// systems about an action: notify.webhook POSTs a JSON summary signed with
// HMAC-SHA256 (receivers check it with Verify), notify.slack posts a
// message to a Slack incoming webhook.
//
// A notification cannot be taken back (fidelity none). Destinations come
// from configuration only, never from the action. Each delivery carries
// the action id, so a receiver can drop the duplicate that a crash between
// sending and recording may cause.
package notify

import (
	"context"
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

// Config configures the destinations; kinds without one are not served.
type Config struct {
	Webhook *WebhookConfig
	Slack   *SlackConfig
}

// Deps are the connector's collaborators.
type Deps struct {
	HTTP   *http.Client     // nil: a client with a 10 s timeout
	Logger *slog.Logger     // nil: discard
	Now    func() time.Time // nil: time.Now
}

// Action parameters the connector reads.
const (
	ParamSummary  = "summary"  // the message; the reason's why when absent
	ParamSeverity = "severity" // free text: low, medium, high, critical
)

// Connector serves notify.webhook and notify.slack. It is safe for
// concurrent use.
type Connector struct {
	webhook *webhook
	slack   *slack
	http    *http.Client
	log     *slog.Logger
	now     func() time.Time

	mu        sync.Mutex
	delivered map[deliveryKey]time.Time
}

type deliveryKey struct {
	kind action.Kind
	id   event.ID
}

var _ respond.Connector = (*Connector)(nil)

// New returns a connector for the configured destinations.
func New(cfg Config, deps Deps) (*Connector, error) {
	if deps.HTTP == nil {
		deps.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	c := &Connector{http: deps.HTTP, log: deps.Logger, now: deps.Now, delivered: map[deliveryKey]time.Time{}}
	var err error
	if cfg.Webhook != nil {
		if c.webhook, err = newWebhook(*cfg.Webhook); err != nil {
			return nil, fmt.Errorf("creating notify connector: %w", err)
		}
	}
	if cfg.Slack != nil {
		if c.slack, err = newSlack(*cfg.Slack); err != nil {
			return nil, fmt.Errorf("creating notify connector: %w", err)
		}
	}
	if c.webhook == nil && c.slack == nil {
		return nil, errors.New("creating notify connector: no destination configured")
	}
	return c, nil
}

// Kinds implements respond.Connector: the kinds with a destination.
func (c *Connector) Kinds() []action.Kind {
	var ks []action.Kind
	if c.webhook != nil {
		ks = append(ks, action.NotifyWebhook)
	}
	if c.slack != nil {
		ks = append(ks, action.NotifySlack)
	}
	return ks
}

// Fidelity is none for every kind: a message cannot be unsent.
func (c *Connector) Fidelity(action.Kind) action.Fidelity { return action.None }

// Capture implements respond.Connector. Sending changes nothing that could
// be restored, so there is nothing to record.
func (c *Connector) Capture(_ context.Context, a *action.Action) ([]byte, error) {
	if err := c.served(a.Kind); err != nil {
		return nil, fmt.Errorf("capturing %s: %w", a.Kind, err)
	}
	return nil, nil
}

// Apply implements respond.Connector: it sends the notification unless
// this process already delivered it.
func (c *Connector) Apply(ctx context.Context, a *action.Action) error {
	if err := c.served(a.Kind); err != nil {
		return fmt.Errorf("applying %s: %w", a.Kind, err)
	}
	key := deliveryKey{a.Kind, a.ID}
	c.mu.Lock()
	_, done := c.delivered[key]
	c.mu.Unlock()
	if done {
		return nil
	}
	p := NewPayload(a, c.now())
	var err error
	if a.Kind == action.NotifyWebhook {
		err = c.webhook.send(ctx, c.http, p)
	} else {
		err = c.slack.send(ctx, c.http, p)
	}
	if err != nil {
		return fmt.Errorf("applying %s: %w", a.Kind, err)
	}
	c.mu.Lock()
	c.delivered[key] = p.SentAt
	c.mu.Unlock()
	c.log.Info("notified", "kind", a.Kind, "action", a.ID.String(), "incident", a.Reason.Incident.String())
	return nil
}

// Verify implements respond.Connector: it holds when this process had the
// delivery acknowledged. After a restart nothing is known, Verify fails,
// and the executor sends again (receivers deduplicate by delivery id).
func (c *Connector) Verify(_ context.Context, a *action.Action) error {
	c.mu.Lock()
	_, done := c.delivered[deliveryKey{a.Kind, a.ID}]
	c.mu.Unlock()
	if !done {
		return fmt.Errorf("verifying %s: no acknowledged delivery of %s", a.Kind, a.ID.String())
	}
	return nil
}

// Undo implements respond.Connector: a message cannot be unsent.
func (c *Connector) Undo(context.Context, *action.Action, []byte) error {
	return respond.ErrIrreversible
}

func (c *Connector) served(k action.Kind) error {
	switch {
	case k == action.NotifyWebhook && c.webhook != nil, k == action.NotifySlack && c.slack != nil:
		return nil
	}
	return fmt.Errorf("kind %s has no destination configured", k)
}

// Payload is the JSON body of a webhook delivery, version 1.
type Payload struct {
	Version int `json:"version"`
	// Delivery is the action id: the same on every retry.
	Delivery string            `json:"delivery"`
	Kind     action.Kind       `json:"kind"`
	Incident string            `json:"incident"`
	Target   event.Entity      `json:"target"`
	Summary  string            `json:"summary"`
	Severity string            `json:"severity,omitempty"`
	Decision action.Decision   `json:"decision,omitempty"`
	Reason   action.Reason     `json:"reason"`
	Params   map[string]string `json:"params,omitempty"`
	SentAt   time.Time         `json:"sent_at"`
}

// NewPayload summarizes an action for a notification sent at now.
func NewPayload(a *action.Action, now time.Time) Payload {
	summary := a.Params[ParamSummary]
	if summary == "" {
		summary = a.Reason.Why
	}
	return Payload{
		Version: 1, Delivery: a.ID.String(), Kind: a.Kind, Incident: a.Reason.Incident.String(),
		Target: a.Target, Summary: summary, Severity: a.Params[ParamSeverity], Decision: a.Decision,
		Reason: a.Reason, Params: a.Params, SentAt: now.UTC().Truncate(time.Second),
	}
}
