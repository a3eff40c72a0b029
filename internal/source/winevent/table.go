package winevent

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// logKind is the log an event id belongs to: the same number means
// different things in Sysmon and in the Security log.
type logKind uint8

const (
	logOther logKind = iota
	logSysmon
	logSecurity
	logSystem
	logPowerShell
)

// kindOf tells the log from the channel, or from the provider when a
// collector dropped the channel.
func kindOf(rec *Record) logKind {
	ch, prov := rec.Channel, rec.Provider
	switch {
	case strings.EqualFold(ch, "Microsoft-Windows-Sysmon/Operational"), strings.EqualFold(prov, "Microsoft-Windows-Sysmon"),
		linux(rec):
		return logSysmon
	case strings.EqualFold(ch, "Security"):
		return logSecurity
	case strings.EqualFold(ch, "System"):
		return logSystem
	case strings.EqualFold(ch, "Microsoft-Windows-PowerShell/Operational"):
		return logPowerShell
	case ch == "" && strings.EqualFold(prov, "Microsoft-Windows-Security-Auditing"):
		return logSecurity
	case ch == "" && strings.EqualFold(prov, "Service Control Manager"):
		return logSystem
	}
	return logOther
}

// linux reports whether rec comes from Sysmon for Linux, which writes the
// Windows Sysmon schema with Unix paths.
func linux(rec *Record) bool {
	return strings.EqualFold(rec.Channel, "Linux-Sysmon/Operational") || strings.EqualFold(rec.Provider, "Linux-Sysmon")
}

// spec says what one kind of event is: its class, action and outcome, the
// entities it relates (by field names), and a hook for what a table cannot
// say.
type spec struct {
	class   event.Class
	action  string
	outcome event.Outcome // unknown: read from Keywords
	refs    []refRule
	hook    func(*ctx)
}

type specKey struct {
	log logKind
	id  int
}

// Reusable ref rules.
var (
	sysmonActor = []refRule{
		{event.RoleActor, refProcess, "ProcessGuid", "Image"},
		{event.RoleImage, refFile, "Image", ""},
		{event.RoleUser, refAccount, "", "User"},
	}
	sysmonSelf = []refRule{
		{event.RoleTarget, refProcess, "ProcessGuid", "Image"},
		{event.RoleImage, refFile, "Image", ""},
		{event.RoleUser, refAccount, "", "User"},
	}
	subject = []refRule{
		{event.RoleUser, refAccount, "SubjectDomainName", "SubjectUserName"},
		{event.RoleSession, refSession, "SubjectLogonId", ""},
	}
	targetAccount = []refRule{
		{event.RoleTargetUser, refAccount, "TargetDomainName", "TargetUserName"},
	}
)

func with(base []refRule, more ...refRule) []refRule {
	out := make([]refRule, 0, len(base)+len(more))
	return append(append(out, base...), more...)
}

func fileTarget(field string) refRule {
	return refRule{event.RoleTarget, refFile, field, ""}
}

// specs is the table of the events that matter for causal reasoning. It is
// read-only after package initialization.
var specs = map[specKey]*spec{
	// Sysmon.
	{logSysmon, 1}: {class: event.ClassProcess, action: "start", outcome: event.OutcomeSuccess, refs: []refRule{
		{event.RoleActor, refProcess, "ParentProcessGuid", "ParentImage"},
		{event.RoleTarget, refProcess, "ProcessGuid", "Image"},
		{event.RoleImage, refFile, "Image", ""},
		{event.RoleUser, refAccount, "", "User"},
		{event.RoleSession, refSession, "LogonId", ""},
	}},
	{logSysmon, 2}:  {class: event.ClassFile, action: "change_time", refs: with(sysmonActor, fileTarget("TargetFilename"))},
	{logSysmon, 3}:  {class: event.ClassNetwork, action: "connect", refs: with(sysmonActor, refRule{event.RoleSrc, refEndpoint, "SourceIp", "SourcePort"}, refRule{event.RoleDst, refEndpoint, "DestinationIp", "DestinationPort"}), hook: sysmonNetwork},
	{logSysmon, 4}:  {class: event.ClassAudit, action: "state"},
	{logSysmon, 5}:  {class: event.ClassProcess, action: "end", refs: sysmonSelf},
	{logSysmon, 6}:  {class: event.ClassModule, action: "load_driver", refs: []refRule{fileTarget("ImageLoaded")}},
	{logSysmon, 7}:  {class: event.ClassModule, action: "load", refs: with(sysmonActor, fileTarget("ImageLoaded"))},
	{logSysmon, 8}:  {class: event.ClassProcess, action: "inject", refs: remoteProcess("SourceProcessGuid", "TargetProcessGuid")},
	{logSysmon, 9}:  {class: event.ClassFile, action: "raw_read", refs: sysmonActor},
	{logSysmon, 10}: {class: event.ClassProcess, action: "access", refs: remoteProcess("SourceProcessGUID", "TargetProcessGUID")},
	{logSysmon, 11}: {class: event.ClassFile, action: "create", refs: with(sysmonActor, fileTarget("TargetFilename"))},
	{logSysmon, 12}: {class: event.ClassRegistry, refs: with(sysmonActor, refRule{event.RoleTarget, refRegistry, "TargetObject", ""}), hook: sysmonRegistry},
	{logSysmon, 13}: {class: event.ClassRegistry, action: "set", refs: with(sysmonActor, refRule{event.RoleTarget, refRegistry, "TargetObject", ""}), hook: sysmonRegistry},
	{logSysmon, 14}: {class: event.ClassRegistry, action: "rename", refs: with(sysmonActor, refRule{event.RoleTarget, refRegistry, "TargetObject", ""}), hook: sysmonRegistry},
	{logSysmon, 15}: {class: event.ClassFile, action: "stream", refs: sysmonActor, hook: sysmonStream},
	{logSysmon, 16}: {class: event.ClassAudit, action: "config_change"},
	{logSysmon, 17}: {class: event.ClassFile, action: "create_pipe", refs: with(sysmonActor, refRule{event.RoleTarget, refPipe, "PipeName", ""})},
	{logSysmon, 18}: {class: event.ClassFile, action: "connect_pipe", refs: with(sysmonActor, refRule{event.RoleTarget, refPipe, "PipeName", ""})},
	{logSysmon, 19}: {class: event.ClassService, action: "create", refs: []refRule{{event.RoleUser, refAccount, "", "User"}}, hook: sysmonWMI},
	{logSysmon, 20}: {class: event.ClassService, action: "create", refs: []refRule{{event.RoleUser, refAccount, "", "User"}}, hook: sysmonWMI},
	{logSysmon, 21}: {class: event.ClassService, action: "create", refs: []refRule{{event.RoleUser, refAccount, "", "User"}}, hook: sysmonWMI},
	{logSysmon, 22}: {class: event.ClassDNS, action: "query", refs: with(sysmonActor, refRule{event.RoleDst, refDomain, "QueryName", ""}), hook: sysmonDNS},
	{logSysmon, 23}: {class: event.ClassFile, action: "delete", refs: with(sysmonActor, fileTarget("TargetFilename"))},
	{logSysmon, 25}: {class: event.ClassProcess, action: "tamper", refs: sysmonSelf},
	{logSysmon, 26}: {class: event.ClassFile, action: "delete", refs: with(sysmonActor, fileTarget("TargetFilename"))},
	{logSysmon, 27}: {class: event.ClassFile, action: "block_executable", outcome: event.OutcomeFailure, refs: with(sysmonActor, fileTarget("TargetFilename"))},
	{logSysmon, 28}: {class: event.ClassFile, action: "block_shredding", outcome: event.OutcomeFailure, refs: with(sysmonActor, fileTarget("TargetFilename"))},
	{logSysmon, 29}: {class: event.ClassFile, action: "create", refs: with(sysmonActor, fileTarget("TargetFilename"))},

	// Security: logons and authentication.
	{logSecurity, 4624}: {class: event.ClassLogon, action: "logon", outcome: event.OutcomeSuccess, refs: logonRefs},
	{logSecurity, 4625}: {class: event.ClassLogon, action: "logon", outcome: event.OutcomeFailure, refs: logonRefs},
	{logSecurity, 4634}: {class: event.ClassLogon, action: "logoff", refs: with(targetAccount, refRule{event.RoleSession, refSession, "TargetLogonId", ""})},
	{logSecurity, 4647}: {class: event.ClassLogon, action: "logoff", refs: with(targetAccount, refRule{event.RoleSession, refSession, "TargetLogonId", ""})},
	{logSecurity, 4648}: {class: event.ClassAuth, action: "explicit_credentials", refs: with(subject, targetAccount[0],
		refRule{event.RoleSrc, refEndpoint, "IpAddress", ""}, refRule{event.RoleImage, refFile, "ProcessName", ""}), hook: targetServer},
	{logSecurity, 4672}: {class: event.ClassLogon, action: "elevate", refs: []refRule{
		{event.RoleTargetUser, refAccount, "SubjectDomainName", "SubjectUserName"},
		{event.RoleSession, refSession, "SubjectLogonId", ""},
	}},
	{logSecurity, 4768}: {class: event.ClassAuth, action: "kerberos_tgt", refs: with(targetAccount, refRule{event.RoleSrc, refEndpoint, "IpAddress", ""}), hook: statusOutcome},
	{logSecurity, 4769}: {class: event.ClassAuth, action: "kerberos_service_ticket", refs: with(targetAccount,
		refRule{event.RoleSrc, refEndpoint, "IpAddress", ""}, refRule{event.RoleTarget, refResource, "service:", "ServiceName"}), hook: statusOutcome},
	{logSecurity, 4771}: {class: event.ClassAuth, action: "kerberos_preauth", outcome: event.OutcomeFailure, refs: with(targetAccount, refRule{event.RoleSrc, refEndpoint, "IpAddress", ""})},
	{logSecurity, 4776}: {class: event.ClassAuth, action: "ntlm_validate", refs: []refRule{{event.RoleTargetUser, refAccount, "", "TargetUserName"}}, hook: statusOutcome},

	// Security: processes.
	{logSecurity, 4688}: {class: event.ClassProcess, action: "start", outcome: event.OutcomeSuccess, hook: securityProcessStart},
	{logSecurity, 4689}: {class: event.ClassProcess, action: "end", refs: with(subject, refRule{event.RoleImage, refFile, "ProcessName", ""})},

	// Security: object access.
	{logSecurity, 4656}: {class: event.ClassOther, action: "open", refs: with(subject, refRule{event.RoleImage, refFile, "ProcessName", ""}), hook: objectAccess},
	{logSecurity, 4663}: {class: event.ClassOther, action: "access", refs: with(subject, refRule{event.RoleImage, refFile, "ProcessName", ""}), hook: objectAccess},
	// Directory service objects: read (4662, with the object's GUID) and
	// modified (5136, with its distinguished name) by a logon session.
	{logSecurity, 4662}: {class: event.ClassOther, action: "directory_access", refs: subject, hook: directoryObject},
	{logSecurity, 5136}: {class: event.ClassOther, action: "directory_change", refs: with(subject, refRule{event.RoleTarget, refResource, "ds:", "ObjectDN"})},
	{logSecurity, 4657}: {class: event.ClassRegistry, action: "set", refs: with(subject,
		refRule{event.RoleImage, refFile, "ProcessName", ""}, refRule{event.RoleTarget, refRegistry, "ObjectName", ""})},

	// Security: services and scheduled tasks.
	{logSecurity, 4697}: {class: event.ClassService, action: "install", refs: with(subject,
		refRule{event.RoleTarget, refResource, "service:", "ServiceName"}, refRule{event.RoleImage, refCmdImage, "ServiceFileName", ""})},
	{logSecurity, 4698}: {class: event.ClassService, action: "create", refs: taskRefs},
	{logSecurity, 4699}: {class: event.ClassService, action: "delete", refs: taskRefs},
	{logSecurity, 4700}: {class: event.ClassService, action: "enable", refs: taskRefs},
	{logSecurity, 4701}: {class: event.ClassService, action: "disable", refs: taskRefs},
	{logSecurity, 4702}: {class: event.ClassService, action: "update", refs: taskRefs},

	// Security: accounts and groups.
	{logSecurity, 4720}: {class: event.ClassAccount, action: "create", refs: with(subject, targetAccount...)},
	{logSecurity, 4722}: {class: event.ClassAccount, action: "enable", refs: with(subject, targetAccount...)},
	{logSecurity, 4723}: {class: event.ClassAccount, action: "change_password", refs: with(subject, targetAccount...)},
	{logSecurity, 4724}: {class: event.ClassAccount, action: "reset_password", refs: with(subject, targetAccount...)},
	{logSecurity, 4725}: {class: event.ClassAccount, action: "disable", refs: with(subject, targetAccount...)},
	{logSecurity, 4726}: {class: event.ClassAccount, action: "delete", refs: with(subject, targetAccount...)},
	{logSecurity, 4738}: {class: event.ClassAccount, action: "change", refs: with(subject, targetAccount...)},
	{logSecurity, 4728}: {class: event.ClassAccount, action: "add_member", refs: subject, hook: groupMember},
	{logSecurity, 4732}: {class: event.ClassAccount, action: "add_member", refs: subject, hook: groupMember},
	{logSecurity, 4756}: {class: event.ClassAccount, action: "add_member", refs: subject, hook: groupMember},
	{logSecurity, 4729}: {class: event.ClassAccount, action: "remove_member", refs: subject, hook: groupMember},
	{logSecurity, 4733}: {class: event.ClassAccount, action: "remove_member", refs: subject, hook: groupMember},
	{logSecurity, 4757}: {class: event.ClassAccount, action: "remove_member", refs: subject, hook: groupMember},

	// Security: shares and the filtering platform.
	{logSecurity, 5140}: {class: event.ClassFile, action: "share_access", refs: shareRefs},
	{logSecurity, 5145}: {class: event.ClassFile, action: "share_access", refs: shareRefs, hook: shareTarget},
	{logSecurity, 5156}: {class: event.ClassNetwork, action: "connect", outcome: event.OutcomeSuccess, refs: wfpRefs, hook: wfpDirection},
	{logSecurity, 5157}: {class: event.ClassNetwork, action: "connect", outcome: event.OutcomeFailure, refs: wfpRefs, hook: wfpDirection},

	// Logging itself.
	{logSecurity, 1102}: {class: event.ClassAudit, action: "clear", outcome: event.OutcomeSuccess, refs: subject, hook: logCleared},
	{logSystem, 104}:    {class: event.ClassAudit, action: "clear", outcome: event.OutcomeSuccess, refs: subject, hook: logCleared},

	// System: services.
	{logSystem, 7045}: {class: event.ClassService, action: "install", outcome: event.OutcomeSuccess, refs: []refRule{
		{event.RoleTarget, refResource, "service:", "ServiceName"},
		{event.RoleImage, refCmdImage, "ImagePath", ""},
	}},

	// PowerShell.
	{logPowerShell, 4103}: {class: event.ClassScript, action: "execute", hook: scriptPath},
	{logPowerShell, 4104}: {class: event.ClassScript, action: "execute", hook: scriptPath},
}

var (
	logonRefs = []refRule{
		{event.RoleTargetUser, refAccount, "TargetDomainName", "TargetUserName"},
		{event.RoleSession, refSession, "TargetLogonId", ""},
		{event.RoleSrc, refEndpoint, "IpAddress", ""},
		{event.RoleSrcHost, refHost, "WorkstationName", ""},
		{event.RoleUser, refAccount, "SubjectDomainName", "SubjectUserName"},
		{event.RoleImage, refFile, "ProcessName", ""},
	}
	taskRefs  = with(subject, refRule{event.RoleTarget, refResource, "task:", "TaskName"})
	shareRefs = with(subject,
		refRule{event.RoleSrc, refEndpoint, "IpAddress", ""},
		refRule{event.RoleTarget, refResource, "share:", "ShareName"})
	wfpRefs = []refRule{
		{event.RoleSrc, refEndpoint, "SourceAddress", "SourcePort"},
		{event.RoleDst, refEndpoint, "DestAddress", "DestPort"},
	}
)

// remoteProcess is a process acting on another (Sysmon 8 and 10; the two
// events spell GUID differently).
func remoteProcess(srcGUID, dstGUID string) []refRule {
	return []refRule{
		{event.RoleActor, refProcess, srcGUID, "SourceImage"},
		{event.RoleTarget, refProcess, dstGUID, "TargetImage"},
		{event.RoleImage, refFile, "SourceImage", ""},
		{event.RoleUser, refAccount, "", "SourceUser"},
		{event.RoleTargetUser, refAccount, "", "TargetUser"},
	}
}
