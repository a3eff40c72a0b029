package m365_test

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/entra"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/k8saudit"
	"github.com/causeway-soc/causeway/internal/source/m365"
	"github.com/causeway-soc/causeway/internal/source/mde"
	"github.com/causeway-soc/causeway/internal/source/okta"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// identityFormats are the record formats of the identity, SaaS and
// Kubernetes readers, in no particular order: a record must match at most
// one of them, so the order the JSON splitter tries them in never matters.
func identityFormats(p *event.Principals) []source.RecordFormat {
	return []source.RecordFormat{
		okta.RecordFormat(p), entra.SignInFormat(p), entra.AuditFormat(p),
		m365.RecordFormat(p), k8saudit.RecordFormat(p), mde.RecordFormat(p),
	}
}

// normalizeOne flattens raw, checks that exactly the formats named want
// match it (none when want is ""), and returns the normalized event.
func normalizeOne(t *testing.T, formats []source.RecordFormat, raw, want, where string) *event.Event {
	t.Helper()
	rec, err := jsonrec.NewFlattener().Flatten(raw)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	var matched []string
	var ev *event.Event
	for _, f := range formats {
		if !f.Match(&rec) {
			continue
		}
		matched = append(matched, f.Name)
		ev = &event.Event{Fields: rec.Fields}
		if err := f.Normalize(&rec, ev); err != nil {
			t.Errorf("%s: %s: %v", where, f.Name, err)
		}
	}
	if got := strings.Join(matched, "+"); !strings.Contains("|"+want+"|", "|"+got+"|") {
		t.Errorf("%s: matched %q, want %q: %.100s", where, got, want, raw)
	}
	return ev
}

// TestSamePersonSamePrincipal: one person, spelled as each source spells
// her, is one principal.
func TestSamePersonSamePrincipal(t *testing.T) {
	formats := identityFormats(&event.Principals{Domains: map[string]string{"CORP": "example.com"}})
	records := []struct{ format, raw string }{
		{"okta", `{"uuid":"u1","published":"2024-05-02T18:46:21Z","eventType":"user.session.start","displayMessage":"x","actor":{"type":"User","alternateId":"Alice@Example.com"}}`},
		{"entra_signin", `{"id":"s1","createdDateTime":"2024-05-02T18:47:00Z","userPrincipalName":"alice@example.com","appId":"a","status":{"errorCode":0}}`},
		{"entra_signin", `{"Id":"s2","TimeGenerated":"2024-05-02T18:47:00Z","Category":"SignInLogs","UserPrincipalName":"ALICE@example.com"}`},
		{"entra_audit", `{"Id":"a1","ActivityDateTime":"2024-05-02T18:48:00Z","InitiatedBy":"{\"user\":{\"userPrincipalName\":\"alice@example.com\"}}","LoggedByService":"Core Directory"}`},
		{"m365", `{"Id":"m1","CreationTime":"2024-05-02T18:49:00","Operation":"MailItemsAccessed","Workload":"Exchange","UserId":"alice@example.com"}`},
		{"mde", `{"Timestamp":"2024-05-02T18:50:00Z","ActionType":"ProcessCreated","DeviceName":"wks01","ReportId":1,"InitiatingProcessId":1,"InitiatingProcessCreationTime":"2024-05-02T18:00:00Z","InitiatingProcessAccountDomain":"CORP","InitiatingProcessAccountName":"alice"}`},
	}
	ids := map[string]bool{}
	for i, r := range records {
		ev := normalizeOne(t, formats, r.raw, r.format, r.format)
		if ev == nil {
			continue
		}
		u, ok := ev.Ref(event.RoleUser)
		if !ok {
			t.Errorf("record %d (%s): no user", i, r.format)
			continue
		}
		ids[u.ID] = true
	}
	if len(ids) != 1 || !ids["principal:alice@example.com"] {
		t.Errorf("principal ids: %v", ids)
	}
}

// TestGoldenSAMLPrincipal: in the Golden SAML scenario the impersonated
// admin appears in the Entra audit log, the mailbox audit and Defender's
// tables under one principal id.
func TestGoldenSAMLPrincipal(t *testing.T) {
	dir := filepath.Join(sourcetest.Corpora(t), "otrf-compound", "GoldenSAMLADFSMailAccess")
	formats := identityFormats(&event.Principals{})
	seen := map[string]map[string]int{} // principal id -> format -> events
	for file, want := range map[string]string{
		"AADAuditEvents.Zip":             "entra_audit",
		"OfficeActivityEvents.Zip":       "m365",
		"Microsoft365DefenderEvents.Zip": "mde",
	} {
		for i, raw := range sourcetest.ZipLines(t, filepath.Join(dir, file)) {
			ev := normalizeOne(t, formats, raw, want, file+":"+itoa(i))
			if ev == nil {
				continue
			}
			for _, r := range ev.Refs {
				if r.Role == event.RoleUser {
					if seen[r.Entity.ID] == nil {
						seen[r.Entity.ID] = map[string]int{}
					}
					seen[r.Entity.ID][want]++
				}
			}
		}
	}
	got := seen["principal:pgustavo@simulandlabs.com"]
	if len(got) != 3 {
		t.Errorf("pgustavo is a user in %v; all principals: %v", got, seen)
	}
}

// TestCorporaExclusive runs every identity format over JSON records of
// many corpora: each record matches the format its file is known to hold,
// and no other.
func TestCorporaExclusive(t *testing.T) {
	dir := sourcetest.Corpora(t)
	formats := identityFormats(&event.Principals{})
	counts := map[string]int{}
	check := func(raw, want, where string) {
		normalizeOne(t, formats, raw, want, where)
		counts[want]++
	}

	panther, err := filepath.Glob(filepath.Join(dir, "panther", "rule_tests", "*.jsonl"))
	if err != nil || len(panther) == 0 {
		t.Fatalf("no panther rule tests: %v", err)
	}
	for _, path := range panther {
		logType := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		for i, line := range fileLines(t, path, 0) {
			var w struct {
				Log json.RawMessage `json:"log"`
			}
			if err := json.Unmarshal([]byte(line), &w); err != nil {
				t.Fatal(err)
			}
			where := logType + ":" + itoa(i)
			check(line, "", where+" (wrapper)")
			check(string(w.Log), expectPanther(t, logType, w.Log), where)
		}
	}
	gs := filepath.Join(dir, "otrf-compound", "GoldenSAMLADFSMailAccess")
	for file, want := range map[string]string{
		"AADAuditEvents.Zip": "entra_audit", "OfficeActivityEvents.Zip": "m365",
		"Microsoft365DefenderEvents.Zip": "mde", "WindowsEvents.Zip": "",
	} {
		for i, raw := range sourcetest.ZipLines(t, filepath.Join(gs, file)) {
			check(raw, want, file+":"+itoa(i))
		}
	}
	traces, _ := filepath.Glob(filepath.Join(dir, "k8s-audit", "falco-trace-files", "*.json"))
	for _, path := range traces {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		check(strings.TrimSpace(string(b)), "k8saudit", filepath.Base(path))
	}
	stratus, _ := filepath.Glob(filepath.Join(dir, "stratus-red-team", "detonation-logs", "*.json"))
	for _, path := range stratus {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var recs []json.RawMessage
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i, r := range recs {
			check(string(r), "", filepath.Base(path)+":"+itoa(i))
		}
	}
	zeek, _ := filepath.Glob(filepath.Join(dir, "zeek", "zed-sample-data", "zeek-json", "*.json.gz"))
	for _, path := range zeek {
		for i, line := range fileLines(t, path, 200) {
			check(line, "", filepath.Base(path)+":"+itoa(i))
		}
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("expected %-30q %d records", k, counts[k])
	}
}

// expectPanther names the formats a Panther record may match: its log
// type, and for the mixed EKS and Azure files the record's own shape.
func expectPanther(t *testing.T, logType string, raw json.RawMessage) string {
	t.Helper()
	var rec struct {
		Kind       string `json:"kind"`
		Category   string `json:"category"`
		Properties struct {
			Log string `json:"log"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	switch {
	case rec.Kind == "Event" || rec.Category == "kube-audit" && rec.Properties.Log != "":
		return "k8saudit"
	case logType == "Okta.SystemLog":
		return "okta"
	case logType == "Azure.Audit":
		return "entra_signin|entra_audit"
	case strings.HasPrefix(logType, "Microsoft365.Audit."):
		return "m365"
	}
	return ""
}

// fileLines returns up to max (0: all) non-empty lines of a file, gunzipped
// when its name ends in .gz.
func fileLines(t testing.TB, path string, max int) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	}
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() && (max == 0 || len(out) < max) {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// BenchmarkMatchForeign measures what the identity formats cost records of
// other formats (CloudTrail, Zeek, Windows): every Match runs and fails.
func BenchmarkMatchForeign(b *testing.B) {
	dir := sourcetest.Corpora(b)
	var raws []string
	stratus, _ := filepath.Glob(filepath.Join(dir, "stratus-red-team", "detonation-logs", "*.json"))
	for _, path := range stratus {
		buf, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		var recs []json.RawMessage
		if err := json.Unmarshal(buf, &recs); err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			raws = append(raws, string(r))
		}
	}
	zeek, _ := filepath.Glob(filepath.Join(dir, "zeek", "zed-sample-data", "zeek-json", "*.json.gz"))
	for _, path := range zeek {
		raws = append(raws, fileLines(b, path, 200)...)
	}
	raws = append(raws, sourcetest.ZipLines(b, filepath.Join(dir, "otrf-compound", "GoldenSAMLADFSMailAccess", "WindowsEvents.Zip"))...)
	fl := jsonrec.NewFlattener()
	recs := make([]jsonrec.Record, 0, len(raws))
	for _, r := range raws {
		rec, err := fl.Flatten(r)
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, rec)
	}
	formats := identityFormats(&event.Principals{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := &recs[i%len(recs)]
		for _, f := range formats {
			if f.Match(rec) {
				b.Fatalf("record %d matches %s", i%len(recs), f.Name)
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
