package zeek

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// view holds the first value of the fields the normalizer reads, found in one
// pass over the record.
type view struct {
	ts, uid, fuid                         string
	origH, origP, respH, respP            string
	origBytes, respBytes, connState       string
	query, rcodeName                      string
	method, host, uri, statusCode         string
	serverName, established               string
	filename, sha256, sha1, md5           string
	txHost, rxHost, seenBytes, isOrig     string
	action, path, name, shareType         string
	endpoint, operation                   string
	requestType, client, service, success string
	username, domainname                  string
	cookie, result, authSuccess           string
	user, command                         string
	note, src, dst, p                     string
	fingerprint, certID                   string
	analyzer, failureReason               string
	trans, conn, fileHint, tlsHint, weird bool
	cert, ntlmHint, sshHint               bool
	answers                               int // index of the first "answers" field, -1 if none
}

func scan(fields []event.Field) view {
	v := view{answers: -1}
	for i := range fields {
		k, val := fields[i].Key, fields[i].Value
		var dst *string
		switch k {
		case "ts":
			dst = &v.ts
		case "uid":
			dst = &v.uid
		case "fuid":
			dst = &v.fuid
		case "id":
			dst = &v.certID
		case "id.orig_h":
			dst = &v.origH
		case "id.orig_p":
			dst = &v.origP
		case "id.resp_h":
			dst = &v.respH
		case "id.resp_p":
			dst = &v.respP
		case "orig_bytes":
			dst = &v.origBytes
		case "resp_bytes":
			dst = &v.respBytes
		case "conn_state":
			dst = &v.connState
		case "history", "orig_pkts":
			v.conn = true
		case "query":
			dst = &v.query
		case "rcode_name":
			dst = &v.rcodeName
		case "answers":
			if v.answers < 0 {
				v.answers = i
			}
		case "certificate.serial", "certificate.subject":
			v.cert = true
		case "server_nb_computer_name", "server_dns_computer_name", "server_tree_name":
			v.ntlmHint = true
		case "auth_attempts", "host_key", "kex_alg":
			v.sshHint = true
		case "addl", "peer":
			v.weird = true
		case "trans_id", "qtype_name":
			v.trans = true
		case "method":
			dst = &v.method
		case "host":
			dst = &v.host
		case "uri":
			dst = &v.uri
		case "status_code":
			dst = &v.statusCode
		case "server_name":
			dst = &v.serverName
		case "established":
			dst = &v.established
		case "ssl_history", "cert_chain_fps", "cert_chain_fuids", "ja3":
			v.tlsHint = true
		case "filename":
			dst = &v.filename
		case "sha256":
			dst = &v.sha256
		case "sha1":
			dst = &v.sha1
		case "md5":
			dst = &v.md5
		case "tx_hosts":
			dst = &v.txHost
		case "rx_hosts":
			dst = &v.rxHost
		case "seen_bytes":
			dst = &v.seenBytes
			v.fileHint = true
		case "is_orig":
			dst = &v.isOrig
		case "mime_type", "total_bytes", "missing_bytes":
			v.fileHint = true
		case "action":
			dst = &v.action
		case "path":
			dst = &v.path
		case "name":
			dst = &v.name
		case "share_type":
			dst = &v.shareType
		case "endpoint":
			dst = &v.endpoint
		case "operation":
			dst = &v.operation
		case "request_type":
			dst = &v.requestType
		case "client":
			dst = &v.client
		case "service":
			dst = &v.service
		case "success":
			dst = &v.success
		case "username":
			dst = &v.username
		case "domainname":
			dst = &v.domainname
		case "cookie":
			dst = &v.cookie
		case "result":
			dst = &v.result
		case "auth_success":
			dst = &v.authSuccess
		case "user":
			dst = &v.user
		case "command":
			dst = &v.command
		case "note":
			dst = &v.note
		case "src":
			dst = &v.src
		case "dst":
			dst = &v.dst
		case "p":
			dst = &v.p
		case "fingerprint":
			dst = &v.fingerprint
		case "analyzer", "analyzer_name":
			dst = &v.analyzer
		case "failure_reason":
			dst = &v.failureReason
		}
		if dst != nil && *dst == "" {
			*dst = val
		}
	}
	return v
}

// classify sets class, action, outcome, refs and byte counts by log type.
func classify(path string, v *view, ev *event.Event, p *event.Principals) {
	src := event.Endpoint(v.origH, port(v.origP))
	dst := event.Endpoint(v.respH, port(v.respP))
	ev.Class, ev.Action = event.ClassNetwork, path
	ev.AddRef(event.RoleSrc, src)
	switch path {
	case "conn":
		ev.Action = "flow"
		ev.AddRef(event.RoleDst, dst)
		ev.BytesOut, ev.BytesIn = count(v.origBytes), count(v.respBytes)
		switch v.connState {
		case "S0", "REJ", "RSTOS0", "RSTRH", "SH", "SHR", "OTH":
			ev.Outcome = event.OutcomeFailure
		case "":
		default:
			ev.Outcome = event.OutcomeSuccess
		}
	case "dns":
		ev.Class, ev.Action = event.ClassDNS, "query"
		ev.AddRef(event.RoleDst, event.Domain(v.query))
		if v.answers >= 0 {
			for _, f := range ev.Fields[v.answers:] {
				if f.Key != "answers" {
					continue
				}
				if _, err := netip.ParseAddr(f.Value); err == nil {
					ev.AddRef(event.RoleTarget, event.IP(f.Value))
				}
			}
		}
		switch v.rcodeName {
		case "":
		case "NOERROR":
			ev.Outcome = event.OutcomeSuccess
		default:
			ev.Outcome = event.OutcomeFailure
		}
	case "http":
		ev.Class, ev.Action = event.ClassHTTP, "request"
		if _, err := netip.ParseAddr(v.host); err != nil {
			ev.AddRef(event.RoleDst, event.Domain(hostOnly(v.host)))
		}
		ev.AddRef(event.RoleDst, dst)
		ev.AddRef(event.RoleUser, p.Name(v.username))
		if c, err := strconv.Atoi(v.statusCode); err == nil && c >= 200 {
			ev.Outcome = outcome(c < 400)
		}
	case "ssl":
		ev.Action = "tls"
		ev.AddRef(event.RoleDst, event.Domain(v.serverName))
		ev.AddRef(event.RoleDst, dst)
		ev.Outcome = boolOutcome(v.established)
	case "files":
		ev.Class, ev.Action = event.ClassFile, "transfer"
		ev.AddRef(event.RoleSrc, event.IP(v.txHost))
		ev.AddRef(event.RoleDst, event.IP(v.rxHost))
		if src.ID == "" {
			ev.AddRef(event.RoleDst, dst)
		}
		ev.AddRef(event.RoleTarget, fileEntity(v))
		if n := count(v.seenBytes); n > 0 {
			if v.isOrig == "true" {
				ev.BytesOut = n
			} else {
				ev.BytesIn = n
			}
		}
	case "smb_files":
		ev.Class, ev.Action = event.ClassFile, smbAction(v.action)
		ev.AddRef(event.RoleDst, dst)
		ev.AddRef(event.RoleTarget, smbResource(v.respH, v.path, v.name))
	case "smb_mapping":
		ev.Action = "map_share"
		ev.AddRef(event.RoleDst, dst)
		ev.AddRef(event.RoleTarget, smbResource(v.respH, v.path, ""))
	case "dce_rpc":
		ev.Action = "rpc"
		ev.AddRef(event.RoleDst, dst)
		if v.endpoint != "" {
			ev.AddRef(event.RoleTarget, event.Resource("rpc", v.endpoint+"::"+v.operation, ""))
		}
	case "kerberos":
		ev.Class, ev.Action = event.ClassAuth, "kerberos"
		if v.requestType != "" {
			ev.Action = "kerberos_" + strings.ToLower(v.requestType)
		}
		ev.AddRef(event.RoleDst, dst)
		ev.AddRef(event.RoleUser, krbPrincipal(p, v.client))
		ev.AddRef(event.RoleTarget, event.Resource("spn", v.service, ""))
		ev.Outcome = boolOutcome(v.success)
	case "ntlm":
		ev.Class, ev.Action = event.ClassAuth, "ntlm"
		ev.AddRef(event.RoleDst, dst)
		ev.AddRef(event.RoleUser, p.Windows(v.domainname, v.username, event.Entity{}))
		ev.Outcome = boolOutcome(v.success)
	case "rdp":
		ev.Class, ev.Action = event.ClassAuth, "rdp"
		ev.AddRef(event.RoleDst, dst)
		ev.AddRef(event.RoleUser, p.Name(v.cookie))
		switch v.result {
		case "":
		case "Success":
			ev.Outcome = event.OutcomeSuccess
		case "encrypted":
		default:
			ev.Outcome = event.OutcomeFailure
		}
	case "ssh":
		ev.Class, ev.Action = event.ClassAuth, "ssh"
		ev.AddRef(event.RoleDst, dst)
		ev.Outcome = boolOutcome(v.authSuccess)
	case "ftp":
		ev.Action = "ftp"
		if v.command != "" {
			ev.Action = "ftp_" + strings.ToLower(v.command)
		}
		ev.AddRef(event.RoleDst, dst)
		ev.AddRef(event.RoleUser, p.Name(v.user))
	case "x509":
		ev.Class, ev.Action = event.ClassOther, "certificate"
		ev.AddRef(event.RoleTarget, event.Resource("x509", v.fingerprint, ""))
	case "notice":
		ev.Class, ev.Action = event.ClassAlert, v.note
		if src.ID == "" {
			ev.AddRef(event.RoleSrc, event.IP(v.src))
		}
		if dst.ID != "" {
			ev.AddRef(event.RoleDst, dst)
		} else {
			ev.AddRef(event.RoleDst, event.Endpoint(v.dst, port(v.p)))
		}
	case "weird":
		ev.Class, ev.Action = event.ClassOther, "weird"
		ev.AddRef(event.RoleDst, dst)
	default:
		ev.Class = event.ClassOther
		ev.AddRef(event.RoleDst, dst)
	}
}

func outcome(ok bool) event.Outcome {
	if ok {
		return event.OutcomeSuccess
	}
	return event.OutcomeFailure
}

func boolOutcome(s string) event.Outcome {
	switch s {
	case "true":
		return event.OutcomeSuccess
	case "false":
		return event.OutcomeFailure
	}
	return event.OutcomeUnknown
}

func port(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		return 0
	}
	return n
}

func count(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// hostOnly drops a port from an HTTP Host header.
func hostOnly(h string) string {
	if i := strings.LastIndexByte(h, ':'); i > 0 && !strings.Contains(h[:i], ":") {
		return h[:i]
	}
	return h
}

// fileEntity names a transferred file by its content hash when Zeek computed
// one (so the same bytes seen twice are one entity), else by its Zeek fuid.
func fileEntity(v *view) event.Entity {
	name := v.filename
	switch {
	case v.sha256 != "":
		return event.Resource("", "sha256:"+strings.ToLower(v.sha256), name)
	case v.sha1 != "":
		return event.Resource("", "sha1:"+strings.ToLower(v.sha1), name)
	case v.md5 != "":
		return event.Resource("", "md5:"+strings.ToLower(v.md5), name)
	case v.fuid != "":
		return event.Resource("zeek-file", v.fuid, name)
	}
	return event.Entity{}
}

// smbResource names a share or a file in it, scoped to the server address.
func smbResource(server, share, name string) event.Entity {
	if share == "" && name == "" {
		return event.Entity{}
	}
	id := share
	if name != "" {
		id = strings.TrimRight(share, `\`) + `\` + name
	}
	return event.Resource("smb:"+server, strings.ToLower(id), id)
}

func smbAction(a string) string {
	a = strings.TrimPrefix(a, "SMB::FILE_")
	if a == "" {
		return "access"
	}
	return strings.ToLower(a)
}

// krbPrincipal turns Kerberos "user/REALM" into user@realm.
func krbPrincipal(p *event.Principals, client string) event.Entity {
	if i := strings.LastIndexByte(client, '/'); i > 0 && !strings.Contains(client, "@") {
		return p.Name(client[:i] + "@" + strings.ToLower(client[i+1:]))
	}
	return p.Name(client)
}
