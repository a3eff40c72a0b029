package write

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/evtx"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// sampleEvents returns n events of two hosts and both channels, with every
// kind of value the simulator writes and some it should store as strings.
func sampleEvents(n int) []*WinEvent {
	t0 := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	var out []*WinEvent
	for i := range n {
		host := []string{"WS01.corp.example.com", "DC01.corp.example.com"}[i%2]
		at := t0.Add(time.Duration(i) * 1234567 * time.Microsecond).Add(time.Duration(i%7) * 100)
		guid := fmt.Sprintf("7EEC3D1E-%04X-4195-E584-33CCFCD681AD", i%0x10000)
		var e *WinEvent
		switch i % 5 {
		case 0:
			e = &WinEvent{Channel: ChannelSysmon, EventID: 1, Version: 5, Task: 1, Data: []Member{
				S("RuleName", "-"), S("UtcTime", at.Format("2006-01-02 15:04:05.000")), S("ProcessGuid", guid),
				N("ProcessId", int64(1000+i)), S("Image", `C:\Windows\System32\cmd.exe`),
				S("CommandLine", fmt.Sprintf(`cmd.exe /c echo "<a & b>" 'é 漢字 🙂' %d`, i)),
				S("LogonGuid", "7eec3d1e-0000-0000-0000-000000000000"), // lower case: kept a string
				S("LogonId", "0x3e7"), N("TerminalSessionId", 0), S("Hashes", "")}}
		case 1:
			e = &WinEvent{Channel: ChannelSysmon, EventID: 3, Version: 5, Task: 3, Data: []Member{
				S("ProcessGuid", guid), N("ProcessId", 4), S("Protocol", "tcp"), B("Initiated", i%2 == 0),
				B("SourceIsIpv6", false), S("SourceIp", "10.10.1.13"), N("SourcePort", int64(49152+i%16000)),
				N("DestinationPort", 443), S("GrantedAccess", "0x1FFFFF"), S("Note", "tab\tend  ")}}
		case 2:
			e = &WinEvent{Channel: ChannelSecurity, EventID: 4624, Version: 2, Task: 12544, ActivityID: guid, Data: []Member{
				S("SubjectUserSid", "S-1-5-18"), S("SubjectLogonId", "0x3e7"), S("TargetUserSid", "S-1-5-21-1283452378-1134578975-1000868925-1119"),
				S("TargetLogonId", fmt.Sprintf("0x%x", 0x1357000+i)), N("LogonType", 3), S("LogonProcessName", "Advapi  "),
				S("LogonGuid", "00000000-0000-0000-0000-000000000000"), S("ProcessId", "0x2d8"), S("IpPort", "-"),
				S("AccessList", "%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t")}}
		case 3:
			e = &WinEvent{Channel: ChannelSecurity, EventID: 4697, Version: 1, Task: 12289, Data: []Member{
				S("SubjectUserSid", "S-1-5-018"), S("ServiceType", "0x10"), N("ServiceStartType", 3),
				N("ClientProcessStartKey", 2251799813905869), N("ClientProcessId", 3040), N("Big", 1<<40),
				S("Status", "0x01"), M("Missing", Null())}}
		default:
			e = &WinEvent{Channel: ChannelSecurity, EventID: 5145, Version: 0, Task: 12811, Data: []Member{
				S("SubjectUserSid", "S-1-5-21-1-2-3"), S("AccessMask", "0x120089"), S("ShareName", `\\*\Company`),
				S("RelativeTargetName", fmt.Sprintf(`Finance\Budget %d.xlsx`, i))}}
		}
		e.Time, e.Computer = at, host
		e.ProcessID, e.ThreadID = 612+i%3, 7000+i%100
		e.Keywords = "0x8000000000000000"
		if e.Channel == ChannelSecurity {
			e.Keywords = "0x8020000000000000"
		}
		out = append(out, e)
	}
	return out
}

// writeEVTX writes events with an EVTX writer into a new directory.
func writeEVTX(t *testing.T, events []*WinEvent, maxBytes int64) (string, Stats) {
	t.Helper()
	dir := t.TempDir()
	var st Stats
	w := NewEVTX(dir, maxBytes, &st)
	for _, e := range events {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, st
}

// evtxFiles lists the .evtx files under dir in name order.
func evtxFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.evtx"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no EVTX files under %s (%v)", dir, err)
	}
	slices.Sort(files)
	return files
}

// readEVTX reads files with the project's EVTX reader.
func readEVTX(t *testing.T, files []string) []*event.Event {
	t.Helper()
	f := evtx.Format(&winevent.Normalizer{Principals: &event.Principals{}})
	var sink sourcetest.Sink
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := sourcetest.Run(f, path, data, &sink); err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
	}
	for _, err := range sink.Errs {
		t.Errorf("reading EVTX: %v", err)
	}
	return sink.Events
}

// rendered is a value as the EVTX reader and evtx_dump render it: strings
// without trailing white space, numbers in decimal, null as nothing.
func rendered(v Value) string {
	switch v.kind {
	case kString:
		return strings.TrimRight(v.s, " \t\r\n")
	case kNull:
		return ""
	}
	return string(v.Append(nil))
}

func TestEVTXReadsBack(t *testing.T) {
	events := sampleEvents(3000)
	dir, st := writeEVTX(t, events, evtxHeaderSize+4*evtxChunkSize)
	files := evtxFiles(t, dir)
	if st.Files != len(files) || len(files) < 8 {
		t.Errorf("%d files on disk, stats say %d; want the logs rotated", len(files), st.Files)
	}
	got := readEVTX(t, files)
	byID := map[string]*event.Event{}
	for _, ev := range got {
		byID[ev.Value("Computer")+"/"+ev.Value("Channel")+"/"+ev.Source.Record] = ev
	}
	if len(got) != len(events) || len(byID) != len(events) {
		t.Fatalf("read %d events (%d distinct), wrote %d", len(got), len(byID), len(events))
	}
	ids := map[string]uint64{}
	for i, e := range events {
		key := e.Computer + "/" + e.Channel
		if ids[key] == 0 {
			ids[key] = firstRecordID(shortHost(e.Computer) + "\x00" + e.Channel)
		}
		ids[key]++
		ev := byID[key+"/"+strconv.FormatUint(ids[key], 10)]
		if ev == nil {
			t.Fatalf("event %d (%s record %d) not read back", i, key, ids[key])
		}
		if d := fieldDiff(ev, e); d != "" {
			t.Fatalf("event %d: %s", i, d)
		}
	}
}

// fieldDiff compares what the reader made of a record with the event
// written.
func fieldDiff(ev *event.Event, e *WinEvent) string {
	userID := ""
	if e.Channel == ChannelSysmon {
		userID = sysmonUserID
	}
	want := map[string]string{
		"EventID": strconv.Itoa(e.EventID), "Provider_Name": providers[e.Channel].name, "Level": strconv.Itoa(winLevel(e.Channel)),
		"Task": strconv.Itoa(e.Task), "Opcode": "0", "Keywords": e.Keywords, "ProcessID": strconv.Itoa(e.ProcessID),
		"ThreadID": strconv.Itoa(e.ThreadID), "UserID": userID,
		"TimeCreated": e.Time.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z"),
	}
	for k, v := range want {
		if got := ev.Value(k); got != v {
			return fmt.Sprintf("%s = %q, want %q", k, got, v)
		}
	}
	if !ev.Time.Equal(e.Time.Truncate(time.Microsecond)) {
		return fmt.Sprintf("time %s, want %s", ev.Time, e.Time)
	}
	data := ev.Fields[len(ev.Fields)-len(e.Data):]
	for i, m := range e.Data {
		if data[i].Key != m.Key || data[i].Value != rendered(m.Val) {
			return fmt.Sprintf("field %d %s=%q, want %s=%q", i, data[i].Key, data[i].Value, m.Key, rendered(m.Val))
		}
	}
	return ""
}

// TestEVTXStructure recomputes every checksum and checks the headers,
// record framing and tables of the files written.
func TestEVTXStructure(t *testing.T) {
	dir, _ := writeEVTX(t, sampleEvents(1500), 64<<20)
	for _, path := range evtxFiles(t, dir) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkFile(data); err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
	}
}

func checkFile(data []byte) error {
	le := binary.LittleEndian
	h := data[:evtxHeaderSize]
	n := int(le.Uint16(h[42:]))
	switch {
	case !bytes.HasPrefix(h, []byte("ElfFile\x00")):
		return fmt.Errorf("bad file magic")
	case le.Uint32(h[124:]) != crc32.ChecksumIEEE(h[:120]):
		return fmt.Errorf("file header checksum %08x, computed %08x", le.Uint32(h[124:]), crc32.ChecksumIEEE(h[:120]))
	case len(data) != evtxHeaderSize+n*evtxChunkSize || n == 0:
		return fmt.Errorf("%d bytes for %d chunks", len(data), n)
	case le.Uint64(h[8:]) != 0 || le.Uint64(h[16:]) != uint64(n-1) || le.Uint32(h[120:]) != 0:
		return fmt.Errorf("chunks %d..%d, flags %x", le.Uint64(h[8:]), le.Uint64(h[16:]), le.Uint32(h[120:]))
	case le.Uint16(h[38:]) != 3 || le.Uint16(h[36:]) != 1 || le.Uint32(h[32:]) != 128 || le.Uint16(h[40:]) != evtxHeaderSize:
		return fmt.Errorf("bad version or sizes")
	}
	var next uint64
	for i := range n {
		c := data[evtxHeaderSize+i*evtxChunkSize:][:evtxChunkSize]
		last, err := checkChunk(c, next)
		if err != nil {
			return fmt.Errorf("chunk %d: %w", i, err)
		}
		next = last + 1
	}
	if got := le.Uint64(h[24:]); got != next {
		return fmt.Errorf("next record id %d, want %d", got, next)
	}
	return nil
}

// checkChunk checks a chunk whose first record id should be first (0:
// any) and returns its last record id.
func checkChunk(c []byte, first uint64) (uint64, error) {
	le := binary.LittleEndian
	free := int(le.Uint32(c[48:]))
	headerCRC := crc32.Update(crc32.ChecksumIEEE(c[:120]), crc32.IEEETable, c[128:evtxChunkHeaderSize])
	switch {
	case !bytes.HasPrefix(c, []byte("ElfChnk\x00")):
		return 0, fmt.Errorf("bad magic")
	case le.Uint32(c[124:]) != headerCRC:
		return 0, fmt.Errorf("header checksum %08x, computed %08x", le.Uint32(c[124:]), headerCRC)
	case free <= evtxChunkHeaderSize || free > len(c):
		return 0, fmt.Errorf("free space offset %d", free)
	case le.Uint32(c[52:]) != crc32.ChecksumIEEE(c[evtxChunkHeaderSize:free]):
		return 0, fmt.Errorf("records checksum %08x, computed %08x", le.Uint32(c[52:]), crc32.ChecksumIEEE(c[evtxChunkHeaderSize:free]))
	case slices.ContainsFunc(c[free:], func(b byte) bool { return b != 0 }):
		return 0, fmt.Errorf("bytes after the free space offset")
	}
	id, lastPos := le.Uint64(c[24:]), 0
	if first != 0 && id != first {
		return 0, fmt.Errorf("first record %d, want %d", id, first)
	}
	for pos := evtxChunkHeaderSize; pos < free; id++ {
		size := int(le.Uint32(c[pos+4:]))
		switch {
		case !bytes.Equal(c[pos:pos+4], []byte{0x2a, 0x2a, 0, 0}) || size%8 != 0 || pos+size > free:
			return 0, fmt.Errorf("bad record at %d (size %d)", pos, size)
		case int(le.Uint32(c[pos+size-4:])) != size || le.Uint64(c[pos+8:]) != id:
			return 0, fmt.Errorf("record at %d: size copy %d of %d, id %d, want %d", pos, le.Uint32(c[pos+size-4:]), size, le.Uint64(c[pos+8:]), id)
		}
		lastPos, pos = pos, pos+size
	}
	last := id - 1
	if le.Uint64(c[8:]) != le.Uint64(c[24:]) || le.Uint64(c[16:]) != last || le.Uint64(c[32:]) != last || int(le.Uint32(c[44:])) != lastPos {
		return 0, fmt.Errorf("header says records %d..%d at last offset %d; found ..%d at %d", le.Uint64(c[24:]), le.Uint64(c[32:]), le.Uint32(c[44:]), last, lastPos)
	}
	return last, checkTables(c)
}

// checkTables follows the string and template tables: every name is in the
// bucket of its hash, every template follows its instance's header.
func checkTables(c []byte) error {
	le := binary.LittleEndian
	names := 0
	for bucket := range 64 {
		for off := le.Uint32(c[128+4*bucket:]); off != 0; off = le.Uint32(c[off:]) {
			n := int(le.Uint16(c[off+6:]))
			s := decodeUTF16(c[off+8 : off+8+uint32(2*n)])
			if h := le.Uint16(c[off+4:]); h != nameHash(s) || int(h)%64 != bucket {
				return fmt.Errorf("name %q at %d: hash %04x in bucket %d, want %04x", s, off, h, bucket, nameHash(s))
			}
			names++
		}
	}
	templates := 0
	for bucket := range 32 {
		for off := le.Uint32(c[384+4*bucket:]); off != 0; off = le.Uint32(c[off:]) {
			if c[off-10] != tokTemplate || le.Uint32(c[off-4:]) != off || le.Uint32(c[off-8:]) != le.Uint32(c[off+4:]) {
				return fmt.Errorf("template at %d does not follow its instance", off)
			}
			templates++
		}
	}
	if names < 20 || templates < 2 {
		return fmt.Errorf("%d names and %d templates in the tables", names, templates)
	}
	return nil
}

func decodeUTF16(b []byte) string {
	var sb strings.Builder
	for i := 0; i+1 < len(b); i += 2 {
		sb.WriteRune(rune(binary.LittleEndian.Uint16(b[i:])))
	}
	return sb.String()
}

func TestEVTXRotatesAndKeepsRecordIDs(t *testing.T) {
	events := sampleEvents(2000)
	maxBytes := int64(evtxHeaderSize + 2*evtxChunkSize + 100)
	dir, _ := writeEVTX(t, events, maxBytes)
	files := evtxFiles(t, dir)
	series := map[string]int{}
	for _, path := range files {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > maxBytes {
			t.Errorf("%s: %d bytes, over %d", path, info.Size(), maxBytes)
		}
		rel, _ := filepath.Rel(dir, path)
		prefix, seq, ok := strings.Cut(strings.TrimSuffix(rel, ".evtx"), "-00")
		if !ok {
			t.Fatalf("%s is not named <channel>-NNNN.evtx", rel)
		}
		series[prefix]++
		if want := fmt.Sprintf("%02d", series[prefix]); seq != want {
			t.Errorf("%s: file %s of its series, want %s", rel, seq, want)
		}
	}
	for _, prefix := range []string{"ws01/Security", "ws01/Microsoft-Windows-Sysmon%4Operational", "dc01/Security", "dc01/Microsoft-Windows-Sysmon%4Operational"} {
		if series[prefix] < 2 {
			t.Errorf("%s: %d files, want it rotated", prefix, series[prefix])
		}
	}
	if got := readEVTX(t, files); len(got) != len(events) {
		t.Errorf("read %d events, wrote %d", len(got), len(events))
	}
}

func TestEVTXSameEventsSameBytes(t *testing.T) {
	events := sampleEvents(800)
	a, _ := writeEVTX(t, events, 64<<20)
	b, _ := writeEVTX(t, events, 64<<20)
	fa, fb := evtxFiles(t, a), evtxFiles(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("%d and %d files", len(fa), len(fb))
	}
	for i := range fa {
		da, _ := os.ReadFile(fa[i])
		db, _ := os.ReadFile(fb[i])
		if !bytes.Equal(da, db) {
			t.Errorf("%s differs between two writes of the same events", filepath.Base(fa[i]))
		}
	}
}

// TestEVTXRejectsBadEvents checks the errors, and that a record refused
// leaves the chunk as it was.
func TestEVTXRejectsBadEvents(t *testing.T) {
	dir := t.TempDir()
	var st Stats
	w := NewEVTX(dir, 64<<20, &st)
	good := sampleEvents(3)
	huge := *good[0]
	huge.Data = []Member{S("CommandLine", strings.Repeat("x", 40000))}
	wideID := *good[1]
	wideID.EventID = 70000
	object := *good[2]
	object.Data = []Member{M("Nested", Obj(S("a", "b")))}
	unknown := *good[0]
	unknown.Channel = "Application"
	for _, tc := range []struct {
		e    *WinEvent
		want string
	}{
		{&huge, "larger than 64 KiB"},
		{&wideID, "event id 70000 out of range"},
		{&object, "EventData field Nested: an object or array"},
		{&unknown, `unknown channel "Application"`},
	} {
		if err := w.Write(good[0]); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(tc.e); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := readEVTX(t, evtxFiles(t, dir))
	if len(got) != 4 {
		t.Fatalf("read %d events, want the 4 good ones", len(got))
	}
	first := firstRecordID(shortHost(good[0].Computer) + "\x00" + good[0].Channel)
	for i, ev := range got {
		if want := strconv.FormatUint(first+uint64(i)+1, 10); ev.Source.Record != want {
			t.Errorf("good record %d has id %s, want %s: a refused record took an id", i, ev.Source.Record, want)
		}
	}
}

func TestAppendDataTypes(t *testing.T) {
	for _, tc := range []struct {
		v     Value
		typ   byte
		want  byte
		bytes string
	}{
		{Str("7EEC3D1E-813B-4195-E584-33CCFCD681AD"), evtGUID, evtGUID, "1e3dec7e3b819541e58433ccfcd681ad"},
		{Str("{7EEC3D1E-813B-4195-E584-33CCFCD681AD}"), evtGUID, evtString, ""},
		{Str("7eec3d1e-813b-4195-e584-33ccfcd681ad"), evtGUID, evtString, ""},
		{Str("0x3e7"), evtHex64, evtHex64, "e703000000000000"},
		{Str("0x1FFFFF"), evtHex32, evtString, ""},
		{Str("0x01"), evtHex32, evtString, ""},
		{Str("0x100000000"), evtHex32, evtString, ""},
		{Str("S-1-5-18"), evtSID, evtSID, "010100000000000512000000"},
		{Str("S-1-5-018"), evtSID, evtString, ""},
		{Str("S-1-5-4294967296"), evtSID, evtString, ""},
		{Str("S-1-5"), evtSID, evtSID, "0100000000000005"},
		{Str("S-1-5-"), evtSID, evtString, ""},
		{Str("S-1--5"), evtSID, evtString, ""},
		{Str("S-1"), evtSID, evtString, ""},
		{Str("S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16"), evtSID, evtString, ""},
		{Str("0x3e7"), 0, evtString, "30007800330065003700" + "0000"},
		{Num(443), evtUInt16, evtUInt16, "bb01"},
		{Num(70000), evtUInt16, evtUInt32, "70110100"},
		{Num(5), evtUInt64, evtUInt64, "0500000000000000"},
		{Num(1 << 40), 0, evtUInt64, "0000000000010000"},
		{Num(-2), 0, evtInt32, "feffffff"},
		{Num(-1 << 40), 0, evtInt64, "0000000000ffffff"},
		{Bool(true), 0, evtBool, "01000000"},
		{Null(), 0, evtNull, ""},
	} {
		b, typ, err := appendData(nil, tc.v, tc.typ)
		if err != nil || typ != tc.want || (tc.bytes != "" && fmt.Sprintf("%x", b) != tc.bytes) {
			t.Errorf("%s as %#x: type %#x bytes %x (%v), want %#x %s", tc.v.Append(nil), tc.typ, typ, b, err, tc.want, tc.bytes)
		}
	}
	if _, _, err := appendData(nil, Arr(Num(1)), 0); err == nil {
		t.Error("an array has a value type")
	}
}

func TestFileTime(t *testing.T) {
	if got := fileTime(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)); got != 116444736000000000 {
		t.Errorf("Unix epoch is FILETIME %d", got)
	}
	if got := fileTime(time.Date(2026, 3, 9, 0, 0, 0, 1234567, time.UTC)); got%1e7 != 12345 {
		t.Errorf("sub-second ticks %d", got%1e7)
	}
}

func TestNameHash(t *testing.T) {
	// Hashes read from the string tables of real Sysmon and Security logs.
	for s, want := range map[string]uint16{"Event": 0x0cba, "xmlns": 0x0fbc} {
		if got := nameHash(s); got != want {
			t.Errorf("hash of %q is %04x, want %04x", s, got, want)
		}
	}
}

// benchmarkWindows writes the sample events with w per iteration and
// reports the rate and the bytes on disk per event.
func benchmarkWindows(b *testing.B, open func(dir string, st *Stats) interface {
	Write(*WinEvent) error
	Close() error
}) {
	events := sampleEvents(20000)
	var st Stats
	b.ResetTimer()
	for range b.N {
		w := open(b.TempDir(), &st)
		for _, e := range events {
			if err := w.Write(e); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	n := float64(b.N * len(events))
	b.ReportMetric(n/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(st.Bytes)/n, "bytes/event")
}

func BenchmarkWindowsEVTX(b *testing.B) {
	benchmarkWindows(b, func(dir string, st *Stats) interface {
		Write(*WinEvent) error
		Close() error
	} {
		return NewEVTX(dir, 64<<20, st)
	})
}

func BenchmarkWindowsJSON(b *testing.B) {
	benchmarkWindows(b, func(dir string, st *Stats) interface {
		Write(*WinEvent) error
		Close() error
	} {
		return NewWindows(dir, 64<<20, st)
	})
}
