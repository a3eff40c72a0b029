package zeek

import "strings"

// inferPath names the log type of a JSON record that carries neither "_path"
// nor "@stream", from the fields only that log type has. The rules, in
// order (first match wins):
//
//	notice        note
//	dns           query with trans_id, qtype_name or rcode_name
//	http          method, uri or status_code
//	conn          conn_state, history or orig_pkts
//	x509          fingerprint, certificate.serial or certificate.subject
//	files         fuid with seen_bytes, total_bytes, missing_bytes or mime_type
//	ssl           server_name, established, ssl_history, cert_chain_fps/fuids or ja3
//	kerberos      request_type, or a client written user/REALM
//	ntlm          domainname, server_nb/dns_computer_name, server_tree_name,
//	              or username with success
//	rdp           cookie or result
//	ssh           auth_success, auth_attempts, host_key or kex_alg
//	dce_rpc       endpoint with operation
//	smb_mapping   share_type
//	smb_files     action starting with "SMB::"
//	ftp           user with command
//	dpd           analyzer with failure_reason
//	weird         name with addl or peer
//
// A record with none of these (Zeek writes kerberos records that hold only
// the connection id) gets the empty path and is kept as an "other" event.
func inferPath(v *view) string {
	switch {
	case v.note != "":
		return "notice"
	case v.query != "" && (v.trans || v.rcodeName != ""):
		return "dns"
	case v.method != "" || v.uri != "" || v.statusCode != "":
		return "http"
	case v.connState != "" || v.conn:
		return "conn"
	case v.fingerprint != "" || v.cert:
		return "x509"
	case v.fuid != "" && v.fileHint:
		return "files"
	case v.serverName != "" || v.established != "" || v.tlsHint:
		return "ssl"
	case v.requestType != "" || strings.Contains(v.client, "/"):
		return "kerberos"
	case v.domainname != "" || v.ntlmHint || v.username != "" && v.success != "":
		return "ntlm"
	case v.cookie != "" || v.result != "":
		return "rdp"
	case v.authSuccess != "" || v.sshHint:
		return "ssh"
	case v.endpoint != "" && v.operation != "":
		return "dce_rpc"
	case v.shareType != "":
		return "smb_mapping"
	case strings.HasPrefix(v.action, "SMB::"):
		return "smb_files"
	case v.user != "" && v.command != "":
		return "ftp"
	case v.analyzer != "" && v.failureReason != "":
		return "dpd"
	case v.name != "" && v.weird:
		return "weird"
	}
	return ""
}
