package auditd

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Fields the reader adds to what the records say, for rules written
// against process and file telemetry (Sigma's process_creation and
// file_event): the record fields alone do not name a process's parent or
// make a relative path absolute.
const (
	// keyParentExe is the executable of the parent of an exec'd process,
	// when the parent's own exec is in the stream.
	keyParentExe = "parent_exe"
	// keyParentCmdline is that parent's command line (its EXECVE
	// arguments joined), at most maxCmdline bytes.
	keyParentCmdline = "parent_cmdline"
	// keyTargetPath is the absolute path of the file a file syscall
	// created, wrote, read, deleted, renamed to or changed.
	keyTargetPath = "target_path"
)

// maxCmdline bounds the command line the process table keeps per process,
// so that its memory stays bounded whatever the arguments.
const maxCmdline = 4096

// derive appends a derived field; empty values are left out.
func (b *builder) derive(key, value string) {
	if value != "" {
		b.ev.Fields = append(b.ev.Fields, event.Field{Key: key, Value: value})
	}
}

// value returns the last value of key in the event's fields (derived ones
// included), "" when absent.
func (b *builder) value(key string) string {
	f := b.ev.Fields
	for i := len(f) - 1; i >= 0; i-- {
		if f[i].Key == key {
			return f[i].Value
		}
	}
	return ""
}

// fileTarget makes the file at name (relative to the working directory or
// absolute) the event's target and records its absolute path.
func (b *builder) fileTarget(name string) {
	p := b.absPath(name)
	if p == "" {
		return
	}
	b.ev.AddRef(event.RoleTarget, event.File(b.host, p, false))
	b.derive(keyTargetPath, p)
}

// keepCmdline returns a copy of a command line to keep beyond the event (so
// that it does not pin the buffer it was cut from), cut at maxCmdline bytes
// on a character boundary.
func keepCmdline(s string) string {
	if len(s) > maxCmdline {
		s = strings.ToValidUTF8(s[:maxCmdline], "")
	}
	return strings.Clone(s)
}
