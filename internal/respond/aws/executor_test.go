package aws_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	caws "github.com/causeway-soc/causeway/internal/respond/aws"
	"github.com/causeway-soc/causeway/internal/respond/executor"
)

type records []string

func (r *records) Record(kind string, _ *action.Action, _, _ string) error {
	*r = append(*r, kind)
	return nil
}

// The connector under the real executor: an autonomous quarantine ends
// verified, the executor's undo restores the captured groups, and an
// early undo of a session revocation is refused and leaves it in place.
func TestUnderExecutor(t *testing.T) {
	f, c, clk := setup(t, caws.Config{})
	seedInstance(f)
	f.AddRole("deploy", 0)
	reg, err := executor.NewConnectors(c)
	if err != nil {
		t.Fatal(err)
	}
	var rec records
	ex, err := executor.New(executor.Config{Dir: t.TempDir()}, executor.Deps{Connectors: reg, Recorder: &rec, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before := f.InterfaceGroups("eni-0a")

	q := *newAction(action.AWSQuarantineInstance, event.Host(instance), nil)
	q.Decision, q.Fidelity = action.Autonomous, c.Fidelity(q.Kind)
	got, err := ex.Submit(ctx, q)
	if err != nil || got.State != action.Verified {
		t.Fatalf("submit = %s, %v", got.State, err)
	}
	if slices.Equal(f.InterfaceGroups("eni-0a"), before) {
		t.Fatal("the executor's apply did not move the interface")
	}
	if got, err = ex.Undo(ctx, q.ID, "analyst"); err != nil || got.State != action.Undone {
		t.Fatalf("undo = %s, %v", got.State, err)
	}
	if g := f.InterfaceGroups("eni-0a"); !slices.Equal(g, before) {
		t.Fatalf("after the executor's undo %v, captured %v", g, before)
	}

	r := *newAction(action.AWSRevokeSessions, event.Entity{}, map[string]string{"role": "deploy"})
	r.Decision, r.Fidelity = action.Autonomous, c.Fidelity(r.Kind)
	if got, err = ex.Submit(ctx, r); err != nil || got.State != action.Verified {
		t.Fatalf("submit revoke = %s, %v", got.State, err)
	}
	if _, err = ex.Undo(ctx, r.ID, "analyst"); !errors.Is(err, caws.ErrSessionsLive) {
		t.Fatalf("early undo = %v, want ErrSessionsLive", err)
	}
	if _, ok := f.RolePolicies("deploy")["CausewayRevokeOlderSessions"]; !ok {
		t.Fatal("a refused undo removed the revocation")
	}
}
