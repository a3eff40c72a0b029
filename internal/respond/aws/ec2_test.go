package aws_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	caws "github.com/causeway-soc/causeway/internal/respond/aws"
	"github.com/causeway-soc/causeway/internal/respond/aws/awsfake"
)

const instance = "i-0123456789abcdef0"

func seedInstance(f *awsfake.Server) {
	web := f.AddSecurityGroup(awsfake.SecurityGroup{Name: "web", VPC: "vpc-1",
		Ingress: []awsfake.Rule{{Protocol: "tcp", CIDR: "0.0.0.0/0"}}})
	ssh := f.AddSecurityGroup(awsfake.SecurityGroup{Name: "ssh", VPC: "vpc-1"})
	f.AddInstance(awsfake.Instance{ID: instance, VPC: "vpc-1",
		Interfaces: []awsfake.Interface{{ID: "eni-0a", Groups: []string{web, ssh}}, {ID: "eni-0b", Groups: []string{ssh}}},
		Volumes:    []string{"vol-0root", "vol-0data"},
	})
}

func TestQuarantineInstance(t *testing.T) {
	f, c, _ := setup(t, caws.Config{})
	seedInstance(f)
	before := map[string][]string{"eni-0a": f.InterfaceGroups("eni-0a"), "eni-0b": f.InterfaceGroups("eni-0b")}

	a := newAction(action.AWSQuarantineInstance, event.Host(instance), nil)
	got := decodeJSON(t, capture(t, c, a))
	if ifs := got["interfaces"].(map[string]any); len(ifs) != 2 || len(ifs["eni-0a"].([]any)) != 2 {
		t.Fatalf("capture = %v", got)
	}

	if err := c.Apply(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var isolation, untrack awsfake.SecurityGroup
	for _, g := range f.SecurityGroups() {
		switch g.Name {
		case "causeway-isolation":
			isolation = g
		case "causeway-untrack":
			untrack = g
		}
	}
	if isolation.ID == "" || len(isolation.Ingress)+len(isolation.Egress) != 0 {
		t.Fatalf("isolation group = %+v, want one without rules", isolation)
	}
	all := []awsfake.Rule{{Protocol: "-1", CIDR: "0.0.0.0/0"}, {Protocol: "-1", CIDR: "::/0"}}
	if !sameRules(untrack.Ingress, all) || !sameRules(untrack.Egress, all) {
		t.Fatalf("untrack group = %+v, want all traffic both ways", untrack)
	}
	for eni := range before {
		if g := f.InterfaceGroups(eni); !slices.Equal(g, []string{isolation.ID}) {
			t.Errorf("%s is in %v after apply", eni, g)
		}
	}
	// Two moves per interface: untrack first, then isolation.
	if n := count(f.Calls(), "ec2:ModifyNetworkInterfaceAttribute"); n != 4 {
		t.Errorf("%d interface changes, want 4 (two per interface)", n)
	}

	moves := count(f.Calls(), "ec2:ModifyNetworkInterfaceAttribute")
	applyTwice(t, c, a)
	if n := count(f.Calls(), "ec2:ModifyNetworkInterfaceAttribute"); n != moves {
		t.Errorf("applying again moved interfaces %d more times", n-moves)
	}

	undo(t, c, a)
	for eni, want := range before {
		if g := f.InterfaceGroups(eni); !slices.Equal(g, want) {
			t.Errorf("%s is in %v after undo, captured %v", eni, g, want)
		}
	}
	if err := c.Verify(context.Background(), a); err == nil {
		t.Error("verify holds after undo")
	}
}

func TestQuarantineResumesHalfway(t *testing.T) {
	f, c, _ := setup(t, caws.Config{})
	seedInstance(f)
	a := newAction(action.AWSQuarantineInstance, event.Host(instance), nil)
	capture(t, c, a)
	applyTwice(t, c, a)
	undo(t, c, a)

	// A crash between the two moves leaves an interface in the untrack
	// group: applying again finishes the move.
	var untrack string
	for id, g := range f.SecurityGroups() {
		if g.Name == "causeway-untrack" {
			untrack = id
		}
	}
	f.AddInstance(awsfake.Instance{ID: "i-0123456789abcdef1", VPC: "vpc-1",
		Interfaces: []awsfake.Interface{{ID: "eni-0c", Groups: []string{untrack}}}, Volumes: []string{"vol-0c"}})
	b := newAction(action.AWSQuarantineInstance, event.Entity{}, map[string]string{"instance_id": "i-0123456789abcdef1"})
	applyTwice(t, c, b)
}

func TestSnapshotVolumes(t *testing.T) {
	f, c, _ := setup(t, caws.Config{})
	seedInstance(f)
	a := newAction(action.AWSSnapshotVolumes, event.Resource("", "arn:aws:ec2:us-east-1:111122223333:instance/"+instance, ""), nil)
	got := decodeJSON(t, capture(t, c, a))
	if vs := got["volumes"].([]any); len(vs) != 2 {
		t.Fatalf("capture = %v", got)
	}
	applyTwice(t, c, a)
	snaps := f.Snapshots()
	if len(snaps) != 2 {
		t.Fatalf("%d snapshots after applying twice, want one per volume", len(snaps))
	}
	for _, s := range snaps {
		if s.Tags[caws.TagAction] != a.ID.String() || s.Tags[caws.TagInstance] != instance || s.Tags[caws.TagIncident] == "" {
			t.Errorf("snapshot %s tags = %v", s.ID, s.Tags)
		}
	}
	if c.Fidelity(action.AWSSnapshotVolumes) != action.None {
		t.Error("snapshots claim to be undoable")
	}
	undo(t, c, a)
	if n := len(f.Snapshots()); n != 2 {
		t.Errorf("undo left %d snapshots, want the 2 kept as evidence", n)
	}
}

func sameRules(got, want []awsfake.Rule) bool {
	if len(got) != len(want) {
		return false
	}
	for _, r := range want {
		if !slices.Contains(got, r) {
			return false
		}
	}
	return true
}

// Instances live in a region: the ARN's region or the region parameter
// sends the calls there; without either the configured region is used.
func TestInstanceRegion(t *testing.T) {
	f, c, _ := setup(t, caws.Config{})
	sg := f.AddSecurityGroup(awsfake.SecurityGroup{Name: "app", VPC: "vpc-eu"})
	const id = "i-0eeeeeeeeeeeeeee0"
	f.AddInstance(awsfake.Instance{ID: id, Region: "eu-west-1", VPC: "vpc-eu",
		Interfaces: []awsfake.Interface{{ID: "eni-eu", Groups: []string{sg}}}, Volumes: []string{"vol-eu"}})
	ctx := context.Background()

	byARN := newAction(action.AWSQuarantineInstance, event.Resource("", "arn:aws:ec2:eu-west-1:111122223333:instance/"+id, ""), nil)
	capture(t, c, byARN)
	applyTwice(t, c, byARN)
	undo(t, c, byARN)
	if g := f.InterfaceGroups("eni-eu"); !slices.Equal(g, []string{sg}) {
		t.Fatalf("after undo %v", g)
	}
	byParam := newAction(action.AWSSnapshotVolumes, event.Host(id), map[string]string{"region": "eu-west-1"})
	capture(t, c, byParam)
	applyTwice(t, c, byParam)

	for _, tt := range []struct {
		a    *action.Action
		want string
	}{
		{newAction(action.AWSSnapshotVolumes, event.Host(id), nil), "InvalidInstanceID.NotFound"},
		{newAction(action.AWSSnapshotVolumes, event.Host(id), map[string]string{"region": "mars-north-1x"}), "not an AWS region"},
		{newAction(action.AWSQuarantineInstance, event.Resource("", "arn:aws:ec2:eu-west-1:111122223333:instance/"+id, ""),
			map[string]string{"region": "us-east-2"}), "but the target's ARN"},
		{newAction(action.AWSBlockPublicS3, event.Entity{}, map[string]string{"bucket": "b-1", "region": "../x"}), "not an AWS region"},
	} {
		if _, err := c.Capture(ctx, tt.a); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %v: capture = %v, want %q", tt.a.Kind, tt.a.Params, err, tt.want)
		}
	}
}
