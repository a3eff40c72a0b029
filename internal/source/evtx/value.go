package evtx

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// BinXML value types (the substitution descriptors' type byte). Array types
// are the base type with typeArray set.
const (
	typeNull      = 0x00
	typeString    = 0x01
	typeAnsi      = 0x02
	typeInt8      = 0x03
	typeUint8     = 0x04
	typeInt16     = 0x05
	typeUint16    = 0x06
	typeInt32     = 0x07
	typeUint32    = 0x08
	typeInt64     = 0x09
	typeUint64    = 0x0a
	typeReal32    = 0x0b
	typeReal64    = 0x0c
	typeBool      = 0x0d
	typeBinary    = 0x0e
	typeGUID      = 0x0f
	typeSizeT     = 0x10
	typeFileTime  = 0x11
	typeSysTime   = 0x12
	typeSID       = 0x13
	typeHexInt32  = 0x14
	typeHexInt64  = 0x15
	typeEvtHandle = 0x20
	typeBinXML    = 0x21
	typeEvtXML    = 0x23
	typeArray     = 0x80
)

const hexUpper = "0123456789ABCDEF"

// filetimeEpoch is 1601-01-01 in Unix seconds.
const filetimeEpoch = -11644473600

// fileTime converts a FILETIME (100 ns ticks since 1601) to a time.
func fileTime(v uint64) time.Time {
	return time.Unix(filetimeEpoch+int64(v/1e7), int64(v%1e7)*100).UTC()
}

// appendTime renders t as evtx_dump does: microseconds, Z.
func appendTime(dst []byte, t time.Time) []byte {
	return t.AppendFormat(dst, "2006-01-02T15:04:05.000000Z")
}

// sysTime decodes a SYSTEMTIME (eight little-endian uint16).
func sysTime(b []byte) time.Time {
	u := func(i int) int { return int(binary.LittleEndian.Uint16(b[2*i:])) }
	return time.Date(u(0), time.Month(u(1)), u(3), u(4), u(5), u(6), u(7)*1e6, time.UTC)
}

// appendUTF16 appends little-endian UTF-16 text as UTF-8, dropping
// trailing NULs; unpaired surrogates become U+FFFD.
func appendUTF16(dst, b []byte) []byte {
	n := len(b) / 2
	for n > 0 && b[2*n-2] == 0 && b[2*n-1] == 0 {
		n--
	}
	return appendUnits(dst, b, n)
}

// appendString renders a string value as evtx_dump does: up to the first
// NUL, without trailing white space.
func appendString(dst, b []byte) []byte {
	n := 0
	for n+1 < len(b) && (b[n] != 0 || b[n+1] != 0) {
		n += 2
	}
	start := len(dst)
	dst = appendUnits(dst, b, n/2)
	return dst[:start+len(bytes.TrimRightFunc(dst[start:], unicode.IsSpace))]
}

func appendUnits(dst, b []byte, n int) []byte {
	for i := 0; i < n; i++ {
		c := rune(binary.LittleEndian.Uint16(b[2*i:]))
		switch {
		case c < utf8.RuneSelf:
			dst = append(dst, byte(c))
		case utf16.IsSurrogate(c):
			r := utf8.RuneError
			if c < 0xdc00 && i+1 < n {
				if c2 := rune(binary.LittleEndian.Uint16(b[2*i+2:])); c2 >= 0xdc00 && c2 < 0xe000 {
					r = utf16.DecodeRune(c, c2)
					i++
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			dst = utf8.AppendRune(dst, c)
		}
	}
	return dst
}

// appendGUID renders a GUID as evtx_dump does: upper case, no braces.
func appendGUID(dst, b []byte) []byte {
	hx := func(dst []byte, v uint64, digits int) []byte {
		for i := digits - 1; i >= 0; i-- {
			dst = append(dst, hexUpper[(v>>(4*uint(i)))&0xf])
		}
		return dst
	}
	dst = hx(dst, uint64(binary.LittleEndian.Uint32(b)), 8)
	dst = append(dst, '-')
	dst = hx(dst, uint64(binary.LittleEndian.Uint16(b[4:])), 4)
	dst = append(dst, '-')
	dst = hx(dst, uint64(binary.LittleEndian.Uint16(b[6:])), 4)
	dst = append(dst, '-')
	dst = appendHex(dst, b[8:10])
	dst = append(dst, '-')
	return appendHex(dst, b[10:16])
}

func appendHex(dst, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, hexUpper[c>>4], hexUpper[c&0xf])
	}
	return dst
}

// appendSID renders a binary SID as S-R-A-S1-S2...
func appendSID(dst, b []byte) ([]byte, bool) {
	if len(b) < 8 || len(b) < 8+4*int(b[1]) {
		return dst, false
	}
	dst = append(dst, "S-"...)
	dst = strconv.AppendUint(dst, uint64(b[0]), 10)
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	dst = append(dst, '-')
	dst = strconv.AppendUint(dst, auth, 10)
	for i := 0; i < int(b[1]); i++ {
		dst = append(dst, '-')
		dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(b[8+4*i:])), 10)
	}
	return dst, true
}

// appendFloat renders a float as serde_json does for whole numbers ("1.0").
func appendFloat(dst []byte, f float64, bits int) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1e16 {
		dst = strconv.AppendFloat(dst, f, 'f', -1, bits)
		return append(dst, ".0"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}

// scalarSize is the fixed size of a scalar type, 0 for variable sizes.
func scalarSize(t byte) int {
	switch t {
	case typeInt8, typeUint8:
		return 1
	case typeInt16, typeUint16:
		return 2
	case typeInt32, typeUint32, typeReal32, typeHexInt32:
		return 4
	case typeInt64, typeUint64, typeReal64, typeHexInt64, typeFileTime:
		return 8
	case typeGUID, typeSysTime:
		return 16
	}
	return 0
}

// appendScalar renders one value of type t (no array bit) held in b. It
// reports false when b does not hold a valid value of that type. Null and
// unrenderable types (handles, nested XML) append nothing and report true.
func appendScalar(dst []byte, t byte, b []byte) ([]byte, bool) {
	if n := scalarSize(t); n != 0 && len(b) < n {
		return dst, false
	}
	le := binary.LittleEndian
	switch t {
	case typeString:
		return appendString(dst, b), true
	case typeAnsi:
		for len(b) > 0 && b[len(b)-1] == 0 {
			b = b[:len(b)-1]
		}
		for _, c := range b {
			dst = utf8.AppendRune(dst, rune(c)) // Latin-1
		}
		return dst, true
	case typeInt8:
		return strconv.AppendInt(dst, int64(int8(b[0])), 10), true
	case typeUint8:
		return strconv.AppendUint(dst, uint64(b[0]), 10), true
	case typeInt16:
		return strconv.AppendInt(dst, int64(int16(le.Uint16(b))), 10), true
	case typeUint16:
		return strconv.AppendUint(dst, uint64(le.Uint16(b)), 10), true
	case typeInt32:
		return strconv.AppendInt(dst, int64(int32(le.Uint32(b))), 10), true
	case typeUint32:
		return strconv.AppendUint(dst, uint64(le.Uint32(b)), 10), true
	case typeInt64:
		return strconv.AppendInt(dst, int64(le.Uint64(b)), 10), true
	case typeUint64:
		return strconv.AppendUint(dst, le.Uint64(b), 10), true
	case typeReal32:
		return appendFloat(dst, float64(math.Float32frombits(le.Uint32(b))), 32), true
	case typeReal64:
		return appendFloat(dst, math.Float64frombits(le.Uint64(b)), 64), true
	case typeBool:
		var v byte
		for _, c := range b[:min(len(b), 4)] {
			v |= c
		}
		return strconv.AppendBool(dst, v != 0), true
	case typeBinary:
		return appendHex(dst, b), true
	case typeGUID:
		return appendGUID(dst, b), true
	case typeSizeT: // rendered as a HexInt of its width
		switch len(b) {
		case 4:
			return strconv.AppendUint(append(dst, "0x"...), uint64(le.Uint32(b)), 16), true
		case 8:
			return strconv.AppendUint(append(dst, "0x"...), le.Uint64(b), 16), true
		}
		return dst, false
	case typeFileTime:
		return appendTime(dst, fileTime(le.Uint64(b))), true
	case typeSysTime:
		return appendTime(dst, sysTime(b)), true
	case typeSID:
		return appendSID(dst, b)
	case typeHexInt32:
		return strconv.AppendUint(append(dst, "0x"...), uint64(le.Uint32(b)), 16), true
	case typeHexInt64:
		return strconv.AppendUint(append(dst, "0x"...), le.Uint64(b), 16), true
	case typeNull, typeEvtHandle, typeEvtXML:
		return dst, true
	}
	return dst, false
}
