package idp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// OktaConfig reaches one Okta org.
type OktaConfig struct {
	// OrgURL is the org's base URL, https://example.okta.com.
	OrgURL string
	// Token is an API token, sent as "Authorization: SSWS <token>". Its
	// admin needs the user lifecycle and session permissions.
	Token string
	// KeepOAuthTokens leaves the user's OAuth refresh and access tokens
	// when clearing sessions; by default they are revoked too.
	KeepOAuthTokens bool
}

type okta struct {
	base  *url.URL
	token string
	oauth bool
	http  *http.Client
}

func newOkta(cfg OktaConfig, hc *http.Client) (*okta, error) {
	base, err := baseURL(cfg.OrgURL)
	if err != nil {
		return nil, fmt.Errorf("okta org URL: %w", err)
	}
	if cfg.Token == "" {
		return nil, errors.New("okta: no API token")
	}
	return &okta{base: base, token: cfg.Token, oauth: !cfg.KeepOAuthTokens, http: hc}, nil
}

// oktaError is Okta's error body.
type oktaError struct {
	Code    string `json:"errorCode"`
	Summary string `json:"errorSummary"`
}

// call sends a request to /api/v1/users/{ref}{suffix} and decodes a JSON
// answer into out when out is not nil.
func (o *okta) call(ctx context.Context, method, ref, suffix string, query url.Values, out any) error {
	path := "/api/v1/users/" + url.PathEscape(ref) + suffix
	req, err := http.NewRequestWithContext(ctx, method, endpoint(o.base, path, query), nil)
	if err != nil {
		return fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Authorization", "SSWS "+o.token)
	req.Header.Set("Accept", "application/json")
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := o.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading answer to %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e oktaError
		_ = json.Unmarshal(body, &e)
		return fmt.Errorf("%s %s: okta answered %d %s: %s", method, path, resp.StatusCode, e.Code, e.Summary)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decoding answer to %s %s: %w", method, path, err)
	}
	return nil
}

// lookup reads GET /api/v1/users/{id or login}.
func (o *okta) lookup(ctx context.Context, ref string) (user, error) {
	var u struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Profile struct {
			Login string `json:"login"`
		} `json:"profile"`
	}
	if err := o.call(ctx, http.MethodGet, ref, "", nil, &u); err != nil {
		return user{}, err
	}
	if !oktaIDRE.MatchString(u.ID) {
		return user{}, fmt.Errorf("okta returned user id %q", u.ID)
	}
	return user{ID: u.ID, Login: u.Profile.Login, Status: u.Status, Suspended: u.Status == "SUSPENDED"}, nil
}

// suspend works on ACTIVE users only; Okta refuses others.
func (o *okta) suspend(ctx context.Context, id string) error {
	return o.call(ctx, http.MethodPost, id, "/lifecycle/suspend", nil, nil)
}

func (o *okta) unsuspend(ctx context.Context, id string) error {
	return o.call(ctx, http.MethodPost, id, "/lifecycle/unsuspend", nil, nil)
}

// revoke clears every session of the user, and its OAuth tokens unless
// configured otherwise.
func (o *okta) revoke(ctx context.Context, id string) error {
	q := url.Values{}
	if o.oauth {
		q.Set("oauthTokens", "true")
	}
	return o.call(ctx, http.MethodDelete, id, "/sessions", q, nil)
}

// endpoint joins a base URL, an escaped path and a query.
func endpoint(base *url.URL, path string, query url.Values) string {
	s := base.String() + path
	if len(query) > 0 {
		s += "?" + query.Encode()
	}
	return s
}

// baseURL parses a provider's base URL: https, or http to a loopback
// address (a test server), so that tokens never cross a network in clear.
func baseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil {
		return nil, err
	}
	if u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q is not a base URL", s)
	}
	host := u.Hostname()
	loopback := host == "localhost" || host == "127.0.0.1" || host == "::1"
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback) {
		return nil, fmt.Errorf("%q: only https is allowed", s)
	}
	return u, nil
}
