package entra

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

func normalizeSignIn(p *event.Principals, r *jsonrec.Record, ev *event.Event) error {
	expand(r, ev)
	var w view
	w.read(ev.Fields)
	if w.id != "" {
		ev.Source.Record = w.id
		ev.ID = event.NewID(SignInName, w.id)
	}
	w.recordTime(ev)

	service := false
	switch w.category {
	case "ServicePrincipalSignInLogs", "ManagedIdentitySignInLogs",
		"AADServicePrincipalSignInLogs", "AADManagedIdentitySignInLogs":
		service = true
	}
	if service || w.upn == "" && (w.spID != "" || w.spName != "") {
		service = true
	}
	interactive := !service && !strings.EqualFold(w.interactive, "false") &&
		w.category != "NonInteractiveUserSignInLogs" && w.category != "AADNonInteractiveUserSignInLogs"
	if interactive {
		ev.Class, ev.Action = event.ClassLogon, "logon"
	} else {
		ev.Class, ev.Action = event.ClassAuth, "authenticate"
	}
	ev.Outcome = signInOutcome(w.errorCode, w.resultType)

	switch {
	case w.upn != "":
		ev.AddRef(event.RoleUser, p.Name(w.upn))
	case service && w.appID != "":
		name := w.spName
		if name == "" {
			name = w.appName
		}
		ev.AddRef(event.RoleActor, appPrincipal(p, w.appID, name))
	case w.userID != "":
		ev.AddRef(event.RoleUser, objectPrincipal(p, w.userID))
	}
	if w.sessionID != "" {
		ev.AddRef(event.RoleSession, event.Session("entra", w.sessionID, ""))
	} else {
		ev.AddRef(event.RoleSession, event.Session("entra", w.correlationID, ""))
	}
	if w.ip != "" {
		ev.AddRef(event.RoleSrc, event.IP(w.ip))
	} else {
		ev.AddRef(event.RoleSrc, event.IP(w.callerIP))
	}
	if !service {
		ev.AddRef(event.RoleTarget, app(w.appID, w.appName))
	}
	if !strings.EqualFold(w.resID, w.appID) || service {
		ev.AddRef(event.RoleTarget, app(w.resID, w.resName))
	}
	return nil
}

// signInOutcome reads status.errorCode (Graph) or resultType (diagnostic
// settings, Log Analytics): 0 is success, any other code a failure, which
// includes interrupts such as "MFA required" (50074), as Entra reports them.
func signInOutcome(errorCode, resultType string) event.Outcome {
	code := errorCode
	if code == "" {
		code = resultType
	}
	switch {
	case code == "":
		return event.OutcomeUnknown
	case code == "0" || strings.EqualFold(code, "success"):
		return event.OutcomeSuccess
	case strings.EqualFold(code, "failure"):
		return event.OutcomeFailure
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return event.OutcomeUnknown
		}
	}
	return event.OutcomeFailure
}
