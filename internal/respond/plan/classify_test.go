package plan

import (
	"net/netip"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

func TestClassify(t *testing.T) {
	hosts := map[string]bool{"ws01": true, "web01; rm -rf /": true, "mkt01": true}
	internal := []netip.Prefix{netip.MustParsePrefix("198.18.0.0/15")}
	tests := []struct {
		id   string
		cls  class
		host string
	}{
		{"host:ws01", clHost, ""},
		{"host:i-0abc1234def567890", clInstance, ""},
		{"host:i-xyz", clHost, ""},
		{"process:ws01/1234-abcd", clProcess, "ws01"},
		{"process:web01; rm -rf //$(reboot)", clProcess, "web01; rm -rf /"},
		{"process:unknown/guid", clProcess, "unknown"},
		{`file:ws01/c:\users\bob\x.exe`, clFile, "ws01"},
		{"file:web1//tmp/X", clFile, "web1"},
		{"session:host:mkt01/0x3e7", clLocal, "mkt01"},
		{`principal:mkt01/nt authority\system`, clLocal, "mkt01"},
		{"resource:host:mkt01/service:evil", clLocal, "mkt01"},
		{"ip:203.0.113.7:443", clExternalIP, ""},
		{"ip:10.0.0.5", clInternalIP, ""},
		{"ip:100.64.1.1", clInternalIP, ""},
		{"ip:198.18.0.1", clInternalIP, ""},
		{"ip:[2001:db8::1]:443", clExternalIP, ""},
		{"ip:ec2.amazonaws.com", clDomain, ""},
		{"domain:evil.example", clDomain, ""},
		{"credential:AKIAIOSFODNN7EXAMPLE", clAWSKey, ""},
		{"credential:ASIAIOSFODNN7EXAMPLE", clAWSTempKey, ""},
		{"credential:AKIA$(reboot)", clOther, ""},
		{"session:aws/asiaiosfodnn7example", clAWSSession, ""},
		{"session:okta/102abc", clIdPSession, ""},
		{"session:entra/abc", clIdPSession, ""},
		{"resource:arn:aws:s3:::b/k", clBucket, ""},
		{"principal:arn:aws:iam::1:user/bob", clAWSUser, ""},
		{"principal:arn:aws:iam::1:role/r", clAWSRole, ""},
		{"principal:arn:aws:sts::1:assumed-role/r/s", clAWSRole, ""},
		{"principal:arn:aws:iam::1:root", clAWSRoot, ""},
		{"principal:alice@corp.com", clIdPUser, ""},
		{"principal:okta:00u1", clIdPUser, ""},
		{"principal:app:1234", clOther, ""},
		{"principal:ec2.amazonaws.com", clOther, ""},
		{"principal:anonymous", clAnonymous, ""},
		{"principal:bob", clOther, ""},
	}
	for _, tt := range tests {
		cls, h := classify(event.Entity{ID: tt.id}, hosts, internal)
		if cls != tt.cls || h != tt.host {
			t.Errorf("%s: class %d host %q, want %d %q", tt.id, cls, h, tt.cls, tt.host)
		}
	}
}

func TestRoles(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arn:aws:iam::1:role/data-reader/exfil", "arn:aws:iam::1:role/data-reader"},
		{"session:aws/arn:aws:iam::1:role/r/alice@corp.com@2024-01-01T00:00:00Z", "arn:aws:iam::1:role/r"},
		{"arn:aws:sts::1:assumed-role/r/sess", "arn:aws:iam::1:role/r"},
		{"arn:aws:iam::1:role/r", ""}, // no session name: not a session
		{"asia0000", ""},
	}
	for _, tt := range tests {
		if got := sessionRole(tt.in); got != tt.want {
			t.Errorf("sessionRole(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := principalRole("principal:arn:aws:sts::1:assumed-role/r/s"); got != "arn:aws:iam::1:role/r" {
		t.Errorf("principalRole: %q", got)
	}
	if got := principalRole("principal:arn:aws:iam::1:user/u"); got != "" {
		t.Errorf("principalRole of a user: %q", got)
	}
}

func TestCosts(t *testing.T) {
	c := Config{}.withDefaults()
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"isolate criticality 3", c.cost("host.isolate", weight(3), 1), 16},
		{"isolate criticality 5", c.cost("host.isolate", weight(5), 1), 64},
		{"kill is irreversible", c.cost("host.kill_process", weight(3), 1), 24},
		{"block an unknown address", c.cost("host.block_ip", 1, 1), 1},
		{"revoke spread over 3 sessions", c.cost("aws.revoke_sessions", weight(3), 3), 24},
		{"snapshot is free", c.cost("aws.snapshot_volumes", weight(5), 1), 0},
		{"weight clamps", weight(9), 16},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	c.Costs = map[action.Kind]float64{"host.isolate": 1}
	if v := c.cost("host.isolate", weight(3), 1); v != 4 {
		t.Errorf("overridden base: %v", v)
	}
}
