package auditd

import (
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Open flags (the same values on x86_64, i386 and aarch64).
const (
	oAccMode = 0x3
	oCreat   = 0x40
	oTrunc   = 0x200
)

// syscall classifies an event led by a SYSCALL record (or an auoms record,
// which carries the syscall and its PATH, CWD and EXECVE data in one line).
func (b *builder) syscall(s span) {
	ev := b.ev
	name := b.get(s, "SYSCALL")
	if name == "" {
		name = syscallName(b.get(s, "arch"), b.get(s, "syscall"))
	}
	pid, ppid := parsePID(b.get(s, "pid")), parsePID(b.get(s, "ppid"))
	exe := b.get(s, "exe")
	success := b.get(s, "success")
	ev.Action = name
	ev.Outcome = outcome(success, "")
	user, ses := b.principal(s, "uid", b.nameKey(s, "UID", "user")), b.session(s)
	procs := b.a.procs

	switch name {
	case "execve", "execveat":
		ev.Class, ev.Action = event.ClassProcess, "start"
		if success == "yes" {
			parent := procs.entity(b.host, ppid)
			pp, known := procs.get(procKey{b.host.ID, ppid})
			if known && pp.ppid > 0 {
				ev.AddRef(event.RoleParent, procs.entity(b.host, pp.ppid))
			}
			ev.AddRef(event.RoleActor, parent)
			ev.AddRef(event.RoleTarget, event.ProcessPID(b.host, pid, b.p.key.stamp, exe))
			ev.AddRef(event.RoleImage, b.file(exe))
			if known {
				b.derive(keyParentExe, pp.image)
				b.derive(keyParentCmdline, pp.cmdline)
			}
			if pid > 0 {
				procs.put(procKey{b.host.ID, pid}, proc{start: b.p.key.stamp, image: exe, ppid: ppid, cmdline: keepCmdline(b.value("cmdline"))})
			}
		} else {
			ev.AddRef(event.RoleActor, procs.entity(b.host, pid))
			ev.AddRef(event.RoleParent, procs.entity(b.host, ppid))
			ev.AddRef(event.RoleImage, b.file(b.itemName(s, "NORMAL", "UNKNOWN", "")))
		}
		ev.AddRef(event.RoleUser, user)
		ev.AddRef(event.RoleSession, ses)
		return
	}

	ev.AddRef(event.RoleActor, procs.entity(b.host, pid))
	ev.AddRef(event.RoleParent, procs.entity(b.host, ppid))
	ev.AddRef(event.RoleImage, b.file(exe))
	ev.AddRef(event.RoleUser, user)
	ev.AddRef(event.RoleSession, ses)

	switch name {
	case "connect", "accept", "accept4", "bind", "listen", "sendto", "sendmsg", "recvfrom", "recvmsg":
		b.network(name, b.get(s, "exit"))
	case "open", "openat", "openat2", "creat", "open_by_handle_at":
		ev.Class = event.ClassFile
		ev.Action = "read"
		if name == "creat" || b.writeFlags(s, name) {
			ev.Action = "write"
		}
		target := b.itemName(s, "CREATE", "NORMAL", "UNKNOWN")
		if b.hasItem("CREATE") {
			ev.Action = "create"
		}
		b.fileTarget(target)
	case "unlink", "unlinkat", "rmdir":
		ev.Class, ev.Action = event.ClassFile, "delete"
		b.fileTarget(b.itemName(s, "DELETE", "NORMAL", "UNKNOWN"))
	case "rename", "renameat", "renameat2":
		ev.Class, ev.Action = event.ClassFile, "rename"
		b.fileTarget(b.itemName(s, "CREATE", "NORMAL", "UNKNOWN"))
	case "truncate", "ftruncate":
		ev.Class, ev.Action = event.ClassFile, "write"
		b.fileTarget(b.itemName(s, "NORMAL", "UNKNOWN", ""))
	case "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
		"setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "utimensat", "utimes":
		ev.Class, ev.Action = event.ClassFile, "attrib"
		b.fileTarget(b.itemName(s, "NORMAL", "UNKNOWN", ""))
	case "link", "linkat", "symlink", "symlinkat":
		ev.Class, ev.Action = event.ClassFile, "link"
		b.fileTarget(b.itemName(s, "CREATE", "NORMAL", "UNKNOWN"))
	case "mkdir", "mkdirat", "mknod", "mknodat":
		ev.Class, ev.Action = event.ClassFile, "create"
		b.fileTarget(b.itemName(s, "CREATE", "NORMAL", "UNKNOWN"))
	case "init_module", "finit_module":
		ev.Class, ev.Action = event.ClassModule, "load"
		if km, ok := b.rec("KERN_MODULE"); ok {
			ev.AddRef(event.RoleTarget, event.Resource(b.host.ID, "kmod:"+b.get(km, "name"), b.get(km, "name")))
		}
	case "delete_module":
		ev.Class, ev.Action = event.ClassModule, "unload"
	case "ptrace", "process_vm_writev", "process_vm_readv":
		ev.Class, ev.Action = event.ClassProcess, "access"
		b.objPID()
	case "kill", "tkill", "tgkill":
		ev.Class, ev.Action = event.ClassProcess, "signal"
		b.objPID()
	}
}

// nameKey picks the first key the record has, for user names written next
// to numbers (enriched logs write UID="alice", auoms writes user=alice).
func (b *builder) nameKey(s span, keys ...string) string {
	for _, k := range keys {
		if b.get(s, k) != "" {
			return k
		}
	}
	return ""
}

// writeFlags reports whether an open's flags write (raw hex or interpreted).
func (b *builder) writeFlags(s span, name string) bool {
	arg := "a1"
	if name == "openat" || name == "open_by_handle_at" {
		arg = "a2"
	}
	v := b.get(s, arg)
	if strings.HasPrefix(v, "O_") {
		return strings.Contains(v, "O_WRONLY") || strings.Contains(v, "O_RDWR") ||
			strings.Contains(v, "O_CREAT") || strings.Contains(v, "O_TRUNC")
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(v, "0x"), 16, 64)
	if err != nil {
		return false
	}
	return n&oAccMode != 0 || n&(oCreat|oTrunc) != 0
}

// itemName returns the name of the first PATH record with one of the
// nametypes, in preference order ("" matches any but PARENT), or the auoms
// record's name.
func (b *builder) itemName(s span, types ...string) string {
	for _, want := range types {
		for _, r := range b.recs {
			if r.typ != "PATH" {
				continue
			}
			nt := b.get(r, "nametype")
			if nt == want || want == "" && nt != "PARENT" {
				if n := b.get(r, "name"); n != "" && n != "(null)" {
					return n
				}
			}
		}
	}
	if strings.HasPrefix(s.typ, "AUOMS_") {
		return b.get(s, "name")
	}
	return ""
}

func (b *builder) hasItem(nametype string) bool {
	for _, r := range b.recs {
		if r.typ == "PATH" && b.get(r, "nametype") == nametype {
			return true
		}
	}
	return false
}

// network fills a socket event from its SOCKADDR record.
func (b *builder) network(name, exit string) {
	ev := b.ev
	ev.Class = event.ClassNetwork
	switch name {
	case "accept", "accept4":
		ev.Action = "accept"
	case "bind", "listen":
		ev.Action = "bind"
	case "sendto", "sendmsg":
		ev.Action = "send"
	case "recvfrom", "recvmsg":
		ev.Action = "receive"
	default:
		ev.Action = "connect"
	}
	if strings.HasPrefix(exit, "-115") { // EINPROGRESS: a non-blocking connect under way
		ev.Outcome = event.OutcomeUnknown
	}
	sr, ok := b.rec("SOCKADDR")
	if !ok {
		return
	}
	sa, ok := decodeSaddr(b.get(sr, "saddr"))
	if !ok || sa.addr == "" || sa.family != "inet" && sa.family != "inet6" {
		return
	}
	ep := event.Endpoint(sa.addr, sa.port)
	switch ev.Action {
	case "accept", "bind", "receive":
		ev.AddRef(event.RoleSrc, ep)
	default:
		ev.AddRef(event.RoleDst, ep)
	}
}

// objPID adds the target of a signal or ptrace from its OBJ_PID record.
func (b *builder) objPID() {
	if r, ok := b.rec("OBJ_PID"); ok {
		b.ev.AddRef(event.RoleTarget, b.a.procs.entity(b.host, parsePID(b.get(r, "opid"))))
	}
}

// user classifies a user-space record: logins, authentication, account
// and service changes, audit daemon state.
func (b *builder) user(s span, uc userClass) {
	ev := b.ev
	ev.Class, ev.Action = uc.class, uc.action
	ev.Outcome = outcome("", b.get(s, "res"))
	if s.typ == "USER_ERR" || strings.HasPrefix(s.typ, "ANOM_") {
		ev.Outcome = event.OutcomeFailure
	}
	pid := parsePID(b.get(s, "pid"))
	ev.AddRef(event.RoleActor, b.a.procs.entity(b.host, pid))
	ev.AddRef(event.RoleImage, b.file(b.get(s, "exe")))
	ev.AddRef(event.RoleUser, b.principal(s, "uid", b.nameKey(s, "UID")))
	ev.AddRef(event.RoleSession, b.session(s))
	target := b.get(s, "acct")
	switch target {
	case "?", "(unknown)", "(invalid user)":
		target = ""
	}
	if target == "" {
		switch s.typ {
		case "LOGIN":
			target = b.nameOr(s, "AUID", "auid")
		case "USER_LOGIN", "USER_LOGOUT", "ADD_USER", "DEL_USER", "USER_MGMT", "USER_CHAUTHTOK", "ACCT_LOCK", "ACCT_UNLOCK", "CHUSER_ID":
			target = b.nameOr(s, "ID", "id")
		}
	}
	ev.AddRef(event.RoleTargetUser, b.a.p.Local(b.host, target))
	if addr := b.get(s, "addr"); addr != "" && addr != "?" && isIP(addr) {
		ev.AddRef(event.RoleSrc, event.IP(addr))
	}
	if unit := b.get(s, "unit"); unit != "" && uc.class == event.ClassService {
		ev.AddRef(event.RoleTarget, event.Resource(b.host.ID, "service:"+unit, unit))
	}
}

// nameOr returns the enriched name (ID="alice") or else the name of the
// numeric field (id=1001 -> "uid:1001").
func (b *builder) nameOr(s span, nameKey, numKey string) string {
	if n := b.get(s, nameKey); n != "" && n != "unset" {
		return n
	}
	return uidName(b.get(s, numKey))
}
