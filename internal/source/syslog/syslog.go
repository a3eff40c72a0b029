// Package syslog reads syslog: RFC 3164 lines (classic "Mmm dd hh:mm:ss"
// stamps or rsyslog's RFC 3339 ones, with or without <PRI>), RFC 5424
// lines, and the Syslog table of Azure Monitor / Microsoft Sentinel (JSON
// rows with SyslogMessage, see Record).
//
// Messages of programs it knows become typed events:
//   - sshd: Accepted (logon), Failed / Invalid user / too many attempts
//     (auth failure), Disconnected / Connection closed (disconnect); the
//     account logged on as is the target_user, the origin IP the src;
//   - sudo (elevate: user -> run-as user, command, failure reasons), su;
//   - pam_* "session opened/closed", "authentication failure", "password
//     changed" for any program;
//   - systemd-logind "New session N of user U" / "Removed session N": the
//     session is event.Session(host, "ses:N"), the same id auditd gives the
//     audit session (logind uses the audit session id);
//   - shadow-utils (useradd, userdel, usermod, groupadd, passwd, ...):
//     account create, delete, add-member, reset-password, ...
//
// Other programs' messages are kept as ClassOther with host, program, pid
// and message. Every event with a pid names the process host + pid +
// auditd.UnknownStart, the name auditd gives a process whose exec it did not
// see, so "sshd[812]" here and pid=812 in an audit USER_LOGIN record meet.
//
// Two kinds of message are handed on: Sysmon for Linux's <Event> XML is
// parsed into a winevent.Record and normalized by the winevent.Normalizer
// (channel Linux-Sysmon/Operational), and audit records (audispd, auoms,
// kernel "audit: type=1400 ...") go to an auditd.Assembler with the syslog
// host, so audit events inside syslog are assembled as in audit.log.
//
// Time: RFC 3164 stamps have no year and no zone. The year is Config.Year,
// or else the year of Config.Now (the injected clock), rolled back one year
// for dates more than a day after Now (a December log read in January). The
// zone is Config.Location, UTC by default. RFC 3339 and RFC 5424 stamps
// carry their zone.
//
// Event ids hash the host, the raw line and how many identical lines
// directly precede it (syslog writes true repeats), so reading the same
// lines again gives the same ids.
package syslog

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/auditd"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// FormatName names this format in events and errors.
const FormatName = "syslog"

// Config tunes the reader. The zero value is usable.
type Config struct {
	// Year is the year of RFC 3164 stamps; 0 derives it from Now.
	Year int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Location is the zone of stamps without one; nil means UTC.
	Location *time.Location
	// Host names the machine of lines without a host field; empty means
	// "unknown" (with a note on each event).
	Host string
	// Audit tunes the assembly of audit records found in messages. Its Host
	// and Location default to this Config's.
	Audit auditd.Config
}

// decoder holds the state of one stream.
type decoder struct {
	p     *event.Principals
	n     *winevent.Normalizer
	cfg   Config
	clock clock
	asm   *auditd.Assembler
	prev  []byte // previous line, to number identical repeats
	dup   int
	// host caches the last host entity: consecutive lines mostly share it.
	hostName string
	host     event.Entity
}

func newDecoder(p *event.Principals, n *winevent.Normalizer, cfg Config) *decoder {
	if p == nil {
		p = &event.Principals{}
	}
	if n == nil {
		n = &winevent.Normalizer{Principals: p}
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	if cfg.Audit.Host == "" {
		cfg.Audit.Host = cfg.Host
	}
	if cfg.Audit.Location == nil {
		cfg.Audit.Location = cfg.Location
	}
	return &decoder{
		p: p, n: n, cfg: cfg,
		clock: clock{year: cfg.Year, now: now().In(cfg.Location), loc: cfg.Location},
		asm:   auditd.NewAssembler(p, cfg.Audit),
	}
}

// Format returns the syslog stream format. n normalizes Sysmon for Linux
// records; nil means a Normalizer with p.
func Format(p *event.Principals, n *winevent.Normalizer, cfg Config) source.Format {
	return source.Format{
		Name:  FormatName,
		Sniff: Sniff,
		Decode: func(ctx context.Context, in *source.Input, sink source.Sink) error {
			return newDecoder(p, n, cfg).decode(ctx, in, sink)
		},
	}
}

// Sniff reports whether head holds syslog lines: the first non-blank line
// and at least four in five of the first twenty have a syslog header.
func Sniff(head []byte) bool {
	c := clock{year: 2000, loc: time.UTC}
	good, bad := 0, 0
	for n := 0; len(head) > 0 && n < 20; n++ {
		line := head
		i := bytes.IndexByte(head, '\n')
		if i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			if n > 0 {
				break // the last line may be cut short by the sniff window
			}
			head = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if _, err := parseHeader(string(line), &c); err != nil {
			if good == 0 {
				return false
			}
			bad++
			continue
		}
		good++
	}
	return good > 0 && bad*4 <= good
}

func (d *decoder) decode(ctx context.Context, in *source.Input, sink source.Sink) error {
	lines := source.NewLines(in, FormatName, 0)
	for lines.Next(sink) {
		if lines.Number()&1023 == 0 && ctx.Err() != nil {
			d.asm.Flush(sink)
			return ctx.Err()
		}
		line := lines.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		src := event.Source{Format: FormatName, Path: in.Path, Offset: lines.Offset()}
		if err := d.line(line, src, sink); err != nil {
			sink.Error(in.Errorf(FormatName, lines.Offset(), fmt.Errorf("decoding line %d (%q): %w", lines.Number(), preview(line), err)))
		}
	}
	d.asm.Flush(sink)
	return nil
}

func (d *decoder) line(line []byte, src event.Source, sink source.Sink) error {
	if bytes.Equal(line, d.prev) {
		d.dup++
	} else {
		d.dup = 0
		d.prev = append(d.prev[:0], line...)
	}
	s := string(line)
	h, err := parseHeader(s, &d.clock)
	if err != nil {
		return err
	}
	if ev := d.message(&h, s, src, sink); ev != nil {
		sink.Event(ev)
	}
	return nil
}

// message turns a parsed line into an event. Sysmon records and audit
// records are handed on (audit events reach sink through the assembler,
// and message returns nil for them). A message that looks like one of
// them but cannot be read is kept as a plain message with a note saying
// why: the line is evidence either way.
func (d *decoder) message(h *Header, raw string, src event.Source, sink source.Sink) *event.Event {
	text := h.Message
	var err error
	if isSysmon(text) {
		var ev *event.Event
		if ev, err = d.sysmon(h, raw, src); err == nil {
			return ev
		}
	} else if i := auditd.Locate(text); i >= 0 {
		if err = d.asm.Add(text[i:], h.Host, src, sink); err == nil {
			return nil
		}
		err = fmt.Errorf("decoding audit record: %w", err)
	}
	ev := d.plain(h, raw, src)
	if err != nil {
		ev.Notes = append(ev.Notes, "kept as a plain message: "+err.Error())
	}
	return ev
}

// isSysmon reports whether a message is a Sysmon for Linux <Event> document.
func isSysmon(text string) bool {
	return strings.HasPrefix(text, "<Event>") || strings.HasPrefix(text, "<Event ")
}

// sysmon parses a Sysmon for Linux record and lets the Windows normalizer
// give it its class and entities. A record without EventRecordID gets the
// hash of raw as its id.
func (d *decoder) sysmon(h *Header, raw string, src event.Source) (*event.Event, error) {
	var rec winevent.Record
	if err := parseEventXML(h.Message, &rec); err != nil {
		return nil, fmt.Errorf("decoding Sysmon event: %w", err)
	}
	if rec.Channel == "" {
		rec.Channel = SysmonChannel
	}
	if rec.Computer == "" {
		rec.Computer = h.Host
	}
	if rec.Time.IsZero() {
		rec.Time = h.Time
	}
	ev := d.n.Event(&rec, src)
	if ev.ID.IsZero() {
		ev.ID = event.NewID(FormatName, strings.ToLower(rec.Computer), raw)
	}
	return ev, nil
}

// noteUnknownHost flags lines without a host when none was configured.
const noteUnknownHost = "host unknown: the line has no host field and no host was configured"

// plain builds the event of an ordinary message.
func (d *decoder) plain(h *Header, raw string, src event.Source) *event.Event {
	ev := &event.Event{Time: h.Time, Source: src, Class: event.ClassOther}
	hostName := h.Host
	if hostName == "" {
		hostName = d.cfg.Host
		if hostName == "" {
			hostName = "unknown"
			ev.Notes = []string{noteUnknownHost}
		}
	}
	if hostName != d.hostName || d.host.ID == "" {
		d.hostName, d.host = hostName, event.Host(hostName)
	}
	host := d.host
	if d.dup == 0 {
		ev.ID = event.NewID(FormatName, strings.TrimPrefix(host.ID, "host:"), raw)
	} else {
		ev.ID = event.NewID(FormatName, strings.TrimPrefix(host.ID, "host:"), raw, strconv.Itoa(d.dup))
	}
	ev.Fields = make([]event.Field, 0, 12)
	ev.Refs = make([]event.Ref, 0, 4)
	m := msg{ev: ev, host: host, p: d.p}
	m.field("host", h.Host)
	m.field("program", h.Program)
	m.field("pid", h.PID)
	if h.Priority >= 0 {
		m.field("facility", facility(h.Priority>>3))
		m.field("severity", severities[h.Priority&7])
	}
	m.field("msgid", h.MsgID)
	m.field("structured_data", h.SD)
	m.field("message", h.Message)
	ev.AddRef(event.RoleHost, host)
	if pid, err := strconv.ParseInt(h.PID, 10, 64); err == nil && pid > 0 {
		ev.AddRef(event.RoleActor, event.ProcessPID(host, pid, auditd.UnknownStart, h.Program))
	}
	m.parseProgram(h.Program, h.Message)
	return ev
}

var severities = [8]string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}

var facilities = [...]string{"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
	"authpriv", "ftp", "ntp", "security", "console", "solaris-cron"}

func facility(n int) string {
	if n < len(facilities) {
		return facilities[n]
	}
	if n >= 16 && n <= 23 {
		return "local" + strconv.Itoa(n-16)
	}
	return strconv.Itoa(n)
}

// preview is the start of a bad line, for error messages.
func preview(line []byte) string {
	if len(line) > 40 {
		return string(line[:40]) + "..."
	}
	return string(line)
}
