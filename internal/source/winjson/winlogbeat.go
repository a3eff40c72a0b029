package winjson

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// Winlogbeat writes two shapes. Since 7.0 (ECS) the event sits under
// "winlog" ("winlog.channel", "winlog.record_id", "winlog.event_data.*")
// with "event.code" and "@timestamp" beside it; 6.x wrote it at the top
// ("log_name", "record_number", "computer_name", "event_data.*"). In both,
// "@timestamp" is the event's TimeCreated, and Level, Task and Opcode are
// names ("information", "Logon"), not numbers. Everything outside the event
// (agent, host, ecs, message) is kept in Record.Extra.

// beatKeys maps the System keys of both shapes to what they fill.
var beatKeys = map[string]string{
	"winlog.channel":           "channel",
	"winlog.computer_name":     "computer",
	"winlog.record_id":         "record",
	"winlog.event_id":          "id",
	"event.code":               "id",
	"winlog.provider_name":     "provider",
	"winlog.task":              "task",
	"winlog.opcode":            "opcode",
	"winlog.keywords":          "keywords",
	"log.level":                "level",
	"winlog.process.pid":       "pid",
	"winlog.process.thread.id": "tid",
	"winlog.user.identifier":   "user",
	"@timestamp":               "time",
	"log_name":                 "channel",
	"computer_name":            "computer",
	"record_number":            "record",
	"event_id":                 "id",
	"source_name":              "provider",
	"task":                     "task",
	"opcode":                   "opcode",
	"keywords":                 "keywords",
	"level":                    "level",
	"process_id":               "pid",
	"thread_id":                "tid",
	"user.identifier":          "user",
}

func matchWinlogbeat(r *jsonrec.Record) bool {
	var computer, logName bool
	for i := range r.Fields {
		switch k := r.Fields[i].Key; {
		case strings.HasPrefix(k, "winlog."):
			return true
		case k == "computer_name":
			computer = true
		case k == "log_name":
			logName = true
		}
		if computer && logName {
			return true
		}
	}
	return false
}

func readWinlogbeat(r *jsonrec.Record, rec *winevent.Record) error {
	var eventID, recordID, ts string
	for _, f := range r.Fields {
		k := f.Key
		if name, ok := beatData(k); ok {
			if name != "" {
				rec.Data = append(rec.Data, event.Field{Key: name, Value: f.Value})
			}
			continue
		}
		switch beatKeys[k] {
		case "channel":
			rec.Channel = f.Value
		case "computer":
			rec.Computer = f.Value
		case "record":
			recordID = f.Value
		case "id":
			if eventID == "" {
				eventID = f.Value
			}
		case "provider":
			rec.Provider = f.Value
		case "task":
			rec.Task = f.Value
		case "opcode":
			rec.Opcode = f.Value
		case "keywords":
			if rec.Keywords != "" {
				rec.Keywords += ", "
			}
			rec.Keywords += f.Value
		case "level":
			rec.Level = f.Value
		case "pid":
			rec.ProcessID = f.Value
		case "tid":
			rec.ThreadID = f.Value
		case "user":
			rec.UserID = f.Value
		case "time":
			ts = f.Value
		default:
			rec.Extra = append(rec.Extra, f)
		}
	}
	id, err := parseEventID(eventID)
	if err != nil {
		return err
	}
	rec.EventID = id
	parseRecordID(recordID, rec)
	parseTime(ts, "@timestamp", rec)
	return nil
}

// beatData returns the Data name of an event_data or user_data key ("" to
// drop Winlogbeat's xml_name, the UserData element's name), and whether
// the key is one.
func beatData(k string) (string, bool) {
	for _, p := range [...]string{"winlog.event_data.", "event_data.", "winlog.user_data.", "user_data."} {
		if strings.HasPrefix(k, p) {
			name := k[len(p):]
			if name == "xml_name" {
				return "", true
			}
			return name, true
		}
	}
	return "", false
}
