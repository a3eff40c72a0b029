package plan

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond/inventory"
)

// option is one way to act on a candidate: one action, or a bundle applied
// in order (a snapshot before a quarantine; suspending a user and
// revoking their sessions).
type option struct {
	acts   []action.Action
	main   int // the disruptive action of the bundle
	cost   float64
	barred string // why the inventory forbids it; "" if permitted
}

func (o option) kind() action.Kind    { return o.acts[o.main].Kind }
func (o option) target() event.Entity { return o.acts[o.main].Target }

// cand is a cuttable element of the flow network: a unit's node capacity,
// or the link between an external address and a host (blocking it there).
type cand struct {
	unit     int // the unit whose capacity this is, else -1
	ip, host int // the units of a block link, else -1
	opts     []option
	barred   []option
}

// capacity is the cost of the cheapest permitted option in milli-units,
// or inf when none is permitted.
func (c *cand) capacity() int64 {
	if len(c.opts) == 0 {
		return inf
	}
	return milli(c.opts[0].cost)
}

func milli(v float64) int64 { return int64(math.Round(v * 1000)) }

// newCand sorts options into permitted and barred, cheapest first, and
// returns the candidate's index, or -1 when there is no option at all.
func (p *planner) newCand(c cand, opts ...option) int {
	if len(opts) == 0 {
		return -1
	}
	for _, o := range opts {
		if o.barred != "" {
			c.barred = append(c.barred, o)
		} else {
			c.opts = append(c.opts, o)
		}
	}
	byCost := func(a, b option) int {
		return cmp.Or(cmp.Compare(a.cost, b.cost), cmp.Compare(a.kind(), b.kind()))
	}
	slices.SortStableFunc(c.opts, byCost)
	slices.SortStableFunc(c.barred, byCost)
	p.cands = append(p.cands, c)
	return len(p.cands) - 1
}

// newAction makes an action of the plan; key is the target part of its id.
func (p *planner) newAction(k action.Kind, target event.Entity, key string, cost float64, params map[string]string) action.Action {
	return action.Action{
		ID:       action.NewID(p.inc.ID, k, key),
		Kind:     k,
		Target:   target,
		Params:   params,
		Reason:   action.Reason{Incident: p.inc.ID},
		Fidelity: kinds[k].fidelity,
		Cost:     cost,
		TTL:      p.cfg.ttl(k),
		State:    action.Planned,
	}
}

// single is an option of one action on its target.
func (p *planner) single(k action.Kind, target event.Entity, w, spread float64, params map[string]string, barred string) option {
	c := p.cfg.cost(k, w, spread)
	return option{acts: []action.Action{p.newAction(k, target, target.ID, c, params)}, cost: c, barred: barred}
}

// guard returns why the inventory forbids disruptive actions on any of
// the assets, or "".
func guard(assets ...inventory.Asset) string {
	for _, a := range assets {
		if a.Protected {
			return "protected in the inventory (" + a.Rule + ")"
		}
	}
	return ""
}

// unitCandidate returns the candidate of a unit's node capacity.
func (p *planner) unitCandidate(u int) int {
	un := p.units[u]
	c := cand{unit: u, ip: -1, host: -1}
	if un.bucket >= 0 {
		b := p.units[un.bucket]
		name := bucket(b.ent.ID)
		ent := event.Entity{Kind: event.KindResource, ID: "resource:arn:aws:s3:::" + name, Name: name}
		a := p.inv.Lookup(ent)
		return p.newCand(c, p.single(action.AWSBlockPublicS3, ent, weight(a.Criticality), 1,
			map[string]string{"bucket": name}, guard(a)))
	}
	n := p.nodes[un.rep]
	switch un.cls {
	case clHost:
		return p.newCand(c, p.isolate(un.rep))
	case clInstance:
		return p.newCand(c, p.quarantine(un.rep))
	case clProcess, clFile:
		if !un.source {
			return -1 // only the attacker's own processes and files are acted on
		}
		return p.newCand(c, p.evictLocal(un.rep)...)
	case clAWSKey:
		opts := []option{p.single(action.AWSDeactivateKey, n.ent, p.keyWeight(un.rep), 1,
			p.keyParams(un.rep), guard(n.asset, p.ownerAsset(un.rep)))}
		if o := p.ownerOf(un.rep); o >= 0 {
			opts = append(opts, p.denyAll(o))
		}
		return p.newCand(c, opts...)
	case clAWSSession, clAWSTempKey:
		if r := p.roleOf(un.rep); r != "" {
			return p.newCand(c, p.revoke(r), p.denyRole(r))
		}
		if u := p.issuerOf(un.rep); u >= 0 {
			return p.newCand(c, p.denyAll(u)) // a federated session has its user's permissions at most
		}
	case clIdPSession:
		if us := p.userOf(un.rep); us >= 0 {
			return p.newCand(c, p.idpRevoke(us), p.idpEvict(us))
		}
	case clAWSUser:
		return p.newCand(c, p.denyAll(un.rep))
	case clAWSRole:
		if r := principalRole(n.ent.ID); r != "" {
			return p.newCand(c, p.denyRole(r))
		}
	case clIdPUser:
		return p.newCand(c, p.idpEvict(un.rep))
	}
	return -1
}

// isolate cuts a host off the network except its management channel.
func (p *planner) isolate(h int) option {
	n := p.nodes[h]
	params := map[string]string{}
	if m := n.asset.Management; m.IsValid() {
		params["management"] = m.String()
	}
	return p.single(action.HostIsolate, n.ent, weight(n.asset.Criticality), 1, params, guard(n.asset))
}

// quarantine moves an EC2 instance into an isolation security group,
// after snapshotting its volumes as evidence.
func (p *planner) quarantine(h int) option {
	n := p.nodes[h]
	id := strings.TrimPrefix(n.ent.ID, "host:")
	params := map[string]string{"instance_id": id}
	snap := p.newAction(action.AWSSnapshotVolumes, n.ent, n.ent.ID, p.cfg.cost(action.AWSSnapshotVolumes, 1, 1), params)
	q := p.single(action.AWSQuarantineInstance, n.ent, weight(n.asset.Criticality), 1, map[string]string{"instance_id": id}, guard(n.asset))
	q.acts = append([]action.Action{snap}, q.acts...)
	q.main = 1
	q.cost += snap.Cost
	return q
}

// evictLocal kills the attacker's process or quarantines its file.
func (p *planner) evictLocal(i int) []option {
	n := p.nodes[i]
	h := p.nodes[n.host]
	w := weight(max(h.asset.Criticality, known(n.asset)))
	params := map[string]string{"host": h.ent.ID}
	if pid, ok := pidOf(n.ent.ID); ok {
		params["pid"] = pid
	}
	if n.cls == clFile {
		params["path"] = localPath(n.ent.ID, strings.TrimPrefix(h.ent.ID, "host:"))
		return []option{p.single(action.HostQuarantineFile, n.ent, w, 1, params, guard(n.asset, h.asset))}
	}
	if img := image(n.ent); slices.Contains(unkillable, img) || slices.Contains(p.cfg.Unkillable, img) {
		return nil // killing it would take the host down: only isolation contains it
	}
	return []option{p.single(action.HostKillProcess, n.ent, w, 1, params, guard(n.asset, h.asset))}
}

// known is an asset's criticality when the inventory names it, else 0.
func known(a inventory.Asset) int {
	if a.Known {
		return a.Criticality
	}
	return 0
}

// keyWeight prices a key by its own entry, else its owner's.
func (p *planner) keyWeight(i int) float64 {
	if a := p.nodes[i].asset; a.Known {
		return weight(a.Criticality)
	}
	return weight(p.ownerAsset(i).Criticality)
}

func (p *planner) ownerAsset(i int) inventory.Asset {
	if o := p.ownerOf(i); o >= 0 {
		return p.nodes[o].asset
	}
	return p.nodes[i].asset
}

func (p *planner) keyParams(i int) map[string]string {
	params := map[string]string{"access_key_id": strings.TrimPrefix(p.nodes[i].ent.ID, "credential:")}
	if o := p.ownerOf(i); o >= 0 {
		params["user"] = iamName(p.nodes[o].ent.ID)
	}
	return params
}

// blockCand returns the candidate of blocking an external address on a
// host, creating it on first use.
func (p *planner) blockCand(ip, host int) int {
	if c, ok := p.blocks[[2]int{ip, host}]; ok {
		return c
	}
	e, h := p.units[ip], p.nodes[p.units[host].rep]
	addr, _ := inventory.Addr(e.ent.ID)
	target := event.Entity{Kind: event.KindEndpoint, ID: "ip:" + addr.String(), Name: addr.String()}
	a := p.inv.Lookup(target)
	w := 1.0
	if a.Known {
		w = weight(a.Criticality)
	}
	k := action.HostBlockIP
	cost := p.cfg.cost(k, w, 1)
	act := p.newAction(k, target, target.ID+" on "+h.ent.ID, cost,
		map[string]string{"host": h.ent.ID, "ip": addr.String()})
	c := p.newCand(cand{unit: -1, ip: ip, host: host}, option{acts: []action.Action{act}, cost: cost, barred: guard(a, h.asset)})
	p.blocks[[2]int{ip, host}] = c
	return c
}

// pidOf returns the process id of a process known by pid and start
// ("process:<host>/pid/<pid>@<start>"); GUID-named processes have none.
func pidOf(id string) (string, bool) {
	i := strings.LastIndex(id, "/pid/")
	if i < 0 {
		return "", false
	}
	pid, _, ok := strings.Cut(id[i+len("/pid/"):], "@")
	if !ok || pid == "" || strings.Trim(pid, "0123456789") != "" {
		return "", false
	}
	return pid, true
}
