package simulate_test

import (
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// The background holds benign look-alikes of attack steps, so that an
// investigation of simulated data is tested on what it must not flag.
func TestBenignLookAlikes(t *testing.T) {
	_, _, events := run(t)
	var (
		explorerShells = map[string]bool{} // cmd.exe started by explorer.exe
		adminDiscovery int                 // whoami/ipconfig/nslookup from those shells
		backupReads    = map[string]int{}  // GetObject per backup session and hour
		ciAssumes      int
		failedThenOK   = map[string]int{} // source -> users who failed then succeeded
		failed         = map[string]bool{}
		rdpLogons      int
		serviceUpdates int
	)
	for _, ev := range events {
		switch ev.Source.Format {
		case "winjson-evtxdump":
			switch ev.Value("EventID") {
			case "1":
				img := strings.ToLower(ev.Value("Image"))
				parent := strings.ToLower(ev.Value("ParentImage"))
				if strings.HasSuffix(img, `\cmd.exe`) && strings.HasSuffix(parent, `\explorer.exe`) {
					explorerShells[ev.Value("ProcessGuid")] = true
				}
				if explorerShells[ev.Value("ParentProcessGuid")] {
					adminDiscovery++
				}
			case "4625":
				failed["windows/"+ev.Value("Computer")+"/"+ev.Value("TargetUserName")] = true
			case "4624":
				k := "windows/" + ev.Value("Computer") + "/" + ev.Value("TargetUserName")
				if failed[k] && ev.Value("LogonType") == "2" {
					failedThenOK["windows"]++
					delete(failed, k)
				}
				if ev.Value("LogonType") == "10" {
					rdpLogons++
				}
			case "4697":
				if strings.Contains(ev.Value("ServiceFileName"), "GoogleUpdater") {
					serviceUpdates++
				}
			}
		case "cloudtrail":
			arn := ev.Value("userIdentity.arn")
			switch name := ev.Value("eventName"); {
			case name == "GetObject" && strings.Contains(arn, "assumed-role/backup-instance/"):
				backupReads[arn+ev.Time.Format("15")]++
			case name == "AssumeRole" && strings.HasSuffix(arn, ":user/ci-deployer"):
				ciAssumes++
			}
		case "okta":
			k := "okta/" + ev.Value("actor.alternateId")
			if ev.Value("eventType") == "user.session.start" {
				if ev.Outcome == event.OutcomeFailure {
					failed[k] = true
				} else if failed[k] {
					failedThenOK["okta"]++
					delete(failed, k)
				}
			}
		case "syslog":
			msg := ev.Value("message")
			if strings.HasPrefix(msg, "Failed password for ") && !strings.Contains(msg, "invalid user") {
				failed["ssh/"+ev.Value("host")+"/"+strings.Fields(msg)[3]] = true
			}
			if strings.HasPrefix(msg, "Accepted password for ") && failed["ssh/"+ev.Value("host")+"/"+strings.Fields(msg)[3]] {
				failedThenOK["ssh"]++
			}
		}
	}
	most := 0
	for _, n := range backupReads {
		most = max(most, n)
	}
	if adminDiscovery < 3 {
		t.Errorf("%d discovery commands from shells administrators opened, want a few", adminDiscovery)
	}
	if most < 50 {
		t.Errorf("the backup job read at most %d objects in an hour, want many", most)
	}
	if ciAssumes < 3 {
		t.Errorf("CI assumed its role %d times", ciAssumes)
	}
	for _, src := range []string{"windows", "okta", "ssh"} {
		if failedThenOK[src] == 0 {
			t.Errorf("%s: no mistyped password followed by a successful logon", src)
		}
	}
	if rdpLogons == 0 || serviceUpdates == 0 {
		t.Errorf("%d administrators' remote desktop logons, %d updater service installs", rdpLogons, serviceUpdates)
	}
}
