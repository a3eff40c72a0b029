package simulate

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// insider is the insider campaign: an employee about to leave comes back
// to their workstation one evening, copies folders of their department's
// share with robocopy into a staging folder (and, when they have an AWS
// access key, the crown-jewel bucket with the AWS CLI), packs it with
// 7-Zip and uploads the archive to a personal cloud storage service from
// the browser. By day they read the same share for their work.
type insider struct {
	c        *campaignRun
	p        *person
	ws, srv  *winHost
	share    *share
	copied   []string // folders copied in the evening
	daytime  string   // folder read by day, for work
	cloud    personalCloud
	stage    string // staging folder
	archive  string
	logonID  uint64
	explorer *proc
	shell    *proc
	bytes    int64 // bytes staged
	iamUser  string
	key      string
	bucket   *Bucket
}

// personalCloud is a file-sharing service people use privately: its web
// site and the host uploads go to.
type personalCloud struct {
	site, siteIP, upload, uploadIP string
}

var personalClouds = []personalCloud{
	{"www.dropbox.com", "162.125.69.18", "content.dropboxapi.com", "162.125.69.14"},
	{"mega.nz", "31.216.148.11", "gfs270n171.userstorage.mega.co.nz", "66.203.125.15"},
}

// Programs the insider runs.
const (
	imgRobocopy = `C:\Windows\System32\Robocopy.exe`
	img7Zip     = `C:\Program Files\7-Zip\7z.exe`
	imgAWSCLI   = `C:\Program Files\Amazon\AWSCLIV2\aws.exe`
	agentAWSWin = "aws-cli/2.15.30 Python/3.11.8 Windows/10 exe/AMD64 prompt/off command/s3.sync"
)

func (s *sim) planInsider(c *campaignRun) (time.Time, error) {
	i := &insider{c: c}
	var sales, others, taken []*person
	for _, q := range s.world.people {
		switch {
		case q.ws == nil || q.admin || q.dev:
		case q.steady:
			taken = append(taken, q)
		case q.u.member("finance") || q.u.member("sales"):
			sales = append(sales, q)
		default:
			others = append(others, q)
		}
	}
	pool := sales
	for _, alt := range [][]*person{others, taken} {
		if len(pool) == 0 {
			pool = alt
		}
	}
	if len(pool) == 0 {
		return time.Time{}, errors.New("needs a workstation user who is neither administrator nor developer")
	}
	i.p = pick(c.rng, pool)
	i.p.steady = true
	i.ws = i.p.ws
	i.share = s.departmentShare(i.group())
	if i.share == nil {
		return time.Time{}, errors.New("needs a domain controller or Windows server for the file share")
	}
	i.srv = i.share.host
	folders := slices.Clone(i.share.folders)
	c.rng.Shuffle(len(folders), func(a, b int) { folders[a], folders[b] = folders[b], folders[a] })
	i.daytime, i.copied = folders[0], folders[1:min(len(folders), 4)]
	at, ok := s.offHoursSlot(c.rng, 20, 23, true)
	if !ok {
		return time.Time{}, errors.New("needs a working day's evening (20:00 to 23:00 local) with three quiet hours inside the run")
	}
	i.cloud = pick(c.rng, personalClouds)
	i.stage = `C:\Users\` + i.p.u.Name + `\AppData\Local\Temp\bk` + fmt.Sprintf("%04d", c.rng.IntN(10000))
	i.archive = i.stage + ".7z"
	if name, ok := s.iamUserOf(i.p); ok && s.env.AWS.Account != "" {
		i.iamUser, i.key, i.bucket = name, s.world.keys[name], s.bucket(c.rng, true)
	}
	c.description = fmt.Sprintf("%s, who is leaving, comes back to %s one evening and copies the folders %s of the share %s "+
		"with robocopy into a staging folder%s, packs it with 7-Zip and uploads the archive to %s from the browser. "+
		"By day %s reads the same share for work.",
		i.p.u.Name, i.ws.h.Name, strings.Join(i.copied, ", "), i.share.unc(), i.cloudText(), i.cloud.site, i.p.u.Name)
	c.source = "Entities are the insider's account and evening logon (with its Kerberos side on the domain controller), the " +
		"evening's processes, the SMB session on the file server, the share and every file read there, the staged copies " +
		"and the archive, and the storage service's names and addresses" + i.cloudSource() + ". Data accessed are the " +
		"files read (and objects downloaded). First compromised is the insider's account: nothing was broken into. " +
		"The same person's working day (logon session and processes, the share session and files read by day) is benign."
	c.inputs = []string{DirWindows, DirZeek}
	c.steps = []step{i.logon, i.stageShare}
	if i.bucket != nil {
		c.inputs = append(c.inputs, DirCloudTrail)
		c.steps = append(c.steps, i.stageBucket)
	}
	c.steps = append(c.steps, i.pack, i.upload)
	if start, end, ok := s.workday(s.localMidnight(at)); ok && start.Before(at) {
		day := &insiderDay{i: i, rng: s.rng("campaign/" + c.name + "/day")}
		if first := start.Add(2 * time.Hour).Add(jitter(day.rng, 0, end.Sub(start)/3)); !first.Before(s.start) {
			day.second = first.Add(jitter(day.rng, 2*time.Hour, 4*time.Hour))
			s.schedule(day, first)
		}
	}
	return at, nil
}

// group is the department whose share the insider copies.
func (i *insider) group() string {
	for _, g := range i.p.u.Groups {
		if _, ok := shareFolders[g]; ok && g != "company" {
			return g
		}
	}
	if len(i.p.u.Groups) > 0 {
		return i.p.u.Groups[0]
	}
	return "company"
}

func (i *insider) cloudText() string {
	if i.bucket == nil {
		return ""
	}
	return fmt.Sprintf(", downloads the bucket %s with their own access key", i.bucket.Name)
}

func (i *insider) cloudSource() string {
	if i.bucket == nil {
		return ""
	}
	return ", and the IAM user, key, bucket and objects downloaded"
}

// logon: the insider logs on to the workstation in the evening.
func (i *insider) logon(s *sim, t time.Time) time.Duration {
	c, w, p := i.c, i.ws, i.p
	dcLogon := s.domainLogon(t, w, p.acct)
	i.logonID = s.logon(w, t.Add(50*time.Millisecond), logonReq{typ: logonInteractive, target: p.acct})
	userinit := w.newProc(w.winlogon, `C:\Windows\System32\userinit.exe`, `C:\Windows\system32\userinit.exe`, p.acct, i.logonID, "Medium", 1)
	userinit.logonGUID = guid(c.rng, "")
	s.started(w, t.Add(time.Second), userinit)
	i.explorer = s.spawn(w, t.Add(1400*time.Millisecond), userinit, imgExplorer, `C:\Windows\Explorer.EXE`)
	i.explorer.cwd = `C:\Users\` + p.u.Name + `\`

	principal := s.principalID(p.acct, w)
	c.rootCause = []string{principal, sessionID(w, i.logonID)}
	c.firstComp = principal
	c.entity(principal, "the insider")
	c.entity(sessionID(w, i.logonID), "the evening logon")
	c.entity(hostID(w), "the insider's workstation")
	if dcLogon != 0 {
		c.entity(hostID(s.world.dc), "the domain controller")
		c.entity(sessionID(s.world.dc, dcLogon), "the Kerberos side of the logon on the domain controller")
	}
	c.process(w, userinit, "userinit of the evening session")
	c.process(w, i.explorer, "the evening session's Explorer")
	return jitter(c.rng, 3*time.Minute, 10*time.Minute)
}

// stageShare: robocopy copies folders of the share into the staging
// folder; the file server logs each file read.
func (i *insider) stageShare(s *sim, t time.Time) time.Duration {
	c, w, srv, sh := i.c, i.ws, i.srv, i.share
	i.shell = s.spawn(w, t, i.explorer, imgCmd, `"C:\Windows\system32\cmd.exe" `)
	c.process(w, i.shell, "the insider's shell")
	c.technique("T1059.003", "cmd.exe")
	var folders [][]sharedFile
	var total int64
	for _, f := range i.copied {
		fs := s.shareFiles(sh, f)
		folders = append(folders, fs)
		for _, x := range fs {
			total += x.size
		}
	}
	at := t.Add(jitter(c.rng, 20*time.Second, 90*time.Second))
	var ss smbSession
	for n, folder := range i.copied {
		rc := s.spawn(w, at, i.shell, imgRobocopy, fmt.Sprintf(`robocopy  "%s\%s" "%s\%s" /E /R:0 /W:0 /NP`, sh.unc(), folder, i.stage, folder))
		c.process(w, rc, "robocopy of "+folder)
		if n == 0 {
			port := 49152 + w.rng.IntN(16000)
			s.connect(w, at.Add(150*time.Millisecond), rc, flow{srcPort: port, dst: srv.h.IP, dstPort: 445, service: "smb",
				bytesOut: 200_000 + total/200, bytesIn: total + total/60, dur: 10 * time.Minute})
			ss = s.openSMB(at.Add(250*time.Millisecond), srv, w, i.p.acct, port, false)
			s.shareOpened(at.Add(300*time.Millisecond), ss, sh.name, sh.local)
			c.entity(endpointID(srv.h.IP, 445), "SMB on the file server")
			c.entity(hostID(srv), "the file server")
			c.entity(sessionID(srv, ss.logonID), "the insider's SMB session in the evening")
			c.entity(shareResourceID(srv, sh.name), "the department's share")
		}
		at = at.Add(400 * time.Millisecond)
		for _, f := range folders[n] {
			s.shareFile(at, ss, sh, f.rel, rightsRead)
			copyPath := i.stage + `\` + f.rel
			s.fileCreate(w, at.Add(40*time.Millisecond), rc, copyPath)
			id := fileID(srv, sh.path(f.rel))
			c.entity(id, "")
			c.entity(fileID(w, copyPath), "")
			c.data = append(c.data, id)
			i.bytes += f.size
			at = at.Add(jitter(c.rng, 60*time.Millisecond, 700*time.Millisecond))
		}
		at = at.Add(jitter(c.rng, 10*time.Second, 60*time.Second))
	}
	c.technique("T1039", "data from a network shared drive")
	c.technique("T1074.001", "local staging")
	return at.Sub(t) + jitter(c.rng, time.Minute, 4*time.Minute)
}

// stageBucket: the AWS CLI downloads the crown-jewel bucket with the
// insider's own key, from the office.
func (i *insider) stageBucket(s *sim, t time.Time) time.Duration {
	c, w, b := i.c, i.ws, i.bucket
	local := i.stage + `\` + b.Name
	cli := s.spawn(w, t, i.shell, imgAWSCLI, fmt.Sprintf(`aws  s3 sync s3://%s "%s"`, b.Name, local))
	c.process(w, cli, "the AWS CLI")
	host := b.Name + ".s3." + s.env.AWS.Region + ".amazonaws.com"
	addr := fmt.Sprintf("52.218.%d.%d", c.rng.IntN(256), 2+c.rng.IntN(250))
	s.dnsQuery(w, t.Add(600*time.Millisecond), cli, host, addr)
	id := s.iamUser(i.iamUser, i.key)
	ip := s.env.EgressIP
	bucketARN := "arn:aws:s3:::" + b.Name
	at := t.Add(time.Second)
	for _, prefix := range b.Prefixes {
		s.cloudTrail(at, c.rng, ctCall{id: id, source: "s3.amazonaws.com", name: "ListObjects", ip: ip, agent: agentAWSWin, readOnly: true, data: true,
			req:       write.Obj(write.S("bucketName", b.Name), write.S("prefix", prefix)),
			resources: []write.Value{write.Obj(write.S("accountId", s.account()), write.S("type", "AWS::S3::Bucket"), write.S("ARN", bucketARN))}})
		at = at.Add(jitter(c.rng, 200*time.Millisecond, time.Second))
	}
	var total int64
	seen := map[string]bool{}
	for range 15 + c.rng.IntN(20) {
		key := pick(c.rng, b.Prefixes) + fmt.Sprintf("%04d.pdf", c.rng.IntN(120))
		if seen[key] {
			continue
		}
		seen[key] = true
		size := 200_000 + c.rng.Int64N(6_000_000)
		total += size
		req, extra, res := s.s3Object("GetObject", b.Name, key, size)
		s.cloudTrail(at, c.rng, ctCall{id: id, source: "s3.amazonaws.com", name: "GetObject", ip: ip, agent: agentAWSWin,
			req: req, extra: extra, resources: res, readOnly: true, data: true})
		copyPath := local + `\` + strings.ReplaceAll(key, "/", `\`)
		s.fileCreate(w, at.Add(300*time.Millisecond), cli, copyPath)
		obj := "resource:" + bucketARN + "/" + key
		c.entity(obj, "")
		c.entity(fileID(w, copyPath), "")
		c.data = append(c.data, obj)
		at = at.Add(jitter(c.rng, 100*time.Millisecond, 900*time.Millisecond))
	}
	i.bytes += total
	s.connect(w, t.Add(700*time.Millisecond), cli, flow{dst: addr, dstPort: 443, dstName: host, service: "ssl",
		bytesOut: 40_000, bytesIn: total + total/100, dur: at.Sub(t)})
	arn := "principal:arn:aws:iam::" + s.account() + ":user/" + i.iamUser
	c.rootCause = append(c.rootCause, arn)
	c.entity(arn, "the insider's IAM user")
	c.entity(event.Credential(i.key).ID, "the insider's own access key")
	c.entity("resource:"+bucketARN, "the crown-jewel bucket")
	c.entity(domainID(host), "the bucket's endpoint name")
	c.entity(endpointID(addr, 443), "the bucket's endpoint")
	c.technique("T1530", "data from cloud storage")
	return at.Sub(t) + jitter(c.rng, time.Minute, 3*time.Minute)
}

// pack: 7-Zip packs the staging folder into an encrypted archive.
func (i *insider) pack(s *sim, t time.Time) time.Duration {
	c, w := i.c, i.ws
	z := s.spawn(w, t, i.shell, img7Zip, fmt.Sprintf(`"%s" a -t7z -mx=5 -mhe=on -p%s "%s" "%s\*"`, img7Zip, randString(c.rng, base62, 10), i.archive, i.stage))
	took := time.Duration(i.bytes/25_000_000+2) * time.Second
	s.fileCreate(w, t.Add(took), z, i.archive)
	c.process(w, z, "7-Zip")
	c.entity(fileID(w, i.archive), "the archive")
	c.technique("T1560.001", "archive with 7-Zip")
	return took + jitter(c.rng, time.Minute, 5*time.Minute)
}

// upload: a new browser in the evening session uploads the archive to the
// personal storage service.
func (i *insider) upload(s *sim, t time.Time) time.Duration {
	c, w, pc := i.c, i.ws, i.cloud
	ch := s.spawn(w, t, i.explorer, imgChrome, `"`+imgChrome+`" `)
	s.dnsQuery(w, t.Add(3*time.Second), ch, pc.site, pc.siteIP)
	s.connect(w, t.Add(3100*time.Millisecond), ch, flow{dst: pc.siteIP, dstPort: 443, dstName: pc.site, service: "ssl",
		bytesOut: 20_000 + c.rng.Int64N(30_000), bytesIn: 900_000 + c.rng.Int64N(2_000_000), dur: 40 * time.Minute})
	up := t.Add(jitter(c.rng, 40*time.Second, 3*time.Minute))
	size := i.bytes * 9 / 10
	s.dnsQuery(w, up, ch, pc.upload, pc.uploadIP)
	s.connect(w, up.Add(80*time.Millisecond), ch, flow{dst: pc.uploadIP, dstPort: 443, dstName: pc.upload, service: "ssl",
		bytesOut: size + size/40, bytesIn: 90_000 + c.rng.Int64N(60_000), dur: time.Duration(size/3_000_000+5) * time.Second})
	c.process(w, ch, "the browser that uploads the archive")
	c.entity(domainID(pc.site), "the storage service")
	c.entity(endpointID(pc.siteIP, 443), "its web site")
	c.entity(domainID(pc.upload), "its upload host")
	c.entity(endpointID(pc.uploadIP, 443), "the upload endpoint")
	c.technique("T1567.002", "exfiltration to cloud storage")
	return 0
}

// insiderDay is the insider's ordinary use of the share on the day: Excel
// opens a file of another folder of it, once in the morning and once in
// the afternoon. Everything it writes is benign.
type insiderDay struct {
	i      *insider
	rng    *rand.Rand
	second time.Time
	done   bool
}

func (d *insiderDay) step(s *sim, now time.Time) (time.Time, bool) {
	i := d.i
	if day := i.p.day; day != nil && day.working && day.explorer != nil {
		d.open(s, now, day)
	}
	if d.done {
		return time.Time{}, false
	}
	d.done = true
	return d.second, true
}

// open: Excel opens one file of the daytime folder from the share.
func (d *insiderDay) open(s *sim, t time.Time, day *workday) {
	i, w, sh := d.i, d.i.ws, d.i.share
	f := pick(d.rng, s.shareFiles(sh, i.daytime))
	xl := s.spawn(w, t, day.explorer, imgExcel, fmt.Sprintf(`"%s" "%s\%s"`, imgExcel, sh.unc(), f.rel))
	port := 49152 + w.rng.IntN(16000)
	s.connect(w, t.Add(900*time.Millisecond), xl, flow{srcPort: port, dst: i.srv.h.IP, dstPort: 445, service: "smb",
		bytesOut: 30_000, bytesIn: f.size + f.size/60, dur: jitter(d.rng, time.Minute, 20*time.Minute)})
	ss := s.openSMB(t.Add(time.Second), i.srv, w, i.p.acct, port, false)
	s.shareOpened(t.Add(1050*time.Millisecond), ss, sh.name, sh.local)
	s.shareFile(t.Add(1100*time.Millisecond), ss, sh, i.daytime, rightsList)
	s.shareFile(t.Add(1300*time.Millisecond), ss, sh, f.rel, rightsRead)
	g, pid := procIDs(w, xl)
	i.c.benignOnce(sessionID(w, day.logonID), g, pid, sessionID(i.srv, ss.logonID), fileID(i.srv, sh.path(f.rel)))
	if day.chrome != nil {
		g, _ := procIDs(w, day.chrome)
		i.c.benignOnce(g)
	}
}

// benignOnce adds benign entities to the truth, each once.
func (c *campaignRun) benignOnce(ids ...string) {
	for _, id := range ids {
		if !slices.Contains(c.benign, id) {
			c.benign = append(c.benign, id)
		}
	}
}
