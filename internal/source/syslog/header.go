package syslog

import (
	"errors"
	"strings"
	"time"
)

// Header is what a syslog line says before its message.
type Header struct {
	Time     time.Time
	Priority int // -1 when the line has no <PRI>
	Host     string
	Program  string // RFC 3164 tag or RFC 5424 APP-NAME
	PID      string // RFC 3164 tag's [pid] or RFC 5424 PROCID
	MsgID    string // RFC 5424 only
	SD       string // RFC 5424 structured data, as written
	Message  string
}

var (
	errNoStamp = errors.New("line is not a syslog message: no timestamp")
	errNoHost  = errors.New("syslog line has no host")
	errRFC5424 = errors.New("invalid RFC 5424 header")
)

// clock turns RFC 3164 stamps, which have no year and no zone, into times.
type clock struct {
	year int // 0: year of now, rolled back one year for dates in the future
	now  time.Time
	loc  *time.Location
}

func (c *clock) date(mon time.Month, day, h, m, s, ns int) time.Time {
	if c.year != 0 {
		return time.Date(c.year, mon, day, h, m, s, ns, c.loc).UTC()
	}
	t := time.Date(c.now.Year(), mon, day, h, m, s, ns, c.loc)
	if t.After(c.now.Add(24 * time.Hour)) {
		t = time.Date(c.now.Year()-1, mon, day, h, m, s, ns, c.loc)
	}
	return t.UTC()
}

// parseHeader reads an RFC 5424 line, or an RFC 3164 line with either the
// classic "Mmm dd hh:mm:ss" stamp or an RFC 3339 one (rsyslog's high
// precision file format).
func parseHeader(s string, c *clock) (Header, error) {
	h := Header{Priority: -1}
	if len(s) > 2 && s[0] == '<' {
		end := strings.IndexByte(s[:min(len(s), 5)], '>')
		if end > 1 && allDigits(s[1:end]) {
			h.Priority = atoi(s[1:end])
			s = s[end+1:]
			if len(s) > 2 && s[0] >= '1' && s[0] <= '9' && s[1] == ' ' {
				return parse5424(h, s[2:], c)
			}
		}
	}
	var ok bool
	if h.Time, s, ok = stamp3164(s, c); !ok {
		if h.Time, s, ok = stamp3339(s, c.loc); !ok {
			return h, errNoStamp
		}
	}
	s = strings.TrimLeft(s, " ")
	// HOSTNAME, unless the next token is already the tag ("sshd[1]:").
	tok, rest, _ := strings.Cut(s, " ")
	if tok == "" {
		return h, errNoHost
	}
	if !isTag(tok) {
		h.Host = tok
		s = rest
	}
	tagTok, rest, _ := strings.Cut(s, " ")
	if isTag(tagTok) {
		tag := strings.TrimSuffix(tagTok, ":")
		if i := strings.IndexByte(tag, '['); i >= 0 && strings.HasSuffix(tag, "]") {
			h.PID = tag[i+1 : len(tag)-1]
			tag = tag[:i]
		}
		h.Program = tag
		h.Message = rest
	} else {
		h.Message = s
	}
	return h, nil
}

// isTag reports whether tok is an RFC 3164 tag: "prog:", "prog[pid]:" or
// "prog[pid]".
func isTag(tok string) bool {
	if len(tok) < 2 {
		return false
	}
	if tok[len(tok)-1] == ':' {
		tok = tok[:len(tok)-1]
	} else if tok[len(tok)-1] != ']' {
		return false
	}
	if i := strings.IndexByte(tok, '['); i >= 0 {
		if !strings.HasSuffix(tok, "]") || !allDigits(tok[i+1:len(tok)-1]) {
			return false
		}
		tok = tok[:i]
	}
	if tok == "" {
		return false
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c <= ' ' || c == ':' || c == '[' || c == ']' || c == '=' {
			return false
		}
	}
	return true
}

var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// stamp3164 reads "Mmm dd hh:mm:ss" (day space-padded), an optional
// fraction and an optional " yyyy".
func stamp3164(s string, c *clock) (time.Time, string, bool) {
	if len(s) < 15 || s[3] != ' ' || s[9] != ':' || s[12] != ':' {
		return time.Time{}, s, false
	}
	mon := 0
	for i, m := range months {
		if s[:3] == m {
			mon = i + 1
			break
		}
	}
	if mon == 0 {
		return time.Time{}, s, false
	}
	d := s[4:6]
	if d[0] == ' ' {
		d = d[1:]
	}
	if !allDigits(d) || !allDigits(s[7:9]) || !allDigits(s[10:12]) || !allDigits(s[13:15]) || s[6] != ' ' {
		return time.Time{}, s, false
	}
	day, hh, mm, ss := atoi(d), atoi(s[7:9]), atoi(s[10:12]), atoi(s[13:15])
	if day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, s, false
	}
	rest := s[15:]
	ns := 0
	if len(rest) > 1 && rest[0] == '.' {
		i := 1
		for i < len(rest) && i <= 9 && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		ns = atoi(rest[1:i])
		for j := i - 1; j < 9; j++ {
			ns *= 10
		}
		rest = rest[i:]
	}
	if len(rest) >= 5 && rest[0] == ' ' && allDigits(rest[1:5]) && (len(rest) == 5 || rest[5] == ' ') {
		cc := *c
		cc.year = atoi(rest[1:5])
		return cc.date(time.Month(mon), day, hh, mm, ss, ns), rest[5:], true
	}
	return c.date(time.Month(mon), day, hh, mm, ss, ns), rest, true
}

// stamp3339 reads "2022-05-11T18:10:21.123456+00:00" up to the next space;
// a stamp without a zone is in loc.
func stamp3339(s string, loc *time.Location) (time.Time, string, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || !allDigits(s[:4]) {
		return time.Time{}, s, false
	}
	end := strings.IndexByte(s[11:], ' ')
	if end < 0 {
		end = len(s)
	} else {
		end += 11
	}
	v := s[:end]
	if v[10] == ' ' { // "2022-05-11 18:10:21": the date and time are two tokens
		return time.Time{}, s, false
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", v, loc)
		if err != nil {
			return time.Time{}, s, false
		}
	}
	return t.UTC(), s[end:], true
}

// parse5424 reads the rest of "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID
// MSGID STRUCTURED-DATA MSG".
func parse5424(h Header, s string, c *clock) (Header, error) {
	var parts [5]string
	for i := range parts {
		tok, rest, ok := strings.Cut(s, " ")
		if !ok && i < 4 {
			return h, errRFC5424
		}
		parts[i], s = tok, rest
	}
	if parts[0] != "-" {
		t, _, ok := stamp3339(parts[0], c.loc)
		if !ok {
			return h, errRFC5424
		}
		h.Time = t
	}
	nil5424 := func(v string) string {
		if v == "-" {
			return ""
		}
		return v
	}
	h.Host, h.Program, h.PID, h.MsgID = nil5424(parts[1]), nil5424(parts[2]), nil5424(parts[3]), nil5424(parts[4])
	switch {
	case strings.HasPrefix(s, "-"):
		s = strings.TrimPrefix(s[1:], " ")
	case strings.HasPrefix(s, "["):
		end := sdEnd(s)
		h.SD, s = s[:end], strings.TrimPrefix(s[end:], " ")
	}
	h.Message = strings.TrimPrefix(s, "\ufeff") // BOM before UTF-8 messages
	return h, nil
}

// sdEnd finds the end of RFC 5424 structured data: consecutive [...]
// elements whose quoted values may escape ']' and '"'.
func sdEnd(s string) int {
	i := 0
	for i < len(s) && s[i] == '[' {
		inQuote := false
		for i++; i < len(s); i++ {
			switch c := s[i]; {
			case c == '\\' && inQuote:
				i++
			case c == '"':
				inQuote = !inQuote
			case c == ']' && !inQuote:
				goto next
			}
		}
		return len(s)
	next:
		i++
	}
	return i
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi reads a short run of digits (callers check them).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 18; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
