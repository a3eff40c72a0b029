package inventory

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds the loader arbitrary YAML: it must return an inventory
// or an error naming the file, never panic, and every asset it answers
// must be in range.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/inventory.yaml"); err == nil {
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"defaults: {criticality: 1}\n",
		"assets:\n  - id: host:a\n    criticality: 5\n",
		"assets:\n  - glob: '*'\n    protected: true\n",
		"assets:\n  - cidr: ::ffff:10.0.0.0/104\n",
		"assets:\n  - cidr: 0.0.0.0/0\n    management: '[::1]:22'\n",
		"a: &x {criticality: 2}\ndefaults: *x\n",
		"assets: &l [ {id: a}, *l ]\n",
		"tags:\n  - glob: 'host:*'\n    tags: [x, x]\nassets:\n  - tag: x\n",
		"assets:\n  - id: [\n",
	} {
		f.Add([]byte(s))
	}
	ids := []string{"host:a", "host:10.0.0.1", "ip:[::1]:22", "ip:10.1.1.1:80", "process:a/1", ""}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse("f.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), "f.yaml") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		for _, id := range ids {
			a := inv.LookupID(id)
			if a.Criticality < MinCriticality || a.Criticality > MaxCriticality {
				t.Errorf("%s: criticality %d", id, a.Criticality)
			}
		}
	})
}
