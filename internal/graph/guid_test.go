package graph_test

import (
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// A process Sysmon names by GUID (its start time inside) and Defender by
// pid and start time is one process when only its activity was logged:
// the Sysmon pipe connection and Defender's LDAP query of the same
// PowerShell are tied by "same" edges.
func TestGUIDStartTimeTiesPidNamedProcess(t *testing.T) {
	host := event.Host("adfs01")
	// {9ACEDB82-CCD4-6107-...}: 0x6107CCD4 s = 2021-08-02T10:45:40Z.
	guid := event.Process(host, "9acedb82-ccd4-6107-22de-030000000600", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`)
	pidNamed := event.ProcessPID(host, 5692, "2021-08-02T10:45:40.0664337Z", `powershell.exe`)
	other := event.ProcessPID(host, 5692, "2021-08-02T09:00:00.0000000Z", `powershell.exe`) // an earlier process with the pid
	pipe := field(ev("pipe", 2*time.Hour, event.ClassFile, "connect_pipe", ref(event.RoleHost, host), ref(event.RoleActor, guid),
		ref(event.RoleTarget, event.Resource(host.ID, `pipe:\microsoft##wid\tsql\query`, `\MICROSOFT##WID\tsql\query`))), "ProcessId", "5692")
	dkm := event.Resource(host.ID, "ldap:cn=adfs,cn=microsoft,cn=program data", "CN=ADFS,CN=Microsoft,CN=Program Data")
	ldap := ev("ldap", 2*time.Hour+time.Minute, event.ClassOther, "ldapsearch", ref(event.RoleHost, host), ref(event.RoleActor, pidNamed), ref(event.RoleTarget, dkm))
	old := ev("old", time.Hour, event.ClassOther, "ldapsearch", ref(event.RoleHost, host), ref(event.RoleActor, other), ref(event.RoleTarget, dkm))
	g := build(graph.Config{}, pipe, ldap, old)
	findEdge(t, g, guid, pidNamed, "same")
	if _, ok := lookupEdge(g, guid.ID, other.ID, "same"); ok {
		t.Error("tied to another process that had the same pid earlier")
	}
}
