package simulate

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// linuxHost is a simulated Linux server writing /var/log/auth.log and
// /var/log/audit/audit.log.
type linuxHost struct {
	h       *Host
	rng     *rand.Rand
	arng    *rand.Rand // draws what only the audit log shows, so auth.log's choices do not depend on it
	nextPID int
	uids    map[string]int
	ses     int // the last audit session id given
}

func newLinuxHost(s *sim, h *Host) *linuxHost {
	l := &linuxHost{h: h, rng: s.rng("linux/" + h.Name), arng: s.rng("audit/" + h.Name), uids: map[string]int{"root": 0, "deploy": 1001}}
	l.nextPID = 20000 + l.rng.IntN(20000)
	l.ses = 1 + l.arng.IntN(400)
	return l
}

func (l *linuxHost) pid() int {
	l.nextPID += 1 + l.rng.IntN(60)
	if l.nextPID > 4194000 {
		l.nextPID = 1000
	}
	return l.nextPID
}

// auditPID is the pid of a process only the audit log names (shells,
// commands): drawn from the audit stream, in the host's pid sequence.
func (l *linuxHost) auditPID() int {
	l.nextPID += 1 + l.arng.IntN(8)
	if l.nextPID > 4194000 {
		l.nextPID = 1000
	}
	return l.nextPID
}

func (l *linuxHost) uid(user string) int {
	if id, ok := l.uids[user]; ok {
		return id
	}
	id := 1002 + len(l.uids)
	l.uids[user] = id
	return id
}

func (s *sim) authLog(l *linuxHost, t time.Time, program string, pid int, msg string) {
	s.emit(t, &syslogLine{host: l.h.Name, program: program, pid: pid, msg: msg})
}

// sshLogin records an SSH login of user from src: a mistyped password
// first when typo is set, the accepted key or password, the PAM session,
// sometimes a sudo, and the session's end, in auth.log and in the audit
// log (with the login shell and the commands run from it).
func (s *sim) sshLogin(l *linuxHost, t time.Time, user, src string, port int, typo bool, rng *rand.Rand) {
	pid := l.pid()
	method := "publickey"
	ss := sshSession{user: user, src: src, pid: pid, password: typo}
	if typo {
		method = "password"
		s.authLog(l, t, "sshd", pid, fmt.Sprintf("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s", src, user))
		t = t.Add(2 * time.Second)
		s.authLog(l, t, "sshd", pid, fmt.Sprintf("Failed password for %s from %s port %d ssh2", user, src, port))
		ss.failedAt = t
		t = t.Add(jitter(rng, 3*time.Second, 9*time.Second))
	}
	suffix := " ssh2: ED25519 SHA256:" + randString(rng, base62, 43)
	if method == "password" {
		suffix = " ssh2"
	}
	s.authLog(l, t, "sshd", pid, fmt.Sprintf("Accepted %s for %s from %s port %d%s", method, user, src, port, suffix))
	s.authLog(l, t, "sshd", pid, fmt.Sprintf("pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)", user, l.uid(user)))
	ss.at, ss.pts = t, l.arng.IntN(4)
	if rng.IntN(3) == 0 {
		cmds := []string{"/usr/bin/systemctl restart nginx", "/usr/bin/journalctl -u app --since today", "/usr/bin/apt-get update", "/usr/bin/tail -n 200 /var/log/syslog"}
		ss.sudoAt = t.Add(jitter(rng, 10*time.Second, 5*time.Minute))
		ss.pts = rng.IntN(4)
		ss.sudoCmd = pick(rng, cmds)
		s.authLog(l, ss.sudoAt, "sudo", 0,
			fmt.Sprintf("%s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=%s", user, ss.pts, user, ss.sudoCmd))
	}
	end := t.Add(jitter(rng, 5*time.Minute, 40*time.Minute))
	ss.end = end
	s.auditSSH(l, ss)
	s.authLog(l, end, "sshd", pid, fmt.Sprintf("Received disconnect from %s port %d:11: disconnected by user", src, port))
	s.authLog(l, end, "sshd", pid, fmt.Sprintf("Disconnected from user %s %s port %d", user, src, port))
	s.authLog(l, end, "sshd", pid, "pam_unix(sshd:session): session closed for user "+user)
}

// linuxCron is a server's scheduled jobs (root's hourly jobs, the nightly
// backup) and the CI system's deployments over SSH.
type linuxCron struct {
	l   *linuxHost
	rng *rand.Rand
}

func (a *linuxCron) step(s *sim, now time.Time) (time.Time, bool) {
	l := a.l
	if a.rng.IntN(5) == 0 && s.busy(now) > 0 && l.h.Role == "server" && !l.h.Internet {
		// A deployment: the CI runner's job reaches the server through the bastion.
		src := l.h.IP
		for _, b := range s.world.linux {
			if b.h.Internet {
				src = b.h.IP
			}
		}
		port := 32768 + a.rng.IntN(28000)
		s.flow(a.rng, now, flow{src: src, srcPort: port, dst: l.h.IP, dstPort: 22, service: "ssh",
			bytesOut: 40000 + a.rng.Int64N(4000000), bytesIn: 9000 + a.rng.Int64N(90000), dur: jitter(a.rng, 20*time.Second, 3*time.Minute)})
		s.sshLogin(l, now.Add(200*time.Millisecond), "deploy", src, port, false, a.rng)
	} else {
		pid := l.pid()
		closed := now.Add(jitter(a.rng, time.Second, 50*time.Second))
		s.authLog(l, now, "CRON", pid, "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)")
		s.authLog(l, closed, "CRON", pid, "pam_unix(cron:session): session closed for user root")
		s.auditCron(l, pid, now, closed)
	}
	return s.arrival(a.rng, now, 1.5, 3), true
}

// sshScanner is the Internet knocking on an exposed SSH port: guessed
// users and passwords from many addresses, each refused.
type sshScanner struct {
	l   *linuxHost
	rng *rand.Rand
}

var guessedUsers = []string{"admin", "test", "oracle", "ubuntu", "user", "postgres", "git", "ftpuser", "pi", "support"}

func (a *sshScanner) step(s *sim, now time.Time) (time.Time, bool) {
	l := a.l
	src := fmt.Sprintf("%d.%d.%d.%d", pick(a.rng, []int{45, 61, 92, 103, 141, 159, 183, 194, 218}), a.rng.IntN(256), a.rng.IntN(256), 1+a.rng.IntN(254))
	port := 1024 + a.rng.IntN(64000)
	t := now
	for range 1 + a.rng.IntN(4) {
		pid := l.pid()
		user := pick(a.rng, guessedUsers)
		if a.rng.IntN(4) == 0 {
			s.authLog(l, t, "sshd", pid, fmt.Sprintf("Failed password for root from %s port %d ssh2", src, port))
			s.auditRefused(l, t, pid, "root", src, false)
		} else {
			s.authLog(l, t, "sshd", pid, fmt.Sprintf("Invalid user %s from %s port %d", user, src, port))
			s.authLog(l, t.Add(2*time.Second), "sshd", pid, fmt.Sprintf("Failed password for invalid user %s from %s port %d ssh2", user, src, port))
			s.auditRefused(l, t.Add(2*time.Second), pid, user, src, true)
		}
		s.flow(a.rng, t, flow{src: src, srcPort: port, dst: l.h.IP, dstPort: 22, service: "ssh",
			bytesOut: 1500 + a.rng.Int64N(1500), bytesIn: 2000 + a.rng.Int64N(1500), dur: jitter(a.rng, 2*time.Second, 6*time.Second)})
		t = t.Add(jitter(a.rng, 3*time.Second, 20*time.Second))
		port = 1024 + a.rng.IntN(64000)
	}
	return s.arrival(a.rng, now, 0, 8), true
}
