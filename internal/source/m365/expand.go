package m365

import (
	"sync"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// expander parses the JSON text of Log Analytics dynamic columns. It keeps
// Flatteners in a pool, so a RecordFormat may be used from many goroutines.
type expander struct {
	pool sync.Pool
}

func newExpander() *expander {
	return &expander{pool: sync.Pool{New: func() any { return jsonrec.NewFlattener() }}}
}

// dynamicColumn reports whether key is a column of type dynamic in the
// OfficeActivity table.
func dynamicColumn(key string) bool {
	switch key {
	case "Folders", "OperationProperties", "Parameters", "AffectedItems", "ModifiedProperties",
		"ExtendedProperties", "Actor", "Target", "Item", "AppAccessContext", "SharingInfo",
		"Members", "Attendees":
		return true
	}
	return false
}

// expand appends the fields of every dynamic column written as JSON text
// ("InitiatedBy": "{\"user\":{...}}" gives "InitiatedBy.user.id", ...).
// The text itself is kept. A column that is not valid JSON is left as it is
// and noted.
func (x *expander) expand(ev *event.Event) {
	n := len(ev.Fields)
	var fl *jsonrec.Flattener
	for i := 0; i < n; i++ {
		k, v := ev.Fields[i].Key, ev.Fields[i].Value
		if len(v) < 2 || (v[0] != '{' && v[0] != '[') || !dynamicColumn(k) {
			continue
		}
		if fl == nil {
			fl = x.pool.Get().(*jsonrec.Flattener)
			defer x.pool.Put(fl)
		}
		// AppendFields takes objects only; wrapping the value under its own
		// column name also gives the keys their prefix.
		before := len(ev.Fields)
		out, err := fl.AppendFields(ev.Fields, `{"`+k+`":`+v+`}`, "")
		if err != nil {
			ev.Fields = out[:before]
			ev.Notes = append(ev.Notes, "column "+k+" holds invalid JSON: "+err.Error())
			continue
		}
		ev.Fields = out
	}
}
