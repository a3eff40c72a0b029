package auditd

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// header is what the start of an audit record says: which machine, which
// record type, and which event (the audit(time:serial) stamp) it belongs to.
type header struct {
	node        string
	typ         string
	time        time.Time
	stamp       string // "1675255174.901:30777": seconds.millis:serial, whatever form the line had
	interpreted bool   // ausearch -i form: values are already decoded
	body        string // what follows the stamp
}

var (
	errNoType  = errors.New("line is not an audit record: no type= field")
	errNoStamp = errors.New("audit record has no audit(time:serial) stamp")
	errStamp   = errors.New("audit record has an invalid audit(time:serial) stamp")
)

// Locate returns the index in msg where an audit record starts ("node=" or
// "type=" followed by an audit(...) stamp), or -1. Syslog readers use it to
// find audit records inside messages such as "audit: type=1400 audit(...)"
// or "node=h type=SYSCALL msg=audit(...)".
func Locate(msg string) int {
	for off := 0; off < len(msg) && off < 256; {
		i := strings.Index(msg[off:], "type=")
		if i < 0 {
			return -1
		}
		at := off + i
		if at == 0 || msg[at-1] == ' ' {
			if j := strings.Index(msg[at:], "audit("); j > 0 && j < 64 {
				if k := strings.LastIndex(msg[:at], "node="); k >= 0 && (k == 0 || msg[k-1] == ' ') {
					return k
				}
				return at
			}
		}
		off = at + 5
	}
	return -1
}

// parseHeader reads "[node=N ]type=T [msg=]audit(STAMP)[ ]: ".
func parseHeader(s string, loc *time.Location) (header, error) {
	var h header
	s = strings.TrimLeft(s, " \t")
	if strings.HasPrefix(s, "node=") {
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			return h, errNoType
		}
		h.node = s[5:end]
		s = strings.TrimLeft(s[end:], " ")
	}
	if !strings.HasPrefix(s, "type=") {
		return h, errNoType
	}
	end := strings.IndexByte(s, ' ')
	if end < 0 {
		return h, errNoStamp
	}
	h.typ = typeName(s[5:end])
	s = strings.TrimLeft(s[end:], " ")
	s = strings.TrimPrefix(s, "msg=")
	if !strings.HasPrefix(s, "audit(") {
		return h, errNoStamp
	}
	end = strings.IndexByte(s, ')')
	if end < 0 {
		return h, errNoStamp
	}
	raw := s[6:end]
	s = s[end+1:]
	s = strings.TrimLeft(s, " ")
	s = strings.TrimPrefix(s, ":")
	h.body = s
	colon := strings.LastIndexByte(raw, ':')
	if colon < 0 {
		return h, errStamp
	}
	ts, serial := raw[:colon], raw[colon+1:]
	if !allDigits(serial) || len(serial) > 20 {
		return h, errStamp
	}
	if strings.IndexByte(ts, ' ') >= 0 {
		t, err := parseLocalStamp(ts, loc)
		if err != nil {
			return h, errStamp
		}
		h.time, h.interpreted = t, true
		h.stamp = formatStamp(t, serial)
		return h, nil
	}
	t, ok := parseUnixStamp(ts)
	if !ok {
		return h, errStamp
	}
	h.time = t
	h.stamp = raw
	if dot := strings.IndexByte(ts, '.'); dot < 0 || len(ts)-dot-1 != 3 {
		h.stamp = formatStamp(t, serial)
	}
	return h, nil
}

// parseUnixStamp reads "1675255174.901".
func parseUnixStamp(s string) (time.Time, bool) {
	sec, frac, _ := strings.Cut(s, ".")
	if sec == "" || len(sec) > 12 || !allDigits(sec) || len(frac) > 9 || !allDigits(frac) {
		return time.Time{}, false
	}
	n, _ := strconv.ParseInt(sec, 10, 64)
	var ns int64
	for i := 0; i < 9; i++ {
		ns *= 10
		if i < len(frac) {
			ns += int64(frac[i] - '0')
		}
	}
	return time.Unix(n, ns).UTC(), true
}

// parseLocalStamp reads ausearch -i stamps, which are local time in the
// C/en_US locale: "02/06/2023 13:26:53.802" or "02/06/23 13:26:53.802"; ISO
// dates ("2023-02-06 13:26:53.802") are accepted too.
func parseLocalStamp(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	layouts := [...]string{"01/02/2006 15:04:05.999999999", "01/02/06 15:04:05.999999999", "2006-01-02 15:04:05.999999999"}
	var err error
	for _, l := range layouts {
		var t time.Time
		if t, err = time.ParseInLocation(l, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}

// formatStamp writes the canonical "seconds.millis:serial" stamp, so that the
// raw and interpreted forms of one record name the same event.
func formatStamp(t time.Time, serial string) string {
	b := make([]byte, 0, 32)
	b = strconv.AppendInt(b, t.Unix(), 10)
	ms := t.Nanosecond() / 1e6
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), ':')
	b = append(b, serial...)
	return string(b)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseBody appends the key=value pairs of a record body to dst. Values are
// unquoted; in the raw form, hex-encoded untrusted strings are decoded; a
// msg='...' value of user-space records is opened into its own pairs.
func parseBody(dst []event.Field, h *header) []event.Field {
	s := h.body
	auoms := strings.HasPrefix(h.typ, "AUOMS_")
	for {
		s = skipSpace(s)
		if s == "" {
			return dst
		}
		eq := strings.IndexAny(s, "= \x1d")
		if eq < 0 || s[eq] != '=' {
			if eq < 0 {
				return dst
			}
			s = s[eq:] // bare word (AVC "{ read }" etc.): skip
			continue
		}
		key := s[:eq]
		s = s[eq+1:]
		var val string
		quoted := false
		switch {
		case h.interpreted && (key == "proctitle" && h.typ == "PROCTITLE" || key == "saddr" && h.typ == "SOCKADDR"):
			val, s = strings.TrimRight(s, " "), ""
		case auoms && (key == "proctitle" || key == "cmdline"):
			end := strings.LastIndex(s, " redactors=")
			if end < 0 {
				end = len(s)
			}
			val, s = s[:end], s[end:]
			if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
				val, quoted = val[1:len(val)-1], true
			}
		case s != "" && s[0] == '"':
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				val, s = s[1:], ""
			} else {
				val, s = s[1:end+1], s[end+2:]
			}
			quoted = true
		case s != "" && s[0] == '\'':
			end := strings.IndexByte(s[1:], '\'')
			inner := s[1:]
			if end < 0 {
				s = ""
			} else {
				inner, s = s[1:end+1], s[end+2:]
			}
			if key == "msg" {
				sub := header{typ: h.typ, interpreted: h.interpreted, body: inner}
				dst = parseBody(dst, &sub)
				continue
			}
			val, quoted = inner, true
		case s != "" && s[0] == '{':
			end := strings.IndexByte(s, '}')
			if end < 0 {
				val, s = s, ""
			} else {
				val, s = strings.TrimSpace(s[1:end]), s[end+1:]
			}
		default:
			end := strings.IndexAny(s, " \x1d")
			if end < 0 {
				end = len(s)
			}
			val, s = s[:end], s[end:]
		}
		if !quoted && !h.interpreted && !auoms {
			if key == "key" && val != "(null)" {
				if dec, ok := decodeHex(val); ok {
					for _, k := range strings.Split(dec, "\x01") {
						dst = append(dst, event.Field{Key: "key", Value: k})
					}
					continue
				}
			}
			if hexKey(h.typ, key) {
				if dec, ok := decodeHex(val); ok {
					if key == "proctitle" {
						dec = strings.TrimRight(strings.ReplaceAll(dec, "\x00", " "), " ")
					}
					val = dec
				}
			}
		}
		dst = append(dst, event.Field{Key: key, Value: val})
	}
}

func skipSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == 0x1d) {
		s = s[1:]
	}
	return s
}

// hexKey reports whether the kernel hex-encodes key when its value holds
// characters it does not trust (spaces, quotes, control characters).
func hexKey(typ, key string) bool {
	switch key {
	case "proctitle", "name", "cmd", "acct", "comm", "exe", "cwd", "path", "data", "ocomm", "watch", "old-chardev", "new-chardev", "root_dir":
		return true
	}
	if typ == "EXECVE" && len(key) > 1 && key[0] == 'a' && key[1] >= '0' && key[1] <= '9' && !strings.HasSuffix(key, "_len") {
		return true
	}
	return false
}

// decodeHex decodes an even-length string of hex digits.
func decodeHex(s string) (string, bool) {
	if len(s) < 2 || len(s)%2 != 0 {
		return "", false
	}
	b := make([]byte, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return "", false
		}
		b[i/2] = hi<<4 | lo
	}
	return string(b), true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
