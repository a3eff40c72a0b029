package write

import (
	"strconv"
	"time"
)

// CloudTrailLayout lays out CloudTrail as the service delivers it to S3: a
// gzip {"Records":[...]} file every five minutes per account and region,
// keyed "<account>/<region>", under
// AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/.
var CloudTrailLayout = Layout{
	Name: func(key string, start time.Time) string {
		account, region := splitKey(key)
		return "AWSLogs/" + account + "/CloudTrail/" + region + "/" + start.Format("2006/01/02") + "/" +
			account + "_CloudTrail_" + region + "_" + start.Format("20060102T1504Z") + "_" + deliveryID(key, start) + ".json.gz"
	},
	Gzip:   true,
	Header: func(b []byte, _, _ time.Time) []byte { return append(b, `{"Records":[`...) },
	Footer: func(b []byte, _, _ time.Time) []byte { return append(b, "]}\n"...) },
	Sep:    ",",
}

// CloudTrailPeriod is how often CloudTrail delivers a file.
const CloudTrailPeriod = 5 * time.Minute

// CloudTrailKey is the series key of an account and region.
func CloudTrailKey(account, region string) string { return account + "/" + region }

func splitKey(key string) (string, string) {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			return key[:i], key[i+1:]
		}
	}
	return key, ""
}

// deliveryID is the random-looking suffix of a CloudTrail file name, here
// derived from the key and time so that runs repeat.
func deliveryID(key string, start time.Time) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	h := uint64(14695981039346656037)
	for i := 0; i < len(key); i++ {
		h = (h ^ uint64(key[i])) * 1099511628211
	}
	h ^= uint64(start.Unix()) * 0x9E3779B97F4A7C15
	var b [16]byte
	for i := range b {
		h = h*6364136223846793005 + 1442695040888963407
		b[i] = alphabet[(h>>33)%uint64(len(alphabet))]
	}
	return string(b[:])
}

// OktaLayout lays out the Okta System Log as a daily export of JSON lines
// (okta/system-log-2026-03-10.jsonl).
var OktaLayout = Layout{
	Name: func(_ string, start time.Time) string { return "system-log-" + start.Format("2006-01-02") + ".jsonl" },
}

// AuthLogLayout lays out each host's /var/log/auth.log as logrotate with
// dateext leaves it, one file a day (<host>/auth.log-20260310).
var AuthLogLayout = Layout{
	Name: func(host string, start time.Time) string { return host + "/auth.log-" + start.Format("20060102") },
}

// AppendSyslog writes an RFC 3164 line as rsyslog writes auth.log:
// "Mar 10 08:50:01 db01 sshd[20502]: message". pid 0 leaves out the pid.
func AppendSyslog(b []byte, t time.Time, host, program string, pid int, msg string) []byte {
	b = t.AppendFormat(b, time.Stamp)
	b = append(b, ' ')
	b = append(b, host...)
	b = append(b, ' ')
	b = append(b, program...)
	if pid > 0 {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(pid), 10)
		b = append(b, ']')
	}
	b = append(b, ": "...)
	b = append(b, msg...)
	return append(b, '\n')
}
