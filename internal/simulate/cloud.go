package simulate

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// scheduleCloud starts the AWS account's background: developers' calls,
// CI deployments through an assumed role, the instances' role sessions and
// the nightly backup that reads many objects.
func (s *sim) scheduleCloud() {
	for _, iu := range s.env.AWS.Users {
		if p := s.world.byName[iu.Owner]; p != nil && p.dev {
			a := &devCloud{p: p, rng: s.rng("cloud/" + iu.Name)}
			s.schedule(a, s.soon(a.rng))
		}
	}
	for _, r := range s.env.AWS.Roles {
		switch r.Kind {
		case "ci":
			if _, ok := s.world.keys["ci-deployer"]; ok {
				a := &ciDeploy{role: r.Name, rng: s.rng("ci/" + r.Name)}
				s.schedule(a, s.soon(a.rng))
			}
		case "instance":
			a := &instanceRole{role: r, rng: s.rng("instance/" + r.Name)}
			s.world.instances[r.Instance] = a
			s.schedule(a, s.soon(a.rng))
		case "backup":
			s.schedule(&backupJob{role: r, rng: s.rng("backup/" + r.Name)}, s.start)
		}
	}
}

// iamUserOf returns the IAM user a person calls AWS as, if any.
func (s *sim) iamUserOf(p *person) (string, bool) {
	for _, iu := range s.env.AWS.Users {
		if iu.Owner == p.u.Name && !iu.Admin {
			return iu.Name, true
		}
	}
	return "", false
}

// callerIP is where a person calls from: the office by day, home otherwise.
func (s *sim) callerIP(p *person, t time.Time) string {
	if s.busy(t) > 0 {
		return s.env.EgressIP
	}
	return p.home
}

// cloudCall is one of a developer's everyday calls with their own key.
func (s *sim) cloudCall(p *person, t time.Time, rng *rand.Rand) {
	name, ok := s.iamUserOf(p)
	if !ok {
		return
	}
	id := s.iamUser(name, s.world.keys[name])
	c := ctCall{id: id, ip: s.callerIP(p, t), agent: agentCLI}
	bucket := s.bucket(rng, false)
	switch r := rng.IntN(10); {
	case r < 2:
		c.source, c.name, c.readOnly = "sts.amazonaws.com", "GetCallerIdentity", true
	case r < 4:
		c.source, c.name, c.readOnly = "ec2.amazonaws.com", "DescribeInstances", true
		c.req = write.Obj(write.M("instancesSet", write.Obj()), write.M("filterSet", write.Obj()))
	case r < 5:
		c.source, c.name, c.readOnly = "s3.amazonaws.com", "ListBuckets", true
		c.req = write.Obj(write.S("Host", "s3."+s.env.AWS.Region+".amazonaws.com"))
	case r < 8 && bucket != nil:
		key := pick(rng, bucket.Prefixes) + fmt.Sprintf("%s-%03d.json", p.u.Name, rng.IntN(200))
		c.source, c.name, c.readOnly, c.data = "s3.amazonaws.com", "GetObject", true, true
		c.req, c.extra, c.resources = s.s3Object(c.name, bucket.Name, key, 2000+rng.Int64N(5_000_000))
	case bucket != nil:
		key := pick(rng, bucket.Prefixes) + fmt.Sprintf("%s-%03d.json", p.u.Name, rng.IntN(200))
		c.source, c.name, c.data = "s3.amazonaws.com", "PutObject", true
		c.req, c.extra, c.resources = s.s3Object(c.name, bucket.Name, key, 2000+rng.Int64N(5_000_000))
	default:
		c.source, c.name, c.readOnly = "sts.amazonaws.com", "GetCallerIdentity", true
	}
	s.cloudTrail(t, rng, c)
}

// bucket picks a bucket for everyday work: not a crown jewel unless
// jewels is set.
func (s *sim) bucket(rng *rand.Rand, jewels bool) *Bucket {
	var out []*Bucket
	for i := range s.env.AWS.Buckets {
		b := &s.env.AWS.Buckets[i]
		if s.crownJewel(b.Name) == jewels && len(b.Prefixes) > 0 {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return pick(rng, out)
}

func (s *sim) crownJewel(name string) bool {
	for _, j := range s.env.CrownJewels {
		if j == name {
			return true
		}
	}
	return false
}

// devCloud is a developer's scripts and tools calling AWS through the day.
type devCloud struct {
	p   *person
	rng *rand.Rand
}

func (a *devCloud) step(s *sim, now time.Time) (time.Time, bool) {
	s.cloudCall(a.p, now, a.rng)
	return s.arrival(a.rng, now, 5, 0.2), true
}

// assumeRole emits an AssumeRole by caller and returns the session's
// identity.
func (s *sim) assumeRole(t time.Time, rng *rand.Rand, caller ctIdentity, ip, agent, role, session string) ctIdentity {
	acct := s.account()
	roleArn := "arn:aws:iam::" + acct + ":role/" + role
	temp := "ASIA" + randString(rng, alnum, 16)
	roleID := stableKey("AROA", acct+"/role/"+role)
	s.cloudTrail(t, rng, ctCall{
		id: caller, source: "sts.amazonaws.com", name: "AssumeRole", ip: ip, agent: agent, readOnly: true,
		req: write.Obj(write.S("roleArn", roleArn), write.S("roleSessionName", session), write.N("durationSeconds", 3600)),
		resp: write.Obj(
			write.M("credentials", write.Obj(write.S("accessKeyId", temp), write.S("sessionToken", "IQoJb3JpZ2luX2VjE"+randString(rng, base62, 120)),
				write.S("expiration", t.Add(time.Hour).UTC().Format("Jan 2, 2006, 3:04:05 PM")))),
			write.M("assumedRoleUser", write.Obj(write.S("assumedRoleId", roleID+":"+session),
				write.S("arn", "arn:aws:sts::"+acct+":assumed-role/"+role+"/"+session))),
		),
		resources: []write.Value{write.Obj(write.S("accountId", acct), write.S("type", "AWS::IAM::Role"), write.S("ARN", roleArn))},
	})
	return s.roleSession(role, session, temp, t, false)
}

// ciDeploy is the CI system deploying: its user assumes the deploy role,
// uploads a build and updates the function.
type ciDeploy struct {
	role string
	rng  *rand.Rand
}

func (a *ciDeploy) step(s *sim, now time.Time) (time.Time, bool) {
	ip := s.env.AWS.CIAddress
	ci := s.iamUser("ci-deployer", s.world.keys["ci-deployer"])
	run := fmt.Sprintf("gha-%d", 8000000000+a.rng.Int64N(999999999))
	sess := s.assumeRole(now, a.rng, ci, ip, agentGo, a.role, run)
	t := now.Add(jitter(a.rng, 2*time.Second, 20*time.Second))
	if b := s.bucketNamed("corp-app-artifacts"); b != nil {
		req, extra, res := s.s3Object("PutObject", b.Name, "builds/"+run+".zip", 4_000_000+a.rng.Int64N(40_000_000))
		s.cloudTrail(t, a.rng, ctCall{id: sess, source: "s3.amazonaws.com", name: "PutObject", ip: ip, agent: agentGo, req: req, extra: extra, resources: res, data: true})
		t = t.Add(jitter(a.rng, 5*time.Second, 40*time.Second))
	}
	fn := "arn:aws:lambda:" + s.env.AWS.Region + ":" + s.account() + ":function:api"
	s.cloudTrail(t, a.rng, ctCall{id: sess, source: "lambda.amazonaws.com", name: "UpdateFunctionCode20150331v2", ip: ip, agent: agentGo,
		req:  write.Obj(write.S("functionName", fn), write.B("publish", true), write.B("dryRun", false)),
		resp: write.Obj(write.S("functionName", "api"), write.S("functionArn", fn), write.S("runtime", "python3.12"), write.N("codeSize", 4_000_000+a.rng.Int64N(9_000_000)))})
	return s.arrival(a.rng, now, 1.5, 0.1), true
}

func (s *sim) bucketNamed(name string) *Bucket {
	for i := range s.env.AWS.Buckets {
		if s.env.AWS.Buckets[i].Name == name {
			return &s.env.AWS.Buckets[i]
		}
	}
	return nil
}

// instanceRole is an EC2 instance's role: the service refreshes its
// credentials and the application reads its artifacts.
type instanceRole struct {
	role Role
	rng  *rand.Rand
	sess ctIdentity
	at   time.Time
}

func (a *instanceRole) step(s *sim, now time.Time) (time.Time, bool) {
	if a.sess.key == "" || now.Sub(a.at) > time.Hour {
		a.at = now
		temp := "ASIA" + randString(a.rng, alnum, 16)
		roleArn := "arn:aws:iam::" + s.account() + ":role/" + a.role.Name
		s.cloudTrail(now, a.rng, ctCall{id: awsService("ec2.amazonaws.com"), source: "sts.amazonaws.com", name: "AssumeRole",
			ip: "ec2.amazonaws.com", agent: "ec2.amazonaws.com", readOnly: true,
			req: write.Obj(write.S("roleArn", roleArn), write.S("roleSessionName", a.role.Instance), write.N("durationSeconds", 21600)),
			resp: write.Obj(write.M("credentials", write.Obj(write.S("accessKeyId", temp),
				write.S("expiration", now.Add(6*time.Hour).UTC().Format("Jan 2, 2006, 3:04:05 PM"))))),
			resources: []write.Value{write.Obj(write.S("accountId", s.account()), write.S("type", "AWS::IAM::Role"), write.S("ARN", roleArn))}})
		a.sess = s.roleSession(a.role.Name, a.role.Instance, temp, now, true)
		return now.Add(time.Minute), true
	}
	if b := s.bucketNamed("corp-app-artifacts"); b != nil {
		key := "releases/api-" + fmt.Sprintf("%d.%d.%d", 3, a.rng.IntN(9), a.rng.IntN(30)) + ".tar.gz"
		req, extra, res := s.s3Object("GetObject", b.Name, key, 2_000_000+a.rng.Int64N(9_000_000))
		s.cloudTrail(now, a.rng, ctCall{id: a.sess, source: "s3.amazonaws.com", name: "GetObject", ip: instanceIP(a.role.Instance),
			agent: agentBoto, req: req, extra: extra, resources: res, readOnly: true, data: true})
	}
	return s.arrival(a.rng, now, 0, 3), true
}

// instanceIP is the public address of an instance (derived from its id).
func instanceIP(instance string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(instance); i++ {
		h = (h ^ uint32(instance[i])) * 16777619
	}
	return fmt.Sprintf("34.%d.%d.%d", 240+h%16, (h>>8)%256, 1+(h>>16)%254)
}

// backupJob is the nightly backup: the backup instance's role lists and
// reads every object under the crown-jewel bucket's prefixes and writes
// them to the backup bucket. In CloudTrail it is a burst of many reads
// from one principal, as a data theft would be.
type backupJob struct {
	role Role
	rng  *rand.Rand
}

func (a *backupJob) step(s *sim, now time.Time) (time.Time, bool) {
	run := s.nextDaily(now, 90*time.Minute)
	if run.Sub(now) > time.Second {
		return run, true
	}
	temp := "ASIA" + randString(a.rng, alnum, 16)
	sess := s.roleSession(a.role.Name, a.role.Instance, temp, now.Add(-time.Duration(a.rng.IntN(300))*time.Minute), true)
	ip := instanceIP(a.role.Instance)
	t := now
	src := s.bucket(a.rng, true)
	dst := s.bucketNamed("corp-backups")
	if src == nil {
		return now.Add(24 * time.Hour), true
	}
	n := 60 + a.rng.IntN(60)
	for i := range n {
		key := src.Prefixes[i%len(src.Prefixes)] + fmt.Sprintf("%04d.pdf", i)
		size := 40_000 + a.rng.Int64N(3_000_000)
		req, extra, res := s.s3Object("GetObject", src.Name, key, size)
		s.cloudTrail(t, a.rng, ctCall{id: sess, source: "s3.amazonaws.com", name: "GetObject", ip: ip, agent: agentBoto,
			req: req, extra: extra, resources: res, readOnly: true, data: true})
		if dst != nil {
			req, extra, res := s.s3Object("PutObject", dst.Name, "nightly/"+src.Name+"/"+key, size)
			s.cloudTrail(t.Add(300*time.Millisecond), a.rng, ctCall{id: sess, source: "s3.amazonaws.com", name: "PutObject", ip: ip,
				agent: agentBoto, req: req, extra: extra, resources: res, data: true})
		}
		t = t.Add(jitter(a.rng, 400*time.Millisecond, 3*time.Second))
	}
	return run.AddDate(0, 0, 1), true
}
