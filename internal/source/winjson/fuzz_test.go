package winjson_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/internal/source/winjson"
)

// Minimal records of each shape, beside the fixtures and corpus samples.
var fuzzSeeds = map[string][]string{
	winjson.NameEvtxDump: {
		`{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":1,"EventRecordID":5,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"h","TimeCreated":{"#attributes":{"SystemTime":"2026-01-01T00:00:00.000001Z"}}},"EventData":{"ProcessGuid":"A-B","ParentProcessGuid":"C-D","LogonId":"0x3e7","User":"D\\u"}}}`,
		`{"Event":{"System":{"EventID":{"#attributes":{"Qualifiers":16384},"#text":7045},"Channel":"System"},"EventData":{"Data":{"#text":["a","b"]}}}}`,
		`{"Event":{"System":{"EventID":"x"}}}`,
	},
	winjson.NameWinlogbeat: {
		`{"@timestamp":"2026-01-01T00:00:00Z","winlog":{"channel":"Security","event_id":"4624","record_id":1,"computer_name":"h","event_data":{"TargetLogonId":"0x1","IpAddress":"10.0.0.1"}}}`,
		`{"@timestamp":"bad","computer_name":"h","log_name":"Security","event_id":4688,"record_number":"x","event_data":{"NewProcessId":"0xzz"}}`,
	},
	winjson.NameNxlog: {
		`{"Hostname":"h","EventID":4688,"Channel":"Security","TimeCreated":"2026-01-01T00:00:00.000Z","NewProcessId":"0x10","SubjectLogonId":"0x5"}`,
		`{"Hostname":"h","EventID":10,"EventTime":"2020-09-20 12:16:06","EventReceivedTime":"2020-09-20 12:16:09","@timestamp":"2020-09-20T16:16:09.362Z","RecordNumber":7,"Keywords":-9214364837600034816}`,
		`{"Hostname":"h","EventID":1,"TimeCreated":"2020-10-19 03:30:41.104","EventTime":"junk"}`,
	},
	winjson.NameSentinel: {
		`{"TimeGenerated":"2021-08-02T13:09:20.04Z","Computer":"h","EventID":5156,"Type":"SecurityEvent","EventData":"<EventData><Data Name=\"SourceAddress\">1.2.3.4</Data><Data>x</Data></EventData>"}`,
		`{"TimeGenerated":"2021-08-02T13:09:20.04Z","Computer":"h","EventID":3,"Type":"WindowsEvent","Channel":"Microsoft-Windows-Sysmon/Operational","EventData":"{\"ProcessGuid\":\"{a}\",\"DestinationIp\":\"::1\"}"}`,
		`{"TimeGenerated":"2021","Computer":"h","EventID":412,"EventData_dynamic":"[1,\"a\",null,{\"b\":2}]"}`,
		`{"TimeGenerated":"2021","Computer":"h","EventID":1,"EventData":"<unclosed"}`,
	},
}

// corpusSeeds adds a few records of each shape from the corpora, when they
// are present: fixtures first, then the first lines of one file per shape.
func corpusSeeds(f *testing.F) {
	for _, p := range []string{"testdata/winlogbeat_ecs.json", "testdata/fixtures_evtxdump.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		for {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err == io.EOF {
				break
			} else if err != nil {
				f.Fatal(err)
			}
			f.Add(string(raw))
		}
	}
	dir := sourcetest.CorporaDir()
	for _, p := range []string{
		"otrf/datasets/atomic/windows/lateral_movement/host/covenant_copy_smb_CreateRequest.zip",
		"otrf/datasets/atomic/windows/execution/host/psh_powershell_httplistener.zip",
		"otrf-compound/Log4Shell/sysmon_log4shell_cve2021_44228_java_serialized_object.zip",
		"otrf-compound/GoldenSAMLADFSMailAccess/WindowsEvents.Zip",
	} {
		path := filepath.Join(dir, p)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		data := zipMember(f, path, 256<<10)
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for i := 0; i < 12 && sc.Scan(); i++ {
			f.Add(sc.Text())
		}
	}
}

// fuzzShape feeds arbitrary JSON objects to one shape's Normalize, whether
// or not its Match accepts them: it must never panic, and what it accepts
// must be a well-formed event.
func fuzzShape(f *testing.F, name string) {
	for _, s := range fuzzSeeds[name] {
		f.Add(s)
	}
	corpusSeeds(f)
	var rf source.RecordFormat
	for _, r := range winjson.RecordFormats(newNormalizer()) {
		if r.Name == name {
			rf = r
		}
	}
	f.Fuzz(func(t *testing.T, raw string) {
		rec, err := jsonrec.NewFlattener().Flatten(raw)
		if err != nil {
			return
		}
		rf.Match(&rec)
		ev := &event.Event{Source: event.Source{Format: name}, Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			return
		}
		if ev.Class == "" || ev.Source.Format != name {
			t.Fatalf("class %q, format %q", ev.Class, ev.Source.Format)
		}
		for _, r := range ev.Refs {
			if r.Entity.ID == "" || r.Entity.Kind == "" {
				t.Fatalf("empty entity in role %s", r.Role)
			}
		}
		if ev.ID.IsZero() != (ev.Source.Record == "") {
			t.Fatalf("id %s with source record %q", ev.ID, ev.Source.Record)
		}
	})
}

func FuzzEvtxDump(f *testing.F)   { fuzzShape(f, winjson.NameEvtxDump) }
func FuzzWinlogbeat(f *testing.F) { fuzzShape(f, winjson.NameWinlogbeat) }
func FuzzNxlog(f *testing.F)      { fuzzShape(f, winjson.NameNxlog) }
func FuzzSentinel(f *testing.F)   { fuzzShape(f, winjson.NameSentinel) }
