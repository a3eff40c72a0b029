package graph_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/graph"
)

// TestLSASSCampaign01 builds the graph of a real Sysmon + Security log
// capture: the Security log's view of each process start joins Sysmon's,
// the payload's handle request on lsass.exe, which the Security log names
// by pid 0x7c4 only, is the payload's, and so is the service it installed
// to run as SYSTEM.
func TestLSASSCampaign01(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 102 MB corpus")
	}
	g := buildAll(readCorpus(t, lsass01))
	payload := "process:mkt01/81056205-5686-64dc-3b04-000000000800"
	lsassObject := `resource:host:mkt01/object:process:\device\harddiskvolume2\windows\system32\lsass.exe`
	if _, ok := lookupEdge(g, payload, lsassObject, "open"); !ok {
		t.Errorf("the payload's open of lsass.exe is not its own")
	}
	// Metasploit's getsystem installs the service rtcpef (4697, 7045 and
	// the ImagePath write, "rundll32.exe ...\rtcpef.dll,a /p:rtcpef"); the
	// 4697 names the payload as its client (ClientProcessId 1988), and
	// services.exe starts rundll32 as SYSTEM from it.
	rundll := "process:mkt01/81056205-56ef-64dc-4f04-000000000800"
	for _, from := range []string{payload, "resource:host:mkt01/service:rtcpef"} {
		if _, ok := lookupEdge(g, from, rundll, "service"); !ok {
			t.Errorf("no service edge %s -> the SYSTEM rundll32", from)
		}
	}
	if _, ok := lookupEdge(g, "session:host:mkt01/0xc10d0f", rundll, "service"); ok {
		t.Error("the installing session was linked although the 4697 names the installing process")
	}
	same := 0
	for e := range graph.EdgeID(g.Edges()) {
		ed := g.Edge(e)
		if g.Kind(ed.Kind) != "same" {
			continue
		}
		same++
		a, b := g.Node(ed.From).Entity, g.Node(ed.To).Entity
		if !strings.EqualFold(filepath.Base(strings.ReplaceAll(a.Name, `\`, "/")), filepath.Base(strings.ReplaceAll(b.Name, `\`, "/"))) {
			t.Errorf("same joins %s (%s) and %s (%s)", a.ID, a.Name, b.ID, b.Name)
		}
		if !strings.Contains(b.ID, "/pid/") || strings.Contains(a.ID, "/pid/") {
			t.Errorf("same must lead from a GUID process to a pid-keyed one: %s", describe(g, e))
		}
	}
	if same < 50 {
		t.Errorf("%d same edges, want the 53 process starts both logs saw", same)
	}
}
