package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// SlackConfig is a Slack incoming webhook. Its URL is a secret: whoever
// has it can post to the channel.
type SlackConfig struct {
	URL string
}

type slack struct{ url string }

func newSlack(cfg SlackConfig) (*slack, error) {
	if err := checkURL(cfg.URL); err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	return &slack{url: cfg.URL}, nil
}

// slackMessage is an incoming-webhook message: text is the notification
// fallback, blocks the layout.
type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Fields   []slackText `json:"fields,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"` // plain_text or mrkdwn
	Text string `json:"text"`
}

// escape makes text from the incident (user names, command lines) inert
// in Slack's markup: no links, no @channel or user mentions.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// clip keeps s within Slack's length limits.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// slackFor lays a payload out as a message.
func slackFor(p Payload) slackMessage {
	target := p.Target.Name
	if target == "" {
		target = p.Target.ID
	}
	summary := p.Summary
	if summary == "" {
		summary = "(no summary)"
	}
	md := func(s string) slackText { return slackText{Type: "mrkdwn", Text: s} }
	fields := []slackText{
		md("*Action*\n" + escape(string(p.Kind))),
		md("*Target*\n" + clip(escape(target), 500)),
	}
	if p.Decision != "" {
		fields = append(fields, md("*Decision*\n"+escape(string(p.Decision))))
	}
	if p.Severity != "" {
		fields = append(fields, md("*Severity*\n"+clip(escape(p.Severity), 100)))
	}
	return slackMessage{
		Text: clip(escape("Causeway: "+string(p.Kind)+" on "+target+": "+summary), 3000),
		Blocks: []slackBlock{
			{Type: "header", Text: &slackText{Type: "plain_text", Text: clip("Causeway: "+string(p.Kind), 150)}},
			{Type: "section", Text: &slackText{Type: "mrkdwn", Text: clip(escape(summary), 3000)}},
			{Type: "section", Fields: fields},
			{Type: "context", Elements: []slackText{md("incident " + p.Incident + " · action " + p.Delivery)}},
		},
	}
}

func (s *slack) send(ctx context.Context, hc *http.Client, p Payload) error {
	body, err := json.Marshal(slackFor(p))
	if err != nil {
		return fmt.Errorf("encoding slack message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building slack request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return post(hc, req)
}
