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

// Targets that are not what AWS would accept, or not what the connector may
// act on, are refused before any call.
func TestRefusedTargets(t *testing.T) {
	principal := func(arn string) event.Entity { return event.Entity{Kind: event.KindPrincipal, ID: "principal:" + arn} }
	tests := []struct {
		name   string
		kind   action.Kind
		target event.Entity
		params map[string]string
		want   string
	}{
		{"no target", action.AWSDenyAll, event.Entity{}, nil, "names no IAM user or role"},
		{"bad user name", action.AWSDenyAll, event.Entity{}, map[string]string{"user": "alice/../root"}, "not a valid IAM user name"},
		{"user name with space", action.AWSDenyAll, event.Entity{}, map[string]string{"user": "a b"}, "not a valid"},
		{"other account", action.AWSDenyAll, principal("arn:aws:iam::999999999999:user/alice"), nil, "not 111122223333"},
		{"root", action.AWSDenyAll, principal("arn:aws:iam::111122223333:root"), nil, "not an IAM user or role"},
		{"service-linked role", action.AWSDenyAll, principal("arn:aws:iam::111122223333:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX"), nil, "service-linked"},
		{"param disagrees with target", action.AWSDenyAll, principal("arn:aws:iam::111122223333:user/alice"), map[string]string{"user": "bob"}, "but the target names"},
		{"user and role", action.AWSDenyAll, event.Entity{}, map[string]string{"user": "a", "role": "b"}, "both user"},
		{"revoke for a user", action.AWSRevokeSessions, principal("arn:aws:iam::111122223333:user/alice"), nil, "no sessions to revoke"},
		{"temporary key", action.AWSDeactivateKey, event.Credential("ASIAIOSFODNN7EXAMPLE"), nil, "temporary credential"},
		{"not a key", action.AWSDeactivateKey, event.Credential("AKIA'; DROP"), nil, "not an IAM access key id"},
		{"bad instance", action.AWSQuarantineInstance, event.Host("i-xyz"), nil, "not an EC2 instance id"},
		{"host name, not an instance", action.AWSSnapshotVolumes, event.Host("web01.corp"), nil, "not an EC2 instance id"},
		{"bucket as IP", action.AWSBlockPublicS3, event.Entity{}, map[string]string{"bucket": "192.168.1.1"}, "not a valid S3 bucket name"},
		{"bucket upper case", action.AWSBlockPublicS3, event.Entity{}, map[string]string{"bucket": "Finance"}, "not a valid S3 bucket name"},
		{"object, not bucket", action.AWSBlockPublicS3, event.Resource("", "arn:aws:s3:::b/key", ""), nil, "no bucket"},
	}
	f, c, _ := setup(t, caws.Config{Account: "111122223333"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAction(tt.kind, tt.target, tt.params)
			_, err := c.Capture(context.Background(), a)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("capture = %v, want an error with %q", err, tt.want)
			}
			if err := c.Apply(context.Background(), a); err == nil {
				t.Fatal("apply accepted the target")
			}
		})
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("refused targets reached AWS: %v", calls)
	}
}

// Things that do not exist are errors from AWS, passed on, not panics.
func TestUnknownResources(t *testing.T) {
	f, c, _ := setup(t, caws.Config{})
	f.AddUser("alice")
	tests := []struct {
		kind   action.Kind
		params map[string]string
		code   string
	}{
		{action.AWSDenyAll, map[string]string{"user": "mallory"}, "NoSuchEntity"},
		{action.AWSRevokeSessions, map[string]string{"role": "ghost"}, "NoSuchEntity"},
		{action.AWSDeactivateKey, map[string]string{"access_key_id": "AKIAUNKNOWNUNKNOWN00"}, "NoSuchEntity"},
		{action.AWSQuarantineInstance, map[string]string{"instance_id": "i-0fffffffffffffff0"}, "InvalidInstanceID.NotFound"},
		{action.AWSSnapshotVolumes, map[string]string{"instance_id": "i-0fffffffffffffff0"}, "InvalidInstanceID.NotFound"},
		{action.AWSBlockPublicS3, map[string]string{"bucket": "no-such-bucket"}, "NoSuchBucket"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			a := newAction(tt.kind, event.Entity{}, tt.params)
			ctx := context.Background()
			if _, err := c.Capture(ctx, a); err == nil || !strings.Contains(err.Error(), tt.code) {
				t.Errorf("capture = %v, want %s", err, tt.code)
			}
			if err := c.Verify(ctx, a); err == nil {
				t.Error("verify holds for something that does not exist")
			}
			if err := c.Undo(ctx, a, nil); err == nil && tt.kind != action.AWSSnapshotVolumes {
				t.Error("undo without a capture succeeded")
			}
		})
	}
	if err := c.Apply(context.Background(), newAction(action.AWSDenyAll, event.Entity{}, map[string]string{"user": "mallory"})); err == nil {
		t.Error("deny-all applied to an unknown user")
	}
	if err := c.Apply(context.Background(), &action.Action{Kind: action.HostIsolate}); err == nil {
		t.Error("a host action was accepted")
	}
}

// The fake checks SigV4 signatures: a wrong secret is refused as AWS would.
func TestWrongSecret(t *testing.T) {
	f := awsfake.New()
	defer f.Close()
	f.AddUser("alice")
	c, err := caws.New(caws.Config{}, caws.Deps{AWS: fakeConfig(f, "not-the-secret")})
	if err != nil {
		t.Fatal(err)
	}
	for _, params := range []map[string]string{{"user": "alice"}, {"bucket": "b-1"}} {
		kind := action.AWSDenyAll
		if params["bucket"] != "" {
			kind = action.AWSBlockPublicS3
		}
		_, err := c.Capture(context.Background(), newAction(kind, event.Entity{}, params))
		if err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
			t.Errorf("%s with a wrong secret = %v", kind, err)
		}
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("unsigned calls were served: %v", calls)
	}
}

func TestKinds(t *testing.T) {
	f, c, _ := setup(t, caws.Config{})
	want := map[action.Kind]action.Fidelity{
		action.AWSDeactivateKey: action.Exact, action.AWSDenyAll: action.Exact,
		action.AWSRevokeSessions: action.Lossy, action.AWSQuarantineInstance: action.Exact,
		action.AWSSnapshotVolumes: action.None, action.AWSBlockPublicS3: action.Exact,
	}
	kinds := c.Kinds()
	if len(kinds) != len(want) {
		t.Fatalf("kinds = %v", kinds)
	}
	for k, fid := range want {
		if !slices.Contains(kinds, k) || c.Fidelity(k) != fid {
			t.Errorf("%s: served %t, fidelity %s, want %s", k, slices.Contains(kinds, k), c.Fidelity(k), fid)
		}
	}
	for _, cfg := range []caws.Config{{DenyPolicy: "AWSCompromisedKeyQuarantineV2"}, {RevokePolicy: "bad name!"}, {Account: "12"}} {
		if _, err := caws.New(cfg, caws.Deps{AWS: fakeConfig(f, "")}); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
}
