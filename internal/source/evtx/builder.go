package evtx

import (
	"errors"
	"strconv"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// Sections of an Event document.
const (
	secNone = iota
	secSystem
	secEventData
	secUserData
)

// maxElementDepth bounds element nesting in one record; maxRecordText
// bounds the rendered text of one record, so that a hostile template that
// repeats a large value cannot exhaust memory.
const (
	maxElementDepth = 64
	maxRecordText   = 4 << 20
)

var errTooLarge = errors.New("record text expands beyond 4 MiB")

// frame is one open element.
type frame struct {
	name    string
	key     string // field key, for elements inside EventData or UserData
	sec     uint8
	always  bool   // an EventData <Data>: kept even when empty, as ""
	start   int    // arena offset of this element's text
	dataKey string // the Name attribute of an EventData <Data>
}

// span is a field whose value is arena[start:end].
type span struct {
	key        string
	start, end int
}

// builder receives the document events of one record (elements,
// attributes, text) and collects what winevent.Record needs. Values are
// rendered into one arena that becomes a single string per record.
type builder struct {
	d      *decoder
	stack  []frame
	arena  []byte
	fields []span

	inAttr   bool
	attrName string
	attr     []byte
	attrTime time.Time
	timeSet  bool

	sys     [sysCount]span
	dataN   int
	time    time.Time
	hasTime bool
	rec     winevent.Record
}

// System values kept as arena spans.
const (
	sysEventID = iota
	sysRecordID
	sysLevel
	sysTask
	sysOpcode
	sysKeywords
	sysProcessID
	sysThreadID
	sysUserID
	sysCount
)

func (b *builder) reset() {
	b.stack = b.stack[:0]
	b.arena = b.arena[:0]
	b.fields = b.fields[:0]
	b.inAttr = false
	b.sys = [sysCount]span{}
	b.dataN = 0
	b.hasTime = false
	b.rec = winevent.Record{Data: b.rec.Data[:0]}
}

func (b *builder) top() *frame { return &b.stack[len(b.stack)-1] }

func (b *builder) open(name string) error {
	if len(b.stack) >= maxElementDepth {
		return errDepth
	}
	b.endAttr()
	f := frame{name: name, start: len(b.arena)}
	switch depth := len(b.stack) + 1; {
	case depth == 2:
		switch name {
		case "System":
			f.sec = secSystem
		case "EventData":
			f.sec = secEventData
		case "UserData":
			f.sec = secUserData
		}
	case depth > 2:
		p := b.top()
		f.sec = p.sec
		if p.key != "" && len(b.arena) > p.start { // text before a child element
			b.fields = append(b.fields, span{p.key, p.start, len(b.arena)})
		}
	}
	b.stack = append(b.stack, f)
	return nil
}

func (b *builder) attrStart(name string) {
	b.endAttr()
	b.inAttr = true
	b.attrName = name
	b.attr = b.attr[:0]
	b.timeSet = false
}

// endAttr dispatches a complete attribute value.
func (b *builder) endAttr() {
	if !b.inAttr {
		return
	}
	b.inAttr = false
	if len(b.stack) != 3 {
		return
	}
	f := b.top()
	switch f.sec {
	case secEventData:
		if f.name == "Data" && b.attrName == "Name" {
			f.dataKey = b.d.intern(b.attr)
		}
	case secSystem:
		switch f.name + "@" + b.attrName {
		case "Provider@Name":
			b.rec.Provider = b.d.intern(b.attr)
		case "TimeCreated@SystemTime":
			if b.timeSet {
				b.time, b.hasTime = b.attrTime, true
			} else if t, err := time.Parse(time.RFC3339Nano, string(b.attr)); err == nil {
				b.time, b.hasTime = t.UTC(), true
			}
		case "Execution@ProcessID":
			b.keepAttr(sysProcessID)
		case "Execution@ThreadID":
			b.keepAttr(sysThreadID)
		case "Security@UserID":
			b.keepAttr(sysUserID)
		}
	}
}

func (b *builder) keepAttr(i int) {
	start := len(b.arena)
	b.arena = append(b.arena, b.attr...)
	b.sys[i] = span{start: start, end: len(b.arena)}
}

// closeStart ends the start tag: the element's field key is now known.
func (b *builder) closeStart() {
	b.endAttr()
	depth := len(b.stack)
	if depth < 3 {
		return
	}
	f := b.top()
	p := &b.stack[depth-2]
	switch f.sec {
	case secEventData:
		f.always = depth == 3 && f.name == "Data"
		switch {
		case depth > 3:
			f.key = b.d.join(p.key, f.name)
		case f.dataKey != "":
			f.key = f.dataKey
		case f.name == "Data":
			b.dataN++
			f.key = "Data"
			if b.dataN > 1 {
				b.d.scratch = strconv.AppendInt(append(b.d.scratch[:0], "Data_"...), int64(b.dataN), 10)
				f.key = b.d.intern(b.d.scratch)
			}
		default:
			f.key = f.name
		}
	case secUserData:
		if depth > 4 {
			f.key = b.d.join(p.key, f.name)
		} else {
			f.key = f.name
		}
	}
	f.start = len(b.arena)
}

func (b *builder) end() {
	b.endAttr()
	if len(b.stack) == 0 {
		return
	}
	f := b.top()
	if len(b.arena) > f.start || f.always {
		switch {
		case f.key != "":
			b.fields = append(b.fields, span{f.key, f.start, len(b.arena)})
		case f.sec == secSystem && len(b.stack) == 3:
			b.system(f.name, f.start)
		}
	}
	b.stack = b.stack[:len(b.stack)-1]
	if n := len(b.stack); n > 0 {
		b.stack[n-1].start = len(b.arena)
	}
}

// system keeps the text of a System child element.
func (b *builder) system(name string, start int) {
	sp := span{start: start, end: len(b.arena)}
	switch name {
	case "EventID":
		b.sys[sysEventID] = sp
	case "EventRecordID":
		b.sys[sysRecordID] = sp
	case "Level":
		b.sys[sysLevel] = sp
	case "Task":
		b.sys[sysTask] = sp
	case "Opcode":
		b.sys[sysOpcode] = sp
	case "Keywords":
		b.sys[sysKeywords] = sp
	case "Channel":
		b.rec.Channel = b.d.intern(b.arena[start:])
	case "Computer":
		b.rec.Computer = b.d.intern(b.arena[start:])
	}
}

// collecting reports whether text here is kept.
func (b *builder) collecting() bool {
	if len(b.stack) < 3 {
		return false
	}
	f := b.top()
	return f.key != "" || (f.sec == secSystem && len(b.stack) == 3)
}

func (b *builder) text(s string) error {
	switch {
	case b.inAttr:
		b.attr = append(b.attr, s...)
	case b.collecting():
		b.arena = append(b.arena, s...)
	}
	if len(b.arena) > maxRecordText || len(b.attr) > maxRecordText {
		return errTooLarge
	}
	return nil
}

// value renders a substitution value of type t held in v.
func (b *builder) value(t byte, v []byte) error {
	var dst *[]byte
	switch {
	case t == typeNull:
		return nil
	case b.inAttr:
		dst = &b.attr
	case b.collecting():
		dst = &b.arena
	default:
		return nil
	}
	if err := b.render(dst, t, v); err != nil {
		return err
	}
	if len(*dst) > maxRecordText {
		return errTooLarge
	}
	return nil
}

// render appends a value; array elements are joined with commas, as
// evtx_dump renders them.
func (b *builder) render(dst *[]byte, t byte, v []byte) error {
	if t&typeArray == 0 {
		var ok bool
		if *dst, ok = appendScalar(*dst, t, v); !ok {
			return errValue(t, len(v))
		}
		if t == typeFileTime || t == typeSysTime {
			b.attrTime, b.timeSet = fileOrSysTime(t, v), true
		}
		return nil
	}
	t &^= typeArray
	if t == typeString {
		for i := 0; len(v) >= 2; i++ {
			n := 0
			for n+1 < len(v) && (v[n] != 0 || v[n+1] != 0) {
				n += 2
			}
			if i > 0 {
				*dst = append(*dst, ',')
			}
			*dst = appendUTF16(*dst, v[:n])
			v = v[min(n+2, len(v)):]
		}
		return nil
	}
	size := scalarSize(t)
	if size == 0 || len(v)%size != 0 {
		return errValue(t|typeArray, len(v))
	}
	for i := 0; len(v) >= size; i, v = i+1, v[size:] {
		if i > 0 {
			*dst = append(*dst, ',')
		}
		*dst, _ = appendScalar(*dst, t, v[:size])
	}
	return nil
}

func fileOrSysTime(t byte, v []byte) time.Time {
	if t == typeFileTime {
		return fileTime(leU64(v))
	}
	return sysTime(v)
}

// finish turns the collected spans into b.rec.
func (b *builder) finish(recordID uint64, written uint64) *winevent.Record {
	s := string(b.arena)
	get := func(i int) string { return s[b.sys[i].start:b.sys[i].end] }
	r := &b.rec
	r.EventID, _ = strconv.Atoi(get(sysEventID))
	r.RecordID = recordID
	if id, err := strconv.ParseUint(get(sysRecordID), 10, 64); err == nil {
		r.RecordID = id
	}
	r.Time = fileTime(written)
	if b.hasTime {
		r.Time = b.time
	}
	r.Time = r.Time.Truncate(time.Microsecond) // the precision evtx_dump renders
	r.Level, r.Task, r.Opcode = get(sysLevel), get(sysTask), get(sysOpcode)
	r.Keywords = get(sysKeywords)
	r.ProcessID, r.ThreadID, r.UserID = get(sysProcessID), get(sysThreadID), get(sysUserID)
	for _, f := range b.fields {
		r.Data = append(r.Data, event.Field{Key: f.key, Value: s[f.start:f.end]})
	}
	return r
}
