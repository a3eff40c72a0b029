package k8saudit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func normalizeAll(t *testing.T, raws []string) []*event.Event {
	t.Helper()
	return sourcetest.Normalize(t, RecordFormat(&event.Principals{}), raws)
}

func hasRef(ev *event.Event, role event.Role, id string) bool {
	for _, r := range ev.Refs {
		if r.Role == role && r.Entity.ID == id {
			return true
		}
	}
	return false
}

func TestFixturesGolden(t *testing.T) {
	evs := normalizeAll(t, sourcetest.Lines(t, "testdata/fixtures.jsonl"))
	sourcetest.GoldenJSON(t, "testdata/fixtures.golden", sourcetest.Summaries(evs))
}

func TestBrokenAKSLog(t *testing.T) {
	rec, err := jsonrec.NewFlattener().Flatten(`{"category":"kube-audit","properties":{"log":"{\"kind\":\"Event\",\"verb\":"}}`)
	if err != nil {
		t.Fatal(err)
	}
	f := RecordFormat(&event.Principals{})
	if !f.Match(&rec) {
		t.Fatal("AKS record does not match")
	}
	if err := f.Normalize(&rec, &event.Event{Fields: rec.Fields}); err == nil {
		t.Fatal("want an error for an unparsable properties.log")
	}
}

// TestFalcoTraces reads Falco's k8s audit test traces, one event per file,
// and checks each shows what its Falco rule looks for.
func TestFalcoTraces(t *testing.T) {
	dir := filepath.Join(sourcetest.Corpora(t), "k8s-audit", "falco-trace-files")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no traces in %s: %v", dir, err)
	}
	sort.Strings(files)
	byName := map[string]*event.Event{}
	var all []sourcetest.Summary
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var obj map[string]any // each trace is one JSON object
		if err := json.Unmarshal(b, &obj); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		evs := normalizeAll(t, []string{string(b)})
		if len(evs) != 1 {
			t.Fatalf("%s: %d events", path, len(evs))
		}
		byName[filepath.Base(path)] = evs[0]
		all = append(all, sourcetest.Summarize(evs[0]))
	}
	sourcetest.GoldenJSON(t, "testdata/falco.golden", all)

	for _, tc := range []struct {
		file  string
		check func(*event.Event) bool
	}{
		{"exec_pod.json", func(ev *event.Event) bool {
			return ev.Action == "exec" && hasRef(ev, event.RoleTarget, "resource:k8s/namespaces/default/pods/nginx-deployment-7998647bdf-phvq7")
		}},
		{"create_nginx_pod_privileged.json", func(ev *event.Event) bool {
			return ev.Action == "create" && ev.Value("requestObject.spec.containers.securityContext.privileged") == "true"
		}},
		{"attach_cluster_admin_role.json", func(ev *event.Event) bool {
			return ev.Action == "grant-privilege" && hasRef(ev, event.RoleTarget, "resource:k8s/clusterroles/cluster-admin") &&
				hasRef(ev, event.RoleTargetUser, "principal:minikube")
		}},
		{"anonymous_creates_namespace_foo.json", func(ev *event.Event) bool {
			return hasRef(ev, event.RoleUser, "principal:system:anonymous") && ev.Outcome == event.OutcomeSuccess &&
				hasRef(ev, event.RoleTarget, "resource:k8s/namespaces/foo")
		}},
	} {
		ev := byName[tc.file]
		if ev == nil {
			t.Errorf("%s: missing", tc.file)
			continue
		}
		if !tc.check(ev) {
			t.Errorf("%s: unexpected event %+v", tc.file, sourcetest.Summarize(ev))
		}
	}
}

// TestPantherEKS reads Panther's Amazon.EKS.Audit rule tests, which mix
// native audit events, AKS kube-audit records and GKE and Azure activity
// records (other formats). Which is which is decided here with
// encoding/json; every audit event must be read, nothing else matched.
func TestPantherEKS(t *testing.T) {
	raws := sourcetest.PantherLogs(t, filepath.Join(sourcetest.Corpora(t), "panther", "rule_tests", "Amazon.EKS.Audit.jsonl"))
	var mine, others []string
	var aks int
	for _, raw := range raws {
		var rec struct {
			Kind       string `json:"kind"`
			Category   string `json:"category"`
			Properties struct {
				Log string `json:"log"`
			} `json:"properties"`
		}
		if err := json.Unmarshal([]byte(raw), &rec); err != nil {
			t.Fatal(err)
		}
		switch {
		case rec.Kind == "Event":
			mine = append(mine, raw)
		case rec.Category == "kube-audit" && rec.Properties.Log != "":
			mine = append(mine, raw)
			aks++
		default:
			others = append(others, raw)
		}
	}
	evs := normalizeAll(t, mine)
	if len(evs) != len(mine) {
		t.Fatalf("%d events of %d audit records", len(evs), len(mine))
	}
	fl := jsonrec.NewFlattener()
	for _, raw := range others {
		if rec := sourcetest.Flatten(t, fl, raw); Match(&rec) {
			t.Errorf("matches a record of another format: %.120s", raw)
		}
	}
	var users, creds, targets int
	for _, ev := range evs {
		if _, ok := ev.Ref(event.RoleUser); ok {
			users++
		}
		if _, ok := ev.Ref(event.RoleCredential); ok {
			creds++
		}
		if _, ok := ev.Ref(event.RoleTarget); ok {
			targets++
		}
	}
	t.Logf("%d records: %d audit events (%d from AKS), %d others; %d with user, %d with AWS credential, %d with target",
		len(raws), len(evs), aks, len(others), users, creds, targets)
	sourcetest.GoldenJSON(t, "testdata/panther.golden", sourcetest.Summaries([]*event.Event{evs[0], evs[21], evs[25]}))
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		want      bool
	}{
		{"audit v1", `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get"}`, true},
		{"no apiVersion", `{"kind":"Event","verb":"get"}`, true},
		{"core event", `{"kind":"Event","apiVersion":"v1","involvedObject":{"kind":"Pod"},"reason":"Killing"}`, false},
		{"core event without apiVersion", `{"kind":"Event","involvedObject":{"kind":"Pod"},"reason":"Killing"}`, false},
		{"aks", `{"category":"kube-audit","properties":{"log":"{}"}}`, true},
		{"aks other category", `{"category":"kube-apiserver","properties":{"log":"I0502 ..."}}`, false},
		{"gke", `{"protoPayload":{"serviceName":"k8s.io","methodName":"io.k8s.core.v1.pods.create"}}`, false},
		{"wrapped", `{"log":{"kind":"Event","verb":"get"}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sourcetest.CheckMatch(t, Match, tc.raw, tc.want)
		})
	}
}

func TestOutcome(t *testing.T) {
	for _, tc := range []struct {
		code, status, decision string
		want                   event.Outcome
	}{
		{"200", "", "allow", event.OutcomeSuccess},
		{"101", "", "", event.OutcomeSuccess},
		{"403", "Failure", "forbid", event.OutcomeFailure},
		{"500", "", "allow", event.OutcomeFailure},
		{"", "", "forbid", event.OutcomeFailure},
		{"", "", "allow", event.OutcomeUnknown},
	} {
		if got := outcome(tc.code, tc.status, tc.decision); got != tc.want {
			t.Errorf("outcome(%q, %q, %q) = %q, want %q", tc.code, tc.status, tc.decision, got, tc.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	// A matching record may be rejected: AKS's properties.log must be JSON.
	sourcetest.FuzzRecordFormat(f, RecordFormat(&event.Principals{}), false, sourcetest.Lines(f, "testdata/fixtures.jsonl"))
}

func BenchmarkNormalize(b *testing.B) {
	dir := sourcetest.Corpora(b)
	all := sourcetest.PantherLogs(b, filepath.Join(dir, "panther", "rule_tests", "Amazon.EKS.Audit.jsonl"))
	files, _ := filepath.Glob(filepath.Join(dir, "k8s-audit", "falco-trace-files", "*.json"))
	for _, path := range files {
		buf, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, string(buf))
	}
	// Only audit events: the EKS tests hold GKE and Azure activity records too.
	fl := jsonrec.NewFlattener()
	var raws []string
	for _, r := range all {
		if rec, err := fl.Flatten(r); err == nil && Match(&rec) {
			raws = append(raws, r)
		}
	}
	sourcetest.BenchmarkRecords(b, []source.RecordFormat{RecordFormat(&event.Principals{})}, raws)
}
