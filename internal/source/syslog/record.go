package syslog

import (
	"fmt"
	"sync"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/auditd"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// RecordName names the JSON log type of Record.
const RecordName = "syslog-table"

// Record returns the JSON log type of Azure Monitor / Microsoft Sentinel
// Syslog rows: {"Type":"Syslog", "Computer", "HostName", "ProcessName",
// "ProcessID", "Facility", "SeverityLevel", "EventTime", "TimeGenerated",
// "SyslogMessage", ...}. The message is read as a syslog line's would be:
// Sysmon for Linux XML goes to n, audit records (auoms, audispd) are
// normalized one row at a time (auoms rows are whole events; a row holding
// one kernel record of a multi-record event becomes an event with a note),
// other programs are parsed as in Format. The row's host is HostName, else
// Computer; its time is EventTime, else TimeGenerated, unless the message
// has its own (Sysmon TimeCreated, the audit stamp).
//
// Normalize is safe for concurrent use: the process table shared by audit
// rows sits behind a mutex.
func Record(p *event.Principals, n *winevent.Normalizer, cfg Config) source.RecordFormat {
	var mu sync.Mutex
	d := newDecoder(p, n, cfg)
	return source.RecordFormat{
		Name: RecordName,
		Match: func(r *jsonrec.Record) bool {
			if !r.Has("SyslogMessage") {
				return false
			}
			return r.Value("Type") == "Syslog" || r.Has("Facility") || r.Has("ProcessName")
		},
		Normalize: func(r *jsonrec.Record, ev *event.Event) error {
			mu.Lock()
			defer mu.Unlock()
			return d.row(r, ev)
		},
	}
}

func (d *decoder) row(r *jsonrec.Record, ev *event.Event) error {
	h := Header{
		Priority: -1,
		Host:     r.Value("HostName"),
		Program:  r.Value("ProcessName"),
		PID:      r.Value("ProcessID"),
		Message:  r.Value("SyslogMessage"),
	}
	if h.Host == "" {
		h.Host = r.Value("Computer")
	}
	for _, k := range [...]string{"EventTime", "TimeGenerated"} {
		if v := r.Value(k); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return fmt.Errorf("decoding %s %q: %w", k, v, err)
			}
			h.Time = t.UTC()
			break
		}
	}
	src := ev.Source
	d.dup = 0
	var err error
	if isSysmon(h.Message) {
		var out *event.Event
		if out, err = d.sysmon(&h, r.Raw, src); err == nil {
			*ev = *out
			return nil
		}
	} else if i := auditd.Locate(h.Message); i >= 0 {
		// Audit rows arrive one record each: each is normalized alone.
		var out *event.Event
		if out, err = d.asm.Single(h.Message[i:], h.Host, src); err == nil {
			*ev = *out
			return nil
		}
		err = fmt.Errorf("decoding audit record: %w", err)
	}
	out := d.plain(&h, r.Raw, src)
	if err != nil {
		out.Notes = append(out.Notes, "kept as a plain message: "+err.Error())
	}
	if f := r.Value("Facility"); f != "" {
		out.Fields = append(out.Fields, event.Field{Key: "facility", Value: f})
	}
	if s := r.Value("SeverityLevel"); s != "" {
		out.Fields = append(out.Fields, event.Field{Key: "severity", Value: s})
	}
	*ev = *out
	return nil
}
