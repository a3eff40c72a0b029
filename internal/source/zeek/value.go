package zeek

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Values are rendered the same way whichever encoding they came from:
//
//   - time, interval and double values as decimal seconds with exactly six
//     fraction digits ("1521911799.739898"), as Zeek's TSV writer does; JSON
//     epoch floats ("1588205199.82437", "0.0") and ISO 8601 strings
//     ("2018-03-24T17:16:39.739898Z") are converted to that form;
//   - booleans as "true" / "false" (TSV writes T / F);
//   - strings unescaped; bytes that Zeek's JSON writer renders as a literal
//     "\xHH" text (control characters other than \b \t \n \f \r, DEL, and
//     bytes that are not valid UTF-8) are kept as that text, so that both
//     encodings give the same string.

// canonFloat renders a decimal number with six fraction digits. ok is false
// when s is not a number.
func canonFloat(s string) (string, bool) {
	if s == "" {
		return s, false
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == intStart {
		return s, false
	}
	if i == len(s) { // integer
		return s + ".000000", true
	}
	if s[i] == '.' {
		fracStart := i + 1
		j := fracStart
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == len(s) && j > fracStart {
			switch n := j - fracStart; {
			case n == 6:
				return s, true
			case n < 6:
				return s + "000000"[:6-n], true
			}
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s, false
	}
	return strconv.FormatFloat(f, 'f', 6, 64), true
}

// isoTime converts an ISO 8601 / RFC 3339 time to canonical epoch seconds.
func isoTime(s string) (string, bool) {
	// Cheap shape test before parsing: "2006-01-02T15:04:05".
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' {
		return s, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s, false
	}
	return epochString(t), true
}

// epochString renders t as epoch seconds with microseconds.
func epochString(t time.Time) string {
	us := t.Round(time.Microsecond).UnixMicro()
	neg := us < 0
	if neg {
		us = -us
	}
	frac := strconv.FormatInt(us%1e6, 10)
	s := strconv.FormatInt(us/1e6, 10) + "." + "000000"[:6-len(frac)] + frac
	if neg {
		s = "-" + s
	}
	return s
}

// parseEpoch reads canonical epoch seconds ("1521911799.739898") as a time.
func parseEpoch(s string) (time.Time, bool) {
	c, ok := canonFloat(s)
	if !ok {
		return time.Time{}, false
	}
	dot := strings.IndexByte(c, '.')
	sec, err := strconv.ParseInt(c[:dot], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	us, err := strconv.ParseInt(c[dot+1:], 10, 64)
	if err != nil || us < 0 {
		return time.Time{}, false
	}
	if c[0] == '-' {
		us = -us
	}
	return time.Unix(sec, us*1000).UTC(), true
}

// unescapeTSV decodes Zeek's TSV escapes ("\\" and "\xHH") and renders the
// result as Zeek's JSON writer would (see the package rules above).
func unescapeTSV(s string) string {
	if strings.IndexByte(s, '\\') < 0 && printable(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			if s[i+1] == '\\' {
				b = append(b, '\\')
				i++
				continue
			}
			if s[i+1] == 'x' && i+3 < len(s) {
				if v, ok := unhex(s[i+2], s[i+3]); ok {
					b = append(b, v)
					i += 3
					continue
				}
			}
		}
		b = append(b, c)
	}
	return jsonRender(b)
}

// printable reports whether s needs no rendering: valid UTF-8 without the
// control bytes that are shown as \xHH.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return utf8.ValidString(s[i:]) && !hasHiddenControl(s[i:])
		}
		if hiddenControl(c) {
			return false
		}
	}
	return true
}

func hasHiddenControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if hiddenControl(s[i]) {
			return true
		}
	}
	return false
}

// hiddenControl are the bytes Zeek's JSON writer shows as "\xHH" text.
func hiddenControl(c byte) bool {
	switch c {
	case '\b', '\t', '\n', '\f', '\r':
		return false
	}
	return c < 0x20 || c == 0x7f
}

// jsonRender shows hidden control bytes and invalid UTF-8 as "\xHH".
func jsonRender(b []byte) string {
	if utf8.Valid(b) && !hasHiddenControl(string(b)) {
		return string(b)
	}
	const hexdig = "0123456789abcdef"
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if hiddenControl(c) {
				out = append(out, '\\', 'x', hexdig[c>>4], hexdig[c&15])
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			out = append(out, '\\', 'x', hexdig[c>>4], hexdig[c&15])
			i++
			continue
		}
		out = append(out, b[i:i+n]...)
		i += n
	}
	return string(out)
}

func unhex(a, b byte) (byte, bool) {
	x, ok1 := hexval(a)
	y, ok2 := hexval(b)
	return x<<4 | y, ok1 && ok2
}

func hexval(c byte) (byte, bool) {
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
