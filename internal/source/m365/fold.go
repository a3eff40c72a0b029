package m365

import (
	"strings"
	"time"
)

// keyBuf lowercases keys without allocating, so that Normalize can accept
// exports that changed the case of the source's keys.
type keyBuf [128]byte

// lower returns key in lower case (ASCII), or nil when it is too long to
// be a key this package looks at.
func (b *keyBuf) lower(key string) []byte {
	if len(key) > len(b) {
		return nil
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b[:len(key)]
}

// parseTime reads a timestamp in RFC 3339 or in the SIEM rendering without
// "T" and zone ("2022-03-22 14:21:53.225"); values without a zone are UTC.
// Fractional seconds of any length are accepted.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 19 {
		return time.Time{}, false
	}
	last := s[len(s)-1]
	zoned := last == 'Z' || last == 'z' || strings.ContainsAny(s[19:], "+-")
	var layout string
	switch {
	case s[10] == 'T' && zoned:
		layout = time.RFC3339Nano
	case s[10] == 'T':
		layout = "2006-01-02T15:04:05"
	case zoned:
		layout = "2006-01-02 15:04:05Z07:00"
	default:
		layout = "2006-01-02 15:04:05"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}
