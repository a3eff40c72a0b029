package executor

import (
	"sync"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// Entry is one step a MemoryRecorder kept.
type Entry struct {
	Kind   string
	Action event.ID
	State  action.State
	Actor  string
	Why    string
}

// MemoryRecorder keeps audit entries in memory, for tests and dry runs.
// It is safe for concurrent use.
type MemoryRecorder struct {
	mu      sync.Mutex
	entries []Entry
	fail    error
}

// SetFail makes Record return err (nil: succeed again) without keeping the
// entry, to test that nothing runs unaudited.
func (r *MemoryRecorder) SetFail(err error) {
	r.mu.Lock()
	r.fail = err
	r.mu.Unlock()
}

// Record implements Recorder.
func (r *MemoryRecorder) Record(kind string, a *action.Action, actor, why string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.entries = append(r.entries, Entry{Kind: kind, Action: a.ID, State: a.State, Actor: actor, Why: why})
	return nil
}

// Entries returns a copy of the entries kept so far.
func (r *MemoryRecorder) Entries() []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Entry(nil), r.entries...)
}

// Kinds returns the kinds of the entries kept for one action, in order.
func (r *MemoryRecorder) Kinds(id event.ID) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.entries {
		if e.Action == id {
			out = append(out, e.Kind)
		}
	}
	return out
}
