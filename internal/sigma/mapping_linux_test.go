package sigma

import (
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
)

const (
	izysec     = "linux/izysec-linux-audit/LogSamples/"
	log4auoms  = "otrf-compound/Log4Shell/syslog_auoms_auditd_log4shell_cve2021_44228_jndi_reference.zip"
	log4sysmon = "otrf-compound/Log4Shell/syslog_sysmon_log4shell_cve2021_44228_jndi_reference.zip"
)

// syslogLines are messages of programs the corpora have no logs of,
// written as those programs write them.
const syslogLines = `Dec 21 16:42:19 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=#-1 ; COMMAND=/usr/bin/id
Dec 21 16:43:00 web01 crontab[1337]: (root) REPLACE (root)
Dec 21 16:44:00 web01 clamd[812]: /tmp/x.bin: Unix.Trojan.Mirai-9 FOUND
Dec 21 16:45:00 web01 vsftpd[901]: [ftp] FAIL LOGIN: Client "203.0.113.5", "Connection refused: too many sessions for this address."
Dec 21 16:46:00 web01 guacd[77]: User "alice" joined connection (2 users now present)
Dec 21 16:47:00 web01 httpd[2001]: [mpm_worker:error] server reached MaxRequestWorkers setting, consider raising it
Dec 21 16:48:00 web01 nginx[88]: worker process 1234 exited on signal 11 (core dumped)
Dec 21 16:49:00 rtr01 1234: *Dec 21 16:49:00.123: %SYS-5-CONFIG_P: Configured programmatically by process SEP_webui_wsma_http from console as cisco_tac_admin on vty0
`

func syslogText() func(testing.TB) []*event.Event {
	return textEvents("messages.log", syslogLines)
}

var linuxCases = []mappingCase{
	// process_creation: Sysmon's fields on audit exec events.
	{
		name: "linux process_creation: auditd EXECVE", events: corpusEvents(izysec + "UC001.log"),
		pick:      []string{"cmdline=python badscript.py"},
		logsource: "{product: linux, category: process_creation}",
		detection: `
selection:
    Image|endswith: /python2.7
    CommandLine: python badscript.py
    CurrentDirectory: /home/izy/Documents/testing
condition: selection`,
	},
	{
		name: "linux process_creation: auoms exec in Sentinel Syslog, parent from the process table", events: corpusEvents(log4auoms),
		pick:      []string{"cmdline=bash -i"},
		logsource: "{product: linux, category: process_creation}",
		detection: `
selection:
    Image: /bin/bash
    CommandLine: bash -i
    ParentImage|endswith: /bash
    ParentCommandLine|contains: '{base64,-d}'
    User: tomcat
condition: selection`,
	},
	{
		name: "linux process_creation: a failed exec is no process start", events: corpusEvents(log4auoms),
		pick:      []string{"name=/usr/local/sbin/bash", "success=no"},
		logsource: "{product: linux, category: process_creation}",
		detection: `
selection:
    Image|endswith: /java
condition: selection`,
		miss: true,
	},
	{
		name: "linux process_creation: Sysmon for Linux in Sentinel Syslog", events: corpusEvents(log4sysmon),
		pick:      []string{"EventID=1", "CommandLine=bash -i"},
		logsource: "{product: linux, category: process_creation}",
		detection: `
selection:
    Image: /bin/bash
    ParentImage: /bin/bash
    User: tomcat
condition: selection`,
	},
	// network_connection: connect syscalls with an inet peer.
	{
		name: "linux network_connection: auditd connect", events: corpusEvents(izysec + "UC013.log"),
		pick:      []string{"laddr=45.154.253.154"},
		logsource: "{product: linux, category: network_connection}",
		detection: `
selection:
    Image|endswith: /curl
    DestinationIp: 45.154.253.154
    DestinationPort: 443
condition: selection`,
	},
	{
		name: "linux network_connection: a connect without an inet peer is left out", events: corpusEvents(izysec + "UC013.log"),
		pick:      []string{"saddr_fam=unspec"},
		logsource: "{product: linux, category: network_connection}",
		detection: `
selection:
    Image|endswith: /curl
condition: selection`,
		miss: true,
	},
	{
		name: "linux network_connection: Sysmon for Linux", events: corpusEvents(log4sysmon),
		pick:      []string{"EventID=3", "DestinationIp=104.46.127.225"},
		logsource: "{product: linux, category: network_connection}",
		detection: `
selection:
    Image|endswith: /wdavdaemon
    DestinationPort: 443
    Initiated: 'true'
condition: selection`,
	},
	// file_event: files created, by absolute path.
	{
		name: "linux file_event: auditd file creation, relative name made absolute", events: corpusEvents(izysec + "UC007.log"),
		pick:      []string{"nametype=CREATE"},
		logsource: "{product: linux, category: file_event}",
		detection: `
selection:
    TargetFilename: /home/izy/Documents/testing/CreatedFile.txt
    Image|endswith: /touch
condition: selection`,
	},
	{
		name: "linux file_event: a file read is no file event", events: corpusEvents(izysec + "UC014.log"),
		pick:      []string{"name=/etc/sudoers"},
		logsource: "{product: linux, category: file_event}",
		detection: `
selection:
    TargetFilename: /etc/sudoers
condition: selection`,
		miss: true,
	},
	// auditd: the record fields.
	{
		name: "linux auditd: raw records", events: corpusEvents(izysec + "UC007.log"),
		pick:      []string{"nametype=CREATE"},
		logsource: "{product: linux, service: auditd}",
		detection: `
selection:
    type: PATH
    SYSCALL: open
    key: File_test
    name: CreatedFile.txt
condition: selection`,
	},
	{
		name: "linux auditd: ausearch -i records", events: corpusEvents(izysec + "UC013_enriched.log"),
		pick:      []string{"laddr=127.0.1.1"},
		logsource: "{product: linux, service: auditd}",
		detection: `
selection:
    type: SOCKADDR
    SYSCALL: connect
    exe: /usr/bin/curl
condition: selection`,
	},
	{
		name: "linux auditd: auoms records in Sentinel Syslog", events: corpusEvents(log4auoms),
		pick:      []string{"cmdline=base64 -d"},
		logsource: "{product: linux, service: auditd}",
		detection: `
selection:
    type: AUOMS_EXECVE
    comm: base64
condition: selection`,
	},
	// Keyword rules over Linux logs.
	{
		name: "linux: keywords over syslog", events: corpusEvents(izysec + "userauth_ssh_failure_secure.log"),
		pick:      []string{"pam_type=auth"},
		logsource: "{product: linux}",
		detection: `
keywords:
    - 'authentication failure'
condition: keywords`,
	},
	{
		name: "linux: keywords over audit records", events: corpusEvents(izysec + "UC001.log"),
		pick:      []string{"cmdline=python badscript.py"},
		logsource: "{product: linux}",
		detection: `
keywords:
    - 'badscript.py'
condition: keywords`,
	},
	{
		name: "linux sshd: sshd messages", events: corpusEvents(izysec + "userauth_ssh_failure_secure.log"),
		pick:      []string{"message=Failed password for izy from 192.168.226.1 port 57018 ssh2"},
		logsource: "{product: linux, service: sshd}",
		detection: `
keywords:
    - 'Failed password for'
condition: keywords`,
	},
	{
		name: "linux sshd: other programs' messages are left out", events: syslogText(),
		pick:      []string{"program=sudo"},
		logsource: "{product: linux, service: sshd}",
		detection: `
keywords:
    - 'COMMAND=/usr/bin/id'
condition: keywords`,
		miss: true,
	},
	{
		name: "linux syslog: any message", events: corpusEvents(izysec + "userauth_ssh_success_secure.log"),
		pick:      []string{"auth_method=password"},
		logsource: "{product: linux, service: syslog}",
		detection: `
keywords:
    - 'Accepted password'
condition: keywords`,
	},
	{
		name: "linux auth: any message", events: corpusEvents(izysec + "userauth_ssh_success_secure.log"),
		pick:      []string{"pam_type=session"},
		logsource: "{product: linux, service: auth}",
		detection: `
keywords:
    - 'session opened for user izy'
condition: keywords`,
	},
	{
		name: "linux sudo: run-as user", events: syslogText(),
		pick:      []string{"program=sudo"},
		logsource: "{product: linux, service: sudo}",
		detection: `
selection_user:
    USER|startswith: '#-'
condition: selection_user`,
	},
	{
		name: "linux cron", events: syslogText(), pick: []string{"program=crontab"},
		logsource: "{product: linux, service: cron}",
		detection: "keywords:\n    - 'REPLACE'\ncondition: keywords",
	},
	{
		name: "linux clamav", events: syslogText(), pick: []string{"program=clamd"},
		logsource: "{product: linux, service: clamav}",
		detection: "keywords:\n    - 'Trojan*FOUND'\ncondition: keywords",
	},
	{
		name: "linux vsftpd", events: syslogText(), pick: []string{"program=vsftpd"},
		logsource: "{product: linux, service: vsftpd}",
		detection: "keywords:\n    - 'Connection refused: too many sessions for this address.'\ncondition: keywords",
	},
	{
		name: "linux guacamole", events: syslogText(), pick: []string{"program=guacd"},
		logsource: "{product: linux, service: guacamole}",
		detection: "selection:\n    - '(2 users now present)'\ncondition: selection",
	},
	{
		name: "apache error log in syslog", events: syslogText(), pick: []string{"program=httpd"},
		logsource: "{service: apache}",
		detection: "keywords:\n    - 'MaxRequestWorkers'\ncondition: keywords",
	},
	{
		name: "nginx error log in syslog", events: syslogText(), pick: []string{"program=nginx"},
		logsource: "{service: nginx}",
		detection: "keywords:\n    - 'exited on signal 11'\ncondition: keywords",
	},
	{
		name: "cisco syslog", events: syslogText(), pick: []string{"host=rtr01"},
		logsource: "{product: cisco, service: syslog}",
		detection: "keyword_event:\n    - '%SYS-5-CONFIG_P:'\nkeyword_user:\n    - 'cisco_tac_admin'\ncondition: keyword_event and keyword_user",
	},
}
