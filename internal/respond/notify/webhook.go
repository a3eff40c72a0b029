package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The webhook's signature scheme. The sender computes, for each secret,
//
//	HMAC-SHA256(secret, timestamp + "." + body)
//
// over the exact body bytes, with timestamp the decimal Unix seconds it
// sends in HeaderTimestamp, and sends the hex digests in HeaderSignature
// as "v1=<hex>", comma-separated when several secrets are configured (to
// rotate one). A receiver recomputes the digest with its secret, compares
// in constant time, and refuses timestamps too far from its clock, which
// stops replays.
const (
	HeaderTimestamp = "Causeway-Timestamp"
	HeaderSignature = "Causeway-Signature"
	HeaderDelivery  = "Causeway-Delivery" // the action id, for deduplication
)

// Errors Verify returns, for errors.Is.
var (
	ErrNoSignature  = errors.New("webhook delivery is not signed")
	ErrBadSignature = errors.New("webhook signature does not match")
	ErrStale        = errors.New("webhook timestamp is outside the tolerance")
)

// WebhookConfig is a webhook destination.
type WebhookConfig struct {
	URL string
	// Secrets sign each delivery; the first is current, others are kept
	// while receivers move to it. At least one, of 32 bytes or more.
	Secrets []string
}

type webhook struct {
	url     string
	secrets [][]byte
}

func newWebhook(cfg WebhookConfig) (*webhook, error) {
	if err := checkURL(cfg.URL); err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	if len(cfg.Secrets) == 0 {
		return nil, errors.New("webhook: no secret")
	}
	w := &webhook{url: cfg.URL}
	for _, s := range cfg.Secrets {
		if len(s) < 32 {
			return nil, errors.New("webhook: a secret is shorter than 32 bytes")
		}
		w.secrets = append(w.secrets, []byte(s))
	}
	return w, nil
}

// Sign returns the hex HMAC-SHA256 of timestamp + "." + body.
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func (w *webhook) send(ctx context.Context, hc *http.Client, p Payload) error {
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encoding payload: %w", err)
	}
	ts := strconv.FormatInt(p.SentAt.Unix(), 10)
	sigs := make([]string, len(w.secrets))
	for i, s := range w.secrets {
		sigs[i] = "v1=" + Sign(s, ts, body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Causeway")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, strings.Join(sigs, ","))
	req.Header.Set(HeaderDelivery, p.Delivery)
	return post(hc, req)
}

// post sends a request and wants a 2xx answer. Errors name the host
// only: a Slack webhook's path is its secret.
func post(hc *http.Client, req *http.Request) error {
	resp, err := hc.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // its message holds the whole URL
		}
		return fmt.Errorf("posting to %s: %w", req.URL.Host, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("posting to %s: answered %d: %s", req.URL.Host, resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}

// Verify checks a delivery's signature with the receiver's secret: body
// must be the exact bytes received, now the receiver's clock, tolerance
// how far the timestamp may be from it (5 minutes is usual).
func Verify(secret []byte, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, sigs := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if ts == "" || sigs == "" {
		return ErrNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("parsing timestamp %q: %w", ts, ErrBadSignature)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	want := []byte(Sign(secret, ts, body))
	for s := range strings.SplitSeq(sigs, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(s), "v1="); ok && hmac.Equal([]byte(v), want) {
			return nil
		}
	}
	return ErrBadSignature
}

// VerifyRequest reads a delivery's body (up to maxBody bytes) and checks
// its signature; it returns the body when the signature holds.
func VerifyRequest(r *http.Request, secret []byte, now time.Time, tolerance time.Duration, maxBody int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading webhook body: %w", err)
	}
	if int64(len(body)) > maxBody {
		return nil, fmt.Errorf("webhook body is over %d bytes", maxBody)
	}
	if err := Verify(secret, r.Header, body, now, tolerance); err != nil {
		return nil, err
	}
	return body, nil
}

// checkURL accepts https, or http to a loopback address (a local relay or
// a test server).
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("parsing URL: %w", err)
	}
	host := u.Hostname()
	loopback := host == "localhost" || host == "127.0.0.1" || host == "::1"
	if u.Host == "" || u.Scheme != "https" && !(u.Scheme == "http" && loopback) {
		return fmt.Errorf("URL to %s: only https is allowed", u.Host)
	}
	return nil
}
