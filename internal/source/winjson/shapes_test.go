package winjson_test

import (
	"reflect"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/internal/source/winjson"
)

// One Security 4624 record (WS03, record 880020, 2026-03-02 11:00:00 UTC)
// as each shape writes it. The time is a whole second: Winlogbeat keeps
// milliseconds and the Logstash generation of nxlog whole seconds.
var sameRecord = map[string]string{
	winjson.NameEvtxDump: `{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},
		"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing","Guid":"54849625-5478-4994-A5BA-3E3B0328C30D"}},
		"EventID":4624,"Version":2,"Level":0,"Task":12544,"Opcode":0,"Keywords":"0x8020000000000000",
		"TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T11:00:00.000000Z"}},"EventRecordID":880020,
		"Execution":{"#attributes":{"ProcessID":652,"ThreadID":4120}},"Channel":"Security","Computer":"WS03.corp.example","Security":null},
		"EventData":{"SubjectUserSid":"S-1-5-18","SubjectUserName":"WS03$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",
		"TargetUserSid":"S-1-5-21-1-2-3-1107","TargetUserName":"bob","TargetDomainName":"CORP","TargetLogonId":"0x1E2F3A5",
		"LogonType":3,"IpAddress":"198.51.100.7","IpPort":"49822","ProcessName":"-"}}}`,
	winjson.NameWinlogbeat: `{"@timestamp":"2026-03-02T11:00:00.000Z","event":{"code":"4624","created":"2026-03-02T11:00:03.000Z"},
		"host":{"name":"ws03.corp.example"},"winlog":{"channel":"Security","computer_name":"WS03.corp.example","record_id":"880020",
		"event_id":"4624","provider_name":"Microsoft-Windows-Security-Auditing","keywords":["Audit Success"],
		"event_data":{"SubjectUserSid":"S-1-5-18","SubjectUserName":"WS03$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",
		"TargetUserSid":"S-1-5-21-1-2-3-1107","TargetUserName":"bob","TargetDomainName":"CORP","TargetLogonId":"0x1e2f3a5",
		"LogonType":"3","IpAddress":"198.51.100.7","IpPort":"49822","ProcessName":"-"}}}`,
	"winlogbeat-6": `{"@timestamp":"2026-03-02T11:00:00.000Z","beat":{"name":"WEC"},"computer_name":"WS03.corp.example",
		"log_name":"Security","record_number":"880020","event_id":4624,"source_name":"Microsoft-Windows-Security-Auditing",
		"keywords":["Audit Success"],"event_data":{"SubjectUserSid":"S-1-5-18","SubjectUserName":"WS03$","SubjectDomainName":"CORP",
		"SubjectLogonId":"0x3e7","TargetUserSid":"S-1-5-21-1-2-3-1107","TargetUserName":"bob","TargetDomainName":"CORP",
		"TargetLogonId":"0x1e2f3a5","LogonType":"3","IpAddress":"198.51.100.7","IpPort":"49822","ProcessName":"-"}}`,
	winjson.NameNxlog: `{"EventTime":"2026-03-02 07:00:00","EventReceivedTime":"2026-03-02 07:00:02","@timestamp":"2026-03-02T11:00:02.500Z",
		"Hostname":"WS03.corp.example","Keywords":-9214364837600034816,"EventType":"AUDIT_SUCCESS","SeverityValue":2,"Severity":"INFO",
		"EventID":4624,"SourceName":"Microsoft-Windows-Security-Auditing","Task":12544,"RecordNumber":880020,"Channel":"security",
		"SubjectUserSid":"S-1-5-18","SubjectUserName":"WS03$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",
		"TargetUserSid":"S-1-5-21-1-2-3-1107","TargetUserName":"bob","TargetDomainName":"CORP","TargetLogonId":"0x1e2f3a5",
		"LogonType":"3","IpAddress":"198.51.100.7","IpPort":"49822","ProcessName":"-","Message":"An account was successfully logged on."}`,
}

// TestSameRecordAcrossShapes checks that one record gives the same event id,
// time, class and entities whichever shape carried it.
func TestSameRecordAcrossShapes(t *testing.T) {
	formats := winjson.RecordFormats(newNormalizer())
	var first *event.Event
	for _, shape := range []string{winjson.NameEvtxDump, winjson.NameWinlogbeat, "winlogbeat-6", winjson.NameNxlog} {
		s := sourcetest.DecodeRecords(t, formats, shape, []byte(sameRecord[shape]))
		if len(s.Errs) != 0 || len(s.Events) != 1 {
			t.Fatalf("%s: %d events, errors %v", shape, len(s.Events), s.Errs)
		}
		ev := s.Events[0]
		sourcetest.CheckEvent(t, ev)
		if ev.ID.IsZero() || ev.Class != event.ClassLogon || ev.Outcome != event.OutcomeSuccess {
			t.Errorf("%s: id %s, class %s, outcome %s", shape, ev.ID, ev.Class, ev.Outcome)
		}
		if first == nil {
			first = ev
			continue
		}
		if ev.ID != first.ID || !ev.Time.Equal(first.Time) || ev.Action != first.Action || !reflect.DeepEqual(ev.Refs, first.Refs) {
			t.Errorf("%s differs from evtx_dump:\n got  %s %s %s %v\n want %s %s %s %v", shape,
				ev.ID, ev.Time, ev.Action, ev.Refs, first.ID, first.Time, first.Action, first.Refs)
		}
	}
}
