package auditd

import (
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// noteUnknownHost flags events whose machine nothing names.
const noteUnknownHost = "host unknown: the record has no node= field and no host was configured"

// builder turns one assembled event into an event.Event.
type builder struct {
	a    *Assembler
	p    *pending
	host event.Entity
	ev   *event.Event
	recs []span // in rank order
}

func (b *builder) get(s span, k string) string {
	for i := s.from; i < s.to; i++ {
		if b.p.fields[i].Key == k {
			return b.p.fields[i].Value
		}
	}
	return ""
}

func (b *builder) rec(typ string) (span, bool) {
	for _, s := range b.recs {
		if s.typ == typ {
			return s, true
		}
	}
	return span{}, false
}

// build normalizes an assembled event. See the package comment for the
// classes and entities it produces.
func (a *Assembler) build(p *pending) *event.Event {
	hostName := p.key.host
	var notes []string
	if hostName == "" {
		hostName = a.cfg.Host
		if hostName == "" {
			hostName = "unknown"
			notes = []string{noteUnknownHost}
		}
	}
	if p.late {
		notes = append(notes, noteLate)
	}
	if hostName != a.hostName || a.host.ID == "" {
		a.hostName, a.host = hostName, event.Host(hostName)
		if a.host.ID == "" {
			a.host = event.Host("unknown")
		}
	}
	b := builder{a: a, p: p, host: a.host}
	src := p.src
	if src.Format == "" {
		src.Format = FormatName
	}
	ev := &event.Event{
		ID:     event.NewID(FormatName, strings.TrimPrefix(b.host.ID, "host:"), p.key.stamp),
		Time:   p.time,
		Source: src,
		Class:  event.ClassOther,
		Notes:  notes,
		Refs:   make([]event.Ref, 0, 8),
	}
	b.ev = ev
	b.recs = append(make([]span, 0, len(p.recs)), p.recs...)
	sort.SliceStable(b.recs, func(i, j int) bool { return rank(b.recs[i].typ) < rank(b.recs[j].typ) })
	b.fields()
	ev.AddRef(event.RoleHost, b.host)
	b.classify()
	return ev
}

// fields copies the records' fields in rank order, each preceded by its
// type, and adds what the raw form hides: syscall names, decoded socket
// addresses, EXECVE arguments joined.
func (b *builder) fields() {
	f := make([]event.Field, 0, len(b.p.fields)+2*len(b.recs)+4)
	for _, s := range b.recs {
		f = append(f, event.Field{Key: "type", Value: s.typ})
		f = append(f, b.p.fields[s.from:s.to]...)
		switch s.typ {
		case "SYSCALL":
			if b.get(s, "SYSCALL") == "" {
				if name := syscallName(b.get(s, "arch"), b.get(s, "syscall")); name != "" {
					f = append(f, event.Field{Key: "SYSCALL", Value: name})
				}
			}
		case "SOCKADDR":
			if sa, ok := decodeSaddr(b.get(s, "saddr")); ok && b.get(s, "saddr_fam") == "" {
				f = append(f, event.Field{Key: "saddr_fam", Value: sa.family})
				if sa.addr != "" {
					f = append(f, event.Field{Key: "laddr", Value: sa.addr}, event.Field{Key: "lport", Value: strconv.Itoa(sa.port)})
				}
				if sa.path != "" {
					f = append(f, event.Field{Key: "path", Value: sa.path})
				}
			}
		case "EXECVE":
			f = b.execve(s, f)
		}
	}
	b.ev.Fields = f
}

// execve joins arguments split over aN[i] pieces and adds the command line.
func (b *builder) execve(s span, f []event.Field) []event.Field {
	argc, err := strconv.Atoi(b.get(s, "argc"))
	if err != nil || argc <= 0 || argc > 1<<16 {
		return f
	}
	args := make([]string, argc)
	var parts map[int]*strings.Builder
	for i := s.from; i < s.to; i++ {
		k, v := b.p.fields[i].Key, b.p.fields[i].Value
		if len(k) < 2 || k[0] != 'a' || k[1] < '0' || k[1] > '9' || strings.HasSuffix(k, "_len") {
			continue
		}
		numText, piece, isPiece := strings.Cut(k[1:], "[")
		n, err := strconv.Atoi(numText)
		if err != nil || n < 0 || n >= argc {
			continue
		}
		if !isPiece {
			args[n] = v
			continue
		}
		_ = piece
		if parts == nil {
			parts = make(map[int]*strings.Builder)
		}
		sb := parts[n]
		if sb == nil {
			sb = &strings.Builder{}
			parts[n] = sb
		}
		sb.WriteString(v)
	}
	for n, sb := range parts {
		args[n] = sb.String()
		f = append(f, event.Field{Key: "a" + strconv.Itoa(n), Value: args[n]})
	}
	return append(f, event.Field{Key: "cmdline", Value: strings.Join(args, " ")})
}

// classify sets class, action, outcome and entity references.
func (b *builder) classify() {
	for _, s := range b.recs {
		if uc, ok := userTypes[s.typ]; ok {
			b.user(s, uc)
			return
		}
	}
	for _, s := range b.recs {
		if s.typ == "SYSCALL" || strings.HasPrefix(s.typ, "AUOMS_") {
			b.syscall(s)
			return
		}
	}
	if len(b.recs) > 0 {
		s := b.recs[0]
		b.ev.Action = strings.ToLower(s.typ)
		b.ev.AddRef(event.RoleActor, b.a.procs.entity(b.host, parsePID(b.get(s, "pid"))))
	}
}

// principal names the account behind a uid field: the interpreted or
// enriched name when the log has one, "root" for 0, else "uid:N" (the raw
// log does not say which login a number is).
func (b *builder) principal(s span, numKey, nameKey string) event.Entity {
	name := ""
	if nameKey != "" {
		name = b.get(s, nameKey)
	}
	if name == "" || name == "unset" {
		name = uidName(b.get(s, numKey))
	}
	return b.a.p.Local(b.host, name)
}

func uidName(uid string) string {
	switch uid {
	case "", "4294967295", "-1", "unset", "(none)", "?", "(unknown)":
		return ""
	case "0":
		return "root"
	}
	if allDigits(uid) {
		return "uid:" + uid
	}
	return uid
}

// session is the audit login session (ses=N) on the host.
func (b *builder) session(s span) event.Entity {
	ses := strings.Trim(b.get(s, "ses"), `"`)
	switch ses {
	case "", "4294967295", "-1", "unset":
		return event.Entity{}
	}
	return event.Session(b.host.ID, "ses:"+ses, b.host.Name+" session "+ses)
}

// file names a path, made absolute against the event's working directory.
func (b *builder) file(name string) event.Entity {
	name = b.absPath(name)
	if name == "" {
		return event.Entity{}
	}
	return event.File(b.host, name, false)
}

// absPath makes name absolute against the event's working directory; ""
// for the placeholders audit writes for no name.
func (b *builder) absPath(name string) string {
	if name == "" || name == "(null)" || name == "?" {
		return ""
	}
	if !strings.HasPrefix(name, "/") {
		if cwd, ok := b.rec("CWD"); ok {
			name = path.Join(b.get(cwd, "cwd"), name)
		} else if s, ok := b.rec("SYSCALL"); ok && b.get(s, "cwd") != "" {
			name = path.Join(b.get(s, "cwd"), name)
		} else if c := b.auomsCwd(); c != "" {
			name = path.Join(c, name)
		}
	}
	return name
}

func (b *builder) auomsCwd() string {
	for _, s := range b.recs {
		if strings.HasPrefix(s.typ, "AUOMS_") {
			return b.get(s, "cwd")
		}
	}
	return ""
}

func outcome(success, res string) event.Outcome {
	switch strings.ToLower(res) {
	case "success", "yes", "1":
		return event.OutcomeSuccess
	case "failed", "no", "0", "fail":
		return event.OutcomeFailure
	}
	switch success {
	case "yes":
		return event.OutcomeSuccess
	case "no":
		return event.OutcomeFailure
	}
	return event.OutcomeUnknown
}
