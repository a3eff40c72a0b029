package m365

import (
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// dynamicColumn returns key when it is a column of type dynamic in the
// OfficeActivity table, else "".
func dynamicColumn(key string) string {
	switch key {
	case "Folders", "OperationProperties", "Parameters", "AffectedItems", "ModifiedProperties",
		"ExtendedProperties", "Actor", "Target", "Item", "AppAccessContext", "SharingInfo",
		"Members", "Attendees":
		return key
	}
	return ""
}

// expand appends the fields of every dynamic column written as JSON text
// ("Parameters": "[{\"Name\":...}]" gives "Parameters.Name", ...). The
// text itself is kept. A column that is not valid JSON is left as it is
// and noted.
func expand(r *jsonrec.Record, ev *event.Event) {
	ev.Notes = r.ExpandColumns(ev.Notes, dynamicColumn)
	ev.Fields = r.Fields
}
