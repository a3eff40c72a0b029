package auditd

import (
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// noteLate flags an event whose records came in two parts: the first part
// was sent before the rest arrived (the assembly window was too small).
const noteLate = "part of this event's records arrived after it was sent (assembly window exceeded); the parts share this event id"

// key names an event: the machine and its audit stamp.
type key struct{ host, stamp string }

// span is one record of a pending event: its type and its fields.
type span struct {
	typ      string
	from, to int
}

// pending is an event whose records are still being collected.
type pending struct {
	key    key
	time   time.Time
	src    event.Source
	fields []event.Field
	recs   []span
	done   bool
	late   bool
}

// Assembler joins the records of audit events. Records with the same
// audit(time:serial) stamp on the same machine form one event. Records of
// several events may interleave, so events wait in a bounded window and are
// flushed when their EOE record arrives, when the window is full (oldest
// first), when the newest record is MaxAge younger than them, at an ausearch
// separator, or at the end of the stream. User-space records (logins,
// account changes, auoms records) are whole events and go out at once.
//
// An Assembler keeps per-machine process identities across events (see
// UnknownStart). It is not safe for concurrent use.
type Assembler struct {
	p       *event.Principals
	cfg     Config
	procs   *procTable
	pending map[key]*pending
	order   []*pending // pending events by first record; flushed ones linger until they reach the front
	live    int
	latest  time.Time
	recent  map[key]int // recently sent events and the separator generation they were sent in
	ring    []key
	ringAt  int
	gen     int // ausearch separators seen
	free    []*pending
	// hostName and host cache the last host entity built.
	hostName string
	host     event.Entity
}

// NewAssembler returns an Assembler that names principals with p.
func NewAssembler(p *event.Principals, cfg Config) *Assembler {
	cfg = cfg.withDefaults()
	if p == nil {
		p = &event.Principals{}
	}
	return &Assembler{
		p:       p,
		cfg:     cfg,
		procs:   newProcTable(cfg.Processes),
		pending: make(map[key]*pending),
		recent:  make(map[key]int),
		ring:    make([]key, max(4*cfg.Window, 1024)),
	}
}

// Add takes one record: the text from "node=" or "type=" on. host is the
// machine named by an enclosing syslog header, "" if none; a node= field in
// the record wins over it. src locates the record (Format, Path, Offset).
// Complete events go to sink; an error means the record was not usable.
func (a *Assembler) Add(s, host string, src event.Source, sink source.Sink) error {
	h, err := parseHeader(s, a.cfg.Location)
	if err != nil {
		return err
	}
	if h.node != "" {
		host = h.node
	}
	k := key{host: host, stamp: h.stamp}
	p := a.pending[k]
	if h.typ == "EOE" {
		if p != nil {
			a.flush(p, sink)
		}
		return nil
	}
	if p == nil {
		p = a.get()
		p.key, p.time, p.src = k, h.time, src
		// A record of an event already sent: after an ausearch separator it
		// is the same event printed again (same id, deduplicated
		// downstream); without one, the window was too small.
		if gen, ok := a.recent[k]; ok && gen == a.gen {
			p.late = true
		}
		p.src.Record = h.stamp
		if standalone(h.typ) {
			a.addRecord(p, &h)
			a.emit(p, sink)
			a.put(p)
			a.advance(h.time, sink)
			return nil
		}
		a.pending[k] = p
		a.order = append(a.order, p)
		a.live++
	}
	a.addRecord(p, &h)
	a.advance(h.time, sink)
	return nil
}

// advance moves the newest time seen and sends events that aged out.
func (a *Assembler) advance(t time.Time, sink source.Sink) {
	if t.After(a.latest) {
		a.latest = t
	}
	a.expire(sink)
}

func (a *Assembler) addRecord(p *pending, h *header) {
	from := len(p.fields)
	p.fields = parseBody(p.fields, h)
	p.recs = append(p.recs, span{typ: h.typ, from: from, to: len(p.fields)})
}

// Separator flushes every pending event: ausearch writes "----" (and
// "time->...") between whole events.
func (a *Assembler) Separator(sink source.Sink) {
	a.Flush(sink)
	a.gen++
}

// Flush sends every pending event, oldest first.
func (a *Assembler) Flush(sink source.Sink) {
	for i, p := range a.order {
		if !p.done {
			a.flush(p, sink)
		}
		a.put(p)
		a.order[i] = nil
	}
	a.order = a.order[:0]
}

func (a *Assembler) expire(sink source.Sink) {
	for len(a.order) > 0 {
		p := a.order[0]
		if !p.done && a.live <= a.cfg.Window && len(a.order) <= 4*a.cfg.Window &&
			!p.time.Before(a.latest.Add(-a.cfg.MaxAge)) {
			return
		}
		if !p.done {
			a.flush(p, sink)
		}
		a.put(p)
		a.order[0] = nil
		a.order = a.order[1:]
	}
}

func (a *Assembler) flush(p *pending, sink source.Sink) {
	delete(a.pending, p.key)
	a.live--
	p.done = true
	a.emit(p, sink)
}

// emit builds the event and remembers its key.
func (a *Assembler) emit(p *pending, sink source.Sink) {
	if old := a.ring[a.ringAt]; old != (key{}) {
		delete(a.recent, old)
	}
	a.ring[a.ringAt] = p.key
	a.recent[p.key] = a.gen
	a.ringAt = (a.ringAt + 1) % len(a.ring)
	ev := a.build(p)
	if ev != nil {
		sink.Event(ev)
	}
}

func (a *Assembler) get() *pending {
	if n := len(a.free); n > 0 {
		p := a.free[n-1]
		a.free = a.free[:n-1]
		return p
	}
	return &pending{}
}

func (a *Assembler) put(p *pending) {
	*p = pending{fields: p.fields[:0], recs: p.recs[:0]}
	if len(a.free) < 64 {
		a.free = append(a.free, p)
	}
}

// noteSingle flags an event built from one record of a multi-record event.
const noteSingle = "built from one record: the source delivered this audit event's records separately"

// Single normalizes one record that arrives on its own (a row of a JSON log
// table): user-space and auoms records are whole events; a kernel record of
// a multi-record event becomes an event by itself, with a note. Single
// shares the process table with Add.
func (a *Assembler) Single(s, host string, src event.Source) (*event.Event, error) {
	h, err := parseHeader(s, a.cfg.Location)
	if err != nil {
		return nil, err
	}
	if h.node != "" {
		host = h.node
	}
	p := a.get()
	defer a.put(p)
	p.key, p.time, p.src = key{host: host, stamp: h.stamp}, h.time, src
	p.src.Record = h.stamp
	a.addRecord(p, &h)
	ev := a.build(p)
	if !standalone(h.typ) {
		ev.Notes = append(ev.Notes, noteSingle)
	}
	return ev, nil
}
