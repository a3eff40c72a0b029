package app

import (
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// Formats lists every reader, in the order their Sniff functions are tried.
// Binary and line formats with unmistakable headers come before JSON, whose
// records are dispatched to the JSON log types in order.
func Formats(p *event.Principals) []source.Format {
	records := []source.RecordFormat{}
	return []source.Format{
		source.JSONFormat(records),
	}
}
