package entra

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

func normalizeAudit(p *event.Principals, r *jsonrec.Record, ev *event.Event) error {
	expand(r, ev)
	var w view
	w.read(ev.Fields)
	if w.id != "" {
		ev.Source.Record = w.id
		ev.ID = event.NewID(AuditName, w.id)
	}
	w.recordTime(ev)
	activity := w.activity
	if activity == "" {
		activity = w.operationName
	}
	ev.Class, ev.Action = ClassifyActivity(activity, w.operationType)
	switch strings.ToLower(w.result) {
	case "success":
		ev.Outcome = event.OutcomeSuccess
	case "failure", "timeout":
		ev.Outcome = event.OutcomeFailure
	}

	user := event.Entity{}
	if w.initUPN != "" {
		user = p.Name(w.initUPN)
	} else if w.initUserID != "" {
		user = objectPrincipal(p, w.initUserID)
	}
	appID := w.initAppID
	if appID == "" {
		appID = w.initSPID
	}
	// People are users, applications actors (as IAM roles are in
	// CloudTrail).
	ev.AddRef(event.RoleUser, user)
	ev.AddRef(event.RoleActor, appPrincipal(p, appID, w.initAppName))
	ev.AddRef(event.RoleSession, event.Session("entra", w.correlationID, ""))
	if w.initIP != "" {
		ev.AddRef(event.RoleSrc, event.IP(w.initIP))
	} else {
		ev.AddRef(event.RoleSrc, event.IP(w.callerIP))
	}
	for i := range w.targets.Items() {
		t := &w.targets.Items()[i]
		if strings.EqualFold(t.typ, "User") {
			if t.upn != "" {
				ev.AddRef(event.RoleTargetUser, p.Name(t.upn))
			} else {
				ev.AddRef(event.RoleTargetUser, objectPrincipal(p, t.id))
			}
			continue
		}
		id, name := strings.ToLower(t.id), t.name
		if name == "" {
			name = t.typ + " " + t.id
		}
		if id == "" && t.name != "" {
			// Domains and some policies have no object id: name them.
			id = strings.ToLower(t.typ + ":" + t.name)
		}
		ev.AddRef(event.RoleTarget, event.Resource("entra", id, name))
	}
	return nil
}

// auditRule maps activity names containing a phrase (lower case) to a class
// and action; the first match wins.
type auditRule struct {
	phrase string
	class  event.Class
	action string
}

// auditRules cover the activities that matter for attacks on the directory
// (https://learn.microsoft.com/entra/identity/monitoring-health/reference-audit-activities).
var auditRules = [...]auditRule{
	{"certificates and secrets", event.ClassAccount, "add-credential"},
	{"service principal credentials", event.ClassAccount, "add-credential"},
	{"reset password", event.ClassAccount, "reset-password"},
	{"reset user password", event.ClassAccount, "reset-password"},
	{"change user password", event.ClassAccount, "change-password"},
	{"change password", event.ClassAccount, "change-password"},
	{"permission grant", event.ClassAccount, "grant-permission"},
	{"consent to application", event.ClassAccount, "grant-permission"},
	{"app role assignment", event.ClassAccount, "grant-permission"},
	{"member to role", event.ClassAccount, "grant-privilege"},
	{"member from role", event.ClassAccount, "revoke-privilege"},
	{"member to group", event.ClassAccount, "add-member"},
	{"member from group", event.ClassAccount, "remove-member"},
	{"owner to", event.ClassAccount, "add-owner"},
	{"federation", event.ClassCloudAPI, "change-federation"},
	{"domain authentication", event.ClassCloudAPI, "change-federation"},
	{"policy", event.ClassCloudAPI, "change-policy"},
	{"security info", event.ClassAccount, "change-mfa"},
	{"authentication method", event.ClassAccount, "change-mfa"},
	{"add user", event.ClassAccount, "create"},
	{"delete user", event.ClassAccount, "delete"},
	{"disable account", event.ClassAccount, "disable"},
	{"enable account", event.ClassAccount, "enable"},
	{"update user", event.ClassAccount, "change"},
}

// ClassifyActivity returns the class and action of a directory activity
// ("Add member to role", "Reset user password."), as Entra audit logs and
// the AzureActiveDirectory workload of Microsoft 365 name them. Other
// directory changes are API calls whose action is the operation type
// ("update", "add", "delete", "assign"), else "call".
func ClassifyActivity(activity, operationType string) (event.Class, string) {
	a := strings.ToLower(activity)
	for i := range auditRules {
		if strings.Contains(a, auditRules[i].phrase) {
			return auditRules[i].class, auditRules[i].action
		}
	}
	if operationType != "" {
		return event.ClassCloudAPI, strings.ToLower(operationType)
	}
	return event.ClassCloudAPI, "call"
}
