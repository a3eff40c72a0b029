package k8saudit

import (
	"strings"
	"time"
)

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
