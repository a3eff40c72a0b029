package agent

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/respond"
)

// ClientConfig says where one agent listens and how to authenticate.
type ClientConfig struct {
	// URL is the agent's base URL, "http://HOST:PORT".
	URL string
	// Key is the shared key (at least MinKeyLen bytes).
	Key []byte
	// Kinds the agent serves; nil means every host.* kind.
	Kinds []action.Kind
}

// ClientDeps are the client's collaborators.
type ClientDeps struct {
	HTTP *http.Client     // nil: a client with a 60 s timeout
	Now  func() time.Time // nil: time.Now
}

// Client calls one agent. It implements respond.Connector, so the
// executor uses it like any connector; it is safe for concurrent use.
type Client struct {
	base  *url.URL
	key   []byte
	kinds []action.Kind
	deps  ClientDeps
}

// NewClient returns a client of the agent at cfg.URL.
func NewClient(cfg ClientConfig, deps ClientDeps) (*Client, error) {
	if err := checkKey(cfg.Key); err != nil {
		return nil, err
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("agent URL %q is not http(s)://HOST:PORT", cfg.URL)
	}
	kinds := cfg.Kinds
	if kinds == nil {
		kinds = []action.Kind{action.HostIsolate, action.HostKillProcess, action.HostQuarantineFile,
			action.HostLockAccount, action.HostBlockIP}
	}
	if deps.HTTP == nil {
		deps.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Client{base: u, key: bytes.Clone(cfg.Key), kinds: slices.Clone(kinds), deps: deps}, nil
}

// Kinds implements respond.Connector.
func (c *Client) Kinds() []action.Kind { return slices.Clone(c.kinds) }

// Capture implements respond.Connector.
func (c *Client) Capture(ctx context.Context, a *action.Action) ([]byte, error) {
	resp, err := c.call(ctx, opCapture, a, nil)
	if err != nil {
		return nil, err
	}
	return resp.Captured, nil
}

// Apply implements respond.Connector.
func (c *Client) Apply(ctx context.Context, a *action.Action) error {
	_, err := c.call(ctx, opApply, a, nil)
	return err
}

// Verify implements respond.Connector.
func (c *Client) Verify(ctx context.Context, a *action.Action) error {
	_, err := c.call(ctx, opVerify, a, nil)
	return err
}

// Undo implements respond.Connector.
func (c *Client) Undo(ctx context.Context, a *action.Action, captured []byte) error {
	_, err := c.call(ctx, opUndo, a, captured)
	return err
}

// call sends one signed request and checks the signed answer. A
// connector error on the agent comes back as an error (ErrIrreversible
// kept as such).
func (c *Client) call(ctx context.Context, op string, a *action.Action, captured []byte) (response, error) {
	body, err := json.Marshal(request{Action: *a, Captured: captured})
	if err != nil {
		return response{}, fmt.Errorf("encoding agent request: %w", err)
	}
	var n [nonceLen]byte
	if _, err := rand.Read(n[:]); err != nil {
		return response{}, fmt.Errorf("drawing nonce: %w", err)
	}
	nonce := hex.EncodeToString(n[:])
	ts := strconv.FormatInt(c.deps.Now().Unix(), 10)
	u := *c.base
	u.Path = pathBase + op
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return response{}, fmt.Errorf("building agent request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderSignature, signRequest(c.key, http.MethodPost, u.Path, ts, nonce, body))

	hr, err := c.deps.HTTP.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("calling agent %s: %w", op, err)
	}
	defer hr.Body.Close()
	out, err := io.ReadAll(io.LimitReader(hr.Body, maxBody+1))
	if err != nil {
		return response{}, fmt.Errorf("reading agent answer: %w", err)
	}
	if len(out) > maxBody {
		return response{}, errors.New("reading agent answer: too large")
	}
	if !checkSignature(hr.Header.Get(HeaderSignature), signResponse(c.key, nonce, hr.StatusCode, out)) {
		return response{}, fmt.Errorf("agent %s answered %d: %w", op, hr.StatusCode, ErrUnauthenticated)
	}
	if hr.StatusCode != http.StatusOK {
		return response{}, fmt.Errorf("agent %s answered %d", op, hr.StatusCode)
	}
	var resp response
	if err := json.Unmarshal(out, &resp); err != nil {
		return response{}, fmt.Errorf("decoding agent answer: %w", err)
	}
	if resp.Code == codeIrreversible {
		return resp, respond.ErrIrreversible
	}
	if resp.Error != "" {
		return resp, fmt.Errorf("agent: %s", resp.Error)
	}
	return resp, nil
}

var _ respond.Connector = (*Client)(nil)
