package write

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// BinXML value types (MS-EVEN6 2.2.12, libevtx's "value types"): the type
// byte of a substitution and of its value descriptor.
const (
	evtNull     = 0x00
	evtString   = 0x01
	evtUInt8    = 0x04
	evtUInt16   = 0x06
	evtInt32    = 0x07
	evtUInt32   = 0x08
	evtInt64    = 0x09
	evtUInt64   = 0x0a
	evtReal64   = 0x0c
	evtBool     = 0x0d
	evtGUID     = 0x0f
	evtFileTime = 0x11
	evtSID      = 0x13
	evtHex32    = 0x14
	evtHex64    = 0x15
	evtBinXML   = 0x21
)

// dataTypes are the EventData fields that Windows stores as something other
// than a string, by channel, as the manifests of Sysmon 15 and of the
// Security auditing events declare them (seen in real EVTX files of the
// twelve event kinds the simulator writes). Numbers not listed are 32-bit
// unsigned integers (64-bit when larger), booleans are booleans.
var dataTypes = map[string]map[string]byte{
	ChannelSysmon: {
		"ProcessGuid": evtGUID, "ParentProcessGuid": evtGUID, "LogonGuid": evtGUID,
		"SourceProcessGUID": evtGUID, "TargetProcessGUID": evtGUID,
		"LogonId":       evtHex64,
		"GrantedAccess": evtHex32,
		"SourcePort":    evtUInt16, "DestinationPort": evtUInt16,
	},
	ChannelSecurity: {
		"SubjectUserSid": evtSID, "TargetUserSid": evtSID, "MandatoryLabel": evtSID,
		"SubjectLogonId": evtHex64, "TargetLogonId": evtHex64, "TargetLinkedLogonId": evtHex64,
		"ProcessId": evtHex64, "NewProcessId": evtHex64,
		"Status": evtHex32, "SubStatus": evtHex32, "AccessMask": evtHex32, "ServiceType": evtHex32,
		"LogonGuid":             evtGUID,
		"ClientProcessStartKey": evtUInt64,
	},
}

// appendData appends the BinXML value of an EventData field declared as
// typ (0 for a string field) and returns the value type it chose. A string
// is stored as the declared type only when that type renders back to the
// same text (evtx_dump's rendering: GUIDs upper case without braces, hex
// integers as lower-case 0x…, SIDs as S-R-A-…), so reading the EVTX file
// gives the values the JSON writer writes; any other string is a UTF-16
// string.
func appendData(b []byte, v Value, typ byte) ([]byte, byte, error) {
	switch v.kind {
	case kString:
		return appendTypedString(b, v.s, typ)
	case kNumber:
		return appendInt(b, v.n, typ)
	case kFloat:
		return binary.LittleEndian.AppendUint64(b, uint64(v.n)), evtReal64, nil
	case kBool:
		return binary.LittleEndian.AppendUint32(b, uint32(v.n)), evtBool, nil
	case kNull:
		return b, evtNull, nil
	}
	return b, 0, fmt.Errorf("an object or array has no EVTX value type")
}

func appendTypedString(b []byte, s string, typ byte) ([]byte, byte, error) {
	switch typ {
	case evtGUID:
		if g, ok := parseGUID(s); ok {
			return append(b, g[:]...), evtGUID, nil
		}
	case evtHex32:
		if n, ok := parseHex(s, 32); ok {
			return binary.LittleEndian.AppendUint32(b, uint32(n)), evtHex32, nil
		}
	case evtHex64:
		if n, ok := parseHex(s, 64); ok {
			return binary.LittleEndian.AppendUint64(b, n), evtHex64, nil
		}
	case evtSID:
		if out, ok := appendSID(b, s); ok {
			return out, evtSID, nil
		}
	}
	return appendUTF16Z(b, s), evtString, nil
}

// appendInt stores n in the declared integer type when it fits, else in
// the smallest of UInt32, UInt64, Int32, Int64 that holds it.
func appendInt(b []byte, n int64, typ byte) ([]byte, byte, error) {
	le := binary.LittleEndian
	switch {
	case typ == evtUInt16 && n >= 0 && n <= math.MaxUint16:
		return le.AppendUint16(b, uint16(n)), evtUInt16, nil
	case typ == evtUInt64 && n >= 0:
		return le.AppendUint64(b, uint64(n)), evtUInt64, nil
	case n >= 0 && n <= math.MaxUint32:
		return le.AppendUint32(b, uint32(n)), evtUInt32, nil
	case n >= 0:
		return le.AppendUint64(b, uint64(n)), evtUInt64, nil
	case n >= math.MinInt32:
		return le.AppendUint32(b, uint32(int32(n))), evtInt32, nil
	}
	return le.AppendUint64(b, uint64(n)), evtInt64, nil
}

// appendUTF16Z appends s as UTF-16 little-endian with a terminating NUL, as
// Windows stores string values; invalid UTF-8 becomes U+FFFD.
func appendUTF16Z(b []byte, s string) []byte {
	return append(appendUTF16(b, s), 0, 0)
}

// appendUTF16 appends s as UTF-16 little-endian.
func appendUTF16(b []byte, s string) []byte {
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			b = append(b, byte(r1), byte(r1>>8), byte(r2), byte(r2>>8))
			continue
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// utf16Len is the number of UTF-16 code units of s.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// parseGUID reads a GUID written as evtx_dump renders one (upper-case hex,
// 8-4-4-4-12, no braces) into its little-endian binary form.
func parseGUID(s string) ([16]byte, bool) {
	var raw, g [16]byte
	if len(s) != 36 {
		return g, false
	}
	nibble := 0
	for i := 0; i < len(s); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return g, false
			}
			continue
		}
		d, ok := upperHex(s[i])
		if !ok {
			return g, false
		}
		raw[nibble/2] |= d << (4 * (1 - nibble%2))
		nibble++
	}
	// Data1, Data2 and Data3 are little-endian; Data4 is bytes.
	g[0], g[1], g[2], g[3] = raw[3], raw[2], raw[1], raw[0]
	g[4], g[5], g[6], g[7] = raw[5], raw[4], raw[7], raw[6]
	copy(g[8:], raw[8:])
	return g, true
}

func upperHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseHex reads a HexInt as evtx_dump renders one: 0x and lower-case
// digits without leading zeros.
func parseHex(s string, bits int) (uint64, bool) {
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" || (len(digits) > 1 && digits[0] == '0') || strings.ToLower(digits) != digits {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 16, bits)
	return n, err == nil
}

// appendSID appends the binary form of a SID written S-R-A-S1-…-Sn, when
// the text is the canonical rendering of it (decimal, no leading zeros).
func appendSID(b []byte, s string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(s, "S-")
	if !ok {
		return b, false
	}
	var nums [17]uint64
	n := 0
	for ; rest != ""; n++ {
		part, tail, _ := strings.Cut(rest, "-")
		v, ok := parseDecimal(part)
		if !ok || n == len(nums) || (n >= 2 && v > math.MaxUint32) || (tail == "" && len(part) < len(rest)) {
			return b, false
		}
		nums[n], rest = v, tail
	}
	if n < 2 || nums[0] > math.MaxUint8 || nums[1] >= 1<<48 {
		return b, false
	}
	b = append(b, byte(nums[0]), byte(n-2))
	for shift := 40; shift >= 0; shift -= 8 {
		b = append(b, byte(nums[1]>>uint(shift)))
	}
	for _, v := range nums[2:n] {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b, true
}

// parseDecimal reads a canonical unsigned decimal: digits, no leading
// zero but in "0".
func parseDecimal(s string) (uint64, bool) {
	if s == "" || len(s) > 19 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + uint64(s[i]-'0')
	}
	return v, true
}

// filetimeEpoch is 1601-01-01, the origin of FILETIME, in Unix seconds.
const filetimeEpoch = -11644473600

// fileTime is t as a FILETIME: 100-nanosecond ticks since 1601.
func fileTime(t time.Time) uint64 {
	return uint64(t.Unix()-filetimeEpoch)*1e7 + uint64(t.Nanosecond()/100)
}
