package simulate

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// ctIdentity is a CloudTrail userIdentity.
type ctIdentity struct {
	v   write.Value
	key string // access key id, for the record's own use
}

func (s *sim) account() string { return s.env.AWS.Account }

// iamUser is the identity of an IAM user calling with its long-lived key.
func (s *sim) iamUser(name, key string) ctIdentity {
	acct := s.account()
	return ctIdentity{key: key, v: write.Obj(
		write.S("type", "IAMUser"), write.S("principalId", stableKey("AIDA", acct+"/user/"+name)),
		write.S("arn", "arn:aws:iam::"+acct+":user/"+name), write.S("accountId", acct),
		write.S("accessKeyId", key), write.S("userName", name),
	)}
}

// roleSession is the identity of a role session: role assumed by
// sessionName, calling with the temporary key.
func (s *sim) roleSession(role, sessionName, key string, created time.Time, ec2 bool) ctIdentity {
	acct := s.account()
	roleID := stableKey("AROA", acct+"/role/"+role)
	ctx := []write.Member{
		write.M("sessionIssuer", write.Obj(
			write.S("type", "Role"), write.S("principalId", roleID), write.S("arn", "arn:aws:iam::"+acct+":role/"+role),
			write.S("accountId", acct), write.S("userName", role),
		)),
		write.M("attributes", write.Obj(write.S("creationDate", ctTime(created)), write.S("mfaAuthenticated", "false"))),
	}
	if ec2 {
		ctx = append(ctx, write.S("ec2RoleDelivery", "2.0"))
	}
	return ctIdentity{key: key, v: write.Obj(
		write.S("type", "AssumedRole"), write.S("principalId", roleID+":"+sessionName),
		write.S("arn", "arn:aws:sts::"+acct+":assumed-role/"+role+"/"+sessionName), write.S("accountId", acct),
		write.S("accessKeyId", key), write.M("sessionContext", write.Obj(ctx...)),
	)}
}

// awsService is a call an AWS service makes on the account's behalf.
func awsService(service string) ctIdentity {
	return ctIdentity{v: write.Obj(write.S("type", "AWSService"), write.S("invokedBy", service))}
}

// ctCall is one API call for CloudTrail.
type ctCall struct {
	id         ctIdentity
	source     string // iam.amazonaws.com
	name       string // CreateAccessKey
	ip, agent  string
	req, resp  write.Value // Null() when none
	extra      write.Value // additionalEventData, when set
	resources  []write.Value
	readOnly   bool
	data       bool // a data event (S3 object level)
	errorCode  string
	errMessage string
}

// cloudTrail emits one CloudTrail record.
func (s *sim) cloudTrail(t time.Time, rng *rand.Rand, c ctCall) {
	acct, region := s.account(), s.env.AWS.Region
	m := make([]write.Member, 0, 24)
	m = append(m, write.S("eventVersion", "1.09"), write.M("userIdentity", c.id.v), write.S("eventTime", ctTime(t)),
		write.S("eventSource", c.source), write.S("eventName", c.name), write.S("awsRegion", region),
		write.S("sourceIPAddress", c.ip), write.S("userAgent", c.agent))
	if c.errorCode != "" {
		m = append(m, write.S("errorCode", c.errorCode), write.S("errorMessage", c.errMessage))
	}
	m = append(m, write.M("requestParameters", c.req), write.M("responseElements", c.resp))
	if !c.extra.IsNull() {
		m = append(m, write.M("additionalEventData", c.extra))
	}
	m = append(m, write.S("requestID", strings.ToUpper(uuid(rng))), write.S("eventID", uuid(rng)), write.B("readOnly", c.readOnly))
	if len(c.resources) > 0 {
		m = append(m, write.M("resources", write.Arr(c.resources...)))
	}
	category := "Management"
	if c.data {
		category = "Data"
	}
	m = append(m, write.S("eventType", "AwsApiCall"), write.B("managementEvent", !c.data), write.S("recipientAccountId", acct))
	if c.data {
		m = append(m, write.S("sharedEventID", uuid(rng)))
	}
	m = append(m, write.S("eventCategory", category))
	if c.source != "" && !strings.HasPrefix(c.agent, "AWS Internal") {
		host := strings.TrimSuffix(c.source, ".amazonaws.com") + "." + region + ".amazonaws.com"
		if c.source == "iam.amazonaws.com" {
			host = "iam.amazonaws.com"
		}
		m = append(m, write.M("tlsDetails", write.Obj(write.S("tlsVersion", "TLSv1.3"),
			write.S("cipherSuite", "TLS_AES_128_GCM_SHA256"), write.S("clientProvidedHostHeader", host))))
	}
	s.emit(t, &ctRecord{account: acct, region: region, v: write.Obj(m...)})
}

func ctTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// s3Object is a GetObject or PutObject data event's parts.
func (s *sim) s3Object(name, bucket, key string, bytes int64) (req, extra write.Value, res []write.Value) {
	acct := s.account()
	req = write.Obj(write.S("bucketName", bucket), write.S("key", key))
	in, out := int64(0), bytes
	if name == "PutObject" {
		in, out = bytes, 0
	}
	extra = write.Obj(write.S("SignatureVersion", "SigV4"), write.S("CipherSuite", "TLS_AES_128_GCM_SHA256"),
		write.N("bytesTransferredIn", in), write.N("bytesTransferredOut", out))
	res = []write.Value{
		write.Obj(write.S("type", "AWS::S3::Object"), write.S("ARN", "arn:aws:s3:::"+bucket+"/"+key)),
		write.Obj(write.S("accountId", acct), write.S("type", "AWS::S3::Bucket"), write.S("ARN", "arn:aws:s3:::"+bucket)),
	}
	return req, extra, res
}

// User agents of the tools that call AWS.
const (
	agentCLI     = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe"
	agentBoto    = "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69"
	agentConsole = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	agentGo      = "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/s3#1.53.1"
)
