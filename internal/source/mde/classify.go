package mde

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// classify returns the class and action of a Device* or Identity* row from
// its ActionType
// (https://learn.microsoft.com/defender-xdr/advanced-hunting-schema-tables).
// Unknown types keep their name as the action ("LdapSearch" ->
// "ldapsearch").
func classify(actionType string) (event.Class, string) {
	switch actionType {
	case "ProcessCreated", "ProcessCreatedUsingWmiQuery":
		return event.ClassProcess, "start"
	case "OpenProcessApiCall", "ReadProcessMemoryApiCall":
		return event.ClassProcess, "access"
	case "CreateRemoteThreadApiCall", "QueueUserApcRemoteApiCall", "WriteProcessMemoryApiCall",
		"SetThreadContextRemoteApiCall", "NtAllocateVirtualMemoryRemoteApiCall",
		"NtMapViewOfSectionRemoteApiCall":
		return event.ClassProcess, "inject"
	case "ConnectionSuccess", "ConnectionAttempt", "ConnectionFailed", "ConnectionRequest",
		"ConnectionFound", "NetworkSignatureInspected":
		return event.ClassNetwork, "connect"
	case "InboundConnectionAccepted":
		return event.ClassNetwork, "accept"
	case "ListeningConnectionCreated":
		return event.ClassNetwork, "listen"
	case "DnsQueryResponse", "DnsConnectionInspected", "DNS query":
		return event.ClassDNS, "query"
	case "FileCreated":
		return event.ClassFile, "create"
	case "FileModified":
		return event.ClassFile, "write"
	case "FileDeleted":
		return event.ClassFile, "delete"
	case "FileRenamed":
		return event.ClassFile, "rename"
	case "RegistryKeyCreated":
		return event.ClassRegistry, "create"
	case "RegistryValueSet":
		return event.ClassRegistry, "set"
	case "RegistryKeyDeleted", "RegistryValueDeleted":
		return event.ClassRegistry, "delete"
	case "RegistryKeyRenamed":
		return event.ClassRegistry, "rename"
	case "LogonSuccess", "LogonFailed", "LogonAttempted":
		return event.ClassLogon, "logon"
	case "ImageLoaded":
		return event.ClassModule, "load"
	case "PowerShellCommand":
		return event.ClassScript, "execute"
	case "ServiceInstalled", "ScheduledTaskCreated", "ScheduledTaskUpdated":
		return event.ClassService, "install"
	case "ScheduledTaskDeleted":
		return event.ClassService, "delete"
	case "Directory Services replication":
		return event.ClassOther, "directory-replication"
	case "Account Password changed":
		return event.ClassAccount, "change-password"
	case "Group Membership changed":
		return event.ClassAccount, "change-membership"
	}
	for _, prefix := range [...]string{"Antivirus", "Asr", "ExploitGuard", "SmartScreen", "TamperingAttempt"} {
		if strings.HasPrefix(actionType, prefix) {
			return event.ClassAlert, "detect"
		}
	}
	action := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(actionType), " ", "-"))
	if action == "" {
		action = "other"
	}
	return event.ClassOther, action
}

// outcome is known from ActionType alone only for failures and successes
// it names.
func outcome(actionType string) event.Outcome {
	switch {
	case strings.HasSuffix(actionType, "Failed"):
		return event.OutcomeFailure
	case strings.HasSuffix(actionType, "Success"), actionType == "ProcessCreated",
		actionType == "InboundConnectionAccepted":
		return event.OutcomeSuccess
	}
	return event.OutcomeUnknown
}

// hives shortens registry roots as package winevent does, so keys from
// both join.
var hives = [...]struct{ long, short string }{
	{`\REGISTRY\MACHINE`, "HKLM"},
	{`\REGISTRY\USER`, "HKU"},
	{"HKEY_LOCAL_MACHINE", "HKLM"},
	{"HKEY_USERS", "HKU"},
	{"HKEY_CURRENT_USER", "HKCU"},
	{"HKEY_CLASSES_ROOT", "HKCR"},
}

// registry identifies a registry key (or value) on host.
func registry(host event.Entity, key string) event.Entity {
	if key == "" || host.ID == "" {
		return event.Entity{}
	}
	short := key
	for _, h := range hives {
		if len(key) >= len(h.long) && strings.EqualFold(key[:len(h.long)], h.long) &&
			(len(key) == len(h.long) || key[len(h.long)] == '\\') {
			short = h.short + key[len(h.long):]
			break
		}
	}
	return event.Resource(host.ID, "registry:"+strings.ToLower(short), key)
}
