package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond"
	"github.com/causeway-soc/causeway/internal/respond/notify"
)

const secret = "0123456789abcdef0123456789abcdef-receiver"

var t0 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// receiver records what it was sent and answers with status.
type receiver struct {
	mu      sync.Mutex
	bodies  [][]byte
	headers []http.Header
	status  int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, body)
	r.headers = append(r.headers, req.Header.Clone())
	if r.status != 0 {
		w.WriteHeader(r.status)
		_, _ = w.Write([]byte("receiver down"))
	}
}

func (r *receiver) last() ([]byte, http.Header, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.bodies)
	if n == 0 {
		return nil, nil, 0
	}
	return r.bodies[n-1], r.headers[n-1], n
}

func newAction(kind action.Kind, summary string) *action.Action {
	inc := event.NewID("incident", "42")
	return &action.Action{
		ID: action.NewID(inc, kind, "soc"), Kind: kind,
		Target:   event.Host("web01"),
		Params:   map[string]string{notify.ParamSummary: summary, notify.ParamSeverity: "high"},
		Reason:   action.Reason{Incident: inc, Why: "credential theft on web01", Confidence: 0.9, Trusted: true},
		Decision: action.Approve,
	}
}

func TestWebhookDelivery(t *testing.T) {
	rec := &receiver{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c, err := notify.New(notify.Config{Webhook: &notify.WebhookConfig{URL: srv.URL, Secrets: []string{secret}}},
		notify.Deps{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	a := newAction(action.NotifyWebhook, "web01 isolated")
	ctx := context.Background()
	if b, err := c.Capture(ctx, a); err != nil || b != nil {
		t.Fatalf("capture = %q, %v", b, err)
	}
	if err := c.Verify(ctx, a); err == nil {
		t.Fatal("verify holds before delivery")
	}
	for range 2 {
		if err := c.Apply(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := c.Verify(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	body, h, n := rec.last()
	if n != 1 {
		t.Fatalf("%d deliveries, want 1 for two applies", n)
	}
	if err := notify.Verify([]byte(secret), h, body, t0.Add(30*time.Second), 5*time.Minute); err != nil {
		t.Fatalf("receiver's verification: %v", err)
	}
	var p notify.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || p.Delivery != a.ID.String() || h.Get(notify.HeaderDelivery) != p.Delivery ||
		p.Kind != action.NotifyWebhook || p.Summary != "web01 isolated" || p.Severity != "high" ||
		p.Incident != a.Reason.Incident.String() || p.Target.ID != "host:web01" || !p.SentAt.Equal(t0) {
		t.Errorf("payload = %+v", p)
	}
	if h.Get(notify.HeaderTimestamp) != "1741964966" {
		t.Errorf("timestamp header = %s", h.Get(notify.HeaderTimestamp))
	}
	if err := c.Undo(ctx, a, nil); !errors.Is(err, respond.ErrIrreversible) {
		t.Errorf("undo = %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	body := []byte(`{"version":1,"summary":"x"}`)
	ts := "1741964966"
	good := http.Header{}
	good.Set(notify.HeaderTimestamp, ts)
	good.Set(notify.HeaderSignature, "v1="+notify.Sign([]byte(secret), ts, body))
	with := func(k, v string) http.Header {
		h := good.Clone()
		h.Set(k, v)
		return h
	}
	tests := []struct {
		name   string
		h      http.Header
		body   []byte
		now    time.Time
		secret string
		want   error
	}{
		{"good", good, body, t0, secret, nil},
		{"tampered body", good, []byte(`{"version":1,"summary":"y"}`), t0, secret, notify.ErrBadSignature},
		{"appended byte", good, append(append([]byte{}, body...), ' '), t0, secret, notify.ErrBadSignature},
		{"wrong secret", good, body, t0, "another-secret-another-secret-0000", notify.ErrBadSignature},
		{"timestamp moved", with(notify.HeaderTimestamp, "1741964967"), body, t0, secret, notify.ErrBadSignature},
		{"replayed late", good, body, t0.Add(6 * time.Minute), secret, notify.ErrStale},
		{"from the future", good, body, t0.Add(-6 * time.Minute), secret, notify.ErrStale},
		{"no signature", with(notify.HeaderSignature, ""), body, t0, secret, notify.ErrNoSignature},
		{"unknown scheme", with(notify.HeaderSignature, "v0="+notify.Sign([]byte(secret), ts, body)), body, t0, secret, notify.ErrBadSignature},
		{"bad timestamp", with(notify.HeaderTimestamp, "yesterday"), body, t0, secret, notify.ErrBadSignature},
		{"rotation: old secret among several", with(notify.HeaderSignature, "v1=00ff,v1="+notify.Sign([]byte(secret), ts, body)), body, t0, secret, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := notify.Verify([]byte(tt.secret), tt.h, tt.body, tt.now, 5*time.Minute)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

// A receiver built on VerifyRequest accepts Causeway's deliveries and
// refuses a tampered one.
func TestVerifyRequest(t *testing.T) {
	var got []error
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := notify.VerifyRequest(r, []byte(secret), t0, 5*time.Minute, 1<<16)
		mu.Lock()
		got = append(got, err)
		mu.Unlock()
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	c, err := notify.New(notify.Config{Webhook: &notify.WebhookConfig{URL: srv.URL, Secrets: []string{secret}}},
		notify.Deps{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(context.Background(), newAction(action.NotifyWebhook, "ok")); err != nil {
		t.Fatal(err)
	}
	// The same headers on another body, as a tampering proxy would send.
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"version":1,"summary":"forged"}`))
	req.Header.Set(notify.HeaderTimestamp, "1741964966")
	req.Header.Set(notify.HeaderSignature, "v1="+notify.Sign([]byte(secret), "1741964966", []byte(`{"version":1}`)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != nil || !errors.Is(got[1], notify.ErrBadSignature) || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("receiver saw %v, answered %d", got, resp.StatusCode)
	}
}
