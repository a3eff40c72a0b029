package executor

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// TestCrashRecovery stops the executor at each point of the apply flow
// (a panic standing for the process dying), starts a new executor on the
// same directory and the same world, and checks that Resume finishes the
// action with its effect made exactly once.
func TestCrashRecovery(t *testing.T) {
	tests := []struct {
		crashAt  string
		stateAt  action.State // state on disk at the crash
		captures int          // calls over both lives
		applies  int
		resumed  string // the audit step that tells how the resume ended
	}{
		// The capture was taken but not saved: taken again, applied once.
		{"capture", action.Applying, 2, 1, "applied"},
		// The capture is on disk, Apply never ran: Verify fails, apply.
		{"apply-before", action.Applying, 1, 2, "applied"},
		// Apply made the effect but its return was never saved: Verify
		// finds it, no second Apply.
		{"apply-after", action.Applying, 1, 1, "verified"},
		// Applied is on disk, verified is not: verify only.
		{"verify", action.Applied, 1, 1, "verified"},
	}
	for _, tt := range tests {
		t.Run(tt.crashAt, func(t *testing.T) {
			h := newHarness(t, false)
			a := newAction("web1", action.Autonomous, action.Exact)
			h.fake.crashAt = tt.crashAt
			h.crash(func() { _, _ = h.ex.Submit(context.Background(), a) })

			h.restart()
			if s := h.state(a.ID); s != tt.stateAt {
				t.Fatalf("state on disk after the crash %s, want %s", s, tt.stateAt)
			}
			if err := h.ex.Resume(context.Background()); err != nil {
				t.Fatal(err)
			}
			got, err := h.ex.Get(a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != action.Verified || got.Applied.IsZero() {
				t.Fatalf("after resume: state %s applied at %v", got.State, got.Applied)
			}
			if n := h.fake.effectCount(a.ID); n != 1 {
				t.Fatalf("effect made %d times, want exactly once", n)
			}
			if n := h.fake.count("capture", a.ID); n != tt.captures {
				t.Errorf("%d captures, want %d", n, tt.captures)
			}
			if n := h.fake.count("apply", a.ID); n != tt.applies {
				t.Errorf("%d apply calls, want %d", n, tt.applies)
			}
			kinds := h.rec.Kinds(a.ID)
			if kinds[len(kinds)-1] != "verified" || !slices.Contains(kinds, tt.resumed) {
				t.Errorf("audit %v", kinds)
			}
			// A second resume, or a third life, changes nothing.
			h.restart()
			if err := h.ex.Resume(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := h.fake.count("apply", a.ID); n != tt.applies {
				t.Errorf("%d apply calls after another restart, want %d", n, tt.applies)
			}
		})
	}
}

func TestCrashAfterApprovalResumes(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	a := newAction("web1", action.Approve, action.Exact)
	if _, err := h.ex.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	h.fake.crashAt = "capture"
	h.crash(func() { _, _ = h.ex.Approve(ctx, a.ID, "alice") })
	h.restart()
	if err := h.ex.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if s := h.state(a.ID); s != action.Verified || h.fake.effectCount(a.ID) != 1 {
		t.Fatalf("state %s, effect made %d times", s, h.fake.effectCount(a.ID))
	}
}

func TestCrashDuringUndoResumes(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	a := newAction("web1", action.Autonomous, action.Exact)
	a.TTL = time.Minute
	if _, err := h.ex.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	h.fake.crashAt = "undo-after"
	h.crash(func() { _ = h.ex.Tick(ctx, t0.Add(time.Hour)) })
	h.restart()
	if s := h.state(a.ID); s != action.Undoing {
		t.Fatalf("state on disk %s, want undoing", s)
	}
	if err := h.ex.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if s := h.state(a.ID); s != action.Undone || h.fake.holds(a.ID) {
		t.Fatalf("state %s, effect still there: %v", s, h.fake.holds(a.ID))
	}
	var actor string
	for _, e := range h.rec.Entries() {
		if e.Kind == "undone" {
			actor = e.Actor
		}
	}
	if actor != ActorTTL {
		t.Fatalf("resumed undo recorded for %q, want the original %q", actor, ActorTTL)
	}
}

// TestReapplyWhenEffectMissing: an applied action whose effect someone
// removed is applied again on resume (Apply is idempotent), not failed.
func TestReapplyWhenEffectMissing(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	a := newAction("web1", action.Autonomous, action.Exact)
	h.fake.crashAt = "verify"
	h.crash(func() { _, _ = h.ex.Submit(ctx, a) })
	h.fake.mu.Lock()
	h.fake.inPlace[a.ID] = false // reverted behind Causeway's back
	h.fake.mu.Unlock()
	h.restart()
	if err := h.ex.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if s := h.state(a.ID); s != action.Verified || !h.fake.holds(a.ID) {
		t.Fatalf("state %s, effect %v", s, h.fake.holds(a.ID))
	}
	if n := h.fake.count("apply", a.ID); n != 2 {
		t.Fatalf("%d apply calls, want 2", n)
	}
}

// TestCancelLeavesInFlight: a shutdown (cancelled context) in the middle
// of Apply is not a failure; Resume carries the action on.
func TestCancelLeavesInFlight(t *testing.T) {
	h := newHarness(t, false)
	a := newAction("web1", action.Autonomous, action.Exact)
	h.fake.blockOn = "apply"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := h.ex.Submit(ctx, a)
		done <- err
	}()
	<-h.fake.entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("submit: %v", err)
	}
	if s := h.state(a.ID); s != action.Applying {
		t.Fatalf("state after cancel %s, want applying", s)
	}
	h.fake.blockOn = ""
	h.restart()
	if err := h.ex.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := h.state(a.ID); s != action.Verified || h.fake.effectCount(a.ID) != 1 {
		t.Fatalf("state %s, effect made %d times", s, h.fake.effectCount(a.ID))
	}
}
