package m365

import (
	"net/netip"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/entra"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/timestamp"
)

// view holds the values Normalize uses, read in one pass over both shapes:
// keys are compared in lower case; the first value of a key wins.
type view struct {
	id, created, generated          string
	operation, workload, resultStat string
	logonError, user, userType      string
	ip, session, altSession         string
	clientApp, appID, applicationID string
	mailboxOwner, object, fileName  string
	sharedWith                      string
}

func (w *view) read(fields []event.Field) {
	var kb jsonrec.KeyBuf
	for i := range fields {
		f := &fields[i]
		k := kb.Lower(f.Key)
		v := f.Value
		if k == nil || v == "" {
			continue
		}
		switch string(k) {
		case "id", "officeid":
			jsonrec.SetFirst(&w.id, v)
		case "creationtime":
			jsonrec.SetFirst(&w.created, v)
		case "timegenerated":
			jsonrec.SetFirst(&w.generated, v)
		case "operation":
			jsonrec.SetFirst(&w.operation, v)
		case "workload", "officeworkload":
			jsonrec.SetFirst(&w.workload, v)
		case "resultstatus":
			jsonrec.SetFirst(&w.resultStat, v)
		case "logonerror":
			jsonrec.SetFirst(&w.logonError, v)
		case "userid":
			jsonrec.SetFirst(&w.user, v)
		case "usertype":
			jsonrec.SetFirst(&w.userType, v)
		case "clientip", "clientipaddress", "client_ipaddress", "actoripaddress":
			jsonrec.SetFirst(&w.ip, v)
		case "appaccesscontext.aadsessionid":
			jsonrec.SetFirst(&w.session, v)
		case "sessionid":
			jsonrec.SetFirst(&w.altSession, v)
		case "clientappid":
			jsonrec.SetFirst(&w.clientApp, v)
		case "appid":
			jsonrec.SetFirst(&w.appID, v)
		case "applicationid":
			jsonrec.SetFirst(&w.applicationID, v)
		case "mailboxownerupn":
			jsonrec.SetFirst(&w.mailboxOwner, v)
		case "objectid", "officeobjectid":
			jsonrec.SetFirst(&w.object, v)
		case "sourcefilename":
			jsonrec.SetFirst(&w.fileName, v)
		case "targetuserorgroupname":
			jsonrec.SetFirst(&w.sharedWith, v)
		}
	}
}

func normalize(p *event.Principals, r *jsonrec.Record, ev *event.Event) error {
	expand(r, ev)
	var w view
	w.read(ev.Fields)
	if w.id != "" {
		ev.Source.Record = w.id
		ev.ID = event.NewID(Name, strings.ToLower(w.id))
	}
	// CreationTime is UTC without a zone in the API; else the time Log
	// Analytics stamped.
	timestamp.SetTime(ev, w.created, w.generated)
	ev.Class, ev.Action = Classify(w.operation, w.workload)
	ev.Outcome = outcome(w.resultStat)
	if w.logonError != "" || strings.EqualFold(w.operation, "UserLoginFailed") {
		ev.Outcome = event.OutcomeFailure
	}

	ev.AddRef(event.RoleUser, p.Name(w.user))
	ev.AddRef(event.RoleActor, appPrincipal(p, w.clientApp))
	if w.session != "" {
		ev.AddRef(event.RoleSession, event.Session("entra", w.session, ""))
	} else {
		ev.AddRef(event.RoleSession, event.Session("entra", w.altSession, ""))
	}
	ev.AddRef(event.RoleSrc, event.IP(stripPort(w.ip)))
	// The app signed in to (Entra workload) or called (Exchange's AppId).
	if w.applicationID != "" {
		ev.AddRef(event.RoleTarget, app(w.applicationID))
	} else {
		ev.AddRef(event.RoleTarget, app(w.appID))
	}
	if w.mailboxOwner != "" && !strings.EqualFold(w.mailboxOwner, w.user) {
		ev.AddRef(event.RoleTargetUser, p.Name(w.mailboxOwner))
	}
	switch obj := w.object; {
	case obj == "" || strings.EqualFold(obj, w.applicationID) || strings.EqualFold(obj, w.appID):
	case strings.Contains(obj, "://"):
		name := w.fileName
		if name == "" {
			name = obj
		}
		ev.AddRef(event.RoleTarget, event.Resource(Name, strings.ToLower(obj), name))
	case strings.Contains(obj, "@") && !strings.ContainsAny(obj, " <>"):
		ev.AddRef(event.RoleTargetUser, p.Name(obj))
	default:
		ev.AddRef(event.RoleTarget, event.Resource(Name, strings.ToLower(w.workload)+":"+obj, obj))
	}
	if strings.Contains(w.sharedWith, "@") {
		ev.AddRef(event.RoleTargetUser, p.Name(w.sharedWith))
	}
	return nil
}

// outcome reads ResultStatus, which workloads spell differently.
func outcome(status string) event.Outcome {
	switch strings.ToLower(status) {
	case "succeeded", "success", "true", "partiallysucceeded":
		return event.OutcomeSuccess
	case "failed", "failure", "false":
		return event.OutcomeFailure
	}
	return event.OutcomeUnknown
}

// stripPort removes the port Exchange appends to client addresses
// ("203.0.113.7:5123", "[2001:db8::1]:443").
func stripPort(s string) string {
	s = strings.TrimSpace(s)
	if strings.Count(s, ":") == 1 || strings.HasPrefix(s, "[") {
		if ap, err := netip.ParseAddrPort(s); err == nil {
			return ap.Addr().String()
		}
	}
	return s
}

// appPrincipal identifies an application acting as itself by its
// application (client) id, as package entra does.
func appPrincipal(p *event.Principals, appID string) event.Entity {
	appID = strings.ToLower(strings.TrimSpace(appID))
	if appID == "" {
		return event.Entity{}
	}
	return p.Cloud("app:" + appID)
}

// app identifies an application as a resource, as package entra does.
func app(appID string) event.Entity {
	appID = strings.ToLower(strings.TrimSpace(appID))
	if appID == "" {
		return event.Entity{}
	}
	return event.Resource("entra", "app:"+appID, "")
}

// classify returns the class and action of an operation.
func Classify(operation, workload string) (event.Class, string) {
	op := strings.ToLower(operation)
	switch op {
	case "userloggedin", "userloginfailed":
		return event.ClassLogon, "logon"
	case "mailitemsaccessed", "fileaccessed", "fileaccessedextended", "filepreviewed",
		"searchqueryperformed", "mailboxlogin":
		return event.ClassCloudAPI, "read"
	case "filedownloaded", "filesyncdownloadedfull", "filesyncdownloadedpartial":
		return event.ClassCloudAPI, "download"
	case "fileuploaded", "filemodified", "filemodifiedextended", "filesyncuploadedfull",
		"create", "update", "filerenamed", "filemoved", "filecopied":
		return event.ClassCloudAPI, "write"
	case "filedeleted", "filedeletedfirststagerecyclebin", "filedeletedsecondstagerecyclebin",
		"harddelete", "softdelete", "movetodeleteditems":
		return event.ClassCloudAPI, "delete"
	case "send", "sendas", "sendonbehalf":
		return event.ClassCloudAPI, "send"
	case "sharingset", "sharinginvitationcreated", "anonymouslinkcreated", "companylinkcreated",
		"securelinkcreated", "addedtosecurelink", "sharinginheritancebroken", "anonymouslinkused":
		return event.ClassCloudAPI, "share"
	case "new-inboxrule", "set-inboxrule", "enable-inboxrule", "updateinboxrules":
		return event.ClassCloudAPI, "change-mail-rule"
	case "add-mailboxpermission", "add-recipientpermission", "add-mailboxfolderpermission",
		"set-mailboxfolderpermission", "addfolderpermissions":
		return event.ClassAccount, "grant-permission"
	}
	if strings.EqualFold(workload, "AzureActiveDirectory") {
		return entra.ClassifyActivity(operation, "")
	}
	if i := strings.IndexByte(op, '-'); i > 0 {
		switch op[:i] {
		case "new", "add", "set", "enable", "update", "install":
			return event.ClassCloudAPI, "change"
		case "remove", "disable", "uninstall":
			return event.ClassCloudAPI, "delete"
		case "get", "search", "test":
			return event.ClassCloudAPI, "read"
		}
	}
	return entra.ClassifyActivity(operation, "")
}
