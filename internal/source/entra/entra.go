// Package entra reads Microsoft Entra ID (Azure AD) sign-in and audit logs
// into normalized events. Each log comes in three shapes, all handled:
//
//   - Microsoft Graph (/auditLogs/signIns, /auditLogs/directoryAudits):
//     createdDateTime, userPrincipalName, status.errorCode; activityDateTime,
//     initiatedBy.user.userPrincipalName, targetResources;
//   - Azure Monitor diagnostic settings (Event Hub, storage account): time,
//     category, callerIpAddress, resultType and the Graph record under
//     properties;
//   - Log Analytics / Sentinel tables (SigninLogs, AADNonInteractiveUser-
//     SignInLogs, AuditLogs, ...): PascalCase columns, with dynamic columns
//     (InitiatedBy, TargetResources, Status, ...) exported as JSON strings,
//     which are parsed and added as dotted fields ("InitiatedBy.user.id").
//
// Keys are matched without regard to case, so exports that lower-cased them
// read the same.
//
// Entities: people are RoleUser principals by user principal name
// (p.Name, so Okta logins and M365 UserIds of the same name join), or by
// object id ("principal:entra:<id>") when the name is missing;
// applications acting as themselves (service principals, OAuth clients)
// are RoleActor principals by application id ("principal:app:<appid>");
// apps signed in to and resources called are RoleTarget resources
// ("resource:entra/app:<appid>"); other audit targets are resources by
// object id ("resource:entra/<id>"). The session is the sign-in's
// sessionId, else its correlationId ("session:entra/<id>"), the scope M365
// uses for AADSessionId; the origin is the client IP (RoleSrc).
package entra

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// Format names events carry in Source.Format.
const (
	SignInName = "entra_signin"
	AuditName  = "entra_audit"
)

// SignInFormat returns the record format of Entra sign-in logs
// (interactive, non-interactive, service principal and managed identity).
// p resolves user names to principals; it must not be nil.
func SignInFormat(p *event.Principals) source.RecordFormat {
	return source.RecordFormat{
		Name:  SignInName,
		Match: MatchSignIn,
		Normalize: func(r *jsonrec.Record, ev *event.Event) error {
			return normalizeSignIn(p, r, ev)
		},
	}
}

// AuditFormat returns the record format of Entra directory audit logs.
// p resolves user names to principals; it must not be nil.
func AuditFormat(p *event.Principals) source.RecordFormat {
	return source.RecordFormat{
		Name:  AuditName,
		Match: MatchAudit,
		Normalize: func(r *jsonrec.Record, ev *event.Event) error {
			return normalizeAudit(p, r, ev)
		},
	}
}

// signInCategory reports whether v names a sign-in log: a diagnostic
// settings category or a Log Analytics table.
func signInCategory(v string) bool {
	switch v {
	case "SignInLogs", "NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs",
		"ManagedIdentitySignInLogs", "SigninLogs", "AADNonInteractiveUserSignInLogs",
		"AADServicePrincipalSignInLogs", "AADManagedIdentitySignInLogs":
		return true
	}
	return false
}

// MatchSignIn reports whether r is an Entra sign-in record in any of the
// three shapes.
func MatchSignIn(r *jsonrec.Record) bool {
	graph, evidence, category, framed := false, false, false, false
	for i := range r.Fields {
		k, v := r.Fields[i].Key, r.Fields[i].Value
		switch k {
		case "createdDateTime", "createddatetime", "properties.createdDateTime":
			graph = true
		case "TimeGenerated":
			framed = true
		case "category", "Category", "Type":
			if signInCategory(v) {
				category = true
			}
		case "status.errorCode", "appDisplayName", "appId", "clientAppUsed",
			"conditionalAccessStatus", "isInteractive", "authenticationRequirement",
			"userPrincipalName", "ipAddress", "resourceDisplayName":
			evidence = true
		case "activityDateTime", "Workload", "Operation",
			"eventVersion", "eventSource", "eventName", "EventID", "EventRecordID", "Channel",
			"Computer", "ts", "uid", "id.orig_h", "id_orig_h", "class_uid", "logName",
			"protoPayload.methodName", "Event.System.EventID", "winlog.event_id":
			return false // audit, M365; other log types
		}
		if strings.HasPrefix(k, "properties.") {
			framed = true
		}
		if category && (graph || framed) {
			return true
		}
		if graph && evidence {
			return true
		}
	}
	return false
}

// MatchAudit reports whether r is an Entra directory audit record in any
// of the three shapes.
func MatchAudit(r *jsonrec.Record) bool {
	graph, sentinel, evidence := false, false, false
	for i := range r.Fields {
		k := r.Fields[i].Key
		switch k {
		case "activityDateTime", "activitydatetime":
			graph = true
		case "ActivityDateTime":
			sentinel = true
		case "properties.activityDateTime", "properties.loggedByService":
			return true
		case "loggedByService", "activityDisplayName", "initiatedBy.user.userPrincipalName",
			"initiatedBy.user.id", "initiatedBy.app.appId", "initiatedBy.app.displayName",
			"LoggedByService", "InitiatedBy", "AADOperationType":
			evidence = true
		case "createdDateTime", "Workload", "Operation",
			"eventVersion", "eventSource", "eventName", "EventID", "EventRecordID", "Channel",
			"Computer", "ts", "uid", "id.orig_h", "id_orig_h", "class_uid", "logName",
			"protoPayload.methodName", "Event.System.EventID", "winlog.event_id":
			return false // sign-ins, M365; other log types
		default:
			if strings.HasPrefix(k, "properties.initiatedBy.") {
				return true
			}
		}
		if (graph || sentinel) && evidence {
			return true
		}
	}
	return false
}
