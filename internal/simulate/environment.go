package simulate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Environment describes the simulated company: its people, machines, cloud
// account and identity provider. docs/simulate.md documents the YAML form.
type Environment struct {
	Name string `yaml:"name"`
	// Domain is the Windows domain: NetBIOS name and DNS suffix.
	Domain Domain `yaml:"domain"`
	// UTCOffsetHours places the office's working day on the UTC clock.
	UTCOffsetHours int `yaml:"utc_offset_hours"`
	// WorkHours is the local working day, [start, end) hours, Monday to
	// Friday.
	WorkHours [2]int `yaml:"work_hours"`
	// EgressIP is the office's public address (NAT) seen by cloud services.
	EgressIP string `yaml:"egress_ip"`
	Users    []User `yaml:"users"`
	Hosts    []Host `yaml:"hosts"`
	AWS      AWS    `yaml:"aws"`
	Okta     Okta   `yaml:"okta"`
	// Entra is the Microsoft Entra ID tenant people sign in to Microsoft
	// 365 with; empty when the company has none.
	Entra Entra `yaml:"entra"`
	// CrownJewels names the hosts and buckets whose compromise matters most.
	CrownJewels []string `yaml:"crown_jewels"`
}

// Domain is a Windows domain.
type Domain struct {
	NetBIOS string `yaml:"netbios"`
	DNS     string `yaml:"dns"`
}

// User is a person with a directory account (Windows domain and Okta).
// Groups give behaviour: "it-admins" administer machines (and hold domain
// admin rights), "developers" use SSH and the cloud.
type User struct {
	Name     string   `yaml:"name"`
	FullName string   `yaml:"full_name"`
	Groups   []string `yaml:"groups"`
}

// Host is a machine. OS is windows or linux; Role is workstation, server or
// domain_controller. A workstation's User is the person who works on it.
// Internet marks a server whose SSH port is reachable from the Internet.
type Host struct {
	Name     string `yaml:"name"`
	OS       string `yaml:"os"`
	Role     string `yaml:"role"`
	IP       string `yaml:"ip"`
	User     string `yaml:"user"`
	Internet bool   `yaml:"internet"`
}

// AWS is one AWS account.
type AWS struct {
	Account string    `yaml:"account"`
	Region  string    `yaml:"region"`
	Trail   string    `yaml:"trail"`
	Users   []IAMUser `yaml:"users"`
	Roles   []Role    `yaml:"roles"`
	Buckets []Bucket  `yaml:"buckets"`
	// CIAddress is the public address of the CI runners.
	CIAddress string `yaml:"ci_address"`
	// Instances are the EC2 instances whose network interfaces the VPC
	// Flow Logs record. An instance a role names that this list leaves out
	// is added with an address derived from its id.
	Instances []Instance `yaml:"instances"`
}

// IAMUser is an IAM user with a long-lived access key. Owner names the
// directory user who uses it (empty for automation such as CI); Admin
// marks a user with administrative policies.
type IAMUser struct {
	Name      string `yaml:"name"`
	Owner     string `yaml:"owner"`
	AccessKey string `yaml:"access_key"`
	Admin     bool   `yaml:"admin"`
}

// Role is an IAM role. Kind says who assumes it: "ci" (the CI user, to
// deploy), "sso" (people through Okta), "instance" (an EC2 instance
// profile, with the instance id), "backup" (the backup job's instance).
type Role struct {
	Name     string `yaml:"name"`
	Kind     string `yaml:"kind"`
	Instance string `yaml:"instance"`
}

// Bucket is an S3 bucket with the prefixes its objects live under.
type Bucket struct {
	Name     string   `yaml:"name"`
	Prefixes []string `yaml:"prefixes"`
}

// Okta is the identity provider's organisation.
type Okta struct {
	Org  string    `yaml:"org"`
	Apps []OktaApp `yaml:"apps"`
	// VPN is the remote-access gateway people sign in to through Okta;
	// nil when the office has none.
	VPN *VPN `yaml:"vpn"`
}

// VPN is a remote-access gateway: an Okta application (SAML) whose sign-in
// opens a tunnel into the office network, and the prefix the gateway hands
// its clients' inside addresses from.
type VPN struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	Pool string `yaml:"pool"`
}

// OktaApp is an application users sign in to through Okta.
type OktaApp struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
}

// LoadEnvironment reads an environment file. Unknown keys are errors.
func LoadEnvironment(path string) (*Environment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading environment: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var env Environment
	if err := dec.Decode(&env); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("decoding environment %s: empty file", path)
		}
		return nil, fmt.Errorf("decoding environment %s: %w", path, err)
	}
	if err := env.Validate(); err != nil {
		return nil, fmt.Errorf("environment %s: %w", path, err)
	}
	return &env, nil
}

// Validate checks that the environment is complete and consistent.
func (e *Environment) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if e.Domain.NetBIOS == "" || e.Domain.DNS == "" {
		bad("domain: netbios and dns are required")
	}
	if e.WorkHours[0] < 0 || e.WorkHours[1] > 24 || e.WorkHours[0] >= e.WorkHours[1] {
		bad("work_hours: want [start, end) with 0 <= start < end <= 24, got %v", e.WorkHours)
	}
	if _, err := netip.ParseAddr(e.EgressIP); err != nil {
		bad("egress_ip: %v", err)
	}
	users := map[string]bool{}
	for _, u := range e.Users {
		if u.Name == "" || users[u.Name] {
			bad("users: empty or repeated name %q", u.Name)
		}
		users[u.Name] = true
	}
	hosts := map[string]bool{}
	dcs := 0
	for _, h := range e.Hosts {
		if h.Name == "" || hosts[h.Name] || strings.ContainsAny(h.Name, `./\ `) {
			bad("hosts: empty, repeated or dotted name %q", h.Name)
		}
		hosts[h.Name] = true
		if _, err := netip.ParseAddr(h.IP); err != nil {
			bad("host %s: ip: %v", h.Name, err)
		}
		switch {
		case h.OS != "windows" && h.OS != "linux":
			bad("host %s: os %q: want windows or linux", h.Name, h.OS)
		case !slices.Contains([]string{"workstation", "server", "domain_controller"}, h.Role):
			bad("host %s: role %q: want workstation, server or domain_controller", h.Name, h.Role)
		case h.Role == "workstation" && !users[h.User]:
			bad("host %s: user %q is not in users", h.Name, h.User)
		case h.Role == "domain_controller":
			dcs++
		}
	}
	if dcs != 1 {
		bad("hosts: want exactly one domain_controller, got %d", dcs)
	}
	for _, iu := range e.AWS.Users {
		if iu.Owner != "" && !users[iu.Owner] {
			bad("aws user %s: owner %q is not in users", iu.Name, iu.Owner)
		}
	}
	if e.AWS.Account != "" && (len(e.AWS.Account) != 12 || strings.Trim(e.AWS.Account, "0123456789") != "") {
		bad("aws account %q: want 12 digits", e.AWS.Account)
	}
	if v := e.Okta.VPN; v != nil {
		if v.ID == "" || v.Name == "" {
			bad("okta vpn: id and name are required")
		}
		if p, err := netip.ParsePrefix(v.Pool); err != nil || !p.Addr().Is4() || p.Bits() > 28 {
			bad("okta vpn: pool %q: want an IPv4 prefix of at least 16 addresses", v.Pool)
		}
	}
	errs = append(errs, e.AWS.validateInstances()...)
	errs = append(errs, e.Entra.validate()...)
	return errors.Join(errs...)
}

// member reports whether user u is in group g.
func (u *User) member(g string) bool { return slices.Contains(u.Groups, g) }
