package winevent

import (
	"strconv"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Normalizer turns Records into events. It is safe for concurrent use.
type Normalizer struct {
	// Principals resolves account names; nil means the zero value (no
	// domain map).
	Principals *event.Principals
}

// timeLayout is how times are written into fields and entity ids: UTC with
// microseconds, the precision every Windows encoding keeps.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Event returns the normalized event of rec read from src.
//
// The event id is a hash of computer, channel (case-folded) and record id,
// so an EVTX record and its JSON renderings get the same id. When the
// encoding lost the record id (rec.RecordID == 0) the id is left zero and
// the caller hashes the raw record instead.
//
// The time is truncated to microseconds: EVTX keeps 100 ns ticks but the
// JSON renderings keep at most microseconds, and the same record must give
// the same event whichever way it was read.
func (n *Normalizer) Event(rec *Record, src event.Source) *event.Event {
	ev := new(event.Event)
	n.Fill(rec, src, ev)
	return ev
}

// Fill is Event writing into ev, which it overwrites whole; readers that
// receive the event to fill (source.RecordFormat) save an allocation.
func (n *Normalizer) Fill(rec *Record, src event.Source, ev *event.Event) {
	*ev = event.Event{
		Time:   rec.Time.UTC().Truncate(time.Microsecond),
		Source: src,
		Class:  event.ClassOther,
		Refs:   make([]event.Ref, 0, 8),
	}
	ev.Source.Record = ""
	if rec.RecordID != 0 {
		ev.Source.Record = strconv.FormatUint(rec.RecordID, 10)
		ev.ID = event.NewID("windows", lowerASCII(rec.Computer), lowerASCII(rec.Channel), ev.Source.Record)
	}
	var stamp string
	if !rec.Time.IsZero() {
		stamp = formatTime(ev.Time)
	}
	ev.Fields = rec.fields(stamp)
	if len(rec.Notes) > 0 {
		ev.Notes = append(ev.Notes, rec.Notes...)
	}
	host := event.Host(rec.Computer)
	ev.AddRef(event.RoleHost, host)
	c := ctx{n: n, rec: rec, ev: ev, host: host, kind: kindOf(rec), stamp: stamp, unix: linux(rec)}
	if sp, ok := specs[specKey{c.kind, rec.EventID}]; ok {
		c.apply(sp)
	}
	if ev.Outcome == event.OutcomeUnknown {
		ev.Outcome = keywordsOutcome(rec.Keywords)
	}
	if c.kind == logSysmon {
		ev.Notes = utcTimeNote(rec, ev.Time, stamp, ev.Notes)
	}
}

// maxClockGap is how far Sysmon's own UtcTime may be from the record's time
// before the event says so. The two normally differ by milliseconds.
const maxClockGap = 2 * time.Minute

// utcTimeNote flags a Sysmon UtcTime that disagrees with the record's system
// time (in OTRF's LSASS campaign 01 by +19 h, and by -5 days for event ids 3
// and 22). The record's time stays the event time; UtcTime stays a field.
func utcTimeNote(rec *Record, at time.Time, stamp string, notes []string) []string {
	v := rec.Value("UtcTime")
	if v == "" || at.IsZero() {
		return notes
	}
	if len(v) >= 16 && len(stamp) >= 16 && v[:10] == stamp[:10] && v[11:16] == stamp[11:16] {
		return notes // same minute: the common case, without parsing
	}
	u, err := time.Parse("2006-01-02 15:04:05.999999999", v)
	if err != nil {
		if u, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return notes
		}
	}
	gap := u.Sub(at)
	if gap < maxClockGap && gap > -maxClockGap {
		return notes
	}
	return append(notes, "Sysmon UtcTime "+v+" disagrees with the record time by "+gap.Round(time.Second).String())
}

// fields lists the System values under the names Sigma rules use, then Data,
// then what the collector added. stamp is the formatted time.
func (rec *Record) fields(stamp string) []event.Field {
	f := make([]event.Field, 0, 13+len(rec.Data)+len(rec.Extra))
	add := func(k, v string) {
		if v != "" {
			f = append(f, event.Field{Key: k, Value: v})
		}
	}
	add("EventID", strconv.Itoa(rec.EventID))
	add("Provider_Name", rec.Provider)
	add("Channel", rec.Channel)
	add("Computer", rec.Computer)
	if rec.RecordID != 0 {
		add("EventRecordID", strconv.FormatUint(rec.RecordID, 10))
	}
	add("TimeCreated", stamp)
	add("Level", rec.Level)
	add("Task", rec.Task)
	add("Opcode", rec.Opcode)
	add("Keywords", rec.Keywords)
	add("ProcessID", rec.ProcessID)
	add("ThreadID", rec.ThreadID)
	add("UserID", rec.UserID)
	f = append(f, rec.Data...)
	return append(f, rec.Extra...)
}

// Get returns the first Data value named key.
func (rec *Record) Get(key string) (string, bool) {
	for i := range rec.Data {
		if rec.Data[i].Key == key {
			return rec.Data[i].Value, true
		}
	}
	return "", false
}

// Value returns the first Data value named key, or "".
func (rec *Record) Value(key string) string {
	v, _ := rec.Get(key)
	return v
}

// keywordsOutcome reads the audit success and failure bits of System/Keywords,
// written as hex ("0x8020000000000000"), as a signed or unsigned decimal, or
// as the names Winlogbeat uses ("Audit Success").
func keywordsOutcome(kw string) event.Outcome {
	if kw == "" {
		return event.OutcomeUnknown
	}
	const (
		auditFailure = 0x0010000000000000
		auditSuccess = 0x0020000000000000
	)
	var bits uint64
	var err error
	switch {
	case len(kw) > 2 && kw[0] == '0' && (kw[1] == 'x' || kw[1] == 'X'):
		bits, err = strconv.ParseUint(kw[2:], 16, 64)
	case kw[0] == '-':
		var v int64
		v, err = strconv.ParseInt(kw, 10, 64)
		bits = uint64(v)
	default:
		bits, err = strconv.ParseUint(kw, 10, 64)
	}
	if err != nil {
		switch {
		case containsFold(kw, "audit failure"):
			return event.OutcomeFailure
		case containsFold(kw, "audit success"):
			return event.OutcomeSuccess
		}
		return event.OutcomeUnknown
	}
	switch {
	case bits&auditFailure != 0:
		return event.OutcomeFailure
	case bits&auditSuccess != 0:
		return event.OutcomeSuccess
	}
	return event.OutcomeUnknown
}

// formatTime writes t in UTC as timeLayout does, without time.Format's
// general machinery (it runs for every event).
func formatTime(t time.Time) string {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return t.Format(timeLayout)
	}
	var b [27]byte
	put := func(i, v, n int) {
		for j := i + n - 1; j >= i; j-- {
			b[j] = byte('0' + v%10)
			v /= 10
		}
	}
	yy, mo, dd := t.Date()
	hh, mi, ss := t.Clock()
	put(0, yy, 4)
	b[4] = '-'
	put(5, int(mo), 2)
	b[7] = '-'
	put(8, dd, 2)
	b[10] = 'T'
	put(11, hh, 2)
	b[13] = ':'
	put(14, mi, 2)
	b[16] = ':'
	put(17, ss, 2)
	b[19] = '.'
	put(20, t.Nanosecond()/1000, 6)
	b[26] = 'Z'
	return string(b[:])
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// containsFold reports whether s contains the lower-case ASCII word sub,
// ignoring ASCII case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for ; j < len(sub); j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}
