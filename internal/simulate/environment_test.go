package simulate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/eval"
	"github.com/causeway-soc/causeway/internal/simulate"
)

func TestLoadEnvironmentAndSimulateIt(t *testing.T) {
	env, err := simulate.LoadEnvironment(filepath.Join("testdata", "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Hosts) != 5 || env.Domain.NetBIOS != "SMALL" || env.AWS.Account != "123456789012" {
		t.Fatalf("loaded %+v", env)
	}
	dir := t.TempDir()
	sum, err := simulate.Run(context.Background(), simulate.Config{Seed: 3, Environment: env, Duration: 48 * time.Hour}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	events, errs := read(dir, 2026)
	if len(errs) > 0 || int64(len(events)) != sum.Events {
		t.Fatalf("read %d of %d events, errors: %v", len(events), sum.Events, errs)
	}
	hosts := map[string]bool{}
	for _, ev := range events {
		for _, r := range ev.Refs {
			if strings.HasPrefix(r.Entity.ID, "host:") {
				hosts[r.Entity.ID] = true
			}
		}
	}
	for _, h := range []string{"host:pc1", "host:pc2", "host:pc3", "host:dc", "host:web"} {
		if !hosts[h] {
			t.Errorf("no event on %s", h)
		}
	}
	for _, sc := range sum.Scenarios {
		s, err := eval.Load(sc.Path)
		if err != nil {
			t.Fatal(err)
		}
		if s.Domains["SMALL"] != "small.example.org" {
			t.Errorf("%s: domains %v", s.Name, s.Domains)
		}
	}
}

func TestLoadEnvironmentRejects(t *testing.T) {
	for name, text := range map[string]string{
		"unknown key":   "name: x\ncolour: blue\n",
		"no dc":         "domain: {netbios: A, dns: a.org}\nwork_hours: [8, 18]\negress_ip: 1.2.3.4\n",
		"bad user":      "domain: {netbios: A, dns: a.org}\nwork_hours: [8, 18]\negress_ip: 1.2.3.4\nhosts: [{name: dc, os: windows, role: domain_controller, ip: 10.0.0.1}, {name: w, os: windows, role: workstation, ip: 10.0.0.2, user: nobody}]\n",
		"bad hours":     "domain: {netbios: A, dns: a.org}\nwork_hours: [18, 8]\negress_ip: 1.2.3.4\n",
		"empty":         "",
		"bad ip":        "domain: {netbios: A, dns: a.org}\nwork_hours: [8, 18]\negress_ip: nowhere\n",
		"dotted host":   "domain: {netbios: A, dns: a.org}\nwork_hours: [8, 18]\negress_ip: 1.2.3.4\nhosts: [{name: dc.a.org, os: windows, role: domain_controller, ip: 10.0.0.1}]\n",
		"short account": "domain: {netbios: A, dns: a.org}\nwork_hours: [8, 18]\negress_ip: 1.2.3.4\nhosts: [{name: dc, os: windows, role: domain_controller, ip: 10.0.0.1}]\naws: {account: '12'}\n",
	} {
		p := filepath.Join(t.TempDir(), "env.yaml")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := simulate.LoadEnvironment(p); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestRunRejects(t *testing.T) {
	nonEmpty := t.TempDir()
	if err := os.WriteFile(filepath.Join(nonEmpty, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		cfg simulate.Config
		dir string
	}{
		"non-empty output":  {simulate.Config{}, nonEmpty},
		"unknown campaign":  {simulate.Config{Campaigns: []string{"nope"}}, t.TempDir()},
		"too short":         {simulate.Config{Duration: time.Minute}, t.TempDir()},
		"campaign too late": {simulate.Config{Duration: 2 * time.Hour}, t.TempDir()},
	} {
		if _, err := simulate.Run(context.Background(), c.cfg, c.dir, nil); err == nil {
			t.Errorf("%s: ran", name)
		}
	}
	// Without campaigns a short run is fine, and writes no scenario.
	sum, err := simulate.Run(context.Background(), simulate.Config{Duration: 2 * time.Hour, Campaigns: []string{}}, t.TempDir(), nil)
	if err != nil || len(sum.Scenarios) != 0 || sum.Events == 0 {
		t.Errorf("short run without campaigns: %+v, %v", sum, err)
	}
}
