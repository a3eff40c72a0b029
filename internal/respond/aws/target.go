package aws

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// Name patterns from the IAM, EC2 and S3 API references.
var (
	iamNameRE    = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	policyNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	accessKeyRE  = regexp.MustCompile(`^AKIA[A-Z0-9]{12,124}$`)
	instanceRE   = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)
	bucketRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	accountRE    = regexp.MustCompile(`^\d{12}$`)
	regionRE     = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$`)
	// arn:partition:service:region:account:resource
	arnRE = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$`)
)

// Action parameters the connector reads. A parameter and the target may
// both name the thing acted on only if they agree.
const (
	ParamUser      = "user"          // IAM user name
	ParamRole      = "role"          // IAM role name
	ParamAccessKey = "access_key_id" // AKIA...
	ParamInstance  = "instance_id"   // i-...
	ParamBucket    = "bucket"        // S3 bucket name
	ParamRegion    = "region"        // region of the instance or bucket; default the configured one
	// ParamAcceptSessionRisk set to "true" lets the undo of a session
	// revocation run while denied sessions may still be valid.
	ParamAcceptSessionRisk = "accept_session_risk"
)

// principal is an IAM user or role, by name.
type principal struct {
	Kind string `json:"kind"` // "user" or "role"
	Name string `json:"name"`
}

// pick reconciles a parameter with what the target names.
func pick(param, fromTarget, what string) (string, error) {
	switch {
	case param != "" && fromTarget != "" && param != fromTarget:
		return "", fmt.Errorf("parameter names %s %q but the target names %q", what, param, fromTarget)
	case param != "":
		return param, nil
	case fromTarget != "":
		return fromTarget, nil
	}
	return "", fmt.Errorf("no %s in the target or parameters", what)
}

// arn is a parsed ARN.
type arn struct{ service, region, resource string }

// parseARN splits an ARN, checking the account against the configured one.
func (c *Connector) parseARN(s string) (arn, bool, error) {
	m := arnRE.FindStringSubmatch(s)
	if m == nil {
		return arn{}, false, nil
	}
	if c.cfg.Account != "" && m[4] != "" && m[4] != c.cfg.Account {
		return arn{}, true, fmt.Errorf("ARN %q is in account %s, not %s", s, m[4], c.cfg.Account)
	}
	return arn{service: m[2], region: m[3], resource: m[5]}, true, nil
}

// principalOf finds the IAM user or role an action names: parameters user
// or role, or a principal ARN (user, role, or an assumed-role session,
// whose role is meant). roleOnly refuses users.
func (c *Connector) principalOf(a *action.Action, roleOnly bool) (principal, error) {
	var fromTarget principal
	if a.Target.Kind == event.KindPrincipal {
		id := strings.TrimPrefix(a.Target.ID, "principal:")
		parsed, ok, err := c.parseARN(id)
		if err != nil {
			return principal{}, err
		}
		service, res := parsed.service, parsed.resource
		switch {
		case !ok:
		case service == "iam" && strings.HasPrefix(res, "user/"):
			fromTarget = principal{"user", res[strings.LastIndexByte(res, '/')+1:]}
		case service == "iam" && strings.HasPrefix(res, "role/"):
			if strings.HasPrefix(res, "role/aws-service-role/") {
				return principal{}, fmt.Errorf("%q is a service-linked role, which AWS manages", id)
			}
			fromTarget = principal{"role", res[strings.LastIndexByte(res, '/')+1:]}
		case service == "sts" && strings.HasPrefix(res, "assumed-role/"):
			parts := strings.Split(res, "/")
			if len(parts) == 3 {
				fromTarget = principal{"role", parts[1]}
			}
		default:
			return principal{}, fmt.Errorf("%q is not an IAM user or role", id)
		}
	}
	user, role := a.Params[ParamUser], a.Params[ParamRole]
	if user != "" && role != "" {
		return principal{}, fmt.Errorf("parameters name both user %q and role %q", user, role)
	}
	var p principal
	var err error
	switch {
	case role != "" || fromTarget.Kind == "role":
		if fromTarget.Kind == "user" {
			return principal{}, fmt.Errorf("parameter names role %q but the target is user %q", role, fromTarget.Name)
		}
		p.Kind = "role"
		p.Name, err = pick(role, fromTarget.Name, "role")
	case user != "" || fromTarget.Kind == "user":
		p.Kind = "user"
		p.Name, err = pick(user, fromTarget.Name, "user")
	default:
		return principal{}, fmt.Errorf("target %q names no IAM user or role", a.Target.ID)
	}
	if err != nil {
		return principal{}, err
	}
	if !iamNameRE.MatchString(p.Name) {
		return principal{}, fmt.Errorf("%q is not a valid IAM %s name", p.Name, p.Kind)
	}
	if roleOnly && p.Kind != "role" {
		return principal{}, fmt.Errorf("user %q has no sessions to revoke: deactivate its keys instead", p.Name)
	}
	return p, nil
}

// accessKeyOf finds the access key id an action names.
func accessKeyOf(a *action.Action) (string, error) {
	var fromTarget string
	if a.Target.Kind == event.KindCredential {
		fromTarget = strings.TrimPrefix(a.Target.ID, "credential:")
	}
	id, err := pick(a.Params[ParamAccessKey], fromTarget, "access key id")
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(id, "ASIA") {
		return "", fmt.Errorf("%q is a temporary credential: revoke the role's sessions instead", id)
	}
	if !accessKeyRE.MatchString(id) {
		return "", fmt.Errorf("%q is not an IAM access key id", id)
	}
	return id, nil
}

// instanceOf finds the EC2 instance an action names — the instance_id
// parameter, a host entity named by instance id, or an instance ARN — and
// a client for its region.
func (c *Connector) instanceOf(a *action.Action) (string, *ec2.Client, error) {
	id, region, err := c.instanceRef(a)
	if err != nil {
		return "", nil, err
	}
	if region == "" {
		return id, c.ec2, nil
	}
	return id, ec2.New(c.ec2.Options(), func(o *ec2.Options) { o.Region = region }), nil
}

// instanceRef finds the instance id and its region ("" for the default).
func (c *Connector) instanceRef(a *action.Action) (id, region string, err error) {
	var fromTarget string
	switch a.Target.Kind {
	case event.KindHost:
		fromTarget = strings.TrimPrefix(a.Target.ID, "host:")
	case event.KindResource:
		parsed, ok, err := c.parseARN(strings.TrimPrefix(a.Target.ID, "resource:"))
		if err != nil {
			return "", "", err
		}
		if ok && parsed.service == "ec2" && strings.HasPrefix(parsed.resource, "instance/") {
			fromTarget = strings.TrimPrefix(parsed.resource, "instance/")
			region = parsed.region
		}
	}
	if id, err = pick(a.Params[ParamInstance], fromTarget, "instance id"); err != nil {
		return "", "", err
	}
	if !instanceRE.MatchString(id) {
		return "", "", fmt.Errorf("%q is not an EC2 instance id", id)
	}
	switch p := a.Params[ParamRegion]; {
	case p != "" && region != "" && p != region:
		return "", "", fmt.Errorf("parameter names region %q but the target's ARN %q", p, region)
	case p != "":
		region = p
	case region == "":
		return id, "", nil // the configured region
	}
	if !regionRE.MatchString(region) {
		return "", "", fmt.Errorf("%q is not an AWS region", region)
	}
	return id, region, nil
}

// bucketOf finds the S3 bucket an action names — the bucket parameter or
// a bucket ARN (arn:aws:s3:::name) — and a client for the region
// parameter, when set (a bucket ARN names no region).
func (c *Connector) bucketOf(a *action.Action) (string, *s3.Client, error) {
	name, err := bucketName(a)
	if err != nil {
		return "", nil, err
	}
	region := a.Params[ParamRegion]
	if region == "" {
		return name, c.s3, nil
	}
	if !regionRE.MatchString(region) {
		return "", nil, fmt.Errorf("%q is not an AWS region", region)
	}
	return name, s3.New(c.s3.Options(), func(o *s3.Options) { o.Region = region }), nil
}

func bucketName(a *action.Action) (string, error) {
	var fromTarget string
	if a.Target.Kind == event.KindResource {
		if name, ok := strings.CutPrefix(a.Target.ID, "resource:arn:"); ok {
			if _, rest, ok := strings.Cut(name, ":s3:::"); ok && !strings.Contains(rest, "/") {
				fromTarget = rest
			}
		}
	}
	name, err := pick(a.Params[ParamBucket], fromTarget, "bucket")
	if err != nil {
		return "", err
	}
	if !bucketRE.MatchString(name) || strings.Contains(name, "..") || strings.HasPrefix(name, "xn--") {
		return "", fmt.Errorf("%q is not a valid S3 bucket name", name)
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return "", fmt.Errorf("%q is not a valid S3 bucket name", name)
	}
	return name, nil
}
