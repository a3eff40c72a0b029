package simulate

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// The network sensor's protocol analyzers: every DNS, HTTP and TLS flow
// that conn.log records also gets its dns.log, http.log or ssl.log line,
// with the same uid. Their details are drawn from the run's protocol
// stream (s.proto), so that the other sources do not depend on them.

// siteByAddr finds the site of an address, for flows that name none.
var siteByAddr = func() map[string]site {
	m := map[string]site{}
	for _, list := range [][]site{webSites, updateSites} {
		for _, st := range list {
			m[st.addr] = st
		}
	}
	return m
}()

// protocolLog writes the dns, http or ssl record of the flow f, whose
// conn record is c.
func (s *sim) protocolLog(t time.Time, c *write.Conn, f flow) {
	id := write.ConnID{UID: c.UID, OrigH: c.OrigH, OrigP: c.OrigP, RespH: c.RespH, RespP: c.RespP}
	switch c.Service {
	case "dns":
		s.dnsLog(t, id, c.Proto, f)
	case "ssl":
		s.sslLog(t, id, f)
	case "http":
		s.httpLog(t, id, f)
	}
}

// resolve records w asking the domain controller, the office's resolver,
// for name (as Sysmon 22 records the process asking): the DNS flow and
// its dns.log line. The controller resolving for itself stays on the
// machine.
func (s *sim) resolve(w *winHost, t time.Time, name, answer string) {
	dc := s.world.dc
	if dc == nil || dc == w {
		return
	}
	q := int64(18 + len(name))
	rtt := time.Duration(200+s.proto.IntN(800)) * time.Microsecond
	if !s.inDomain(name) {
		rtt = time.Duration(2+s.proto.IntN(40)) * time.Millisecond
	}
	s.flow(s.proto, t, flow{src: w.h.IP, srcPort: 49152 + s.proto.IntN(16000), dst: dc.h.IP, dstPort: 53, proto: "udp",
		service: "dns", bytesOut: q, bytesIn: q + 16, dur: rtt, query: name, answer: answer})
}

// inDomain reports whether name is in the Windows domain, for which the
// domain controller answers with authority.
func (s *sim) inDomain(name string) bool {
	d := strings.ToLower(s.env.Domain.DNS)
	n := strings.ToLower(name)
	return n == d || strings.HasSuffix(n, "."+d)
}

// query is a DNS question and its answer.
type query struct {
	name   string
	qtype  int    // 1 A, 33 SRV
	answer string // "" for NXDOMAIN
}

// backgroundQuery is a lookup Windows machines make on their own: the
// domain controllers' SRV record, the controller's and other machines'
// names, a WPAD probe that finds nothing, and public names.
func (s *sim) backgroundQuery() query {
	dom := strings.ToLower(s.env.Domain.DNS)
	dcName, dcIP := strings.ToLower(s.world.dcName()), s.world.dcIP()
	switch r := s.proto.IntN(10); {
	case r < 3:
		return query{"_ldap._tcp.dc._msdcs." + dom, 33, dcName}
	case r < 5:
		return query{dcName, 1, dcIP}
	case r < 6:
		return query{"wpad." + dom, 1, ""}
	case r < 8:
		w := pick(s.proto, s.world.winList)
		return query{strings.ToLower(w.fqdn), 1, w.h.IP}
	default:
		st := pick(s.proto, updateSites)
		return query{st.name, 1, st.addr}
	}
}

// dnsLog writes the dns.log line of a lookup flow. A flow without its
// question (the background's lookups) gets one.
func (s *sim) dnsLog(t time.Time, id write.ConnID, proto string, f flow) {
	q := query{name: f.query, qtype: 1, answer: f.answer}
	if q.name == "" {
		q = s.backgroundQuery()
	}
	auth := s.inDomain(q.name)
	d := &write.DNS{TS: t, ID: id, Proto: proto, TransID: s.proto.IntN(65536), RTT: f.dur, Query: q.name, QType: q.qtype,
		AA: auth, RD: true, RA: true}
	if d.RTT <= 0 {
		d.RTT = time.Millisecond
	}
	switch {
	case q.answer == "":
		d.RCode = 3
	case auth && q.qtype == 33:
		d.Answers, d.TTLs = []string{q.answer}, []time.Duration{600 * time.Second}
	case auth:
		d.Answers, d.TTLs = []string{q.answer}, []time.Duration{1200 * time.Second}
	default:
		d.Answers, d.TTLs = []string{q.answer}, []time.Duration{time.Duration(30+s.proto.IntN(270)) * time.Second}
	}
	s.emit(t, d)
}

// TLS parameters of the handshakes the sensor sees.
var (
	tls13Ciphers = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"}
	tls12Ciphers = []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}
)

// sslLog writes the ssl.log line of a TLS flow: mostly TLS 1.3, whose
// certificates Zeek cannot see, else TLS 1.2 with the server's chain.
func (s *sim) sslLog(t time.Time, id write.ConnID, f flow) {
	name := f.dstName
	st, known := siteByAddr[f.dst]
	if name == "" && known {
		name = st.name
	}
	rng := s.proto
	r := &write.SSL{TS: t.Add(time.Duration(1+rng.IntN(30)) * time.Millisecond), ID: id, Curve: "x25519", ServerName: name, Established: true}
	if known && isWebSite(st.name) {
		r.NextProtocol = "h2"
	}
	if rng.IntN(100) < 85 {
		r.Version, r.Cipher, r.History = "TLSv13", pick(rng, tls13Ciphers), "CsiI"
		r.Resumed = rng.IntN(100) < 15
	} else {
		r.Version, r.Cipher, r.History = "TLSv12", pick(rng, tls12Ciphers), "CsxknGIi"
		r.CertChainFps = []string{fingerprint("leaf/" + name), fingerprint("ca/" + registered(name))}
		r.SNIMatchesCert = "T"
		if name == "" {
			r.SNIMatchesCert = ""
		}
	}
	s.emit(r.TS, r)
}

func isWebSite(name string) bool {
	for _, st := range webSites {
		if st.name == name {
			return true
		}
	}
	return false
}

// registered is the last two labels of a name (its registered domain,
// near enough), whose issuer the chain shares.
func registered(name string) string {
	labels := strings.Split(name, ".")
	if len(labels) <= 2 {
		return name
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

// fingerprint is a certificate's SHA-256 fingerprint, derived from what
// it stands for.
func fingerprint(of string) string {
	h := sha256.Sum256([]byte(of))
	return hex.EncodeToString(h[:])
}

// httpSite is what plain HTTP clients fetch from a site.
type httpSite struct {
	uris   []string
	agent  string
	mime   string
	status int
}

// httpSites are the plain HTTP downloads of the background: certificate
// trust lists and Delivery Optimization's ranged downloads.
var httpSites = map[string]httpSite{
	"download.windowsupdate.com": {
		uris: []string{
			"/msdownload/update/v3/static/trustedr/en/authrootstl.cab",
			"/msdownload/update/v3/static/trustedr/en/disallowedcertstl.cab",
			"/msdownload/update/v3/static/trustedr/en/pinrulesstl.cab",
		},
		agent: "Microsoft-CryptoAPI/10.0", mime: "application/vnd.ms-cab-compressed", status: 200,
	},
	"msedge.b.tlu.dl.delivery.mp.microsoft.com": {
		uris:  []string{"/filestreamingservice/files/"},
		agent: "Microsoft-Delivery-Optimization/10.0", mime: "application/octet-stream", status: 206,
	},
}

var statusText = map[int]string{200: "OK", 206: "Partial Content", 304: "Not Modified", 404: "Not Found"}

// httpLog writes the http.log line of a plain HTTP flow: one GET and its
// response.
func (s *sim) httpLog(t time.Time, id write.ConnID, f flow) {
	rng := s.proto
	st := siteByAddr[f.dst]
	host := f.dstName
	if host == "" {
		host = st.name
	}
	hs, ok := httpSites[host]
	if !ok {
		hs = httpSite{uris: []string{"/"}, agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
			mime: "text/html", status: 200}
	}
	uri := pick(rng, hs.uris)
	if strings.HasSuffix(uri, "/") && uri != "/" {
		uri += uuid(rng) + "?P1=" + randString(rng, "0123456789", 10) + "&P2=404&P3=2&P4=" + randString(rng, base62, 24)
	}
	if host == "" {
		host = f.dst
	}
	body := f.bytesIn - 320
	if body < 0 {
		body = 0
	}
	h := &write.HTTP{TS: t.Add(time.Duration(5+rng.IntN(35)) * time.Millisecond), ID: id, TransDepth: 1, Method: "GET", Host: host, URI: uri,
		Version: "1.1", UserAgent: hs.agent, ResponseBodyLen: body, StatusCode: hs.status, StatusMsg: statusText[hs.status]}
	if body > 0 {
		h.RespFUID, h.RespMIME = "F"+randString(rng, base62, 17), hs.mime
	}
	s.emit(h.TS, h)
}
