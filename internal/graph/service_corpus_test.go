package graph_test

import (
	"testing"
)

// Real captures of services at work (EVTX-ATTACK-SAMPLES): the install
// and the process the service control manager started from it join.
func TestServiceCorpus(t *testing.T) {
	const dir = "evtx-attack-samples/"
	for _, tt := range []struct {
		name, file    string
		from, to, not string
	}{
		{
			// Atomic Red Team T1050: cmd.exe runs "sc.exe create
			// AtomicTestService binPath= ...AtomicService.exe", then "sc
			// start"; services.exe starts the binary. The service is
			// deleted and installed again 18 s later without sc.exe: that
			// second process is not the first sc.exe's.
			name: "sc create",
			file: dir + "AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx",
			from: "process:msedgewin10/747f3d96-d738-5d31-0000-001098a22600",
			to:   "process:msedgewin10/747f3d96-d738-5d31-0000-00105cac2600",
			not:  "process:msedgewin10/747f3d96-d750-5d31-0000-0010b9f82600",
		},
		{
			// Metasploit psexec: services.exe writes the ImagePath
			// "%%COMSPEC%% /b /c start /b /min powershell.exe ..." of the
			// service "hello" (Sysmon 13) and starts cmd.exe with it.
			name: "psexec ImagePath with %COMSPEC%",
			file: dir + "Lateral Movement/LM_sysmon_psexec_smb_meterpreter.evtx",
			from: "resource:host:iewin7/service:hello",
			to:   "process:iewin7/365abb72-af8b-5cc8-0000-00101c1a1900",
		},
		{
			// APT10: a service whose quoted ImagePath runs jjs.exe.
			name: "quoted ImagePath",
			file: dir + "Defense Evasion/apt10_jjs_sideloading_prochollowing_persist_as_service_sysmon_1_7_8_13.evtx",
			from: "resource:host:iewin7/service:hxupdateserviceinfo",
			to:   "process:iewin7/365abb72-0fa6-5cea-0000-0010fec30a00",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := buildAll(readCorpus(t, tt.file))
			e, ok := lookupEdge(g, tt.from, tt.to, "service")
			if !ok {
				t.Fatalf("no service edge %s -> %s", tt.from, tt.to)
			}
			if ev := g.Evidence(e); len(ev) != 2 {
				t.Errorf("evidence %v, want the install and the start", ev)
			}
			if tt.not != "" {
				if _, ok := lookupEdge(g, tt.from, tt.not, "service"); ok {
					t.Errorf("%s was linked to %s", tt.from, tt.not)
				}
			}
		})
	}
}
