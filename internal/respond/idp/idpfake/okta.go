package idpfake

import (
	"net/http"
	"strings"
)

func (s *Server) routeOkta(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/users/{ref}", s.okta1(func(w http.ResponseWriter, r *http.Request, u *OktaUser) {
		writeJSON(w, 200, oktaJSON(u))
	}))
	mux.HandleFunc("POST /api/v1/users/{ref}/lifecycle/suspend", s.okta1(func(w http.ResponseWriter, r *http.Request, u *OktaUser) {
		if u.Status != "ACTIVE" {
			oktaError(w, 400, "E0000001", "Api validation failed: Cannot suspend a user that is not active")
			return
		}
		u.Status = "SUSPENDED"
		writeJSON(w, 200, map[string]any{})
	}))
	mux.HandleFunc("POST /api/v1/users/{ref}/lifecycle/unsuspend", s.okta1(func(w http.ResponseWriter, r *http.Request, u *OktaUser) {
		if u.Status != "SUSPENDED" {
			oktaError(w, 400, "E0000001", "Api validation failed: Cannot unsuspend a user that is not suspended")
			return
		}
		u.Status = "ACTIVE"
		writeJSON(w, 200, map[string]any{})
	}))
	mux.HandleFunc("DELETE /api/v1/users/{ref}/sessions", s.okta1(func(w http.ResponseWriter, r *http.Request, u *OktaUser) {
		u.Sessions = 0
		if r.URL.Query().Get("oauthTokens") == "true" {
			u.OAuthTokens = 0
		}
		w.WriteHeader(http.StatusNoContent)
	}))
}

// okta1 checks the SSWS token, finds the user by id or login and runs h
// with the lock held.
func (s *Server) okta1(h func(http.ResponseWriter, *http.Request, *OktaUser)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "SSWS "+OktaToken {
			oktaError(w, 401, "E0000011", "Invalid token provided")
			return
		}
		ref := r.PathValue("ref")
		s.mu.Lock()
		defer s.mu.Unlock()
		u := s.okta[ref]
		// GET finds a user by login too; the other endpoints take the id,
		// which is what the connector sends them.
		if u == nil && r.Method == http.MethodGet {
			for _, c := range s.okta {
				if strings.EqualFold(c.Login, ref) {
					u = c
				}
			}
		}
		if u == nil {
			oktaError(w, 404, "E0000007", "Not found: Resource not found: "+ref+" (User)")
			return
		}
		s.record(r)
		h(w, r, u)
	}
}

func oktaJSON(u *OktaUser) map[string]any {
	return map[string]any{
		"id":      u.ID,
		"status":  u.Status,
		"profile": map[string]string{"login": u.Login, "email": u.Login},
		"_links":  map[string]any{},
	}
}

func oktaError(w http.ResponseWriter, code int, errCode, summary string) {
	writeJSON(w, code, map[string]any{
		"errorCode": errCode, "errorSummary": summary, "errorLink": errCode,
		"errorId": "oaeFAKE", "errorCauses": []any{},
	})
}
