// Package zeek reads Zeek (formerly Bro) network logs: the TSV encoding with
// its "#fields"/"#types" headers (Format) and the JSON encoding, one object
// per line (RecordFormat).
//
// Both encodings of the same log record give the same event: field keys use
// Zeek's dotted names ("id.orig_h", also for JSON written as "id_orig_h"),
// values are rendered one way (see value.go), the log type is kept as the
// field "_path" (first), and the event id hashes "zeek", the path and every
// field of the record, so it does not depend on the encoding or on the file.
// The JSON writer's "_write_ts" (when the line was written, not part of the
// record) is dropped; shippers' envelope keys starting with "@" ("@system",
// "@proc") are kept as fields but left out of the id.
//
// The sensor that wrote the log is not known, so events carry no host
// reference: the network endpoints are the entities.
package zeek

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// FormatName names both encodings in events and errors.
const FormatName = "zeek"

// keyPath is the field holding the log type ("conn", "dns", ...).
const keyPath = "_path"

// normalizer turns canonical fields into an event. It is not safe for
// concurrent use (it reuses a hash).
type normalizer struct {
	principals event.Principals
	h          hash.Hash
	buf        []byte
	sum        [sha256.Size]byte
}

// normalize completes ev, whose Fields are canonical with fields[0] the
// "_path" field (its value may be empty: the path is then inferred).
func (n *normalizer) normalize(path string, ev *event.Event) error {
	v := scan(ev.Fields)
	if path == "" {
		path = inferPath(&v)
		ev.Fields[0].Value = path
	}
	switch t, ok := parseEpoch(v.ts); {
	case ok:
		ev.Time = t
	case v.ts != "":
		return fmt.Errorf("parsing ts %q: not epoch seconds or ISO 8601", source.Excerpt(v.ts, 40))
	default:
		// Some logs (loaded_scripts) have no time: keep them, flagged.
		ev.Notes = append(ev.Notes, "record has no ts")
	}
	ev.ID = n.id(path, ev.Fields)
	switch {
	case v.uid != "":
		ev.Source.Record = v.uid
	case v.fuid != "":
		ev.Source.Record = v.fuid
	}
	classify(path, &v, ev, &n.principals)
	return nil
}

// id hashes "zeek", the path and every field but the writer's envelope keys
// ("@system", "@proc"), with event.NewID's framing (a NUL after each part).
func (n *normalizer) id(path string, fields []event.Field) event.ID {
	if n.h == nil {
		n.h = sha256.New()
	}
	b := append(append(append(n.buf[:0], FormatName...), 0), path...)
	b = append(b, 0)
	for _, f := range fields[1:] {
		if strings.HasPrefix(f.Key, "@") {
			continue
		}
		b = append(append(b, f.Key...), 0)
		b = append(append(b, f.Value...), 0)
	}
	n.buf = b
	n.h.Reset()
	n.h.Write(b)
	var id event.ID
	copy(id[:], n.h.Sum(n.sum[:0]))
	return id
}
