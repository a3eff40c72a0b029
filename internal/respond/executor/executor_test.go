package executor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/respond"
)

func TestDecisions(t *testing.T) {
	tests := []struct {
		decision action.Decision
		monitor  bool
		want     action.State
		applies  int
		audit    []string
	}{
		{action.Autonomous, false, action.Verified, 1, []string{"planned", "applying", "captured", "applied", "verified"}},
		{action.Approve, false, action.Pending, 0, []string{"planned", "pending"}},
		{action.Recommend, false, action.Recommended, 0, []string{"planned", "recommended"}},
		{action.Deny, false, action.Denied, 0, []string{"planned", "denied"}},
		{action.Autonomous, true, action.Shadow, 0, []string{"planned", "shadow"}},
		{action.Approve, true, action.Shadow, 0, []string{"planned", "shadow"}},
	}
	for _, tt := range tests {
		name := string(tt.decision)
		if tt.monitor {
			name += "/monitor"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, tt.monitor)
			a := newAction("web1", tt.decision, action.Exact)
			got, err := h.ex.Submit(context.Background(), a)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tt.want {
				t.Fatalf("state %s, want %s", got.State, tt.want)
			}
			if n := h.fake.count("apply", a.ID); n != tt.applies {
				t.Fatalf("%d applies, want %d", n, tt.applies)
			}
			if k := h.rec.Kinds(a.ID); !slices.Equal(k, tt.audit) {
				t.Fatalf("audit %v, want %v", k, tt.audit)
			}
			if tt.want == action.Verified {
				if got.Applied != t0 || got.Verified != t0 || string(got.Captured) != `{"before":"open"}` {
					t.Fatalf("times or capture missing: %+v", got)
				}
			}
			// The record on disk says the same after a restart.
			h.restart()
			if s := h.state(a.ID); s != tt.want {
				t.Fatalf("after restart state %s, want %s", s, tt.want)
			}
		})
	}
}

func TestSubmitRefusesUndecided(t *testing.T) {
	h := newHarness(t, false)
	a := newAction("web1", "", action.Exact)
	if _, err := h.ex.Submit(context.Background(), a); err == nil {
		t.Fatal("an action without a decision was accepted")
	}
	if len(h.ex.List()) != 0 {
		t.Fatal("an undecided action was stored")
	}
}

func TestSubmitTwiceRunsOnce(t *testing.T) {
	h := newHarness(t, false)
	a := newAction("web1", action.Autonomous, action.Exact)
	for range 3 {
		if _, err := h.ex.Submit(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	h.restart()
	if _, err := h.ex.Submit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if n := h.fake.count("apply", a.ID); n != 1 {
		t.Fatalf("%d applies of one action submitted 4 times, want 1", n)
	}
}

func TestApproveNeverRunsWithoutApproval(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	a := newAction("web1", action.Approve, action.Exact)
	if _, err := h.ex.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	// Nothing but Approve moves it: not a resume, a restart, a tick, an
	// undo, a confirm, a second submit, nor an approval without a user.
	if err := h.ex.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	h.restart()
	if err := h.ex.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.ex.Tick(ctx, t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ex.Undo(ctx, a.ID, "alice"); !errors.Is(err, ErrState) {
		t.Fatalf("undo of pending: %v", err)
	}
	if _, err := h.ex.Confirm(a.ID, "alice"); !errors.Is(err, ErrState) {
		t.Fatalf("confirm of pending: %v", err)
	}
	if _, err := h.ex.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ex.Approve(ctx, a.ID, ""); err == nil {
		t.Fatal("approval without a user accepted")
	}
	if n := h.fake.count("capture", a.ID) + h.fake.count("apply", a.ID); n != 0 {
		t.Fatalf("connector called %d times before approval", n)
	}
	if s := h.state(a.ID); s != action.Pending {
		t.Fatalf("state %s, want pending", s)
	}

	got, err := h.ex.Approve(ctx, a.ID, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != action.Verified || h.fake.count("apply", a.ID) != 1 || !h.fake.holds(a.ID) {
		t.Fatalf("after approval: state %s, %d applies", got.State, h.fake.count("apply", a.ID))
	}
	var approver string
	for _, e := range h.rec.Entries() {
		if e.Kind == "approved" {
			approver = e.Actor
		}
	}
	if approver != "alice" {
		t.Fatalf("approval recorded for %q", approver)
	}
	if _, err := h.ex.Approve(ctx, a.ID, "bob"); !errors.Is(err, ErrState) {
		t.Fatalf("second approval: %v", err)
	}
	if n := h.fake.count("apply", a.ID); n != 1 {
		t.Fatalf("%d applies after a second approval", n)
	}
}

func TestConcurrentApprovalsApplyOnce(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	a := newAction("web1", action.Approve, action.Exact)
	if _, err := h.ex.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for _, u := range []string{"alice", "bob", "carol", "dave"} {
		wg.Go(func() {
			if _, err := h.ex.Approve(ctx, a.ID, u); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 1 || h.fake.count("apply", a.ID) != 1 {
		t.Fatalf("%d approvals succeeded, %d applies; want 1 and 1", ok, h.fake.count("apply", a.ID))
	}
}

func TestReject(t *testing.T) {
	h := newHarness(t, false)
	a := newAction("web1", action.Approve, action.Exact)
	if _, err := h.ex.Submit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	got, err := h.ex.Reject(a.ID, "alice", "business hours")
	if err != nil || got.State != action.Denied {
		t.Fatalf("reject: %v, state %s", err, got.State)
	}
	if _, err := h.ex.Approve(context.Background(), a.ID, "bob"); !errors.Is(err, ErrState) {
		t.Fatalf("approving a rejected action: %v", err)
	}
}

func TestFailures(t *testing.T) {
	for _, step := range []string{"capture", "apply", "verify"} {
		t.Run(step, func(t *testing.T) {
			h := newHarness(t, false)
			h.fake.failOn[step] = errors.New("boom")
			a := newAction("web1", action.Autonomous, action.Exact)
			got, err := h.ex.Submit(context.Background(), a)
			if err == nil || got.State != action.Failed || got.Error == "" {
				t.Fatalf("err %v, state %s, error %q", err, got.State, got.Error)
			}
			if step == "capture" && h.fake.count("apply", a.ID) != 0 {
				t.Fatal("applied without a capture")
			}
			// A failed action with its capture can be undone, to clear a
			// partial effect; one without cannot.
			_, err = h.ex.Undo(context.Background(), a.ID, "alice")
			if step == "capture" {
				if !errors.Is(err, ErrState) {
					t.Fatalf("undo without capture: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.state(a.ID) != action.Undone || h.fake.holds(a.ID) {
				t.Fatal("failed action not undone")
			}
		})
	}
}

func TestNoConnector(t *testing.T) {
	h := newHarness(t, false)
	a := newAction("web1", action.Autonomous, action.Exact)
	a.Kind = action.AWSDenyAll
	got, err := h.ex.Submit(context.Background(), a)
	if !errors.Is(err, ErrNoConnector) || got.State != action.Failed {
		t.Fatalf("err %v, state %s", err, got.State)
	}
}

func TestAuditFailureStopsBeforeEffect(t *testing.T) {
	h := newHarness(t, false)
	a := newAction("web1", action.Autonomous, action.Exact)
	h.rec.SetFail(errors.New("audit log full"))
	if _, err := h.ex.Submit(context.Background(), a); err == nil {
		t.Fatal("submit succeeded without an audit log")
	}
	if h.fake.count("apply", a.ID) != 0 {
		t.Fatal("applied although the audit failed")
	}
	// The action is kept, planned, and carried on once the audit works.
	if s := h.state(a.ID); s != action.Planned {
		t.Fatalf("state %s, want planned", s)
	}
	h.rec.SetFail(nil)
	if err := h.ex.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := h.state(a.ID); s != action.Verified || h.fake.count("apply", a.ID) != 1 {
		t.Fatalf("state %s after resume, %d applies", s, h.fake.count("apply", a.ID))
	}
}

func TestUndo(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	a := newAction("web1", action.Autonomous, action.Exact)
	if _, err := h.ex.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	h.clock.set(t0.Add(time.Minute))
	got, err := h.ex.Undo(ctx, a.ID, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != action.Undone || got.Undone != t0.Add(time.Minute) || h.fake.holds(a.ID) {
		t.Fatalf("state %s undone at %v, effect %v", got.State, got.Undone, h.fake.holds(a.ID))
	}
	if _, err := h.ex.Undo(ctx, a.ID, "alice"); !errors.Is(err, ErrState) {
		t.Fatalf("second undo: %v", err)
	}
	if _, err := h.ex.Undo(ctx, a.ID, ""); err == nil {
		t.Fatal("undo without a user accepted")
	}
}

func TestUndoIrreversible(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	a := newAction("web1", action.Autonomous, action.None)
	if _, err := h.ex.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := h.ex.Undo(ctx, a.ID, "alice")
	if !errors.Is(err, respond.ErrIrreversible) || got.State != action.Verified {
		t.Fatalf("err %v, state %s", err, got.State)
	}
	if h.fake.count("undo", a.ID) != 0 {
		t.Fatal("connector asked to undo an irreversible action")
	}
	// A connector that refuses leaves the action as it was.
	b := newAction("web2", action.Autonomous, action.Exact)
	h.fake.irrevers = true
	if _, err := h.ex.Submit(ctx, b); err != nil {
		t.Fatal(err)
	}
	got, err = h.ex.Undo(ctx, b.ID, "alice")
	if !errors.Is(err, respond.ErrIrreversible) || got.State != action.Verified || got.Error == "" {
		t.Fatalf("err %v, state %s, error %q", err, got.State, got.Error)
	}
}

func TestUndoFailureRetriedByTick(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	a := newAction("web1", action.Autonomous, action.Exact)
	a.TTL = time.Hour
	if _, err := h.ex.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	h.fake.failOn["undo"] = errors.New("agent unreachable")
	if err := h.ex.Tick(ctx, t0.Add(time.Hour)); err == nil {
		t.Fatal("failed undo not reported")
	}
	if s := h.state(a.ID); s != action.Verified {
		t.Fatalf("state after failed undo %s, want verified", s)
	}
	delete(h.fake.failOn, "undo")
	if err := h.ex.Tick(ctx, t0.Add(time.Hour+time.Minute)); err != nil {
		t.Fatal(err)
	}
	if s := h.state(a.ID); s != action.Undone {
		t.Fatalf("state after retried undo %s, want undone", s)
	}
}

func TestTTL(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	expiring := newAction("web1", action.Autonomous, action.Exact)
	expiring.TTL = time.Hour
	kept := newAction("web2", action.Autonomous, action.Exact)
	kept.TTL = time.Hour
	forever := newAction("web3", action.Autonomous, action.Exact)
	irreversible := newAction("web4", action.Autonomous, action.None)
	irreversible.TTL = time.Hour
	for _, a := range []action.Action{expiring, kept, forever, irreversible} {
		if _, err := h.ex.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.ex.Confirm(kept.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ex.Confirm(kept.ID, ""); err == nil {
		t.Fatal("confirm without a user accepted")
	}
	if err := h.ex.Tick(ctx, t0.Add(59*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if s := h.state(expiring.ID); s != action.Verified {
		t.Fatalf("undone before its TTL: %s", s)
	}
	h.restart() // the TTL and the confirmation survive a restart
	if err := h.ex.Tick(ctx, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	want := map[string]action.State{"expiring": action.Undone, "kept": action.Verified, "forever": action.Verified, "irreversible": action.Verified}
	for name, a := range map[string]action.Action{"expiring": expiring, "kept": kept, "forever": forever, "irreversible": irreversible} {
		if s := h.state(a.ID); s != want[name] {
			t.Errorf("%s: state %s, want %s", name, s, want[name])
		}
	}
	var actor string
	for _, e := range h.rec.Entries() {
		if e.Kind == "undone" && e.Action == expiring.ID {
			actor = e.Actor
		}
	}
	if actor != ActorTTL {
		t.Fatalf("TTL undo recorded for %q", actor)
	}
}

func TestStoreIgnoresLeftoversAndRejectsCorruption(t *testing.T) {
	h := newHarness(t, false)
	a := newAction("web1", action.Autonomous, action.Exact)
	if _, err := h.ex.Submit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	// A temp file a crash left mid-write is removed, not read.
	tmp := filepath.Join(h.dir, tempPrefix+"123")
	if err := os.WriteFile(tmp, []byte(`{"action":{"id":"tor`), 0o600); err != nil {
		t.Fatal(err)
	}
	h.restart()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Fatal("leftover temp file kept")
	}
	if len(h.ex.List()) != 1 {
		t.Fatalf("%d actions after restart, want 1", len(h.ex.List()))
	}
	// A damaged record stops the start rather than losing an action.
	if err := os.WriteFile(filepath.Join(h.dir, a.ID.String()+".json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	reg, _ := NewConnectors(h.fake)
	if _, err := New(h.cfg, Deps{Connectors: reg, Recorder: h.rec}); err == nil {
		t.Fatal("damaged record accepted")
	}
}

func TestNewConnectorsRejectsDuplicates(t *testing.T) {
	if _, err := NewConnectors(newFake(), newFake()); err == nil {
		t.Fatal("a kind served twice was accepted")
	}
}
