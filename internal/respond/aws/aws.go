// Package aws is the response connector for Amazon Web Services: it
// deactivates access keys, attaches a deny-all inline policy to a user or
// role, revokes a role's older sessions, quarantines an EC2 instance in an
// isolation security group (in two steps, so tracked connections are cut
// too), snapshots an instance's volumes as evidence, and blocks public
// access to an S3 bucket.
//
// Every kind captures the state it will change before applying, reads it
// back to verify, and restores the capture on undo; see Fidelity for how
// completely. Targets come from the action's entity and parameters only,
// are checked against AWS's own name patterns, and anything else is
// refused. Credentials are whatever the aws.Config in Deps carries:
// LoadAWSConfig reads them from the environment the way the AWS CLI does.
package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/respond"
)

// Config configures the connector. The zero value works.
type Config struct {
	// Account, when set, is the only AWS account whose ARNs a target may
	// name; an ARN of another account is refused.
	Account string
	// DenyPolicy and RevokePolicy name the inline policies the connector
	// owns (default CausewayDenyAll, CausewayRevokeOlderSessions).
	DenyPolicy, RevokePolicy string
	// IsolationGroup and UntrackGroup name the security groups quarantine
	// finds or creates in the instance's VPC (default causeway-isolation,
	// causeway-untrack).
	IsolationGroup, UntrackGroup string
	// SessionMax is how long a role session issued before a revocation may
	// stay valid; undoing the revocation earlier re-enables stolen sessions
	// and is refused unless the action accepts that risk. Default 12h, the
	// longest session AWS issues for a role.
	SessionMax time.Duration
}

// Deps are the connector's collaborators.
type Deps struct {
	// AWS carries region, credentials, HTTP client and retry policy;
	// BaseEndpoint, when set, sends every call there (tests use the fake).
	AWS    awssdk.Config
	Logger *slog.Logger     // nil: discard
	Now    func() time.Time // nil: time.Now
}

// Connector serves the aws.* action kinds. It is safe for concurrent use.
type Connector struct {
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	iam   *iam.Client
	ec2   *ec2.Client
	s3    *s3.Client
	kinds map[action.Kind]handler
}

var _ respond.Connector = (*Connector)(nil)

// handler carries out one kind. capture returns a value stored as JSON.
type handler struct {
	fidelity action.Fidelity
	capture  func(context.Context, *action.Action) (any, error)
	apply    func(context.Context, *action.Action) error
	verify   func(context.Context, *action.Action) error
	undo     func(context.Context, *action.Action, []byte) error
}

// ErrSessionsLive is returned when undoing a session revocation while
// sessions it denied may still be valid.
var ErrSessionsLive = errors.New("sessions issued before the revocation may still be valid")

// LoadAWSConfig reads region and credentials from the environment, shared
// config files, SSO or the instance role, as the AWS CLI does; region
// overrides AWS_REGION when set. AWS_ENDPOINT_URL is honoured too.
func LoadAWSConfig(ctx context.Context, region string) (awssdk.Config, error) {
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	c, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return awssdk.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	return c, nil
}

// New returns a connector.
func New(cfg Config, deps Deps) (*Connector, error) {
	if deps.AWS.Region == "" {
		return nil, errors.New("creating AWS connector: no region")
	}
	if deps.AWS.Credentials == nil {
		return nil, errors.New("creating AWS connector: no credentials")
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&cfg.DenyPolicy, "CausewayDenyAll")
	def(&cfg.RevokePolicy, "CausewayRevokeOlderSessions")
	def(&cfg.IsolationGroup, "causeway-isolation")
	def(&cfg.UntrackGroup, "causeway-untrack")
	for _, p := range []string{cfg.DenyPolicy, cfg.RevokePolicy} {
		if !policyNameRE.MatchString(p) || strings.HasPrefix(p, "AWS") {
			return nil, fmt.Errorf("creating AWS connector: policy name %q is not one Causeway may own", p)
		}
	}
	if cfg.Account != "" && !accountRE.MatchString(cfg.Account) {
		return nil, fmt.Errorf("creating AWS connector: account %q is not 12 digits", cfg.Account)
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = 12 * time.Hour
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	c := &Connector{
		cfg: cfg, log: deps.Logger, now: deps.Now,
		iam: iam.NewFromConfig(deps.AWS),
		ec2: ec2.NewFromConfig(deps.AWS),
		// Path-style addressing works with every endpoint, the fake's
		// loopback address included.
		s3: s3.NewFromConfig(deps.AWS, func(o *s3.Options) { o.UsePathStyle = deps.AWS.BaseEndpoint != nil }),
	}
	c.kinds = map[action.Kind]handler{
		action.AWSDeactivateKey:      {action.Exact, c.captureKey, c.applyKey, c.verifyKey, c.undoKey},
		action.AWSDenyAll:            {action.Exact, c.captureDeny, c.applyDeny, c.verifyDeny, c.undoDeny},
		action.AWSRevokeSessions:     {action.Lossy, c.captureRevoke, c.applyRevoke, c.verifyRevoke, c.undoRevoke},
		action.AWSQuarantineInstance: {action.Exact, c.captureQuarantine, c.applyQuarantine, c.verifyQuarantine, c.undoQuarantine},
		action.AWSSnapshotVolumes:    {action.None, c.captureSnapshot, c.applySnapshot, c.verifySnapshot, c.undoSnapshot},
		action.AWSBlockPublicS3:      {action.Exact, c.captureBucket, c.applyBucket, c.verifyBucket, c.undoBucket},
	}
	return c, nil
}

// Kinds implements respond.Connector.
func (c *Connector) Kinds() []action.Kind {
	return []action.Kind{action.AWSDeactivateKey, action.AWSDenyAll, action.AWSRevokeSessions,
		action.AWSQuarantineInstance, action.AWSSnapshotVolumes, action.AWSBlockPublicS3}
}

// Fidelity says how completely an action of kind k is undone: exact for
// all but session revocation (lossy: stolen sessions come back to life
// until they expire) and snapshots (none: evidence is never deleted).
func (c *Connector) Fidelity(k action.Kind) action.Fidelity { return c.kinds[k].fidelity }

func (c *Connector) handler(a *action.Action) (handler, error) {
	h, ok := c.kinds[a.Kind]
	if !ok {
		return handler{}, fmt.Errorf("kind %s is not served by the AWS connector", a.Kind)
	}
	return h, nil
}

// Capture implements respond.Connector.
func (c *Connector) Capture(ctx context.Context, a *action.Action) ([]byte, error) {
	h, err := c.handler(a)
	if err != nil {
		return nil, err
	}
	v, err := h.capture(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("capturing %s: %w", a.Kind, err)
	}
	return json.Marshal(v)
}

// Apply implements respond.Connector.
func (c *Connector) Apply(ctx context.Context, a *action.Action) error {
	h, err := c.handler(a)
	if err != nil {
		return err
	}
	if err := h.apply(ctx, a); err != nil {
		return fmt.Errorf("applying %s: %w", a.Kind, err)
	}
	c.log.Info("applied", "kind", a.Kind, "action", a.ID.String(), "target", a.Target.ID)
	return nil
}

// Verify implements respond.Connector.
func (c *Connector) Verify(ctx context.Context, a *action.Action) error {
	h, err := c.handler(a)
	if err != nil {
		return err
	}
	if err := h.verify(ctx, a); err != nil {
		return fmt.Errorf("verifying %s: %w", a.Kind, err)
	}
	return nil
}

// Undo implements respond.Connector.
func (c *Connector) Undo(ctx context.Context, a *action.Action, captured []byte) error {
	h, err := c.handler(a)
	if err != nil {
		return err
	}
	if err := h.undo(ctx, a, captured); err != nil {
		return fmt.Errorf("undoing %s: %w", a.Kind, err)
	}
	c.log.Info("undone", "kind", a.Kind, "action", a.ID.String(), "target", a.Target.ID)
	return nil
}

// decode reads a capture; an empty one is an error, since undo without
// the prior state would guess.
func decode(captured []byte, v any) error {
	if len(captured) == 0 {
		return errors.New("no captured state")
	}
	if err := json.Unmarshal(captured, v); err != nil {
		return fmt.Errorf("decoding captured state: %w", err)
	}
	return nil
}

// errCode is the AWS error code of err, or "".
func errCode(err error) string {
	if ae, ok := errors.AsType[smithy.APIError](err); ok {
		return ae.ErrorCode()
	}
	return ""
}
