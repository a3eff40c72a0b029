// Package awsfake is a fake of the few AWS APIs the aws response connector
// calls, for tests. It is not an emulator: it is an HTTP server that
// speaks the real wire protocols the AWS SDK for Go v2 uses — the query
// protocol with XML answers for IAM and EC2, REST with XML for S3 — for
// exactly the operations Causeway calls and the reads its capture and
// verify steps make, keeps their state in memory, and checks every
// request's Signature Version 4 against the one key pair it knows.
//
// Tests seed state (AddUser, AddInstance, AddBucket, ...), point an SDK
// client at URL with the Credentials, and read state back (AccessKey,
// InterfaceGroups, PublicAccessBlock, ...) to prove what an action did.
// Operations outside that set answer 400 InvalidAction, so a connector
// that starts calling something new fails its tests until the fake learns
// it. What it does not model: pagination (every list fits one page),
// eventual consistency, throttling, IAM policy evaluation, and any field
// the connector does not read.
package awsfake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
)

// The key pair the fake accepts; any other is refused as AWS would.
const (
	AccessKeyID     = "AKIAFAKEFAKEFAKE0001"
	SecretAccessKey = "fake/secret/key/for/tests/only/000000000"
	Region          = "us-east-1"
)

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu    sync.Mutex
	st    state
	calls []string
	seq   int
}

// New starts a fake on a loopback port. Close it when done.
func New() *Server {
	s := &Server{st: newState()}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the base endpoint to give the SDK (aws.Config.BaseEndpoint).
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Calls lists the operations served so far, in order, as
// "service:Operation" ("iam:UpdateAccessKey", "s3:PutPublicAccessBlock").
// Refused requests are not listed.
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// apiError is an AWS error answer: HTTP status, code and message.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// serve checks the signature, then hands the request to the service named
// in the credential scope.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading body", http.StatusBadRequest)
		return
	}
	service, region, aerr := verifySignature(r, body)
	switch service {
	case "iam", "ec2":
		var form url.Values
		if aerr == nil {
			form, err = url.ParseQuery(string(body))
			if err != nil || r.Method != http.MethodPost {
				aerr = errf(400, "MalformedQueryString", "expected a form-encoded POST")
			}
		}
		if aerr != nil {
			if service == "iam" {
				writeIAMError(w, aerr, requestID())
			} else {
				writeEC2Error(w, aerr, requestID())
			}
			return
		}
		op := form.Get("Action")
		s.mu.Lock()
		defer s.mu.Unlock()
		if service == "iam" {
			s.serveIAM(w, op, form)
		} else {
			s.serveEC2(w, op, form, region)
		}
	case "s3":
		if aerr != nil {
			writeS3Error(w, aerr, requestID())
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.serveS3(w, r, body)
	default:
		writeIAMError(w, errf(400, "InvalidAction", "unknown service %q", service), requestID())
	}
}

// record notes a served operation. The lock is held.
func (s *Server) record(service, op string) {
	s.calls = append(s.calls, service+":"+op)
}

// nextID returns a fresh resource id with the prefix ("sg-", "snap-").
// The lock is held.
func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%017x", prefix, 0xca5e0000+s.seq)
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
