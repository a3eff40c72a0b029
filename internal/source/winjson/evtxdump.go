package winjson

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// evtx_dump (omerbenamram/evtx) writes the event's XML as nested objects:
//
//	{"Event": {"#attributes": {"xmlns": ...},
//	           "System": {"Provider": {"#attributes": {"Name": ...}}, "EventID": 1, ...,
//	                      "TimeCreated": {"#attributes": {"SystemTime": ...}}, ...},
//	           "EventData": {"Name": value, ...} | "UserData": {"Elem": {...}}}}
//
// An element with attributes and text has its text under "#text"
// (EventID with Qualifiers). Several such objects may follow each other in
// one file.

const (
	evSystem    = "Event.System."
	evEventData = "Event.EventData."
	evUserData  = "Event.UserData."
)

func matchEvtxDump(r *jsonrec.Record) bool {
	for i := 0; i < len(r.Fields) && i < 4; i++ {
		if strings.HasPrefix(r.Fields[i].Key, evSystem) {
			return true
		}
	}
	return false
}

func readEvtxDump(r *jsonrec.Record, rec *winevent.Record) error {
	var eventID, recordID, systemTime string
	nData := 0
	for _, f := range r.Fields {
		k := f.Key
		switch {
		case strings.HasPrefix(k, evSystem):
			switch k[len(evSystem):] {
			case "Provider.#attributes.Name":
				rec.Provider = f.Value
			case "EventID", "EventID.#text":
				eventID = f.Value
			case "Level":
				rec.Level = f.Value
			case "Task":
				rec.Task = f.Value
			case "Opcode":
				rec.Opcode = f.Value
			case "Keywords":
				rec.Keywords = f.Value
			case "TimeCreated.#attributes.SystemTime":
				systemTime = f.Value
			case "EventRecordID":
				recordID = f.Value
			case "Execution.#attributes.ProcessID":
				rec.ProcessID = f.Value
			case "Execution.#attributes.ThreadID":
				rec.ThreadID = f.Value
			case "Channel":
				rec.Channel = f.Value
			case "Computer":
				rec.Computer = f.Value
			case "Security.#attributes.UserID":
				rec.UserID = f.Value
			}
		case strings.HasPrefix(k, evEventData):
			name := strings.TrimSuffix(k[len(evEventData):], ".#text")
			switch {
			case strings.HasPrefix(name, "#attributes"):
				continue
			case name == "Data":
				nData++
				name = unnamed(nData)
			}
			rec.Data = append(rec.Data, event.Field{Key: name, Value: f.Value})
		case strings.HasPrefix(k, evUserData):
			// UserData holds one element whose children are the fields:
			// drop the element's name, keep the children's paths.
			name := strings.TrimSuffix(k[len(evUserData):], ".#text")
			i := strings.IndexByte(name, '.')
			if i < 0 || strings.Contains(name, "#attributes") {
				continue
			}
			rec.Data = append(rec.Data, event.Field{Key: name[i+1:], Value: f.Value})
		}
	}
	id, err := parseEventID(eventID)
	if err != nil {
		return err
	}
	rec.EventID = id
	parseRecordID(recordID, rec)
	parseTime(systemTime, "TimeCreated.SystemTime", rec)
	return nil
}
