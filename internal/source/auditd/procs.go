package auditd

import (
	"strconv"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// UnknownStart is the start of a process whose exec the stream does not
// show (it was running before the log begins, or it forked without exec):
// such a process is named host + pid + "unknown". The name is stable across
// files and sources (a syslog line "sshd[812]" names the same process as an
// audit record with pid=812), at the price that two such processes that
// reused one pid share an id. A process whose exec is seen is named by the
// exec's audit stamp and is exact.
const UnknownStart = "unknown"

// procKey is a process slot on a host.
type procKey struct {
	host string
	pid  int64
}

// proc is the identity of the process that currently holds a pid.
type proc struct {
	start   string // audit stamp of its exec
	image   string
	cmdline string // at most maxCmdline bytes
	ppid    int64
}

// procTable maps (host, pid) to the process that last exec'd with that pid.
// It keeps two generations of at most max entries each: when the current one
// is full it becomes the old one, so memory stays bounded and recently seen
// processes stay known.
type procTable struct {
	max      int
	cur, old map[procKey]proc
}

func newProcTable(max int) *procTable {
	if max <= 0 {
		max = 1 << 16
	}
	return &procTable{max: max, cur: make(map[procKey]proc)}
}

func (t *procTable) get(k procKey) (proc, bool) {
	if p, ok := t.cur[k]; ok {
		return p, true
	}
	p, ok := t.old[k]
	return p, ok
}

func (t *procTable) put(k procKey, p proc) {
	if len(t.cur) >= t.max {
		t.old, t.cur = t.cur, make(map[procKey]proc, t.max/4)
	}
	t.cur[k] = p
}

// entity returns the process holding pid on host now.
func (t *procTable) entity(host event.Entity, pid int64) event.Entity {
	if host.ID == "" || pid <= 0 {
		return event.Entity{}
	}
	if p, ok := t.get(procKey{host.ID, pid}); ok {
		return event.ProcessPID(host, pid, p.start, p.image)
	}
	return event.ProcessPID(host, pid, UnknownStart, "")
}

// parsePID reads a pid field; 0 when absent or invalid.
func parsePID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
