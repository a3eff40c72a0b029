// Package write serializes simulated telemetry in the native formats of its
// sources (Windows events as EVTX files or as evtx_dump's JSON, CloudTrail,
// Okta System Log, syslog, Zeek TSV) and streams it into files that rotate
// by size or by time, so that any volume is written in bounded memory.
//
// Writers are used by one goroutine; each file they write is closed before
// the writer moves on to the next, and Close flushes the last one.
package write

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Value is a JSON value whose object members keep their order, so that the
// same record always serializes to the same bytes.
type Value struct {
	kind kind
	s    string
	n    int64
	obj  []Member
	arr  []Value
}

type kind uint8

const (
	kNull kind = iota
	kString
	kNumber
	kFloat
	kBool
	kObject
	kArray
)

// Member is one key of an object.
type Member struct {
	Key string
	Val Value
}

// Str is a JSON string.
func Str(s string) Value { return Value{kind: kString, s: s} }

// Num is a JSON integer.
func Num(n int64) Value { return Value{kind: kNumber, n: n} }

// Float is a JSON number with a fraction; f must be finite (its bits are
// kept in n).
func Float(f float64) Value { return Value{kind: kFloat, n: int64(math.Float64bits(f))} }

// Bool is a JSON boolean.
func Bool(b bool) Value {
	if b {
		return Value{kind: kBool, n: 1}
	}
	return Value{kind: kBool}
}

// Null is JSON null.
func Null() Value { return Value{} }

// IsNull reports whether v is null (the zero Value).
func (v Value) IsNull() bool { return v.kind == kNull }

// Obj is a JSON object with members in the given order.
func Obj(members ...Member) Value { return Value{kind: kObject, obj: members} }

// Arr is a JSON array.
func Arr(vals ...Value) Value { return Value{kind: kArray, arr: vals} }

// M is a member.
func M(key string, v Value) Member { return Member{Key: key, Val: v} }

// S is a string member.
func S(key, v string) Member { return Member{Key: key, Val: Str(v)} }

// N is a number member.
func N(key string, v int64) Member { return Member{Key: key, Val: Num(v)} }

// B is a boolean member.
func B(key string, v bool) Member { return Member{Key: key, Val: Bool(v)} }

// Append writes v as compact JSON, as the sources' own exporters do.
func (v Value) Append(b []byte) []byte {
	switch v.kind {
	case kString:
		return AppendString(b, v.s)
	case kNumber:
		return strconv.AppendInt(b, v.n, 10)
	case kFloat:
		return strconv.AppendFloat(b, math.Float64frombits(uint64(v.n)), 'f', -1, 64)
	case kBool:
		if v.n != 0 {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case kObject:
		b = append(b, '{')
		for i, m := range v.obj {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendString(b, m.Key)
			b = append(b, ':')
			b = m.Val.Append(b)
		}
		return append(b, '}')
	case kArray:
		b = append(b, '[')
		for i, e := range v.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = e.Append(b)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
}

const hexDigits = "0123456789abcdef"

// AppendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
