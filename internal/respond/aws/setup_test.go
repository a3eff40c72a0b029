package aws_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	caws "github.com/causeway-soc/causeway/internal/respond/aws"
	"github.com/causeway-soc/causeway/internal/respond/aws/awsfake"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var t0 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// setup starts a fake and a connector that talks to it.
func setup(t *testing.T, cfg caws.Config) (*awsfake.Server, *caws.Connector, *clock) {
	t.Helper()
	f := awsfake.New()
	t.Cleanup(f.Close)
	clk := &clock{t0}
	c, err := caws.New(cfg, caws.Deps{AWS: fakeConfig(f, awsfake.SecretAccessKey), Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	return f, c, clk
}

func fakeConfig(f *awsfake.Server, secret string) awssdk.Config {
	return awssdk.Config{
		Region:           awsfake.Region,
		BaseEndpoint:     awssdk.String(f.URL()),
		Credentials:      credentials.NewStaticCredentialsProvider(awsfake.AccessKeyID, secret, ""),
		RetryMaxAttempts: 1,
	}
}

func newAction(kind action.Kind, target event.Entity, params map[string]string) *action.Action {
	return &action.Action{
		ID:     action.NewID(event.NewID("incident", "test"), kind, target.ID+params["user"]+params["role"]),
		Kind:   kind,
		Target: target,
		Params: params,
		Reason: action.Reason{Incident: event.NewID("incident", "test")},
		State:  action.Applying,
	}
}

// capture runs Capture and keeps the result on the action, as the
// executor does before Apply.
func capture(t *testing.T, c *caws.Connector, a *action.Action) []byte {
	t.Helper()
	b, err := c.Capture(context.Background(), a)
	if err != nil {
		t.Fatalf("capture: %v", err)
	}
	a.Captured = b
	return b
}

// applyTwice applies and verifies twice: the second round proves Apply is
// idempotent.
func applyTwice(t *testing.T, c *caws.Connector, a *action.Action) {
	t.Helper()
	ctx := context.Background()
	for i := range 2 {
		if err := c.Apply(ctx, a); err != nil {
			t.Fatalf("apply %d: %v", i+1, err)
		}
		if err := c.Verify(ctx, a); err != nil {
			t.Fatalf("verify after apply %d: %v", i+1, err)
		}
	}
}

func undo(t *testing.T, c *caws.Connector, a *action.Action) {
	t.Helper()
	if err := c.Undo(context.Background(), a, a.Captured); err != nil {
		t.Fatalf("undo: %v", err)
	}
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// count counts the calls of one operation.
func count(calls []string, op string) int {
	n := 0
	for _, c := range calls {
		if c == op {
			n++
		}
	}
	return n
}
