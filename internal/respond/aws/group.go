package aws

import (
	"context"
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// findGroup looks a security group up by name in a VPC.
func (c *Connector) findGroup(ctx context.Context, cl *ec2.Client, vpc, name string) (types.SecurityGroup, bool, error) {
	out, err := cl.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: awssdk.String("vpc-id"), Values: []string{vpc}},
		{Name: awssdk.String("group-name"), Values: []string{name}},
	}})
	if err != nil {
		return types.SecurityGroup{}, false, fmt.Errorf("looking up group %s in %s: %w", name, vpc, err)
	}
	for _, g := range out.SecurityGroups {
		if awssdk.ToString(g.GroupName) == name && awssdk.ToString(g.VpcId) == vpc {
			return g, true, nil
		}
	}
	return types.SecurityGroup{}, false, nil
}

// allTraffic is every protocol from and to every IPv4 and IPv6 address.
func allTraffic() []types.IpPermission {
	return []types.IpPermission{{
		IpProtocol: awssdk.String("-1"),
		IpRanges:   []types.IpRange{{CidrIp: awssdk.String("0.0.0.0/0")}},
	}, {
		IpProtocol: awssdk.String("-1"),
		Ipv6Ranges: []types.Ipv6Range{{CidrIpv6: awssdk.String("::/0")}},
	}}
}

// hasAll reports whether perms allow all traffic for one range.
func hasAll(perms []types.IpPermission, cidr string) bool {
	for _, p := range perms {
		if awssdk.ToString(p.IpProtocol) != "-1" {
			continue
		}
		for _, r := range p.IpRanges {
			if awssdk.ToString(r.CidrIp) == cidr {
				return true
			}
		}
		for _, r := range p.Ipv6Ranges {
			if awssdk.ToString(r.CidrIpv6) == cidr {
				return true
			}
		}
	}
	return false
}

// ensureGroup finds or creates a group in the VPC and returns its id. An
// allow group ends with all traffic allowed both ways (the untrack group);
// otherwise every rule is removed (the isolation group).
func (c *Connector) ensureGroup(ctx context.Context, cl *ec2.Client, vpc, name string, allow bool) (string, error) {
	g, found, err := c.findGroup(ctx, cl, vpc, name)
	if err != nil {
		return "", err
	}
	if !found {
		desc := "Causeway quarantine: no traffic"
		if allow {
			desc = "Causeway quarantine: all traffic, untracked"
		}
		_, err := cl.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName: &name, VpcId: &vpc, Description: &desc,
			TagSpecifications: []types.TagSpecification{{
				ResourceType: types.ResourceTypeSecurityGroup,
				Tags:         []types.Tag{{Key: awssdk.String("causeway:purpose"), Value: awssdk.String("quarantine")}},
			}},
		})
		if err != nil && errCode(err) != "InvalidGroup.Duplicate" {
			return "", fmt.Errorf("creating group %s in %s: %w", name, vpc, err)
		}
		if g, found, err = c.findGroup(ctx, cl, vpc, name); err != nil {
			return "", err
		} else if !found {
			return "", fmt.Errorf("group %s in %s not found after creating it", name, vpc)
		}
	}
	id := awssdk.ToString(g.GroupId)
	if allow {
		for _, p := range allTraffic() {
			cidr := awssdk.ToString(firstRange(p))
			if !hasAll(g.IpPermissions, cidr) {
				if _, err := cl.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &id, IpPermissions: []types.IpPermission{p}}); err != nil && errCode(err) != "InvalidPermission.Duplicate" {
					return "", fmt.Errorf("opening ingress of %s: %w", id, err)
				}
			}
			if !hasAll(g.IpPermissionsEgress, cidr) {
				if _, err := cl.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: &id, IpPermissions: []types.IpPermission{p}}); err != nil && errCode(err) != "InvalidPermission.Duplicate" {
					return "", fmt.Errorf("opening egress of %s: %w", id, err)
				}
			}
		}
		return id, nil
	}
	if len(g.IpPermissions) > 0 {
		if _, err := cl.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: &id, IpPermissions: g.IpPermissions}); err != nil {
			return "", fmt.Errorf("closing ingress of %s: %w", id, err)
		}
	}
	if len(g.IpPermissionsEgress) > 0 {
		if _, err := cl.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: &id, IpPermissions: g.IpPermissionsEgress}); err != nil {
			return "", fmt.Errorf("closing egress of %s: %w", id, err)
		}
	}
	return id, nil
}

func firstRange(p types.IpPermission) *string {
	if len(p.IpRanges) > 0 {
		return p.IpRanges[0].CidrIp
	}
	return p.Ipv6Ranges[0].CidrIpv6
}
