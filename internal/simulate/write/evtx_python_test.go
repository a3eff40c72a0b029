package write

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEVTXPythonEvtx reads written files with python-evtx (Debian's
// python3-evtx), a parser written from the format's documentation apart
// from this project: evtx_info.py must pass every checksum and
// evtx_dump.py must render every record with the values written, in its
// own renderings (GUIDs in braces, zero-padded hex, True/False).
func TestEVTXPythonEvtx(t *testing.T) {
	dump, err := exec.LookPath("evtx_dump.py")
	if err != nil {
		t.Skip("evtx_dump.py not on PATH (apt-get install python3-evtx)")
	}
	events := sampleEvents(600)
	dir, _ := writeEVTX(t, events, evtxHeaderSize+3*evtxChunkSize)
	files := evtxFiles(t, dir)
	if info, err := exec.LookPath("evtx_info.py"); err == nil {
		out, err := exec.Command(info, files[0]).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("Check sum       : pass")) || bytes.Contains(out, []byte("fail")) ||
			!bytes.Contains(out, []byte("File is         : clean")) {
			t.Errorf("evtx_info.py %s (%v):\n%s", files[0], err, out)
		}
	}
	written := map[string]*WinEvent{} // computer/channel/record id
	ids := map[string]uint64{}
	for _, e := range events {
		key := e.Computer + "/" + e.Channel
		if ids[key] == 0 {
			ids[key] = firstRecordID(shortHost(e.Computer) + "\x00" + e.Channel)
		}
		ids[key]++
		written[key+"/"+strconv.FormatUint(ids[key], 10)] = e
	}
	read := 0
	for _, path := range files {
		out, err := exec.Command(dump, path).Output()
		if err != nil {
			t.Fatalf("evtx_dump.py %s: %v", path, err)
		}
		for _, rec := range parsePythonDump(t, out) {
			e := written[rec.Computer+"/"+rec.Channel+"/"+rec.RecordID]
			if e == nil {
				t.Fatalf("%s: evtx_dump.py read record %s/%s/%s, which was not written", path, rec.Computer, rec.Channel, rec.RecordID)
			}
			if d := pythonDiff(rec, e); d != "" {
				t.Fatalf("%s record %s: %s", path, rec.RecordID, d)
			}
			read++
		}
	}
	if read != len(events) {
		t.Errorf("evtx_dump.py read %d records, wrote %d", read, len(events))
	}
}

// pythonEvent is an event as evtx_dump.py renders it.
type pythonEvent struct {
	Provider struct {
		Name string `xml:"Name,attr"`
		GUID string `xml:"Guid,attr"`
	} `xml:"System>Provider"`
	EventID  string `xml:"System>EventID"`
	Version  string `xml:"System>Version"`
	Level    string `xml:"System>Level"`
	Task     string `xml:"System>Task"`
	Keywords string `xml:"System>Keywords"`
	Time     struct {
		SystemTime string `xml:"SystemTime,attr"`
	} `xml:"System>TimeCreated"`
	RecordID    string `xml:"System>EventRecordID"`
	Correlation struct {
		ActivityID string `xml:"ActivityID,attr"`
	} `xml:"System>Correlation"`
	Execution struct {
		ProcessID string `xml:"ProcessID,attr"`
		ThreadID  string `xml:"ThreadID,attr"`
	} `xml:"System>Execution"`
	Channel  string `xml:"System>Channel"`
	Computer string `xml:"System>Computer"`
	Security struct {
		UserID string `xml:"UserID,attr"`
	} `xml:"System>Security"`
	Data []struct {
		Name  string `xml:"Name,attr"`
		Value string `xml:",chardata"`
	} `xml:"EventData>Data"`
}

// parsePythonDump parses evtx_dump.py's output: an XML 1.1 declaration,
// which encoding/xml refuses, then the events inside <Events>.
func parsePythonDump(t *testing.T, out []byte) []pythonEvent {
	t.Helper()
	if i := bytes.Index(out, []byte("?>")); bytes.HasPrefix(out, []byte("<?xml")) && i > 0 {
		out = out[i+2:]
	}
	var doc struct {
		Events []pythonEvent `xml:"Event"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("parsing evtx_dump.py output: %v", err)
	}
	return doc.Events
}

func pythonDiff(rec pythonEvent, e *WinEvent) string {
	p := providers[e.Channel]
	userID := ""
	if e.Channel == ChannelSysmon {
		userID = sysmonUserID
	}
	activity := ""
	if e.ActivityID != "" {
		activity = pythonGUID(e.ActivityID)
	}
	// python-evtx converts FILETIME through a float (its ulp is 16 ticks
	// at these dates): a few microseconds off.
	at, err := time.Parse("2006-01-02 15:04:05.999999", rec.Time.SystemTime)
	if d := at.Sub(e.Time); err != nil || d < -5*time.Microsecond || d > 5*time.Microsecond {
		return fmt.Sprintf("time %q (%v), want %s", rec.Time.SystemTime, err, e.Time)
	}
	for _, c := range [][2]string{
		{rec.Provider.Name, p.name}, {rec.Provider.GUID, pythonGUID(p.guid)},
		{rec.EventID, strconv.Itoa(e.EventID)}, {rec.Version, strconv.Itoa(e.Version)},
		{rec.Level, strconv.Itoa(winLevel(e.Channel))}, {rec.Task, strconv.Itoa(e.Task)},
		{rec.Keywords, e.Keywords}, {rec.Correlation.ActivityID, activity},
		{rec.Execution.ProcessID, strconv.Itoa(e.ProcessID)}, {rec.Execution.ThreadID, strconv.Itoa(e.ThreadID)},
		{rec.Security.UserID, userID},
	} {
		if c[0] != c[1] {
			return fmt.Sprintf("System value %q, want %q", c[0], c[1])
		}
	}
	if len(rec.Data) != len(e.Data) {
		return fmt.Sprintf("%d Data elements, want %d", len(rec.Data), len(e.Data))
	}
	for i, m := range e.Data {
		want := pythonValue(e.Channel, m)
		if got := rec.Data[i]; got.Name != m.Key || got.Value != want {
			return fmt.Sprintf("Data %s=%q, want %s=%q", got.Name, got.Value, m.Key, want)
		}
	}
	return ""
}

// pythonValue renders an EventData value as python-evtx does, for the type
// the writer stores it as; XML parsing turns CR LF into LF.
func pythonValue(channel string, m Member) string {
	b, typ, _ := appendData(nil, m.Val, dataTypes[channel][m.Key])
	switch typ {
	case evtGUID:
		return pythonGUID(m.Val.s)
	case evtHex32:
		return fmt.Sprintf("0x%08x", binary.LittleEndian.Uint32(b))
	case evtHex64:
		return fmt.Sprintf("0x%016x", binary.LittleEndian.Uint64(b))
	case evtBool:
		return map[bool]string{true: "True", false: "False"}[m.Val.n != 0]
	case evtString, evtSID:
		return strings.ReplaceAll(m.Val.s, "\r\n", "\n")
	case evtNull:
		return ""
	}
	return string(m.Val.Append(nil))
}

func pythonGUID(s string) string { return "{" + strings.ToLower(s) + "}" }
