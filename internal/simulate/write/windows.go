package write

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Windows event channels the simulator writes.
const (
	ChannelSysmon   = "Microsoft-Windows-Sysmon/Operational"
	ChannelSecurity = "Security"
)

// WinEvent is one Windows event. The writer adds what the event log itself
// assigns: the provider, the record id and the System attributes.
type WinEvent struct {
	Time     time.Time
	Computer string // FQDN, as Windows writes it
	Channel  string // ChannelSysmon or ChannelSecurity
	EventID  int
	Version  int
	Task     int
	Keywords string
	// ProcessID and ThreadID are the logging process (System/Execution).
	ProcessID, ThreadID int
	// ActivityID is the Security log's Correlation ActivityID.
	ActivityID string
	Data       []Member // EventData, in the schema's order
}

// provider is the System/Provider of a channel.
type provider struct{ name, guid string }

var providers = map[string]provider{
	ChannelSysmon:   {"Microsoft-Windows-Sysmon", "5770385F-C22A-43E0-BF4C-06F5698FFBD9"},
	ChannelSecurity: {"Microsoft-Windows-Security-Auditing", "54849625-5478-4994-A5BA-3E3B0328C30D"},
}

// Windows writes Windows events as evtx_dump renders them (one JSON object
// per line, `evtx_dump -o jsonl`), one file series per computer and channel
// under dir/<host>/, named after the channel's .evtx file and rotated at
// maxBytes.
type Windows struct {
	dir      string
	maxBytes int64
	st       *Stats
	logs     map[string]*winLog
	buf      []byte
}

type winLog struct {
	host, channel string
	out           *file
	seq           int
	recordID      uint64
}

// NewWindows returns a writer into dir.
func NewWindows(dir string, maxBytes int64, st *Stats) *Windows {
	return &Windows{dir: dir, maxBytes: maxBytes, st: st, logs: map[string]*winLog{}}
}

// Write appends e to its computer's log of e.Channel and gives it the
// log's next record id.
func (w *Windows) Write(e *WinEvent) error {
	p, ok := providers[e.Channel]
	if !ok {
		return fmt.Errorf("writing Windows event: unknown channel %q", e.Channel)
	}
	host := shortHost(e.Computer)
	key := host + "\x00" + e.Channel
	l := w.logs[key]
	if l == nil {
		l = &winLog{host: host, channel: e.Channel, recordID: firstRecordID(key)}
		w.logs[key] = l
	}
	l.recordID++
	w.buf = appendWinEvent(w.buf[:0], e, p, l.recordID)
	if l.out != nil && l.out.n+int64(len(w.buf)) > w.maxBytes {
		if err := l.out.close(w.st); err != nil {
			return err
		}
		l.out = nil
	}
	if l.out == nil {
		l.seq++
		name := fmt.Sprintf("%s-%04d.json", strings.ReplaceAll(l.channel, "/", "%4"), l.seq)
		out, err := create(filepath.Join(w.dir, l.host, name), false)
		if err != nil {
			return err
		}
		l.out = out
	}
	return l.out.write(w.buf)
}

// Close closes every open file.
func (w *Windows) Close() error {
	var first error
	for _, l := range w.logs {
		if l.out == nil {
			continue
		}
		if err := l.out.close(w.st); err != nil && first == nil {
			first = err
		}
		l.out = nil
	}
	return first
}

// firstRecordID starts each log at its own record number, as logs on real
// hosts are at different points of their lives.
func firstRecordID(key string) uint64 {
	h := fnv.New32a()
	h.Write([]byte(key))
	return 10000 + uint64(h.Sum32()%900000)
}

func shortHost(fqdn string) string {
	h, _, _ := strings.Cut(fqdn, ".")
	return strings.ToLower(h)
}

func appendWinEvent(b []byte, e *WinEvent, p provider, recordID uint64) []byte {
	b = append(b, `{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{"Provider":{"#attributes":{"Name":`...)
	b = AppendString(b, p.name)
	b = append(b, `,"Guid":`...)
	b = AppendString(b, p.guid)
	b = append(b, `}},"EventID":`...)
	b = strconv.AppendInt(b, int64(e.EventID), 10)
	b = append(b, `,"Version":`...)
	b = strconv.AppendInt(b, int64(e.Version), 10)
	b = append(b, `,"Level":`...)
	b = strconv.AppendInt(b, int64(winLevel(e.Channel)), 10)
	b = append(b, `,"Task":`...)
	b = strconv.AppendInt(b, int64(e.Task), 10)
	b = append(b, `,"Opcode":0,"Keywords":`...)
	b = AppendString(b, e.Keywords)
	b = append(b, `,"TimeCreated":{"#attributes":{"SystemTime":"`...)
	b = e.Time.UTC().AppendFormat(b, "2006-01-02T15:04:05.000000Z")
	b = append(b, `"}},"EventRecordID":`...)
	b = strconv.AppendUint(b, recordID, 10)
	if e.ActivityID != "" {
		b = append(b, `,"Correlation":{"#attributes":{"ActivityID":`...)
		b = AppendString(b, e.ActivityID)
		b = append(b, `}}`...)
	} else {
		b = append(b, `,"Correlation":null`...)
	}
	b = append(b, `,"Execution":{"#attributes":{"ProcessID":`...)
	b = strconv.AppendInt(b, int64(e.ProcessID), 10)
	b = append(b, `,"ThreadID":`...)
	b = strconv.AppendInt(b, int64(e.ThreadID), 10)
	b = append(b, `}},"Channel":`...)
	b = AppendString(b, e.Channel)
	b = append(b, `,"Computer":`...)
	b = AppendString(b, e.Computer)
	if e.Channel == ChannelSecurity {
		b = append(b, `,"Security":null},"EventData":`...)
	} else {
		b = append(b, `,"Security":{"#attributes":{"UserID":"S-1-5-18"}}},"EventData":`...)
	}
	b = Obj(e.Data...).Append(b)
	return append(b, "}}\n"...)
}
