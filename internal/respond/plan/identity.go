package plan

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond/inventory"
)

// denyAll attaches a deny-all policy to an IAM user.
func (p *planner) denyAll(i int) option {
	n := p.nodes[i]
	arn := strings.TrimPrefix(n.ent.ID, "principal:")
	return p.single(action.AWSDenyAll, n.ent, weight(n.asset.Criticality), 1, map[string]string{"user": iamName(arn)}, guard(n.asset))
}

// role returns the principal entity of a role ARN and its asset.
func (p *planner) role(arn string) (event.Entity, inventory.Asset) {
	id := "principal:" + arn
	if i, ok := p.byID[id]; ok {
		return p.nodes[i].ent, p.nodes[i].asset
	}
	e := event.Entity{Kind: event.KindPrincipal, ID: id, Name: arn}
	return e, p.inv.Lookup(e)
}

// bystanders counts the sessions of a role in the incident the attacker
// does not hold: the users a role-wide action also affects.
func (p *planner) bystanders(arn string) float64 {
	var k float64
	for i, n := range p.nodes {
		if n.cls == clAWSSession && !n.foothold && p.roleOf(i) == arn {
			k++
		}
	}
	return k
}

// revoke denies the role's sessions issued before now.
func (p *planner) revoke(arn string) option {
	e, a := p.role(arn)
	return p.single(action.AWSRevokeSessions, e, weight(a.Criticality), 1+p.bystanders(arn),
		map[string]string{"role": iamName(arn)}, guard(a))
}

// denyRole attaches a deny-all policy to a role: every session, the
// workload's own included, loses every permission.
func (p *planner) denyRole(arn string) option {
	e, a := p.role(arn)
	return p.single(action.AWSDenyAll, e, weight(a.Criticality), 2+p.bystanders(arn),
		map[string]string{"role": iamName(arn)}, guard(a))
}

// idpParams names the provider and the user for an IdP connector.
func (p *planner) idpParams(i int) map[string]string {
	id := strings.TrimPrefix(p.nodes[i].ent.ID, "principal:")
	provider := ""
	for _, pre := range []string{"okta:", "entra:"} {
		if strings.HasPrefix(id, pre) {
			provider, id = strings.TrimSuffix(pre, ":"), id[len(pre):]
		}
	}
	params := map[string]string{"user": id}
	if provider != "" {
		params["idp"] = provider
	}
	return params
}

// idpRevoke ends a user's sign-in sessions.
func (p *planner) idpRevoke(i int) option {
	n := p.nodes[i]
	return p.single(action.IdPRevokeSessions, n.ent, weight(n.asset.Criticality), 1, p.idpParams(i), guard(n.asset))
}

// idpEvict suspends a user and ends their sessions.
func (p *planner) idpEvict(i int) option {
	n := p.nodes[i]
	o := p.single(action.IdPSuspendUser, n.ent, weight(n.asset.Criticality), 1, p.idpParams(i), guard(n.asset))
	r := p.idpRevoke(i)
	o.acts = append(o.acts, r.acts...)
	o.cost += r.cost
	return o
}

// iamName is the name of an IAM user or role: the last segment of its
// ARN (paths are not part of the name).
func iamName(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}
