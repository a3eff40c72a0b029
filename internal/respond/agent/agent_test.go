package agent

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond"
)

var testKey = []byte("0123456789abcdef0123456789abcdef-test-key")

// fakeConnector stands for the host connector: it records the calls it
// receives and answers what it is told.
type fakeConnector struct {
	mu       sync.Mutex
	calls    []string
	captured []byte // what Undo received
	fail     error
}

func (f *fakeConnector) Kinds() []action.Kind { return []action.Kind{action.HostBlockIP} }

func (f *fakeConnector) note(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op)
	return f.fail
}

func (f *fakeConnector) Capture(_ context.Context, a *action.Action) ([]byte, error) {
	if err := f.note("capture " + a.Params["ip"]); err != nil {
		return nil, err
	}
	return []byte(`{"ip":"` + a.Params["ip"] + `"}`), nil
}
func (f *fakeConnector) Apply(_ context.Context, a *action.Action) error  { return f.note("apply") }
func (f *fakeConnector) Verify(_ context.Context, a *action.Action) error { return f.note("verify") }
func (f *fakeConnector) Undo(_ context.Context, a *action.Action, c []byte) error {
	f.mu.Lock()
	f.captured = c
	f.mu.Unlock()
	if a.Params["ip"] == "198.51.100.9" {
		return respond.ErrIrreversible
	}
	return f.note("undo")
}

func (f *fakeConnector) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func newPair(t *testing.T, clientKey []byte, now func() time.Time) (*fakeConnector, *Client, *httptest.Server) {
	t.Helper()
	fake := &fakeConnector{}
	srv, err := NewServer(testKey, ServerDeps{Connector: fake})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := NewClient(ClientConfig{URL: hs.URL, Key: clientKey, Kinds: []action.Kind{action.HostBlockIP}},
		ClientDeps{HTTP: hs.Client(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return fake, c, hs
}

func blockAction(ip string) *action.Action {
	return &action.Action{ID: event.NewID("a", ip), Kind: action.HostBlockIP, Params: map[string]string{"ip": ip}}
}

func TestRoundTrip(t *testing.T) {
	fake, c, _ := newPair(t, testKey, nil)
	ctx := context.Background()
	a := blockAction("203.0.113.7")
	cp, err := c.Capture(ctx, a)
	if err != nil || string(cp) != `{"ip":"203.0.113.7"}` {
		t.Fatalf("capture %s %v", cp, err)
	}
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Undo(ctx, a, cp); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	got := fake.captured
	fake.mu.Unlock()
	if !bytes.Equal(got, cp) {
		t.Fatalf("undo received capture %s", fake.captured)
	}
	want := []string{"capture 203.0.113.7", "apply", "verify", "undo"}
	fake.mu.Lock()
	calls := strings.Join(fake.calls, ",")
	fake.mu.Unlock()
	if calls != strings.Join(want, ",") {
		t.Fatalf("calls %v", fake.calls)
	}
	// Connector errors come back as errors, ErrIrreversible as itself.
	if err := c.Undo(ctx, blockAction("198.51.100.9"), cp); !errors.Is(err, respond.ErrIrreversible) {
		t.Fatalf("irreversible undo: %v", err)
	}
	fake.mu.Lock()
	fake.fail = errors.New("nftables: permission denied")
	fake.mu.Unlock()
	if err := c.Apply(ctx, a); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("apply error: %v", err)
	}
	// A kind the agent does not serve is refused there.
	other := blockAction("203.0.113.8")
	other.Kind = action.HostIsolate
	if err := c.Apply(ctx, other); err == nil {
		t.Fatal("unserved kind accepted")
	}
}

func TestWrongKeyRefused(t *testing.T) {
	fake, c, _ := newPair(t, []byte("another-key-of-at-least-32-bytes-long"), nil)
	err := c.Apply(context.Background(), blockAction("203.0.113.7"))
	if !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("err %v", err)
	}
	if fake.count() != 0 {
		t.Fatal("connector called for an unauthenticated request")
	}
}

func TestStaleTimestampRefused(t *testing.T) {
	for _, skew := range []time.Duration{-MaxSkew - 2*time.Second, MaxSkew + 2*time.Second} {
		fake, c, _ := newPair(t, testKey, func() time.Time { return time.Now().Add(skew) })
		if err := c.Apply(context.Background(), blockAction("203.0.113.7")); err == nil {
			t.Fatalf("request %s off accepted", skew)
		}
		if fake.count() != 0 {
			t.Fatal("connector called for a stale request")
		}
	}
}

// signed builds a signed request by hand, as an attacker on the wire
// would capture it.
func signed(t *testing.T, url, path string, body []byte, nonce string) *http.Request {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderSignature, signRequest(testKey, http.MethodPost, path, ts, nonce, body))
	return req
}

func TestReplayAndTamperingRefused(t *testing.T) {
	fake, _, hs := newPair(t, testKey, nil)
	body := []byte(`{"action":{"id":"00000000000000000000000000000001","kind":"host.block_ip","params":{"ip":"203.0.113.7"}}}`)
	nonce := strings.Repeat("ab", nonceLen)
	status := func(req *http.Request) int {
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := status(signed(t, hs.URL, "/v1/apply", body, nonce)); s != http.StatusOK {
		t.Fatalf("first request: %d", s)
	}
	if s := status(signed(t, hs.URL, "/v1/apply", body, nonce)); s != http.StatusUnauthorized {
		t.Fatalf("replayed request: %d", s)
	}
	// A signed request sent to another operation, or with another body.
	req := signed(t, hs.URL, "/v1/apply", body, strings.Repeat("cd", nonceLen))
	req.URL.Path = "/v1/undo"
	if s := status(req); s != http.StatusUnauthorized {
		t.Fatalf("request moved to another path: %d", s)
	}
	req = signed(t, hs.URL, "/v1/apply", body, strings.Repeat("ef", nonceLen))
	req.Body = http.NoBody
	req.ContentLength = 0
	if s := status(req); s != http.StatusUnauthorized {
		t.Fatalf("request with another body: %d", s)
	}
	for _, path := range []string{"/", "/v1/", "/v1/shell"} {
		if s := status(signed(t, hs.URL, path, body, strings.Repeat("01", nonceLen))); s != http.StatusNotFound {
			t.Fatalf("%s: %d", path, s)
		}
	}
	if fake.count() != 1 {
		t.Fatalf("connector called %d times, want once", fake.count())
	}
}

// TestForgedAnswerRefused: the client trusts only answers signed for its
// own request.
func TestForgedAnswerRefused(t *testing.T) {
	var replay struct {
		sync.Mutex
		sig  string
		body []byte
	}
	real, err := NewServer(testKey, ServerDeps{Connector: &fakeConnector{}})
	if err != nil {
		t.Fatal(err)
	}
	mode := "record"
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		replay.Lock()
		defer replay.Unlock()
		switch mode {
		case "record": // pass through and remember a genuine answer
			rec := httptest.NewRecorder()
			real.ServeHTTP(rec, r)
			replay.sig, replay.body = rec.Header().Get(HeaderSignature), rec.Body.Bytes()
			w.Header().Set(HeaderSignature, replay.sig)
			_, _ = w.Write(replay.body)
		case "replay": // answer a new request with the old genuine answer
			w.Header().Set(HeaderSignature, replay.sig)
			_, _ = w.Write(replay.body)
		case "unsigned":
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	t.Cleanup(hs.Close)
	c, err := NewClient(ClientConfig{URL: hs.URL, Key: testKey}, ClientDeps{HTTP: hs.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Verify(ctx, blockAction("203.0.113.7")); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"replay", "unsigned"} {
		replay.Lock()
		mode = m
		replay.Unlock()
		if err := c.Verify(ctx, blockAction("203.0.113.7")); !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("%s answer: %v", m, err)
		}
	}
}

func TestConfigRefusals(t *testing.T) {
	if _, err := NewServer([]byte("short"), ServerDeps{Connector: &fakeConnector{}}); err == nil {
		t.Fatal("short key accepted by the server")
	}
	for _, u := range []string{"ftp://h:1", "http://", "http://h:1/prefix", "::"} {
		if _, err := NewClient(ClientConfig{URL: u, Key: testKey}, ClientDeps{}); err == nil {
			t.Errorf("URL %q accepted", u)
		}
	}
	if _, err := NewClient(ClientConfig{URL: "http://h:1", Key: testKey[:10]}, ClientDeps{}); err == nil {
		t.Fatal("short key accepted by the client")
	}
}
