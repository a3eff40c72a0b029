// Package m365 reads the Microsoft 365 unified audit log into normalized
// events, in the two shapes it is exported in:
//
//   - the Office 365 Management Activity API (and Purview audit search
//     exports): CreationTime, Operation, Workload, RecordType, UserId,
//     ClientIP, with workload-specific fields (Exchange mailbox access,
//     SharePoint and OneDrive files, Entra logins, Teams, ...);
//   - the Sentinel / Log Analytics OfficeActivity table: TimeGenerated,
//     OfficeWorkload, OfficeId, Client_IPAddress, with dynamic columns
//     (Folders, Parameters, OperationProperties, ...) written as JSON text,
//     which are parsed and added as dotted fields.
//
// Both shapes of one record get the same event id (from its Id/OfficeId).
//
// Entities follow package entra: UserId is the RoleUser principal, the
// client application (ClientAppId) the RoleActor "principal:app:<appid>",
// AppAccessContext.AADSessionId (else SessionId) the Entra session, the
// client IP the origin, and the app called, the mailbox owner, the file or
// site URL and the user shared with are targets.
package m365

import (
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// Name is the format name events carry in Source.Format.
const Name = "m365"

// RecordFormat returns the Microsoft 365 audit record format. p resolves
// user names to principals; it must not be nil.
func RecordFormat(p *event.Principals) source.RecordFormat {
	return source.RecordFormat{
		Name:  Name,
		Match: Match,
		Normalize: func(r *jsonrec.Record, ev *event.Event) error {
			return normalize(p, r, ev)
		},
	}
}

// Match reports whether r is a Microsoft 365 audit record: CreationTime
// and Operation with Workload or RecordType (Management Activity API), or
// an OfficeActivity row. Exports that lower-cased the keys are accepted.
func Match(r *jsonrec.Record) bool {
	var created, operation, workload, office bool
	for i := range r.Fields {
		switch r.Fields[i].Key {
		case "CreationTime", "creationtime":
			created = true
		case "Operation", "operation":
			operation = true
		case "Workload", "workload", "RecordType", "recordtype":
			workload = true
		case "OfficeWorkload", "OfficeId":
			office = true
		case "Type":
			if r.Fields[i].Value == "OfficeActivity" {
				return true
			}
		case "ActivityDateTime", "activityDateTime",
			"eventVersion", "eventSource", "eventName", "EventID", "EventRecordID", "Channel",
			"Computer", "ts", "uid", "id.orig_h", "id_orig_h", "class_uid", "logName",
			"protoPayload.methodName", "Event.System.EventID", "winlog.event_id":
			return false // other log types: Entra, CloudTrail, Windows, Zeek, OCSF, GCP
		}
		if operation && (created && workload || office) {
			return true
		}
	}
	return false
}
