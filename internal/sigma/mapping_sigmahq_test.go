package sigma

import (
	"sort"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// sigmaHQFires lists SigmaHQ rules for non-Windows logsources that fire on
// real corpus data through the readers and the logsource mapping: the
// attack each file records is what the rule describes (Stratus detonations,
// Panther's test events for the same behaviour, Falco's traces, the
// Log4Shell and APT29 emulations, OTRF's Linux atomics).
var sigmaHQFires = []struct {
	path  string // relative to the corpora
	rules []string
}{
	// AWS CloudTrail (Stratus Red Team detonations).
	{"stratus-red-team/detonation-logs/aws.defense-evasion.cloudtrail-stop.json", []string{"4db60cc0-36fb-42b7-9b58-a5b53019fb74"}},
	{"stratus-red-team/detonation-logs/aws.defense-evasion.cloudtrail-delete.json", []string{"4db60cc0-36fb-42b7-9b58-a5b53019fb74"}},
	{"stratus-red-team/detonation-logs/aws.defense-evasion.vpc-remove-flow-logs.json", []string{"e386b9b5-af12-450e-afff-761730fb8a98"}},
	{"stratus-red-team/detonation-logs/aws.persistence.iam-backdoor-user.json", []string{"0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2"}},
	{"stratus-red-team/detonation-logs/aws.persistence.lambda-layer-extension.json", []string{"97fbabf8-8e1b-47a2-b7d5-a418d2b95e3d"}},
	{"stratus-red-team/detonation-logs/aws.initial-access.console-login-without-mfa.json", []string{"77caf516-34e5-4df9-b4db-20744fea0a60"}},
	{"stratus-red-team/detonation-logs/aws.exfiltration.ec2-share-ebs-snapshot.json", []string{"abae8fec-57bd-4f87-aff6-6e3db989843d"}},
	{"stratus-red-team/detonation-logs/aws.exfiltration.ec2-security-group-open-port-22-ingress.json", []string{"6fb77778-040f-4015-9440-572aa9b6b580"}},
	{"stratus-red-team/detonation-logs/aws.privilege-escalation.iam-update-user-login-profile.json", []string{"055fb148-60f8-462d-ad16-26926ce050f1"}},
	{"stratus-red-team/detonation-logs/aws.credential-access.ec2-steal-instance-credentials.json", []string{"38e7f511-3f74-41d4-836e-f57dfa18eead"}},
	// Okta, GCP, Kubernetes (Panther's test events, Falco's traces).
	{panther + "Okta.SystemLog.jsonl", []string{
		"19951c21-229d-4ccb-8774-b993c3ff3c5c", // API token created
		"cf1dbc6b-6205-41b4-9b88-a83980d2255b", // API token revoked
		"413d4a81-6c98-4479-9863-014785fd579c", // admin role assigned
		"91b76b84-8589-47aa-9605-c837583b82a9", // password in alternateId
	}},
	{panther + "GCP.AuditLog.jsonl", []string{
		"fe513c69-734c-4d4a-8548-ac5f609be82b", // firewall rule modified
		"28268a8f-191f-4c17-85b2-f5aa4fa829c3", // DNS zone modified
		"4d9f2ee2-c903-48ab-b9c1-8c0f474913d0", // bucket modified
	}},
	{"k8s-audit", []string{
		"10b97915-ec8d-455f-a815-9a78926585f6", // role binding modification
		"a1b0ca4e-7835-413e-8471-3ff2b8a66be6", // exec into container
	}},
	{panther + "Amazon.EKS.Audit.jsonl", []string{
		"402b955c-8fe0-4a8c-b635-622b4ac5f902", // hostPath mount
		"c5cd1b20-36bb-488d-8c05-486be3d0cb97", // privileged pod
		"a80d927d-ac6e-443f-a867-e8d6e3897318", // pod in kube-system
		"eed82177-38f5-4299-8a76-098d50d225ab", // admission controller changed
		"0d933542-1f1f-420d-97d4-21b2c3c492d9", // unauthorized actions
	}},
	// Entra ID (diagnostic settings, Log Analytics) and Microsoft 365.
	{panther + "Azure.Audit.jsonl", []string{
		"ebbeb024-5b1d-4e16-9c0c-917f86c708a7", // user added to admin role
		"0ddcff6d-d262-40b0-804b-80eb592de8e3", // service principal created
		"352a54e1-74ba-4929-9d47-8193d67aba1e", // federation modified
		"26e7c5e2-6545-481e-b7e6-050143459635", // CA policy removed
		"53acd925-2003-440d-a1f3-71a5253fe237", // anonymous IP address (risk detection)
		"19128e5e-4743-48dc-bd97-52e5775af817", // leaked credentials (risk detection)
	}},
	{"otrf-compound/GoldenSAMLADFSMailAccess/AADAuditEvents.Zip", []string{
		"a6355fbe-f36f-45d8-8efc-ab42465cbc52", // delegated permissions for all users
		"c1d147ae-a951-48e5-8b41-dcd0170c7213", // app granted Microsoft permissions
	}},
	{panther + "Microsoft365.Audit.Exchange.jsonl", []string{"c726e007-2cd0-4a55-abfb-79730fbedee5"}}, // mail forwarding
	// Linux: audit and Sysmon for Linux.
	{"otrf/datasets/atomic/linux/discovery/host/sh_arp_cache.zip", []string{"11063ec2-de63-4153-935e-b1a8b9e616f1"}},
	{"otrf/datasets/atomic/linux/defense_evasion/host/sh_binary_padding_dd.zip", []string{"c52a914f-3d8b-4b2a-bb75-b3991e75f8ba", "37222991-11e9-4b6d-8bdf-60fbe48f753e"}},
	{izysec + "UC006.log", []string{"9e1bef8d-0fff-46f6-8465-9aa54e128c1e"}},
	{log4auoms, []string{
		"e2072cab-8c9a-459b-b63c-40ae79e27031", // base64 decode
		"ea3ecad2-db86-4a89-ad0b-132a10d2db55", // interactive bash: needs the parent's command line
	}},
	{log4sysmon, []string{
		"d292e0af-9a18-420c-9525-ec0ac3936892", // suspicious java children
		"83dcd9f6-9ca8-4af7-a16e-a1c7a6b51871", // bash connecting out
	}},
	// Network: Zeek (also for category proxy) and VPC Flow Logs.
	{"zeek/zed-sample-data/zeek-default/dce_rpc.log.gz", []string{"b640c0b8-87f8-4daa-aef8-95a24261dd1d"}},
	{"zeek/zed-sample-data/zeek-json/dce_rpc.json.gz", []string{"b640c0b8-87f8-4daa-aef8-95a24261dd1d"}},
	{apt29Zeek, []string{"aac2fd97-bcba-491b-ad66-a6edf89c71bf", "e09aed7a-09e0-4c9a-90dd-f0d52507347e"}},
	{panther + "AWS.VPCFlow.jsonl", []string{"7e4bfe58-4a47-4709-828d-d86c78b7cc1f"}},
}

// TestSigmaHQNonWindowsFire runs the whole SigmaHQ ruleset over the corpus
// files above and checks that the listed rules fire.
func TestSigmaHQNonWindowsFire(t *testing.T) {
	rs, _ := loadSigmaHQ(t)
	m := rs.NewMatcher()
	total := 0
	for _, c := range sigmaHQFires {
		fired := map[string]string{}
		for _, ev := range readCorpus(t, c.path) {
			m.Match(ev, func(r *Rule) {
				if !strings.Contains(r.Path, "/windows/") {
					fired[r.ID] = r.Path
				}
			})
		}
		for _, id := range c.rules {
			if _, ok := fired[id]; !ok {
				t.Errorf("%s: rule %s did not fire", c.path, id)
			}
		}
		total += len(c.rules)
		paths := make([]string, 0, len(fired))
		for _, p := range fired {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		t.Logf("%s: %d non-Windows rules fired: %s", c.path, len(fired), strings.Join(paths, ", "))
	}
	t.Logf("%d listed rule firings checked", total)
}

// unmappedReasons are the logsources left unmapped on purpose: no reader
// produces their events, or the rules' fields have no counterpart in the
// events a reader produces.
var unmappedReasons = map[string]string{
	"macos//":                           "no macOS reader (process_creation, file_event)",
	"azure//activitylogs":               "no reader for Azure Monitor activity logs",
	"azure//pim":                        "Privileged Identity Management alerts: no reader",
	"github//audit":                     "no GitHub audit log reader",
	"bitbucket//audit":                  "no Bitbucket audit log reader",
	"gcp//google_workspace.admin":       "no Google Workspace reader",
	"gcp//google_workspace.login":       "no Google Workspace reader",
	"onelogin//onelogin.events":         "no OneLogin reader",
	"cisco//duo":                        "no Duo reader",
	"cisco//aaa":                        "device AAA accounting: keywords as broad as 'more' cannot be confined to it in syslog",
	"fortigate//event":                  "FortiGate key=value fields: the syslog reader does not split them",
	"fortios//sslvpnd":                  "FortiOS key=value fields: the syslog reader does not split them",
	"paloalto/appliance/globalprotect":  "no PAN-OS reader",
	"paloalto/file_event/globalprotect": "no PAN-OS reader",
	"qualys//":                          "no Qualys reader",
	"opencanary/application/":           "no OpenCanary reader",
	"m365//threat_management":           "alert rules match status: success, which the unified audit log's alerts do not carry",
	"m365//threat_detection":            "alert rules match status: success, which the unified audit log's alerts do not carry",
	"m365//exchange":                    "eventSource/eventName/status naming of no export Causeway reads",
	"windows/file_access/":              "file access telemetry (ETW kernel file) that no Windows log Causeway reads records",
	"windows/file_rename/":              "file rename telemetry (ETW kernel file) that no Windows log Causeway reads records",
	"/database/":                        "no database audit reader",
}

// maxUnmapped is the number of SigmaHQ rules whose logsource is unmapped
// (611 before non-Windows logsources were mapped).
const maxUnmapped = 252

// unmappedKey names a logsource for unmappedReasons; application logs
// (jvm, spring, python, ...) share one reason.
func unmappedKey(l Logsource) string {
	if l.Category == "application" && l.Service == "" {
		switch l.Product {
		case "jvm", "spring", "python", "django", "nodejs", "ruby_on_rails", "sql", "velocity":
			return "application logs"
		}
	}
	if l.Product == "macos" {
		return "macos//"
	}
	return l.Product + "/" + l.Category + "/" + l.Service
}

func TestSigmaHQUnmapped(t *testing.T) {
	rs, _ := loadSigmaHQ(t)
	byKey := map[string]int{}
	for _, r := range rs.Unmapped() {
		k := unmappedKey(r.Logsource)
		byKey[k]++
		if _, ok := unmappedReasons[k]; !ok && k != "application logs" {
			t.Errorf("%s: logsource %s is not mapped: map it in logsources.yaml or say why not here", r.Path, k)
		}
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		reason := unmappedReasons[k]
		if k == "application logs" {
			reason = "no application log reader (jvm, spring, python, django, nodejs, rails, sql, velocity)"
		}
		t.Logf("%4d %-36s %s", byKey[k], k, reason)
	}
	n := len(rs.Unmapped())
	t.Logf("%d of %d SigmaHQ rules have an unmapped logsource", n, len(rs.Rules()))
	if n > maxUnmapped {
		t.Errorf("%d rules unmapped, want at most %d", n, maxUnmapped)
	}
}

// BenchmarkMatchNonWindows matches the events of the files above (cloud,
// identity, Linux, network) against the whole SigmaHQ ruleset.
func BenchmarkMatchNonWindows(b *testing.B) {
	rs, _ := loadSigmaHQ(b)
	var evs []*event.Event
	for _, c := range sigmaHQFires {
		evs = append(evs, readCorpus(b, c.path)...)
	}
	m := rs.NewMatcher()
	hits := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Match(evs[i%len(evs)], func(*Rule) { hits++ })
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(hits)/float64(b.N), "matches/event")
}
