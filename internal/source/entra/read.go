package entra

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/timestamp"
)

// dynamicColumn returns key when it is a Log Analytics column of type
// dynamic in the SigninLogs or AuditLogs tables, else "".
func dynamicColumn(key string) string {
	switch key {
	case "InitiatedBy", "TargetResources", "AdditionalDetails", "Status", "LocationDetails",
		"DeviceDetail", "ConditionalAccessPolicies", "AuthenticationDetails",
		"AuthenticationProcessingDetails", "NetworkLocationDetails", "MfaDetail",
		"ServicePrincipalCredentialKeyId", "AppliedEventListeners":
		return key
	}
	return ""
}

// expand appends the fields of every dynamic column written as JSON text
// ("InitiatedBy": "{\"user\":{...}}" gives "InitiatedBy.user.id", ...).
// The text itself is kept. A column that is not valid JSON is left as it is
// and noted.
func expand(r *jsonrec.Record, ev *event.Event) {
	ev.Notes = r.ExpandColumns(ev.Notes, dynamicColumn)
	ev.Fields = r.Fields
}

// target is one element of an audit record's targetResources.
type target struct {
	id, typ, name, upn string
}

// view holds the values Normalize uses, read in one pass whatever the shape:
// keys are compared in lower case with any "properties." prefix removed.
// The first value of a key wins.
type view struct {
	id, when, generated, stamp             string // record time: Graph, Log Analytics, diagnostic settings
	upn, userID                            string
	spName, spID, appID, appName           string
	resID, resName                         string
	ip, callerIP                           string
	sessionID, correlationID               string
	errorCode, resultType, result          string
	interactive, category                  string
	activity, operationName, operationType string
	initUPN, initUserID, initIP            string
	initAppID, initAppName, initSPID       string
	targets                                jsonrec.List[target] // the first 16 become references
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
		if len(k) > 11 && string(k[:11]) == "properties." {
			k = k[11:]
		}
		switch string(k) {
		case "id":
			jsonrec.SetFirst(&w.id, v)
		case "createddatetime", "activitydatetime":
			jsonrec.SetFirst(&w.when, v)
		case "timegenerated":
			jsonrec.SetFirst(&w.generated, v)
		case "time":
			jsonrec.SetFirst(&w.stamp, v)
		case "userprincipalname":
			jsonrec.SetFirst(&w.upn, v)
		case "userid":
			jsonrec.SetFirst(&w.userID, v)
		case "serviceprincipalname":
			jsonrec.SetFirst(&w.spName, v)
		case "serviceprincipalid":
			jsonrec.SetFirst(&w.spID, v)
		case "appid":
			jsonrec.SetFirst(&w.appID, v)
		case "appdisplayname":
			jsonrec.SetFirst(&w.appName, v)
		case "resourceid", "resourceidentity":
			// Diagnostic settings and Log Analytics use resourceId for the
			// ARM path of the tenant ("/tenants/..."): not an app id.
			if v[0] != '/' {
				jsonrec.SetFirst(&w.resID, v)
			}
		case "resourcedisplayname":
			jsonrec.SetFirst(&w.resName, v)
		case "ipaddress":
			jsonrec.SetFirst(&w.ip, v)
		case "calleripaddress":
			jsonrec.SetFirst(&w.callerIP, v)
		case "sessionid":
			jsonrec.SetFirst(&w.sessionID, v)
		case "correlationid":
			jsonrec.SetFirst(&w.correlationID, v)
		case "status.errorcode":
			jsonrec.SetFirst(&w.errorCode, v)
		case "resulttype":
			jsonrec.SetFirst(&w.resultType, v)
		case "result":
			jsonrec.SetFirst(&w.result, v)
		case "isinteractive":
			jsonrec.SetFirst(&w.interactive, v)
		case "category":
			jsonrec.SetFirst(&w.category, v)
		case "activitydisplayname":
			jsonrec.SetFirst(&w.activity, v)
		case "operationname":
			jsonrec.SetFirst(&w.operationName, v)
		case "operationtype", "aadoperationtype":
			jsonrec.SetFirst(&w.operationType, v)
		case "initiatedby.user.userprincipalname":
			jsonrec.SetFirst(&w.initUPN, v)
		case "initiatedby.user.id":
			jsonrec.SetFirst(&w.initUserID, v)
		case "initiatedby.user.ipaddress":
			jsonrec.SetFirst(&w.initIP, v)
		case "initiatedby.app.appid":
			jsonrec.SetFirst(&w.initAppID, v)
		case "initiatedby.app.displayname", "initiatedby.app.serviceprincipalname":
			jsonrec.SetFirst(&w.initAppName, v)
		case "initiatedby.app.serviceprincipalid":
			jsonrec.SetFirst(&w.initSPID, v)
		case "targetresources.id":
			w.targets.Set(&w.targets.Cur.id, v)
		case "targetresources.type":
			w.targets.Set(&w.targets.Cur.typ, v)
		case "targetresources.displayname":
			w.targets.Set(&w.targets.Cur.name, v)
		case "targetresources.userprincipalname":
			w.targets.Set(&w.targets.Cur.upn, v)
		}
	}
	w.targets.Flush()
}

// recordTime sets ev.Time from the first time the record has: the
// activity's own time, then the time Log Analytics or Azure Monitor
// stamped.
func (w *view) recordTime(ev *event.Event) {
	timestamp.SetTime(ev, w.when, w.generated, w.stamp)
}

// appPrincipal identifies an application acting as itself (a service
// principal, an OAuth client) by its application (client) id, which is the
// same in every tenant and every Microsoft log.
func appPrincipal(p *event.Principals, appID, name string) event.Entity {
	appID = strings.ToLower(strings.TrimSpace(appID))
	if appID == "" {
		return event.Entity{}
	}
	e := p.Cloud("app:" + appID)
	if name != "" {
		e.Name = name
	}
	return e
}

// app identifies an application as a resource signed in to or called.
func app(appID, name string) event.Entity {
	appID = strings.ToLower(strings.TrimSpace(appID))
	if appID == "" {
		return event.Entity{}
	}
	return event.Resource("entra", "app:"+appID, name)
}

// objectPrincipal identifies a directory user by its object id when its
// user principal name is unknown.
func objectPrincipal(p *event.Principals, id string) event.Entity {
	id = strings.ToLower(strings.TrimSpace(id))
	if id == "" {
		return event.Entity{}
	}
	return p.Cloud("entra:" + id)
}
