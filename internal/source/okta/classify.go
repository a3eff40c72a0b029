package okta

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// rule maps event types with a prefix to a class and action. The first
// matching rule wins, so specific prefixes come first.
type rule struct {
	prefix string
	class  event.Class
	action string
}

// rules follow Okta's event type catalogue
// (https://developer.okta.com/docs/reference/api/event-types/).
var rules = [...]rule{
	{"user.session.start", event.ClassLogon, "logon"},
	{"user.session.end", event.ClassLogon, "logoff"},
	{"user.session.impersonation", event.ClassLogon, "impersonate"},
	{"user.session.clear", event.ClassLogon, "logoff"},
	{"user.session.", event.ClassLogon, "session"},
	{"user.authentication.sso", event.ClassAuth, "sso"},
	{"user.authentication.auth_via_mfa", event.ClassAuth, "mfa"},
	{"user.authentication.", event.ClassAuth, "authenticate"},
	{"user.mfa.okta_verify.deny_push", event.ClassAuth, "mfa-deny"},
	{"user.mfa.attempt_bypass", event.ClassAuth, "mfa-bypass"},
	{"system.push.send_factor_verify_push", event.ClassAuth, "mfa-push"},
	{"user.mfa.factor.", event.ClassAccount, "change-mfa"},
	{"policy.evaluate_sign_on", event.ClassAuth, "evaluate-policy"},
	{"app.oauth2.", event.ClassAuth, "token"},
	{"app.token.", event.ClassAuth, "token"},
	{"app.generic.unauth_app_access_attempt", event.ClassAuth, "authenticate"},
	{"user.account.lock", event.ClassAccount, "lock"},
	{"user.account.unlock", event.ClassAccount, "unlock"},
	{"user.account.reset_password", event.ClassAccount, "reset-password"},
	{"user.account.update_password", event.ClassAccount, "change-password"},
	{"user.account.privilege.grant", event.ClassAccount, "grant-privilege"},
	{"user.account.privilege.revoke", event.ClassAccount, "revoke-privilege"},
	{"user.account.report_suspicious_activity", event.ClassAlert, "report"},
	{"user.account.", event.ClassAccount, "change"},
	{"user.lifecycle.create", event.ClassAccount, "create"},
	{"user.lifecycle.delete", event.ClassAccount, "delete"},
	{"user.lifecycle.", event.ClassAccount, "change"},
	{"group.user_membership.add", event.ClassAccount, "add-member"},
	{"group.user_membership.remove", event.ClassAccount, "remove-member"},
	{"group.privilege.grant", event.ClassAccount, "grant-privilege"},
	{"group.privilege.revoke", event.ClassAccount, "revoke-privilege"},
	{"application.user_membership.add", event.ClassAccount, "add-member"},
	{"application.user_membership.remove", event.ClassAccount, "remove-member"},
	{"application.user_membership.show_password", event.ClassAccount, "show-password"},
	{"security.", event.ClassAlert, "detect"},
	{"user.risk.", event.ClassAlert, "detect"},
	{"system.log_stream.lifecycle.deactivate", event.ClassAudit, "stop-logging"},
	{"system.log_stream.lifecycle.delete", event.ClassAudit, "stop-logging"},
}

// classify returns the class and action of an event type. Administrative
// changes not in rules are API calls on the Okta org whose action is the
// last word of the type ("system.api_token.create" -> "create").
func classify(eventType string) (event.Class, string) {
	for i := range rules {
		if strings.HasPrefix(eventType, rules[i].prefix) {
			return rules[i].class, rules[i].action
		}
	}
	action := eventType
	if i := strings.LastIndexByte(eventType, '.'); i >= 0 {
		action = eventType[i+1:]
	}
	return event.ClassCloudAPI, action
}
