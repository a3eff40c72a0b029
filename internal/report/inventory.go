// Package report renders what Causeway found for people and for scripts:
// terminal summaries, Markdown, HTML and JSON.
package report

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// Inventory tallies what was read: events by source format, class and host,
// the time range, and every error. It is a source.Sink. It is not safe for
// concurrent use.
type Inventory struct {
	Files    int64        `json:"files"`
	Bytes    int64        `json:"bytes"`
	Events   int64        `json:"events"`
	Errors   int64        `json:"errors"`
	Skipped  int64        `json:"skipped_streams"`
	Seconds  float64      `json:"seconds"`
	First    time.Time    `json:"first_event,omitzero"`
	Last     time.Time    `json:"last_event,omitzero"`
	Formats  []Count      `json:"by_format"`
	Classes  []Count      `json:"by_class"`
	Hosts    []Count      `json:"by_host"`
	Problems []ErrorGroup `json:"error_list"`
	// SkippedPaths are streams in no known format (documentation, images,
	// foreign log types): listed, not counted as errors.
	SkippedPaths []Skipped `json:"skipped_paths"`

	formats, classes, hosts map[string]int64
	groups                  map[groupKey]*ErrorGroup
	order                   []groupKey
}

// Skipped is a stream that was not read, and why.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Count is a name and how many events carry it.
type Count struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// ErrorGroup is one kind of error in one stream: the first occurrence and how
// many times it happened. Unknown-format streams and unknown JSON log types
// are grouped this way so that a large file of one foreign log type gives one
// line, not thousands.
type ErrorGroup struct {
	Path    string `json:"path"`
	Offset  int64  `json:"offset"`
	Message string `json:"message"`
	Count   int64  `json:"count"`
}

type groupKey struct{ path, kind string }

// NewInventory returns an empty Inventory.
func NewInventory() *Inventory {
	return &Inventory{
		formats: map[string]int64{}, classes: map[string]int64{}, hosts: map[string]int64{},
		groups: map[groupKey]*ErrorGroup{},
	}
}

// Event counts ev.
func (inv *Inventory) Event(ev *event.Event) {
	inv.Events++
	inv.formats[ev.Source.Format]++
	inv.classes[string(ev.Class)]++
	if h, ok := ev.Ref(event.RoleHost); ok {
		inv.hosts[h.ID]++
	}
	if !ev.Time.IsZero() {
		if inv.First.IsZero() || ev.Time.Before(inv.First) {
			inv.First = ev.Time
		}
		if ev.Time.After(inv.Last) {
			inv.Last = ev.Time
		}
	}
}

// Error records err.
func (inv *Inventory) Error(err error) {
	var se *source.Error
	if errors.Is(err, source.ErrUnknownFormat) && errors.As(err, &se) {
		inv.SkippedPaths = append(inv.SkippedPaths, Skipped{Path: se.Path, Reason: se.Err.Error()})
		return
	}
	inv.Errors++
	key := groupKey{kind: err.Error()}
	g := &ErrorGroup{Message: err.Error(), Offset: -1}
	if errors.As(err, &se) {
		g.Path, g.Offset = se.Path, se.Offset
		g.Message = se.Err.Error()
		if se.Format != "" {
			g.Message = se.Format + ": " + g.Message
		}
		key = groupKey{path: se.Path, kind: g.Message}
		if errors.Is(err, source.ErrUnknownRecord) { // group by the error kind, not its key list
			key.kind = source.ErrUnknownRecord.Error()
		}
	}
	if old, ok := inv.groups[key]; ok {
		old.Count++
		return
	}
	g.Count = 1
	inv.groups[key] = g
	inv.order = append(inv.order, key)
}

// Finish fixes the totals and sorts the tallies for rendering.
func (inv *Inventory) Finish(st *source.Stats, elapsed time.Duration) {
	inv.Files = st.Files.Load()
	inv.Bytes = st.Bytes.Load()
	inv.Skipped = int64(len(inv.SkippedPaths))
	inv.Seconds = elapsed.Seconds()
	inv.Formats = counts(inv.formats)
	inv.Classes = counts(inv.classes)
	inv.Hosts = counts(inv.hosts)
	inv.Problems = inv.Problems[:0]
	for _, k := range inv.order {
		inv.Problems = append(inv.Problems, *inv.groups[k])
	}
}

func counts(m map[string]int64) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{Name: strings.TrimPrefix(k, "host:"), Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}
