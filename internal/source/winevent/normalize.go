package winevent

import (
	"strconv"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Normalizer turns Records into events. It is safe for concurrent use.
type Normalizer struct {
	Principals *event.Principals
}

// Event returns the normalized event of rec read from src. The event id is a
// hash of computer, channel (case-folded) and record id, so an EVTX record
// and its JSON rendering get the same id.
func (n *Normalizer) Event(rec *Record, src event.Source) *event.Event {
	ev := &event.Event{
		Time:   rec.Time.UTC(),
		Source: src,
		Class:  event.ClassOther,
	}
	ev.Source.Record = strconv.FormatUint(rec.RecordID, 10)
	ev.ID = event.NewID("windows", lowerASCII(rec.Computer), lowerASCII(rec.Channel), ev.Source.Record)
	ev.Fields = rec.fields()
	host := event.Host(rec.Computer)
	ev.AddRef(event.RoleHost, host)
	return ev
}

// fields lists the System values under the names Sigma rules use, then Data.
func (rec *Record) fields() []event.Field {
	f := make([]event.Field, 0, 12+len(rec.Data))
	add := func(k, v string) {
		if v != "" {
			f = append(f, event.Field{Key: k, Value: v})
		}
	}
	add("EventID", strconv.Itoa(rec.EventID))
	add("Provider_Name", rec.Provider)
	add("Channel", rec.Channel)
	add("Computer", rec.Computer)
	add("EventRecordID", strconv.FormatUint(rec.RecordID, 10))
	if !rec.Time.IsZero() {
		add("TimeCreated", rec.Time.UTC().Format("2006-01-02T15:04:05.000000Z"))
	}
	add("Level", rec.Level)
	add("Task", rec.Task)
	add("Opcode", rec.Opcode)
	add("Keywords", rec.Keywords)
	add("ProcessID", rec.ProcessID)
	add("ThreadID", rec.ThreadID)
	add("UserID", rec.UserID)
	return append(f, rec.Data...)
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
