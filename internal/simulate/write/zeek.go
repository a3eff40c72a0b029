package write

import (
	"strconv"
	"time"
)

// Conn is one record of Zeek's conn.log.
type Conn struct {
	TS           time.Time
	UID          string
	OrigH        string
	OrigP        int
	RespH        string
	RespP        int
	Proto        string // tcp, udp, icmp
	Service      string // "" when Zeek found none
	Duration     time.Duration
	OrigBytes    int64
	RespBytes    int64
	ConnState    string
	LocalOrig    bool
	LocalResp    bool
	History      string
	OrigPkts     int64
	OrigIPBytes  int64
	RespPkts     int64
	RespIPBytes  int64
	Unanswered   bool // no reply seen: duration and byte counts are unset
	TunnelParent string
}

const connFields = "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n"

// zeekStamp is how Zeek writes #open and #close.
const zeekStamp = "2006-01-02-15-04-05"

// ZeekConnLayout lays out conn.log as Zeek archives it: one gzip file an
// hour, under a folder per day (logs/2026-03-10/conn.09:00:00-10:00:00.log.gz).
var ZeekConnLayout = zeekLayout("conn", connFields)

// AppendConn writes c as a conn.log line.
func AppendConn(b []byte, c *Conn) []byte {
	b = appendZeekTime(b, c.TS)
	b = append(b, '\t')
	b = append(b, c.UID...)
	b = append(b, '\t')
	b = append(b, c.OrigH...)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(c.OrigP), 10)
	b = append(b, '\t')
	b = append(b, c.RespH...)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(c.RespP), 10)
	b = append(b, '\t')
	b = append(b, c.Proto...)
	b = append(b, '\t')
	b = appendOr(b, c.Service)
	b = append(b, '\t')
	if c.Unanswered {
		b = append(b, "-\t-\t-"...)
	} else {
		b = strconv.AppendFloat(b, c.Duration.Seconds(), 'f', 6, 64)
		b = append(b, '\t')
		b = strconv.AppendInt(b, c.OrigBytes, 10)
		b = append(b, '\t')
		b = strconv.AppendInt(b, c.RespBytes, 10)
	}
	b = append(b, '\t')
	b = append(b, c.ConnState...)
	b = append(b, '\t')
	b = appendZeekBool(b, c.LocalOrig)
	b = append(b, '\t')
	b = appendZeekBool(b, c.LocalResp)
	b = append(b, "\t0\t"...)
	b = appendOr(b, c.History)
	for _, n := range [...]int64{c.OrigPkts, c.OrigIPBytes, c.RespPkts, c.RespIPBytes} {
		b = append(b, '\t')
		b = strconv.AppendInt(b, n, 10)
	}
	b = append(b, '\t')
	b = appendOr(b, c.TunnelParent)
	return append(b, '\n')
}

func appendZeekTime(b []byte, t time.Time) []byte {
	us := t.UnixMicro()
	b = strconv.AppendInt(b, us/1e6, 10)
	b = append(b, '.')
	frac := us % 1e6
	for d := int64(100000); d > 0; d /= 10 {
		b = append(b, byte('0'+frac/d%10))
	}
	return b
}

func appendZeekBool(b []byte, v bool) []byte {
	if v {
		return append(b, 'T')
	}
	return append(b, 'F')
}

func appendOr(b []byte, s string) []byte {
	if s == "" {
		return append(b, '-')
	}
	return append(b, s...)
}
