package executor

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond"
)

// fakeConnector is a fake of a real system: it keeps whether each
// action's effect is in place (the "world", which survives executor
// restarts), counts every call, and can fail or crash (panic with
// errCrash) at a chosen point.
type fakeConnector struct {
	mu       sync.Mutex
	inPlace  map[event.ID]bool
	effects  map[event.ID]int // times Apply actually changed the world
	calls    map[string]map[event.ID]int
	crashAt  string // "capture", "apply-before", "apply-after", "verify", "undo-after"
	failOn   map[string]error
	blockOn  string        // step that waits for ctx.Done
	entered  chan struct{} // closed when blockOn is reached
	irrevers bool
}

var errCrash = errors.New("simulated crash")

func newFake() *fakeConnector {
	return &fakeConnector{
		inPlace: map[event.ID]bool{},
		effects: map[event.ID]int{},
		calls:   map[string]map[event.ID]int{},
		failOn:  map[string]error{},
		entered: make(chan struct{}),
	}
}

func (f *fakeConnector) Kinds() []action.Kind {
	return []action.Kind{action.HostIsolate, action.HostKillProcess}
}

// enter counts a call and returns what the fake was told to do there.
func (f *fakeConnector) enter(step string, id event.ID) (crash string, block bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls[step] == nil {
		f.calls[step] = map[event.ID]int{}
	}
	f.calls[step][id]++
	crash = f.crashAt
	if crash == step || crash == step+"-before" || crash == step+"-after" {
		f.crashAt = "" // one crash only: the restarted executor runs clean
	}
	return crash, f.blockOn == step, f.failOn[step]
}

func (f *fakeConnector) wait(ctx context.Context) error {
	close(f.entered)
	<-ctx.Done()
	return ctx.Err()
}

func (f *fakeConnector) Capture(ctx context.Context, a *action.Action) ([]byte, error) {
	crash, block, err := f.enter("capture", a.ID)
	if block {
		return nil, f.wait(ctx)
	}
	if err != nil {
		return nil, err
	}
	if crash == "capture" {
		panic(errCrash)
	}
	return []byte(`{"before":"open"}`), nil
}

func (f *fakeConnector) Apply(ctx context.Context, a *action.Action) error {
	crash, block, err := f.enter("apply", a.ID)
	if block {
		return f.wait(ctx)
	}
	if err != nil {
		return err
	}
	if crash == "apply-before" {
		panic(errCrash)
	}
	f.mu.Lock()
	if !f.inPlace[a.ID] {
		f.inPlace[a.ID] = true
		f.effects[a.ID]++
	}
	f.mu.Unlock()
	if crash == "apply-after" {
		panic(errCrash)
	}
	return nil
}

func (f *fakeConnector) Verify(ctx context.Context, a *action.Action) error {
	crash, _, err := f.enter("verify", a.ID)
	if err != nil {
		return err
	}
	f.mu.Lock()
	ok := f.inPlace[a.ID]
	f.mu.Unlock()
	if crash == "verify" {
		panic(errCrash)
	}
	if !ok {
		return errors.New("effect not in place")
	}
	return nil
}

func (f *fakeConnector) Undo(ctx context.Context, a *action.Action, captured []byte) error {
	crash, _, err := f.enter("undo", a.ID)
	if f.irrevers {
		return respond.ErrIrreversible
	}
	if err != nil {
		return err
	}
	if string(captured) != `{"before":"open"}` {
		return errors.New("undo without the capture")
	}
	f.mu.Lock()
	f.inPlace[a.ID] = false
	f.mu.Unlock()
	if crash == "undo-after" {
		panic(errCrash)
	}
	return nil
}

func (f *fakeConnector) count(step string, id event.ID) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[step][id]
}

func (f *fakeConnector) effectCount(id event.ID) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.effects[id]
}

func (f *fakeConnector) holds(id event.ID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inPlace[id]
}

// clock is an injected time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// harness is one executor over a directory, a fake world and a recorder;
// restart builds a new executor on the same directory and world, as a
// process restarted after a crash would.
type harness struct {
	t     *testing.T
	dir   string
	fake  *fakeConnector
	rec   *MemoryRecorder
	clock *clock
	cfg   Config
	ex    *Executor
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, monitor bool) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), fake: newFake(), rec: &MemoryRecorder{}, clock: &clock{now: t0}}
	h.cfg = Config{Dir: h.dir, Monitor: monitor}
	h.restart()
	return h
}

func (h *harness) restart() {
	h.t.Helper()
	reg, err := NewConnectors(h.fake)
	if err != nil {
		h.t.Fatal(err)
	}
	ex, err := New(h.cfg, Deps{Connectors: reg, Recorder: h.rec, Now: h.clock.Now})
	if err != nil {
		h.t.Fatal(err)
	}
	h.ex = ex
}

// crash runs f, which must panic with errCrash, as a process dying.
func (h *harness) crash(f func()) {
	h.t.Helper()
	defer func() {
		if r, _ := recover().(error); !errors.Is(r, errCrash) {
			h.t.Fatalf("want a simulated crash, got %v", r)
		}
	}()
	f()
}

func (h *harness) state(id event.ID) action.State {
	h.t.Helper()
	a, err := h.ex.Get(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return a.State
}

func newAction(name string, d action.Decision, f action.Fidelity) action.Action {
	return action.Action{
		ID:       action.NewID(event.NewID("incident", "i1"), action.HostIsolate, name),
		Kind:     action.HostIsolate,
		Target:   event.Host(name),
		Params:   map[string]string{"management": "10.0.0.1:7443"},
		Fidelity: f,
		Decision: d,
		Why:      "rule r1",
		Reason:   action.Reason{Why: "cut the path"},
	}
}
