// Package agent is the host side of Causeway's response: `causeway agent`
// runs on each Linux host and carries out host actions through the host
// connector when the engine asks. The engine talks to it with Client,
// which implements respond.Connector, so the executor drives a remote
// host as it drives any connector; Server is the agent's HTTP handler.
//
// # Protocol
//
// HTTP POST to /v1/capture, /v1/apply, /v1/verify and /v1/undo, with a
// JSON body {"action": <action.Action>, "captured": <base64>}. The answer
// is 200 with {"captured": <base64>} or {"error": "...", "code": "..."}.
//
// Both sides hold a shared key of at least 32 bytes. Every request
// carries X-Causeway-Timestamp (Unix seconds), X-Causeway-Nonce (16
// random bytes, hex) and X-Causeway-Signature, the hex HMAC-SHA256 under
// the key of
//
//	"causeway-agent-v1 request\n" METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body))
//
// The agent refuses a bad signature, a timestamp more than 30 s away from
// its clock, and a nonce it has seen within the window (replay). Every
// answer to an authenticated request carries X-Causeway-Signature over
//
//	"causeway-agent-v1 response\n" NONCE "\n" STATUS "\n" hex(SHA-256(body))
//
// with the request's nonce, which the client checks: an answer cannot be
// forged, nor replayed for another request. The prefixes keep request and
// response signatures apart. Bodies are authenticated, not encrypted: run
// the channel on a management network (captures hold command lines and
// paths, never password hashes).
package agent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// Header names and limits of the protocol.
const (
	HeaderTimestamp = "X-Causeway-Timestamp"
	HeaderNonce     = "X-Causeway-Nonce"
	HeaderSignature = "X-Causeway-Signature"

	// MaxSkew is how far a request's timestamp may be from the agent's
	// clock; nonces are remembered for twice as long.
	MaxSkew = 30 * time.Second
	// MinKeyLen is the shortest shared key accepted.
	MinKeyLen = 32

	maxBody  = 1 << 20
	nonceLen = 16
	pathBase = "/v1/"
)

// Operations, the last element of the request path.
const (
	opCapture = "capture"
	opApply   = "apply"
	opVerify  = "verify"
	opUndo    = "undo"
)

// Error codes carried in a response.
const (
	codeIrreversible = "irreversible"
	codeFailed       = "failed"
)

type request struct {
	Action   action.Action `json:"action"`
	Captured []byte        `json:"captured,omitempty"`
}

type response struct {
	Captured []byte `json:"captured,omitempty"`
	Error    string `json:"error,omitempty"`
	Code     string `json:"code,omitempty"`
}

func bodyHash(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}

func mac(key []byte, parts ...string) string {
	m := hmac.New(sha256.New, key)
	for i, p := range parts {
		if i > 0 {
			m.Write([]byte{'\n'})
		}
		m.Write([]byte(p))
	}
	return hex.EncodeToString(m.Sum(nil))
}

func signRequest(key []byte, method, path, ts, nonce string, body []byte) string {
	return mac(key, "causeway-agent-v1 request", method, path, ts, nonce, bodyHash(body))
}

func signResponse(key []byte, nonce string, status int, body []byte) string {
	return mac(key, "causeway-agent-v1 response", nonce, strconv.Itoa(status), bodyHash(body))
}

// checkSignature compares signatures in constant time.
func checkSignature(got, want string) bool {
	return hmac.Equal([]byte(got), []byte(want))
}

// checkKey refuses keys too short to be a secret.
func checkKey(key []byte) error {
	if len(key) < MinKeyLen {
		return fmt.Errorf("agent key has %d bytes, want at least %d", len(key), MinKeyLen)
	}
	return nil
}

// ErrUnauthenticated is returned by the client when the agent refused
// the request's authentication or its answer did not authenticate.
var ErrUnauthenticated = errors.New("agent channel not authenticated")
