// Package timestamp reads the record times of the JSON-family readers: RFC
// 3339 with any fraction, the SIEM renderings of it ("2022-03-22
// 14:21:53.225", with or without a zone), and epoch numbers. Every reader
// states which forms it accepts, so that what one log type takes as a time
// is not widened by another's needs.
package timestamp

import (
	"strconv"
	"strings"
	"time"
)

// Forms is a set of accepted time forms. Fractional seconds of any length,
// written with '.' or ',', are accepted in every date-and-time form.
type Forms uint8

const (
	// RFC3339 is "2006-01-02T15:04:05[.f](Z|±hh:mm)".
	RFC3339 Forms = 1 << iota
	// NoZone is "2006-01-02T15:04:05[.f]" without a zone, read as UTC.
	NoZone
	// Space is "2006-01-02 15:04:05[.f]" without a zone, read as UTC.
	Space
	// SpaceZone is "2006-01-02 15:04:05[.f](Z|±hh:mm)".
	SpaceZone
	// Epoch is a decimal number of seconds, milliseconds, microseconds or
	// nanoseconds since 1970, told apart by magnitude (see ParseEpoch).
	Epoch
)

// SIEM is what SIEM exports of cloud logs write: RFC 3339 and the same
// with a space for "T", each with or without a zone.
const SIEM = RFC3339 | NoZone | Space | SpaceZone

// Parse reads s, with surrounding white space trimmed, in any of the SIEM
// forms. The time returned is in UTC.
func Parse(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < len("2006-01-02T15:04:05") {
		return time.Time{}, false
	}
	return ParseAs(s, SIEM)
}

// ParseAs reads s, as it is, in any of forms. The time returned is in UTC.
func ParseAs(s string, forms Forms) (time.Time, bool) {
	if forms&Epoch != 0 {
		if t, ok := ParseEpoch(s); ok {
			return t, true
		}
	}
	if len(s) <= len("2006-01-02") {
		return time.Time{}, false
	}
	// A zone is a final Z or an offset after the seconds (the hour may
	// have one digit: "2006-01-02 1:04:05").
	last := s[len(s)-1]
	zoned := last == 'Z' || last == 'z' || strings.ContainsAny(s[min(19, len(s)):], "+-")
	var layout string
	var form Forms
	switch {
	case s[10] == 'T' && zoned:
		layout, form = time.RFC3339Nano, RFC3339
	case s[10] == 'T':
		layout, form = "2006-01-02T15:04:05", NoZone
	case zoned:
		layout, form = "2006-01-02 15:04:05Z07:00", SpaceZone
	default:
		layout, form = "2006-01-02 15:04:05", Space
	}
	if forms&form == 0 {
		return time.Time{}, false
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// ParseEpoch reads a decimal number as a time since 1970: above 1e17 it is
// nanoseconds, above 1e14 microseconds, above 1e11 milliseconds, else
// seconds with any fraction. The time returned is in UTC.
func ParseEpoch(s string) (time.Time, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, false
	}
	switch {
	case f > 1e17:
		return time.Unix(0, int64(f)).UTC(), true
	case f > 1e14:
		return time.UnixMicro(int64(f)).UTC(), true
	case f > 1e11:
		return time.UnixMilli(int64(f)).UTC(), true
	default:
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), true
	}
}
