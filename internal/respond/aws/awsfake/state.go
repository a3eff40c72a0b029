package awsfake

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// AccessKey is an IAM user's access key.
type AccessKey struct {
	ID      string
	User    string
	Status  string // Active or Inactive
	Created time.Time
}

// SecurityGroup is an EC2 security group.
type SecurityGroup struct {
	ID, Name, Description, VPC string
	Ingress, Egress            []Rule
}

// Rule is one security group permission, reduced to what the connector
// uses: a protocol ("-1" for all) and one IPv4 or IPv6 range.
type Rule struct {
	Protocol string
	CIDR     string // "0.0.0.0/0" or "::/0"
}

// Interface is an elastic network interface and its security groups.
type Interface struct {
	ID     string
	Groups []string
}

// Instance is an EC2 instance: its region (default Region), VPC, network
// interfaces and EBS volumes. DescribeInstances finds it only when called
// in its region, as AWS does.
type Instance struct {
	ID         string
	Region     string
	VPC        string
	Interfaces []Interface
	Volumes    []string
}

// Snapshot is an EBS snapshot.
type Snapshot struct {
	ID, Volume, Description, State string
	Tags                           map[string]string
}

// PublicAccessBlock is an S3 bucket's public access block.
type PublicAccessBlock struct {
	BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool
}

type principal struct {
	policies map[string]string // inline policy name -> JSON document
	maxSess  int32             // roles only, seconds
}

type bucket struct {
	pab *PublicAccessBlock // nil: none set
}

type state struct {
	users     map[string]*principal
	roles     map[string]*principal
	keys      map[string]*AccessKey
	groups    map[string]*SecurityGroup
	instances map[string]*Instance
	enis      map[string]*Interface
	snapshots map[string]*Snapshot
	buckets   map[string]*bucket
}

func newState() state {
	return state{
		users: map[string]*principal{}, roles: map[string]*principal{},
		keys: map[string]*AccessKey{}, groups: map[string]*SecurityGroup{},
		instances: map[string]*Instance{}, enis: map[string]*Interface{},
		snapshots: map[string]*Snapshot{}, buckets: map[string]*bucket{},
	}
}

// AddUser creates an IAM user.
func (s *Server) AddUser(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.users[name] = &principal{policies: map[string]string{}}
}

// AddRole creates an IAM role with a maximum session duration in seconds
// (0: AWS's default of 3600).
func (s *Server) AddRole(name string, maxSession int32) {
	if maxSession == 0 {
		maxSession = 3600
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.roles[name] = &principal{policies: map[string]string{}, maxSess: maxSession}
}

// AddAccessKey gives an existing user an access key with a status.
func (s *Server) AddAccessKey(user, id, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[user] == nil {
		return fmt.Errorf("no user %s", user)
	}
	s.st.keys[id] = &AccessKey{ID: id, User: user, Status: status, Created: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	return nil
}

// PutUserPolicy seeds an inline user policy.
func (s *Server) PutUserPolicy(user, name, doc string) error {
	return s.seedPolicy(s.st.users, user, name, doc)
}

// PutRolePolicy seeds an inline role policy.
func (s *Server) PutRolePolicy(role, name, doc string) error {
	return s.seedPolicy(s.st.roles, role, name, doc)
}

func (s *Server) seedPolicy(m map[string]*principal, who, name, doc string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := m[who]
	if p == nil {
		return fmt.Errorf("no principal %s", who)
	}
	p.policies[name] = doc
	return nil
}

// AddSecurityGroup creates a security group and returns its id (the given
// one, or a new one when ID is empty).
func (s *Server) AddSecurityGroup(g SecurityGroup) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.ID == "" {
		g.ID = s.nextID("sg-")
	}
	g.Ingress, g.Egress = slices.Clone(g.Ingress), slices.Clone(g.Egress)
	s.st.groups[g.ID] = &g
	return g.ID
}

// AddInstance creates an instance with its interfaces and volumes.
func (s *Server) AddInstance(in Instance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := Instance{ID: in.ID, Region: in.Region, VPC: in.VPC, Volumes: slices.Clone(in.Volumes)}
	if c.Region == "" {
		c.Region = Region
	}
	for _, n := range in.Interfaces {
		eni := &Interface{ID: n.ID, Groups: slices.Clone(n.Groups)}
		s.st.enis[n.ID] = eni
		c.Interfaces = append(c.Interfaces, Interface{ID: n.ID})
	}
	s.st.instances[in.ID] = &c
}

// AddBucket creates a bucket, with a public access block or none.
func (s *Server) AddBucket(name string, pab *PublicAccessBlock) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &bucket{}
	if pab != nil {
		c := *pab
		b.pab = &c
	}
	s.st.buckets[name] = b
}

// AccessKey reads a key back.
func (s *Server) AccessKey(id string) (AccessKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.st.keys[id]
	if !ok {
		return AccessKey{}, false
	}
	return *k, true
}

// UserPolicies reads a user's inline policies back.
func (s *Server) UserPolicies(user string) map[string]string { return s.policies(s.st.users, user) }

// RolePolicies reads a role's inline policies back.
func (s *Server) RolePolicies(role string) map[string]string { return s.policies(s.st.roles, role) }

func (s *Server) policies(m map[string]*principal, who string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := m[who]; p != nil {
		return maps.Clone(p.policies)
	}
	return nil
}

// InterfaceGroups reads an interface's security groups back.
func (s *Server) InterfaceGroups(eni string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.st.enis[eni]; n != nil {
		return slices.Clone(n.Groups)
	}
	return nil
}

// SecurityGroups reads every security group back, by id.
func (s *Server) SecurityGroups() map[string]SecurityGroup {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]SecurityGroup{}
	for id, g := range s.st.groups {
		c := *g
		c.Ingress, c.Egress = slices.Clone(g.Ingress), slices.Clone(g.Egress)
		out[id] = c
	}
	return out
}

// Snapshots reads every snapshot back, ordered by id.
func (s *Server) Snapshots() []Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Snapshot
	for _, id := range slices.Sorted(maps.Keys(s.st.snapshots)) {
		c := *s.st.snapshots[id]
		c.Tags = maps.Clone(c.Tags)
		out = append(out, c)
	}
	return out
}

// PublicAccessBlock reads a bucket's public access block back; false when
// the bucket has none.
func (s *Server) PublicAccessBlock(name string) (PublicAccessBlock, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.st.buckets[name]; b != nil && b.pab != nil {
		return *b.pab, true
	}
	return PublicAccessBlock{}, false
}
