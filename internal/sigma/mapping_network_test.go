package sigma

const apt29Zeek = "otrf-apt29/day1_combined_zeek.log"

var networkCases = []mappingCase{
	{
		name: "zeek http", events: corpusEvents(apt29Zeek),
		pick:      []string{"_path=http", "uri=/webdav"},
		logsource: "{product: zeek, service: http}",
		detection: `
selection:
    method: OPTIONS
    c-uri: /webdav
    c-useragent|startswith: Microsoft-WebDAV-MiniRedir
    status_code: 401
condition: selection`,
	},
	{
		name: "zeek http: other logs are left out", events: corpusEvents(apt29Zeek),
		pick:      []string{"_path=dns", "query=newyork.dmevals.local"},
		logsource: "{product: zeek, service: http}",
		detection: `
selection:
    id.resp_p: 53
condition: selection`,
		miss: true,
	},
	{
		name: "zeek dns", events: corpusEvents(apt29Zeek),
		pick:      []string{"_path=dns", "query=newyork.dmevals.local"},
		logsource: "{product: zeek, service: dns}",
		detection: `
selection:
    query: newyork.dmevals.local
    qtype_name: A
    answers: 10.0.0.4
condition: selection`,
	},
	{
		name: "zeek smb_files", events: corpusEvents(apt29Zeek),
		pick:      []string{"_path=smb_files"},
		logsource: "{product: zeek, service: smb_files}",
		detection: `
selection:
    path|endswith: '\sysvol'
    name|endswith: '\gpt.ini'
condition: selection`,
	},
	{
		name: "zeek dce_rpc (JSON)", events: corpusEvents("zeek/zed-sample-data/zeek-json/dce_rpc.json.gz"),
		pick:      []string{"_path=dce_rpc", "operation=SamrConnect2"},
		logsource: "{product: zeek, service: dce_rpc}",
		detection: `
selection:
    endpoint: samr
    operation: SamrConnect2
condition: selection`,
	},
	{
		name: "zeek x509", events: corpusEvents(apt29Zeek),
		pick:      []string{"_path=x509"},
		logsource: "{product: zeek, service: x509}",
		detection: `
selection:
    certificate.serial: 7EFDE1CFECCCDB44
condition: selection`,
	},
	{
		name: "zeek rdp (TSV)", events: corpusEvents("zeek/zed-sample-data/zeek-default/rdp.log.gz"),
		pick:      []string{"_path=rdp", "id.orig_h=10.164.94.120"},
		logsource: "{product: zeek, service: rdp}",
		detection: `
selection:
    id.orig_h: 10.164.94.120
    id.resp_p: 3389
condition: selection`,
	},
	{
		name: "zeek kerberos", events: corpusEvents(apt29Zeek),
		pick:      []string{"_path=kerberos", "service=HTTP/NASHUA"},
		logsource: "{product: zeek, service: kerberos}",
		detection: `
selection:
    request_type: TGS
    service|startswith: HTTP/
condition: selection`,
	},
	{
		name: "proxy: Zeek http.log", events: corpusEvents(apt29Zeek),
		pick:      []string{"_path=http", "uri=/webdav"},
		logsource: "{category: proxy}",
		detection: `
selection:
    cs-method: OPTIONS
    c-uri|contains: webdav
    c-useragent|contains: WebDAV
    cs-host: 192.168.0.4
    sc-status: 401
    dst_ip: 192.168.0.4
condition: selection`,
	},
	{
		name: "webserver: Zeek http.log", events: corpusEvents(apt29Zeek),
		pick:      []string{"_path=http", "uri=/webdav"},
		logsource: "{category: webserver}",
		detection: `
selection:
    cs-method: OPTIONS
    cs-uri-query|contains: webdav
    cs-user-agent|contains: WebDAV
    sc-status: 401
condition: selection`,
	},
	{
		name: "dns: Zeek dns.log", events: corpusEvents(apt29Zeek),
		pick:      []string{"_path=dns", "query=newyork.dmevals.local"},
		logsource: "{category: dns}",
		detection: `
selection:
    query|endswith: .dmevals.local
    record_type: A
    answer: 10.0.0.4
condition: selection`,
	},
	{
		name: "dns: Sysmon DNS query", events: corpusEvents("otrf/datasets/atomic/windows/lateral_movement/host/schtask_modification.zip"),
		pick:      []string{"EventID=22", "QueryName=raw.githubusercontent.com"},
		logsource: "{category: dns}",
		detection: `
selection:
    query: raw.githubusercontent.com
    answer|contains: github.map.fastly.net
condition: selection`,
	},
	{
		name: "firewall: VPC Flow Logs JSON", events: corpusEvents(panther + "AWS.VPCFlow.jsonl"),
		pick:      []string{"dstPort=22"},
		logsource: "{category: firewall}",
		detection: `
selection:
    dst_port: 22
    src_ip: 1.1.1.1
    dst_ip: 10.0.0.1
condition: selection`,
	},
	{
		name: "firewall: VPC Flow Logs text", events: textEvents("flows.log", "2 123456789012 eni-0a1b2c3d 10.0.0.5 198.51.100.7 49152 23 6 10 840 1620000000 1620000060 ACCEPT OK\n"),
		pick:      []string{"dstport=23"},
		logsource: "{category: firewall}",
		detection: `
selection:
    dst_port: 23
    src_ip: 10.0.0.5
selection_allow:
    action: accept
condition: selection and selection_allow`,
	},
	{
		name: "netflow: VPC Flow Logs", events: corpusEvents(panther + "AWS.VPCFlow.jsonl"),
		pick:      []string{"dstPort=22"},
		logsource: "{service: netflow}",
		detection: `
selection:
    destination.port: 22
condition: selection`,
	},
	{
		name: "rpc_firewall: the RPCFW event log", events: textEvents("rpcfw.json", rpcfwEvent),
		pick:      []string{"EventID=3"},
		logsource: "{product: rpc_firewall, category: application}",
		detection: `
selection:
    EventLog: RPCFW
    EventID: 3
    InterfaceUuid: 367abb81-9844-35f1-ad32-98f038001003
    OpNum: 12
condition: selection`,
	},
}

// rpcfwEvent is an RPC Firewall audit event as evtx_dump renders it (no
// corpus holds one).
const rpcfwEvent = `{"Event":{"System":{"Provider":{"#attributes":{"Name":"RPCFW"}},"EventID":3,"Channel":"RPCFW",` +
	`"Computer":"dc01.corp.local","EventRecordID":42,"TimeCreated":{"#attributes":{"SystemTime":"2023-10-16T09:12:01.000Z"}}},` +
	`"EventData":{"InterfaceUuid":"367abb81-9844-35f1-ad32-98f038001003","OpNum":"12","SourceAddress":"10.0.0.9"}}}`
