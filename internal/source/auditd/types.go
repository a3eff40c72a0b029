package auditd

import (
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// numericTypes names record types that kernel logs (kern.log, dmesg) write
// as numbers: "audit: type=1400 audit(...)". From linux/audit.h and libaudit.
var numericTypes = map[string]string{
	"1006": "LOGIN", "1100": "USER_AUTH", "1101": "USER_ACCT", "1102": "USER_MGMT",
	"1103": "CRED_ACQ", "1104": "CRED_DISP", "1105": "USER_START", "1106": "USER_END",
	"1107": "USER_AVC", "1108": "USER_CHAUTHTOK", "1109": "USER_ERR", "1110": "CRED_REFR",
	"1111": "USYS_CONFIG", "1112": "USER_LOGIN", "1113": "USER_LOGOUT", "1114": "ADD_USER",
	"1115": "DEL_USER", "1116": "ADD_GROUP", "1117": "DEL_GROUP", "1119": "CHGRP_ID",
	"1123": "USER_CMD", "1124": "USER_TTY", "1125": "CHUSER_ID", "1126": "GRP_AUTH",
	"1127": "SYSTEM_BOOT", "1128": "SYSTEM_SHUTDOWN", "1129": "SYSTEM_RUNLEVEL",
	"1130": "SERVICE_START", "1131": "SERVICE_STOP", "1132": "GRP_MGMT", "1133": "GRP_CHAUTHTOK",
	"1135": "ACCT_LOCK", "1136": "ACCT_UNLOCK", "1200": "DAEMON_START", "1201": "DAEMON_END",
	"1202": "DAEMON_ABORT", "1203": "DAEMON_CONFIG", "1300": "SYSCALL", "1302": "PATH",
	"1303": "IPC", "1304": "SOCKETCALL", "1305": "CONFIG_CHANGE", "1306": "SOCKADDR",
	"1307": "CWD", "1309": "EXECVE", "1316": "KERNEL_OTHER", "1317": "FD_PAIR",
	"1318": "OBJ_PID", "1319": "TTY", "1320": "EOE", "1321": "BPRM_FCAPS", "1322": "CAPSET",
	"1323": "MMAP", "1324": "NETFILTER_PKT", "1325": "NETFILTER_CFG", "1326": "SECCOMP",
	"1327": "PROCTITLE", "1328": "FEATURE_CHANGE", "1329": "REPLACE", "1330": "KERN_MODULE",
	"1331": "FANOTIFY", "1334": "BPF", "1336": "URINGOP", "1337": "OPENAT2",
	"1400": "AVC", "1401": "SELINUX_ERR", "1402": "AVC_PATH", "1403": "MAC_POLICY_LOAD",
	"1404": "MAC_STATUS", "1405": "MAC_CONFIG_CHANGE", "1700": "ANOM_PROMISCUOUS",
	"1701": "ANOM_ABEND", "1702": "ANOM_LINK", "1703": "ANOM_CREAT", "2100": "ANOM_LOGIN_FAILURES",
	"2101": "ANOM_LOGIN_TIME", "2102": "ANOM_LOGIN_SESSIONS", "2103": "ANOM_LOGIN_ACCT",
	"2104": "ANOM_LOGIN_LOCATION", "2105": "ANOM_MAX_DAC", "2106": "ANOM_MAX_MAC",
}

// typeName returns the name of a record type written as a name, a number,
// or "UNKNOWN[1334]".
func typeName(t string) string {
	if n, ok := numericTypes[t]; ok {
		return n
	}
	if inner, ok := strings.CutPrefix(t, "UNKNOWN["); ok {
		if n, ok := numericTypes[strings.TrimSuffix(inner, "]")]; ok {
			return n
		}
	}
	return t
}

// standalone reports whether a record type is a whole event by itself:
// user-space messages (logins, account changes, daemon and service state)
// and auoms' pre-assembled records. Kernel syscall records (SYSCALL, PATH,
// CWD, EXECVE, ...) are parts of a multi-record event instead.
func standalone(typ string) bool {
	if typ == "LOGIN" || typ == "CONFIG_CHANGE" { // kernel records: may share a SYSCALL's stamp
		return false
	}
	if _, ok := userTypes[typ]; ok {
		return true
	}
	switch {
	case strings.HasPrefix(typ, "AUOMS_"), strings.HasPrefix(typ, "DAEMON_"),
		strings.HasPrefix(typ, "ANOM_LOGIN"), strings.HasPrefix(typ, "SYSTEM_"),
		strings.HasPrefix(typ, "USER_"), strings.HasPrefix(typ, "CRED_"):
		return true
	}
	return false
}

// userClass is what a user-space record type means.
type userClass struct {
	class  event.Class
	action string
}

var userTypes = map[string]userClass{
	"USER_AUTH":           {event.ClassAuth, "authenticate"},
	"USER_ACCT":           {event.ClassAuth, "authorize"},
	"USER_ERR":            {event.ClassAuth, "error"},
	"GRP_AUTH":            {event.ClassAuth, "authenticate-group"},
	"CRED_ACQ":            {event.ClassAuth, "acquire-credential"},
	"CRED_REFR":           {event.ClassAuth, "refresh-credential"},
	"CRED_DISP":           {event.ClassAuth, "dispose-credential"},
	"ANOM_LOGIN_FAILURES": {event.ClassAuth, "failures-exceeded"},
	"USER_LOGIN":          {event.ClassLogon, "logon"},
	"USER_LOGOUT":         {event.ClassLogon, "logoff"},
	"USER_START":          {event.ClassLogon, "session-open"},
	"USER_END":            {event.ClassLogon, "session-close"},
	"USER_CMD":            {event.ClassLogon, "elevate"},
	"USER_ROLE_CHANGE":    {event.ClassLogon, "elevate"},
	"LOGIN":               {event.ClassLogon, "set-login-uid"},
	"ADD_USER":            {event.ClassAccount, "create"},
	"DEL_USER":            {event.ClassAccount, "delete"},
	"ADD_GROUP":           {event.ClassAccount, "create-group"},
	"DEL_GROUP":           {event.ClassAccount, "delete-group"},
	"USER_CHAUTHTOK":      {event.ClassAccount, "reset-password"},
	"GRP_CHAUTHTOK":       {event.ClassAccount, "reset-group-password"},
	"USER_MGMT":           {event.ClassAccount, "change"},
	"GRP_MGMT":            {event.ClassAccount, "change-group"},
	"CHUSER_ID":           {event.ClassAccount, "change"},
	"CHGRP_ID":            {event.ClassAccount, "change-group"},
	"ACCT_LOCK":           {event.ClassAccount, "lock"},
	"ACCT_UNLOCK":         {event.ClassAccount, "unlock"},
	"SERVICE_START":       {event.ClassService, "start"},
	"SERVICE_STOP":        {event.ClassService, "stop"},
	"DAEMON_START":        {event.ClassAudit, "start"},
	"DAEMON_END":          {event.ClassAudit, "stop"},
	"DAEMON_ABORT":        {event.ClassAudit, "abort"},
	"DAEMON_CONFIG":       {event.ClassAudit, "config-change"},
	"CONFIG_CHANGE":       {event.ClassAudit, "config-change"},
	"USYS_CONFIG":         {event.ClassAudit, "config-change"},
}

// syscallName names a syscall number for an audit arch (raw form), or
// returns the value as written (ausearch -i already names it).
func syscallName(arch, nr string) string {
	if nr == "" || !allDigits(nr) {
		return nr
	}
	n, err := strconv.Atoi(nr)
	if err != nil || n < 0 {
		return nr
	}
	var table []string
	switch strings.ToLower(arch) {
	case "c000003e", "x86_64":
		table = syscallsAMD64[:]
	case "c00000b7", "aarch64":
		table = syscallsARM64[:]
	case "40000003", "i386", "i686":
		table = syscalls386[:]
	}
	if n < len(table) && table[n] != "" {
		return table[n]
	}
	return nr
}

// rank orders records inside an event: the primary record first.
func rank(typ string) int {
	switch typ {
	case "SYSCALL":
		return 0
	case "EXECVE":
		return 1
	case "CWD":
		return 2
	case "PATH":
		return 3
	case "SOCKADDR":
		return 4
	case "PROCTITLE":
		return 6
	case "EOE":
		return 7
	}
	if standalone(typ) {
		return 0
	}
	return 5
}
