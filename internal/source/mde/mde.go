// Package mde reads Microsoft Defender XDR advanced hunting rows
// (Defender for Endpoint Device* tables, Defender for Identity Identity*
// tables, Defender for Cloud Apps CloudAppEvents) into normalized events,
// as query results export them (one row per JSON object, tables possibly
// unioned, absent columns as "" or null, dynamic columns as objects or
// JSON text, type-suffixed duplicates such as ReportId_long) and as the
// streaming API writes them ({"category": "AdvancedHunting-<Table>",
// "properties": {...}}).
//
// The row's ActionType decides class and action; the initiating process,
// its account and logon session, the device, network peers, files,
// registry keys and cloud apps become entity references that join the
// same host's Windows events (host name, logon id in hex).
package mde

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// Name is the format name events carry in Source.Format.
const Name = "mde"

// RecordFormat returns the advanced hunting record format. p resolves
// account names to principals; it must not be nil.
func RecordFormat(p *event.Principals) source.RecordFormat {
	return source.RecordFormat{
		Name:  Name,
		Match: Match,
		Normalize: func(r *jsonrec.Record, ev *event.Event) error {
			return normalize(p, r, ev)
		},
	}
}

// Match reports whether r is an advanced hunting row: Timestamp and
// ActionType with one of the columns every table has (ReportId) or the
// device, account or application columns; or a streaming API record.
func Match(r *jsonrec.Record) bool {
	var stamp, action, columns bool
	for i := range r.Fields {
		k := r.Fields[i].Key
		k = strings.TrimPrefix(k, "properties.")
		switch k {
		case "Timestamp":
			stamp = true
		case "ActionType":
			action = true
		case "ReportId", "ReportId_long", "ReportId_string", "DeviceId", "AccountObjectId", "Application":
			columns = true
		case "category":
			if strings.HasPrefix(r.Fields[i].Value, "AdvancedHunting-") {
				return true
			}
		case "eventVersion", "eventSource", "eventName", "EventID", "EventRecordID", "Channel",
			"Computer", "ts", "uid", "id.orig_h", "id_orig_h", "class_uid", "logName",
			"protoPayload.methodName", "Event.System.EventID", "winlog.event_id":
			return false // other log types: CloudTrail, Windows, Zeek, OCSF, GCP
		}
		if stamp && action && columns {
			return true
		}
	}
	return false
}
