package cloudtrail

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// view is the part of a record the normalizer reads, gathered in one pass
// over the flattened fields.
type view struct {
	eventID, eventName, eventSource, eventTime, eventType string
	region, sourceIP, errorCode, recipient                string
	timestamp, pantherTime                                string // other clocks: Logstash @timestamp, Panther p_event_time

	// userIdentity
	idType, idARN, idAccount, idKey, idUser, idPrincipal, idInvokedBy string
	issuerARN, issuerName, creationDate, onBehalfOf                   string

	// requestParameters and responseElements that create or name things
	roleARN, roleSession, bucket, objectKey string
	newKey, assumedARN, createdKey, keyUser string
	federatedARN, consoleLogin              string
	bytesIn, bytesOut                       string

	items []item // targets, in record order
}

// itemKind says how a target value becomes an entity.
type itemKind uint8

const (
	itemResource  itemKind = iota // ARN, or a name scoped by account, region and service
	itemInstance                  // EC2 instance id: a host
	itemENI                       // network interface id
	itemUser                      // IAM user name
	itemRole                      // IAM role name
	itemPrincipal                 // IAM user or role ARN
	itemCommand                   // SSM command id
	itemName                      // requestParameters.name(s): an SSM parameter, a trail, ...
	itemFunction                  // Lambda function name or ARN
)

type item struct {
	kind itemKind
	v    string
}

// read fills v from r's fields. In lower-case exports the keys are matched
// case-insensitively.
func (v *view) read(r *jsonrec.Record) {
	lower := false
	for i := range r.Fields {
		if r.Fields[i].Key == "eventname" {
			lower = true
			break
		}
		if r.Fields[i].Key == "eventName" {
			break
		}
	}
	for i := range r.Fields {
		k, val := r.Fields[i].Key, r.Fields[i].Value
		if lower {
			k = canonical(k)
		}
		v.field(k, val)
	}
}

func (v *view) field(k, val string) {
	switch k {
	case "eventID":
		v.eventID = val
	case "eventName":
		v.eventName = val
	case "eventSource":
		v.eventSource = val
	case "eventTime":
		v.eventTime = val
	case "eventType":
		v.eventType = val
	case "awsRegion":
		v.region = val
	case "sourceIPAddress":
		v.sourceIP = val
	case "errorCode":
		v.errorCode = val
	case "recipientAccountId":
		v.recipient = val
	case "@timestamp":
		v.timestamp = val
	case "p_event_time":
		v.pantherTime = val
	case "userIdentity.type":
		v.idType = val
	case "userIdentity.arn":
		v.idARN = val
	case "userIdentity.accountId":
		v.idAccount = val
	case "userIdentity.accessKeyId":
		v.idKey = val
	case "userIdentity.userName":
		v.idUser = val
	case "userIdentity.principalId":
		v.idPrincipal = val
	case "userIdentity.invokedBy":
		v.idInvokedBy = val
	case "userIdentity.sessionContext.sessionIssuer.arn":
		v.issuerARN = val
	case "userIdentity.sessionContext.sessionIssuer.userName":
		v.issuerName = val
	case "userIdentity.sessionContext.attributes.creationDate":
		v.creationDate = val
	case "userIdentity.onBehalfOf.userId":
		v.onBehalfOf = val
	case "requestParameters.roleArn":
		v.roleARN = val
		v.add(itemPrincipal, val)
	case "requestParameters.roleSessionName":
		v.roleSession = val
	case "requestParameters.bucketName":
		v.bucket = val
	case "requestParameters.key":
		v.objectKey = val
	case "responseElements.credentials.accessKeyId":
		v.newKey = val
	case "responseElements.assumedRoleUser.arn":
		v.assumedARN = val
	case "responseElements.accessKey.accessKeyId":
		v.createdKey = val
	case "responseElements.accessKey.userName", "responseElements.loginProfile.userName":
		v.keyUser = val
	case "responseElements.federatedUser.arn":
		v.federatedARN = val
		v.add(itemPrincipal, val)
	case "responseElements.ConsoleLogin":
		v.consoleLogin = val
	case "additionalEventData.bytesTransferredOut":
		v.bytesOut = val
	case "additionalEventData.bytesTransferredIn":
		v.bytesIn = val
	case "requestParameters.userName":
		v.add(itemUser, val)
	case "requestParameters.roleName":
		v.add(itemRole, val)
	case "responseElements.user.arn", "responseElements.role.arn":
		v.add(itemPrincipal, val)
	case "requestParameters.instanceId", "requestParameters.instanceIds",
		"requestParameters.instancesSet.items.instanceId",
		"responseElements.instancesSet.items.instanceId",
		"responseElements.command.instanceIds":
		v.add(itemInstance, val)
	case "requestParameters.target":
		if hasPrefix(val, "i-") || hasPrefix(val, "mi-") {
			v.add(itemInstance, val)
		}
	case "requestParameters.networkInterfaceId",
		"responseElements.instancesSet.items.networkInterfaceSet.items.networkInterfaceId":
		v.add(itemENI, val)
	case "requestParameters.commandId", "responseElements.command.commandId":
		v.add(itemCommand, val)
	case "resources.ARN", "resources.arn":
		if isIAMPrincipalARN(val) {
			v.add(itemPrincipal, val)
		} else {
			v.add(itemResource, val)
		}
	case "requestParameters.name", "requestParameters.names", "requestParameters.trailName":
		v.add(itemName, val)
	case "requestParameters.functionName":
		v.add(itemFunction, val)
	case "requestParameters.secretId", "requestParameters.secretIdList", "responseElements.functionArn",
		"requestParameters.snapshotId", "requestParameters.imageId",
		"requestParameters.dBSnapshotIdentifier", "requestParameters.groupId",
		"requestParameters.modelId", "requestParameters.policyArn",
		"requestParameters.resolverQueryLogConfigId",
		"requestParameters.DeleteFlowLogsRequest.FlowLogId.content",
		"requestParameters.flowLogIds", "requestParameters.logGroupName",
		"requestParameters.detectorId",
		"responseElements.trailARN", "responseElements.layers.arn",
		"responseElements.trustAnchor.trustAnchorArn", "responseElements.profile.profileArn":
		v.add(itemResource, val)
	}
}

func (v *view) add(kind itemKind, val string) {
	if val == "" {
		return
	}
	v.items = append(v.items, item{kind: kind, v: val})
}

// canonical maps a lower-cased key back to CloudTrail's spelling for the
// keys the normalizer reads. Other keys are returned unchanged.
func canonical(k string) string {
	for _, c := range canonicalKeys {
		if len(c) == len(k) && strings.EqualFold(c, k) {
			return c
		}
	}
	return k
}

// canonicalKeys lists the keys read from lower-cased exports.
var canonicalKeys = [...]string{
	"eventID", "eventName", "eventSource", "eventTime", "eventType", "awsRegion",
	"sourceIPAddress", "errorCode", "recipientAccountId",
	"userIdentity.type", "userIdentity.arn", "userIdentity.accountId",
	"userIdentity.accessKeyId", "userIdentity.userName", "userIdentity.principalId",
	"userIdentity.invokedBy", "userIdentity.sessionContext.sessionIssuer.arn",
	"userIdentity.sessionContext.sessionIssuer.userName",
	"userIdentity.sessionContext.attributes.creationDate",
	"requestParameters.roleArn", "requestParameters.roleSessionName",
	"requestParameters.bucketName", "requestParameters.userName", "requestParameters.roleName",
	"requestParameters.instanceId", "requestParameters.instanceIds",
	"responseElements.credentials.accessKeyId", "responseElements.accessKey.accessKeyId",
	"additionalEventData.bytesTransferredOut", "additionalEventData.bytesTransferredIn",
}

// isIAMPrincipalARN reports whether arn names an IAM user or role.
func isIAMPrincipalARN(arn string) bool {
	if !hasPrefix(arn, "arn:") || !strings.Contains(arn, ":iam::") {
		return false
	}
	return strings.Contains(arn, ":user/") || strings.Contains(arn, ":role/")
}
