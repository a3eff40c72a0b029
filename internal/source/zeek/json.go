package zeek

import (
	"strings"
	"sync"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// RecordFormat returns the JSON encoding of Zeek logs: one object per record,
// as written by Zeek's JSON writer, the json-streaming-logs package
// ("_path", "_write_ts") or other shippers ("@stream" as the path, keys with
// "_" for "." such as "id_orig_h"). The path comes from "_path" or "@stream",
// else it is inferred from the fields (see inferPath).
func RecordFormat() source.RecordFormat {
	pool := &sync.Pool{New: func() any { return &jsonNormalizer{keys: map[string]string{}} }}
	return source.RecordFormat{
		Name:  FormatName,
		Match: matchJSON,
		Normalize: func(r *jsonrec.Record, ev *event.Event) error {
			n := pool.Get().(*jsonNormalizer)
			defer pool.Put(n)
			return n.normalize(r, ev)
		},
	}
}

// matchJSON recognizes a Zeek record: "_path" or "@proc": "zeek", or "ts"
// with a connection or file id.
func matchJSON(r *jsonrec.Record) bool {
	var ts, id bool
	for i := range r.Fields {
		switch r.Fields[i].Key {
		case "_path":
			return true
		case "@proc":
			if r.Fields[i].Value == "zeek" {
				return true
			}
		case "ts":
			ts = true
		case "uid", "fuid", "id.orig_h", "id_orig_h":
			id = true
		}
	}
	return ts && id
}

type jsonNormalizer struct {
	normalizer
	keys map[string]string // "certificate_serial" -> "certificate.serial"
}

func (n *jsonNormalizer) normalize(r *jsonrec.Record, ev *event.Event) error {
	path := ""
	for i := range r.Fields {
		if k := r.Fields[i].Key; k == "_path" || k == "@stream" {
			path = r.Fields[i].Value
			break
		}
	}
	fields := make([]event.Field, 1, len(r.Fields)+1)
	fields[0] = event.Field{Key: keyPath, Value: path}
	for i, f := range r.Fields {
		switch f.Key {
		case "_path", "@stream", "_write_ts":
			continue
		}
		if f.Value == "" && strings.Contains(r.Raw, `"`+f.Key+`":[""]`) {
			// TSV cannot tell a set holding one empty string from an
			// empty set (both are "(empty)"): render both as no field.
			continue
		}
		key := n.key(f.Key)
		fields = append(fields, event.Field{Key: key, Value: jsonValue(key, f.Value, !r.Quoted(i))})
	}
	ev.Fields = fields
	return n.normalizer.normalize(path, ev)
}

// dotted record prefixes that some writers spell with "_".
var underscorePrefixes = [...]string{"id_", "certificate_", "san_", "basic_constraints_", "remote_location_", "times_"}

// key returns Zeek's dotted name for a JSON key.
func (n *jsonNormalizer) key(k string) string {
	if strings.IndexByte(k, '.') >= 0 {
		return k
	}
	switch k {
	case "id_orig_h":
		return "id.orig_h"
	case "id_orig_p":
		return "id.orig_p"
	case "id_resp_h":
		return "id.resp_h"
	case "id_resp_p":
		return "id.resp_p"
	}
	for _, p := range underscorePrefixes {
		if len(k) > len(p) && strings.HasPrefix(k, p) {
			if d, ok := n.keys[k]; ok {
				return d
			}
			d := p[:len(p)-1] + "." + k[len(p):]
			if len(n.keys) < 1024 {
				n.keys[k] = d
			}
			return d
		}
	}
	return k
}

// jsonValue renders a JSON value as the TSV reader renders the same value.
// bare is set for numbers and literals, which JSON writes without quotes.
func jsonValue(key, v string, bare bool) string {
	if bare {
		if v == "true" || v == "false" {
			return v
		}
		if key == "ts" || strings.ContainsAny(v, ".eE") {
			if c, ok := canonFloat(v); ok {
				return c
			}
		}
		return v
	}
	if c, ok := isoTime(v); ok {
		return c
	}
	if !printable(v) {
		return jsonRender([]byte(v))
	}
	return v
}
