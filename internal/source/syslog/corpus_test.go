package syslog

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/auditd"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

const (
	samples  = "linux/izysec-linux-audit/LogSamples"
	log4shel = "otrf-compound/Log4Shell"
)

// TestCorpusSecureLogs decodes the /var/log/secure samples: one event per
// line, no errors.
func TestCorpusSecureLogs(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sourcetest.Corpora(t), samples, "*secure.log"))
	if len(files) < 3 {
		t.Fatalf("found %d secure logs, want 3", len(files))
	}
	total := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		if !Sniff(data) {
			t.Errorf("%s: not sniffed as syslog", name)
		}
		want := len(strings.Fields(strings.ReplaceAll(string(data), " ", "_")))
		c := decodeBytes(t, name, data, Config{Year: 2022})
		if len(c.Events) != want || len(c.Errs) != 0 {
			t.Errorf("%s: %d events, %d errors (%v); want %d events (lines), no errors", name, len(c.Events), len(c.Errs), c.Errs, want)
		}
		for _, ev := range c.Events {
			if ev.Class == event.ClassOther {
				t.Errorf("%s: %q not recognized", name, ev.Value("message"))
			}
		}
		total += len(c.Events)
	}
	t.Logf("%s: %d secure logs, %d events", samples, len(files), total)
}

// TestSniffOtherFormats makes sure Sniff leaves other formats' streams
// alone: audit logs, JSON (Sentinel rows included), Zeek TSV and JSON.
func TestSniffOtherFormats(t *testing.T) {
	root := sourcetest.Corpora(t)
	var paths []string
	for _, g := range []string{samples + "/UC*.log", "zeek/*/*", "zeek/*/*/*", "otrf-apt29/*/*", "k8s-audit/*", "panther/rule_tests/*.jsonl"} {
		m, _ := filepath.Glob(filepath.Join(root, g))
		paths = append(paths, m...)
	}
	n := 0
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || strings.HasSuffix(p, ".txt") || strings.HasSuffix(p, ".md") || strings.HasSuffix(p, "LICENSE") {
			continue
		}
		head := readHead(t, p)
		if Sniff(head) {
			t.Errorf("%s: sniffed as syslog", p)
		}
		n++
	}
	for name, data := range zipMembers(t, filepath.Join(root, log4shel)) {
		if Sniff(data[:min(len(data), source.SniffSize)]) {
			t.Errorf("%s: sniffed as syslog", name)
		}
		n++
	}
	if n < 10 {
		t.Errorf("checked %d files, want at least 10", n)
	}
	t.Logf("%d files of other formats not sniffed as syslog", n)
}

func readHead(t *testing.T, path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, source.SniffSize)
	n, _ := io.ReadFull(f, head)
	return head[:n]
}

// zipMembers reads every member of every zip in dir.
func zipMembers(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	zips, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	out := map[string][]byte{}
	for _, z := range zips {
		for _, m := range sourcetest.ZipMembers(t, z) {
			out[filepath.Base(z)+"!"+m.Name] = m.Data
		}
	}
	return out
}

// rows runs JSON lines through a RecordFormat the way the source walker
// does: flatten, match, normalize.
func rows(t testing.TB, rf source.RecordFormat, name string, data []byte) (evs []*event.Event, errs []error, unmatched int) {
	fl := jsonrec.NewFlattener()
	var off int64
	for _, line := range bytes.Split(data, []byte("\n")) {
		start := off
		off += int64(len(line)) + 1
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rec, err := fl.Flatten(string(line))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rec.Offset = start
		if !rf.Match(&rec) {
			unmatched++
			continue
		}
		ev := &event.Event{Source: event.Source{Format: rf.Name, Path: name, Offset: start}, Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			errs = append(errs, err)
			continue
		}
		evs = append(evs, ev)
	}
	return evs, errs, unmatched
}

var (
	recordIDRE = regexp.MustCompile(`EventRecordID\\u003e(\d+)`)
	stampRE    = regexp.MustCompile(`audit\((\d+\.\d+:\d+)\)`)
	failedRE   = regexp.MustCompile(`(?m)^.*"SyslogMessage":"type=AUOMS_EXECVE [^\n]* success=no [^\n]*"EventData"`)
)

// TestLog4Shell reads the Sentinel Syslog rows of the Log4Shell dataset:
// Sysmon for Linux XML and auoms audit records.
func TestLog4Shell(t *testing.T) {
	members := zipMembers(t, filepath.Join(sourcetest.Corpora(t), log4shel))
	rf := Record(nil, nil, Config{})
	seen := 0
	for name, data := range members {
		if !strings.Contains(name, "syslog_") {
			if _, _, unmatched := rows(t, rf, name, data); unmatched != bytes.Count(data, []byte("\n")) {
				t.Errorf("%s: Record matched rows of another table", name)
			}
			continue
		}
		seen++
		evs, errs, unmatched := rows(t, rf, name, data)
		nrows := bytes.Count(data, []byte("\n"))
		if len(errs) != 0 || unmatched != 0 || len(evs) != nrows {
			t.Errorf("%s: %d events, %d unmatched, errors %v; want %d events", name, len(evs), unmatched, errs, nrows)
		}
		ids := map[event.ID]bool{}
		for _, ev := range evs {
			ids[ev.ID] = true
			if h, _ := ev.Ref(event.RoleHost); h.ID != "host:ubuntu5" {
				t.Errorf("%s: event %s on host %q", name, ev.ID, h.ID)
			}
		}
		var want map[string]bool
		if strings.Contains(name, "sysmon") {
			want = distinct(recordIDRE, data)
			for _, ev := range evs {
				if ev.Value("Channel") != SysmonChannel || ev.Value("EventID") == "" || ev.Time.Before(time.Date(2022, 5, 11, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("%s: event %s: channel %q, id %q, time %v", name, ev.ID, ev.Value("Channel"), ev.Value("EventID"), ev.Time)
				}
			}
		} else {
			want = distinct(stampRE, data)
			auomsLineage(t, name, evs, len(failedRE.FindAll(data, -1)))
			if n := bytes.Count(data, []byte(" success=no ")); n != 2*len(failedRE.FindAll(data, -1)) {
				t.Errorf("%s: %d success=no in SyslogMessage and EventData, want twice the %d rows", name, n, len(failedRE.FindAll(data, -1)))
			}
		}
		if len(ids) != len(want) {
			t.Errorf("%s: %d distinct event ids, want %d", name, len(ids), len(want))
		}
		t.Logf("%s: %d rows, %d events, %d distinct ids", name, nrows, len(evs), len(ids))
	}
	if seen != 2 {
		t.Errorf("found %d syslog members, want 2", seen)
	}
}

func distinct(re *regexp.Regexp, data []byte) map[string]bool {
	out := map[string]bool{}
	for _, m := range re.FindAllSubmatch(data, -1) {
		out[string(m[1])] = true
	}
	return out
}

// auomsLineage checks the exploit chain: java (1340) execs bash (17790),
// whose children name it by its exec, and counts failed PATH lookups.
func auomsLineage(t *testing.T, name string, evs []*event.Event, wantFailed int) {
	var bash string
	failed := 0
	for _, ev := range evs {
		if ev.Class != event.ClassProcess || ev.Action != "start" {
			t.Errorf("%s: %s %s, want process start", name, ev.Class, ev.Action)
		}
		if ev.Outcome == event.OutcomeFailure {
			failed++
			continue
		}
		if ev.Value("pid") == "17790" {
			tgt, _ := ev.Ref(event.RoleTarget)
			bash = tgt.ID
			if !strings.Contains(ev.Value("cmdline"), "base64,-d") {
				t.Errorf("%s: bash 17790 command line %q", name, ev.Value("cmdline"))
			}
		}
		if ev.Value("ppid") == "17790" {
			if actor, _ := ev.Ref(event.RoleActor); actor.ID != bash || bash == "" {
				t.Errorf("%s: child of 17790 names its parent %q, want %q", name, actor.ID, bash)
			}
		}
	}
	if failed != wantFailed {
		t.Errorf("%s: %d failed execs, want %d (rows with success=no)", name, failed, wantFailed)
	}
}

// TestSSHAcrossSources joins /var/log/secure and audit.log: the sshd
// failure in both forms of the izysec samples names the same account,
// process (sshd[33197] = pid=33197), origin and time; and in a full login
// session the sshd logon, logind's session, the audit USER_LOGIN and the
// session's processes share session and principal ids.
func TestSSHAcrossSources(t *testing.T) {
	dir := filepath.Join(sourcetest.Corpora(t), samples)
	secure, err1 := os.ReadFile(filepath.Join(dir, "userauth_ssh_failure_secure.log"))
	audit, err2 := os.ReadFile(filepath.Join(dir, "userauth_ssh_failure_auditd.log"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	pdt := time.FixedZone("PDT", -7*3600)
	s := decodeBytes(t, "secure", secure, Config{Year: 2022, Location: pdt})
	a := auditEvents(t, audit, auditd.Config{Host: "ubuntu"})
	if len(a) != 1 || len(s.Events) != 2 {
		t.Fatalf("%d audit and %d syslog events, want 1 and 2", len(a), len(s.Events))
	}
	failed := s.Events[1] // "Failed password for izy from ..."
	for _, role := range []event.Role{event.RoleTargetUser, event.RoleActor, event.RoleSrc, event.RoleHost} {
		x, _ := failed.Ref(role)
		y, _ := a[0].Ref(role)
		if x.ID == "" || x.ID != y.ID {
			t.Errorf("%s: syslog %q, audit %q", role, x.ID, y.ID)
		}
	}
	if d := failed.Time.Sub(a[0].Time); d < -time.Second || d > time.Second {
		t.Errorf("times differ by %v", d)
	}

	logins, err := os.ReadFile("testdata/auth.log")
	if err != nil {
		t.Fatal(err)
	}
	session, err := os.ReadFile("../auditd/testdata/session.log")
	if err != nil {
		t.Fatal(err)
	}
	sys := decodeBytes(t, "auth.log", logins, Config{Year: 2023})
	aud := auditEvents(t, session, auditd.Config{})
	find := func(evs []*event.Event, class event.Class, action string) *event.Event {
		for _, ev := range evs {
			if ev.Class == class && ev.Action == action {
				return ev
			}
		}
		t.Fatalf("no %s %s event", class, action)
		return nil
	}
	ref := func(ev *event.Event, r event.Role) string { e, _ := ev.Ref(r); return e.ID }
	accepted := find(sys.Events, event.ClassLogon, "logon")
	logind := find(sys.Events, event.ClassLogon, "session-open")
	for _, ev := range sys.Events {
		if ev.Value("program") == "systemd-logind" && ev.Action == "session-open" {
			logind = ev
		}
	}
	userLogin := find(aud, event.ClassLogon, "logon")
	userStart := find(aud, event.ClassLogon, "session-open")
	if ref(accepted, event.RoleActor) != ref(userLogin, event.RoleActor) || ref(accepted, event.RoleSrc) != ref(userLogin, event.RoleSrc) {
		t.Errorf("sshd Accepted (%s from %s) and USER_LOGIN (%s from %s) disagree", ref(accepted, event.RoleActor), ref(accepted, event.RoleSrc),
			ref(userLogin, event.RoleActor), ref(userLogin, event.RoleSrc))
	}
	if ref(accepted, event.RoleTargetUser) != ref(userStart, event.RoleTargetUser) {
		t.Errorf("sshd Accepted user %s, USER_START user %s", ref(accepted, event.RoleTargetUser), ref(userStart, event.RoleTargetUser))
	}
	want := ref(userLogin, event.RoleSession)
	if want == "" || ref(logind, event.RoleSession) != want {
		t.Errorf("logind session %q, USER_LOGIN session %q", ref(logind, event.RoleSession), want)
	}
	procs := 0
	for _, ev := range append(aud, sys.Events...) {
		if ev.Class == event.ClassProcess && ev.Action == "start" && ev.Value("ses") == "7" {
			procs++
			if ref(ev, event.RoleSession) != want {
				t.Errorf("process %s in session %q, want %q", ev.Value("exe"), ref(ev, event.RoleSession), want)
			}
		}
	}
	if procs < 4 {
		t.Errorf("%d processes of session 7, want 4", procs)
	}
}

func auditEvents(t *testing.T, data []byte, cfg auditd.Config) []*event.Event {
	t.Helper()
	var c sourcetest.Sink
	in := sourcetest.Input("audit", data)
	if err := auditd.Format(nil, cfg).Decode(t.Context(), in, &c); err != nil || len(c.Errs) != 0 {
		t.Fatalf("decoding audit log: %v %v", err, c.Errs)
	}
	return c.Events
}

// TestCorpusLinuxAll walks linux/**: every log is claimed by exactly one
// of the two formats, and decoding it reports no errors but the izysec
// samples' shell prompts (audit logs) and none at all for syslog.
func TestCorpusLinuxAll(t *testing.T) {
	root := filepath.Join(sourcetest.Corpora(t), "linux")
	prompt := regexp.MustCompile(`^\S+@\S+:\S*[#$] `)
	logs := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		head := data[:min(len(data), source.SniffSize)]
		isSyslog, isAudit := Sniff(head), auditd.Sniff(head)
		if isSyslog && isAudit {
			t.Errorf("%s: claimed by both formats", path)
		}
		if strings.HasSuffix(path, ".log") && len(data) > 0 && !isSyslog && !isAudit {
			t.Errorf("%s: claimed by neither format", path)
		}
		if !isSyslog && !isAudit {
			return nil
		}
		logs++
		var c sourcetest.Sink
		in := sourcetest.Input(path, data)
		format := Format(nil, nil, Config{Year: 2022})
		if isAudit {
			format = auditd.Format(nil, auditd.Config{Host: "ubuntu"})
		}
		if err := format.Decode(t.Context(), in, &c); err != nil {
			t.Fatal(err)
		}
		for _, e := range c.Errs {
			var se *source.Error
			if !errors.As(e, &se) || !isAudit {
				t.Errorf("unexplained error: %v", e)
				continue
			}
			line, _, _ := strings.Cut(string(data[se.Offset:]), "\n")
			if !prompt.MatchString(line) {
				t.Errorf("unexplained error: %v (line %q)", e, line)
			}
		}
		if len(c.Events) == 0 {
			t.Errorf("%s: no events", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if logs < 29 {
		t.Errorf("%d logs decoded under linux/, want 29", logs)
	}
	t.Logf("linux/: %d logs decoded", logs)
}

// TestRecordConcurrent normalizes rows from several goroutines at once, as
// a source walker may; run with -race.
func TestRecordConcurrent(t *testing.T) {
	var data []byte
	for name, d := range zipMembers(t, filepath.Join(sourcetest.Corpora(t), log4shel)) {
		if strings.Contains(name, "syslog_") {
			data = append(data, d...)
		}
	}
	rf := Record(nil, nil, Config{})
	want := bytes.Count(data, []byte("\n"))
	done := make(chan int)
	for range 4 {
		go func() {
			evs, errs, _ := rows(t, rf, "concurrent", data)
			if len(errs) != 0 {
				t.Error(errs)
			}
			done <- len(evs)
		}()
	}
	for range 4 {
		if n := <-done; n != want {
			t.Errorf("%d events, want %d", n, want)
		}
	}
}
