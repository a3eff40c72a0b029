package aws

import (
	"context"
	"fmt"
	"maps"
	"slices"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// Quarantine moves every network interface of the instance into an
// isolation security group without rules. A plain swap would leave
// tracked connections (an attacker's open shell) alive, so each interface
// first goes to an "untrack" group allowing all traffic in and out — which
// makes its connections untracked — and then to the isolation group, which
// drops untracked flows at once. This is the sequence of AWS's
// AWSSupport-ContainEC2Instance runbook.

// quarantineCapture maps each interface to its security groups.
type quarantineCapture struct {
	Instance   string              `json:"instance"`
	VPC        string              `json:"vpc"`
	Interfaces map[string][]string `json:"interfaces"`
}

// instance describes one instance.
func (c *Connector) instance(ctx context.Context, cl *ec2.Client, id string) (types.Instance, error) {
	out, err := cl.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		return types.Instance{}, fmt.Errorf("describing instance %s: %w", id, err)
	}
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			if awssdk.ToString(in.InstanceId) == id {
				return in, nil
			}
		}
	}
	return types.Instance{}, fmt.Errorf("instance %s not found", id)
}

// interfaces maps an instance's interfaces to their group ids.
func interfaces(in types.Instance) map[string][]string {
	m := map[string][]string{}
	for _, n := range in.NetworkInterfaces {
		var gs []string
		for _, g := range n.Groups {
			gs = append(gs, awssdk.ToString(g.GroupId))
		}
		m[awssdk.ToString(n.NetworkInterfaceId)] = gs
	}
	return m
}

func (c *Connector) captureQuarantine(ctx context.Context, a *action.Action) (any, error) {
	id, cl, err := c.instanceOf(a)
	if err != nil {
		return nil, err
	}
	in, err := c.instance(ctx, cl, id)
	if err != nil {
		return nil, err
	}
	m := interfaces(in)
	if len(m) == 0 {
		return nil, fmt.Errorf("instance %s has no network interface", id)
	}
	return quarantineCapture{Instance: id, VPC: awssdk.ToString(in.VpcId), Interfaces: m}, nil
}

func (c *Connector) applyQuarantine(ctx context.Context, a *action.Action) error {
	id, cl, err := c.instanceOf(a)
	if err != nil {
		return err
	}
	in, err := c.instance(ctx, cl, id)
	if err != nil {
		return err
	}
	vpc := awssdk.ToString(in.VpcId)
	isolation, err := c.ensureGroup(ctx, cl, vpc, c.cfg.IsolationGroup, false)
	if err != nil {
		return err
	}
	untrack, err := c.ensureGroup(ctx, cl, vpc, c.cfg.UntrackGroup, true)
	if err != nil {
		return err
	}
	for eni, groups := range interfaces(in) {
		if slices.Equal(groups, []string{isolation}) {
			continue // done before a crash
		}
		if !slices.Equal(groups, []string{untrack}) {
			if err := c.setGroups(ctx, cl, eni, untrack); err != nil {
				return err
			}
		}
		if err := c.setGroups(ctx, cl, eni, isolation); err != nil {
			return err
		}
	}
	return nil
}

func (c *Connector) setGroups(ctx context.Context, cl *ec2.Client, eni string, groups ...string) error {
	_, err := cl.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{
		NetworkInterfaceId: &eni, Groups: groups,
	})
	if err != nil {
		return fmt.Errorf("setting the security groups of %s: %w", eni, err)
	}
	return nil
}

func (c *Connector) verifyQuarantine(ctx context.Context, a *action.Action) error {
	id, cl, err := c.instanceOf(a)
	if err != nil {
		return err
	}
	in, err := c.instance(ctx, cl, id)
	if err != nil {
		return err
	}
	g, found, err := c.findGroup(ctx, cl, awssdk.ToString(in.VpcId), c.cfg.IsolationGroup)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("no %s group in %s", c.cfg.IsolationGroup, awssdk.ToString(in.VpcId))
	}
	if len(g.IpPermissions)+len(g.IpPermissionsEgress) > 0 {
		return fmt.Errorf("isolation group %s has rules", awssdk.ToString(g.GroupId))
	}
	for eni, groups := range interfaces(in) {
		if !slices.Equal(groups, []string{awssdk.ToString(g.GroupId)}) {
			return fmt.Errorf("interface %s is in %v, not only %s", eni, groups, awssdk.ToString(g.GroupId))
		}
	}
	return nil
}

// undoQuarantine puts every captured interface back in its groups. The
// isolation and untrack groups stay for the next quarantine.
func (c *Connector) undoQuarantine(ctx context.Context, a *action.Action, captured []byte) error {
	id, cl, err := c.instanceOf(a)
	if err != nil {
		return err
	}
	var qc quarantineCapture
	if err := decode(captured, &qc); err != nil {
		return err
	}
	if qc.Instance != id {
		return fmt.Errorf("captured state is for instance %s, not %s", qc.Instance, id)
	}
	in, err := c.instance(ctx, cl, id)
	if err != nil {
		return err
	}
	now := interfaces(in)
	for _, eni := range slices.Sorted(maps.Keys(qc.Interfaces)) {
		want := qc.Interfaces[eni]
		if _, ok := now[eni]; !ok {
			return fmt.Errorf("interface %s is no longer attached to %s", eni, id)
		}
		if slices.Equal(now[eni], want) {
			continue
		}
		if len(want) == 0 {
			return fmt.Errorf("captured no security group for %s", eni)
		}
		if err := c.setGroups(ctx, cl, eni, want...); err != nil {
			return err
		}
	}
	return nil
}
