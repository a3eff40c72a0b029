package awsfake

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const ec2NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

var (
	instanceID = regexp.MustCompile(`^i-[0-9a-f]{8}([0-9a-f]{9})?$`)
	groupName  = regexp.MustCompile(`^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}$`)
)

// ec2Meta opens every EC2 answer.
type ec2Meta struct {
	NS        string `xml:"xmlns,attr"`
	RequestID string `xml:"requestId"`
}

type ec2Return struct {
	ec2Meta
	Return bool `xml:"return"`
}

func meta() ec2Meta { return ec2Meta{NS: ec2NS, RequestID: requestID()} }

// serveEC2 answers one EC2 query-protocol operation. The lock is held.
func (s *Server) serveEC2(w http.ResponseWriter, op string, f url.Values, region string) {
	var (
		out any
		err *apiError
	)
	switch op {
	case "DescribeInstances":
		out, err = s.describeInstances(f, region)
	case "DescribeSecurityGroups":
		out, err = s.describeGroups(f)
	case "CreateSecurityGroup":
		out, err = s.createGroup(f)
	case "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
		"RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress":
		out, err = s.changeRules(op, f)
	case "ModifyNetworkInterfaceAttribute":
		out, err = s.modifyInterface(f)
	case "CreateSnapshot":
		out, err = s.createSnapshot(f)
	case "DescribeSnapshots":
		out, err = s.describeSnapshots(f)
	default:
		err = errf(400, "InvalidAction", "the action %s is not valid for this web service", op)
	}
	if err != nil {
		writeEC2Error(w, err, requestID())
		return
	}
	s.record("ec2", op)
	w.Header().Set("Content-Type", "text/xml")
	enc := xml.NewEncoder(w)
	_ = enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: op + "Response"}})
	_ = enc.Flush()
}

// list reads a query-protocol list: Prefix.1, Prefix.2, ...
func list(f url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := f[prefix+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

// filters reads Filter.N.Name / Filter.N.Value.M into a map.
func filters(f url.Values) map[string][]string {
	out := map[string][]string{}
	for i := 1; ; i++ {
		p := "Filter." + strconv.Itoa(i)
		name := f.Get(p + ".Name")
		if name == "" {
			return out
		}
		out[name] = list(f, p+".Value")
	}
}

// matches reports whether v passes a filter (absent filters pass).
func matches(fs map[string][]string, name, v string) bool {
	want, ok := fs[name]
	return !ok || slices.Contains(want, v)
}

// rules reads IpPermissions.N.{IpProtocol,IpRanges.M.CidrIp,Ipv6Ranges.M.CidrIpv6}
// into one rule per range.
func rules(f url.Values) []Rule {
	var out []Rule
	for i := 1; ; i++ {
		p := "IpPermissions." + strconv.Itoa(i)
		proto, ok := f[p+".IpProtocol"]
		if !ok {
			return out
		}
		for j := 1; ; j++ {
			c := f.Get(p + ".IpRanges." + strconv.Itoa(j) + ".CidrIp")
			if c == "" {
				break
			}
			out = append(out, Rule{Protocol: proto[0], CIDR: c})
		}
		for j := 1; ; j++ {
			c := f.Get(p + ".Ipv6Ranges." + strconv.Itoa(j) + ".CidrIpv6")
			if c == "" {
				break
			}
			out = append(out, Rule{Protocol: proto[0], CIDR: c})
		}
	}
}

func (s *Server) changeRules(op string, f url.Values) (any, *apiError) {
	g := s.st.groups[f.Get("GroupId")]
	if g == nil {
		return nil, errf(400, "InvalidGroup.NotFound", "the security group '%s' does not exist", f.Get("GroupId"))
	}
	set := &g.Ingress
	if strings.HasSuffix(op, "Egress") {
		set = &g.Egress
	}
	rs := rules(f)
	if len(rs) == 0 {
		return nil, errf(400, "MissingParameter", "no IpPermissions")
	}
	for _, r := range rs {
		has := slices.Contains(*set, r)
		switch {
		case strings.HasPrefix(op, "Authorize") && has:
			return nil, errf(400, "InvalidPermission.Duplicate", "the specified rule %s %s already exists", r.Protocol, r.CIDR)
		case strings.HasPrefix(op, "Revoke") && !has:
			return nil, errf(400, "InvalidPermission.NotFound", "the specified rule does not exist in this security group")
		}
	}
	for _, r := range rs {
		if strings.HasPrefix(op, "Authorize") {
			*set = append(*set, r)
		} else {
			*set = slices.DeleteFunc(*set, func(x Rule) bool { return x == r })
		}
	}
	return ec2Return{meta(), true}, nil
}

func (s *Server) createGroup(f url.Values) (any, *apiError) {
	name, vpc := f.Get("GroupName"), f.Get("VpcId")
	if !groupName.MatchString(name) || strings.HasPrefix(name, "sg-") || f.Get("GroupDescription") == "" {
		return nil, errf(400, "InvalidParameterValue", "invalid group name or description")
	}
	for _, g := range s.st.groups {
		if g.Name == name && g.VPC == vpc {
			return nil, errf(400, "InvalidGroup.Duplicate", "the security group '%s' already exists for VPC '%s'", name, vpc)
		}
	}
	id := s.nextID("sg-")
	// AWS gives every new group an allow-all IPv4 egress rule.
	s.st.groups[id] = &SecurityGroup{ID: id, Name: name, Description: f.Get("GroupDescription"), VPC: vpc,
		Egress: []Rule{{Protocol: "-1", CIDR: "0.0.0.0/0"}}}
	return struct {
		ec2Meta
		Return  bool   `xml:"return"`
		GroupID string `xml:"groupId"`
	}{meta(), true, id}, nil
}

func (s *Server) modifyInterface(f url.Values) (any, *apiError) {
	eni := s.st.enis[f.Get("NetworkInterfaceId")]
	if eni == nil {
		return nil, errf(400, "InvalidNetworkInterfaceID.NotFound", "the networkInterface ID '%s' does not exist", f.Get("NetworkInterfaceId"))
	}
	groups := list(f, "SecurityGroupId")
	if len(groups) == 0 {
		return nil, errf(400, "MissingParameter", "only SecurityGroupId changes are served by this fake")
	}
	vpc := s.vpcOf(eni.ID)
	for _, id := range groups {
		if g := s.st.groups[id]; g == nil || g.VPC != vpc {
			return nil, errf(400, "InvalidGroup.NotFound", "the security group '%s' does not exist in VPC '%s'", id, vpc)
		}
	}
	eni.Groups = slices.Clone(groups)
	return ec2Return{meta(), true}, nil
}

// vpcOf is the VPC of the instance an interface is attached to.
func (s *Server) vpcOf(eni string) string {
	for _, in := range s.st.instances {
		for _, n := range in.Interfaces {
			if n.ID == eni {
				return in.VPC
			}
		}
	}
	return ""
}

func writeEC2Error(w http.ResponseWriter, e *apiError, id string) {
	if e.code == "InvalidClientTokenId" || e.code == "SignatureDoesNotMatch" {
		e.code, e.status = "AuthFailure", 401
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName xml.Name `xml:"Response"`
		Code    string   `xml:"Errors>Error>Code"`
		Message string   `xml:"Errors>Error>Message"`
		ID      string   `xml:"RequestID"`
	}{Code: e.code, Message: e.message, ID: id})
}
