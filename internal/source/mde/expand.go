package mde

import (
	"strings"
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

// dynamicColumn returns the name under which a dynamic column written as
// JSON text is expanded ("AdditionalFields_string" -> "AdditionalFields"),
// or "" for other columns.
func dynamicColumn(key string) string {
	switch key {
	case "AdditionalFields", "AdditionalFields_string":
		return "AdditionalFields"
	case "ActivityObjects", "RawEventData":
		return key
	}
	return ""
}

// expand appends the fields of dynamic columns written as JSON text
// ("AdditionalFields_string": "{\"ScopeOfSearch\": ...}" gives
// "AdditionalFields.ScopeOfSearch"). The text itself is kept. A column that
// is not valid JSON is left as it is and noted.
func (x *expander) expand(ev *event.Event) {
	n := len(ev.Fields)
	var fl *jsonrec.Flattener
	for i := 0; i < n; i++ {
		k, v := ev.Fields[i].Key, ev.Fields[i].Value
		if len(v) < 2 || (v[0] != '{' && v[0] != '[') {
			continue
		}
		name := dynamicColumn(strings.TrimPrefix(k, "properties."))
		if name == "" {
			continue
		}
		if fl == nil {
			fl = x.pool.Get().(*jsonrec.Flattener)
			defer x.pool.Put(fl)
		}
		before := len(ev.Fields)
		out, err := fl.AppendFields(ev.Fields, `{"`+name+`":`+v+`}`, "")
		if err != nil {
			ev.Fields = out[:before]
			ev.Notes = append(ev.Notes, "column "+k+" holds invalid JSON: "+err.Error())
			continue
		}
		ev.Fields = out
	}
}
