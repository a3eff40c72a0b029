package mde

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/m365"
	"github.com/causeway-soc/causeway/internal/source/timestamp"
)

// view holds the columns Normalize uses, read in one pass. Empty strings
// stand for absent columns, as in unioned query results.
type view struct {
	stamp, generated, reportID, table, actionType            string
	device, deviceID                                         string
	ipID, ipStart, ipPath, ipFile, ipUPN, ipDomain, ipName   string
	ipLogon, ipParentID, ipParentStart, ipParentFile         string
	pid, pStart, path, file, upn, domain, name, sid, logonID string
	remoteIP, remotePort, localIP, localPort, remoteURL      string
	regKey, regValue                                         string
	ip, port, dstIP, dstPort, dstDevice                      string
	app, appID, oauthApp, resourceApp, userID, rawUser       string
	rawWorkload, rawResult, mailboxOwner                     string
	accountObject, accountDisplay                            string
}

func (w *view) read(fields []event.Field) {
	for i := range fields {
		k, v := fields[i].Key, fields[i].Value
		if v == "" {
			continue
		}
		k = strings.TrimPrefix(k, "properties.")
		switch k {
		case "Timestamp":
			jsonrec.SetFirst(&w.stamp, v)
		case "TimeGenerated", "time":
			jsonrec.SetFirst(&w.generated, v)
		case "ReportId", "ReportId_long", "ReportId_string":
			jsonrec.SetFirst(&w.reportID, v)
		case "Type":
			jsonrec.SetFirst(&w.table, v)
		case "category":
			jsonrec.SetFirst(&w.table, strings.TrimPrefix(v, "AdvancedHunting-"))
		case "ActionType":
			jsonrec.SetFirst(&w.actionType, v)
		case "DeviceName":
			jsonrec.SetFirst(&w.device, v)
		case "DeviceId":
			jsonrec.SetFirst(&w.deviceID, v)
		case "InitiatingProcessId":
			jsonrec.SetFirst(&w.ipID, v)
		case "InitiatingProcessCreationTime":
			jsonrec.SetFirst(&w.ipStart, v)
		case "InitiatingProcessFolderPath":
			jsonrec.SetFirst(&w.ipPath, v)
		case "InitiatingProcessFileName":
			jsonrec.SetFirst(&w.ipFile, v)
		case "InitiatingProcessAccountUpn":
			jsonrec.SetFirst(&w.ipUPN, v)
		case "InitiatingProcessAccountDomain":
			jsonrec.SetFirst(&w.ipDomain, v)
		case "InitiatingProcessAccountName":
			jsonrec.SetFirst(&w.ipName, v)
		case "InitiatingProcessLogonId":
			jsonrec.SetFirst(&w.ipLogon, v)
		case "InitiatingProcessParentId":
			jsonrec.SetFirst(&w.ipParentID, v)
		case "InitiatingProcessParentCreationTime":
			jsonrec.SetFirst(&w.ipParentStart, v)
		case "InitiatingProcessParentFileName":
			jsonrec.SetFirst(&w.ipParentFile, v)
		case "ProcessId":
			jsonrec.SetFirst(&w.pid, v)
		case "ProcessCreationTime":
			jsonrec.SetFirst(&w.pStart, v)
		case "FolderPath":
			jsonrec.SetFirst(&w.path, v)
		case "FileName":
			jsonrec.SetFirst(&w.file, v)
		case "AccountUpn":
			jsonrec.SetFirst(&w.upn, v)
		case "AccountDomain":
			jsonrec.SetFirst(&w.domain, v)
		case "AccountName":
			jsonrec.SetFirst(&w.name, v)
		case "AccountSid":
			jsonrec.SetFirst(&w.sid, v)
		case "LogonId":
			jsonrec.SetFirst(&w.logonID, v)
		case "RemoteIP":
			jsonrec.SetFirst(&w.remoteIP, v)
		case "RemotePort":
			jsonrec.SetFirst(&w.remotePort, v)
		case "LocalIP":
			jsonrec.SetFirst(&w.localIP, v)
		case "LocalPort":
			jsonrec.SetFirst(&w.localPort, v)
		case "RemoteUrl":
			jsonrec.SetFirst(&w.remoteURL, v)
		case "RegistryKey":
			jsonrec.SetFirst(&w.regKey, v)
		case "RegistryValueName":
			jsonrec.SetFirst(&w.regValue, v)
		case "IPAddress":
			jsonrec.SetFirst(&w.ip, v)
		case "Port":
			jsonrec.SetFirst(&w.port, v)
		case "DestinationIPAddress":
			jsonrec.SetFirst(&w.dstIP, v)
		case "DestinationPort":
			jsonrec.SetFirst(&w.dstPort, v)
		case "DestinationDeviceName":
			jsonrec.SetFirst(&w.dstDevice, v)
		case "Application":
			jsonrec.SetFirst(&w.app, v)
		case "ApplicationId":
			jsonrec.SetFirst(&w.appID, v)
		case "OAuthAppId":
			jsonrec.SetFirst(&w.oauthApp, v)
		case "AppId":
			jsonrec.SetFirst(&w.resourceApp, v)
		case "UserId":
			jsonrec.SetFirst(&w.userID, v)
		case "RawEventData.UserId":
			jsonrec.SetFirst(&w.rawUser, v)
		case "RawEventData.Workload":
			jsonrec.SetFirst(&w.rawWorkload, v)
		case "RawEventData.ResultStatus":
			jsonrec.SetFirst(&w.rawResult, v)
		case "RawEventData.MailboxOwnerUPN":
			jsonrec.SetFirst(&w.mailboxOwner, v)
		case "AccountObjectId":
			jsonrec.SetFirst(&w.accountObject, v)
		case "AccountDisplayName":
			jsonrec.SetFirst(&w.accountDisplay, v)
		}
	}
}

func normalize(p *event.Principals, r *jsonrec.Record, ev *event.Event) error {
	expand(r, ev)
	var w view
	w.read(ev.Fields)
	// Timestamp, else the export's own time.
	timestamp.SetTime(ev, w.stamp, w.generated)
	if w.reportID != "" {
		// ReportId repeats across devices and time: the row is identified by
		// device, time and ReportId together.
		ev.Source.Record = w.reportID
		ev.ID = event.NewID(Name, strings.ToLower(w.device), ev.Time.Format(time.RFC3339Nano), w.reportID)
	}
	cloud := w.table == "CloudAppEvents" || w.device == "" && (w.app != "" || w.oauthApp != "") && w.dstDevice == ""
	ev.Class, ev.Action = classify(w.actionType)
	if cloud {
		ev.Class, ev.Action = m365.Classify(w.actionType, w.rawWorkload)
	}
	ev.Outcome = outcome(w.actionType)
	switch strings.ToLower(w.rawResult) {
	case "succeeded", "success", "true":
		ev.Outcome = event.OutcomeSuccess
	case "failed", "failure", "false":
		ev.Outcome = event.OutcomeFailure
	}

	host := event.Host(w.device)
	ev.AddRef(event.RoleHost, host)
	if cloud {
		w.cloudRefs(p, ev)
		return nil
	}
	w.processRefs(p, ev, host)
	w.targetRefs(p, ev, host)
	return nil
}

// processRefs adds the initiating process, its parent, its account and
// its logon session.
func (w *view) processRefs(p *event.Principals, ev *event.Event, host event.Entity) {
	ev.AddRef(event.RoleActor, process(host, w.ipID, w.ipStart, w.ipPath, w.ipFile))
	ev.AddRef(event.RoleParent, process(host, w.ipParentID, w.ipParentStart, "", w.ipParentFile))
	switch {
	case w.ipUPN != "":
		ev.AddRef(event.RoleUser, p.Name(w.ipUPN))
	case w.ipName != "":
		ev.AddRef(event.RoleUser, p.Windows(w.ipDomain, w.ipName, host))
	case w.ipID == "" && w.upn != "":
		// Identity tables: the account is the actor.
		ev.AddRef(event.RoleUser, p.Name(w.upn))
	case w.ipID == "" && w.name != "":
		ev.AddRef(event.RoleUser, p.Windows(w.domain, w.name, host))
	}
	ev.AddRef(event.RoleSession, session(host, w.ipLogon))
}

// targetRefs adds what the action was applied to, by class.
func (w *view) targetRefs(p *event.Principals, ev *event.Event, host event.Entity) {
	switch ev.Class {
	case event.ClassProcess:
		if ev.Action == "start" {
			ev.AddRef(event.RoleTarget, process(host, w.pid, w.pStart, w.path, w.file))
			ev.AddRef(event.RoleImage, event.File(host, fullPath(w.path, w.file), true))
		} else {
			ev.AddRef(event.RoleTarget, process(host, w.pid, w.pStart, w.path, w.file))
		}
	case event.ClassFile, event.ClassModule:
		ev.AddRef(event.RoleTarget, event.File(host, fullPath(w.path, w.file), true))
	case event.ClassRegistry:
		key := w.regKey
		if w.regValue != "" {
			key += `\` + w.regValue
		}
		ev.AddRef(event.RoleTarget, registry(host, key))
	case event.ClassLogon:
		if w.ipID != "" || w.ipUPN != "" {
			if w.upn != "" {
				ev.AddRef(event.RoleTargetUser, p.Name(w.upn))
			} else if w.name != "" {
				ev.AddRef(event.RoleTargetUser, p.Windows(w.domain, w.name, host))
			}
		}
		ev.AddRef(event.RoleTarget, session(host, w.logonID))
	}
	switch {
	case ev.Action == "accept" || ev.Class == event.ClassLogon:
		ev.AddRef(event.RoleSrc, event.Endpoint(w.remoteIP, atoi(w.remotePort)))
		ev.AddRef(event.RoleDst, event.Endpoint(w.localIP, atoi(w.localPort)))
	default:
		ev.AddRef(event.RoleSrc, event.Endpoint(w.localIP, atoi(w.localPort)))
		ev.AddRef(event.RoleDst, event.Endpoint(w.remoteIP, atoi(w.remotePort)))
	}
	ev.AddRef(event.RoleDst, remoteHost(w.remoteURL))
	// Identity tables: the source device's address and the destination.
	// The device they name is the source.
	ev.AddRef(event.RoleSrc, event.Endpoint(w.ip, atoi(w.port)))
	if w.ip != "" {
		ev.AddRef(event.RoleSrcHost, host)
	}
	ev.AddRef(event.RoleDst, event.Endpoint(w.dstIP, atoi(w.dstPort)))
	ev.AddRef(event.RoleTarget, event.Host(w.dstDevice))
}

// cloudRefs adds the user, the OAuth app acting for it, its origin and
// the app and mailbox acted on (CloudAppEvents).
func (w *view) cloudRefs(p *event.Principals, ev *event.Event) {
	user := w.upn
	for _, u := range [...]string{w.userID, w.rawUser} {
		if user == "" && strings.Contains(u, "@") {
			user = u
		}
	}
	ev.AddRef(event.RoleUser, p.Name(user))
	if id := strings.ToLower(w.oauthApp); id != "" {
		app := p.Cloud("app:" + id)
		if strings.EqualFold(w.accountObject, id) && w.accountDisplay != "" {
			app.Name = w.accountDisplay // the application acting, by its name
		}
		ev.AddRef(event.RoleActor, app)
	}
	ev.AddRef(event.RoleSrc, event.IP(w.ip))
	if id := strings.ToLower(w.resourceApp); id != "" {
		ev.AddRef(event.RoleTarget, event.Resource("entra", "app:"+id, ""))
	}
	if w.appID != "" {
		ev.AddRef(event.RoleTarget, event.Resource("cloudapps", "app:"+w.appID, w.app))
	}
	if w.mailboxOwner != "" && !strings.EqualFold(w.mailboxOwner, user) {
		ev.AddRef(event.RoleTargetUser, p.Name(w.mailboxOwner))
	}
}

// process identifies a process by host, pid and creation time (advanced
// hunting has no process GUID). The time is normalized so that exports
// with different precision agree.
func process(host event.Entity, pid, start, path, file string) event.Entity {
	n, err := strconv.ParseInt(pid, 10, 64)
	if err != nil || start == "" {
		return event.Entity{}
	}
	if t, ok := timestamp.Parse(start); ok {
		start = t.Format(time.RFC3339Nano)
	}
	image := fullPath(path, file)
	if image == "" {
		image = file
	}
	return event.ProcessPID(host, n, start, image)
}

// fullPath joins FolderPath and FileName unless FolderPath already ends
// with the file (as it does in most tables).
func fullPath(folder, file string) string {
	switch {
	case folder == "":
		return ""
	case file == "" || strings.HasSuffix(strings.ToLower(folder), strings.ToLower(file)):
		return folder
	}
	return strings.TrimRight(folder, `\`) + `\` + file
}

// session is the host's logon session, with its id in lower-case hex as
// Windows Security events write it, so both join.
func session(host event.Entity, id string) event.Entity {
	v, err := strconv.ParseUint(strings.TrimSpace(id), 10, 64)
	if err != nil || v == 0 || host.ID == "" {
		return event.Entity{}
	}
	key := "0x" + strconv.FormatUint(v, 16)
	return event.Session(host.ID, key, host.Name+" logon "+key)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// remoteHost is the endpoint a RemoteUrl names: an address or a domain.
func remoteHost(u string) event.Entity {
	h := hostOf(u)
	if _, err := netip.ParseAddr(h); err == nil {
		return event.IP(h)
	}
	return event.Domain(h)
}

// hostOf returns the host name of a URL or bare host[:port][/path].
func hostOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.LastIndexByte(u, ':'); i >= 0 && !strings.Contains(u[:i], ":") {
		u = u[:i]
	}
	return u
}
