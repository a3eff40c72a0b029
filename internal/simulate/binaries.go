package simulate

import "strings"

// binary is the version resource Sysmon reads from an executable.
type binary struct {
	version, desc, product, company, original string
}

var unknownBinary = binary{"-", "-", "-", "-", "-"}

// binaries are the programs of the simulated hosts, by lower-case path.
var binaries = map[string]binary{
	`c:\windows\explorer.exe`:                                              {"10.0.19041.4355 (WinBuild.160101.0800)", "Windows Explorer", "Microsoft® Windows® Operating System", "Microsoft Corporation", "EXPLORER.EXE"},
	`c:\windows\system32\userinit.exe`:                                     {"10.0.19041.1 (WinBuild.160101.0800)", "Userinit Logon Application", "Microsoft® Windows® Operating System", "Microsoft Corporation", "USERINIT.EXE"},
	`c:\windows\system32\cmd.exe`:                                          {"10.0.19041.4355 (WinBuild.160101.0800)", "Windows Command Processor", "Microsoft® Windows® Operating System", "Microsoft Corporation", "Cmd.Exe"},
	`c:\windows\system32\whoami.exe`:                                       {"10.0.19041.1 (WinBuild.160101.0800)", "whoami - displays logged on user information", "Microsoft® Windows® Operating System", "Microsoft Corporation", "whoami.exe"},
	`c:\windows\system32\ipconfig.exe`:                                     {"10.0.19041.1 (WinBuild.160101.0800)", "IP Configuration Utility", "Microsoft® Windows® Operating System", "Microsoft Corporation", "ipconfig.exe"},
	`c:\windows\system32\nslookup.exe`:                                     {"10.0.19041.1 (WinBuild.160101.0800)", "nslookup", "Microsoft® Windows® Operating System", "Microsoft Corporation", "nslookup.exe"},
	`c:\windows\system32\net.exe`:                                          {"10.0.19041.1 (WinBuild.160101.0800)", "Net Command", "Microsoft® Windows® Operating System", "Microsoft Corporation", "net.exe"},
	`c:\windows\system32\nltest.exe`:                                       {"10.0.19041.1 (WinBuild.160101.0800)", "Microsoft® Logon Server Test Utility", "Microsoft® Windows® Operating System", "Microsoft Corporation", "nltestrk.exe"},
	`c:\windows\system32\systeminfo.exe`:                                   {"10.0.19041.1 (WinBuild.160101.0800)", "Displays system information", "Microsoft® Windows® Operating System", "Microsoft Corporation", "sysinfo.exe"},
	`c:\windows\system32\rundll32.exe`:                                     {"10.0.19041.3636 (WinBuild.160101.0800)", "Windows host process (Rundll32)", "Microsoft® Windows® Operating System", "Microsoft Corporation", "RUNDLL32.EXE"},
	`c:\windows\system32\ntdsutil.exe`:                                     {"10.0.17763.1 (WinBuild.160101.0800)", "NT5DS", "Microsoft® Windows® Operating System", "Microsoft Corporation", "ntdsutil.exe"},
	`c:\windows\system32\vssadmin.exe`:                                     {"10.0.19041.1 (WinBuild.160101.0800)", "Command Line Interface for Microsoft® Volume Shadow Copy Service ", "Microsoft® Windows® Operating System", "Microsoft Corporation", "VSSADMIN.EXE"},
	`c:\windows\system32\wbem\wmiprvse.exe`:                                {"10.0.19041.3636 (WinBuild.160101.0800)", "WMI Provider Host", "Microsoft® Windows® Operating System", "Microsoft Corporation", "Wmiprvse.exe"},
	`c:\windows\system32\svchost.exe`:                                      {"10.0.19041.4355 (WinBuild.160101.0800)", "Host Process for Windows Services", "Microsoft® Windows® Operating System", "Microsoft Corporation", "svchost.exe"},
	`c:\windows\system32\taskhostw.exe`:                                    {"10.0.19041.4355 (WinBuild.160101.0800)", "Host Process for Windows Tasks", "Microsoft® Windows® Operating System", "Microsoft Corporation", "taskhostw.exe"},
	`c:\windows\system32\mousocoreworker.exe`:                              {"10.0.19041.4355 (WinBuild.160101.0800)", "MoUSO Core Worker Process", "Microsoft® Windows® Operating System", "Microsoft Corporation", "MoUsoCoreWorker.exe"},
	`c:\windows\system32\backgroundtaskhost.exe`:                           {"10.0.19041.1 (WinBuild.160101.0800)", "Background Task Host", "Microsoft® Windows® Operating System", "Microsoft Corporation", "backgroundTaskHost.exe"},
	`c:\windows\system32\msiexec.exe`:                                      {"5.0.19041.3636 (WinBuild.160101.0800)", "Windows® installer", "Windows Installer - Unicode", "Microsoft Corporation", "msiexec.exe"},
	`c:\windows\system32\mstsc.exe`:                                        {"10.0.19041.4355 (WinBuild.160101.0800)", "Remote Desktop Connection", "Microsoft® Windows® Operating System", "Microsoft Corporation", "mstsc.exe"},
	`c:\windows\system32\wbem\wmic.exe`:                                    {"10.0.19041.3636 (WinBuild.160101.0800)", "WMI Commandline Utility", "Microsoft® Windows® Operating System", "Microsoft Corporation", "wmic.exe"},
	`c:\windows\system32\bcdedit.exe`:                                      {"10.0.19041.3636 (WinBuild.160101.0800)", "Boot Configuration Data Editor", "Microsoft® Windows® Operating System", "Microsoft Corporation", "bcdedit.exe"},
	`c:\windows\system32\wbadmin.exe`:                                      {"10.0.19041.3636 (WinBuild.160101.0800)", "Command Line Interface for Microsoft® BLB Backup", "Microsoft® Windows® Operating System", "Microsoft Corporation", "WBADMIN.EXE"},
	`c:\windows\system32\net1.exe`:                                         {"10.0.19041.1 (WinBuild.160101.0800)", "Net Command", "Microsoft® Windows® Operating System", "Microsoft Corporation", "net1.exe"},
	`c:\windows\system32\sc.exe`:                                           {"10.0.19041.1 (WinBuild.160101.0800)", "Service Control Manager Configuration Tool", "Microsoft® Windows® Operating System", "Microsoft Corporation", "sc.exe"},
	`c:\windows\system32\robocopy.exe`:                                     {"10.0.19041.3636 (WinBuild.160101.0800)", "Microsoft® Robocopy", "Microsoft® Windows® Operating System", "Microsoft Corporation", "robocopy.exe"},
	`c:\program files\7-zip\7z.exe`:                                        {"23.01", "7-Zip Console", "7-Zip", "Igor Pavlov", "7z.exe"},
	`c:\windows\system32\windowspowershell\v1.0\powershell.exe`:            {"10.0.19041.3996 (WinBuild.160101.0800)", "Windows PowerShell", "Microsoft® Windows® Operating System", "Microsoft Corporation", "PowerShell.EXE"},
	`c:\program files\google\chrome\application\chrome.exe`:                {"124.0.6367.91", "Google Chrome", "Google Chrome", "Google LLC", "chrome.exe"},
	`c:\program files\microsoft office\root\office16\outlook.exe`:          {"16.0.17531.20152", "Microsoft Outlook", "Microsoft Outlook", "Microsoft Corporation", "Outlook.exe"},
	`c:\program files\microsoft office\root\office16\winword.exe`:          {"16.0.17531.20152", "Microsoft Word", "Microsoft Office", "Microsoft Corporation", "WinWord.exe"},
	`c:\program files\microsoft office\root\office16\excel.exe`:            {"16.0.17531.20152", "Microsoft Excel", "Microsoft Office", "Microsoft Corporation", "Excel.exe"},
	`c:\program files (x86)\google\update\googleupdate.exe`:                {"1.3.36.372", "Google Installer", "Google Update", "Google LLC", "GoogleUpdate.exe"},
	`c:\program files (x86)\google\googleupdater\127.0.6485.0\updater.exe`: {"127.0.6485.0", "GoogleUpdater (x86)", "GoogleUpdater", "Google LLC", "updater.exe"},
	`c:\program files (x86)\microsoft\edgeupdate\microsoftedgeupdate.exe`:  {"1.3.187.41", "Microsoft Edge Update", "Microsoft Edge Update", "Microsoft Corporation", "msedgeupdate.dll"},
	`c:\program files\veeam\endpoint backup\veeam.endpoint.service.exe`:    {"6.1.2.134", "Veeam Agent for Microsoft Windows Service", "Veeam Agent for Microsoft Windows", "Veeam Software Group GmbH", "Veeam.Endpoint.Service.exe"},
}

func binaryMeta(image string) binary {
	if b, ok := binaries[strings.ToLower(image)]; ok {
		return b
	}
	if strings.HasPrefix(strings.ToLower(image), `c:\programdata\microsoft\windows defender\`) {
		return binary{"4.18.24090.11 (WinBuild.160101.0800)", "Microsoft Malware Protection Command Line Utility", "Microsoft® Windows® Operating System", "Microsoft Corporation", "MpCmdRun.exe"}
	}
	return unknownBinary
}
