package app

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/demo"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// TestDemoJoins checks that the demo's sources meet on the same entities:
// the joins the causal graph will be built from.
func TestDemoJoins(t *testing.T) {
	var out bytes.Buffer
	cfg := Config{Output: "json", Progress: "never", Year: demo.Year, Domains: demo.Domains}
	deps := Deps{Stdout: &out, Stderr: &out, Now: time.Now}
	a, err := analyze(context.Background(), cfg, deps, readFS(demo.Data, "."))
	if err != nil {
		t.Fatal(err)
	}
	inv := a.Summary.Inventory
	var events []*event.Event
	for _, ev := range a.Events {
		events = append(events, ev)
	}
	if inv.Errors != 0 || len(inv.SkippedPaths) != 0 || len(inv.Formats) != 5 {
		t.Fatalf("demo data: %d errors, %d skipped, formats %v", inv.Errors, len(inv.SkippedPaths), inv.Formats)
	}
	// formats[entity id] = the sources that mention it
	formats := map[string]map[string]bool{}
	for _, ev := range events {
		for _, r := range ev.Refs {
			if formats[r.Entity.ID] == nil {
				formats[r.Entity.ID] = map[string]bool{}
			}
			formats[r.Entity.ID][ev.Source.Format] = true
		}
	}
	for _, j := range []struct {
		id   string
		in   []string
		what string
	}{
		{"principal:alice@acme.com", []string{"okta", "winjson-evtxdump"}, "ACME\\alice on the workstation is the Okta user"},
		{"ip:10.20.1.15", []string{"syslog"}, "the workstation's address logs on to db01"},
		{"ip:203.0.113.80", []string{"cloudtrail", "syslog"}, "the C2 address calls AWS and brute-forces SSH"},
		{"credential:AKIADEMOBACKUP000002", []string{"cloudtrail"}, "the key created by alice is then used"},
		{"host:ws-alice", []string{"winjson-evtxdump"}, "the workstation"},
	} {
		for _, f := range j.in {
			if !formats[j.id][f] {
				t.Errorf("%s (%s): not in %s events (found in %v)", j.id, j.what, f, formats[j.id])
			}
		}
	}
	// The key alice created is the credential of later calls.
	var created, used bool
	for _, ev := range events {
		for _, r := range ev.Refs {
			if r.Entity.ID == "credential:AKIADEMOBACKUP000002" {
				created = created || r.Role == event.RoleTarget
				used = used || r.Role == event.RoleCredential
			}
		}
	}
	if !created || !used {
		t.Errorf("CreateAccessKey -> use of the new key: created %v, used %v", created, used)
	}
}

// TestDemoDetects runs the demo with the SigmaHQ rules: the attack's steps
// raise findings of the rules written for them.
func TestDemoDetects(t *testing.T) {
	rules := filepath.Join(corpora(t), "sigma", "rules")
	var out bytes.Buffer
	cfg := Config{Output: "json", Progress: "never", Rules: []string{rules}}
	if err := Demo(context.Background(), cfg, Deps{Stdout: &out, Stderr: &out, Now: time.Now}); err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Events    int
		Detection struct {
			Findings    int
			RulesLoaded int                          `json:"rules_loaded"`
			ByRule      []struct{ ID, Title string } `json:"by_rule"`
		}
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if sum.Detection.RulesLoaded < 3000 || sum.Detection.Findings == 0 {
		t.Fatalf("detection summary: %+v", sum.Detection)
	}
	titles := map[string]bool{}
	for _, r := range sum.Detection.ByRule {
		titles[r.Title] = true
	}
	for _, title := range []string{"Lsass Memory Dump via Comsvcs DLL", "AWS IAM Backdoor Users Keys", "Enumerate All Information With Whoami.EXE"} {
		if !titles[title] {
			t.Errorf("no finding of %q in %v", title, titles)
		}
	}
}

func TestRulesNotADirectory(t *testing.T) {
	var out bytes.Buffer
	err := Demo(context.Background(), Config{Output: "text", Rules: []string{"/nonexistent/rules"}}, Deps{Stdout: &out, Stderr: &out, Now: time.Now})
	if err == nil {
		t.Error("a missing rules directory must be an error")
	}
}
