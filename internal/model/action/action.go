// Package action defines the response Action: one reversible (or knowingly
// irreversible) change Causeway proposes or makes to contain an incident,
// with the reason it rests on, the decision the guard took, and its
// lifecycle. It depends on the event model and the standard library only.
package action

import (
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Kind names what an action does, as "<domain>.<verb>".
type Kind string

// Action kinds. Each connector serves some of them.
const (
	HostIsolate        Kind = "host.isolate"         // firewall the host except the management channel
	HostKillProcess    Kind = "host.kill_process"    // not reversible
	HostQuarantineFile Kind = "host.quarantine_file" // move to a vault with hash, path and permissions
	HostLockAccount    Kind = "host.lock_account"
	HostBlockIP        Kind = "host.block_ip"

	AWSDeactivateKey      Kind = "aws.deactivate_key"
	AWSDenyAll            Kind = "aws.deny_all"        // attach a deny-all policy to a user or role
	AWSRevokeSessions     Kind = "aws.revoke_sessions" // deny tokens issued before now
	AWSQuarantineInstance Kind = "aws.quarantine_instance"
	AWSSnapshotVolumes    Kind = "aws.snapshot_volumes" // evidence; never undone automatically
	AWSBlockPublicS3      Kind = "aws.block_public_s3"

	IdPSuspendUser    Kind = "idp.suspend_user" // Okta suspend, Entra accountEnabled=false
	IdPRevokeSessions Kind = "idp.revoke_sessions"

	NotifyWebhook Kind = "notify.webhook" // HMAC-signed
	NotifySlack   Kind = "notify.slack"
)

// Fidelity is how completely an action can be undone.
type Fidelity string

// Fidelities.
const (
	Exact Fidelity = "exact" // the captured state can be restored
	Lossy Fidelity = "lossy" // partly (a new password, a re-issued session)
	None  Fidelity = "none"  // irreversible: needs approval by default
)

// Decision is what the guard allows for an action.
type Decision string

// Decisions, from most to least autonomous.
const (
	Autonomous Decision = "autonomous" // apply now
	Approve    Decision = "approve"    // apply once a person approves
	Recommend  Decision = "recommend"  // show, never apply
	Deny       Decision = "deny"       // refuse, with the reason
)

// State is where an action is in its lifecycle.
type State string

// States. An action moves planned -> (pending | approved | recommended |
// denied) -> applying -> applied -> verified, and from applied or verified
// to undoing -> undone (on demand or when its TTL expires unconfirmed). Any
// step may end in failed, with the error kept.
const (
	Planned     State = "planned"
	Pending     State = "pending" // waiting for approval
	Approved    State = "approved"
	Recommended State = "recommended"
	Denied      State = "denied"
	Applying    State = "applying"
	Applied     State = "applied"
	Verified    State = "verified"
	Undoing     State = "undoing"
	Undone      State = "undone"
	Failed      State = "failed"
	// Shadow is the end state of an action in monitor mode: the guard
	// decided, nothing was applied, the record says what would have been.
	Shadow State = "shadow"
)

// Action is one containment step.
type Action struct {
	// ID is stable: a hash of the incident, kind and target, so the same
	// plan made twice gives the same actions and applying is idempotent.
	ID     event.ID          `json:"id"`
	Kind   Kind              `json:"kind"`
	Target event.Entity      `json:"target"`
	Params map[string]string `json:"params,omitempty"`
	Reason Reason            `json:"reason"`

	Fidelity Fidelity `json:"fidelity"`
	// Cost is the business disruption of applying it, from the asset
	// inventory (criticality) and the kind; the planner minimizes it.
	Cost float64 `json:"cost"`
	// TTL undoes the action when it expires unless someone confirms it;
	// 0 means it stays until undone.
	TTL time.Duration `json:"ttl,omitempty"`

	Decision Decision `json:"decision"`
	// Why says which policy rule decided, in words.
	Why string `json:"why,omitempty"`

	State State  `json:"state"`
	Error string `json:"error,omitempty"`
	// Captured is the state before apply, as the connector recorded it,
	// for undo.
	Captured []byte `json:"captured,omitempty"`
	// Times of the lifecycle steps that happened.
	Applied   time.Time `json:"applied_at,omitzero"`
	Verified  time.Time `json:"verified_at,omitzero"`
	Undone    time.Time `json:"undone_at,omitzero"`
	Confirmed bool      `json:"confirmed,omitempty"` // a person kept it: the TTL no longer applies
}

// Reason ties an action to the incident it answers.
type Reason struct {
	Incident event.ID `json:"incident"`
	// Nodes are the entity ids of the incident graph the action acts on or
	// protects; Edges the attacker paths it cuts ("from -> to (kind)").
	Nodes []string `json:"nodes,omitempty"`
	Edges []string `json:"edges,omitempty"`
	// Evidence are the events the action rests on; Trusted says whether
	// they all come from authenticated sources (not forgeable syslog).
	Evidence []event.ID `json:"evidence,omitempty"`
	Trusted  bool       `json:"trusted"`
	// Confidence is the incident's confidence in this part of the attack,
	// 0..1.
	Confidence float64 `json:"confidence"`
	// Why explains the choice; Alternatives say why cheaper or more
	// disruptive actions were not chosen.
	Why          string        `json:"why"`
	Alternatives []Alternative `json:"alternatives,omitempty"`
}

// Alternative is an action the planner considered and did not choose.
type Alternative struct {
	Kind   Kind         `json:"kind"`
	Target event.Entity `json:"target"`
	Cost   float64      `json:"cost"`
	WhyNot string       `json:"why_not"`
}

// Plan is the planner's answer to one incident: the actions that together
// cut every attacker path to what matters and evict the footholds.
type Plan struct {
	Incident event.ID `json:"incident"`
	Actions  []Action `json:"actions"`
	// Cost is the sum of the actions' costs.
	Cost float64 `json:"cost"`
	// Explanation says, in sentences, what the plan cuts and why.
	Explanation []string `json:"explanation,omitempty"`
}

// NewID returns the stable id of an action.
func NewID(incident event.ID, kind Kind, target string) event.ID {
	return event.NewID("action", incident.String(), string(kind), target)
}
