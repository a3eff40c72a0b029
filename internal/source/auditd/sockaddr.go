package auditd

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"
)

// sockaddr is a decoded SOCKADDR saddr.
type sockaddr struct {
	family string // inet, inet6, local, netlink, unspec, or "family(N)"
	addr   string // IP address
	port   int
	path   string // AF_UNIX socket path ("@name" for the abstract namespace)
}

// decodeSaddr decodes a raw saddr (the hex bytes of a struct sockaddr) or an
// interpreted one ("inet host:1.2.3.4 serv:443", "saddr_fam=inet laddr=...
// lport=...", "local /run/x", "unknown family(0)").
func decodeSaddr(v string) (sockaddr, bool) {
	if raw, ok := decodeHex(v); ok && len(raw) >= 2 {
		return decodeRawSaddr([]byte(raw)), true
	}
	return decodeInterpretedSaddr(v)
}

func decodeRawSaddr(b []byte) sockaddr {
	fam := binary.LittleEndian.Uint16(b)
	if b[0] == 0 && b[1] != 0 { // big-endian machine (s390x, ppc64)
		fam = binary.BigEndian.Uint16(b)
	}
	var sa sockaddr
	switch fam {
	case 0:
		sa.family = "unspec"
	case 1:
		sa.family = "local"
		p := b[2:]
		if len(p) > 0 && p[0] == 0 {
			p = p[1:]
			if i := indexByte(p, 0); i >= 0 {
				p = p[:i]
			}
			sa.path = "@" + string(p)
		} else {
			if i := indexByte(p, 0); i >= 0 {
				p = p[:i]
			}
			sa.path = string(p)
		}
	case 2:
		sa.family = "inet"
		if len(b) >= 8 {
			sa.port = int(binary.BigEndian.Uint16(b[2:]))
			sa.addr = netip.AddrFrom4([4]byte(b[4:8])).String()
		}
	case 10:
		sa.family = "inet6"
		if len(b) >= 24 {
			sa.port = int(binary.BigEndian.Uint16(b[2:]))
			sa.addr = netip.AddrFrom16([16]byte(b[8:24])).Unmap().String()
		}
	case 16:
		sa.family = "netlink"
	default:
		sa.family = "family(" + strconv.Itoa(int(fam)) + ")"
	}
	return sa
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func decodeInterpretedSaddr(v string) (sockaddr, bool) {
	var sa sockaddr
	v = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), "{}"))
	if strings.HasPrefix(v, "saddr_fam=") || strings.HasPrefix(v, "fam=") {
		for _, kv := range strings.Fields(v) {
			k, val, _ := strings.Cut(kv, "=")
			switch k {
			case "saddr_fam", "fam":
				sa.family = val
			case "laddr":
				sa.addr = val
			case "lport":
				sa.port, _ = strconv.Atoi(val)
			case "path":
				sa.path = val
			}
		}
		return sa, sa.family != ""
	}
	fam, rest, _ := strings.Cut(v, " ")
	switch fam {
	case "inet", "inet6":
		sa.family = fam
		for _, kv := range strings.Fields(rest) {
			if a, ok := strings.CutPrefix(kv, "host:"); ok {
				sa.addr = a
			} else if p, ok := strings.CutPrefix(kv, "serv:"); ok {
				sa.port, _ = strconv.Atoi(p)
			}
		}
		return sa, true
	case "local":
		sa.family, sa.path = fam, strings.TrimSpace(rest)
		return sa, true
	case "netlink":
		sa.family = fam
		return sa, true
	case "unknown":
		sa.family = "unspec"
		if i := strings.Index(rest, "family("); i >= 0 && !strings.HasPrefix(rest, "family(0)") {
			sa.family = strings.TrimSpace(rest[i:])
		}
		return sa, true
	}
	return sa, false
}

// isIP reports whether s parses as an IP address.
func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}
