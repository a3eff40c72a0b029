package app

import (
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/catalog"
)

// ReadConfig is what the readers need to know beyond the data.
type ReadConfig = catalog.Config

// Formats lists every reader (see catalog.Formats).
func Formats(rc ReadConfig) []source.Format { return catalog.Formats(rc) }
