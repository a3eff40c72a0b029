package winjson

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// Microsoft Sentinel (Log Analytics) keeps Windows events in three tables:
//
//   - SecurityEvent: EventData names as columns (Account, Activity and a few
//     others are computed by Sentinel), or the EventData XML in "EventData";
//   - Event: "Source" and "EventLog" for provider and channel, EventData as
//     an XML string ("EventData", or "EventData_string" in the OTRF export,
//     wrapped in a <DataItem>);
//   - WindowsEvent: "Provider", "Channel", EventData as a JSON object string.
//
// The OTRF export appends the column's type to a name used with two types
// ("ProcessId_string", "EventData_dynamic"); the suffix is dropped. Rows
// carry no EventRecordID (EventOriginId is a Sentinel id and is reused in
// redacted exports), so the event id falls back to the raw record. Time is
// TimeGenerated, the event's TimeCreated.

// sentinelTables are the Type values that hold Windows events.
var sentinelTables = map[string]bool{"SecurityEvent": true, "Event": true, "WindowsEvent": true}

// sentinelKeys are the columns that are not EventData.
var sentinelKeys = map[string]string{
	"TimeGenerated":       "time",
	"Computer":            "computer",
	"EventID":             "id",
	"Channel":             "channel",
	"EventLog":            "channel",
	"EventSourceName":     "provider",
	"Source":              "provider",
	"Provider":            "provider",
	"Task":                "task",
	"Level":               "level",
	"EventLevel":          "level",
	"Keywords":            "keywords",
	"EventData":           "eventdata",
	"Type":                "extra",
	"TenantId":            "extra",
	"SourceSystem":        "extra",
	"MG":                  "extra",
	"ManagementGroupName": "extra",
	"_ResourceId":         "extra",
	"Activity":            "extra",
	"SourceComputerId":    "extra",
	"EventOriginId":       "extra",
	"TimeCollected":       "extra",
	"InstanceId":          "extra",
	"Account":             "extra",
	"AccountType":         "extra",
	"SubjectAccount":      "extra",
	"TargetAccount":       "extra",
	"LogonTypeName":       "extra",
	"Process":             "extra",
	"EventLevelName":      "extra",
	"RenderedDescription": "extra",
	"ParameterXml":        "extra",
	"UserName":            "extra",
	"AzureDeploymentID":   "extra",
	"Role":                "extra",
	"timestamp":           "extra",
	"HostCustomEntity":    "extra",
	"AccountCustomEntity": "extra",
	"IPCustomEntity":      "extra",
}

func matchSentinel(r *jsonrec.Record) bool {
	var gen, id, computer bool
	for i := range r.Fields {
		switch f := &r.Fields[i]; f.Key {
		case "TimeGenerated":
			gen = true
		case "EventID":
			id = true
		case "Computer":
			computer = true
		case "Type":
			if !sentinelTables[f.Value] {
				return false
			}
		}
	}
	return gen && id && computer
}

// sentinelType drops the OTRF export's type suffix from a column name.
func sentinelType(k string) string {
	for _, s := range [...]string{"_string", "_dynamic", "_int", "_long", "_real", "_bool", "_datetime"} {
		if strings.HasSuffix(k, s) && len(k) > len(s) {
			return k[:len(k)-len(s)]
		}
	}
	return k
}

func readSentinel(r *jsonrec.Record, rec *winevent.Record) error {
	var eventID, ts string
	for _, f := range r.Fields {
		name := sentinelType(f.Key)
		switch sentinelKeys[name] {
		case "":
			rec.Data = append(rec.Data, event.Field{Key: name, Value: f.Value})
		case "time":
			ts = f.Value
		case "computer":
			rec.Computer = f.Value
		case "id":
			eventID = f.Value
		case "channel":
			rec.Channel = f.Value
		case "provider":
			rec.Provider = f.Value
		case "task":
			rec.Task = f.Value
		case "level":
			if rec.Level == "" {
				rec.Level = f.Value
			}
		case "keywords":
			rec.Keywords = f.Value
		case "eventdata":
			if err := eventData(f.Value, rec); err != nil {
				rec.Extra = append(rec.Extra, event.Field{Key: name, Value: f.Value})
				rec.Notes = append(rec.Notes, "EventData kept unparsed: "+err.Error())
			}
		case "extra":
			rec.Extra = append(rec.Extra, event.Field{Key: name, Value: f.Value})
		}
	}
	id, err := parseEventID(eventID)
	if err != nil {
		return err
	}
	rec.EventID = id
	if rec.Channel == "" && id >= 4608 && id <= 6424 {
		// A row exported without its table's columns: the number range is
		// the Security log's.
		rec.Channel = "Security"
		rec.Notes = append(rec.Notes, "channel missing; Security inferred from event id")
	}
	parseTime(ts, "TimeGenerated", rec)
	return nil
}

// eventData parses an EventData value: a JSON array of unnamed values, a
// JSON object of named ones, or the XML element (possibly inside a
// <DataItem>).
func eventData(s string, rec *winevent.Record) error {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return nil
	case t[0] == '[':
		var vals []any
		if err := json.Unmarshal([]byte(t), &vals); err != nil {
			return err
		}
		for i, v := range vals {
			rec.Data = append(rec.Data, event.Field{Key: unnamed(i + 1), Value: scalar(v)})
		}
		return nil
	case t[0] == '{':
		var err error
		rec.Data, err = jsonrec.NewFlattener().AppendFields(rec.Data, t, "")
		return err
	case t[0] == '<':
		return xmlEventData(t, rec)
	}
	return errors.New("EventData is neither JSON nor XML")
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// xmlEventData reads the <Data> (and <Binary>) children of <EventData>
// wherever it is in s; unnamed Data get the names Data, Data_2, ...
func xmlEventData(s string, rec *winevent.Record) error {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = false
	var name string
	var text strings.Builder
	in := false
	n := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "Data" && t.Name.Local != "Binary" {
				continue
			}
			in, name = true, t.Name.Local
			for _, a := range t.Attr {
				if a.Name.Local == "Name" {
					name = a.Value
				}
			}
			if name == "Data" {
				n++
				name = unnamed(n)
			}
			text.Reset()
		case xml.CharData:
			if in {
				text.Write(t)
			}
		case xml.EndElement:
			if in && (t.Name.Local == "Data" || t.Name.Local == "Binary") {
				rec.Data = append(rec.Data, event.Field{Key: name, Value: text.String()})
				in = false
			}
		}
	}
}
