package winjson

import (
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// nxlog's im_msvistalog writes EventData flat beside its own fields
// (Hostname, SourceName, EventID, Channel, ...). The OTRF datasets hold two
// generations:
//
//   - 2019–2020 (through Logstash): RecordNumber, Keywords as a signed
//     decimal, EventTime and EventReceivedTime in the collector's local time
//     without a zone, "@timestamp" in UTC when Logstash received it, and
//     nxlog's EventType (INFO, AUDIT_SUCCESS) over Sysmon's own EventType,
//     which the dataset kept as "EventTypeOrignal" (sic).
//   - from late 2020: TimeCreated in UTC, Level, hex Keywords, and no
//     record number at all.
//
// Every key that is not nxlog's own is EventData.

// nxlogKey says what one of nxlog's own keys fills; "" is EventData,
// "extra" is kept in Record.Extra. (A switch: a map lookup per field cost
// a tenth of the normalization.)
func nxlogKey(k string) string {
	switch k {
	case "Hostname":
		return "computer"
	case "SourceName":
		return "provider"
	case "Channel":
		return "channel"
	case "EventID":
		return "id"
	case "RecordNumber":
		return "record"
	case "TimeCreated":
		return "created"
	case "EventTime":
		return "eventtime"
	case "EventReceivedTime":
		return "received"
	case "@timestamp":
		return "timestamp"
	case "Level":
		return "level"
	case "Task":
		return "task"
	case "Opcode":
		return "opcodename"
	case "OpcodeValue":
		return "opcode"
	case "Keywords":
		return "keywords"
	case "ExecutionProcessID":
		return "pid"
	case "ThreadID":
		return "tid"
	case "UserID":
		return "user"
	case "EventType":
		return "eventtype"
	case "EventTypeOrignal":
		return "sysmoneventtype"
	case "Message", "ProviderGuid", "Version", "ActivityID", "RelatedActivityID", "Severity", "SeverityValue", "SourceModuleName", "SourceModuleType", "Category", "AccountName", "AccountType", "Domain", "ERROR_EVT_UNRESOLVED", "host", "port", "tags", "@version", "type":
		return "extra"
	}
	return ""
}

func matchNxlog(r *jsonrec.Record) bool {
	var id, host bool
	for i := range r.Fields {
		switch r.Fields[i].Key {
		case "EventID":
			id = true
		case "Hostname":
			host = true
		}
		if id && host {
			return true
		}
	}
	return false
}

func readNxlog(r *jsonrec.Record, rec *winevent.Record) error {
	var eventID, recordID, created, eventTime, received, stamp, opcodeName, nxEventType, sysmonEventType string
	for _, f := range r.Fields {
		switch nxlogKey(f.Key) {
		case "":
			rec.Data = append(rec.Data, f)
		case "computer":
			rec.Computer = f.Value
		case "provider":
			rec.Provider = f.Value
		case "channel":
			rec.Channel = f.Value
		case "id":
			eventID = f.Value
		case "record":
			recordID = f.Value
		case "created":
			created = f.Value
		case "eventtime":
			eventTime = f.Value
			rec.Extra = append(rec.Extra, f)
		case "received":
			received = f.Value
			rec.Extra = append(rec.Extra, f)
		case "timestamp":
			stamp = f.Value
			rec.Extra = append(rec.Extra, f)
		case "level":
			rec.Level = f.Value
		case "task":
			rec.Task = f.Value
		case "opcodename":
			opcodeName = f.Value
		case "opcode":
			rec.Opcode = f.Value
		case "keywords":
			rec.Keywords = keywordsHex(f.Value)
		case "pid":
			rec.ProcessID = f.Value
		case "tid":
			rec.ThreadID = f.Value
		case "user":
			rec.UserID = f.Value
		case "eventtype":
			nxEventType = f.Value
		case "sysmoneventtype":
			sysmonEventType = f.Value
		case "extra":
			rec.Extra = append(rec.Extra, f)
		}
	}
	switch {
	case sysmonEventType != "":
		// nxlog's EventType was Severity again ("INFO"); Sysmon's is data.
		rec.Data = append(rec.Data, event.Field{Key: "EventType", Value: sysmonEventType})
	case nxEventType != "" && eventTime != "":
		// The Logstash generation: EventType is nxlog's.
		rec.Extra = append(rec.Extra, event.Field{Key: "EventType", Value: nxEventType})
	case nxEventType != "":
		rec.Data = append(rec.Data, event.Field{Key: "EventType", Value: nxEventType})
	}
	if rec.Opcode == "" && opcodeName != "" {
		rec.Extra = append(rec.Extra, event.Field{Key: "Opcode", Value: opcodeName})
	}
	id, err := parseEventID(eventID)
	if err != nil {
		return err
	}
	rec.EventID = id
	parseRecordID(recordID, rec)
	switch {
	case created != "" && strings.IndexByte(created, 'T') < 0:
		// Some 2020 exports wrote TimeCreated as local time without a
		// zone and kept nothing in UTC beside it.
		t, err := time.Parse(nxlogLayout, created)
		if err != nil {
			rec.Notes = append(rec.Notes, "unreadable event time TimeCreated="+strconv.Quote(created))
			break
		}
		rec.Time = t
		rec.Notes = append(rec.Notes, "TimeCreated has no zone (the collector's local time); read as UTC")
	case created != "":
		parseTime(created, "TimeCreated", rec)
	case eventTime != "":
		localTime(eventTime, received, stamp, rec)
	default:
		parseTime(stamp, "@timestamp", rec)
	}
	return nil
}

const nxlogLayout = "2006-01-02 15:04:05"

// localTime converts nxlog's EventTime, written in the collector's local
// time without a zone, to UTC. The zone is found from the same record:
// EventReceivedTime (local) and Logstash's "@timestamp" (UTC) were taken
// seconds apart, so their difference rounded to 15 minutes is the offset.
func localTime(eventTime, received, stamp string, rec *winevent.Record) {
	t, err := time.Parse(nxlogLayout, eventTime)
	if err != nil {
		rec.Notes = append(rec.Notes, "unreadable event time EventTime="+strconv.Quote(eventTime))
		return
	}
	recv, err1 := time.Parse(nxlogLayout, received)
	utc, err2 := time.Parse(time.RFC3339Nano, stamp)
	if err1 != nil || err2 != nil {
		rec.Time = t
		rec.Notes = append(rec.Notes, "EventTime has no zone; read as UTC")
		return
	}
	offset := recv.Sub(utc.UTC()).Round(15 * time.Minute)
	if offset > 14*time.Hour || offset < -14*time.Hour {
		rec.Time = t
		rec.Notes = append(rec.Notes, "EventTime has no zone and EventReceivedTime disagrees with @timestamp by "+offset.String()+"; read as UTC")
		return
	}
	rec.Time = t.Add(-offset)
}
