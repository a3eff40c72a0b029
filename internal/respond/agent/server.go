package agent

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/causeway-soc/causeway/internal/respond"
)

// ServerDeps are the agent server's collaborators.
type ServerDeps struct {
	// Connector carries out the actions (the host connector).
	Connector respond.Connector
	Logger    *slog.Logger     // nil: discard
	Now       func() time.Time // nil: time.Now
}

// Server is the agent's HTTP handler: it authenticates each request,
// refuses replays, and calls the connector. It is safe for concurrent
// use; the connector serializes what must be.
type Server struct {
	key    []byte
	deps   ServerDeps
	nonces nonceCache
}

// NewServer returns a server holding the shared key.
func NewServer(key []byte, deps ServerDeps) (*Server, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if deps.Connector == nil {
		return nil, errors.New("creating agent server: no connector")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Server{key: bytes.Clone(key), deps: deps, nonces: nonceCache{seen: map[string]time.Time{}}}, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.URL.Path, pathBase)
	if r.Method != http.MethodPost || !ok || !slices.Contains([]string{opCapture, opApply, opVerify, opUndo}, op) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	nonce, err := s.authenticate(r, body)
	if err != nil {
		s.deps.Logger.Warn("agent request refused", "remote", r.RemoteAddr, "path", r.URL.Path, "err", err)
		http.Error(w, "unauthenticated", http.StatusUnauthorized)
		return
	}
	var req request
	var resp response
	if err := json.Unmarshal(body, &req); err != nil {
		resp = response{Error: fmt.Sprintf("decoding request: %v", err), Code: codeFailed}
	} else {
		resp = s.call(r.Context(), op, &req)
	}
	s.deps.Logger.Info("agent request", "remote", r.RemoteAddr, "op", op, "kind", string(req.Action.Kind),
		"action", req.Action.ID.String(), "err", resp.Error)
	out, _ := json.Marshal(resp)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(HeaderSignature, signResponse(s.key, nonce, http.StatusOK, out))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// authenticate checks timestamp, signature and nonce, in that order, and
// returns the nonce. A nonce is remembered only once the signature holds.
func (s *Server) authenticate(r *http.Request, body []byte) (string, error) {
	ts, nonce, sig := r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderNonce), r.Header.Get(HeaderSignature)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", errors.New("bad timestamp")
	}
	now := s.deps.Now()
	at := time.Unix(sec, 0)
	if at.Before(now.Add(-MaxSkew)) || at.After(now.Add(MaxSkew)) {
		return "", fmt.Errorf("timestamp %s is more than %s from now", at.UTC().Format(time.RFC3339), MaxSkew)
	}
	if b, err := hex.DecodeString(nonce); err != nil || len(b) != nonceLen {
		return "", errors.New("bad nonce")
	}
	if !checkSignature(sig, signRequest(s.key, r.Method, r.URL.Path, ts, nonce, body)) {
		return "", errors.New("bad signature")
	}
	if !s.nonces.add(nonce, now) {
		return "", errors.New("nonce seen before (replay)")
	}
	return nonce, nil
}

// call runs one connector step.
func (s *Server) call(ctx context.Context, op string, req *request) response {
	a := &req.Action
	if !slices.Contains(s.deps.Connector.Kinds(), a.Kind) {
		return response{Error: fmt.Sprintf("kind %q not served by this agent", a.Kind), Code: codeFailed}
	}
	var resp response
	var err error
	switch op {
	case opCapture:
		resp.Captured, err = s.deps.Connector.Capture(ctx, a)
	case opApply:
		err = s.deps.Connector.Apply(ctx, a)
	case opVerify:
		err = s.deps.Connector.Verify(ctx, a)
	case opUndo:
		err = s.deps.Connector.Undo(ctx, a, req.Captured)
	}
	if err != nil {
		resp = response{Error: err.Error(), Code: codeFailed}
		if errors.Is(err, respond.ErrIrreversible) {
			resp.Code = codeIrreversible
		}
	}
	return resp
}

// nonceCache remembers the nonces of the last 2×MaxSkew; older requests
// are refused by their timestamp anyway.
type nonceCache struct {
	mu   sync.Mutex
	seen map[string]time.Time
	last time.Time // last sweep
}

// maxNonces bounds memory: past it, requests are refused until entries
// expire. At 2×MaxSkew this is over 1,600 requests a second.
const maxNonces = 100_000

// add records a nonce and reports whether it was new.
func (c *nonceCache) add(nonce string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.last) > MaxSkew/2 {
		for n, t := range c.seen {
			if now.Sub(t) > 2*MaxSkew {
				delete(c.seen, n)
			}
		}
		c.last = now
	}
	if _, dup := c.seen[nonce]; dup || len(c.seen) >= maxNonces {
		return false
	}
	c.seen[nonce] = now
	return true
}
