package plan

import (
	"slices"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// describe names an action in the imperative: "isolate host:ws01 (keeping
// 10.0.0.2:5985 open)", "block ip:203.0.113.7 on host:ws01".
func describe(a action.Action) string {
	s := phrase(a.Kind) + " " + a.Target.ID
	switch {
	case a.Kind == action.HostBlockIP:
		s += " on " + a.Params["host"]
	case a.Params["management"] != "":
		s += " (keeping " + a.Params["management"] + " open)"
	}
	return s
}

// sentence starts a why with the action described.
func sentence(a action.Action) string {
	d := describe(a)
	return strings.ToUpper(d[:1]) + d[1:]
}

// sinkName names a unit the attacker must not reach, with why.
func (p *planner) sinkName(u int) string {
	un := p.units[u]
	for _, i := range un.members {
		if p.nodes[i].asset.CrownJewel {
			return un.ent.ID + " (crown jewel)"
		}
	}
	if un.terminal {
		return un.ent.ID + " (host to contain)"
	}
	return un.ent.ID + " (target)"
}

func (p *planner) unitIDs(us []int, name func(int) string) []string {
	var out []string
	for _, u := range us {
		out = append(out, name(u))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (p *planner) entID(u int) string { return p.units[u].ent.ID }

// whyCut explains an action of the cut.
func (p *planner) whyCut(pl *planned, rg region) string {
	a := pl.act
	if a.Kind == action.AWSSnapshotVolumes {
		return sentence(a) + " keeps the disks as evidence before the instance is quarantined; it changes nothing on the instance and is never undone automatically."
	}
	s := sentence(a) + ": it cuts the attacker's paths from " + list(p.unitIDs(rg.sources, p.entID)) +
		" to " + list(p.unitIDs(rg.sinks, p.sinkName)) + ", as part of the cheapest set of actions that cuts every such path (its cost " +
		num(pl.opt.cost) + ", undo fidelity " + string(a.Fidelity) + ")."
	return s + p.caveat(a)
}

// caveat adds what a responder must know about a kind.
func (p *planner) caveat(a action.Action) string {
	switch a.Kind {
	case action.HostKillProcess:
		return " Killing cannot be undone: the connector captures the command line, hash and parent first."
	case action.AWSDeactivateKey:
		return " The key is deactivated, not deleted, so its id stays for forensics; look for keys the same actor created."
	case action.AWSRevokeSessions:
		others := "no other session of the role appears in the incident"
		if k := int(p.bystanders(strings.TrimPrefix(a.Target.ID, "principal:"))); k > 0 {
			others = count(k, "other session") + " of the role in the incident must sign in again"
		}
		return " Every session of the role issued before now stops working; " + others +
			". Undo only after the longest session would have expired."
	case action.AWSQuarantineInstance:
		return " Its volumes are snapshotted first."
	case action.IdPRevokeSessions:
		return " Revoked sessions cannot be restored; the user signs in again."
	}
	return ""
}

// whyEvict explains an eviction off the cut.
func (p *planner) whyEvict(pl *planned) string {
	if len(pl.evicts) == 1 && p.nodes[pl.evicts[0]].ent.ID == pl.act.Target.ID {
		n := p.nodes[pl.evicts[0]]
		var why string
		switch {
		case n.isRC || n.role == "root-cause":
			why = "it is the root cause of the incident, and no action of the cut takes it back from the attacker."
		case n.role == "compromised":
			why = "it is compromised, and no action of the cut takes it back from the attacker."
		case n.foothold:
			why = "the attacker holds it, and no action of the cut takes it back."
		default:
			why = "the attacker opened it to the public, and no action of the cut closes it."
		}
		return sentence(pl.act) + ": " + why + p.caveat(pl.act)
	}
	var what []string
	for _, i := range pl.evicts {
		what = append(what, p.footholdName(i))
	}
	return sentence(pl.act) + ": it evicts " + list(what) +
		", which no action of the cut takes back from the attacker." + p.caveat(pl.act)
}

// footholdName names a foothold with the part it plays.
func (p *planner) footholdName(i int) string {
	n := p.nodes[i]
	switch {
	case n.isRC || n.role == "root-cause":
		return "the root cause " + n.ent.ID
	case n.role == "compromised":
		return "the compromised " + n.ent.ID
	case n.foothold:
		return "the attacker's " + n.ent.ID
	case n.cls == clBucket:
		return "the public access the attacker opened on " + n.ent.ID
	}
	return n.ent.ID
}

// whyNotify explains a notification in place of a forbidden or missing
// action.
func (p *planner) whyNotify(pl *planned) string {
	a := pl.act
	owner := a.Params["owner"]
	if owner == "" {
		owner = "unknown in the inventory"
	}
	var s string
	if len(pl.opt.acts) > 0 {
		s = a.Target.ID + " is " + pl.opt.barred + ": the plan does not " + describe(pl.opt.acts[pl.opt.main]) +
			" and notifies its owner (" + owner + ") to decide."
	} else {
		s = "No action Causeway can take acts on " + a.Target.ID + "; its owner (" + owner + ") is notified."
	}
	if pl.path != nil {
		s += " No permitted action cuts the path " + strings.Join(p.pathEntities(pl.path), " -> ") + "."
	}
	if len(pl.evicts) > 0 {
		var what []string
		for _, i := range pl.evicts {
			what = append(what, p.footholdName(i))
		}
		s += " It would evict " + list(what) + "."
	}
	return s
}

// evictAlternatives lists the other options on an evicted foothold.
func (p *planner) evictAlternatives(pl *planned) []action.Alternative {
	var out []alt
	for _, i := range pl.evicts {
		c := p.units[p.nodes[i].unit].cand
		if c < 0 || p.nodes[i].unit < 0 {
			continue
		}
		for _, o := range p.cands[c].opts {
			if o.kind() != pl.opt.kind() || o.target().ID != pl.opt.target().ID {
				out = append(out, alt{altSame, alternative(o, "also evicts it but costs "+num(o.cost)+
					", more than "+num(pl.opt.cost)+what(o))})
			}
		}
		for _, o := range p.cands[c].barred {
			out = append(out, alt{altProtected, alternative(o, o.barred)})
		}
	}
	return p.pick(out)
}

// explanation says in sentences what the plan cuts, evicts and leaves.
func (p *planner) explanation(plan action.Plan) []string {
	var srcs, sinks []int
	for u, un := range p.units {
		if un.source {
			srcs = append(srcs, u)
		}
		if un.sink != noSink || un.terminal {
			sinks = append(sinks, u)
		}
	}
	var out []string
	switch {
	case len(srcs) == 0:
		out = append(out, "The incident names no foothold of the attacker: there is nothing to cut.")
	case len(sinks) == 0:
		out = append(out, "The attacker holds "+count(len(srcs), "foothold")+" ("+list(p.unitIDs(srcs, p.entID))+
			"); nothing the inventory or the incident marks as valuable is reachable from them.")
	default:
		out = append(out, "The attacker holds "+count(len(srcs), "foothold")+" ("+list(p.unitIDs(srcs, p.entID))+
			"); the plan keeps them from "+count(len(sinks), "asset")+" ("+list(p.unitIDs(sinks, p.sinkName))+").")
	}
	var cut, evicted []string
	for _, pl := range p.actions {
		switch {
		case len(pl.cands) > 0 && pl.act.Kind != action.AWSSnapshotVolumes:
			cut = append(cut, describe(pl.act))
		case len(pl.notify) == 0 && len(pl.evicts) > 0:
			evicted = append(evicted, describe(pl.act))
		}
	}
	if len(cut) > 0 {
		out = append(out, "The cheapest cut costs "+num(p.cutCost())+": "+strings.Join(cut, "; ")+".")
	}
	for _, d := range p.dropped {
		names := p.pathEntities(d.path)
		if len(names) > 0 && names[len(names)-1] == p.units[d.unit].ent.ID {
			names = names[:len(names)-1]
		}
		names = append(names, p.sinkName(d.unit))
		out = append(out, "No permitted action cuts the path "+strings.Join(names, " -> ")+": the owners are notified.")
	}
	if len(evicted) > 0 {
		out = append(out, "Evicted besides the cut: "+strings.Join(evicted, "; ")+".")
	}
	out = append(out, p.notes...)
	out = append(out, "In all "+count(len(plan.Actions), "action")+" costing "+num(plan.Cost)+
		"; each names the paths it cuts, its evidence, and the alternatives considered.")
	return out
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
