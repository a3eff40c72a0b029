package simulate

import (
	"fmt"
	"hash/fnv"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// The Linux servers run auditd with the usual execve rule
// (-a always,exit -F arch=b64 -S execve -k exec) and log in the raw format
// with name_format=hostname: PAM, sshd and sudo write their user-space
// records (USER_AUTH, USER_ACCT, CRED_ACQ, USER_START, USER_LOGIN,
// USER_CMD, ...), the kernel the LOGIN record of each new session and the
// SYSCALL, EXECVE, CWD, PATH and PROCTITLE records of every program
// started. The servers are Debian-like: cron is /usr/sbin/cron, /bin/sh is
// dash.

// auditEvent is one audit event of a host: records that share a stamp.
// The writer gives it the host's next serial.
type auditEvent struct {
	host string
	recs []write.AuditRecord
}

// auditUnset stands for an unset login uid or session (audit writes
// 4294967295).
const auditUnset = -1

func auditID(v int) string {
	if v == auditUnset {
		return "4294967295"
	}
	return strconv.Itoa(v)
}

func (s *sim) audit(l *linuxHost, t time.Time, recs ...write.AuditRecord) {
	s.emit(t, &auditEvent{host: l.h.Name, recs: recs})
}

// pamReq is a user-space record of a PAM operation, a login or a logout.
type pamReq struct {
	typ      string // USER_AUTH, USER_ACCT, CRED_ACQ, USER_START, ...
	pid      int
	uid      int
	auid     int
	ses      int
	op       string // "PAM:authentication", "login", ...
	acct     string // the account, as given (encoded here)
	id       int    // login and logout records of sshd name the uid instead of acct (when acct is "")
	exe      string
	hostname string // "?" when none
	addr     string // "?" when none
	terminal string
	ok       bool
}

func (s *sim) auditPAM(l *linuxHost, t time.Time, r pamReq) {
	res := "failed"
	if r.ok {
		res = "success"
	}
	who := "id=" + strconv.Itoa(r.id)
	if r.acct != "" {
		who = "acct=" + write.AuditString(r.acct)
	}
	body := fmt.Sprintf("pid=%d uid=%d auid=%s ses=%s msg='op=%s %s exe=%s hostname=%s addr=%s terminal=%s res=%s'",
		r.pid, r.uid, auditID(r.auid), auditID(r.ses), r.op, who, write.AuditString(r.exe), r.hostname, r.addr, r.terminal, res)
	s.audit(l, t, write.AuditRecord{Type: r.typ, Body: body})
}

// auditLogin is the kernel's LOGIN record: process pid of uid takes the
// login uid auid and a new session, whose number it returns.
func (s *sim) auditLogin(l *linuxHost, t time.Time, pid, auid int) int {
	l.ses++
	s.audit(l, t, write.AuditRecord{Type: "LOGIN", Body: fmt.Sprintf(
		"pid=%d uid=0 old-auid=4294967295 auid=%d tty=(none) old-ses=4294967295 ses=%d res=1", pid, auid, l.ses)})
	return l.ses
}

// execReq is a program started by execve.
type execReq struct {
	pid, ppid int
	uid, gid  int
	auid, ses int
	tty       string // "pts0", or "(none)"
	path      string // as passed to execve: /usr/bin/tail, /bin/sh
	argv      []string
	cwd       string
}

// resolved maps paths that are symbolic links to the binary the kernel
// runs (exe=).
var resolved = map[string]string{"/bin/sh": "/usr/bin/dash", "/usr/bin/sh": "/usr/bin/dash"}

// auditExec records a successful execve: SYSCALL, EXECVE, CWD, the PATH of
// the program and of its loader, and PROCTITLE.
func (s *sim) auditExec(l *linuxHost, t time.Time, e execReq) {
	exe := e.path
	if r, ok := resolved[exe]; ok {
		exe = r
	}
	comm := path.Base(e.path)
	if len(comm) > 15 {
		comm = comm[:15]
	}
	rng := l.arng
	ptr := func() uint64 { return 0x550000000000 + rng.Uint64N(0xffffffffff) }
	syscall := fmt.Sprintf("arch=c000003e syscall=59 success=yes exit=0 a0=%x a1=%x a2=%x a3=%x items=2 ppid=%d pid=%d auid=%s uid=%d gid=%d euid=%d suid=%d fsuid=%d egid=%d sgid=%d fsgid=%d tty=%s ses=%s comm=%s exe=%s key=\"exec\"",
		ptr(), ptr(), ptr(), 8+rng.IntN(40), e.ppid, e.pid, auditID(e.auid), e.uid, e.gid, e.uid, e.uid, e.uid, e.gid, e.gid, e.gid,
		e.tty, auditID(e.ses), write.AuditString(comm), write.AuditString(exe))
	var args strings.Builder
	fmt.Fprintf(&args, "argc=%d", len(e.argv))
	for i, a := range e.argv {
		fmt.Fprintf(&args, " a%d=%s", i, write.AuditString(a))
	}
	title := strings.Join(e.argv, "\x00")
	if len(title) > 128 { // the kernel keeps the first 128 bytes
		title = title[:128]
	}
	s.audit(l, t,
		write.AuditRecord{Type: "SYSCALL", Body: syscall},
		write.AuditRecord{Type: "EXECVE", Body: args.String()},
		write.AuditRecord{Type: "CWD", Body: "cwd=" + write.AuditString(e.cwd)},
		write.AuditRecord{Type: "PATH", Body: pathItem(0, e.path, l.h.Name)},
		write.AuditRecord{Type: "PATH", Body: pathItem(1, "/lib64/ld-linux-x86-64.so.2", l.h.Name)},
		write.AuditRecord{Type: "PROCTITLE", Body: "proctitle=" + write.AuditString(title)},
	)
}

// pathItem is a PATH record of an executable file; its inode is fixed per
// host and path.
func pathItem(item int, name, host string) string {
	h := fnv.New32a()
	h.Write([]byte(host + ":" + name))
	return fmt.Sprintf("item=%d name=%s inode=%d dev=fd:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0",
		item, write.AuditString(name), 100000+h.Sum32()%3900000)
}

// sshSession is an accepted SSH login as auth.log records it, for the
// audit records of the same session.
type sshSession struct {
	user     string
	src      string
	pid      int // sshd's process for the connection
	at, end  time.Time
	failedAt time.Time // a mistyped password before, when not zero
	password bool
	sudoAt   time.Time // when the user ran sudo, if ever
	sudoCmd  string    // the command, with its full path
	pts      int
}

// auditSSH records an SSH session: PAM's authentication (for a password),
// account check, credentials and session, the login uid and session, the
// login shell and the commands run from it, a sudo, and the session's end.
func (s *sim) auditSSH(l *linuxHost, ss sshSession) {
	uid := l.uid(ss.user)
	pam := pamReq{pid: ss.pid, uid: 0, auid: auditUnset, ses: auditUnset, acct: ss.user, exe: "/usr/sbin/sshd",
		hostname: ss.src, addr: ss.src, terminal: "ssh", ok: true}
	if !ss.failedAt.IsZero() {
		r := pam
		r.typ, r.op, r.ok = "USER_AUTH", "PAM:authentication", false
		s.auditPAM(l, ss.failedAt, r)
		r.typ, r.op, r.hostname, r.terminal = "USER_LOGIN", "login", "?", "sshd"
		s.auditPAM(l, ss.failedAt, r)
	}
	t := ss.at
	if ss.password {
		r := pam
		r.typ, r.op = "USER_AUTH", "PAM:authentication"
		s.auditPAM(l, t, r)
	}
	for _, step := range [][2]string{{"USER_ACCT", "PAM:accounting"}, {"CRED_ACQ", "PAM:setcred"}} {
		r := pam
		r.typ, r.op = step[0], step[1]
		s.auditPAM(l, t, r)
	}
	t = t.Add(3 * time.Millisecond)
	ses := s.auditLogin(l, t, ss.pid, uid)
	pam.auid, pam.ses = uid, ses
	r := pam
	r.typ, r.op = "USER_START", "PAM:session_open"
	s.auditPAM(l, t.Add(5*time.Millisecond), r)
	tty := fmt.Sprintf("/dev/pts/%d", ss.pts)
	login := pam
	login.typ, login.op, login.acct, login.id, login.terminal = "USER_LOGIN", "login", "", uid, tty
	s.auditPAM(l, t.Add(9*time.Millisecond), login)

	home := "/home/" + ss.user
	shell := execReq{pid: l.auditPID(), ppid: ss.pid + 2, uid: uid, gid: uid, auid: uid, ses: ses,
		tty: fmt.Sprintf("pts%d", ss.pts), path: "/usr/bin/bash", argv: []string{"-bash"}, cwd: home}
	s.auditExec(l, t.Add(40*time.Millisecond), shell)
	cmds := developerCommands
	if ss.user == "deploy" {
		cmds = deployCommands
	}
	// The commands, and the sudo, in time order: pids grow with time.
	var times []time.Time
	if span := ss.end.Sub(t); span > 0 {
		for range 1 + l.arng.IntN(4) {
			at := t.Add(time.Duration(l.arng.Int64N(int64(span))))
			if ss.sudoAt.IsZero() || at.Before(ss.sudoAt.Add(-time.Second)) || at.After(ss.sudoAt.Add(5*time.Second)) {
				times = append(times, at)
			}
		}
	}
	slices.SortFunc(times, time.Time.Compare)
	sudo := !ss.sudoAt.IsZero()
	for _, at := range times {
		if sudo && at.After(ss.sudoAt) {
			s.auditSudo(l, ss.sudoAt, ss.user, shell, ss.sudoCmd, ss.pts)
			sudo = false
		}
		c := execReq{pid: l.auditPID(), ppid: shell.pid, uid: uid, gid: uid, auid: uid, ses: ses, tty: shell.tty, cwd: home}
		c.path, c.argv = commandLine(pick(l.arng, cmds))
		s.auditExec(l, at, c)
	}
	if sudo {
		s.auditSudo(l, ss.sudoAt, ss.user, shell, ss.sudoCmd, ss.pts)
	}
	end := pam
	end.typ, end.op = "USER_END", "PAM:session_close"
	s.auditPAM(l, ss.end, end)
	end.typ, end.op = "CRED_DISP", "PAM:setcred"
	s.auditPAM(l, ss.end, end)
	login.typ, login.op = "USER_LOGOUT", "logout"
	s.auditPAM(l, ss.end.Add(2*time.Millisecond), login)
}

// Commands people and the CI system run in their sessions: the program's
// path and its arguments.
var (
	developerCommands = []string{
		"/usr/bin/ls -la", "/usr/bin/tail -n 100 /var/log/app/app.log", "/usr/bin/systemctl status app",
		"/usr/bin/git -C /opt/app log -5 --oneline", "/usr/bin/df -h", "/usr/bin/ps aux", "/usr/bin/free -m",
		"/usr/bin/vim /opt/app/config.yaml", "/usr/bin/grep -i error /var/log/app/app.log",
	}
	deployCommands = []string{
		"/usr/bin/mkdir -p /opt/app/releases/next", "/usr/bin/tar -xzf /tmp/release.tar.gz -C /opt/app/releases/next",
		"/usr/bin/ln -sfn /opt/app/releases/next /opt/app/current", "/usr/bin/sha256sum /tmp/release.tar.gz",
	}
)

// commandLine splits "path args..." into the path and the argv a shell
// passes (argv[0] the program's name).
func commandLine(cmd string) (string, []string) {
	argv := strings.Fields(cmd)
	p := argv[0]
	argv[0] = path.Base(p)
	return p, argv
}

// auditSudo records user running cmd (full path and arguments) as root
// with sudo from shell: sudo's exec, PAM's account check, USER_CMD, the credentials
// and session of root, the command's exec, and the session's end.
func (s *sim) auditSudo(l *linuxHost, t time.Time, user string, shell execReq, cmd string, pts int) {
	cmdPath, argv := commandLine(cmd)
	sudo := shell
	sudo.pid, sudo.ppid, sudo.path = l.auditPID(), shell.pid, "/usr/bin/sudo"
	sudo.argv = append([]string{"sudo"}, argv...)
	s.auditExec(l, t.Add(-300*time.Millisecond), sudo)
	tty := fmt.Sprintf("/dev/pts/%d", pts)
	pam := pamReq{pid: sudo.pid, uid: shell.uid, auid: shell.auid, ses: shell.ses, exe: "/usr/bin/sudo",
		hostname: "?", addr: "?", terminal: tty, ok: true}
	r := pam
	r.typ, r.op, r.acct = "USER_ACCT", "PAM:accounting", user
	s.auditPAM(l, t, r)
	s.audit(l, t, write.AuditRecord{Type: "USER_CMD", Body: fmt.Sprintf(
		"pid=%d uid=%d auid=%d ses=%d msg='cwd=%s cmd=%s exe=\"/usr/bin/sudo\" terminal=pts/%d res=success'",
		sudo.pid, shell.uid, shell.auid, shell.ses, write.AuditString(shell.cwd), write.AuditString(strings.Join(argv, " ")), pts)})
	r = pam
	r.acct = "root"
	r.typ, r.op = "CRED_REFR", "PAM:setcred"
	s.auditPAM(l, t.Add(time.Millisecond), r)
	r.typ, r.op = "USER_START", "PAM:session_open"
	s.auditPAM(l, t.Add(2*time.Millisecond), r)
	run := execReq{pid: l.auditPID(), ppid: sudo.pid, uid: 0, gid: 0, auid: shell.auid, ses: shell.ses, tty: shell.tty,
		path: cmdPath, argv: argv, cwd: shell.cwd}
	s.auditExec(l, t.Add(5*time.Millisecond), run)
	done := t.Add(time.Duration(300+l.arng.IntN(3000)) * time.Millisecond)
	r.typ, r.op = "USER_END", "PAM:session_close"
	s.auditPAM(l, done, r)
	r.typ, r.op = "CRED_DISP", "PAM:setcred"
	s.auditPAM(l, done, r)
}

// Jobs cron runs as root.
var cronJobs = []string{
	"cd / && run-parts --report /etc/cron.hourly",
	"command -v debian-sa1 > /dev/null && debian-sa1 1 1",
	"[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi",
	"test -x /usr/sbin/logrotate && /usr/sbin/logrotate /etc/logrotate.conf",
}

// auditCron records a cron job of root: PAM's account check and
// credentials, the session, the job's shell, and the session's end.
func (s *sim) auditCron(l *linuxHost, pid int, open, closed time.Time) {
	pam := pamReq{pid: pid, uid: 0, auid: auditUnset, ses: auditUnset, acct: "root", exe: "/usr/sbin/cron",
		hostname: "?", addr: "?", terminal: "cron", ok: true}
	for _, step := range [][2]string{{"USER_ACCT", "PAM:accounting"}, {"CRED_ACQ", "PAM:setcred"}} {
		r := pam
		r.typ, r.op = step[0], step[1]
		s.auditPAM(l, open, r)
	}
	ses := s.auditLogin(l, open.Add(time.Millisecond), pid, 0)
	pam.auid, pam.ses = 0, ses
	r := pam
	r.typ, r.op = "USER_START", "PAM:session_open"
	s.auditPAM(l, open.Add(2*time.Millisecond), r)
	job := execReq{pid: l.auditPID(), ppid: pid, uid: 0, gid: 0, auid: 0, ses: ses, tty: "(none)", path: "/bin/sh",
		argv: []string{"/bin/sh", "-c", pick(l.arng, cronJobs)}, cwd: "/root"}
	s.auditExec(l, open.Add(6*time.Millisecond), job)
	r.typ, r.op = "CRED_DISP", "PAM:setcred"
	s.auditPAM(l, closed, r)
	r.typ, r.op = "USER_END", "PAM:session_close"
	s.auditPAM(l, closed, r)
}

// auditRefused records a refused SSH login from src: PAM's failed
// authentication (an unknown user is "?" to PAM) and sshd's failed login
// (an unknown user is "(invalid user)" to sshd).
func (s *sim) auditRefused(l *linuxHost, t time.Time, pid int, user, src string, invalid bool) {
	pamAcct, sshdAcct := user, user
	if invalid {
		pamAcct, sshdAcct = "?", "(invalid user)"
	}
	s.auditPAM(l, t, pamReq{typ: "USER_AUTH", pid: pid, auid: auditUnset, ses: auditUnset, op: "PAM:authentication", acct: pamAcct,
		exe: "/usr/sbin/sshd", hostname: src, addr: src, terminal: "ssh"})
	s.auditPAM(l, t, pamReq{typ: "USER_LOGIN", pid: pid, auid: auditUnset, ses: auditUnset, op: "login", acct: sshdAcct,
		exe: "/usr/sbin/sshd", hostname: "?", addr: src, terminal: "sshd"})
}
