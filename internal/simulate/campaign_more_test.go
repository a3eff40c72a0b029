package simulate_test

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate"
)

// targetFile is the id of the file a Sysmon file event names.
func targetFile(ev *event.Event) string {
	for _, r := range ev.Refs {
		if r.Role == event.RoleTarget && r.Entity.Kind == event.KindFile {
			return r.Entity.ID
		}
	}
	return ""
}

func public(addr string) bool {
	a, err := netip.ParseAddr(addr)
	return err == nil && !a.IsPrivate() && !a.IsLoopback()
}

func TestRansomwareSteps(t *testing.T) {
	_, sum, events := run(t)
	truth := scenarioOf(t, sum, simulate.CampaignRansom).Truth
	entities := set(truth.Entities)

	// Initial access: a remote desktop logon from the Internet to the first
	// compromised host, which Zeek sees too.
	var rdpFrom string
	for _, ev := range events {
		if ev.Value("EventID") == "4624" && ev.Value("LogonType") == "10" && public(ev.Value("IpAddress")) {
			rdpFrom = ev.Value("IpAddress")
			if refOf(ev, event.RoleHost) != truth.FirstCompromised {
				t.Errorf("remote desktop logon from %s on %s, first compromised is %s", rdpFrom, refOf(ev, event.RoleHost), truth.FirstCompromised)
			}
		}
	}
	if rdpFrom == "" || !slices.Contains(truth.RootCause, "ip:"+rdpFrom) {
		t.Fatalf("no remote desktop logon from the Internet whose address is a root cause %v", truth.RootCause)
	}
	zeekRDP := false
	for _, ev := range events {
		zeekRDP = zeekRDP || ev.Source.Format == "zeek" && ev.Value("id.orig_h") == rdpFrom && ev.Value("id.resp_p") == "3389"
	}
	if !zeekRDP {
		t.Errorf("Zeek saw no connection from %s to port 3389", rdpFrom)
	}

	// Recovery disabled and services stopped, on the first compromised host.
	want := []string{"vssadmin.exe  delete shadows /all /quiet", "wmic.exe  shadowcopy delete", "recoveryenabled no",
		"wbadmin.exe  delete catalog -quiet", "net.exe  stop VSS /y", "sc.exe  config VSS start= disabled"}
	seen := map[string]bool{}
	for _, ev := range events {
		if ev.Value("EventID") != "1" || refOf(ev, event.RoleHost) != truth.FirstCompromised {
			continue
		}
		for _, w := range want {
			if strings.Contains(ev.Value("CommandLine"), w) {
				seen[w] = true
				if ev.Value("IntegrityLevel") != "High" {
					t.Errorf("%q runs at integrity %s", w, ev.Value("IntegrityLevel"))
				}
			}
		}
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("no process ran %q", w)
		}
	}

	// Encryption: on the workstation and on the file server, each
	// encrypted copy is created, its original deleted, within minutes, with
	// a note in every folder.
	created := map[string]time.Time{} // file id -> Sysmon 11 time
	deleted := map[string]bool{}
	first, last := map[string]time.Time{}, map[string]time.Time{}
	for _, ev := range events {
		id := targetFile(ev)
		switch ev.Value("EventID") {
		case "11":
			created[id] = ev.Time
			if strings.HasSuffix(id, ".locked") {
				h := refOf(ev, event.RoleHost)
				if first[h].IsZero() {
					first[h] = ev.Time
				}
				last[h] = ev.Time
			}
		case "23":
			deleted[id] = true
		}
	}
	locked := map[string]int{}
	for id := range created {
		if !strings.HasSuffix(id, ".locked") || !entities[id] {
			continue
		}
		h := id[len("file:"):strings.IndexByte(id, '/')]
		locked[h]++
		original := strings.TrimSuffix(id, ".locked")
		if !deleted[original] || !slices.Contains(truth.DataAccessed, original) {
			t.Errorf("%s: the original is deleted %v, data accessed %v", id, deleted[original], slices.Contains(truth.DataAccessed, original))
		}
		if _, ok := created[id[:strings.LastIndexByte(id, '\\')+1]+"readme_restore_files.txt"]; !ok {
			t.Errorf("no ransom note beside %s", id)
		}
	}
	if len(locked) != 2 {
		t.Fatalf("encrypted files on %v, want the workstation and the file server", locked)
	}
	for h, n := range locked {
		if n < 15 {
			t.Errorf("%d files encrypted on %s", n, h)
		}
		if d := last["host:"+h].Sub(first["host:"+h]); d > 15*time.Minute {
			t.Errorf("encryption on %s took %s", h, d)
		}
	}
	if n := len(truth.DataAccessed); n != locked[hostName(truth.FirstCompromised)]+locked[otherHost(locked, truth.FirstCompromised)] {
		t.Errorf("%d data accessed, %v files encrypted", n, locked)
	}

	// The share's files were opened over SMB for deletion by the stolen
	// account's session.
	deletes := 0
	for _, ev := range events {
		if ev.Value("EventID") == "5145" && strings.Contains(ev.Value("AccessList"), "%%1537") && entities[targetFile(ev)] {
			deletes++
		}
	}
	if deletes != locked[otherHost(locked, truth.FirstCompromised)] {
		t.Errorf("%d share files opened for deletion, %v encrypted", deletes, locked)
	}
}

func otherHost(locked map[string]int, first string) string {
	for h := range locked {
		if h != hostName(first) {
			return h
		}
	}
	return ""
}

func hostName(id string) string { return strings.TrimPrefix(id, "host:") }

func TestInsiderSteps(t *testing.T) {
	_, sum, events := run(t)
	sc := scenarioOf(t, sum, simulate.CampaignInsider)
	truth := sc.Truth
	entities, benign := set(truth.Entities), set(truth.Benign)
	user := strings.TrimPrefix(truth.FirstCompromised, "principal:")
	user, _, _ = strings.Cut(user, "@")
	if truth.RootCause[0] != truth.FirstCompromised || user == "" {
		t.Fatalf("root cause %v, first compromised %s: want the insider's account", truth.RootCause, truth.FirstCompromised)
	}

	// The evening: an interactive logon after hours (the office is at
	// UTC+1, 08:00 to 18:00), the share read, copies, an archive, an upload.
	var evening time.Time
	for _, ev := range events {
		if ev.Value("EventID") == "4624" && ev.Value("LogonType") == "2" && ev.Value("TargetUserName") == user && ev.Time.Hour() >= 18 {
			evening = ev.Time
		}
	}
	if evening.IsZero() {
		t.Fatalf("no evening logon of %s", user)
	}
	var eveningReads, dayReads, copies int
	var lastCopy, archived time.Time
	var archive string
	for _, ev := range events {
		switch ev.Value("EventID") {
		case "5145":
			if ev.Value("SubjectUserName") != user || ev.Value("AccessMask") != "0x120089" { // files read, not folders listed
				continue
			}
			id := targetFile(ev)
			switch {
			case ev.Time.After(evening) && entities[id] && slices.Contains(truth.DataAccessed, id):
				eveningReads++
			case ev.Time.Before(evening) && benign[id] && !entities[id]:
				dayReads++
			default:
				t.Errorf("%s read %s at %s: neither the evening's data nor the day's benign", user, id, ev.Time)
			}
		case "11":
			switch img := strings.ToLower(ev.Value("Image")); {
			case strings.HasSuffix(img, `\robocopy.exe`) && entities[targetFile(ev)]:
				copies++
				lastCopy = ev.Time
			case strings.HasSuffix(img, `\7z.exe`):
				archived, archive = ev.Time, ev.Value("TargetFilename")
			}
		}
	}
	if eveningReads < 30 || copies != eveningReads || len(truth.DataAccessed) != eveningReads {
		t.Errorf("%d share files read in the evening, %d copied, %d data accessed", eveningReads, copies, len(truth.DataAccessed))
	}
	if dayReads == 0 {
		t.Errorf("no benign read of the share by day")
	}
	if archive == "" || !archived.After(lastCopy) || !strings.HasSuffix(archive, ".7z") {
		t.Errorf("archive %q at %s, last copy at %s", archive, archived, lastCopy)
	}

	// The upload: a name of the storage service resolved by the browser,
	// then a connection that sends more than the archive holds.
	var cloud string
	for _, ev := range events {
		if ev.Value("EventID") == "22" && ev.Time.After(archived) && entities["domain:"+ev.Value("QueryName")] {
			cloud = strings.TrimPrefix(ev.Value("QueryResults"), "::ffff:")
			cloud = strings.TrimSuffix(cloud, ";")
		}
	}
	uploaded := int64(0)
	for _, ev := range events {
		if ev.Source.Format == "zeek" && ev.Value("id.resp_h") == cloud && ev.Time.After(archived) {
			n, _ := strconv.ParseInt(ev.Value("orig_bytes"), 10, 64)
			uploaded = max(uploaded, n)
		}
	}
	if cloud == "" || uploaded < 20_000_000 {
		t.Errorf("upload to %q: %d bytes sent", cloud, uploaded)
	}
	if slices.Contains(sc.Inputs, "./aws") {
		t.Errorf("inputs %v: the insider of the default company has no access key", sc.Inputs)
	}
}

// An insider who has an AWS access key also downloads the crown-jewel
// bucket with it, from the office.
func TestInsiderWithAccessKey(t *testing.T) {
	env := simulate.DefaultEnvironment()
	for _, u := range env.Users {
		if slices.Contains(u.Groups, "finance") || slices.Contains(u.Groups, "sales") {
			env.AWS.Users = append(env.AWS.Users, simulate.IAMUser{Name: u.Name, Owner: u.Name})
		}
	}
	dir := t.TempDir()
	sum, err := simulate.Run(context.Background(), simulate.Config{Seed: 5, Rate: 0.1, Environment: env,
		Campaigns: []string{simulate.CampaignInsider}}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	events, errs := read(dir, 2026)
	if len(errs) > 0 {
		t.Fatalf("reading: %v", errs)
	}
	sc := scenarioOf(t, sum, simulate.CampaignInsider)
	if !slices.Contains(sc.Inputs, "./aws") || !slices.Contains(sc.Truth.Techniques, "T1530") {
		t.Errorf("inputs %v, techniques %v: want CloudTrail and T1530", sc.Inputs, sc.Truth.Techniques)
	}
	ids := map[string]bool{}
	gets, saved := 0, 0
	for _, ev := range events {
		for _, r := range ev.Refs {
			ids[r.Entity.ID] = true
		}
		switch {
		case ev.Value("eventName") == "GetObject" && ev.Value("sourceIPAddress") == env.EgressIP &&
			slices.Contains(sc.Truth.RootCause, "principal:"+ev.Value("userIdentity.arn")):
			gets++
		case ev.Value("EventID") == "11" && strings.HasSuffix(strings.ToLower(ev.Value("Image")), `\aws.exe`):
			saved++
		}
	}
	if gets < 10 || saved != gets {
		t.Errorf("%d objects downloaded with the insider's key, %d saved", gets, saved)
	}
	for _, id := range append(append(sc.Truth.Entities, sc.Truth.Benign...), sc.Truth.DataAccessed...) {
		if !ids[id] {
			t.Errorf("truth id %s occurs in no event", id)
		}
	}
}

func set(ids []string) map[string]bool {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}
