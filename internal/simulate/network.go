package simulate

import (
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// flow is one connection as the network sensor sees it.
type flow struct {
	src      string
	srcPort  int
	dst      string
	dstPort  int
	dstName  string // host name the client asked for, when known
	proto    string // tcp (default) or udp
	service  string // Zeek's protocol guess: ssl, dns, http, ssh, smb, krb, ldap, ...
	bytesOut int64  // sent by the originator
	bytesIn  int64  // sent by the responder
	dur      time.Duration
	refused  bool   // no answer (S0)
	query    string // a DNS flow's question, when known
	answer   string // its answer: an address or a name; "" for NXDOMAIN
}

func (f flow) protocol() string {
	if f.proto == "" {
		return "tcp"
	}
	return f.proto
}

// flow writes the Zeek conn record of f, which starts at t, and the
// record of its protocol's log (dns, http, ssl) with the same uid.
func (s *sim) flow(rng *rand.Rand, t time.Time, f flow) {
	c := &write.Conn{
		TS: t, UID: zeekUID(rng), OrigH: f.src, OrigP: f.srcPort, RespH: f.dst, RespP: f.dstPort,
		Proto: f.protocol(), Service: f.service, Duration: f.dur, OrigBytes: f.bytesOut, RespBytes: f.bytesIn,
		LocalOrig: internal(f.src), LocalResp: internal(f.dst),
	}
	pkts := func(n int64) int64 { return n/1380 + 1 + int64(rng.IntN(3)) }
	switch {
	case f.refused:
		c.ConnState, c.History, c.Unanswered = "S0", "S", true
		c.OrigPkts, c.OrigIPBytes = 1, 60
		c.Duration = 0
	case c.Proto == "udp":
		c.ConnState, c.History = "SF", "Dd"
		c.OrigPkts, c.RespPkts = 1, 1
		c.OrigIPBytes, c.RespIPBytes = f.bytesOut+28, f.bytesIn+28
	default:
		c.ConnState, c.History = "SF", "ShADadFf"
		c.OrigPkts, c.RespPkts = pkts(f.bytesOut)+2, pkts(f.bytesIn)+1
		c.OrigIPBytes, c.RespIPBytes = f.bytesOut+40*c.OrigPkts, f.bytesIn+40*c.RespPkts
	}
	s.emit(t, c)
	if !f.refused {
		s.protocolLog(t, c, f)
	}
}

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// internal reports whether addr is in a private range.
func internal(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range privateRanges {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// site is a service on the Internet that people and machines talk to.
type site struct {
	name    string
	addr    string
	port    int
	service string
}

// Sites of ordinary work, with the addresses they resolve to.
var (
	webSites = []site{
		{"www.google.com", "142.250.179.196", 443, "ssl"},
		{"outlook.office365.com", "52.97.146.162", 443, "ssl"},
		{"teams.microsoft.com", "52.113.194.132", 443, "ssl"},
		{"corp-example.slack.com", "3.68.124.72", 443, "ssl"},
		{"github.com", "140.82.121.3", 443, "ssl"},
		{"www.linkedin.com", "13.107.42.14", 443, "ssl"},
		{"docs.aws.amazon.com", "18.66.97.64", 443, "ssl"},
		{"corp-example.okta.com", "44.224.51.73", 443, "ssl"},
		{"www.bbc.co.uk", "151.101.0.81", 443, "ssl"},
		{"stackoverflow.com", "104.18.32.7", 443, "ssl"},
		{"cdn.jsdelivr.net", "151.101.1.229", 443, "ssl"},
		{"fonts.gstatic.com", "142.250.179.163", 443, "ssl"},
	}
	updateSites = []site{
		{"fe3cr.delivery.mp.microsoft.com", "20.242.39.171", 443, "ssl"},
		{"download.windowsupdate.com", "23.32.238.201", 80, "http"},
		{"definitionupdates.microsoft.com", "20.190.159.4", 443, "ssl"},
		{"update.googleapis.com", "142.250.179.206", 443, "ssl"},
		{"msedge.b.tlu.dl.delivery.mp.microsoft.com", "23.32.238.216", 80, "http"},
	}
)
