package write

import (
	"encoding/binary"
	"fmt"
	"math"
)

// sysmonUserID is the account Sysmon logs as (System/Security/@UserID);
// Security events carry none.
const sysmonUserID = "S-1-5-18"

// winLevel is System/Level: Sysmon logs at Information, the Security log
// at LogAlways.
func winLevel(channel string) int {
	if channel == ChannelSecurity {
		return 0
	}
	return 4
}

// evtxData is the EventData of the record being written, encoded before
// the record so that its template can be chosen by the value types.
type evtxData struct {
	vals  []byte
	ends  []int
	types []byte
	key   []byte // the template's key: field names and value types
	sys   []byte // the System template's key
	rec   []byte // the record being written
}

// encode encodes the values of e's EventData.
func (d *evtxData) encode(e *WinEvent) error {
	d.vals, d.ends, d.types = d.vals[:0], d.ends[:0], d.types[:0]
	d.key = append(d.key[:0], 'E')
	declared := dataTypes[e.Channel]
	for _, m := range e.Data {
		var typ byte
		var err error
		if d.vals, typ, err = appendData(d.vals, m.Val, declared[m.Key]); err != nil {
			return fmt.Errorf("EventData field %s: %w", m.Key, err)
		}
		d.ends = append(d.ends, len(d.vals))
		d.types = append(d.types, typ)
		d.key = binary.LittleEndian.AppendUint16(d.key, uint16(len(m.Key)))
		d.key = append(append(d.key, m.Key...), typ)
	}
	return nil
}

// record writes the event record of e with id: header, BinXML fragment (a
// System template instance), padding to 8 bytes and the size copy.
func (c *evtxChunk) record(e *WinEvent, p provider, id uint64, d *evtxData) error {
	if err := checkSystem(e); err != nil {
		return err
	}
	if err := d.encode(e); err != nil {
		return err
	}
	le := binary.LittleEndian
	start := len(c.b)
	ft := fileTime(e.Time)
	c.b = append(c.b, 0x2a, 0x2a, 0, 0, 0, 0, 0, 0) // magic, size
	c.b = le.AppendUint64(c.b, id)
	c.b = le.AppendUint64(c.b, ft)
	c.b = append(c.b, fragmentHeader...)
	d.sys = append(append(d.sys[:0], 'S'), e.Computer...)
	if sizeAt, define := c.instance(d.sys); define {
		c.systemTemplate(e.Computer)
		c.endDefinition(sizeAt)
	}
	descAt := c.values(subCount)
	for i := range subCount {
		vs := len(c.b)
		typ, err := c.systemValue(i, e, p, id, ft, d)
		if err == nil {
			err = c.setValue(descAt, i, vs, typ)
		}
		if err != nil {
			return err
		}
	}
	c.b = append(c.b, tokEOF)
	for (len(c.b)-start+4)%8 != 0 {
		c.b = append(c.b, 0)
	}
	c.b = le.AppendUint32(c.b, uint32(len(c.b)-start+4))
	c.patch32(start+4, len(c.b)-start)
	return nil
}

// checkSystem checks that e's System numbers fit their types.
func checkSystem(e *WinEvent) error {
	switch {
	case e.EventID < 0 || e.EventID > math.MaxUint16:
		return fmt.Errorf("event id %d out of range", e.EventID)
	case e.Version < 0 || e.Version > math.MaxUint8:
		return fmt.Errorf("event version %d out of range", e.Version)
	case e.Task < 0 || e.Task > math.MaxUint16:
		return fmt.Errorf("task %d out of range", e.Task)
	case e.ProcessID < 0 || e.ProcessID > math.MaxUint32 || e.ThreadID < 0 || e.ThreadID > math.MaxUint32:
		return fmt.Errorf("execution process %d thread %d out of range", e.ProcessID, e.ThreadID)
	}
	return nil
}

// systemValue appends System substitution i and returns its type.
func (c *evtxChunk) systemValue(i int, e *WinEvent, p provider, id, ft uint64, d *evtxData) (byte, error) {
	le := binary.LittleEndian
	var typ byte
	switch i {
	case subLevel:
		c.b, typ = append(c.b, byte(winLevel(e.Channel))), evtUInt8
	case subOpcode:
		c.b, typ = append(c.b, 0), evtUInt8
	case subTask:
		c.b, typ = le.AppendUint16(c.b, uint16(e.Task)), evtUInt16
	case subEventID:
		c.b, typ = le.AppendUint16(c.b, uint16(e.EventID)), evtUInt16
	case subKeywords:
		c.b, typ, _ = appendTypedString(c.b, e.Keywords, evtHex64)
	case subTimeCreated:
		c.b, typ = le.AppendUint64(c.b, ft), evtFileTime
	case subActivityID:
		if e.ActivityID != "" {
			c.b, typ, _ = appendTypedString(c.b, e.ActivityID, evtGUID)
		}
	case subProcessID:
		c.b, typ = le.AppendUint32(c.b, uint32(e.ProcessID)), evtUInt32
	case subThreadID:
		c.b, typ = le.AppendUint32(c.b, uint32(e.ThreadID)), evtUInt32
	case subRecordID:
		c.b, typ = le.AppendUint64(c.b, id), evtUInt64
	case subVersion:
		c.b, typ = append(c.b, byte(e.Version)), evtUInt8
	case subUserID:
		if e.Channel == ChannelSysmon {
			c.b, typ, _ = appendTypedString(c.b, sysmonUserID, evtSID)
		}
	case subProviderName:
		c.b, typ = appendUTF16Z(c.b, p.name), evtString
	case subProviderGUID:
		c.b, typ, _ = appendTypedString(c.b, p.guid, evtGUID)
	case subChannel:
		c.b, typ = appendUTF16Z(c.b, e.Channel), evtString
	case subEventData:
		return evtBinXML, c.eventData(e.Data, d)
	}
	return typ, nil // subQualifiers and subRelatedActivityID are null
}

// eventData writes the EventData fragment: an instance of the template of
// its field names and value types, with the values encoded by d.
func (c *evtxChunk) eventData(data []Member, d *evtxData) error {
	c.b = append(c.b, fragmentHeader...)
	if sizeAt, define := c.instance(d.key); define {
		c.dataTemplate(data, d.types)
		c.endDefinition(sizeAt)
	}
	descAt := c.values(len(data))
	start := 0
	for i := range data {
		vs := len(c.b)
		c.b = append(c.b, d.vals[start:d.ends[i]]...)
		start = d.ends[i]
		if err := c.setValue(descAt, i, vs, d.types[i]); err != nil {
			return fmt.Errorf("EventData field %s: %w", data[i].Key, err)
		}
	}
	c.b = append(c.b, tokEOF)
	return nil
}
