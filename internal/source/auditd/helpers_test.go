package auditd

import (
	"testing"

	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// decodeBytes decodes data, named path, with cfg.
func decodeBytes(t testing.TB, path string, data []byte, cfg Config) *sourcetest.Sink {
	t.Helper()
	return sourcetest.Decode(t, Format(nil, cfg), path, data)
}
