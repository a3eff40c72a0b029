package write

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// AuditLayout lays out each host's /var/log/audit/audit.log, one file a
// day beside its auth.log (<host>/audit.log-20260310).
var AuditLayout = Layout{
	Name: func(host string, start time.Time) string { return host + "/audit.log-" + start.Format("20060102") },
}

// AuditRecord is one record of an audit event: its type (SYSCALL, EXECVE,
// USER_LOGIN, ...) and its body, the key=value pairs after the stamp.
type AuditRecord struct {
	Type string
	Body string
}

// AppendAudit writes the records of one audit event as auditd writes them
// in its raw format with name_format=hostname, every record stamped with
// the event's time in milliseconds and its serial:
// "node=db01 type=SYSCALL msg=audit(1773043200.123:4567): arch=c000003e ...".
func AppendAudit(b []byte, node string, t time.Time, serial uint64, recs []AuditRecord) []byte {
	ms := t.UnixMilli()
	for _, r := range recs {
		b = append(b, "node="...)
		b = append(b, node...)
		b = append(b, " type="...)
		b = append(b, r.Type...)
		b = append(b, " msg=audit("...)
		b = strconv.AppendInt(b, ms/1000, 10)
		b = append(b, '.')
		frac := ms % 1000
		b = append(b, byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10), ':')
		b = strconv.AppendUint(b, serial, 10)
		b = append(b, "): "...)
		b = append(b, r.Body...)
		b = append(b, '\n')
	}
	return b
}

// AuditString renders an untrusted string as the kernel and libaudit log
// it: in double quotes when every byte is printable and none is a quote or
// a space, else as upper-case hex (so "-bash" stays quoted, while a
// command line with spaces or NUL-separated arguments is hex).
func AuditString(s string) string {
	if !needsHex(s) {
		return `"` + s + `"`
	}
	return strings.ToUpper(hex.EncodeToString([]byte(s)))
}

func needsHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= 0x20 || c >= 0x7f || c == '"' {
			return true
		}
	}
	return false
}
