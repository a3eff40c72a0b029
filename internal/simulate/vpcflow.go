package simulate

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"strconv"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// Instance is an EC2 instance in the account's VPC: its network interface
// is what the VPC Flow Logs record. Only ID is required: Name defaults to
// the id, PrivateIP and ENI are derived from it. Ports are the TCP ports
// it serves to the other instances (a database's 5432); Connects names
// (by name or id) the instances it opens connections to, on their first
// port. An instance a role names has a public address, so the Internet's
// scanners reach it (and are refused).
type Instance struct {
	ID        string   `yaml:"id"`
	Name      string   `yaml:"name"`
	PrivateIP string   `yaml:"private_ip"`
	ENI       string   `yaml:"eni"`
	Ports     []int    `yaml:"ports"`
	Connects  []string `yaml:"connects"`
}

var (
	instanceIDPattern = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)
	eniPattern        = regexp.MustCompile(`^eni-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// validateInstances checks the instances and the instance ids of roles.
func (a *AWS) validateInstances() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	ids, names := map[string]bool{}, map[string]*Instance{}
	for i := range a.Instances {
		in := &a.Instances[i]
		if !instanceIDPattern.MatchString(in.ID) || ids[in.ID] {
			bad("aws instance %q: want a unique id of the form i-0123456789abcdef0", in.ID)
		}
		ids[in.ID] = true
		names[in.ID] = in
		if in.Name != "" {
			if other := names[in.Name]; other != nil && other != in {
				bad("aws instance %s: name %q is taken", in.ID, in.Name)
			}
			names[in.Name] = in
		}
		if in.PrivateIP != "" {
			if addr, err := netip.ParseAddr(in.PrivateIP); err != nil || !addr.Is4() || !internal(in.PrivateIP) {
				bad("aws instance %s: private_ip %q: want a private IPv4 address", in.ID, in.PrivateIP)
			}
		}
		if in.ENI != "" && !eniPattern.MatchString(in.ENI) {
			bad("aws instance %s: eni %q: want the form eni-0123456789abcdef0", in.ID, in.ENI)
		}
		for _, p := range in.Ports {
			if p < 1 || p > 65535 {
				bad("aws instance %s: port %d: want 1 to 65535", in.ID, p)
			}
		}
	}
	for _, in := range a.Instances {
		for _, c := range in.Connects {
			switch peer := names[c]; {
			case peer == nil:
				bad("aws instance %s: connects to %q, which is not an instance", in.ID, c)
			case len(peer.Ports) == 0:
				bad("aws instance %s: connects to %q, which serves no port", in.ID, c)
			}
		}
	}
	for _, r := range a.Roles {
		if (r.Kind == "instance" || r.Kind == "backup") && !instanceIDPattern.MatchString(r.Instance) {
			bad("aws role %s: instance %q: want an instance id of the form i-0123456789abcdef0", r.Name, r.Instance)
		}
	}
	return errs
}

// ec2Instance is an instance of the run, every field filled.
type ec2Instance struct {
	Instance
	role   *Role // the role it runs with, if any
	public bool
	peers  []*ec2Instance
}

// vpcState is the account's VPC: its instances by private address.
type vpcState struct {
	instances []*ec2Instance
	byIP      map[string]*ec2Instance
}

// hashHex is n hex digits derived from name, for AWS resource ids.
func hashHex(name string, n int) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rand.New(rand.NewPCG(h.Sum64(), 0xec2))
	return randString(r, "0123456789abcdef", n)
}

// resolveInstances lists the account's instances: those of the
// environment, with defaults, then those roles name that it leaves out.
func resolveInstances(a *AWS) []*ec2Instance {
	var out []*ec2Instance
	byKey := map[string]*ec2Instance{}
	add := func(in Instance) *ec2Instance {
		if in.Name == "" {
			in.Name = in.ID
		}
		if in.PrivateIP == "" {
			h := fnv.New32a()
			h.Write([]byte(in.ID))
			v := h.Sum32()
			in.PrivateIP = fmt.Sprintf("172.31.%d.%d", 16+v%32, 4+(v>>8)%250)
		}
		if in.ENI == "" {
			in.ENI = "eni-" + hashHex("eni/"+in.ID, 17)
		}
		e := &ec2Instance{Instance: in}
		out = append(out, e)
		byKey[in.ID], byKey[in.Name] = e, e
		return e
	}
	for _, in := range a.Instances {
		add(in)
	}
	for i := range a.Roles {
		r := &a.Roles[i]
		if r.Kind != "instance" && r.Kind != "backup" {
			continue
		}
		e := byKey[r.Instance]
		if e == nil {
			e = add(Instance{ID: r.Instance})
		}
		e.role, e.public = r, true
	}
	for _, e := range out {
		for _, c := range e.Connects {
			if p := byKey[c]; p != nil && len(p.Ports) > 0 {
				e.peers = append(e.peers, p)
			}
		}
	}
	return out
}

// What an instance's network does.
const (
	vpcAgent   = iota // the SSM and CloudWatch agents calling AWS endpoints
	vpcS3             // the application reading from S3
	vpcPeer           // connections to the instances it uses
	vpcScan           // the Internet's probes, refused
	vpcBastion        // SSH from the office's bastion, over the site-to-site VPN
)

// scheduleVPC starts the VPC's traffic: every instance's agents, the
// application's S3 reads and database connections, the nightly backup's
// transfers, administrators' SSH from the bastion, and the Internet's
// probes of public instances.
func (s *sim) scheduleVPC() {
	aws := &s.env.AWS
	list := resolveInstances(aws)
	if len(list) == 0 || aws.Region == "" {
		return
	}
	s.flowKey = write.VPCFlowKey(aws.Account, aws.Region, "fl-"+hashHex("flowlog/"+aws.Account, 17))
	s.vpc = &vpcState{instances: list, byIP: map[string]*ec2Instance{}}
	bastion := s.bastion()
	for _, in := range list {
		s.vpc.byIP[in.PrivateIP] = in
		add := func(kind int, busy, quiet float64) {
			a := &vpcActivity{in: in, kind: kind, busy: busy, quiet: quiet, rng: s.rng(fmt.Sprintf("vpc/%s/%d", in.ID, kind))}
			s.schedule(a, s.arrival(a.rng, s.start, busy, quiet))
		}
		add(vpcAgent, 0, 4)
		if in.role != nil && in.role.Kind == "instance" {
			add(vpcS3, 8, 2)
		}
		if in.role != nil && in.role.Kind == "backup" {
			s.schedule(&vpcBackup{in: in, rng: s.rng("vpc/backup/" + in.ID)}, s.start)
		}
		if len(in.peers) > 0 {
			add(vpcPeer, 30, 6)
		}
		if in.public {
			add(vpcScan, 0, 10)
		}
		if bastion != nil {
			add(vpcBastion, 0.4, 0)
		}
	}
}

// bastion is the Linux server open to the Internet, if any.
func (s *sim) bastion() *linuxHost {
	for _, l := range s.world.linux {
		if l.h.Internet {
			return l
		}
	}
	return nil
}

// vpcActivity is one kind of an instance's traffic, a Poisson process.
type vpcActivity struct {
	in          *ec2Instance
	kind        int
	busy, quiet float64
	rng         *rand.Rand
}

// Ports the Internet's scanners probe, all closed to it (the web port of an
// instance that serves one is open).
var probedPorts = []int{22, 23, 445, 1433, 3306, 3389, 5432, 5900, 6379, 8080, 9200, 27017}

func (a *vpcActivity) step(s *sim, now time.Time) (time.Time, bool) {
	in, rng := a.in, a.rng
	region := s.env.AWS.Region
	switch a.kind {
	case vpcAgent:
		s.vpcConn(now, rng, vpcConn{src: in.PrivateIP, srcPort: ephemeral(rng), dst: awsEndpoint(region, rng), dstPort: 443,
			bytesOut: 2000 + rng.Int64N(20000), bytesIn: 3000 + rng.Int64N(30000), dur: jitter(rng, time.Second, 60*time.Second)})
	case vpcS3:
		s.vpcConn(now, rng, vpcConn{src: in.PrivateIP, srcPort: ephemeral(rng), dst: s3Endpoint(region, rng), dstPort: 443,
			bytesOut: 1500 + rng.Int64N(3000), bytesIn: 2_000_000 + rng.Int64N(9_000_000), dur: jitter(rng, time.Second, 20*time.Second)})
	case vpcPeer:
		p := pick(rng, in.peers)
		s.vpcConn(now, rng, vpcConn{src: in.PrivateIP, srcPort: ephemeral(rng), dst: p.PrivateIP, dstPort: p.Ports[0],
			bytesOut: 500 + rng.Int64N(20000), bytesIn: 1000 + rng.Int64N(200000), dur: jitter(rng, 50*time.Millisecond, 5*time.Second)})
	case vpcScan:
		c := vpcConn{src: scannerAddr(rng), srcPort: 1024 + rng.IntN(64000), dst: in.PrivateIP, dstPort: pick(rng, probedPorts), reject: true}
		s.vpcConn(now, rng, c)
	case vpcBastion:
		if b := s.bastion(); b != nil {
			c := vpcConn{src: b.h.IP, srcPort: ephemeral(rng), dst: in.PrivateIP, dstPort: 22,
				bytesOut: 5000 + rng.Int64N(400000), bytesIn: 10000 + rng.Int64N(2_000_000), dur: jitter(rng, time.Minute, 30*time.Minute)}
			// The office's sensor sees the connection on its way to the VPN.
			s.flow(rng, now, flow{src: c.src, srcPort: c.srcPort, dst: c.dst, dstPort: 22, service: "ssh",
				bytesOut: c.bytesOut, bytesIn: c.bytesIn, dur: c.dur})
			s.vpcConn(now, rng, c)
		}
	}
	return s.arrival(rng, now, a.busy, a.quiet), true
}

// vpcBackup is the backup instance's side of the nightly backup (at 01:30
// local, as the backup job's CloudTrail calls): parallel transfers from
// and to S3 for some minutes.
type vpcBackup struct {
	in  *ec2Instance
	rng *rand.Rand
}

func (a *vpcBackup) step(s *sim, now time.Time) (time.Time, bool) {
	run := s.nextDaily(now, 90*time.Minute)
	if run.Sub(now) > time.Second {
		return run, true
	}
	rng := a.rng
	for i := range 6 + rng.IntN(7) {
		s.vpcConn(now.Add(time.Duration(i)*jitter(rng, time.Second, 20*time.Second)), rng, vpcConn{src: a.in.PrivateIP, srcPort: ephemeral(rng),
			dst: s3Endpoint(s.env.AWS.Region, rng), dstPort: 443, bytesOut: 20_000_000 + rng.Int64N(200_000_000),
			bytesIn: 20_000_000 + rng.Int64N(200_000_000), dur: jitter(rng, time.Minute, 8*time.Minute)})
	}
	return run.AddDate(0, 0, 1), true
}

// vpcConn is a connection through the VPC, as its endpoints' network
// interfaces see it.
type vpcConn struct {
	src, dst          string
	srcPort, dstPort  int
	bytesOut, bytesIn int64 // sent by src, by dst
	dur               time.Duration
	reject            bool // refused: one packet or two, no answer
}

// aggregation is the longest capture window of a flow log record.
const aggregation = 10 * time.Minute

// vpcConn writes the flow log records of c: on the interface of each
// instance at either end, a record per direction and capture window; a
// refused connection only the refusal on the interface it was aimed at.
func (s *sim) vpcConn(t time.Time, rng *rand.Rand, c vpcConn) {
	if s.vpc == nil {
		return
	}
	src, dst := s.vpc.byIP[c.src], s.vpc.byIP[c.dst]
	if c.reject {
		if dst != nil {
			n := int64(1 + rng.IntN(2))
			s.emit(t, &write.Flow{Account: s.env.AWS.Account, Interface: dst.ENI, Src: c.src, Dst: c.dst, SrcPort: c.srcPort,
				DstPort: c.dstPort, Protocol: 6, Packets: n, Bytes: 44 * n, Start: t, End: t.Add(time.Duration(n-1) * time.Second), Reject: true})
		}
		return
	}
	dur := max(c.dur, time.Second)
	for start := time.Duration(0); start < dur; start += aggregation {
		span := min(aggregation, dur-start)
		share := float64(span) / float64(dur)
		out, in := int64(float64(c.bytesOut)*share), int64(float64(c.bytesIn)*share)
		ws, we := t.Add(start), t.Add(start+span)
		fwd := write.Flow{Account: s.env.AWS.Account, Src: c.src, Dst: c.dst, SrcPort: c.srcPort, DstPort: c.dstPort, Protocol: 6, Start: ws, End: we}
		fwd.Packets, fwd.Bytes = ipPackets(out)
		back := write.Flow{Account: s.env.AWS.Account, Src: c.dst, Dst: c.src, SrcPort: c.dstPort, DstPort: c.srcPort, Protocol: 6, Start: ws, End: we}
		back.Packets, back.Bytes = ipPackets(in)
		for _, e := range []*ec2Instance{src, dst} {
			if e == nil {
				continue
			}
			f, b := fwd, back
			f.Interface, b.Interface = e.ENI, e.ENI
			s.emit(ws, &f)
			s.emit(ws, &b)
		}
	}
}

// ipPackets is the packets and IP bytes that carry n bytes of TCP payload.
func ipPackets(n int64) (int64, int64) {
	p := n/1448 + 2
	return p, n + 52*p
}

// ephemeral is a Linux client's source port.
func ephemeral(rng *rand.Rand) int { return 32768 + rng.IntN(28232) }

// regionPrefixes are the first two octets of addresses of S3 and of the
// other AWS endpoints in a region.
var regionPrefixes = map[string][2]string{
	"us-east-1":    {"52.216", "52.94"},
	"us-east-2":    {"52.219", "3.12"},
	"us-west-2":    {"52.218", "52.94"},
	"eu-west-1":    {"52.218", "3.248"},
	"eu-central-1": {"52.219", "3.120"},
}

func s3Endpoint(region string, rng *rand.Rand) string {
	return regionAddr(region, 0, rng)
}

func awsEndpoint(region string, rng *rand.Rand) string {
	return regionAddr(region, 1, rng)
}

func regionAddr(region string, which int, rng *rand.Rand) string {
	p, ok := regionPrefixes[region]
	if !ok {
		p = [2]string{"52.92", "54.239"}
	}
	return p[which] + "." + strconv.Itoa(rng.IntN(128)) + "." + strconv.Itoa(1+rng.IntN(254))
}

// scannerAddr is an address of the Internet's background of scanners.
func scannerAddr(rng *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d.%d", pick(rng, []int{45, 61, 80, 89, 92, 103, 141, 159, 162, 167, 183, 194, 218}), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
}
