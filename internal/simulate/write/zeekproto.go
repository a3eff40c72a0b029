package write

import (
	"strconv"
	"time"
)

// zeekLayout lays out a Zeek log as Zeek archives it: one gzip file an
// hour, under a folder per day (2026-03-10/dns.09:00:00-10:00:00.log.gz),
// each with the TSV header naming its path, fields and types.
func zeekLayout(path, fields string) Layout {
	return Layout{
		Name: func(_ string, start time.Time) string {
			end := start.Add(time.Hour)
			return start.Format("2006-01-02") + "/" + path + "." + start.Format("15:04:05") + "-" + end.Format("15:04:05") + ".log.gz"
		},
		Gzip: true,
		Header: func(b []byte, start, _ time.Time) []byte {
			b = append(b, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t"...)
			b = append(b, path...)
			b = append(b, "\n#open\t"...)
			b = start.AppendFormat(b, zeekStamp)
			b = append(b, '\n')
			return append(b, fields...)
		},
		Footer: func(b []byte, _, end time.Time) []byte {
			b = append(b, "#close\t"...)
			b = end.AppendFormat(b, zeekStamp)
			return append(b, '\n')
		},
	}
}

// ConnID is the connection a Zeek protocol log line belongs to: its uid (the
// one of its conn.log line) and its endpoints.
type ConnID struct {
	UID   string
	OrigH string
	OrigP int
	RespH string
	RespP int
}

func (id *ConnID) append(b []byte, ts time.Time) []byte {
	b = appendZeekTime(b, ts)
	b = append(b, '\t')
	b = append(b, id.UID...)
	b = append(b, '\t')
	b = append(b, id.OrigH...)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(id.OrigP), 10)
	b = append(b, '\t')
	b = append(b, id.RespH...)
	b = append(b, '\t')
	return strconv.AppendInt(b, int64(id.RespP), 10)
}

// DNS is one record of Zeek's dns.log: a query and its answer.
type DNS struct {
	TS      time.Time
	ID      ConnID
	Proto   string // udp or tcp
	TransID int
	RTT     time.Duration // 0: no answer seen
	Query   string
	QType   int // 1 A, 28 AAAA, 33 SRV, ...
	RCode   int // 0 NOERROR, 3 NXDOMAIN
	AA      bool
	RD, RA  bool
	Answers []string
	TTLs    []time.Duration
}

const dnsFields = "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n"

// ZeekDNSLayout lays out dns.log beside conn.log.
var ZeekDNSLayout = zeekLayout("dns", dnsFields)

// qtypeNames names the query types the simulator asks for.
var qtypeNames = map[int]string{1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV"}

// rcodeNames names the response codes.
var rcodeNames = map[int]string{0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED"}

// AppendDNS writes d as a dns.log line.
func AppendDNS(b []byte, d *DNS) []byte {
	b = d.ID.append(b, d.TS)
	b = append(b, '\t')
	b = append(b, d.Proto...)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(d.TransID), 10)
	b = append(b, '\t')
	if d.RTT > 0 {
		b = appendInterval(b, d.RTT)
	} else {
		b = append(b, '-')
	}
	b = append(b, '\t')
	b = appendOr(b, d.Query)
	b = append(b, "\t1\tC_INTERNET\t"...)
	b = strconv.AppendInt(b, int64(d.QType), 10)
	b = append(b, '\t')
	b = appendOr(b, qtypeNames[d.QType])
	b = append(b, '\t')
	if d.RTT > 0 {
		b = strconv.AppendInt(b, int64(d.RCode), 10)
		b = append(b, '\t')
		b = appendOr(b, rcodeNames[d.RCode])
	} else {
		b = append(b, "-\t-"...)
	}
	b = append(b, '\t')
	b = appendZeekBool(b, d.AA)
	b = append(b, "\tF\t"...)
	b = appendZeekBool(b, d.RD)
	b = append(b, '\t')
	b = appendZeekBool(b, d.RA)
	b = append(b, "\t0\t"...)
	if len(d.Answers) == 0 {
		b = append(b, "-\t-"...)
	} else {
		for i, a := range d.Answers {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, a...)
		}
		b = append(b, '\t')
		for i, ttl := range d.TTLs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendInterval(b, ttl)
		}
	}
	return append(b, "\tF\n"...)
}

// HTTP is one request and its response in Zeek's http.log.
type HTTP struct {
	TS              time.Time
	ID              ConnID
	TransDepth      int // the request's number on its connection, from 1
	Method          string
	Host            string
	URI             string
	Referrer        string
	Version         string // "1.1"
	UserAgent       string
	RequestBodyLen  int64
	ResponseBodyLen int64
	StatusCode      int
	StatusMsg       string
	RespFUID        string // the response body's file id, "" when there is none
	RespMIME        string
}

const httpFields = "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\tversion\tuser_agent\torigin\trequest_body_len\tresponse_body_len\tstatus_code\tstatus_msg\tinfo_code\tinfo_msg\ttags\tusername\tpassword\tproxied\torig_fuids\torig_filenames\torig_mime_types\tresp_fuids\tresp_filenames\tresp_mime_types\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tstring\tstring\tcount\tcount\tcount\tstring\tcount\tstring\tset[enum]\tstring\tstring\tset[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\n"

// ZeekHTTPLayout lays out http.log beside conn.log.
var ZeekHTTPLayout = zeekLayout("http", httpFields)

// AppendHTTP writes h as an http.log line.
func AppendHTTP(b []byte, h *HTTP) []byte {
	b = h.ID.append(b, h.TS)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(h.TransDepth), 10)
	for _, s := range [...]string{h.Method, h.Host, h.URI, h.Referrer, h.Version, h.UserAgent} {
		b = append(b, '\t')
		b = appendOr(b, s)
	}
	b = append(b, "\t-\t"...) // origin
	b = strconv.AppendInt(b, h.RequestBodyLen, 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, h.ResponseBodyLen, 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(h.StatusCode), 10)
	b = append(b, '\t')
	b = appendOr(b, h.StatusMsg)
	// info_code, info_msg, tags, username, password, proxied, orig_fuids,
	// orig_filenames, orig_mime_types
	b = append(b, "\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\t"...)
	b = appendOr(b, h.RespFUID)
	b = append(b, "\t-\t"...)
	b = appendOr(b, h.RespMIME)
	return append(b, '\n')
}

// SSL is one TLS handshake in Zeek's ssl.log.
type SSL struct {
	TS           time.Time
	ID           ConnID
	Version      string // TLSv12, TLSv13
	Cipher       string
	Curve        string
	ServerName   string // the client's SNI
	Resumed      bool
	NextProtocol string // ALPN: h2, http/1.1
	Established  bool
	History      string
	// CertChainFps are the server certificates' SHA-256 fingerprints; TLS
	// 1.3 encrypts them, so Zeek sees none.
	CertChainFps []string
	// SNIMatchesCert is "T" or "F" when the certificate was seen, else "".
	SNIMatchesCert string
}

const sslFields = "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\tsni_matches_cert\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\tvector[string]\tvector[string]\tbool\n"

// ZeekSSLLayout lays out ssl.log beside conn.log.
var ZeekSSLLayout = zeekLayout("ssl", sslFields)

// AppendSSL writes s as an ssl.log line.
func AppendSSL(b []byte, s *SSL) []byte {
	b = s.ID.append(b, s.TS)
	for _, v := range [...]string{s.Version, s.Cipher, s.Curve, s.ServerName} {
		b = append(b, '\t')
		b = appendOr(b, v)
	}
	b = append(b, '\t')
	b = appendZeekBool(b, s.Resumed)
	b = append(b, "\t-\t"...) // last_alert
	b = appendOr(b, s.NextProtocol)
	b = append(b, '\t')
	b = appendZeekBool(b, s.Established)
	b = append(b, '\t')
	b = appendOr(b, s.History)
	b = append(b, '\t')
	if len(s.CertChainFps) == 0 {
		b = append(b, "(empty)"...)
	}
	for i, fp := range s.CertChainFps {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, fp...)
	}
	b = append(b, "\t(empty)\t"...)
	b = appendOr(b, s.SNIMatchesCert)
	return append(b, '\n')
}

// appendInterval writes a duration as Zeek's interval: seconds with six
// decimals.
func appendInterval(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, d.Seconds(), 'f', 6, 64)
}
