package awsfake

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

type xmlGroup struct {
	ID   string `xml:"groupId"`
	Name string `xml:"groupName"`
}

type xmlInterface struct {
	ID     string     `xml:"networkInterfaceId"`
	Groups []xmlGroup `xml:"groupSet>item"`
}

type xmlDevice struct {
	Device string `xml:"deviceName"`
	Volume string `xml:"ebs>volumeId"`
}

type xmlInstance struct {
	ID         string         `xml:"instanceId"`
	VPC        string         `xml:"vpcId"`
	Interfaces []xmlInterface `xml:"networkInterfaceSet>item"`
	Devices    []xmlDevice    `xml:"blockDeviceMapping>item"`
}

type xmlPermission struct {
	Protocol string   `xml:"ipProtocol"`
	V4       []string `xml:"ipRanges>item>cidrIp"`
	V6       []string `xml:"ipv6Ranges>item>cidrIpv6"`
}

type xmlSecurityGroup struct {
	ID          string          `xml:"groupId"`
	Name        string          `xml:"groupName"`
	Description string          `xml:"groupDescription"`
	VPC         string          `xml:"vpcId"`
	Ingress     []xmlPermission `xml:"ipPermissions>item"`
	Egress      []xmlPermission `xml:"ipPermissionsEgress>item"`
}

type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlSnapshot struct {
	ID          string   `xml:"snapshotId"`
	Volume      string   `xml:"volumeId"`
	State       string   `xml:"status"`
	Description string   `xml:"description"`
	StartTime   string   `xml:"startTime"`
	Tags        []xmlTag `xml:"tagSet>item"`
}

func (s *Server) describeInstances(f url.Values, region string) (any, *apiError) {
	ids := list(f, "InstanceId")
	if len(ids) == 0 {
		return nil, errf(400, "MissingParameter", "this fake serves DescribeInstances by InstanceId only")
	}
	var out []xmlInstance
	for _, id := range ids {
		if !instanceID.MatchString(id) {
			return nil, errf(400, "InvalidInstanceID.Malformed", "invalid id: %q", id)
		}
		in := s.st.instances[id]
		if in == nil || in.Region != region {
			return nil, errf(400, "InvalidInstanceID.NotFound", "the instance ID '%s' does not exist", id)
		}
		x := xmlInstance{ID: in.ID, VPC: in.VPC}
		for _, n := range in.Interfaces {
			xi := xmlInterface{ID: n.ID}
			for _, g := range s.st.enis[n.ID].Groups {
				xi.Groups = append(xi.Groups, xmlGroup{ID: g, Name: s.st.groups[g].Name})
			}
			x.Interfaces = append(x.Interfaces, xi)
		}
		for i, v := range in.Volumes {
			x.Devices = append(x.Devices, xmlDevice{Device: "/dev/xvd" + string(rune('a'+i)), Volume: v})
		}
		out = append(out, x)
	}
	return struct {
		ec2Meta
		Instances []xmlInstance `xml:"reservationSet>item>instancesSet>item"`
	}{meta(), out}, nil
}

func (s *Server) describeGroups(f url.Values) (any, *apiError) {
	ids := list(f, "GroupId")
	for _, id := range ids {
		if s.st.groups[id] == nil {
			return nil, errf(400, "InvalidGroup.NotFound", "the security group '%s' does not exist", id)
		}
	}
	fs := filters(f)
	var out []xmlSecurityGroup
	for _, id := range slices.Sorted(maps.Keys(s.st.groups)) {
		g := s.st.groups[id]
		if len(ids) > 0 && !slices.Contains(ids, id) || !matches(fs, "group-name", g.Name) || !matches(fs, "vpc-id", g.VPC) {
			continue
		}
		out = append(out, xmlSecurityGroup{ID: g.ID, Name: g.Name, Description: g.Description, VPC: g.VPC,
			Ingress: permissions(g.Ingress), Egress: permissions(g.Egress)})
	}
	return struct {
		ec2Meta
		Groups []xmlSecurityGroup `xml:"securityGroupInfo>item"`
	}{meta(), out}, nil
}

func permissions(rs []Rule) []xmlPermission {
	var out []xmlPermission
	for _, r := range rs {
		p := xmlPermission{Protocol: r.Protocol}
		if strings.Contains(r.CIDR, ":") {
			p.V6 = []string{r.CIDR}
		} else {
			p.V4 = []string{r.CIDR}
		}
		out = append(out, p)
	}
	return out
}

func (s *Server) volumeExists(id string) bool {
	for _, in := range s.st.instances {
		if slices.Contains(in.Volumes, id) {
			return true
		}
	}
	return false
}

func (s *Server) createSnapshot(f url.Values) (any, *apiError) {
	vol := f.Get("VolumeId")
	if !s.volumeExists(vol) {
		return nil, errf(400, "InvalidVolume.NotFound", "the volume '%s' does not exist", vol)
	}
	snap := &Snapshot{ID: s.nextID("snap-"), Volume: vol, Description: f.Get("Description"), State: "pending", Tags: map[string]string{}}
	for i := 1; ; i++ {
		p := "TagSpecification." + strconv.Itoa(i)
		if _, ok := f[p+".ResourceType"]; !ok {
			break
		}
		if f.Get(p+".ResourceType") != "snapshot" {
			return nil, errf(400, "InvalidParameterValue", "tags for %s on a snapshot", f.Get(p+".ResourceType"))
		}
		for j := 1; ; j++ {
			k, ok := f[p+".Tag."+strconv.Itoa(j)+".Key"]
			if !ok {
				break
			}
			snap.Tags[k[0]] = f.Get(p + ".Tag." + strconv.Itoa(j) + ".Value")
		}
	}
	s.st.snapshots[snap.ID] = snap
	x := xmlSnap(snap)
	return struct {
		ec2Meta
		xmlSnapshot
	}{meta(), x}, nil
}

func (s *Server) describeSnapshots(f url.Values) (any, *apiError) {
	fs := filters(f)
	ids := list(f, "SnapshotId")
	var out []xmlSnapshot
	for _, id := range slices.Sorted(maps.Keys(s.st.snapshots)) {
		snap := s.st.snapshots[id]
		if len(ids) > 0 && !slices.Contains(ids, id) || !matches(fs, "volume-id", snap.Volume) {
			continue
		}
		ok := true
		for name, want := range fs {
			if k, isTag := strings.CutPrefix(name, "tag:"); isTag && !slices.Contains(want, snap.Tags[k]) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		out = append(out, xmlSnap(snap))
		// A snapshot a caller has seen once is complete the next time.
		snap.State = "completed"
	}
	return struct {
		ec2Meta
		Snapshots []xmlSnapshot `xml:"snapshotSet>item"`
	}{meta(), out}, nil
}

func xmlSnap(s *Snapshot) xmlSnapshot {
	x := xmlSnapshot{ID: s.ID, Volume: s.Volume, State: s.State, Description: s.Description,
		StartTime: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)}
	for _, k := range slices.Sorted(maps.Keys(s.Tags)) {
		x.Tags = append(x.Tags, xmlTag{k, s.Tags[k]})
	}
	return x
}
