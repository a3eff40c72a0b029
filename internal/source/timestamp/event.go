package timestamp

import "github.com/causeway-soc/causeway/internal/model/event"

// SetTime sets ev.Time from the first of times that is not empty and
// parses (see Parse). Each one before it that does not parse is noted as
// unparsable, and a record left without a time is noted so.
func SetTime(ev *event.Event, times ...string) {
	for _, s := range times {
		if s == "" {
			continue
		}
		if t, ok := Parse(s); ok {
			ev.Time = t
			return
		}
		ev.Notes = append(ev.Notes, "unparsable time "+Quote(s))
	}
	if ev.Time.IsZero() {
		ev.Notes = append(ev.Notes, "no record time")
	}
}

// Quote quotes s for a note, cut to 64 bytes.
func Quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return `"` + s + `"`
}
