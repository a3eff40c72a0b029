// Package executor carries out a plan's actions once the guard has decided
// them: it captures the state an action will change, applies it through
// the connector of its kind, verifies the effect, and undoes it on demand
// or when its TTL expires unconfirmed. Its state lives in a directory, one
// JSON file per action written atomically, so that after a crash Resume
// finishes or reconciles every action in flight: none is lost and none is
// applied twice.
//
// Per action, by the guard's decision:
//
//	autonomous: planned -> applying (capture, apply) -> applied -> verified
//	approve:    planned -> pending -> (Approve) approved -> applying -> ...
//	            pending -> (Reject) denied
//	recommend:  planned -> recommended
//	deny:       planned -> denied
//	monitor:    planned -> shadow, whatever the decision
//	undo:       applied|verified -> undoing -> undone (Undo, or Tick after the TTL)
//
// A failed capture, apply or verify ends in failed with the error kept.
// An action cut short by a crash or a cancelled context stays in applying,
// applied or undoing and Resume carries it on.
package executor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/respond"
)

// Recorder writes one audit entry: kind is the lifecycle step ("pending",
// "captured", "applied", "verified", "undone", "failed", ...), a the action
// after the step, actor who caused it ("executor" for autonomous steps,
// "ttl" for expiry, or the person), why a sentence. An error stops the
// executor before the next effect: nothing is applied unaudited. The
// audit package satisfies it; implementations must be safe for
// concurrent use.
type Recorder interface {
	Record(kind string, a *action.Action, actor, why string) error
}

// Registry finds the connector that serves an action kind.
type Registry interface {
	Connector(kind action.Kind) (respond.Connector, bool)
}

// Connectors is a Registry built from a list of connectors.
type Connectors map[action.Kind]respond.Connector

// NewConnectors maps every kind each connector serves to it; a kind served
// twice is an error.
func NewConnectors(cs ...respond.Connector) (Connectors, error) {
	m := Connectors{}
	for _, c := range cs {
		for _, k := range c.Kinds() {
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("registering connectors: kind %s served twice", k)
			}
			m[k] = c
		}
	}
	return m, nil
}

// Connector implements Registry.
func (m Connectors) Connector(kind action.Kind) (respond.Connector, bool) {
	c, ok := m[kind]
	return c, ok
}

// Config configures an Executor.
type Config struct {
	// Dir holds the action records; it is created if missing.
	Dir string
	// Monitor records what would have been done and does nothing: every
	// submitted action ends in shadow.
	Monitor bool
}

// Deps are the executor's collaborators.
type Deps struct {
	Connectors Registry
	Recorder   Recorder
	Logger     *slog.Logger     // nil: discard
	Now        func() time.Time // nil: time.Now
}

// Errors callers can test for with errors.Is.
var (
	ErrNotFound    = errors.New("no such action")
	ErrState       = errors.New("action is not in a state that allows this")
	ErrNoConnector = errors.New("no connector serves this kind")
)

// Actors the executor records for steps no person took.
const (
	ActorExecutor = "executor"
	ActorTTL      = "ttl"
)

// Executor applies, verifies and undoes actions. It is safe for concurrent
// use: operations on different actions run in parallel, operations on one
// action are serialized by a lock held for the whole step, connector calls
// included. Tick and Resume take each action's lock in turn.
type Executor struct {
	cfg   Config
	deps  Deps
	store *store

	mu      sync.Mutex // guards actions (the map, not the entries)
	actions map[event.ID]*entry
}

type entry struct {
	mu  sync.Mutex
	rec record
}

// New opens the store in cfg.Dir and loads the actions it holds. Actions
// left in flight by a crash are not touched until Resume.
func New(cfg Config, deps Deps) (*Executor, error) {
	if deps.Connectors == nil {
		return nil, errors.New("creating executor: no connector registry")
	}
	if deps.Recorder == nil {
		return nil, errors.New("creating executor: no recorder")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	st, err := openStore(cfg.Dir)
	if err != nil {
		return nil, err
	}
	recs, err := st.load()
	if err != nil {
		return nil, err
	}
	e := &Executor{cfg: cfg, deps: deps, store: st, actions: make(map[event.ID]*entry, len(recs))}
	for _, r := range recs {
		e.actions[r.Action.ID] = &entry{rec: r}
	}
	return e, nil
}

// Execute submits every action of a plan in order and returns the
// actions as they ended, with the errors of those that failed joined.
func (e *Executor) Execute(ctx context.Context, p *action.Plan) ([]action.Action, error) {
	out := make([]action.Action, 0, len(p.Actions))
	var errs []error
	for i := range p.Actions {
		a, err := e.Submit(ctx, p.Actions[i])
		out = append(out, a)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// Submit takes one decided action and carries it as far as its decision
// allows: applied and verified when autonomous, pending, recommended,
// denied, or shadow in monitor mode. An action already known (same id) is
// returned as it is, not run again. The error is the failure of a step;
// the returned action says where it ended.
func (e *Executor) Submit(ctx context.Context, a action.Action) (action.Action, error) {
	if a.ID.IsZero() {
		return a, errors.New("submitting action: no id")
	}
	switch a.Decision {
	case action.Autonomous, action.Approve, action.Recommend, action.Deny:
	default:
		return a, fmt.Errorf("submitting action %s: unknown decision %q", a.ID, a.Decision)
	}
	e.mu.Lock()
	en, known := e.actions[a.ID]
	if !known {
		en = &entry{}
		en.mu.Lock()
		e.actions[a.ID] = en
	} else {
		e.mu.Unlock()
		en.mu.Lock()
		defer en.mu.Unlock()
		if en.rec.Action.ID.IsZero() { // a concurrent first submit could not save it
			return a, fmt.Errorf("submitting action %s: not stored, submit again", a.ID)
		}
		return clone(en.rec.Action), nil
	}
	e.mu.Unlock()
	defer en.mu.Unlock()

	a = clone(a)
	a.State, a.Error, a.Captured, a.Confirmed = action.Planned, "", nil, false
	a.Applied, a.Verified, a.Undone = time.Time{}, time.Time{}, time.Time{}
	en.rec = record{Action: a}
	if err := e.store.save(&en.rec); err != nil {
		e.forget(a.ID)
		return a, err
	}
	// From here the action is on disk: if the audit fails it stays
	// planned and Resume decides it later.
	if err := e.record(en, "planned", ActorExecutor, a.Reason.Why); err != nil {
		return clone(en.rec.Action), err
	}
	err := e.decide(ctx, en)
	return clone(en.rec.Action), err
}

// forget drops an action whose first record could not be written.
func (e *Executor) forget(id event.ID) {
	e.mu.Lock()
	delete(e.actions, id)
	e.mu.Unlock()
}

// Get returns a copy of one action.
func (e *Executor) Get(id event.ID) (action.Action, error) {
	en, err := e.entry(id)
	if err != nil {
		return action.Action{}, err
	}
	en.mu.Lock()
	defer en.mu.Unlock()
	return clone(en.rec.Action), nil
}

// List returns copies of every action, ordered by id.
func (e *Executor) List() []action.Action {
	out := make([]action.Action, 0)
	for _, en := range e.entries() {
		en.mu.Lock()
		out = append(out, clone(en.rec.Action))
		en.mu.Unlock()
	}
	return out
}

func (e *Executor) entry(id event.ID) (*entry, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	en, ok := e.actions[id]
	if !ok {
		return nil, fmt.Errorf("action %s: %w", id, ErrNotFound)
	}
	return en, nil
}

// entries returns the entries ordered by id, for deterministic sweeps.
func (e *Executor) entries() []*entry {
	e.mu.Lock()
	ids := make([]event.ID, 0, len(e.actions))
	for id := range e.actions {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].String() < ids[j].String() })
	out := make([]*entry, len(ids))
	for i, id := range ids {
		out[i] = e.actions[id]
	}
	e.mu.Unlock()
	return out
}

// step persists the entry's record, then audits the step. The record is
// on disk before the audit entry, and both before the next effect.
func (e *Executor) step(en *entry, kind, actor, why string) error {
	if err := e.store.save(&en.rec); err != nil {
		return err
	}
	return e.record(en, kind, actor, why)
}

// record audits a step already on disk.
func (e *Executor) record(en *entry, kind, actor, why string) error {
	if err := e.deps.Recorder.Record(kind, &en.rec.Action, actor, why); err != nil {
		return fmt.Errorf("auditing %s of action %s: %w", kind, en.rec.Action.ID, err)
	}
	e.deps.Logger.Debug("action step", "action", en.rec.Action.ID.String(), "kind", string(en.rec.Action.Kind),
		"step", kind, "state", string(en.rec.Action.State), "actor", actor)
	return nil
}

func clone(a action.Action) action.Action {
	if a.Params != nil {
		p := make(map[string]string, len(a.Params))
		for k, v := range a.Params {
			p[k] = v
		}
		a.Params = p
	}
	a.Captured = slices.Clone(a.Captured)
	a.Reason.Nodes = slices.Clone(a.Reason.Nodes)
	a.Reason.Edges = slices.Clone(a.Reason.Edges)
	a.Reason.Evidence = slices.Clone(a.Reason.Evidence)
	a.Reason.Alternatives = slices.Clone(a.Reason.Alternatives)
	return a
}
