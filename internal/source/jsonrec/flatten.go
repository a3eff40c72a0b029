// Package jsonrec splits JSON streams into records and flattens each record
// into dotted key/value fields without building maps. It is the shared hot
// path of every JSON-family reader (Windows JSON, CloudTrail, Okta, Entra,
// Kubernetes audit, Zeek JSON, ...).
package jsonrec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Record is one flattened JSON object.
//
// Fields holds one entry per scalar: nested objects join keys with ".", each
// element of a list repeats its key, null values are left out. Field strings
// share memory with Raw where the JSON needed no unescaping.
type Record struct {
	Raw    string
	Fields []event.Field
	Offset int64 // byte offset of the record in its stream
	// quoted has bit i set when Fields[i] was a JSON string (not a number
	// or a literal). It belongs to the Flattener and is valid until its
	// next call.
	quoted []uint64
	// flat is the Flattener that made the record, which Expand reuses.
	flat *Flattener
}

// Quoted reports whether field i was written as a JSON string rather than
// as a number, true or false.
func (r *Record) Quoted(i int) bool {
	w := i / 64
	return w < len(r.quoted) && r.quoted[w]&(1<<(i%64)) != 0
}

// Get returns the first value of key.
func (r *Record) Get(key string) (string, bool) {
	for i := range r.Fields {
		if r.Fields[i].Key == key {
			return r.Fields[i].Value, true
		}
	}
	return "", false
}

// Value returns the first value of key, or "".
func (r *Record) Value(key string) string {
	v, _ := r.Get(key)
	return v
}

// Has reports whether key is present.
func (r *Record) Has(key string) bool {
	_, ok := r.Get(key)
	return ok
}

// Values returns every value of key (list elements).
func (r *Record) Values(key string) []string {
	var out []string
	for i := range r.Fields {
		if r.Fields[i].Key == key {
			out = append(out, r.Fields[i].Value)
		}
	}
	return out
}

// HasPrefix reports whether any key starts with prefix.
func (r *Record) HasPrefix(prefix string) bool {
	for i := range r.Fields {
		k := r.Fields[i].Key
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}

// SyntaxError is a malformed JSON value; Offset is relative to the value.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

// maxKeys bounds the key cache of a Flattener.
const maxKeys = 1 << 14

// Flattener turns JSON objects into Records. It caches joined key strings so
// that flattening a stream of similar records allocates only for values that
// need unescaping. A Flattener is not safe for concurrent use.
type Flattener struct {
	keys    map[string]string
	scratch []byte
	quoted  []uint64
	width   int // fields of the last record: the next one is likely alike
}

// NewFlattener returns a Flattener with an empty key cache.
func NewFlattener() *Flattener {
	return &Flattener{keys: make(map[string]string)}
}

// Flatten parses raw, which must hold one JSON object, into a Record.
func (f *Flattener) Flatten(raw string) (Record, error) {
	rec := Record{Raw: raw, flat: f}
	f.quoted = f.quoted[:0]
	// Size the field list like the last record's (plus room for fields a
	// reader appends), so that similar records need one allocation.
	fields, err := f.AppendFields(make([]event.Field, 0, f.width+f.width/4+4), raw, "")
	f.width = min(len(fields), 4096)
	rec.Fields = fields
	rec.quoted = f.quoted
	return rec, err
}

// AppendFields parses the JSON object in raw and appends its fields, with
// keys under prefix (no dot added when prefix is empty), to dst. Readers use
// it for JSON documents embedded in string fields.
func (f *Flattener) AppendFields(dst []event.Field, raw, prefix string) ([]event.Field, error) {
	p := parser{f: f, s: raw, out: dst}
	err := p.whole(prefix, true)
	return p.out, err
}

type parser struct {
	f   *Flattener
	s   string
	i   int
	out []event.Field
}

// whole parses all of p.s as one value under key, which must be an
// object when object is set.
func (p *parser) whole(key string, object bool) error {
	p.ws()
	if object && (p.i >= len(p.s) || p.s[p.i] != '{') {
		return &SyntaxError{Offset: p.i, Msg: "record is not a JSON object"}
	}
	if err := p.value(key, 0); err != nil {
		return err
	}
	p.ws()
	if p.i != len(p.s) {
		if object {
			return &SyntaxError{Offset: p.i, Msg: "data after the object"}
		}
		return &SyntaxError{Offset: p.i, Msg: "data after the value"}
	}
	return nil
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{Offset: p.i, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// key joins prefix and name through the cache.
func (p *parser) key(prefix, name string) string {
	if prefix == "" {
		return name
	}
	f := p.f
	f.scratch = append(append(append(f.scratch[:0], prefix...), '.'), name...)
	if k, ok := f.keys[string(f.scratch)]; ok {
		return k
	}
	k := string(f.scratch)
	if len(f.keys) < maxKeys {
		f.keys[k] = k
	}
	return k
}

func (p *parser) value(key string, depth int) error {
	if depth > maxDepth {
		return p.errf("nesting deeper than %d", maxDepth)
	}
	p.ws()
	if p.i >= len(p.s) {
		return p.errf("unexpected end of input")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		p.i++
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return nil
		}
		for {
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return p.errf("expected object key")
			}
			name, err := p.str()
			if err != nil {
				return err
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return p.errf("expected ':' after object key")
			}
			p.i++
			if err := p.value(p.key(key, name), depth+1); err != nil {
				return err
			}
			p.ws()
			if p.i >= len(p.s) {
				return p.errf("unexpected end of object")
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == '}' {
				p.i++
				return nil
			}
			return p.errf("expected ',' or '}' in object")
		}
	case c == '[':
		p.i++
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return nil
		}
		for {
			if err := p.value(key, depth+1); err != nil {
				return err
			}
			p.ws()
			if p.i >= len(p.s) {
				return p.errf("unexpected end of array")
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == ']' {
				p.i++
				return nil
			}
			return p.errf("expected ',' or ']' in array")
		}
	case c == '"':
		v, err := p.str()
		if err != nil {
			return err
		}
		p.markQuoted(len(p.out))
		p.out = append(p.out, event.Field{Key: key, Value: v})
		return nil
	case c == 't':
		return p.lit(key, "true")
	case c == 'f':
		return p.lit(key, "false")
	case c == 'n':
		if len(p.s)-p.i >= 4 && p.s[p.i:p.i+4] == "null" {
			p.i += 4
			return nil
		}
		return p.errf("invalid literal")
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		p.i++
		for p.i < len(p.s) {
			c := p.s[p.i]
			if (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' {
				p.i++
				continue
			}
			break
		}
		p.out = append(p.out, event.Field{Key: key, Value: p.s[start:p.i]})
		return nil
	default:
		return p.errf("unexpected character %q", c)
	}
}

// markQuoted sets the quoted bit of field i.
func (p *parser) markQuoted(i int) {
	q := p.f.quoted
	for len(q) <= i/64 {
		q = append(q, 0)
	}
	q[i/64] |= 1 << (i % 64)
	p.f.quoted = q
}

func (p *parser) lit(key, word string) error {
	if len(p.s)-p.i >= len(word) && p.s[p.i:p.i+len(word)] == word {
		p.i += len(word)
		p.out = append(p.out, event.Field{Key: key, Value: word})
		return nil
	}
	return p.errf("invalid literal")
}

// str reads a JSON string at p.i (which holds '"'). Without escapes the
// result is a substring of the input.
func (p *parser) str() (string, error) {
	p.i++
	start := p.i
	rest := p.s[start:]
	q := strings.IndexByte(rest, '"')
	if q < 0 {
		p.i = len(p.s)
		return "", p.errf("unterminated string")
	}
	if b := strings.IndexByte(rest[:q], '\\'); b >= 0 {
		if err := p.noControl(start, start+b); err != nil {
			return "", err
		}
		p.i = start + b
		return p.strEscaped(start)
	}
	if err := p.noControl(start, start+q); err != nil {
		return "", err
	}
	p.i = start + q + 1
	return rest[:q], nil
}

// noControl rejects raw control characters in p.s[from:to].
func (p *parser) noControl(from, to int) error {
	for i := from; i < to; i++ {
		if p.s[i] < 0x20 {
			p.i = i
			return p.errf("control character in string")
		}
	}
	return nil
}

var errBadEscape = errors.New("invalid escape")

// strEscaped finishes a string whose text from start up to p.i (a
// backslash) needed no unescaping.
func (p *parser) strEscaped(start int) (string, error) {
	buf := make([]byte, 0, p.i-start+64)
	buf = append(buf, p.s[start:p.i]...)
	for p.i < len(p.s) {
		// Copy the run up to the next quote or backslash. Runs between
		// escapes are short, so a plain loop beats searching.
		j := p.i
		for j < len(p.s) {
			c := p.s[j]
			if c == '"' || c == '\\' {
				break
			}
			if c < 0x20 {
				p.i = j
				return "", p.errf("control character in string")
			}
			j++
		}
		if j == len(p.s) {
			break
		}
		buf = append(buf, p.s[p.i:j]...)
		p.i = j
		if p.s[p.i] == '"' {
			p.i++
			return string(buf), nil
		}
		if p.i+1 >= len(p.s) {
			break
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errf("%v", errBadEscape)
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					var ok2 bool
					if r2, ok2 = p.hex4(); !ok2 {
						p.i = save
						r2 = -1
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", p.errf("%v \\%c", errBadEscape, e)
		}
	}
	p.i = len(p.s)
	return "", p.errf("unterminated string")
}

func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}
