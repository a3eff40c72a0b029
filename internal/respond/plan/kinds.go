package plan

import (
	"math"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// kindInfo is what the planner knows of an action kind: its base
// disruption, how completely it can be undone (from
// reference/response-actions.md), its default TTL and its place in a plan.
type kindInfo struct {
	base     float64
	fidelity action.Fidelity
	ttl      time.Duration
	phase    int // evidence first, then identities, network, host clean-up, data, notices
}

// kinds is the planner's table of action kinds; Config overrides costs and
// TTLs.
var kinds = map[action.Kind]kindInfo{
	action.AWSSnapshotVolumes: {0, action.Exact, 0, 0}, // evidence: never undone automatically

	action.AWSDeactivateKey:  {2, action.Exact, 24 * time.Hour, 1},
	action.AWSRevokeSessions: {2, action.Exact, 12 * time.Hour, 1}, // undo only after the longest session ends
	action.AWSDenyAll:        {4, action.Exact, 4 * time.Hour, 1},
	action.IdPSuspendUser:    {3, action.Exact, 4 * time.Hour, 1},
	action.IdPRevokeSessions: {1, action.None, 0, 1}, // Okta clears sessions for good
	action.HostLockAccount:   {2, action.Exact, 4 * time.Hour, 1},

	action.HostBlockIP:           {1, action.Exact, 24 * time.Hour, 2},
	action.HostIsolate:           {4, action.Exact, 4 * time.Hour, 2},
	action.AWSQuarantineInstance: {4, action.Exact, 4 * time.Hour, 2},

	action.HostKillProcess:    {1, action.None, 0, 3},
	action.HostQuarantineFile: {1, action.Exact, 0, 3},

	action.AWSBlockPublicS3: {1, action.Exact, 0, 4},

	action.NotifyWebhook: {0, action.Exact, 0, 5},
	action.NotifySlack:   {0, action.Exact, 0, 5},
}

// weight turns a criticality (1..5) into a cost multiplier that doubles
// with each step: 1, 2, 4, 8, 16. Isolating a criticality-5 server costs
// sixteen times what isolating a lab machine does.
func weight(criticality int) float64 {
	c := min(max(criticality, 1), 5)
	return math.Ldexp(1, c-1)
}

// cost is the disruption of an action of a kind on an asset of the given
// weight, spread over the users it affects, plus the penalty for being
// hard to undo.
func (c *Config) cost(k action.Kind, w, spread float64) float64 {
	base := kinds[k].base
	if b, ok := c.Costs[k]; ok {
		base = b
	}
	v := base * w * spread
	switch kinds[k].fidelity {
	case action.Lossy:
		v += c.LossyPenalty
	case action.None:
		v += c.IrreversiblePenalty
	}
	return v
}

// ttl is the TTL of a kind.
func (c *Config) ttl(k action.Kind) time.Duration {
	if d, ok := c.TTL[k]; ok {
		return d
	}
	return kinds[k].ttl
}

// phrase is how explanations name what an action of a kind does.
func phrase(k action.Kind) string {
	switch k {
	case action.HostIsolate:
		return "isolate"
	case action.HostKillProcess:
		return "kill"
	case action.HostQuarantineFile:
		return "quarantine"
	case action.HostLockAccount:
		return "lock"
	case action.HostBlockIP:
		return "block"
	case action.AWSDeactivateKey:
		return "deactivate"
	case action.AWSDenyAll:
		return "attach deny-all to"
	case action.AWSRevokeSessions:
		return "revoke the sessions of"
	case action.AWSQuarantineInstance:
		return "quarantine instance"
	case action.AWSSnapshotVolumes:
		return "snapshot the volumes of"
	case action.AWSBlockPublicS3:
		return "block public access to"
	case action.IdPSuspendUser:
		return "suspend"
	case action.IdPRevokeSessions:
		return "revoke the sign-in sessions of"
	}
	return "notify the owner of"
}
