package mde

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// dynamicColumn returns the name under which a dynamic column written as
// JSON text is expanded ("AdditionalFields_string" -> "AdditionalFields"),
// or "" for other columns. Azure Monitor exports put the columns under
// "properties.".
func dynamicColumn(key string) string {
	switch key = strings.TrimPrefix(key, "properties."); key {
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
func expand(r *jsonrec.Record, ev *event.Event) {
	ev.Notes = r.ExpandColumns(ev.Notes, dynamicColumn)
	ev.Fields = r.Fields
}
