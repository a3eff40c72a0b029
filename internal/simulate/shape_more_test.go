package simulate_test

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/simulate"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// The shape tests of the sources added last: auditd, VPC Flow Logs, Entra
// ID sign-ins and Zeek's dns, http and ssl logs, against the real data of
// the same sources in the shared corpora.

// auditShape maps an audit record type to its keys and their value
// classes.
type auditShape map[string]map[string]map[string]bool

func (s auditShape) add(typ, key, class string) {
	if s[typ] == nil {
		s[typ] = map[string]map[string]bool{}
	}
	if s[typ][key] == nil {
		s[typ][key] = map[string]bool{}
	}
	s[typ][key][class] = true
}

// untrusted are the keys whose values the kernel and libaudit log quoted
// when they are plain and hex-encoded otherwise: either way a string.
var untrusted = map[string]bool{"proctitle": true, "name": true, "cmd": true, "acct": true, "comm": true, "exe": true, "cwd": true, "path": true}

var (
	execArg = regexp.MustCompile(`^a[0-9]+$`)
	// rawAudit matches a record of the raw form (ausearch -i prints
	// interpreted values and local times instead).
	rawAudit = regexp.MustCompile(`^type=[A-Z_]+ msg=audit\(\d+\.\d+:\d+\): `)
)

// addAuditLine records the type, keys and value classes of one raw audit
// record ("[node=N ]type=T msg=audit(...): k=v ..."); the pairs inside a
// user-space record's msg='...' count as the record's own. The node= of
// name_format=hostname is the header's, not the record's, and is left out.
func addAuditLine(t *testing.T, into auditShape, line string) {
	t.Helper()
	if strings.HasPrefix(line, "node=") {
		_, line, _ = strings.Cut(line, " ")
	}
	typ, rest, ok := strings.Cut(strings.TrimPrefix(line, "type="), " ")
	_, body, ok2 := strings.Cut(rest, "): ")
	if !strings.HasPrefix(line, "type=") || !ok || !ok2 {
		t.Fatalf("not a raw audit record: %q", line)
	}
	addAuditPairs(into, typ, body)
}

func addAuditPairs(into auditShape, typ, body string) {
	for body = strings.TrimSpace(body); body != ""; body = strings.TrimSpace(body) {
		eq := strings.IndexByte(body, '=')
		if eq < 0 {
			return
		}
		key := body[:eq]
		body = body[eq+1:]
		var val string
		switch {
		case strings.HasPrefix(body, "'"):
			end := strings.IndexByte(body[1:], '\'')
			if end < 0 {
				end = len(body) - 1
			}
			addAuditPairs(into, typ, body[1:end+1])
			body = body[min(end+2, len(body)):]
			continue
		case strings.HasPrefix(body, `"`):
			end := strings.IndexByte(body[1:], '"')
			if end < 0 {
				end = len(body) - 1
			}
			val, body = body[:end+2], body[min(end+2, len(body)):]
		default:
			end := strings.IndexByte(body, ' ')
			if end < 0 {
				end = len(body)
			}
			val, body = body[:end], body[end:]
		}
		class := "bare"
		if strings.HasPrefix(val, `"`) || untrusted[key] || typ == "EXECVE" && execArg.MatchString(key) {
			class = "string"
		}
		if typ == "EXECVE" && execArg.MatchString(key) {
			key = "aN"
		}
		into.add(typ, key, class)
	}
}

// readAuditLines hands each non-empty line of r to fn.
func readAuditLines(t *testing.T, r io.Reader, fn func(string)) {
	t.Helper()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			fn(line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// pamTypes are the user-space records of PAM operations (op=PAM:...),
// which share one layout.
var pamTypes = map[string]bool{"USER_AUTH": true, "USER_ACCT": true, "CRED_ACQ": true, "CRED_REFR": true,
	"CRED_DISP": true, "USER_START": true, "USER_END": true}

func TestShapeAuditd(t *testing.T) {
	corpora := sourcetest.Corpora(t)
	dir, _, _ := run(t)
	real := auditShape{}
	samples := filepath.Join(corpora, "linux", "izysec-linux-audit", "LogSamples")
	raws, _ := filepath.Glob(filepath.Join(samples, "UC*[0-9].log"))
	more, _ := filepath.Glob(filepath.Join(samples, "*_auditd.log"))
	for _, p := range append(raws, more...) {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		readAuditLines(t, f, func(line string) {
			if rawAudit.MatchString(line) {
				addAuditLine(t, real, line)
			}
		})
		f.Close()
	}
	for _, z := range files(t, filepath.Join(corpora, "otrf", "datasets", "atomic", "linux"), ".zip") {
		zr, err := zip.OpenReader(z)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			readAuditLines(t, rc, func(line string) {
				if rawAudit.MatchString(line) {
					addAuditLine(t, real, line)
				}
			})
			rc.Close()
		}
		zr.Close()
	}
	if real["SYSCALL"] == nil || real["USER_AUTH"] == nil {
		t.Fatalf("real audit logs hold no SYSCALL or USER_AUTH record: %v", keys(real))
	}
	sim := auditShape{}
	for _, p := range files(t, filepath.Join(dir, simulate.DirLinux), "") {
		if !strings.Contains(filepath.Base(p), "audit.log") {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		readAuditLines(t, f, func(line string) { addAuditLine(t, sim, line) })
		f.Close()
	}
	covered, uncovered := map[string]string{}, []string{}
	for typ, fields := range sim {
		ref, as := real[typ], typ
		if ref == nil && pamTypes[typ] {
			ref, as = real["USER_AUTH"], "USER_AUTH"
		}
		if ref == nil {
			uncovered = append(uncovered, typ)
			continue
		}
		covered[typ] = as
		for key, classes := range fields {
			for class := range classes {
				if !ref[key][class] {
					t.Errorf("%s record: %s is a %s value; real %s records have %v", typ, key, class, as, keys(ref[key]))
				}
			}
		}
	}
	for _, typ := range []string{"SYSCALL", "EXECVE", "CWD", "PATH", "PROCTITLE", "USER_AUTH", "USER_ACCT", "USER_START"} {
		if covered[typ] == "" {
			t.Errorf("no simulated %s record compared with a real one", typ)
		}
	}
	t.Logf("compared %v; no real record of the types %v", covered, uncovered)
}

// vpcDefault is the header of the version 2 default format, as AWS
// documents it.
const vpcDefault = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

func TestShapeVPCFlow(t *testing.T) {
	corpora := sourcetest.Corpora(t)
	dir, _, _ := run(t)
	// Panther stores flow records as JSON with camel-case keys (srcAddr,
	// dstPort, instanceId, status for log-status): compared by folded key.
	real := shape{}
	values := map[string]map[string]bool{}
	readPantherLogs(t, filepath.Join(corpora, "panther", "rule_tests", "AWS.VPCFlow.jsonl"), func(v any) {
		rec, ok := v.(map[string]any)
		if !ok || rec["p_log_type"] != "AWS.VPCFlow" {
			return
		}
		for k, x := range rec {
			k = fold(k)
			flatten(x, k, real)
			if s, ok := x.(string); ok && (k == "action" || k == "status") {
				if values[k] == nil {
					values[k] = map[string]bool{}
				}
				values[k][s] = true
			}
		}
	})
	if len(real) < 5 {
		t.Fatalf("real flow records have only the fields %v", keys(real))
	}
	paths := files(t, filepath.Join(dir, simulate.DirCloudTrail), ".log.gz")
	name := regexp.MustCompile(`/AWSLogs/(\d{12})/vpcflowlogs/([a-z0-9-]+)/(\d{4})/(\d\d)/(\d\d)/(\d{12})_vpcflowlogs_([a-z0-9-]+)_fl-[0-9a-f]{17}_(\d{4})(\d\d)(\d\d)T\d\d[0-5][05]Z_[0-9a-f]{8}\.log\.gz$`)
	compared, n := map[string]bool{}, 0
	for _, p := range paths {
		m := name.FindStringSubmatch(filepath.ToSlash(p))
		if m == nil || m[1] != m[6] || m[2] != m[7] || m[3]+m[4]+m[5] != m[8]+m[9]+m[10] {
			t.Fatalf("flow log file %s is not named as S3 delivery names it", p)
		}
		r := openMaybeGzip(t, p)
		sc := bufio.NewScanner(r)
		sc.Scan()
		header := strings.Fields(sc.Text())
		if strings.Join(header, " ") != vpcDefault {
			t.Fatalf("%s: header %q, want the version 2 default %q", p, sc.Text(), vpcDefault)
		}
		for sc.Scan() {
			n++
			vals := strings.Fields(sc.Text())
			if len(vals) != len(header) {
				t.Fatalf("%s: record %q has %d fields", p, sc.Text(), len(vals))
			}
			for i, col := range header {
				k := fold(col)
				if k == "logstatus" {
					k = "status"
				}
				rt, ok := real[k]
				if !ok {
					continue
				}
				compared[col] = true
				typ := "string"
				if _, err := strconv.ParseUint(vals[i], 10, 64); err == nil {
					typ = "number"
				}
				if !compatible(typ, rt) {
					t.Fatalf("%s: %s %q is a %s; real records have %v", p, col, vals[i], typ, keys(rt))
				}
				if vs := values[k]; vs != nil && !vs[vals[i]] {
					t.Fatalf("%s: %s %q; real records have %v", p, col, vals[i], keys(vs))
				}
			}
		}
		r.Close()
	}
	if n == 0 {
		t.Fatal("no flow record simulated")
	}
	for _, col := range []string{"srcaddr", "dstaddr", "dstport", "action", "log-status"} {
		if !compared[col] {
			t.Errorf("column %s not compared with real records", col)
		}
	}
	t.Logf("%d records in %d files; columns compared with real records: %v", n, len(paths), keys(compared))
}

// fold lower-cases a key and drops '-' and '_', so that interface-id and
// interfaceId compare equal.
func fold(k string) string {
	return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(k))
}

func TestShapeEntraSignIn(t *testing.T) {
	corpora := sourcetest.Corpora(t)
	dir, _, _ := run(t)
	// Panther's Entra sign-ins are Azure Monitor diagnostic records: the
	// Graph sign-in is their properties object.
	real := shape{}
	for _, name := range []string{"Azure.Audit.jsonl", "Microsoft365.Audit.AzureActiveDirectory.jsonl"} {
		readPantherLogs(t, filepath.Join(corpora, "panther", "rule_tests", name), func(v any) {
			rec, ok := v.(map[string]any)
			if cat, _ := rec["category"].(string); !ok || !strings.HasSuffix(cat, "SignInLogs") {
				return
			}
			flatten(rec["properties"], "", real)
		})
	}
	if len(real) < 20 {
		t.Fatalf("real sign-ins have only the fields %v", keys(real))
	}
	n := 0
	codes := map[string]int{}
	for _, p := range files(t, filepath.Join(dir, simulate.DirEntra), ".json") {
		r := openMaybeGzip(t, p)
		decodeAll(t, r, func(v any) {
			page, _ := v.(map[string]any)
			recs, _ := page["value"].([]any)
			if page["@odata.context"] == nil || len(recs) == 0 {
				t.Fatalf("%s is not a Graph signIns page", p)
			}
			for _, rec := range recs {
				n++
				sim := shape{}
				flatten(rec, "", sim)
				if bad := subset(sim, real); len(bad) > 0 {
					t.Fatalf("sign-in fields unlike real ones: %v", bad)
				}
				status, _ := rec.(map[string]any)["status"].(map[string]any)
				codes[fmt.Sprint(status["errorCode"])]++
			}
		})
		r.Close()
	}
	for _, code := range []string{"0", "50074"} {
		if codes[code] == 0 {
			t.Errorf("no sign-in with error code %s among %v", code, codes)
		}
	}
	t.Logf("%d sign-ins, error codes %v", n, codes)
}

func TestShapeZeekProtocols(t *testing.T) {
	corpora := sourcetest.Corpora(t)
	dir, _, _ := run(t)
	real := map[string]map[string]string{} // log -> field -> type
	for _, z := range files(t, filepath.Join(corpora, "otrf-compound"), "_zeek_logs.zip") {
		zr, err := zip.OpenReader(z)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			log := strings.TrimSuffix(filepath.Base(f.Name), ".log")
			if log != "dns" && log != "http" && log != "ssl" {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			fields, types := zeekHeader(t, rc)
			rc.Close()
			if real[log] == nil {
				real[log] = map[string]string{}
			}
			for i, name := range fields {
				real[log][name] = types[i]
			}
		}
		zr.Close()
	}
	for _, log := range []string{"dns", "http", "ssl"} {
		if len(real[log]) == 0 {
			t.Fatalf("no real %s.log found", log)
		}
		sims := files(t, filepath.Join(dir, simulate.DirZeek), ".log.gz")
		n := 0
		for _, p := range sims {
			if !strings.HasPrefix(filepath.Base(p), log+".") {
				continue
			}
			fields, types, lines := zeekLog(t, p)
			for i, name := range fields {
				if real[log][name] != types[i] {
					t.Fatalf("%s.log field %s of type %s; real %s.log has %q", log, name, types[i], log, real[log][name])
				}
			}
			for _, line := range lines {
				n++
				vals := strings.Split(line, "\t")
				if len(vals) != len(fields) {
					t.Fatalf("%s: %d values for %d fields: %q", p, len(vals), len(fields), line)
				}
				for i, v := range vals {
					if !zeekValue(types[i], v) {
						t.Fatalf("%s: %s %q is not a Zeek %s", p, fields[i], v, types[i])
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("no %s.log record simulated", log)
		}
	}
}

// zeekLog reads a Zeek TSV log: its fields, types and record lines.
func zeekLog(t *testing.T, path string) (fields, types, lines []string) {
	t.Helper()
	r := openMaybeGzip(t, path)
	defer r.Close()
	readAuditLines(t, r, func(line string) {
		switch {
		case strings.HasPrefix(line, "#fields\t"):
			fields = strings.Split(line, "\t")[1:]
		case strings.HasPrefix(line, "#types\t"):
			types = strings.Split(line, "\t")[1:]
		case !strings.HasPrefix(line, "#"):
			lines = append(lines, line)
		}
	})
	if len(fields) == 0 || len(fields) != len(types) {
		t.Fatalf("%s: bad Zeek header", path)
	}
	return fields, types, lines
}

// zeekValue reports whether v is a well-formed TSV value of Zeek type typ.
func zeekValue(typ, v string) bool {
	if v == "-" {
		return true
	}
	if inner, ok := strings.CutPrefix(typ, "vector["); ok {
		return zeekElems(strings.TrimSuffix(inner, "]"), v)
	}
	if inner, ok := strings.CutPrefix(typ, "set["); ok {
		return zeekElems(strings.TrimSuffix(inner, "]"), v)
	}
	switch typ {
	case "time", "interval":
		_, err := strconv.ParseFloat(v, 64)
		return err == nil && strings.Contains(v, ".")
	case "count":
		_, err := strconv.ParseUint(v, 10, 64)
		return err == nil
	case "port":
		n, err := strconv.ParseUint(v, 10, 16)
		return err == nil && n <= 65535
	case "addr":
		_, err := netip.ParseAddr(v)
		return err == nil
	case "bool":
		return v == "T" || v == "F"
	case "enum", "string":
		return v != "" && !strings.ContainsAny(v, "\t\n")
	}
	return false
}

func zeekElems(typ, v string) bool {
	if v == "(empty)" {
		return true
	}
	for _, e := range strings.Split(v, ",") {
		if e == "-" || !zeekValue(typ, e) {
			return false
		}
	}
	return true
}
