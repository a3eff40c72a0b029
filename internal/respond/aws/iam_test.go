package aws_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	caws "github.com/causeway-soc/causeway/internal/respond/aws"
)

const (
	key1 = "AKIAIOSFODNN7EXAMPLE"
	key2 = "AKIAI44QH8DHBEXAMPLE"
)

func TestDeactivateKey(t *testing.T) {
	f, c, _ := setup(t, caws.Config{})
	f.AddUser("alice")
	f.AddUser("bob")
	mustOK(t, f.AddAccessKey("alice", key1, "Active"))
	mustOK(t, f.AddAccessKey("alice", key2, "Active")) // the attacker's second key
	mustOK(t, f.AddAccessKey("bob", "AKIABOBBOBBOBBOBBOB1", "Active"))

	a := newAction(action.AWSDeactivateKey, event.Credential(key1), nil)
	got := decodeJSON(t, capture(t, c, a))
	if got["user"] != "alice" || got["status"] != "Active" || got["access_key_id"] != key1 {
		t.Fatalf("capture = %v", got)
	}
	if others, _ := got["other_keys"].([]any); len(others) != 1 || others[0].(map[string]any)["access_key_id"] != key2 {
		t.Errorf("capture does not list the user's other key: %v", got["other_keys"])
	}

	applyTwice(t, c, a)
	if k, _ := f.AccessKey(key1); k.Status != "Inactive" {
		t.Fatalf("after apply the key is %s", k.Status)
	}
	if k, _ := f.AccessKey(key2); k.Status != "Active" {
		t.Errorf("apply touched another key: %s", k.Status)
	}

	undo(t, c, a)
	if k, _ := f.AccessKey(key1); k.Status != "Active" {
		t.Fatalf("after undo the key is %s, captured Active", k.Status)
	}
	if err := c.Verify(context.Background(), a); err == nil {
		t.Error("verify holds after undo")
	}

	// A user parameter that disagrees with the key's owner is refused.
	wrong := newAction(action.AWSDeactivateKey, event.Credential(key1), map[string]string{"user": "bob"})
	if err := c.Apply(context.Background(), wrong); err == nil || !strings.Contains(err.Error(), "belongs to") {
		t.Errorf("apply with the wrong owner = %v", err)
	}
	if k, _ := f.AccessKey(key1); k.Status != "Active" {
		t.Errorf("a refused apply changed the key: %s", k.Status)
	}
}

func TestDenyAll(t *testing.T) {
	prior := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	tests := []struct {
		name     string
		target   event.Entity
		params   map[string]string
		role     bool
		existing string // a policy of the connector's name already there
	}{
		{name: "user by ARN", target: event.Entity{Kind: event.KindPrincipal, ID: "principal:arn:aws:iam::111122223333:user/ops/alice"}},
		{name: "user by parameter", params: map[string]string{"user": "alice"}},
		{name: "role by assumed-role session", role: true, target: event.Entity{Kind: event.KindPrincipal, ID: "principal:arn:aws:sts::111122223333:assumed-role/deploy/i-0abc"}},
		{name: "role with a same-named policy", role: true, params: map[string]string{"role": "deploy"}, existing: prior},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := setup(t, caws.Config{Account: "111122223333"})
			f.AddUser("alice")
			f.AddRole("deploy", 0)
			policies := func() map[string]string {
				if tt.role {
					return f.RolePolicies("deploy")
				}
				return f.UserPolicies("alice")
			}
			if tt.existing != "" {
				mustOK(t, f.PutRolePolicy("deploy", "CausewayDenyAll", tt.existing))
			}
			before := policies()

			a := newAction(action.AWSDenyAll, tt.target, tt.params)
			got := decodeJSON(t, capture(t, c, a))
			if got["existed"] != (tt.existing != "") || got["policy"] != "CausewayDenyAll" {
				t.Fatalf("capture = %v", got)
			}
			if tt.existing != "" && got["document"] != tt.existing {
				t.Errorf("captured document %v, want the URL-decoded %s", got["document"], tt.existing)
			}

			applyTwice(t, c, a)
			var doc struct {
				Statement []struct{ Effect, Action, Resource string }
			}
			mustOK(t, json.Unmarshal([]byte(policies()["CausewayDenyAll"]), &doc))
			if len(doc.Statement) != 1 || doc.Statement[0] != (struct{ Effect, Action, Resource string }{"Deny", "*", "*"}) {
				t.Fatalf("policy after apply = %+v", doc)
			}

			undo(t, c, a)
			if after := policies(); !maps.Equal(after, before) {
				t.Fatalf("after undo the policies are %v, captured %v", after, before)
			}
			undo(t, c, a) // undo is idempotent too
		})
	}
}

func TestRevokeSessions(t *testing.T) {
	f, c, clk := setup(t, caws.Config{})
	f.AddRole("deploy", 3600)
	a := newAction(action.AWSRevokeSessions, event.Entity{Kind: event.KindPrincipal, ID: "principal:arn:aws:iam::111122223333:role/deploy"}, nil)
	capture(t, c, a)

	clk.t = t0.Add(time.Minute) // applying later, or again, keeps the cut-off of the capture
	applyTwice(t, c, a)
	doc := f.RolePolicies("deploy")["CausewayRevokeOlderSessions"]
	if !strings.Contains(doc, `"DateLessThan":{"aws:TokenIssueTime":"2025-03-14T15:09:26Z"}`) || !strings.Contains(doc, `"Effect":"Deny"`) {
		t.Fatalf("policy after apply = %s", doc)
	}

	// Within the longest session lifetime, undo would revive stolen
	// sessions: refused unless the action accepts that.
	clk.t = t0.Add(time.Hour)
	if err := c.Undo(context.Background(), a, a.Captured); !errors.Is(err, caws.ErrSessionsLive) {
		t.Fatalf("early undo = %v, want ErrSessionsLive", err)
	}
	if _, ok := f.RolePolicies("deploy")["CausewayRevokeOlderSessions"]; !ok {
		t.Fatal("a refused undo removed the policy")
	}
	clk.t = t0.Add(12*time.Hour + time.Second)
	undo(t, c, a)
	if ps := f.RolePolicies("deploy"); len(ps) != 0 {
		t.Fatalf("after undo the role has %v", ps)
	}

	// Accepting the risk allows an early undo.
	clk.t = t0
	b := newAction(action.AWSRevokeSessions, event.Entity{}, map[string]string{"role": "deploy", caws.ParamAcceptSessionRisk: "true"})
	capture(t, c, b)
	applyTwice(t, c, b)
	undo(t, c, b)
	if ps := f.RolePolicies("deploy"); len(ps) != 0 {
		t.Fatalf("after an accepted undo the role has %v", ps)
	}
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
