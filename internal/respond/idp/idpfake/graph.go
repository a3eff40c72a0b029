package idpfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

func (s *Server) routeGraph(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1.0/users/{ref}", s.graph1(func(w http.ResponseWriter, r *http.Request, u *EntraUser) {
		writeJSON(w, 200, selectFields(u, r.URL.Query().Get("$select")))
	}))
	mux.HandleFunc("PATCH /v1.0/users/{ref}", s.graph1(func(w http.ResponseWriter, r *http.Request, u *EntraUser) {
		var patch map[string]json.RawMessage
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err := json.Unmarshal(body, &patch); err != nil || len(patch) == 0 {
			graphError(w, 400, "BadRequest", "Unable to read JSON request payload.")
			return
		}
		for k, v := range patch {
			if k != "accountEnabled" {
				graphError(w, 400, "Request_BadRequest", "this fake updates accountEnabled only, not "+k)
				return
			}
			if err := json.Unmarshal(v, &u.Enabled); err != nil {
				graphError(w, 400, "Request_BadRequest", "accountEnabled must be a boolean")
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("POST /v1.0/users/{ref}/revokeSignInSessions", s.graph1(func(w http.ResponseWriter, r *http.Request, u *EntraUser) {
		u.SessionsValidFrom = s.now().UTC().Truncate(time.Second)
		u.Sessions = 0
		writeJSON(w, 200, map[string]any{
			"@odata.context": s.URL() + "/v1.0/$metadata#Edm.Boolean",
			"value":          true,
		})
	}))
}

// graph1 checks the bearer token, finds the user by object id or user
// principal name and runs h with the lock held.
func (s *Server) graph1(h func(http.ResponseWriter, *http.Request, *EntraUser)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		defer s.mu.Unlock()
		if !ok || !s.tokens[tok] {
			graphError(w, 401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
			return
		}
		ref := strings.ToLower(r.PathValue("ref"))
		u := s.entra[ref]
		if u == nil {
			for _, c := range s.entra {
				if strings.EqualFold(c.UPN, ref) {
					u = c
				}
			}
		}
		if u == nil {
			graphError(w, 404, "Request_ResourceNotFound",
				"Resource '"+r.PathValue("ref")+"' does not exist or one of its queried reference-property objects are not present.")
			return
		}
		s.record(r)
		h(w, r, u)
	}
}

// selectFields answers a user read as Graph does: accountEnabled and
// signInSessionsValidFromDateTime only when $select names them.
func selectFields(u *EntraUser, sel string) map[string]any {
	out := map[string]any{"@odata.context": "$metadata#users/$entity", "id": u.ID, "userPrincipalName": u.UPN}
	for f := range strings.SplitSeq(sel, ",") {
		switch strings.TrimSpace(f) {
		case "accountEnabled":
			out["accountEnabled"] = u.Enabled
		case "signInSessionsValidFromDateTime":
			if u.SessionsValidFrom.IsZero() {
				out["signInSessionsValidFromDateTime"] = nil
			} else {
				out["signInSessionsValidFromDateTime"] = u.SessionsValidFrom.UTC().Format(time.RFC3339)
			}
		}
	}
	return out
}

func graphError(w http.ResponseWriter, code int, errCode, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{
		"code": errCode, "message": msg,
		"innerError": map[string]string{"request-id": "00000000-0000-0000-0000-000000000000"},
	}})
}
