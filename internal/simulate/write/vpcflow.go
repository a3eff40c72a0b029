package write

import (
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

// VPCFlowPeriod is how often a flow log delivers a file to S3.
const VPCFlowPeriod = 5 * time.Minute

// VPCFlowKey is the series key of a flow log of an account and region.
func VPCFlowKey(account, region, flowLog string) string {
	return account + "/" + region + "/" + flowLog
}

// vpcFlowHeader is the header line of a file in the version 2 default
// format.
const vpcFlowHeader = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"

// VPCFlowLayout lays out VPC Flow Logs as the service delivers them to S3:
// a gzip text file every five minutes per flow log, with a header line,
// under AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/, named
// <account>_vpcflowlogs_<region>_<flow log id>_<YYYYMMDDTHHMMZ>_<hash>.log.gz.
var VPCFlowLayout = Layout{
	Name: func(key string, start time.Time) string {
		parts := strings.SplitN(key, "/", 3)
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		account, region, flowLog := parts[0], parts[1], parts[2]
		return "AWSLogs/" + account + "/vpcflowlogs/" + region + "/" + start.Format("2006/01/02") + "/" +
			account + "_vpcflowlogs_" + region + "_" + flowLog + "_" + start.Format("20060102T1504Z") + "_" + fileHash(key, start) + ".log.gz"
	},
	Gzip:   true,
	Header: func(b []byte, _, _ time.Time) []byte { return append(b, vpcFlowHeader...) },
}

// fileHash is the eight hex digits that end a delivered file's name, here
// derived from the key and time so that runs repeat.
func fileHash(key string, start time.Time) string {
	h := fnv.New32a()
	h.Write([]byte(key))
	h.Write([]byte(start.UTC().Format(time.RFC3339)))
	s := strconv.FormatUint(uint64(h.Sum32()), 16)
	return strings.Repeat("0", 8-len(s)) + s
}

// Flow is one flow log record: the traffic of one direction of a
// connection through one network interface in a capture window.
type Flow struct {
	Account    string
	Interface  string // eni-...
	Src, Dst   string
	SrcPort    int
	DstPort    int
	Protocol   int // IANA number: 6 TCP, 17 UDP, 1 ICMP
	Packets    int64
	Bytes      int64
	Start, End time.Time
	Reject     bool // refused by a security group or network ACL
}

// AppendFlow writes f as a record line of the version 2 default format.
func AppendFlow(b []byte, f *Flow) []byte {
	b = append(b, "2 "...)
	b = append(b, f.Account...)
	b = append(b, ' ')
	b = append(b, f.Interface...)
	b = append(b, ' ')
	b = append(b, f.Src...)
	b = append(b, ' ')
	b = append(b, f.Dst...)
	for _, n := range [...]int64{int64(f.SrcPort), int64(f.DstPort), int64(f.Protocol), f.Packets, f.Bytes, f.Start.Unix(), f.End.Unix()} {
		b = append(b, ' ')
		b = strconv.AppendInt(b, n, 10)
	}
	if f.Reject {
		return append(b, " REJECT OK\n"...)
	}
	return append(b, " ACCEPT OK\n"...)
}
