package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// TestLSASSCampaignPlan plans the containment of the real LSASS campaign
// 01: the attack's incident isolates the compromised workstation, blocks
// the C2 address, and acts on no other host.
func TestLSASSCampaignPlan(t *testing.T) {
	a := analyzeLSASS01(t)
	var out bytes.Buffer
	deps := Deps{Stdout: &out, Stderr: &out, Now: time.Now}
	plans, err := contain(context.Background(), RespondConfig{Mode: "plan"}, deps, a)
	if err != nil {
		t.Fatal(err)
	}
	const payload = "process:mkt01/81056205-5686-64dc-3b04-000000000800"
	var attack *action.Plan
	for i, inc := range a.Incidents() {
		for _, m := range inc.Entities {
			if m.Entity.ID == payload {
				attack = &plans[i]
			}
		}
	}
	if attack == nil {
		t.Fatal("no incident holds the payload")
	}
	got := map[string]bool{}
	for _, act := range attack.Actions {
		got[string(act.Kind)+" "+act.Target.ID] = true
		onHost := strings.Contains(act.Target.ID, "mkt01") || strings.HasPrefix(act.Target.ID, "ip:10.0.5.13")
		if !onHost {
			t.Errorf("action %s on %s: not the compromised host or the C2", act.Kind, act.Target.ID)
		}
		if act.Decision == "" || act.Reason.Why == "" {
			t.Errorf("action %s %s without a decision or an explanation", act.Kind, act.Target.ID)
		}
	}
	for _, want := range []string{"host.isolate host:mkt01", "host.block_ip ip:10.0.5.13"} {
		if !got[want] {
			t.Errorf("plan lacks %s: %v", want, got)
		}
	}
}
