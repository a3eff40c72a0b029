package syslog

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// SysmonChannel is the channel Sysmon for Linux writes.
const SysmonChannel = "Linux-Sysmon/Operational"

var (
	errXML     = errors.New("malformed Sysmon event XML")
	errXMLTime = errors.New("invalid TimeCreated in Sysmon event")
)

// parseEventXML reads the <Event> document Sysmon for Linux writes to syslog
// into a Windows event record. It understands the flat, attribute-light XML
// Sysmon writes (no namespaces, comments or CDATA are needed) and is several
// times faster than encoding/xml on it.
func parseEventXML(s string, rec *winevent.Record) error {
	var (
		inData  bool
		dataN   int
		current string // element whose text is being read
		attrN   string // Data Name attribute
	)
	for {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			break
		}
		text := s[:lt]
		s = s[lt+1:]
		if current != "" && text != "" {
			if err := setText(rec, current, attrN, text, &dataN); err != nil {
				return err
			}
			current = ""
		}
		gt := strings.IndexByte(s, '>')
		if gt < 0 {
			return errXML
		}
		tag := s[:gt]
		s = s[gt+1:]
		if tag == "" {
			return errXML
		}
		if tag[0] == '/' {
			if current != "" && current == tag[1:] { // empty element: <Data Name="x"></Data>
				if current == "Data" && inData {
					addData(rec, attrN, "", &dataN)
				}
			}
			current = ""
			if tag == "/EventData" || tag == "/UserData" {
				inData = false
			}
			continue
		}
		if tag[0] == '?' || tag[0] == '!' {
			continue
		}
		selfClose := strings.HasSuffix(tag, "/")
		tag = strings.TrimSuffix(tag, "/")
		name, attrs, _ := strings.Cut(tag, " ")
		switch name {
		case "EventData", "UserData":
			inData = true
		case "Provider":
			rec.Provider = attr(attrs, "Name")
		case "TimeCreated":
			if v := attr(attrs, "SystemTime"); v != "" {
				t, err := time.Parse(time.RFC3339Nano, v)
				if err != nil {
					return errXMLTime
				}
				rec.Time = t.UTC()
			}
		case "Execution":
			rec.ProcessID, rec.ThreadID = attr(attrs, "ProcessID"), attr(attrs, "ThreadID")
		case "Security":
			rec.UserID = attr(attrs, "UserID")
			if rec.UserID == "" {
				rec.UserID = attr(attrs, "UserId")
			}
		case "Data":
			if !inData {
				continue
			}
			attrN = attr(attrs, "Name")
			if selfClose {
				addData(rec, attrN, "", &dataN)
				continue
			}
			current = "Data"
			continue
		case "EventID", "Level", "Task", "Opcode", "Keywords", "EventRecordID", "Channel", "Computer":
			if !selfClose {
				current = name
			}
			continue
		}
		current = ""
	}
	if rec.EventID == 0 && rec.Provider == "" {
		return errXML
	}
	return nil
}

func setText(rec *winevent.Record, elem, dataName, text string, dataN *int) error {
	v := unescapeXML(text)
	switch elem {
	case "EventID":
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return errXML
		}
		rec.EventID = n
	case "Level":
		rec.Level = v
	case "Task":
		rec.Task = v
	case "Opcode":
		rec.Opcode = v
	case "Keywords":
		rec.Keywords = v
	case "EventRecordID":
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return errXML
		}
		rec.RecordID = n
	case "Channel":
		rec.Channel = v
	case "Computer":
		rec.Computer = v
	case "Data":
		addData(rec, dataName, v, dataN)
	}
	return nil
}

func addData(rec *winevent.Record, name, v string, n *int) {
	if name == "" {
		*n++
		name = "Data"
		if *n > 1 {
			name = "Data_" + strconv.Itoa(*n)
		}
	}
	rec.Data = append(rec.Data, event.Field{Key: name, Value: v})
}

// attr returns the value of attribute name in `a="1" b="2"`.
func attr(attrs, name string) string {
	for attrs != "" {
		attrs = strings.TrimLeft(attrs, " \t\r\n")
		eq := strings.IndexByte(attrs, '=')
		if eq < 0 || eq+1 >= len(attrs) {
			return ""
		}
		k := strings.TrimSpace(attrs[:eq])
		q := attrs[eq+1]
		if q != '"' && q != '\'' {
			return ""
		}
		end := strings.IndexByte(attrs[eq+2:], q)
		if end < 0 {
			return ""
		}
		if k == name {
			return unescapeXML(attrs[eq+2 : eq+2+end])
		}
		attrs = attrs[eq+2+end+1:]
	}
	return ""
}

// unescapeXML resolves the five named entities and numeric references.
func unescapeXML(s string) string {
	amp := strings.IndexByte(s, '&')
	if amp < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for amp >= 0 {
		b.WriteString(s[:amp])
		s = s[amp:]
		semi := strings.IndexByte(s, ';')
		if semi < 0 || semi > 12 {
			b.WriteByte('&')
			s = s[1:]
		} else {
			ent := s[1:semi]
			switch {
			case ent == "lt":
				b.WriteByte('<')
			case ent == "gt":
				b.WriteByte('>')
			case ent == "amp":
				b.WriteByte('&')
			case ent == "quot":
				b.WriteByte('"')
			case ent == "apos":
				b.WriteByte('\'')
			case strings.HasPrefix(ent, "#x"), strings.HasPrefix(ent, "#X"):
				n, err := strconv.ParseUint(ent[2:], 16, 32)
				writeRune(&b, n, err, s[:semi+1])
			case strings.HasPrefix(ent, "#"):
				n, err := strconv.ParseUint(ent[1:], 10, 32)
				writeRune(&b, n, err, s[:semi+1])
			default:
				b.WriteString(s[:semi+1])
			}
			s = s[semi+1:]
		}
		amp = strings.IndexByte(s, '&')
	}
	b.WriteString(s)
	return b.String()
}

func writeRune(b *strings.Builder, n uint64, err error, raw string) {
	if err != nil || n > 0x10FFFF {
		b.WriteString(raw)
		return
	}
	b.WriteRune(rune(n))
}
