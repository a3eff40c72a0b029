package simulate

import (
	"errors"
	"fmt"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// instanceTheft is the stolen-instance-credentials campaign: a server-side
// request forgery in the web application of an EC2 instance hands the
// attacker the instance role's temporary credentials (from the metadata
// service), which they use from their own address: they check who they
// are, list the buckets and instances, try to create an IAM user (denied)
// and download objects of the crown-jewel bucket.
//
// In CloudTrail the calls carry the instance's own identity (assumed-role
// /<role>/<instance id>, the same ASIA key the instance uses from its own
// address) but another source address and user agent. The key and its
// session join the attacker's calls to the credentials ec2.amazonaws.com
// issued to the instance; the session name is the instance id, which the
// reader makes the instance's host.
type instanceTheft struct {
	c      *campaignRun
	role   Role
	inst   *instanceRole
	bucket *Bucket
	ip     string
	stolen ctIdentity
	user   string // the IAM user the attacker tries to create
}

// agentStolen is the attacker's client: the AWS CLI on a laptop, unlike the
// instance's Boto3.
const agentStolen = "aws-cli/2.15.17 Python/3.11.6 Darwin/23.3.0 exe/x86_64 prompt/off"

func (s *sim) planInstanceTheft(c *campaignRun) (time.Time, error) {
	a := &instanceTheft{c: c}
	for _, r := range s.env.AWS.Roles {
		if r.Kind == "instance" && s.world.instances[r.Instance] != nil {
			a.role, a.inst = r, s.world.instances[r.Instance]
			break
		}
	}
	a.bucket = s.bucket(c.rng, true)
	if a.inst == nil || a.bucket == nil {
		return time.Time{}, errors.New("needs an AWS account with an instance role (kind instance, with its instance id) and a crown-jewel bucket")
	}
	// The instance has had its credentials for a while when they are
	// stolen: it asks for them within its first minutes.
	const settled = time.Hour
	span := s.end.Sub(s.start) - campaignLength - settled
	if span <= 0 {
		return time.Time{}, fmt.Errorf("needs %s of run", campaignLength+settled)
	}
	at := s.start.Add(settled + time.Duration(c.rng.Int64N(int64(span)))).Truncate(time.Second)
	a.ip = fmt.Sprintf("%d.%d.%d.%d", pick(c.rng, []int{45, 104, 139, 157}), c.rng.IntN(256), c.rng.IntN(256), 2+c.rng.IntN(250))
	a.user = pick(c.rng, []string{"svc-backup-sync", "monitoring-agent", "deploy-bot"})
	c.description = fmt.Sprintf("A server-side request forgery in the web application of %s gives the attacker the temporary "+
		"credentials of its role %s from the instance metadata service. From %s, with the AWS CLI, the attacker checks who "+
		"they are, lists buckets and instances, tries to create the IAM user %s (denied), lists every bucket and downloads "+
		"objects of %s. The instance keeps using the same key from its own address.",
		a.role.Instance, a.role.Name, a.ip, a.user, a.bucket.Name)
	c.source = "Entities are the instance, its role and the role session the stolen key belongs to (the session and key ids), " +
		"the attacker's address, the buckets listed, the objects read and the user the attacker tried to create. The backup " +
		"instance and its role, which read the same bucket every night, are benign. The request that exploited the " +
		"application is not in these sources (the metadata service's traffic never leaves the instance)."
	c.inputs = []string{DirCloudTrail}
	c.steps = []step{a.steal, a.recon, a.escalate, a.collect}
	return at, nil
}

func (a *instanceTheft) call(s *sim, t time.Time, cc ctCall) {
	cc.id, cc.ip, cc.agent = a.stolen, a.ip, agentStolen
	s.cloudTrail(t, a.c.rng, cc)
}

// steal: the forged requests reach the web application (the flow log of
// the instance's interface records them, when the account has one); the
// last returns the instance's current credentials, which are tried from
// outside.
func (a *instanceTheft) steal(s *sim, t time.Time) time.Duration {
	c, start := a.c, t
	if in := s.instanceByID(a.role.Instance); in != nil {
		for range 3 + c.rng.IntN(4) {
			s.vpcConn(t, c.rng, vpcConn{src: a.ip, srcPort: 1024 + c.rng.IntN(64000), dst: in.PrivateIP, dstPort: 443,
				bytesOut: 700 + c.rng.Int64N(1500), bytesIn: 1200 + c.rng.Int64N(20000), dur: jitter(c.rng, 100*time.Millisecond, 2*time.Second)})
			t = t.Add(jitter(c.rng, 5*time.Second, 40*time.Second))
		}
		c.entity(endpointID(in.PrivateIP, 443), "the web application, where the forged requests came in")
	}
	t = t.Add(jitter(c.rng, 30*time.Second, 2*time.Minute))
	a.stolen = a.inst.sess
	a.call(s, t, ctCall{source: "sts.amazonaws.com", name: "GetCallerIdentity", readOnly: true, req: write.Null(), resp: write.Null()})
	acct := s.account()
	roleARN := "arn:aws:iam::" + acct + ":role/" + a.role.Name
	sessionName := roleARN + "/" + a.role.Instance
	session := event.Session("aws", a.stolen.key, sessionName).ID
	host := event.Host(a.role.Instance).ID
	c.rootCause = []string{session, event.Credential(a.stolen.key).ID, ipID(a.ip), host}
	c.firstComp = host
	c.entity(host, "the instance whose application was exploited")
	c.entity("principal:"+roleARN, "its role")
	c.entity(session, "the instance's role session, used from outside")
	c.entity(event.Credential(a.stolen.key).ID, "its temporary key")
	c.entity(ipID(a.ip), "the attacker's address")
	c.technique("T1552.005", "credentials from the instance metadata service")
	c.technique("T1078.004", "valid cloud credentials")
	for _, r := range s.env.AWS.Roles {
		if r.Kind == "backup" && r.Instance != "" {
			c.benign = append(c.benign, "principal:arn:aws:iam::"+acct+":role/"+r.Name, event.Host(r.Instance).ID)
		}
	}
	return t.Sub(start) + jitter(c.rng, 2*time.Minute, 8*time.Minute)
}

// recon: buckets and instances.
func (a *instanceTheft) recon(s *sim, t time.Time) time.Duration {
	c := a.c
	a.call(s, t, ctCall{source: "s3.amazonaws.com", name: "ListBuckets", readOnly: true,
		req: write.Obj(write.S("Host", "s3."+s.env.AWS.Region+".amazonaws.com")), resp: write.Null()})
	wait := jitter(c.rng, 20*time.Second, 90*time.Second)
	a.call(s, t.Add(wait), ctCall{source: "ec2.amazonaws.com", name: "DescribeInstances", readOnly: true,
		req: write.Obj(write.M("instancesSet", write.Obj()), write.M("filterSet", write.Obj())), resp: write.Null()})
	c.technique("T1619", "ListBuckets, ListObjects")
	c.technique("T1580", "DescribeInstances")
	return wait + jitter(c.rng, time.Minute, 5*time.Minute)
}

// escalate: the attacker tries to create a user of their own; the role may
// not.
func (a *instanceTheft) escalate(s *sim, t time.Time) time.Duration {
	c, acct := a.c, s.account()
	userARN := "arn:aws:iam::" + acct + ":user/" + a.user
	a.call(s, t, ctCall{source: "iam.amazonaws.com", name: "CreateUser", req: write.Obj(write.S("userName", a.user)), resp: write.Null(),
		errorCode: "AccessDenied", errMessage: "User: arn:aws:sts::" + acct + ":assumed-role/" + a.role.Name + "/" + a.role.Instance +
			" is not authorized to perform: iam:CreateUser on resource: " + userARN + " because no identity-based policy allows the iam:CreateUser action"})
	c.entity("principal:"+userARN, "the user the attacker tried to create (denied)")
	c.technique("T1136.003", "cloud account, attempted")
	return jitter(c.rng, time.Minute, 4*time.Minute)
}

// collect: every bucket is listed, then objects of the crown-jewel bucket
// are downloaded.
func (a *instanceTheft) collect(s *sim, t time.Time) time.Duration {
	c, acct := a.c, s.account()
	list := func(b *Bucket, prefix string) {
		arn := "arn:aws:s3:::" + b.Name
		a.call(s, t, ctCall{source: "s3.amazonaws.com", name: "ListObjects", readOnly: true, data: true,
			req:       write.Obj(write.S("bucketName", b.Name), write.S("prefix", prefix)),
			resources: []write.Value{write.Obj(write.S("accountId", acct), write.S("type", "AWS::S3::Bucket"), write.S("ARN", arn))}})
		c.entity("resource:"+arn, "a bucket listed")
		t = t.Add(jitter(c.rng, 2*time.Second, 12*time.Second))
	}
	for i := range s.env.AWS.Buckets {
		list(&s.env.AWS.Buckets[i], "")
	}
	b := a.bucket
	for _, prefix := range b.Prefixes {
		list(b, prefix)
	}
	for i := range 20 + c.rng.IntN(20) {
		key := b.Prefixes[i%len(b.Prefixes)] + fmt.Sprintf("%04d.pdf", c.rng.IntN(120))
		req, extra, res := s.s3Object("GetObject", b.Name, key, 150_000+c.rng.Int64N(7_000_000))
		a.call(s, t, ctCall{source: "s3.amazonaws.com", name: "GetObject", readOnly: true, data: true, req: req, extra: extra, resources: res})
		c.readObject("resource:arn:aws:s3:::" + b.Name + "/" + key)
		t = t.Add(jitter(c.rng, 400*time.Millisecond, 5*time.Second))
	}
	c.technique("T1530", "data from cloud storage")
	return 0
}

// instanceByID is the account's instance with id, when the run has a VPC.
func (s *sim) instanceByID(id string) *ec2Instance {
	if s.vpc == nil {
		return nil
	}
	for _, in := range s.vpc.instances {
		if in.ID == id {
			return in
		}
	}
	return nil
}
