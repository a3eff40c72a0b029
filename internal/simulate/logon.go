package simulate

import (
	"strconv"
	"strings"
	"time"
)

// Windows logon types.
const (
	logonInteractive = 2
	logonNetwork     = 3
	logonService     = 5
	logonRemote      = 10
)

// logonReq describes a logon for the Security log.
type logonReq struct {
	typ     int
	target  account
	src     string // client address; "" for local logons
	srcPort int
	client  string // client workstation name, for network and remote logons
	ntlm    bool   // NTLM instead of Kerberos (network logons)
	admin   bool   // the account holds administrative rights (elevated token)
}

const zeroGUID = "00000000-0000-0000-0000-000000000000"

// logon records a successful logon on w (Security 4624) and returns the new
// session's logon id.
func (s *sim) logon(w *winHost, t time.Time, r logonReq) uint64 {
	id := w.logonID()
	subject, subjectLogon := w.machine, "0x3e7"
	proc, procName := hexID(uint64(w.winlogon.pid)), `C:\Windows\System32\svchost.exe`
	logonProc, pkg, lm, keyLen := "User32 ", "Negotiate", "-", 0
	workstation, ip, port, logonGUID := strings.ToUpper(w.h.Name), "127.0.0.1", "0", guid(w.rng, "")
	elevated, restricted := "%%1843", "-"
	if r.admin {
		elevated = "%%1842"
	}
	switch r.typ {
	case logonNetwork:
		subject, subjectLogon = account{"-", "-", "S-1-0-0"}, "0x0"
		proc, procName, logonProc, pkg, workstation = "0x0", "-", "Kerberos", "Kerberos", "-"
		ip, port, elevated = r.src, strconv.Itoa(r.srcPort), "%%1842"
		if r.ntlm {
			logonProc, pkg, lm, keyLen, logonGUID, workstation = "NtLmSsp ", "NTLM", "NTLM V2", 128, zeroGUID, strings.ToUpper(r.client)
		}
	case logonService:
		id = 0x3e7
		proc, procName, logonProc, workstation, ip, port, logonGUID = hexID(uint64(w.services.pid)), w.services.image, "Advapi  ", "-", "-", "-", zeroGUID
		elevated = "%%1842"
	case logonRemote:
		ip, workstation, restricted = r.src, strings.ToUpper(r.client), "%%1843"
	}
	s.securityEvent(w, t, 4624, 2, 12544, kwSuccess,
		s1("SubjectUserSid", subject.sid), s1("SubjectUserName", subject.name), s1("SubjectDomainName", subject.domain),
		s1("SubjectLogonId", subjectLogon), s1("TargetUserSid", r.target.sid), s1("TargetUserName", r.target.name),
		s1("TargetDomainName", r.target.domain), s1("TargetLogonId", hexID(id)), n1("LogonType", r.typ),
		s1("LogonProcessName", logonProc), s1("AuthenticationPackageName", pkg), s1("WorkstationName", workstation),
		s1("LogonGuid", logonGUID), s1("TransmittedServices", "-"), s1("LmPackageName", lm), n1("KeyLength", keyLen),
		s1("ProcessId", proc), s1("ProcessName", procName), s1("IpAddress", ip), s1("IpPort", port),
		s1("ImpersonationLevel", "%%1833"), s1("RestrictedAdminMode", restricted), s1("TargetOutboundUserName", "-"),
		s1("TargetOutboundDomainName", "-"), s1("VirtualAccount", "%%1843"), s1("TargetLinkedLogonId", "0x0"),
		s1("ElevatedToken", elevated),
	)
	return id
}

// logonFailed records a logon refused for a bad password (Security 4625).
func (s *sim) logonFailed(w *winHost, t time.Time, target account) {
	s.securityEvent(w, t, 4625, 0, 12544, kwFailure,
		s1("SubjectUserSid", "S-1-5-18"), s1("SubjectUserName", w.machine.name), s1("SubjectDomainName", w.machine.domain),
		s1("SubjectLogonId", "0x3e7"), s1("TargetUserSid", "S-1-0-0"), s1("TargetUserName", target.name),
		s1("TargetDomainName", target.domain), s1("Status", "0xc000006d"), s1("FailureReason", "%%2313"),
		s1("SubStatus", "0xc000006a"), n1("LogonType", logonInteractive), s1("LogonProcessName", "User32 "),
		s1("AuthenticationPackageName", "Negotiate"), s1("WorkstationName", strings.ToUpper(w.h.Name)),
		s1("TransmittedServices", "-"), s1("LmPackageName", "-"), n1("KeyLength", 0),
		s1("ProcessId", hexID(uint64(w.winlogon.pid))), s1("ProcessName", `C:\Windows\System32\svchost.exe`),
		s1("IpAddress", "127.0.0.1"), s1("IpPort", "0"),
	)
}

// domainLogon records the Kerberos side of a domain user's logon on the
// domain controller: a network logon from the client and the client's
// Kerberos and LDAP connections to it. It returns the network logon's id,
// 0 when there is no domain controller to record it.
func (s *sim) domainLogon(t time.Time, client *winHost, acct account) uint64 {
	dc := s.world.dc
	if dc == nil || dc == client {
		return 0
	}
	s.flow(client.rng, t, flow{src: client.h.IP, srcPort: 49152 + client.rng.IntN(16000), dst: dc.h.IP, dstPort: 88,
		service: "krb_tcp", bytesOut: 1450 + int64(client.rng.IntN(300)), bytesIn: 1620 + int64(client.rng.IntN(300)), dur: 8 * time.Millisecond})
	port := 49152 + client.rng.IntN(16000)
	s.flow(client.rng, t.Add(30*time.Millisecond), flow{src: client.h.IP, srcPort: port, dst: dc.h.IP, dstPort: 389,
		service: "ldap", bytesOut: 2900 + int64(client.rng.IntN(900)), bytesIn: 5100 + int64(client.rng.IntN(3000)), dur: 40 * time.Millisecond})
	return s.logon(dc, t.Add(35*time.Millisecond), logonReq{typ: logonNetwork, target: acct, src: client.h.IP, srcPort: port})
}
