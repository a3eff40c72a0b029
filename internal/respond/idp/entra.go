package idp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// EntraConfig reaches one Microsoft Entra ID tenant through Microsoft
// Graph. The application needs the User.ReadWrite.All (or
// User.EnableDisableAccount.All with User.Read.All) and
// User.RevokeSessions.All application permissions.
type EntraConfig struct {
	// GraphURL defaults to https://graph.microsoft.com; AuthorityURL,
	// where tokens are issued, to https://login.microsoftonline.com.
	GraphURL, AuthorityURL string
	// TenantID, ClientID and ClientSecret get tokens by the OAuth client
	// credentials flow.
	TenantID, ClientID, ClientSecret string
	// Token, when set, is a bearer token used as is instead.
	Token string
}

type entra struct {
	graph  *url.URL
	tokens *tokenSource
	http   *http.Client
}

func newEntra(cfg EntraConfig, hc *http.Client, now func() time.Time) (*entra, error) {
	if cfg.GraphURL == "" {
		cfg.GraphURL = "https://graph.microsoft.com"
	}
	if cfg.AuthorityURL == "" {
		cfg.AuthorityURL = "https://login.microsoftonline.com"
	}
	graph, err := baseURL(cfg.GraphURL)
	if err != nil {
		return nil, fmt.Errorf("graph URL: %w", err)
	}
	ts := &tokenSource{static: cfg.Token, http: hc, now: now}
	if cfg.Token == "" {
		if cfg.TenantID == "" || cfg.ClientID == "" || cfg.ClientSecret == "" {
			return nil, errors.New("entra: neither a token nor tenant, client id and secret")
		}
		if !guidRE.MatchString(cfg.TenantID) && !loginDomainRE.MatchString(cfg.TenantID) {
			return nil, fmt.Errorf("entra: tenant %q is not a GUID or domain", cfg.TenantID)
		}
		auth, err := baseURL(cfg.AuthorityURL)
		if err != nil {
			return nil, fmt.Errorf("authority URL: %w", err)
		}
		ts.url = endpoint(auth, "/"+url.PathEscape(cfg.TenantID)+"/oauth2/v2.0/token", nil)
		ts.form = url.Values{
			"grant_type":    {"client_credentials"},
			"client_id":     {cfg.ClientID},
			"client_secret": {cfg.ClientSecret},
			"scope":         {graph.String() + "/.default"},
		}
	}
	return &entra{graph: graph, tokens: ts, http: hc}, nil
}

// call sends a Graph request to /v1.0/users/{ref}{suffix}, with a JSON
// body when in is not nil, and decodes the answer into out when not nil.
func (e *entra) call(ctx context.Context, method, ref, suffix string, query url.Values, in, out any) error {
	tok, err := e.tokens.token(ctx)
	if err != nil {
		return err
	}
	path := "/v1.0/users/" + url.PathEscape(ref) + suffix
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint(e.graph, path, query), body)
	if err != nil {
		return fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading answer to %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var ge struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(b, &ge)
		return fmt.Errorf("%s %s: graph answered %d %s: %s", method, path, resp.StatusCode, ge.Error.Code, ge.Error.Message)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decoding answer to %s %s: %w", method, path, err)
	}
	return nil
}

// lookup reads the user by object id or user principal name.
func (e *entra) lookup(ctx context.Context, ref string) (user, error) {
	var u struct {
		ID                string     `json:"id"`
		UPN               string     `json:"userPrincipalName"`
		Enabled           *bool      `json:"accountEnabled"`
		SessionsValidFrom *time.Time `json:"signInSessionsValidFromDateTime"`
	}
	q := url.Values{"$select": {"id,userPrincipalName,accountEnabled,signInSessionsValidFromDateTime"}}
	if err := e.call(ctx, http.MethodGet, ref, "", q, nil, &u); err != nil {
		return user{}, err
	}
	if !guidRE.MatchString(u.ID) || u.Enabled == nil {
		return user{}, fmt.Errorf("graph returned user %q without its account state", u.ID)
	}
	out := user{ID: u.ID, Login: u.UPN, Status: "enabled", Suspended: !*u.Enabled}
	if out.Suspended {
		out.Status = "disabled"
	}
	if u.SessionsValidFrom != nil {
		out.SessionsValidFrom = u.SessionsValidFrom.UTC()
	}
	return out, nil
}

func (e *entra) setEnabled(ctx context.Context, id string, on bool) error {
	return e.call(ctx, http.MethodPatch, id, "", nil, map[string]bool{"accountEnabled": on}, nil)
}

func (e *entra) suspend(ctx context.Context, id string) error   { return e.setEnabled(ctx, id, false) }
func (e *entra) unsuspend(ctx context.Context, id string) error { return e.setEnabled(ctx, id, true) }

// revoke invalidates the user's refresh tokens and browser session
// cookies; Graph sets signInSessionsValidFromDateTime to now.
func (e *entra) revoke(ctx context.Context, id string) error {
	var out struct {
		Value bool `json:"value"`
	}
	if err := e.call(ctx, http.MethodPost, id, "/revokeSignInSessions", nil, nil, &out); err != nil {
		return err
	}
	if !out.Value {
		return errors.New("graph answered that sessions were not revoked")
	}
	return nil
}
