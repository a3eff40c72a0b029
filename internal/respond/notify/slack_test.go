package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/respond/notify"
)

func TestSlackMessage(t *testing.T) {
	rec := &receiver{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c, err := notify.New(notify.Config{Slack: &notify.SlackConfig{URL: srv.URL + "/services/T000/B000/XXXX"}}, notify.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if ks := c.Kinds(); len(ks) != 1 || ks[0] != action.NotifySlack {
		t.Fatalf("kinds = %v", ks)
	}
	// Text from the incident must not become a mention or a link.
	a := newAction(action.NotifySlack, "user <!channel> ran <https://evil.example|update> & left")
	if err := c.Apply(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	body, h, n := rec.last()
	if n != 1 || h.Get("Content-Type") != "application/json" {
		t.Fatalf("%d posts, content type %q", n, h.Get("Content-Type"))
	}
	var msg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type, Text string
			} `json:"text"`
			Fields []struct{ Type, Text string } `json:"fields"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(msg.Text, "<>") || !strings.Contains(msg.Text, "&lt;!channel&gt;") || !strings.Contains(msg.Text, "&amp; left") {
		t.Errorf("text not escaped: %s", msg.Text)
	}
	if len(msg.Blocks) != 4 || msg.Blocks[0].Type != "header" || msg.Blocks[1].Text == nil ||
		strings.Contains(msg.Blocks[1].Text.Text, "<!channel>") || len(msg.Blocks[2].Fields) != 4 {
		t.Errorf("blocks = %s", body)
	}
	if !strings.Contains(string(body), "web01") || !strings.Contains(string(body), a.ID.String()) {
		t.Errorf("message lacks the target or the action id: %s", body)
	}
}

func TestFailedDelivery(t *testing.T) {
	rec := &receiver{status: http.StatusInternalServerError}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	hookURL := srv.URL + "/services/T000/B000/SECRETPATH"
	c, err := notify.New(notify.Config{
		Slack:   &notify.SlackConfig{URL: hookURL},
		Webhook: &notify.WebhookConfig{URL: srv.URL, Secrets: []string{secret}},
	}, notify.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a := newAction(action.NotifySlack, "x")
	err = c.Apply(ctx, a)
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("apply to a failing receiver = %v", err)
	}
	if c.Verify(ctx, a) == nil {
		t.Error("verify holds after a failed delivery")
	}
	// The receiver recovers: the retry delivers.
	rec.mu.Lock()
	rec.status = 0
	rec.mu.Unlock()
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}
	// A closed receiver: the error must not reveal the hook's secret path.
	srv.Close()
	b := newAction(action.NotifySlack, "y")
	b.ID[0] ^= 1
	err = c.Apply(ctx, b)
	if err == nil || strings.Contains(err.Error(), "SECRETPATH") {
		t.Errorf("apply to a closed receiver = %v", err)
	}
}

func TestConfig(t *testing.T) {
	long := strings.Repeat("k", 32)
	bad := []notify.Config{
		{},
		{Webhook: &notify.WebhookConfig{URL: "http://hooks.example.com/x", Secrets: []string{long}}},
		{Webhook: &notify.WebhookConfig{URL: "https://hooks.example.com/x"}},
		{Webhook: &notify.WebhookConfig{URL: "https://hooks.example.com/x", Secrets: []string{"short"}}},
		{Slack: &notify.SlackConfig{URL: "ftp://hooks.slack.com/x"}},
	}
	for _, cfg := range bad {
		if _, err := notify.New(cfg, notify.Deps{}); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	c, err := notify.New(notify.Config{Webhook: &notify.WebhookConfig{URL: "https://hooks.example.com/x", Secrets: []string{long}}}, notify.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(context.Background(), newAction(action.NotifySlack, "x")); err == nil {
		t.Error("slack served without a destination")
	}
	if c.Fidelity(action.NotifyWebhook) != action.None {
		t.Error("a notification claims to be undoable")
	}
}
