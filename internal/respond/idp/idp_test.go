package idp_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond"
	"github.com/causeway-soc/causeway/internal/respond/idp"
	"github.com/causeway-soc/causeway/internal/respond/idp/idpfake"
)

const (
	oktaID  = "00u1abcd2EFGH3ijk4x7"
	entraID = "4562bcc8-c436-4f95-b7c0-4f8ce89dca5e"
)

// clock advances a second every time it is read, so each revocation is
// later than the last.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { c.t = c.t.Add(time.Second); return c.t }

func setup(t *testing.T, okta, entra bool) (*idpfake.Server, *idp.Connector) {
	t.Helper()
	clk := &clock{time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)}
	f := idpfake.New(clk.now)
	t.Cleanup(f.Close)
	var cfg idp.Config
	if okta {
		cfg.Okta = &idp.OktaConfig{OrgURL: f.URL(), Token: idpfake.OktaToken}
	}
	if entra {
		cfg.Entra = &idp.EntraConfig{GraphURL: f.URL(), AuthorityURL: f.URL(),
			TenantID: idpfake.TenantID, ClientID: idpfake.ClientID, ClientSecret: idpfake.ClientSecret}
	}
	c, err := idp.New(cfg, idp.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func newAction(kind action.Kind, target event.Entity, params map[string]string) *action.Action {
	return &action.Action{ID: action.NewID(event.NewID("incident", "test"), kind, target.ID), Kind: kind, Target: target, Params: params, State: action.Applying}
}

func principal(id string) event.Entity {
	return event.Entity{Kind: event.KindPrincipal, ID: "principal:" + id}
}

// run captures, then applies and verifies twice (idempotence).
func run(t *testing.T, c *idp.Connector, a *action.Action) map[string]any {
	t.Helper()
	ctx := context.Background()
	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatalf("capture: %v", err)
	}
	a.Captured = b
	for i := range 2 {
		if err := c.Apply(ctx, a); err != nil {
			t.Fatalf("apply %d: %v", i+1, err)
		}
		if err := c.Verify(ctx, a); err != nil {
			t.Fatalf("verify after apply %d: %v", i+1, err)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func count(calls []string, call string) int {
	n := 0
	for _, c := range calls {
		if c == call {
			n++
		}
	}
	return n
}

func TestOktaSuspend(t *testing.T) {
	f, c := setup(t, true, false)
	f.AddOktaUser(idpfake.OktaUser{ID: oktaID, Login: "alice@corp.com", Status: "ACTIVE", Sessions: 2})
	a := newAction(action.IdPSuspendUser, principal("alice@corp.com"), nil)
	got := run(t, c, a)
	if u := got["user"].(map[string]any); got["idp"] != "okta" || u["id"] != oktaID || u["status"] != "ACTIVE" {
		t.Fatalf("capture = %v", got)
	}
	if u, _ := f.OktaUser(oktaID); u.Status != "SUSPENDED" {
		t.Fatalf("after apply the user is %s", u.Status)
	}
	if n := count(f.Calls(), "POST /api/v1/users/"+oktaID+"/lifecycle/suspend"); n != 1 {
		t.Errorf("suspended %d times, want once", n)
	}
	if err := c.Undo(context.Background(), a, a.Captured); err != nil {
		t.Fatal(err)
	}
	if u, _ := f.OktaUser(oktaID); u.Status != "ACTIVE" {
		t.Fatalf("after undo the user is %s, captured ACTIVE", u.Status)
	}
	if err := c.Verify(context.Background(), a); err == nil {
		t.Error("verify holds after undo")
	}
}

// A user suspended before the action stays suspended after its undo.
func TestSuspendUndoKeepsPriorState(t *testing.T) {
	f, c := setup(t, true, false)
	f.AddOktaUser(idpfake.OktaUser{ID: oktaID, Login: "alice@corp.com", Status: "SUSPENDED"})
	a := newAction(action.IdPSuspendUser, principal("okta:"+oktaID), nil)
	run(t, c, a)
	if err := c.Undo(context.Background(), a, a.Captured); err != nil {
		t.Fatal(err)
	}
	if u, _ := f.OktaUser(oktaID); u.Status != "SUSPENDED" {
		t.Errorf("undo changed a user suspended before to %s", u.Status)
	}
	if n := count(f.Calls(), "POST /api/v1/users/"+oktaID+"/lifecycle/unsuspend"); n != 0 {
		t.Errorf("unsuspended %d times", n)
	}
}

func TestEntraSuspend(t *testing.T) {
	f, c := setup(t, false, true)
	f.AddEntraUser(idpfake.EntraUser{ID: entraID, UPN: "bob@contoso.com", Enabled: true})
	a := newAction(action.IdPSuspendUser, principal("entra:"+entraID), nil)
	got := run(t, c, a)
	if u := got["user"].(map[string]any); u["suspended"] != false || u["login"] != "bob@contoso.com" {
		t.Fatalf("capture = %v", got)
	}
	if u, _ := f.EntraUser(entraID); u.Enabled {
		t.Fatal("after apply the account is enabled")
	}
	if err := c.Undo(context.Background(), a, a.Captured); err != nil {
		t.Fatal(err)
	}
	if u, _ := f.EntraUser(entraID); !u.Enabled {
		t.Fatal("after undo the account is disabled, captured enabled")
	}
	// One client-credentials token serves every call.
	if n := count(f.Calls(), "POST /"+idpfake.TenantID+"/oauth2/v2.0/token"); n != 1 {
		t.Errorf("%d tokens requested, want 1", n)
	}
}

func TestOktaRevokeSessions(t *testing.T) {
	for _, keep := range []bool{false, true} {
		f := idpfake.New(nil)
		defer f.Close()
		f.AddOktaUser(idpfake.OktaUser{ID: oktaID, Login: "alice@corp.com", Status: "ACTIVE", Sessions: 3, OAuthTokens: 2})
		c, err := idp.New(idp.Config{Okta: &idp.OktaConfig{OrgURL: f.URL(), Token: idpfake.OktaToken, KeepOAuthTokens: keep}}, idp.Deps{})
		if err != nil {
			t.Fatal(err)
		}
		a := newAction(action.IdPRevokeSessions, event.Entity{}, map[string]string{"user": "alice@corp.com"})
		if err := c.Verify(context.Background(), a); err == nil {
			t.Fatal("verify holds before any clear")
		}
		run(t, c, a)
		u, _ := f.OktaUser(oktaID)
		if u.Sessions != 0 || (u.OAuthTokens == 0) == keep || u.Status != "ACTIVE" {
			t.Errorf("keep OAuth tokens %t: after apply %+v", keep, u)
		}
		if err := c.Undo(context.Background(), a, a.Captured); !errors.Is(err, respond.ErrIrreversible) {
			t.Errorf("undo = %v, want ErrIrreversible", err)
		}
	}
}

func TestEntraRevokeSessions(t *testing.T) {
	f, c := setup(t, true, true)
	before := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	f.AddEntraUser(idpfake.EntraUser{ID: entraID, UPN: "bob@contoso.com", Enabled: true, Sessions: 4, SessionsValidFrom: before})
	a := newAction(action.IdPRevokeSessions, principal("bob@contoso.com"), map[string]string{"idp": "entra"})
	ctx := context.Background()
	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Captured = b
	if err := c.Verify(ctx, a); err == nil {
		t.Fatal("verify holds before apply")
	}
	run(t, c, a)
	u, _ := f.EntraUser(entraID)
	if u.Sessions != 0 || !u.SessionsValidFrom.After(before) || !u.Enabled {
		t.Fatalf("after apply %+v", u)
	}
	if c.Fidelity(action.IdPRevokeSessions) != action.None || c.Fidelity(action.IdPSuspendUser) != action.Exact {
		t.Error("wrong fidelities")
	}
}

func TestAuthentication(t *testing.T) {
	f := idpfake.New(nil)
	defer f.Close()
	f.AddOktaUser(idpfake.OktaUser{ID: oktaID, Login: "alice@corp.com", Status: "ACTIVE"})
	f.AddEntraUser(idpfake.EntraUser{ID: entraID, UPN: "bob@contoso.com", Enabled: true})
	tests := []struct {
		name string
		cfg  idp.Config
		want string
	}{
		{"wrong okta token", idp.Config{Okta: &idp.OktaConfig{OrgURL: f.URL(), Token: "stolen"}}, "E0000011"},
		{"wrong client secret", idp.Config{Entra: &idp.EntraConfig{GraphURL: f.URL(), AuthorityURL: f.URL(),
			TenantID: idpfake.TenantID, ClientID: idpfake.ClientID, ClientSecret: "guess"}}, "invalid_client"},
		{"wrong tenant", idp.Config{Entra: &idp.EntraConfig{GraphURL: f.URL(), AuthorityURL: f.URL(),
			TenantID: "contoso.onmicrosoft.com", ClientID: idpfake.ClientID, ClientSecret: idpfake.ClientSecret}}, "AADSTS90002"},
		{"wrong graph token", idp.Config{Entra: &idp.EntraConfig{GraphURL: f.URL(), Token: "forged"}}, "InvalidAuthenticationToken"},
		{"static graph token", idp.Config{Entra: &idp.EntraConfig{GraphURL: f.URL(), Token: idpfake.GraphToken}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := idp.New(tt.cfg, idp.Deps{})
			if err != nil {
				t.Fatal(err)
			}
			ref := "bob@contoso.com"
			if tt.cfg.Okta != nil {
				ref = "alice@corp.com"
			}
			_, err = c.Capture(context.Background(), newAction(action.IdPSuspendUser, principal(ref), nil))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("capture = %v, want %s", err, tt.want)
			}
		})
	}
	if u, _ := f.OktaUser(oktaID); u.Status != "ACTIVE" {
		t.Error("a refused request changed a user")
	}
}
