// Package auditd reads Linux audit logs: the raw records auditd writes
// (type=SYSCALL msg=audit(1600000000.123:456): ...), the "ausearch -i"
// interpreted form, the enriched form (names after a 0x1d separator) and
// auoms' pre-assembled records (type=AUOMS_EXECVE audit(...): ...).
//
// Records with the same audit(time:serial) stamp on one machine form one
// event (SYSCALL + EXECVE + CWD + PATH + PROCTITLE + SOCKADDR ...); the
// Assembler joins them in a bounded window. Hex-encoded values (proctitle,
// EXECVE arguments, paths, comm, exe, acct) are decoded, SOCKADDR saddr is
// decoded into saddr_fam, laddr, lport or path, and SYSCALL gets its name.
// EXECVE arguments are joined into cmdline; an exec whose parent's exec is
// in the stream gets parent_exe and parent_cmdline, and a file syscall gets
// target_path, the file's absolute path (see derived.go).
//
// Classes:
//   - execve/execveat: process start. The actor is the parent (ppid); the
//     target is the new process, named by host + pid + the exec's stamp; a
//     process whose exec was not seen is named host + pid + UnknownStart.
//   - connect, accept, bind, sendto ...: network, with the SOCKADDR peer
//     as dst (connect, send) or src (accept, bind, receive).
//   - open family: file create, write (write or create flags) or read;
//     unlink, rename, chmod/chown, link, mkdir: file delete, rename, attrib,
//     link, create. Relative paths are joined to the event's cwd.
//   - USER_LOGIN/USER_LOGOUT/USER_START/USER_END/USER_CMD/LOGIN: logon;
//     USER_AUTH/USER_ACCT/USER_ERR/CRED_*: auth; ADD_USER, DEL_USER,
//     USER_CHAUTHTOK, USER_MGMT, ...: account; SERVICE_START/STOP: service;
//     DAEMON_* and CONFIG_CHANGE: audit. They carry the session
//     (event.Session(host, "ses:N")), the account acted on (acct=), the
//     origin address (addr=) and the acting process (pid=).
//
// The machine is named by node= when the record has it, else by the syslog
// header around the record (see package syslog), else by Config.Host, else
// "unknown" with a note on the event: a bare audit.log does not say which
// machine wrote it. The event id is a hash of that machine and the stamp,
// so the raw and interpreted forms of one event get the same id (when
// Config.Location gives the interpreted form's time zone). The event time
// is the stamp.
package auditd

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// FormatName names this format in events and errors.
const FormatName = "auditd"

// Config tunes the reader. The zero value is usable.
type Config struct {
	// Host names the machine of records without node= (see the package
	// comment). Empty: "unknown".
	Host string
	// Location is the time zone of ausearch -i stamps, which are local time
	// without a zone. Nil: UTC.
	Location *time.Location
	// Window is how many events may wait for more records at once; beyond
	// it the oldest is sent. 0: 256.
	Window int
	// MaxAge sends a waiting event once a record this much newer arrives.
	// 0: 5 seconds.
	MaxAge time.Duration
	// Processes bounds the pid table used to name parents (two generations
	// of this many entries). 0: 65536.
	Processes int
}

func (c Config) withDefaults() Config {
	if c.Window <= 0 {
		c.Window = 256
	}
	if c.MaxAge <= 0 {
		c.MaxAge = 5 * time.Second
	}
	if c.Processes <= 0 {
		c.Processes = 1 << 16
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	return c
}

// Format returns the audit log stream format.
func Format(p *event.Principals, cfg Config) source.Format {
	return source.Format{
		Name:  FormatName,
		Sniff: Sniff,
		Decode: func(ctx context.Context, in *source.Input, sink source.Sink) error {
			return decode(ctx, in, sink, NewAssembler(p, cfg))
		},
	}
}

// Sniff reports whether head starts like an audit log: its first line that
// is not blank or an ausearch separator is an audit record.
func Sniff(head []byte) bool {
	for n := 0; len(head) > 0 && n < 64; n++ {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || bytes.HasPrefix(line, []byte("----")) || bytes.HasPrefix(line, []byte("time->")) {
			continue
		}
		if !bytes.HasPrefix(line, []byte("type=")) && !bytes.HasPrefix(line, []byte("node=")) {
			return false
		}
		_, err := parseHeader(string(line), nil)
		return err == nil
	}
	return false
}

func decode(ctx context.Context, in *source.Input, sink source.Sink, asm *Assembler) error {
	lines := source.NewLines(in, FormatName, 0)
	for lines.Next(sink) {
		if lines.Number()&1023 == 0 && ctx.Err() != nil {
			asm.Flush(sink)
			return ctx.Err()
		}
		line := bytes.TrimSpace(lines.Bytes())
		if len(line) == 0 {
			continue
		}
		if bytes.HasPrefix(line, []byte("----")) || bytes.HasPrefix(line, []byte("time->")) {
			asm.Separator(sink)
			continue
		}
		src := event.Source{Format: FormatName, Path: in.Path, Offset: lines.Offset()}
		if err := asm.Add(string(line), "", src, sink); err != nil {
			sink.Error(in.Errorf(FormatName, lines.Offset(), fmt.Errorf("decoding line %d (%q): %w", lines.Number(), preview(line), err)))
		}
	}
	asm.Flush(sink)
	return nil
}

// preview is the start of a bad line, for error messages.
func preview(line []byte) string {
	if len(line) > 40 {
		return string(line[:40]) + "..."
	}
	return string(line)
}
