// Package gcpaudit reads Google Cloud Audit Logs: Cloud Logging LogEntry
// records whose protoPayload is a google.cloud.audit.AuditLog (admin
// activity, data access, system event and policy denied logs), as exported
// to Pub/Sub, BigQuery, storage or a SIEM.
//
// Each entry becomes a cloud_api event: the action is methodName, the user
// is the authenticated principal (an email, so a login: Principals.Name),
// the source is the caller IP, the target is the resource named by
// serviceName and resourceName, the outcome comes from status.code (and
// authorizationInfo.granted when there is no status).
package gcpaudit

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/timestamp"
)

// FormatName names the format in events and errors.
const FormatName = "gcpaudit"

const auditLogType = "type.googleapis.com/google.cloud.audit.AuditLog"

// RecordFormat returns the GCP audit log record format. p resolves
// principal names; it must not be nil.
func RecordFormat(p *event.Principals) source.RecordFormat {
	return source.RecordFormat{
		Name:      FormatName,
		Match:     match,
		Normalize: func(r *jsonrec.Record, ev *event.Event) error { return normalize(p, r, ev) },
	}
}

// Keys are matched without regard to case: exports differ ("insertId" and
// "insertid", "protoPayload" and "protopayload", "callerIp" and "callerIP").
// Some exporters also rename "@type" to "at_sign_type".

// match accepts a LogEntry whose payload is typed as an AuditLog, or that
// sits in a cloudaudit.googleapis.com log, or whose untyped protoPayload
// carries AuditLog fields (methodName, authenticationInfo,
// authorizationInfo): trimmed exports and test fixtures drop the type. A
// payload typed as anything else (App Engine request logs, ...) is not ours.
func match(r *jsonrec.Record) bool {
	auditFields, typed := false, false
	for i := range r.Fields {
		k, v := r.Fields[i].Key, r.Fields[i].Value
		if len(k) < 7 {
			continue
		}
		if !hasPrefixFold(k, "protoPayload.") {
			if strings.EqualFold(k, "logName") && strings.Contains(v, "cloudaudit.googleapis.com") {
				return true
			}
			continue
		}
		k = k[len("protoPayload."):]
		switch {
		case strings.EqualFold(k, "@type"), strings.EqualFold(k, "at_sign_type"):
			if v == auditLogType {
				return true
			}
			typed = true
		case strings.EqualFold(k, "methodName"), hasPrefixFold(k, "authenticationInfo."), hasPrefixFold(k, "authorizationInfo."):
			auditFields = true
		}
	}
	return auditFields && !typed
}

// entry holds the first value of the fields the normalizer reads.
type entry struct {
	insertID, logName, timestamp, receiveTimestamp string
	method, service, resourceName                  string
	principal, subject, keyName                    string
	callerIP, statusCode, statusMessage            string
	denied                                         bool
	delegates                                      []string
}

func scan(r *jsonrec.Record) entry {
	var e entry
	set := jsonrec.SetFirst
	for i := range r.Fields {
		k, v := r.Fields[i].Key, r.Fields[i].Value
		if !hasPrefixFold(k, "protoPayload.") {
			switch {
			case strings.EqualFold(k, "insertId"):
				set(&e.insertID, v)
			case strings.EqualFold(k, "logName"):
				set(&e.logName, v)
			case strings.EqualFold(k, "timestamp"):
				set(&e.timestamp, v)
			case strings.EqualFold(k, "receiveTimestamp"):
				set(&e.receiveTimestamp, v)
			}
			continue
		}
		k = k[len("protoPayload."):]
		switch {
		case strings.EqualFold(k, "methodName"):
			set(&e.method, v)
		case strings.EqualFold(k, "serviceName"):
			set(&e.service, v)
		case strings.EqualFold(k, "resourceName"):
			set(&e.resourceName, v)
		case strings.EqualFold(k, "authenticationInfo.principalEmail"):
			set(&e.principal, v)
		case strings.EqualFold(k, "authenticationInfo.principalSubject"):
			set(&e.subject, v)
		case strings.EqualFold(k, "authenticationInfo.serviceAccountKeyName"):
			set(&e.keyName, v)
		case hasPrefixFold(k, "authenticationInfo.serviceAccountDelegationInfo.") && strings.HasSuffix(k, "principalEmail"):
			e.delegates = append(e.delegates, v)
		case strings.EqualFold(k, "requestMetadata.callerIp"):
			set(&e.callerIP, v)
		case strings.EqualFold(k, "status.code"):
			set(&e.statusCode, v)
		case strings.EqualFold(k, "status.message"):
			set(&e.statusMessage, v)
		case strings.EqualFold(k, "authorizationInfo.granted"):
			e.denied = e.denied || v == "false"
		}
	}
	return e
}

func normalize(p *event.Principals, r *jsonrec.Record, ev *event.Event) error {
	e := scan(r)
	switch t, ok := parseTime(e.timestamp); {
	case ok:
		ev.Time = t
	default:
		if t, ok := parseTime(e.receiveTimestamp); ok {
			ev.Time = t
			ev.Notes = append(ev.Notes, "no usable timestamp: receiveTimestamp used")
		} else if e.timestamp != "" {
			return fmt.Errorf("parsing timestamp %q", e.timestamp)
		} else {
			ev.Notes = append(ev.Notes, "record has no timestamp")
		}
	}
	if e.insertID != "" {
		// Cloud Logging treats entries with the same log, timestamp and
		// insertId as one.
		ev.ID = event.NewID(FormatName, e.logName, e.timestamp, e.insertID)
		ev.Source.Record = e.insertID
	}
	ev.Class = event.ClassCloudAPI
	ev.Action = e.method
	if ev.Action == "" {
		ev.Action = "call"
	}
	switch {
	case e.statusCode != "" && e.statusCode != "0":
		ev.Outcome = event.OutcomeFailure
	case e.statusCode == "0":
		ev.Outcome = event.OutcomeSuccess
	case e.denied:
		ev.Outcome = event.OutcomeFailure
	default:
		// An AuditLog without status records a call that succeeded.
		ev.Outcome = event.OutcomeSuccess
	}
	switch {
	case e.principal != "":
		ev.AddRef(event.RoleUser, p.Name(e.principal))
	case e.subject != "":
		ev.AddRef(event.RoleUser, subject(p, e.subject))
	}
	for _, d := range e.delegates {
		ev.AddRef(event.RoleActor, p.Name(d))
	}
	ev.AddRef(event.RoleCredential, event.Credential(e.keyName))
	if e.callerIP != "" {
		ev.AddRef(event.RoleSrc, event.IP(e.callerIP))
		if _, err := netip.ParseAddr(e.callerIP); err != nil {
			ev.Notes = append(ev.Notes, fmt.Sprintf("callerIp %q is not an IP address", source.Excerpt(e.callerIP, 40)))
		}
	}
	ev.AddRef(event.RoleTarget, resource(e.service, e.resourceName))
	return nil
}

// subject resolves an IAM member ("serviceAccount:x@p.iam.gserviceaccount.com",
// "user:alice@example.com") to the same principal its email gives; other
// subjects (workload identity pools, ...) are kept whole.
func subject(p *event.Principals, s string) event.Entity {
	for _, prefix := range []string{"serviceAccount:", "user:"} {
		if strings.HasPrefix(s, prefix) {
			return p.Name(s[len(prefix):])
		}
	}
	return p.Cloud(s)
}

// resource names a GCP resource by its full resource name
// ("//compute.googleapis.com/projects/p/zones/z/instances/i").
func resource(service, name string) event.Entity {
	if name == "" {
		return event.Entity{}
	}
	id := name
	if service != "" && !strings.HasPrefix(name, "//") {
		id = "//" + service + "/" + strings.TrimPrefix(name, "/")
	}
	return event.Resource("", id, name)
}

// parseTime reads RFC 3339 times and Panther's "2006-01-02 15:04:05.000".
func parseTime(s string) (time.Time, bool) {
	return timestamp.ParseAs(s, timestamp.RFC3339|timestamp.Space)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
