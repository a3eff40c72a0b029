package sigma

const panther = "panther/rule_tests/"

var cloudCases = []mappingCase{
	{
		name: "aws cloudtrail", events: corpusEvents("stratus-red-team/detonation-logs/aws.defense-evasion.cloudtrail-stop.json"),
		pick:      []string{"eventName=StopLogging"},
		logsource: "{product: aws, service: cloudtrail}",
		detection: `
selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: StopLogging
condition: selection`,
	},
	{
		name: "okta", events: corpusEvents(panther + "Okta.SystemLog.jsonl"),
		pick:      []string{"eventType=user.session.impersonation.grant"},
		logsource: "{product: okta, service: okta}",
		detection: `
selection:
    eventType: user.session.impersonation.grant
    displayMessage: Enable impersonation grant
    actor.alternateId|endswith: '@springfield.gov'
condition: selection`,
	},
	{
		name: "gcp audit", events: corpusEvents(panther + "GCP.AuditLog.jsonl"),
		pick:      []string{"protoPayload.methodName=v1.compute.firewalls.insert"},
		logsource: "{product: gcp, service: gcp.audit}",
		detection: `
selection:
    gcp.audit.method_name: v*.Compute.Firewalls.Insert
    data.protoPayload.serviceName: compute.googleapis.com
    data.protoPayload.authorizationInfo.granted: 'true'
condition: selection`,
	},
	{
		name: "kubernetes audit (category application falls back to the service)", events: corpusEvents("k8s-audit/falco-trace-files/attach_cluster_admin_role.json"),
		pick:      []string{"objectRef.resource=clusterrolebindings"},
		logsource: "{product: kubernetes, category: application, service: audit}",
		detection: `
selection:
    verb: create
    apiGroup: rbac.authorization.k8s.io
    objectRef.resource: clusterrolebindings
condition: selection`,
	},
	{
		name: "kubernetes audit: capabilities", events: corpusEvents(panther + "Amazon.EKS.Audit.jsonl"),
		pick:      []string{"requestObject.spec.containers.securityContext.capabilities.add=SYS_ADMIN"},
		logsource: "{product: kubernetes, service: audit}",
		detection: `
selection:
    verb: create
    objectRef.resource: pods
    capabilities: SYS_ADMIN
condition: selection`,
	},
	{
		name: "m365 audit: Management Activity API", events: repoEvents("internal/source/m365/testdata/fixtures.jsonl"),
		pick:      []string{"Operation=MailItemsAccessed"},
		logsource: "{product: m365, service: audit}",
		detection: `
selection:
    Workload: Exchange
    Operation: MailItemsAccessed
    OperationProperties|contains: Bind
condition: selection`,
	},
	{
		name: "m365 audit: Sentinel OfficeActivity", events: corpusEvents("otrf-compound/GoldenSAMLADFSMailAccess/OfficeActivityEvents.Zip"),
		pick:      []string{"Operation=MailItemsAccessed"},
		logsource: "{product: m365, service: audit}",
		detection: `
selection:
    Workload: Exchange
    Operation: MailItemsAccessed
    ResultStatus: Succeeded
condition: selection`,
	},
	{
		name: "m365 audit: lower-cased export", events: corpusEvents(panther + "Microsoft365.Audit.Exchange.jsonl"),
		pick:      []string{"operation=Set-Mailbox", "parameters.Value=smtp:peter.griffin@familyguy.com"},
		logsource: "{product: m365, service: audit}",
		detection: `
selection:
    Workload: Exchange
    Operation: Set-Mailbox
    Parameters|contains: ForwardingSmtpAddress
condition: selection`,
	},
	// Entra sign-ins and audits: the same rule names on the three shapes.
	{
		name: "azure signinlogs: diagnostic settings", events: corpusEvents(panther + "Azure.Audit.jsonl"),
		pick:      []string{"correlationId=device-code-001"},
		logsource: "{product: azure, service: signinlogs}",
		detection: `
selection:
    ResultType: 0
    userAgent|contains: Chrome/1.1.1.1
    DeviceDetail.deviceId: device-attacker-456
    properties.appId: 29d9ed98-a469-4536-ade2-f981bc1d605e
    callerIpAddress: 2.2.2.2
condition: selection`,
	},
	{
		name: "azure signinlogs: Log Analytics", events: repoEvents("internal/source/entra/testdata/signin.jsonl"),
		pick:      []string{"Id=66ea54eb-6301-4ee5-be62-ff5a759b0103"},
		logsource: "{product: azure, service: signinlogs}",
		detection: `
selection:
    ResultType: 50074
    ResultDescription|contains: 'Strong Auth'
    location: NL
    callerIpAddress: 203.0.113.99
    properties.appId: c44b4083-3bb0-49c1-b47d-974e53cbdf3c
condition: selection`,
	},
	{
		name: "azure signinlogs: Microsoft Graph", events: repoEvents("internal/source/entra/testdata/signin.jsonl"),
		pick:      []string{"id=66ea54eb-6301-4ee5-be62-ff5a759b0100"},
		logsource: "{product: azure, service: signinlogs}",
		detection: `
selection:
    ResultType: 0
    userAgent|contains: 'X11; Linux'
    ResourceDisplayName: Microsoft Graph
    conditionalAccessStatus: success
    location: FR
    callerIpAddress: 203.0.113.7
condition: selection`,
	},
	{
		name: "azure riskdetection: the sign-in's risk event types", events: corpusEvents(panther + "Azure.Audit.jsonl"),
		pick:      []string{"properties.riskEventTypes=anonymizedIPAddress"},
		logsource: "{product: azure, service: riskdetection}",
		detection: `
selection:
    riskEventType: anonymizedIPAddress
condition: selection`,
	},
	{
		name: "azure auditlogs: Log Analytics", events: corpusEvents("otrf-compound/GoldenSAMLADFSMailAccess/AADAuditEvents.Zip"),
		pick:      []string{"OperationName=Add delegated permission grant"},
		logsource: "{product: azure, service: auditlogs}",
		detection: `
selection:
    properties.message: Add delegated permission grant
    Category: ApplicationManagement
    Status: success
    TargetResources|contains: Mail.ReadWrite
condition: selection`,
	},
	{
		name: "azure auditlogs: diagnostic settings", events: corpusEvents(panther + "Azure.Audit.jsonl"),
		pick:      []string{"correlationId=policy-update-001"},
		logsource: "{product: azure, service: auditlogs}",
		detection: `
selection:
    OperationName: Authentication Methods Policy Update
    ActivityDisplayName: Update authentication methods policy
    LoggedByService: Core Directory
    Status: success
    TargetResources.modifiedProperties.newValue|contains: attacker-idp.evil.com
condition: selection`,
	},
	{
		name: "azure auditlogs: Microsoft Graph", events: repoEvents("internal/source/entra/testdata/audit.jsonl"),
		pick:      []string{"id=Directory_0a1b2c3d-0000-4000-8000-000000000a0a_ABCDE_1"},
		logsource: "{product: azure, service: auditlogs}",
		detection: `
selection:
    operationName: Add member to role
    Category: RoleManagement
    LoggedByService: Core Directory
    Status: success
    properties.targetResources|contains: Administrator
condition: selection`,
	},
}
