package idp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// loginDomainRE is a tenant given by its domain (contoso.onmicrosoft.com).
var loginDomainRE = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

// tokenSource issues Graph bearer tokens: a static one, or one from the
// OAuth 2.0 client credentials flow, kept until a minute before it
// expires. It is safe for concurrent use.
type tokenSource struct {
	static string
	url    string
	form   url.Values
	http   *http.Client
	now    func() time.Time

	mu      sync.Mutex
	current string
	expiry  time.Time
}

func (t *tokenSource) token(ctx context.Context) (string, error) {
	if t.static != "" {
		return t.static, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current != "" && t.now().Before(t.expiry) {
		return t.current, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, strings.NewReader(t.form.Encode()))
	if err != nil {
		return "", fmt.Errorf("building token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := t.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting a graph token: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("reading the token answer: %w", err)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal(b, &tr); err != nil && resp.StatusCode == http.StatusOK {
		return "", fmt.Errorf("decoding the token answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("requesting a graph token: answered %d %s: %s", resp.StatusCode, tr.Error, tr.Description)
	}
	if tr.AccessToken == "" || !strings.EqualFold(tr.TokenType, "Bearer") {
		return "", errors.New("requesting a graph token: no bearer token in the answer")
	}
	t.current = tr.AccessToken
	t.expiry = t.now().Add(time.Duration(tr.ExpiresIn)*time.Second - time.Minute)
	return t.current, nil
}
