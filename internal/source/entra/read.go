package entra

import (
	"strings"
	"sync"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// expander parses the JSON text of Log Analytics dynamic columns. It keeps
// Flatteners in a pool, so a RecordFormat may be used from many goroutines.
type expander struct {
	pool sync.Pool
}

func newExpander() *expander {
	return &expander{pool: sync.Pool{New: func() any { return jsonrec.NewFlattener() }}}
}

// dynamicColumn reports whether key is a Log Analytics column of type
// dynamic in the SigninLogs or AuditLogs tables.
func dynamicColumn(key string) bool {
	switch key {
	case "InitiatedBy", "TargetResources", "AdditionalDetails", "Status", "LocationDetails",
		"DeviceDetail", "ConditionalAccessPolicies", "AuthenticationDetails",
		"AuthenticationProcessingDetails", "NetworkLocationDetails", "MfaDetail",
		"ServicePrincipalCredentialKeyId", "AppliedEventListeners":
		return true
	}
	return false
}

// expand appends the fields of every dynamic column written as JSON text
// ("InitiatedBy": "{\"user\":{...}}" gives "InitiatedBy.user.id", ...).
// The text itself is kept. A column that is not valid JSON is left as it is
// and noted.
func (x *expander) expand(ev *event.Event) {
	n := len(ev.Fields)
	var fl *jsonrec.Flattener
	for i := 0; i < n; i++ {
		k, v := ev.Fields[i].Key, ev.Fields[i].Value
		if len(v) < 2 || (v[0] != '{' && v[0] != '[') || !dynamicColumn(k) {
			continue
		}
		if fl == nil {
			fl = x.pool.Get().(*jsonrec.Flattener)
			defer x.pool.Put(fl)
		}
		// AppendFields takes objects only; wrapping the value under its own
		// column name also gives the keys their prefix.
		before := len(ev.Fields)
		out, err := fl.AppendFields(ev.Fields, `{"`+k+`":`+v+`}`, "")
		if err != nil {
			ev.Fields = out[:before]
			ev.Notes = append(ev.Notes, "column "+k+" holds invalid JSON: "+err.Error())
			continue
		}
		ev.Fields = out
	}
}

// maxTargets bounds how many target resources become entity references.
const maxTargets = 16

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
	targets                                [maxTargets]target
	nTargets                               int
	cur                                    target
	curSet                                 bool
}

func set(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func (w *view) read(fields []event.Field) {
	var kb keyBuf
	for i := range fields {
		f := &fields[i]
		k := kb.lower(f.Key)
		v := f.Value
		if k == nil || v == "" {
			continue
		}
		if len(k) > 11 && string(k[:11]) == "properties." {
			k = k[11:]
		}
		switch string(k) {
		case "id":
			set(&w.id, v)
		case "createddatetime", "activitydatetime":
			set(&w.when, v)
		case "timegenerated":
			set(&w.generated, v)
		case "time":
			set(&w.stamp, v)
		case "userprincipalname":
			set(&w.upn, v)
		case "userid":
			set(&w.userID, v)
		case "serviceprincipalname":
			set(&w.spName, v)
		case "serviceprincipalid":
			set(&w.spID, v)
		case "appid":
			set(&w.appID, v)
		case "appdisplayname":
			set(&w.appName, v)
		case "resourceid", "resourceidentity":
			// Diagnostic settings and Log Analytics use resourceId for the
			// ARM path of the tenant ("/tenants/..."): not an app id.
			if v[0] != '/' {
				set(&w.resID, v)
			}
		case "resourcedisplayname":
			set(&w.resName, v)
		case "ipaddress":
			set(&w.ip, v)
		case "calleripaddress":
			set(&w.callerIP, v)
		case "sessionid":
			set(&w.sessionID, v)
		case "correlationid":
			set(&w.correlationID, v)
		case "status.errorcode":
			set(&w.errorCode, v)
		case "resulttype":
			set(&w.resultType, v)
		case "result":
			set(&w.result, v)
		case "isinteractive":
			set(&w.interactive, v)
		case "category":
			set(&w.category, v)
		case "activitydisplayname":
			set(&w.activity, v)
		case "operationname":
			set(&w.operationName, v)
		case "operationtype", "aadoperationtype":
			set(&w.operationType, v)
		case "initiatedby.user.userprincipalname":
			set(&w.initUPN, v)
		case "initiatedby.user.id":
			set(&w.initUserID, v)
		case "initiatedby.user.ipaddress":
			set(&w.initIP, v)
		case "initiatedby.app.appid":
			set(&w.initAppID, v)
		case "initiatedby.app.displayname", "initiatedby.app.serviceprincipalname":
			set(&w.initAppName, v)
		case "initiatedby.app.serviceprincipalid":
			set(&w.initSPID, v)
		case "targetresources.id":
			w.targetField(&w.cur.id, v)
		case "targetresources.type":
			w.targetField(&w.cur.typ, v)
		case "targetresources.displayname":
			w.targetField(&w.cur.name, v)
		case "targetresources.userprincipalname":
			w.targetField(&w.cur.upn, v)
		}
	}
	w.flushTarget()
}

// targetField sets one field of the current target. Lists flatten to
// repeated keys, so a key seen twice starts the next element.
func (w *view) targetField(dst *string, v string) {
	if *dst != "" {
		w.flushTarget()
	}
	*dst = v
	w.curSet = true
}

func (w *view) flushTarget() {
	if w.curSet && w.nTargets < maxTargets {
		w.targets[w.nTargets] = w.cur
		w.nTargets++
	}
	w.cur, w.curSet = target{}, false
}

// recordTime sets ev.Time from the first time the record has: the
// activity's own time, then the time Log Analytics or Azure Monitor
// stamped.
func (w *view) recordTime(ev *event.Event) {
	for _, s := range [...]string{w.when, w.generated, w.stamp} {
		if s == "" {
			continue
		}
		if t, ok := parseTime(s); ok {
			ev.Time = t
			return
		}
		ev.Notes = append(ev.Notes, "unparsable time "+quote(s))
	}
	if ev.Time.IsZero() {
		ev.Notes = append(ev.Notes, "no record time")
	}
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

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return `"` + s + `"`
}
