// Package idpfake is a fake of the few Okta and Microsoft Graph endpoints
// the idp response connector calls, for tests. It is an HTTP server that
// answers the real paths, methods, authentication schemes and JSON shapes
// — Okta's user lifecycle and session endpoints with SSWS tokens, Graph's
// user read, update and revokeSignInSessions with bearer tokens, and the
// Entra client-credentials token endpoint — keeps users in memory, and
// lets tests seed users and read them back.
//
// It is not an identity provider: it models user status, a count of
// sessions and OAuth tokens, and Graph's signInSessionsValidFromDateTime,
// nothing else (no groups, factors, policies, pagination or rate limits).
// Any other path answers 404.
package idpfake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Credentials the fake accepts.
const (
	OktaToken    = "00fake-okta-api-token"
	GraphToken   = "fake-static-graph-token"
	TenantID     = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	ClientID     = "0b1c3a1e-0000-4000-8000-00000000c0de"
	ClientSecret = "fake~client~secret"
)

// OktaUser is an Okta user.
type OktaUser struct {
	ID, Login string
	Status    string // ACTIVE, SUSPENDED, DEPROVISIONED, ...
	// Sessions and OAuthTokens count what a session clear removes.
	Sessions, OAuthTokens int
}

// EntraUser is an Entra ID user.
type EntraUser struct {
	ID, UPN           string
	Enabled           bool
	SessionsValidFrom time.Time
	// Sessions counts refresh tokens and session cookies a revocation
	// invalidates.
	Sessions int
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server
	now func() time.Time

	mu     sync.Mutex
	okta   map[string]*OktaUser
	entra  map[string]*EntraUser
	tokens map[string]bool // bearer tokens issued or accepted
	calls  []string
}

// New starts a fake on a loopback port; now dates Graph's session
// revocations (nil: time.Now). Close it when done.
func New(now func() time.Time) *Server {
	if now == nil {
		now = time.Now
	}
	s := &Server{now: now, okta: map[string]*OktaUser{}, entra: map[string]*EntraUser{},
		tokens: map[string]bool{GraphToken: true}}
	mux := http.NewServeMux()
	s.routeOkta(mux)
	s.routeGraph(mux)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.token)
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the base URL of every API the fake serves: Okta org, Graph and
// the Entra authority.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Calls lists the requests served successfully, as "METHOD path".
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// AddOktaUser seeds an Okta user.
func (s *Server) AddOktaUser(u OktaUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.okta[u.ID] = &u
}

// AddEntraUser seeds an Entra ID user.
func (s *Server) AddEntraUser(u EntraUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entra[strings.ToLower(u.ID)] = &u
}

// OktaUser reads an Okta user back by id.
func (s *Server) OktaUser(id string) (OktaUser, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.okta[id]
	if !ok {
		return OktaUser{}, false
	}
	return *u, true
}

// EntraUser reads an Entra ID user back by object id.
func (s *Server) EntraUser(id string) (EntraUser, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.entra[strings.ToLower(id)]
	if !ok {
		return EntraUser{}, false
	}
	return *u, true
}

// record notes a served request. The lock is held.
func (s *Server) record(r *http.Request) {
	s.calls = append(s.calls, r.Method+" "+r.URL.Path)
}

// token is the Entra client-credentials token endpoint.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	fail := func(code int, e, desc string) {
		writeJSON(w, code, map[string]string{"error": e, "error_description": desc})
	}
	if err := r.ParseForm(); err != nil {
		fail(400, "invalid_request", "AADSTS900144: malformed form")
		return
	}
	switch {
	case r.PathValue("tenant") != TenantID:
		fail(400, "invalid_request", "AADSTS90002: Tenant '"+r.PathValue("tenant")+"' not found.")
	case r.PostForm.Get("grant_type") != "client_credentials":
		fail(400, "unsupported_grant_type", "AADSTS70003: unsupported grant type")
	case r.PostForm.Get("client_id") != ClientID || r.PostForm.Get("client_secret") != ClientSecret:
		fail(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
	case !strings.HasSuffix(r.PostForm.Get("scope"), "/.default"):
		fail(400, "invalid_scope", "AADSTS1002012: the scope must end in /.default")
	default:
		var b [24]byte
		_, _ = rand.Read(b[:])
		tok := "eyJ0eXAiOiJKV1QifQ." + hex.EncodeToString(b[:])
		s.mu.Lock()
		s.tokens[tok] = true
		s.record(r)
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": 3599, "access_token": tok})
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
