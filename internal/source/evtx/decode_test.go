package evtx

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

var (
	// 5770385F-C22A-43E0-BF4C-06F5698FFBD9 as stored.
	guidBytes = []byte{0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9}
	// S-1-5-21-1-2-3-500.
	sidBytes = append([]byte{1, 5, 0, 0, 0, 0, 0, 5},
		append(append(append(append(le32(21), le32(1)...), le32(2)...), le32(3)...), le32(500)...)...)
	// 2020-02-03T04:05:06.789 as a SYSTEMTIME.
	sysTimeBytes = append(append(append(append(append(append(append(le16(2020), le16(2)...), le16(1)...),
		le16(3)...), le16(4)...), le16(5)...), le16(6)...), le16(789)...)
)

// filetimeOf is the FILETIME of t (independent of the decoder's helper).
func filetimeOf(t time.Time) uint64 {
	return uint64(t.Unix()+11644473600)*1e7 + uint64(t.Nanosecond()/100)
}

// templateRecord is a record in the usual shape: a template for Event and
// System, with EventData as a nested BinXML value holding its own template.
func templateRecord(x *bx) {
	created := time.Date(2024, 1, 2, 3, 4, 5, 123456700, time.UTC)
	x.fragmentHeader()
	x.instance(func(x *bx) {
		x.open("Event", true)
		x.attr("xmlns")
		x.text("http://schemas.microsoft.com/win/2004/08/events/event")
		x.closeStart()
		x.open("System", false)
		x.closeStart()
		x.open("Provider", true)
		x.attr("Name")
		x.sub(0, typeString)
		x.attr("Guid")
		x.sub(1, typeGUID)
		x.closeEmpty()
		x.subElem("EventID", 2, typeUint16)
		x.elem("Level", "4")
		x.subElem("Keywords", 3, typeHexInt64)
		x.open("TimeCreated", true)
		x.attr("SystemTime")
		x.sub(4, typeFileTime)
		x.closeEmpty()
		x.subElem("EventRecordID", 5, typeUint64)
		x.open("Execution", true)
		x.attr("ProcessID")
		x.sub(6, typeUint32)
		x.attr("ThreadID")
		x.sub(7, typeUint32)
		x.closeEmpty()
		x.elem("Channel", "Test/Operational")
		x.subElem("Computer", 8, typeString)
		x.open("Security", true)
		x.attr("UserID")
		x.optSub(9, typeSID)
		x.closeEmpty()
		x.end()
		x.sub(10, typeBinXML)
		x.end()
	}, []val{
		raw(typeString, utf16le("Test-Provider\x00")),
		raw(typeGUID, guidBytes),
		raw(typeUint16, le16(4688)),
		raw(typeHexInt64, le64(0x8020000000000000)),
		raw(typeFileTime, le64(filetimeOf(created))),
		raw(typeUint64, le64(987654)),
		raw(typeUint32, le32(1234)),
		raw(typeUint32, le32(5678)),
		raw(typeString, utf16le("HOST-1  ")),
		raw(typeSID, sidBytes),
		nested(func(x *bx) {
			x.instance(func(x *bx) {
				x.open("EventData", false)
				x.closeStart()
				x.dataSub("Bin", 0, typeBinary)
				x.dataSub("Guid", 1, typeGUID)
				x.dataSub("Arr", 2, typeString|typeArray)
				x.dataSub("Empty", 3, typeNull)
				x.open("Data", true)
				x.attr("Name")
				x.text("Text")
				x.closeStart()
				x.text("x ")
				x.entity("amp")
				x.text(" y")
				x.charRef('!')
				x.end()
				x.dataSub("Int8", 4, typeInt8)
				x.dataSub("F64", 5, typeReal64)
				x.dataSub("F32", 6, typeReal32)
				x.dataSub("Bool", 7, typeBool)
				x.dataSub("SysTime", 8, typeSysTime)
				x.dataSub("SizeT", 9, typeSizeT)
				x.dataSub("U32s", 10, typeUint32|typeArray)
				x.dataSub("Cut", 11, typeString)
				x.dataSub("Missing", 12, typeString)
				x.elem("Data", "a")
				x.elem("Data", "b")
				x.elem("Binary", "0A0B")
				x.end()
			}, []val{
				raw(typeBinary, []byte{0xde, 0xad, 0xbe, 0xef}),
				raw(typeGUID, guidBytes),
				raw(typeString|typeArray, utf16le("p\x00q\x00")),
				raw(typeNull, nil),
				raw(typeInt8, []byte{0xfb}),
				raw(typeReal64, le64(math.Float64bits(1))),
				raw(typeReal32, le32(math.Float32bits(0.5))),
				raw(typeBool, le32(1)),
				raw(typeSysTime, sysTimeBytes),
				raw(typeSizeT, le64(16)),
				raw(typeUint32|typeArray, append(le32(1), le32(2)...)),
				raw(typeString, utf16le("abc\x00def")),
			})
		}),
	})
}

// rawRecord is a record without templates, with UserData.
func rawRecord(x *bx) {
	x.fragmentHeader()
	x.open("Event", false)
	x.closeStart()
	x.open("System", false)
	x.closeStart()
	x.open("Provider", true)
	x.attr("Name")
	x.text("Raw")
	x.closeEmpty()
	x.elem("EventID", "104")
	x.elem("EventRecordID", "2")
	x.elem("Channel", "System")
	x.elem("Computer", "raw-host")
	x.open("TimeCreated", true)
	x.attr("SystemTime")
	x.text("2021-05-06T07:08:09.123456Z")
	x.closeEmpty()
	x.end()
	x.open("UserData", false)
	x.closeStart()
	x.open("LogFileCleared", true)
	x.attr("xmlns")
	x.text("http://manifests.microsoft.com/win/2004/08/windows/eventlog")
	x.closeStart()
	x.elem("SubjectUserName", "alice")
	x.open("Nested", false)
	x.closeStart()
	x.elem("Inner", "v")
	x.end()
	x.open("Empty", false)
	x.closeEmpty()
	x.end()
	x.end()
	x.end()
	x.u8(tokEOF)
}

func TestDecodeSynthetic(t *testing.T) {
	file := synthFile(templateRecord, rawRecord)
	c, err := decodeBytes(t, "synthetic.evtx", file, true)
	if err != nil || len(c.errs) > 0 {
		t.Fatalf("stream error %v, record errors %v", err, c.errs)
	}
	f := func(kv ...string) []event.Field {
		var out []event.Field
		for i := 0; i < len(kv); i += 2 {
			out = append(out, event.Field{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name   string
		fields []event.Field
		time   time.Time
		offset int64
	}{
		{
			name: "template with nested EventData",
			fields: f("EventID", "4688", "Provider_Name", "Test-Provider", "Channel", "Test/Operational",
				"Computer", "HOST-1", "EventRecordID", "987654", "TimeCreated", "2024-01-02T03:04:05.123456Z",
				"Level", "4", "Keywords", "0x8020000000000000", "ProcessID", "1234", "ThreadID", "5678",
				"UserID", "S-1-5-21-1-2-3-500",
				"Bin", "DEADBEEF", "Guid", "5770385F-C22A-43E0-BF4C-06F5698FFBD9", "Arr", "p,q", "Empty", "",
				"Text", "x & y!", "Int8", "-5", "F64", "1.0", "F32", "0.5", "Bool", "true",
				"SysTime", "2020-02-03T04:05:06.789000Z", "SizeT", "0x10", "U32s", "1,2", "Cut", "abc",
				"Missing", "", "Data", "a", "Data_2", "b", "Binary", "0A0B"),
			time:   time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC),
			offset: headerSize + chunkHeaderSize,
		},
		{
			name: "plain elements with UserData",
			fields: f("EventID", "104", "Provider_Name", "Raw", "Channel", "System", "Computer", "raw-host",
				"EventRecordID", "2", "TimeCreated", "2021-05-06T07:08:09.123456Z",
				"SubjectUserName", "alice", "Nested.Inner", "v"),
			time: time.Date(2021, 5, 6, 7, 8, 9, 123456000, time.UTC),
		},
	}
	if len(c.events) != len(tests) {
		t.Fatalf("%d events, want %d", len(c.events), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := c.events[i]
			if d := diffFields(ev.Fields, tt.fields); d != "" {
				t.Error(d)
			}
			if !ev.Time.Equal(tt.time) {
				t.Errorf("time %v, want %v", ev.Time, tt.time)
			}
			if ev.Source.Format != "evtx" || ev.Source.Path != "synthetic.evtx" {
				t.Errorf("source %+v", ev.Source)
			}
			if tt.offset != 0 && ev.Source.Offset != tt.offset {
				t.Errorf("offset %d, want %d", ev.Source.Offset, tt.offset)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head []byte
		want bool
	}{
		{[]byte("ElfFile\x00rest"), true},
		{[]byte("ElfFile"), false},
		{[]byte("ElfChnk\x00"), false},
		{[]byte(`{"Event":{}}`), false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := Sniff(tt.head); got != tt.want {
			t.Errorf("Sniff(%q) = %v", tt.head, got)
		}
	}
}
