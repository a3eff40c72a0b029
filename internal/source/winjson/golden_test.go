package winjson_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// goldenCase is a set of inputs and how to pick the events to keep: every
// event of small fixtures; from corpus files, the first event of each
// channel and event id the normalizer classifies, and the first it does
// not (ClassOther).
type goldenCase struct {
	name  string
	files []string // relative to the corpora, or "testdata/..."
	all   bool
}

var goldenCases = []goldenCase{
	{name: "evtxdump_fixtures", files: []string{"testdata/fixtures_evtxdump.json"}, all: true},
	{name: "winlogbeat_ecs", files: []string{"testdata/winlogbeat_ecs.json"}, all: true},
	{name: "evtxdump_sigma", files: []string{"sigma/regression_data"}},
	{name: "winlogbeat_legacy", files: []string{"otrf/datasets/atomic/windows/defense_evasion/host/empire_wdigest_downgrade.tar.gz"}},
	{name: "nxlog_timecreated", files: []string{
		"otrf-compound/LSASS_campaign_01/metasploit_logonpasswords_lsass_memory_dump.zip",
		"otrf-compound/LSASS_campaign_03/metasploit_comsvcs_lsass_memory_dump.zip",
		"otrf/datasets/atomic/windows/credential_access/host/cmd_psexec_lsa_secrets_dump.zip",
		"otrf/datasets/atomic/windows/lateral_movement/host/schtask_create.zip",
		"otrf/datasets/atomic/windows/defense_evasion/host/psh_mshta_html_application_execution.zip",
	}},
	{name: "nxlog_logstash", files: []string{
		"otrf/datasets/atomic/windows/lateral_movement/host/empire_psexec_dcerpc_tcp_svcctl.zip",
		"otrf/datasets/atomic/windows/defense_evasion/host/covenant_lolbin_wuauclt_createremotethread.zip",
		"otrf/datasets/atomic/windows/lateral_movement/host/covenant_psremoting_command.zip",
		"otrf/datasets/atomic/windows/persistence/host/empire_schtasks_creation_standard_user.zip",
		"otrf/datasets/atomic/windows/defense_evasion/host/empire_monologue_netntlm_downgrade.zip",
	}},
	{name: "sentinel", files: []string{
		"otrf-compound/GoldenSAMLADFSMailAccess/WindowsEvents.Zip",
		"otrf-compound/Log4Shell/securityauditing_log4shell_cve2021_44228_java_serialized_object.zip",
		"otrf-compound/Log4Shell/sysmon_log4shell_cve2021_44228_java_serialized_object.zip",
	}},
}

func TestGolden(t *testing.T) {
	for _, gc := range goldenCases {
		t.Run(gc.name, func(t *testing.T) {
			if testing.Short() && gc.name == "nxlog_timecreated" {
				t.Skip("reads the LSASS campaigns (200 MB of JSON)")
			}
			var paths []string
			for _, f := range gc.files {
				if strings.HasPrefix(f, "testdata/") {
					paths = append(paths, f)
					continue
				}
				p := filepath.Join(corpora(t), f)
				if st, err := os.Stat(p); err == nil && st.IsDir() {
					js, err := jsonFiles(p)
					if err != nil {
						t.Fatal(err)
					}
					paths = append(paths, js...)
					continue
				}
				paths = append(paths, p)
			}
			keep := &picker{all: gc.all, seen: map[string]bool{}}
			readPaths(t, keep, paths...)
			for _, err := range keep.errs {
				if !isAppleDouble(err) {
					t.Errorf("unexpected error: %v", err)
				}
			}
			sourcetest.Golden(t, filepath.Join("testdata", gc.name+".golden"), render(keep.events))
		})
	}
}

// jsonFiles lists the .json files under dir in name order.
func jsonFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			out = append(out, p)
		}
		return err
	})
	sort.Strings(out)
	return out, err
}

// isAppleDouble reports an error about a macOS resource-fork member
// (__MACOSX/._name) that some OTRF zips carry beside the data: it is not a
// log and is rightly reported as an unknown format.
func isAppleDouble(err error) bool {
	return strings.Contains(err.Error(), "!__MACOSX/._")
}

// picker is a Sink that keeps every event, or only the first of each
// channel and event id that has a class and the first without one.
type picker struct {
	all    bool
	seen   map[string]bool
	events []*event.Event
	errs   []error
}

func (p *picker) Event(ev *event.Event) {
	if !p.all {
		key := strings.ToLower(ev.Value("Channel")) + "/" + ev.Value("EventID")
		if ev.Class == event.ClassOther {
			key = "other"
		}
		if p.seen[key] {
			return
		}
		p.seen[key] = true
	}
	p.events = append(p.events, ev)
}

func (p *picker) Error(err error) { p.errs = append(p.errs, err) }

// maxValue bounds field values in golden files (nxlog's Message fields run
// to kilobytes).
const maxValue = 160

type goldenEvent struct {
	ID      string   `json:"id"`
	Time    string   `json:"time"`
	Format  string   `json:"format"`
	Record  string   `json:"record,omitempty"`
	Class   string   `json:"class"`
	Action  string   `json:"action,omitempty"`
	Outcome string   `json:"outcome,omitempty"`
	Refs    []string `json:"refs"`
	Fields  []string `json:"fields"`
	Notes   []string `json:"notes,omitempty"`
}

func render(evs []*event.Event) []byte {
	out := make([]goldenEvent, 0, len(evs))
	for _, ev := range evs {
		g := goldenEvent{
			ID: ev.ID.String(), Time: ev.Time.Format("2006-01-02T15:04:05.000000Z07:00"),
			Format: ev.Source.Format, Record: ev.Source.Record,
			Class: string(ev.Class), Action: ev.Action, Outcome: string(ev.Outcome), Notes: ev.Notes,
		}
		for _, r := range ev.Refs {
			g.Refs = append(g.Refs, string(r.Role)+" "+r.Entity.ID+" ("+r.Entity.Name+")")
		}
		for _, f := range ev.Fields {
			v := f.Value
			if len(v) > maxValue {
				v = v[:maxValue] + "…"
			}
			g.Fields = append(g.Fields, f.Key+"="+v)
		}
		out = append(out, g)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}
