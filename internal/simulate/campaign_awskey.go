package simulate

import (
	"errors"
	"fmt"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// awsKey is the leaked-key campaign: a developer's access key, leaked,
// is used from outside to look around, create a key for an administrator
// (privilege escalation), read the crown-jewel bucket with it and stop the
// trail.
type awsKey struct {
	c       *campaignRun
	dev     string // IAM user whose key leaked
	devKey  string
	admin   string // IAM user the attacker creates a key for
	newKey  string
	ip      string
	agent   string
	bucket  *Bucket
	leaked  ctIdentity
	escaped ctIdentity
}

func (s *sim) planAWSKey(c *campaignRun) (time.Time, error) {
	a := &awsKey{c: c}
	var devs []string
	for _, iu := range s.env.AWS.Users {
		p := s.world.byName[iu.Owner]
		switch {
		case iu.Admin && a.admin == "":
			a.admin = iu.Name
		case p != nil && p.dev && !iu.Admin:
			devs = append(devs, iu.Name)
		}
	}
	a.bucket = s.bucket(c.rng, true)
	if len(devs) == 0 || a.admin == "" || a.bucket == nil || s.env.AWS.Trail == "" {
		return time.Time{}, errors.New("needs an AWS account with a developer's IAM user, an administrator IAM user, a crown-jewel bucket and a trail")
	}
	a.dev = pick(c.rng, devs)
	a.devKey = s.world.keys[a.dev]
	a.ip = fmt.Sprintf("%d.%d.%d.%d", pick(c.rng, []int{5, 37, 91, 146, 193}), c.rng.IntN(256), c.rng.IntN(256), 2+c.rng.IntN(250))
	a.agent = "aws-cli/2.9.19 Python/3.9.11 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off"
	a.newKey = "AKIA" + randString(c.rng, alnum, 16)
	span := s.end.Sub(s.start) - campaignLength
	at := s.start.Add(time.Duration(c.rng.Int64N(int64(span)))).Truncate(time.Second)
	c.description = fmt.Sprintf("The access key of the IAM user %s, leaked, is used from %s: the caller checks who it is, lists "+
		"buckets and users, creates an access key for the administrator %s, and with that key lists and downloads objects of "+
		"%s, then stops the trail %s.", a.dev, a.ip, a.admin, a.bucket.Name, s.env.AWS.Trail)
	c.source = "Entities are the leaked key and its user, the caller's address, the administrator and the key created for it, " +
		"the bucket and each object read, and the trail. The developer's own calls from the office and the nightly backup " +
		"role, which reads the same bucket, are benign."
	c.inputs = []string{DirCloudTrail}
	c.steps = []step{a.recon, a.escalate, a.collect, a.evade}
	return at, nil
}

func (a *awsKey) call(s *sim, t time.Time, id ctIdentity, source, name string, ro bool, req, resp write.Value) {
	s.cloudTrail(t, a.c.rng, ctCall{id: id, source: source, name: name, ip: a.ip, agent: a.agent, readOnly: ro, req: req, resp: resp})
}

func (a *awsKey) recon(s *sim, t time.Time) time.Duration {
	c := a.c
	a.leaked = s.iamUser(a.dev, a.devKey)
	a.call(s, t, a.leaked, "sts.amazonaws.com", "GetCallerIdentity", true, write.Null(), write.Null())
	a.call(s, t.Add(jitter(c.rng, 5*time.Second, 40*time.Second)), a.leaked, "s3.amazonaws.com", "ListBuckets", true,
		write.Obj(write.S("Host", "s3."+s.env.AWS.Region+".amazonaws.com")), write.Null())
	a.call(s, t.Add(jitter(c.rng, time.Minute, 2*time.Minute)), a.leaked, "iam.amazonaws.com", "ListUsers", true, write.Null(), write.Null())
	acct := s.account()
	devARN := "arn:aws:iam::" + acct + ":user/" + a.dev
	c.rootCause = []string{event.Credential(a.devKey).ID, "principal:" + devARN, ipID(a.ip)}
	c.firstComp = "principal:" + devARN
	c.entity("principal:"+devARN, "the developer whose key leaked")
	c.entity(event.Credential(a.devKey).ID, "the leaked key")
	c.entity(ipID(a.ip), "the caller's address")
	c.technique("T1078.004", "valid cloud credentials")
	c.technique("T1087.004", "ListUsers")
	c.technique("T1619", "ListBuckets, ListObjects")
	c.benign = append(c.benign, ipID(s.env.EgressIP))
	return jitter(c.rng, 3*time.Minute, 9*time.Minute)
}

func (a *awsKey) escalate(s *sim, t time.Time) time.Duration {
	c := a.c
	a.call(s, t, a.leaked, "iam.amazonaws.com", "CreateAccessKey", false,
		write.Obj(write.S("userName", a.admin)),
		write.Obj(write.M("accessKey", write.Obj(write.S("accessKeyId", a.newKey), write.S("createDate", t.UTC().Format("Jan 2, 2006 3:04:05 PM")),
			write.S("status", "Active"), write.S("userName", a.admin)))))
	c.entity("principal:arn:aws:iam::"+s.account()+":user/"+a.admin, "the administrator given a new key")
	c.entity(event.Credential(a.newKey).ID, "the new key")
	c.technique("T1098.001", "additional cloud credentials")
	a.escaped = s.iamUser(a.admin, a.newKey)
	return jitter(c.rng, 2*time.Minute, 6*time.Minute)
}

func (a *awsKey) collect(s *sim, t time.Time) time.Duration {
	c, b := a.c, a.bucket
	a.call(s, t, a.escaped, "sts.amazonaws.com", "GetCallerIdentity", true, write.Null(), write.Null())
	bucketARN := "arn:aws:s3:::" + b.Name
	t = t.Add(jitter(c.rng, 10*time.Second, time.Minute))
	for _, prefix := range b.Prefixes {
		s.cloudTrail(t, c.rng, ctCall{id: a.escaped, source: "s3.amazonaws.com", name: "ListObjects", ip: a.ip, agent: a.agent, readOnly: true, data: true,
			req:       write.Obj(write.S("bucketName", b.Name), write.S("prefix", prefix)),
			resources: []write.Value{write.Obj(write.S("accountId", s.account()), write.S("type", "AWS::S3::Bucket"), write.S("ARN", bucketARN))}})
		t = t.Add(jitter(c.rng, 2*time.Second, 10*time.Second))
	}
	c.entity("resource:"+bucketARN, "the crown-jewel bucket")
	n := 15 + c.rng.IntN(20)
	for i := range n {
		key := b.Prefixes[i%len(b.Prefixes)] + fmt.Sprintf("%04d.pdf", c.rng.IntN(120))
		req, extra, res := s.s3Object("GetObject", b.Name, key, 200_000+c.rng.Int64N(8_000_000))
		s.cloudTrail(t, c.rng, ctCall{id: a.escaped, source: "s3.amazonaws.com", name: "GetObject", ip: a.ip, agent: a.agent,
			req: req, extra: extra, resources: res, readOnly: true, data: true})
		obj := "resource:arn:aws:s3:::" + b.Name + "/" + key
		if !c.seen[obj] {
			c.data = append(c.data, obj)
		}
		c.entity(obj, "")
		t = t.Add(jitter(c.rng, 300*time.Millisecond, 4*time.Second))
	}
	c.technique("T1530", "data from cloud storage")
	return jitter(c.rng, time.Minute, 5*time.Minute)
}

func (a *awsKey) evade(s *sim, t time.Time) time.Duration {
	c := a.c
	trail := "arn:aws:cloudtrail:" + s.env.AWS.Region + ":" + s.account() + ":trail/" + s.env.AWS.Trail
	a.call(s, t, a.escaped, "cloudtrail.amazonaws.com", "StopLogging", false, write.Obj(write.S("name", trail)), write.Null())
	c.entity("resource:"+trail, "the trail stopped")
	c.technique("T1562.008", "disable cloud logs")
	return 0
}
