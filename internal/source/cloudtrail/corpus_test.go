package cloudtrail

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// readArray reads a file holding a JSON array of records.
func readArray(t testing.TB, path string) ([]byte, []json.RawMessage) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return data, raws
}

// tally counts what a corpus gave.
type tally struct {
	records, events, notes int
	failures               int
}

// check normalizes one raw record that must be CloudTrail and checks the
// invariants every CloudTrail event keeps.
func (c *tally) check(t *testing.T, f *jsonrec.Flattener, where string, raw []byte) *event.Event {
	t.Helper()
	c.records++
	ev, ok := normalizeRaw(t, f, string(raw))
	if !ok {
		t.Errorf("%s: CloudTrail record not recognized: %.200s", where, raw)
		return nil
	}
	c.events++
	c.notes += len(ev.Notes)
	if ev.Outcome == event.OutcomeFailure {
		c.failures++
	}
	if ev.Action == "" {
		t.Errorf("%s: no action", where)
	}
	if ev.Time.IsZero() && !hasNote(ev, "no event time") {
		t.Errorf("%s: zero time without a note", where)
	}
	for _, r := range ev.Refs {
		if r.Entity.ID == "" || r.Entity.Kind == "" {
			t.Errorf("%s: empty entity in %v", where, r)
		}
	}
	return ev
}

func hasNote(ev *event.Event, s string) bool {
	for _, n := range ev.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func TestStratusRedTeam(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(t), "stratus-red-team", "detonation-logs", "*.json"))
	if len(files) == 0 {
		t.Skip("no stratus-red-team detonation logs")
	}
	var c tally
	want := 0
	f := jsonrec.NewFlattener()
	for _, path := range files {
		_, raws := readArray(t, path)
		want += len(raws)
		for i, raw := range raws {
			ev := c.check(t, f, filepath.Base(path)+"#"+itoa(i), raw)
			if ev == nil {
				continue
			}
			if ev.ID.IsZero() {
				t.Errorf("%s#%d: real CloudTrail record without an id", path, i)
			}
			if _, ok := ev.Ref(event.RoleActor); !ok {
				t.Errorf("%s#%d: no actor", path, i)
			}
		}
	}
	if c.events != want {
		t.Errorf("stratus-red-team: %d events, want %d records", c.events, want)
	}
	t.Logf("stratus-red-team/detonation-logs: %d files, %d records, %d events, %d failed calls, %d notes", len(files), want, c.events, c.failures, c.notes)
}

// TestStratusStolenCredentials checks the chain the ec2-steal-instance-
// credentials detonation leaves: an IAM user sends an SSM command to the
// instance, then the instance's role session is used from that user's
// address, not from the instance.
func TestStratusStolenCredentials(t *testing.T) {
	path := filepath.Join(sourcetest.Corpora(t), "stratus-red-team", "detonation-logs", "aws.credential-access.ec2-steal-instance-credentials.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skip(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		t.Fatal(err)
	}
	f := jsonrec.NewFlattener()
	var commandHost, commandSrc string
	used := map[string]string{} // instance host -> source address of calls with its credentials
	for _, raw := range raws {
		ev, _ := normalizeRaw(t, f, string(raw))
		if ev == nil {
			t.Fatalf("not recognized: %.200s", raw)
		}
		src, _ := ev.Ref(event.RoleSrc)
		if ev.Action == "SendCommand" {
			commandHost = refID(ev, event.RoleTarget, "host:")
			commandSrc = src.ID
		}
		if h, ok := ev.Ref(event.RoleHost); ok {
			used[h.ID] = src.ID
		}
	}
	if commandHost == "" || len(used) != 1 || used[commandHost] != commandSrc {
		t.Errorf("SendCommand to %q from %q; instance credentials used: %v", commandHost, commandSrc, used)
	}
}

// TestPanther reads the CloudTrail samples of Panther's rule tests; each
// line wraps a (often partial) record in {"rule_id":..., "log": {...}}.
func TestPanther(t *testing.T) {
	dir := filepath.Join(sourcetest.Corpora(t), "panther", "rule_tests")
	data, err := os.ReadFile(filepath.Join(dir, "AWS.CloudTrail.jsonl"))
	if err != nil {
		t.Skip(err)
	}
	var c tally
	lines := 0
	f := jsonrec.NewFlattener()
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		lines++
		var env struct {
			Log json.RawMessage `json:"log"`
		}
		if err := json.Unmarshal(sc.Bytes(), &env); err != nil {
			t.Fatalf("line %d: %v", lines, err)
		}
		outer, err := f.Flatten(sc.Text())
		if err != nil {
			t.Fatal(err)
		}
		if Match(&outer) {
			t.Errorf("line %d: the envelope itself matched", lines)
		}
		c.check(t, f, "AWS.CloudTrail.jsonl:"+itoa(lines), env.Log)
	}
	if c.events != lines {
		t.Errorf("panther AWS.CloudTrail: %d events, want %d lines", c.events, lines)
	}
	t.Logf("panther/rule_tests/AWS.CloudTrail.jsonl: %d lines, %d events, %d failed calls, %d notes", lines, c.events, c.failures, c.notes)
}

// TestPantherOtherTypes checks that Match claims no record of another log
// type: every Panther sample whose log types do not include CloudTrail.
func TestPantherOtherTypes(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(t), "panther", "rule_tests", "*.jsonl"))
	if len(files) == 0 {
		t.Skip("no panther rule tests")
	}
	f := jsonrec.NewFlattener()
	checked := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(data, []byte("\n")) {
			var env struct {
				LogTypes []string        `json:"log_types"`
				Log      json.RawMessage `json:"log"`
			}
			if json.Unmarshal(line, &env) != nil || len(env.Log) == 0 || env.Log[0] != '{' {
				continue
			}
			ct := false
			for _, lt := range env.LogTypes {
				ct = ct || lt == "AWS.CloudTrail"
			}
			if ct {
				continue
			}
			rec, err := f.Flatten(string(env.Log))
			if err != nil {
				t.Fatalf("%s:%d: %v", path, i+1, err)
			}
			checked++
			if Match(&rec) {
				t.Errorf("%s:%d (%v): matched as CloudTrail", filepath.Base(path), i+1, env.LogTypes)
			}
		}
	}
	t.Logf("%d records of other log types, none claimed", checked)
}

// TestOTRF reads the OTRF AWS atomic datasets: zips of CloudTrail JSON lines
// (as Logstash shipped them, with @timestamp and without eventTime). A CSV
// member (an S3 honey-bucket alert export) is not CloudTrail JSON and is
// only counted.
func TestOTRF(t *testing.T) {
	root := filepath.Join(sourcetest.Corpora(t), "otrf", "datasets", "atomic", "aws")
	var zips []string
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".zip") {
			zips = append(zips, path)
		}
		return nil
	})
	if len(zips) == 0 {
		t.Skip("no OTRF AWS datasets")
	}
	f := jsonrec.NewFlattener()
	for _, path := range zips {
		for _, m := range sourcetest.ZipMembers(t, path) {
			data := m.Data
			rel, _ := filepath.Rel(root, path)
			if !strings.HasSuffix(m.Name, ".json") {
				t.Logf("otrf aws %s!%s: %d lines, not JSON: not CloudTrail records", rel, m.Name, bytes.Count(data, []byte("\n")))
				continue
			}
			var c tally
			lines := 0
			for i, line := range bytes.Split(data, []byte("\n")) {
				if len(bytes.TrimSpace(line)) == 0 {
					continue
				}
				var probe map[string]json.RawMessage
				if err := json.Unmarshal(line, &probe); err != nil {
					t.Fatalf("%s!%s:%d: %v", rel, m.Name, i+1, err)
				}
				lines++
				ev := c.check(t, f, m.Name+":"+itoa(i+1), line)
				if ev != nil && ev.ID.IsZero() {
					t.Errorf("%s:%d: no id", m.Name, i+1)
				}
			}
			if c.events != lines {
				t.Errorf("%s!%s: %d events, want %d lines", rel, m.Name, c.events, lines)
			}
			t.Logf("otrf aws %s!%s: %d lines, %d events, %d failed calls, %d notes", rel, m.Name, lines, c.events, c.failures, c.notes)
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// TestStratusSessionJoins checks, on real detonations, that every call made
// with temporary credentials that an AssumeRole or GetFederationToken in the
// same file issued runs in the session that call created, and (for roles)
// as the role it assumed. The number of such calls is counted independently
// from the raw JSON.
func TestStratusSessionJoins(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(t), "stratus-red-team", "detonation-logs", "*.json"))
	if len(files) == 0 {
		t.Skip("no stratus-red-team detonation logs")
	}
	type issued struct{ session, role string }
	f := jsonrec.NewFlattener()
	joins, want := 0, 0
	for _, path := range files {
		data, raws := readArray(t, path)
		// Independent count: raw records whose userIdentity.accessKeyId
		// was issued by another record's responseElements.credentials.
		var plain []struct {
			UserIdentity struct {
				AccessKeyID string `json:"accessKeyId"`
			} `json:"userIdentity"`
			ResponseElements struct {
				Credentials struct {
					AccessKeyID string `json:"accessKeyId"`
				} `json:"credentials"`
			} `json:"responseElements"`
		}
		if err := json.Unmarshal(data, &plain); err != nil {
			t.Fatal(err)
		}
		keys := map[string]bool{}
		for _, p := range plain {
			if k := p.ResponseElements.Credentials.AccessKeyID; k != "" {
				keys[k] = true
			}
		}
		for _, p := range plain {
			if keys[p.UserIdentity.AccessKeyID] {
				want++
			}
		}

		made := map[string]issued{}
		var evs []*event.Event
		for _, raw := range raws {
			ev, _ := normalizeRaw(t, f, string(raw))
			evs = append(evs, ev)
			if cred := refID(ev, event.RoleTarget, "credential:"); strings.HasPrefix(cred, "credential:ASIA") {
				made[cred] = issued{session: refID(ev, event.RoleTarget, "session:"), role: refID(ev, event.RoleTargetUser, "principal:")}
			}
		}
		for _, ev := range evs {
			is, ok := made[refID(ev, event.RoleCredential, "credential:")]
			if !ok {
				continue
			}
			joins++
			if got := refID(ev, event.RoleSession, "session:"); got != is.session {
				t.Errorf("%s %s: session %q, issued %q", filepath.Base(path), ev.Action, got, is.session)
			}
			if strings.Contains(is.role, ":role/") && refID(ev, event.RoleActor, "principal:") != is.role {
				t.Errorf("%s %s: actor %q, assumed %q", filepath.Base(path), ev.Action, refID(ev, event.RoleActor, "principal:"), is.role)
			}
		}
	}
	if joins != want || want == 0 {
		t.Errorf("%d calls joined to the session that issued their key, want %d", joins, want)
	}
	t.Logf("%d calls joined to their issuing AssumeRole/GetFederationToken", joins)
}
