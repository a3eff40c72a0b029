package app

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/source"
)

// TestLSASSCampaign01Incident investigates the real LSASS campaign 01 and
// finds the attack as one incident, from the browser's download of the
// payload through its execution, the C2 channel to 10.0.5.13:8080, the
// discovery commands and the injection into svchost to the LSASS read,
// with the downloaded payload or the server it came from ranked first as
// the root cause.
func TestLSASSCampaign01Incident(t *testing.T) {
	a := analyzeLSASS01(t)
	steps := []struct{ step, id string }{
		{"the browser that saved the payload", "process:mkt01/81056205-5672-64dc-3304-000000000800"},
		{"the downloaded payload", `file:mkt01/c:\users\stevie.marie\downloads\winx64_payload.exe`},
		{"the payload running", "process:mkt01/81056205-5686-64dc-3b04-000000000800"},
		{"the C2 channel", "ip:10.0.5.13:8080"},
		{"systeminfo", "process:mkt01/81056205-56a2-64dc-4004-000000000800"},
		{"whoami", "process:mkt01/81056205-56ab-64dc-4404-000000000800"},
		{"tasklist", "process:mkt01/81056205-56c3-64dc-4b04-000000000800"},
		{"the svchost injected into", "process:mkt01/81056205-d0f8-64d4-2300-000000000800"},
		{"lsass.exe, read", "process:mkt01/81056205-d0f3-64d4-0c00-000000000800"},
	}
	holding := map[string][]int{}
	for i, inc := range a.Incidents() {
		for _, m := range inc.Entities {
			holding[m.Entity.ID] = append(holding[m.Entity.ID], i)
		}
	}
	want := -1
	for _, s := range steps {
		switch in := holding[s.id]; {
		case len(in) == 0:
			t.Errorf("%s (%s) is in no incident", s.step, s.id)
		case len(in) > 1:
			t.Errorf("%s (%s) is in %d incidents", s.step, s.id, len(in))
		case want == -1:
			want = in[0]
		case in[0] != want:
			t.Errorf("%s (%s) is in incident %d, the rest of the attack in %d", s.step, s.id, in[0], want)
		}
	}
	if want < 0 {
		return
	}
	inc := a.Incidents()[want]
	if len(inc.RootCauses) == 0 {
		t.Fatal("no root cause")
	}
	switch rc := inc.RootCauses[0].Entity.ID; rc {
	case steps[1].id, "ip:10.0.5.13", "ip:10.0.5.13:80":
	default:
		t.Errorf("root cause %s, want the downloaded payload or the server it came from", rc)
	}
	t.Logf("one incident of %d findings, %d entities; %d incidents in the capture", len(inc.Findings), len(inc.Entities), len(a.Incidents()))
}

// analyzeLSASS01 reads and investigates the real LSASS campaign 01 with
// every SigmaHQ rule; it skips with -short.
func analyzeLSASS01(t *testing.T) *Analysis {
	t.Helper()
	if testing.Short() {
		t.Skip("investigates a corpus campaign")
	}
	root := corpora(t)
	var out bytes.Buffer
	deps := Deps{Stdout: &out, Stderr: &out, Now: time.Now}
	cfg := Config{Output: "json", Progress: "never", Domains: map[string]string{"PANDALAB": "pandalab.com"},
		Rules: []string{filepath.Join(root, "sigma", "rules")}}
	in := []string{filepath.Join(root, "otrf-compound", "LSASS_campaign_01")}
	a, err := analyze(context.Background(), cfg, deps, func(ctx context.Context, w *source.Walker, sink source.Sink) error {
		return w.Read(ctx, in, sink)
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
