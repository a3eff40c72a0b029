package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/graph"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// An AWS role chain: alice assumes the admin role from an instance, the
// role session reads an object and changes a bucket policy.
var (
	awsAlice  = principals.Cloud("arn:aws:iam::111122223333:user/alice")
	awsAdmin  = principals.Cloud("arn:aws:iam::111122223333:role/admin")
	awsSess   = event.Session("aws", "arn:aws:sts::111122223333:assumed-role/admin/alice", "")
	awsKey    = event.Credential("ASIAEXAMPLEKEY")
	awsInst   = event.Host("i-0abc1234def")
	awsSrc    = event.IP("198.51.100.7")
	awsObject = event.Resource("", "arn:aws:s3:::payroll/2024.csv", "")
	awsBucket = event.Resource("", "arn:aws:s3:::payroll", "")
)

func assumeRole() *event.Event {
	return ev("assume", 0, event.ClassCloudAPI, "AssumeRole",
		ref(event.RoleActor, awsAlice), ref(event.RoleSrc, awsSrc), ref(event.RoleTargetUser, awsAdmin),
		ref(event.RoleTarget, awsSess), ref(event.RoleTarget, awsKey), ref(event.RoleTarget, awsInst))
}

func sessionCall(id string, at time.Duration, action string, target event.Entity, readOnly string) *event.Event {
	e := ev(id, at, event.ClassCloudAPI, action, ref(event.RoleActor, awsAdmin), ref(event.RoleSession, awsSess),
		ref(event.RoleCredential, awsKey), ref(event.RoleSrc, event.Endpoint("198.51.100.8", 40112)),
		ref(event.RoleTarget, target))
	return field(e, "readOnly", readOnly)
}

func TestCloudIssue(t *testing.T) {
	g := build(graph.Config{}, assumeRole())
	wantEdges(t, g,
		awsSrc.ID+" -from-> "+awsAlice.ID,
		awsAlice.ID+" -issue:AssumeRole-> "+awsSess.ID,
		awsAlice.ID+" -issue:AssumeRole-> "+awsKey.ID,
		awsAdmin.ID+" -role-> "+awsSess.ID,
		awsAdmin.ID+" -role-> "+awsKey.ID,
		awsInst.ID+" -instance-> "+awsSess.ID,
		awsInst.ID+" -instance-> "+awsKey.ID,
	)
}

func TestCloudSessionCalls(t *testing.T) {
	get := sessionCall("get", time.Minute, "GetObject", awsObject, "true")
	get.BytesIn = 4096
	put := sessionCall("put", 2*time.Minute, "PutBucketPolicy", awsBucket, "false")
	g := build(graph.Config{}, assumeRole(), get, put)
	for _, want := range []string{
		"ip:198.51.100.8 -from-> " + awsSess.ID,
		awsKey.ID + " -key-> " + awsSess.ID,
		awsAdmin.ID + " -as-> " + awsSess.ID,
		awsObject.ID + " -read:GetObject-> " + awsSess.ID,
		awsSess.ID + " -call:PutBucketPolicy-> " + awsBucket.ID,
	} {
		if !slices.Contains(allEdges(g), want) {
			t.Errorf("missing %s", want)
		}
	}
	if g.Edges() != 12 {
		t.Errorf("%d edges, want 7 + 5: %v", g.Edges(), allEdges(g))
	}
	read := g.Edge(findEdge(t, g, awsObject, awsSess, "read:GetObject"))
	if read.Bytes != 4096 || read.Count != 1 {
		t.Errorf("read edge %+v, want the 4096 bytes read", *read)
	}
	from := g.Edge(findEdge(t, g, event.IP("198.51.100.8"), awsSess, "from"))
	if from.Count != 2 {
		t.Errorf("both calls came from the address: count %d", from.Count)
	}
	// Back from the changed bucket: the session, what it read, its key
	// and role, the instance and the user who assumed it, both addresses.
	rs := g.Backtrack(node(t, g, awsBucket), t0.Add(2*time.Minute), graph.Walk{})
	if got, want := reached(g, rs), ids(awsBucket, awsObject, awsSess, awsKey, awsAdmin, awsInst, awsAlice, awsSrc, event.IP("198.51.100.8")); !slices.Equal(got, want) {
		t.Errorf("backtrack reached %v, want %v", got, want)
	}
}

func TestCloudReadByBytes(t *testing.T) {
	// Without readOnly, bytes received make a call a read.
	e := sessionCall("get", time.Minute, "GetObject", awsObject, "")
	e.Fields = nil
	e.BytesIn = 10
	g := build(graph.Config{}, e)
	findEdge(t, g, awsObject, awsSess, "read:GetObject")
}

func TestSubject(t *testing.T) {
	parent, child := proc(1, explorerExe), proc(2, cmdExe)
	tests := []struct {
		name string
		ev   *event.Event
		want event.Entity
	}{
		{"start: the new process", sysmonStart("s", 0, parent, child), child},
		{"connect: the process", connect("c", 0, parent, event.Endpoint("10.0.0.5", 49152), event.Endpoint("10.0.0.6", 445)), parent},
		{"cloud call: the session", sessionCall("g", 0, "GetObject", awsObject, "true"), awsSess},
		{"assume role: the principal", assumeRole(), awsAlice},
		{"flow: the source address without its port", ev("f", 0, event.ClassNetwork, "flow",
			ref(event.RoleSrc, event.Endpoint("10.0.0.5", 49152)), ref(event.RoleDst, event.Endpoint("10.0.0.6", 445))), event.IP("10.0.0.5")},
		{"logon: the session", ev("l", 0, event.ClassLogon, "logon", ref(event.RoleHost, ws1), ref(event.RoleTargetUser, alice),
			ref(event.RoleSession, logon), ref(event.RoleSrc, event.IP("10.0.0.9"))), logon},
		{"key only", ev("k", 0, event.ClassCloudAPI, "ListBuckets", ref(event.RoleCredential, awsKey)), awsKey},
		{"no agent: the first target", ev("t", 0, event.ClassFile, "delete", ref(event.RoleHost, ws1), ref(event.RoleTarget, file(`C:\x.txt`))), file(`C:\x.txt`)},
		{"nothing but a host", ev("h", 0, event.ClassAudit, "clear", ref(event.RoleHost, ws1)), ws1},
	}
	for _, tt := range tests {
		if got := graph.New(graph.Config{}).Subject(tt.ev); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestEdgesOf(t *testing.T) {
	p := proc(1, pwshExe)
	c := connect("c", 0, p, event.Endpoint("10.0.0.5", 49152), event.Endpoint("203.0.113.80", 443))
	start := sysmonStart("s", time.Minute, p, proc(2, cmdExe))
	multicast := connect("m", 0, p, event.Endpoint("10.0.0.5", 5353), event.Endpoint("224.0.0.251", 5353))
	g := build(graph.Config{}, c, start, multicast)
	var got []string
	for _, e := range g.EdgesOf(c) {
		got = append(got, describe(g, e))
	}
	slices.Sort(got)
	want := []string{
		file(pwshExe).ID + " -exec-> " + p.ID,
		p.ID + " -connect-> ip:203.0.113.80:443",
		ws1.ID + " -addr-> ip:10.0.0.5",
		"ip:203.0.113.80:443 -addr-> ip:203.0.113.80",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("EdgesOf(connect) = %v, want %v", got, want)
	}
	if n := len(g.EdgesOf(start)); n != 3 {
		t.Errorf("EdgesOf(start) has %d edges, want 3", n)
	}
	if es := g.EdgesOf(multicast); len(es) != 0 {
		t.Errorf("EdgesOf(multicast) = %v, want none", es)
	}
	other := connect("o", 0, proc(9, pwshExe), event.Endpoint("10.0.0.7", 1), event.Endpoint("203.0.113.81", 443))
	if es := g.EdgesOf(other); len(es) != 0 {
		t.Errorf("EdgesOf(an event never added) = %v", es)
	}
}

func TestCloudInstanceAndTargetUser(t *testing.T) {
	// A call made with an instance's role credentials names the instance
	// as its host; a call on a user leads to that user.
	e := sessionCall("attach", time.Minute, "AttachUserPolicy", awsBucket, "false")
	e.AddRef(event.RoleHost, awsInst)
	bob := principals.Cloud("arn:aws:iam::111122223333:user/bob")
	e.AddRef(event.RoleTargetUser, bob)
	g := build(graph.Config{}, e)
	findEdge(t, g, awsInst, awsSess, "instance")
	findEdge(t, g, awsInst, awsKey, "instance")
	findEdge(t, g, awsSess, bob, "call:AttachUserPolicy")
	findEdge(t, g, awsSess, awsBucket, "call:AttachUserPolicy")
}
