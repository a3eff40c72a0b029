package timestamp

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

func TestParseAs(t *testing.T) {
	utc := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t.UTC()
	}
	const all = SIEM | Epoch
	tests := []struct {
		in    string
		forms Forms
		want  string // RFC 3339 in UTC; "" when rejected
	}{
		{"2022-03-22T14:21:53Z", RFC3339, "2022-03-22T14:21:53Z"},
		{"2022-03-22T14:21:53.123456789Z", RFC3339, "2022-03-22T14:21:53.123456789Z"},
		{"2022-03-22T14:21:53.1234567Z", RFC3339, "2022-03-22T14:21:53.1234567Z"},
		{"2022-03-22T14:21:53,5Z", RFC3339, "2022-03-22T14:21:53.5Z"},
		{"2022-03-22T16:21:53+02:00", RFC3339, "2022-03-22T14:21:53Z"},
		{"2022-03-22T09:21:53.25-05:00", RFC3339, "2022-03-22T14:21:53.25Z"},
		{"2022-03-22T14:21:53", RFC3339, ""},
		{"2022-03-22T14:21:53", NoZone, "2022-03-22T14:21:53Z"},
		{"2022-03-22T14:21:53.7", NoZone, "2022-03-22T14:21:53.7Z"},
		{"2022-03-22T14:21:53Z", NoZone, ""},
		{"2022-03-22 14:21:53.225", Space, "2022-03-22T14:21:53.225Z"},
		{"2022-03-22 14:21:53", Space, "2022-03-22T14:21:53Z"},
		{"2022-03-22 14:21:53.225", RFC3339, ""},
		{"2022-03-22 14:21:53Z", Space, ""},
		{"2022-03-22 14:21:53Z", SpaceZone, "2022-03-22T14:21:53Z"},
		{"2022-03-22 16:21:53.5+02:00", SpaceZone, "2022-03-22T14:21:53.5Z"},
		{"2022-03-22t14:21:53Z", all, ""},
		{"2022-03-22T14:21:53z", all, ""},
		{"2022-03-22", all, ""},
		{"", all, ""},
		{" 2022-03-22T14:21:53Z", all, ""},
		{"2022-13-22T14:21:53Z", all, ""},
		{"1648000000", Epoch, "2022-03-23T01:46:40Z"},
		{"1648000000.5", Epoch, "2022-03-23T01:46:40.5Z"},
		{"1648000000123", Epoch, "2022-03-23T01:46:40.123Z"},
		{"1648000000123456", Epoch, "2022-03-23T01:46:40.123456Z"},
		{"1648000000123456768", Epoch, "2022-03-23T01:46:40.123456768Z"},
		{"1648000000", SIEM, ""},
		{"abc", all, ""},
	}
	for _, tt := range tests {
		got, ok := ParseAs(tt.in, tt.forms)
		if tt.want == "" {
			if ok {
				t.Errorf("ParseAs(%q, %b) = %v, want rejected", tt.in, tt.forms, got)
			}
			continue
		}
		if !ok || !got.Equal(utc(tt.want)) || got.Location() != time.UTC {
			t.Errorf("ParseAs(%q, %b) = %v, %v; want %s", tt.in, tt.forms, got, ok, tt.want)
		}
	}
}

// TestParse holds the cases of the SIEM readers (Okta, Entra, M365,
// Kubernetes audit, Defender) from before they shared this package.
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339 in UTC, "" for a failure
	}{
		{"2024-05-02T18:46:21.121Z", "2024-05-02T18:46:21.121Z"},
		{"2024-05-02T20:46:21.121+02:00", "2024-05-02T18:46:21.121Z"},
		{"2022-03-22 14:21:53.225", "2022-03-22T14:21:53.225Z"},
		{"2020-11-25 21:27:03.496000000", "2020-11-25T21:27:03.496Z"},
		{"2021-08-02T13:32:07", "2021-08-02T13:32:07Z"},
		{"2021-08-02T13:32:07.0000000Z", "2021-08-02T13:32:07Z"},
		{"redacted", ""},
		{"2021-13-02T13:32:07Z", ""},
		{"", ""},
	} {
		got, ok := Parse(tc.in)
		s := ""
		if ok {
			s = got.Format(time.RFC3339Nano)
		}
		if s != tc.want {
			t.Errorf("Parse(%q) = %q, want %q", tc.in, s, tc.want)
		}
	}
}

func TestParseTrims(t *testing.T) {
	for _, s := range []string{" 2022-03-22T14:21:53Z", "2022-03-22 14:21:53\n", "\t2022-03-22T14:21:53"} {
		got, ok := Parse(s)
		if !ok || !got.Equal(time.Date(2022, 3, 22, 14, 21, 53, 0, time.UTC)) {
			t.Errorf("Parse(%q) = %v, %v", s, got, ok)
		}
	}
}

// The readers' parsers before they shared this package, kept as oracles:
// each reader's forms must accept exactly what its own parser did.

func oracleSIEM(s string) (time.Time, bool) {
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

func oracleGCP(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse("2006-01-02 15:04:05.999999999", s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

func oracleOCSF(ms string) (time.Time, bool) {
	if ms == "" {
		return time.Time{}, false
	}
	if f, err := strconv.ParseFloat(ms, 64); err == nil {
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
	if t, err := time.Parse(time.RFC3339Nano, ms); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse("2006-01-02 15:04:05.999999999", ms); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// readers pairs each reader's forms with its former parser.
var readers = []struct {
	name   string
	parse  func(string) (time.Time, bool)
	oracle func(string) (time.Time, bool)
}{
	{"siem", Parse, oracleSIEM},
	{"gcpaudit", func(s string) (time.Time, bool) { return ParseAs(s, RFC3339|Space) }, oracleGCP},
	{"ocsf", func(s string) (time.Time, bool) { return ParseAs(s, Epoch|RFC3339|Space) }, oracleOCSF},
}

var seeds = []string{
	"2022-03-22T14:21:53Z", "2022-03-22T14:21:53.225Z", "2022-03-22T14:21:53", "2022-03-22 14:21:53.225",
	"2022-03-22 14:21:53Z", "2022-03-22 14:21:53+01:00", "2022-03-22 14:21:53z", " 2022-03-22T14:21:53Z ",
	"2022-03-22T14:21:53-0500", "2022-03-22T14:21:53,5Z", "0000-01-01 0:00:00", "0000-01-01  0:00:00", "1648000000", "1648000000123", "1.5e9", "NaN", "",
}

func TestSameAsOracles(t *testing.T) {
	for _, r := range readers {
		for _, s := range seeds {
			checkSame(t, r.name, r.parse, r.oracle, s)
		}
	}
}

func checkSame(t *testing.T, name string, parse, oracle func(string) (time.Time, bool), s string) {
	t.Helper()
	got, ok := parse(s)
	want, wok := oracle(s)
	if ok != wok || !got.Equal(want) || (ok && got.Location() != want.Location()) {
		t.Errorf("%s %q: got %v, %v; the reader's own parser gave %v, %v", name, s, got, ok, want, wok)
	}
}

// FuzzParse checks that every reader's forms accept exactly what its own
// parser did, with the same time.
func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range readers {
			checkSame(t, r.name, r.parse, r.oracle, s)
		}
	})
}

func TestSetTime(t *testing.T) {
	long := strings.Repeat("x", 70)
	tests := []struct {
		times []string
		want  string
		notes []string
	}{
		{[]string{"2022-03-22T14:21:53Z", "2023-01-01T00:00:00Z"}, "2022-03-22T14:21:53Z", nil},
		{[]string{"", "2023-01-01 00:00:00"}, "2023-01-01T00:00:00Z", nil},
		{[]string{"yesterday", "2023-01-01T00:00:00Z"}, "2023-01-01T00:00:00Z", []string{`unparsable time "yesterday"`}},
		{[]string{long}, "", []string{`unparsable time "` + long[:64] + `..."`, "no record time"}},
		{[]string{"", ""}, "", []string{"no record time"}},
	}
	for _, tt := range tests {
		var ev event.Event
		SetTime(&ev, tt.times...)
		got := ""
		if !ev.Time.IsZero() {
			got = ev.Time.Format(time.RFC3339Nano)
		}
		if got != tt.want || !reflect.DeepEqual(ev.Notes, tt.notes) {
			t.Errorf("SetTime(%q): time %q notes %q; want %q %q", tt.times, got, ev.Notes, tt.want, tt.notes)
		}
	}
}
