package inventory

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

func load(t *testing.T) *Inventory {
	t.Helper()
	inv, err := Load("testdata/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestLookup(t *testing.T) {
	inv := load(t)
	tests := []struct {
		id        string
		crit      int
		tier      string
		protected bool
		jewel     bool
		known     bool
		rule      string // substring of Rule
	}{
		{"host:dc01", 5, "tier0", true, false, true, "id host:dc01"},
		{"host:db02", 5, "standard", false, true, true, "glob host:db*"},
		{"host:pos7", 4, "pci", false, false, true, "tag pci"},
		// a tag beats an address range
		{"host:10.20.0.5", 4, "pci", false, false, true, "tag pci"},
		// the narrowest range wins, whatever the file order
		{"host:10.20.0.6", 4, "finance", false, false, true, "cidr 10.20.0.0/16"},
		{"ip:10.1.2.3:445", 3, "internal", false, false, true, "cidr 10.0.0.0/8"},
		{"ip:[::ffff:10.1.2.3]:80", 3, "internal", false, false, true, "cidr 10.0.0.0/8"},
		{"ip:198.51.100.7", 2, "standard", true, false, true, "cidr 198.51.100.7/32"},
		{"resource:arn:aws:s3:::payroll-2024/q1.csv", 5, "standard", false, true, true, "glob"},
		{"host:web01", 2, "standard", false, false, false, "defaults"},
		{"host:web01; rm -rf /", 2, "standard", false, false, false, "defaults"},
		{"ip:203.0.113.9", 2, "standard", false, false, false, "defaults"},
	}
	for _, tt := range tests {
		a := inv.Lookup(event.Entity{ID: tt.id})
		if a.Criticality != tt.crit || a.Tier != tt.tier || a.Protected != tt.protected ||
			a.CrownJewel != tt.jewel || a.Known != tt.known || !strings.Contains(a.Rule, tt.rule) {
			t.Errorf("%s: got %+v, want crit %d tier %q protected %v jewel %v known %v rule ~%q",
				tt.id, a, tt.crit, tt.tier, tt.protected, tt.jewel, tt.known, tt.rule)
		}
	}
	dc := inv.LookupID("host:dc01")
	if dc.Management != netip.MustParseAddrPort("10.0.0.2:5985") || dc.Owner != "identity-team" {
		t.Errorf("dc01: management %v owner %q", dc.Management, dc.Owner)
	}
	if web := inv.LookupID("host:web01"); web.Owner != "soc@example.com" || !strings.HasPrefix(web.Rule, "testdata/inventory.yaml:3 ") {
		t.Errorf("defaults: owner %q rule %q", web.Owner, web.Rule)
	}
	if pos := inv.LookupID("host:pos7"); !slices.Equal(pos.Tags, []string{"pci"}) {
		t.Errorf("tags of a tagged asset: %v", pos.Tags)
	}
	// Callers own what Lookup returns.
	a := inv.LookupID("host:dc01")
	a.Tags[0] = "changed"
	if inv.LookupID("host:dc01").Tags[0] != "domain-controller" {
		t.Error("Lookup shares its tags with the caller")
	}
}

func TestNilAndEmpty(t *testing.T) {
	var inv *Inventory
	if a := inv.LookupID("host:x"); a.Criticality != DefaultCriticality || a.Known {
		t.Errorf("nil inventory: %+v", a)
	}
	empty, err := Parse("empty.yaml", []byte("# nothing\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a := empty.LookupID("host:x"); a.Criticality != DefaultCriticality || a.Rule != "defaults" {
		t.Errorf("empty inventory: %+v", a)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"out of range", "assets:\n  - id: host:a\n    criticality: 7\n", "t.yaml:3: criticality 7 is out of range 1..5"},
		{"not a number", "assets:\n  - id: host:a\n    criticality: high\n", "t.yaml:3: criticality must be a whole number"},
		{"unknown key", "assets:\n  - id: host:a\n    critical: 5\n", `t.yaml:3: unknown key "critical"`},
		{"two selectors", "assets:\n  - id: host:a\n    glob: host:*\n", "t.yaml:2: asset entry needs exactly one of id, glob, tag, cidr (has 2)"},
		{"no selector", "assets:\n  - criticality: 2\n", "t.yaml:2: asset entry needs exactly one"},
		{"duplicate id", "assets:\n  - id: host:a\n  - id: host:a\n", `t.yaml:3: id "host:a" already listed at line 2`},
		{"bad cidr", "assets:\n  - cidr: 10.0.0.0/33\n", `t.yaml:2: cidr "10.0.0.0/33"`},
		{"bad management", "assets:\n  - id: host:a\n    management: mgmt.corp\n", `t.yaml:3: management "mgmt.corp" must be address:port`},
		{"bad flag", "assets:\n  - id: host:a\n    protected: maybe\n", "t.yaml:3: protected must be true or false"},
		{"top level", "hosts: []\n", `t.yaml:1: unknown key "hosts"`},
		{"not a mapping", "- a\n- b\n", "t.yaml:1: inventory must be a mapping"},
		{"assets not a list", "assets: {id: x}\n", "t.yaml:1: assets must be a list"},
		{"repeated key", "assets:\n  - id: host:a\n    owner: x\n    owner: y\n", `t.yaml:4: asset: key "owner" repeated`},
		{"syntax", "assets:\n  - id: [\n", "parsing inventory t.yaml: yaml: line"},
		{"tags without selector", "tags:\n  - tags: [a]\n", "t.yaml:2: tags entry needs exactly one of id, glob"},
		{"empty tag", "assets:\n  - id: host:a\n    tags: ['']\n", "t.yaml:3: tags: empty value"},
	}
	for _, tt := range tests {
		_, err := Parse("t.yaml", []byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	if _, err := Load("testdata/missing.yaml"); err == nil || !strings.Contains(err.Error(), "reading inventory") {
		t.Errorf("missing file: %v", err)
	}
}

func TestInheritDefaults(t *testing.T) {
	// Entries inherit what they do not set from the defaults, wherever the
	// defaults appear in the file.
	inv, err := Parse("t.yaml", []byte("assets:\n  - id: host:a\n    tier: gold\ndefaults:\n  criticality: 4\n  owner: ops\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a := inv.LookupID("host:a"); a.Criticality != 4 || a.Owner != "ops" || a.Tier != "gold" {
		t.Errorf("inherited: %+v", a)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		glob, id string
		want     bool
	}{
		{"host:db*", "host:db01", true},
		{"host:db*", "host:db", true},
		{"host:db*", "host:web01", false},
		{"*", "", true},
		{"", "", true},
		{"", "x", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"host:db?", "host:db1", true},
		{"host:db?", "host:db12", false},
		{"process:*/guid", "process:web01/x/guid", true},
		{"host:web*", "host:web01; rm -rf /", true},
		{"host:[ab]", "host:a", false}, // brackets are literal
		{"host:[ab]", "host:[ab]", true},
		{"*a*a*a*a*a*b", strings.Repeat("a", 200), false},
		{"héllo*", "héllo wörld", true},
	}
	for _, tt := range tests {
		if got := Match(tt.glob, tt.id); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.glob, tt.id, got, tt.want)
		}
	}
}

func TestAddr(t *testing.T) {
	tests := []struct {
		id, want string
	}{
		{"ip:10.0.0.1", "10.0.0.1"},
		{"ip:10.0.0.1:443", "10.0.0.1"},
		{"ip:[2001:db8::1]:443", "2001:db8::1"},
		{"ip:2001:db8::1", "2001:db8::1"},
		{"host:10.0.5.13", "10.0.5.13"},
		{"ip:::ffff:10.0.0.1", "10.0.0.1"},
		{"host:web01", ""},
		{"domain:evil.example", ""},
		{"ip:ec2.amazonaws.com", ""},
	}
	for _, tt := range tests {
		a, ok := Addr(tt.id)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tt.want {
			t.Errorf("Addr(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}
