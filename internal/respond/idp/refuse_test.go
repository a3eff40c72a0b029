package idp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond/idp"
	"github.com/causeway-soc/causeway/internal/respond/idp/idpfake"
)

func TestRefusedTargets(t *testing.T) {
	tests := []struct {
		name   string
		target event.Entity
		params map[string]string
		want   string
	}{
		{"no user", event.Entity{}, nil, "names no user"},
		{"ambiguous provider", principal("alice@corp.com"), nil, "either provider"},
		{"unknown provider", principal("alice@corp.com"), map[string]string{"idp": "google"}, "not configured"},
		{"provider disagrees", principal("okta:" + oktaID), map[string]string{"idp": "entra"}, "but the target"},
		{"user disagrees", principal("alice@corp.com"), map[string]string{"idp": "okta", "user": "bob@corp.com"}, "but the target"},
		{"path traversal", event.Entity{}, map[string]string{"idp": "okta", "user": "../../api/v1/groups"}, "not a valid"},
		{"query smuggling", event.Entity{}, map[string]string{"idp": "entra", "user": "bob@contoso.com?$select=x"}, "not a valid"},
		{"okta id too short", principal("okta:00u1"), nil, "not a valid"},
		{"entra id not a GUID", principal("entra:12345"), nil, "not a valid"},
		{"app, not a user", principal("app:5e3ce6c0-2b1f-4285-8d4b-75ee78787346"), map[string]string{"idp": "entra"}, "not a valid"},
	}
	f, c := setup(t, true, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAction(action.IdPSuspendUser, tt.target, tt.params)
			if _, err := c.Capture(context.Background(), a); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("capture = %v, want an error with %q", err, tt.want)
			}
			if err := c.Apply(context.Background(), a); err == nil {
				t.Fatal("apply accepted the target")
			}
		})
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("refused targets reached the provider: %v", calls)
	}
}

func TestUnknownUsers(t *testing.T) {
	f, c := setup(t, true, true)
	f.AddOktaUser(idpfake.OktaUser{ID: oktaID, Login: "gone@corp.com", Status: "DEPROVISIONED"})
	ctx := context.Background()
	for _, tt := range []struct {
		a    *action.Action
		want string
	}{
		{newAction(action.IdPSuspendUser, principal("okta:00u9zzzz9ZZZZ9zzz9z9"), nil), "E0000007"},
		{newAction(action.IdPRevokeSessions, principal("entra:00000000-0000-0000-0000-000000000001"), nil), "Request_ResourceNotFound"},
	} {
		if _, err := c.Capture(ctx, tt.a); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s capture = %v, want %s", tt.a.Kind, err, tt.want)
		}
		if err := c.Apply(ctx, tt.a); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s apply = %v, want %s", tt.a.Kind, err, tt.want)
		}
	}
	// Okta suspends active users only: a deprovisioned one is an error.
	a := newAction(action.IdPSuspendUser, principal("gone@corp.com"), map[string]string{"idp": "okta"})
	if err := c.Apply(ctx, a); err == nil || !strings.Contains(err.Error(), "E0000001") {
		t.Errorf("suspending a deprovisioned user = %v", err)
	}
	if err := c.Undo(ctx, a, nil); err == nil {
		t.Error("undo without a capture succeeded")
	}
}

func TestConfig(t *testing.T) {
	bad := []idp.Config{
		{},
		{Okta: &idp.OktaConfig{OrgURL: "http://example.okta.com", Token: "x"}},
		{Okta: &idp.OktaConfig{OrgURL: "https://example.okta.com"}},
		{Entra: &idp.EntraConfig{TenantID: idpfake.TenantID}},
		{Entra: &idp.EntraConfig{GraphURL: "http://graph.example", Token: "x"}},
		{Entra: &idp.EntraConfig{TenantID: "../x", ClientID: "a", ClientSecret: "b"}},
	}
	for _, cfg := range bad {
		if _, err := idp.New(cfg, idp.Deps{}); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	env := map[string]string{
		idp.EnvOktaOrgURL: "https://example.okta.com", idp.EnvOktaToken: "t",
		idp.EnvTenantID: idpfake.TenantID, idp.EnvClientID: "c", idp.EnvClientSecret: "s",
	}
	cfg := idp.ConfigFromEnv(func(k string) string { return env[k] })
	if cfg.Okta == nil || cfg.Okta.Token != "t" || cfg.Entra == nil || cfg.Entra.ClientSecret != "s" {
		t.Fatalf("config from env = %+v", cfg)
	}
	if _, err := idp.New(cfg, idp.Deps{}); err != nil {
		t.Errorf("config from env: %v", err)
	}
}
