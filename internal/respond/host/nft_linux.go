//go:build linux

package host

import (
	"fmt"
	"net/netip"
	"os"
	"reflect"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
	"golang.org/x/sys/unix"
)

// Causeway's nftables tables, both of family inet (IPv4 and IPv6).
// Isolation has a table of its own, so that undoing it is deleting that
// table whatever else block_ip keeps.
const (
	isolateTable = "causeway_isolate"
	blockTable   = "causeway"
)

// nft opens a netlink connection to nftables in the configured network
// namespace. The returned func releases the namespace handle.
func (c *Connector) nft() (*nftables.Conn, func(), error) {
	if c.cfg.NetNS == "" {
		conn, err := nftables.New()
		if err != nil {
			return nil, nil, fmt.Errorf("opening nftables: %w", err)
		}
		return conn, func() {}, nil
	}
	f, err := os.Open(c.cfg.NetNS)
	if err != nil {
		return nil, nil, fmt.Errorf("opening network namespace: %w", err)
	}
	conn, err := nftables.New(nftables.WithNetNSFd(int(f.Fd())))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("opening nftables in %s: %w", c.cfg.NetNS, err)
	}
	return conn, func() { f.Close() }, nil
}

// open takes the connector's lock and a connection to the ruleset, so
// that one action's read-modify-write of a table is not interleaved with
// another's; release gives both back.
func (c *Connector) open() (*nftables.Conn, func(), error) {
	c.mu.Lock()
	conn, done, err := c.nft()
	if err != nil {
		c.mu.Unlock()
		return nil, nil, err
	}
	return conn, func() { done(); c.mu.Unlock() }, nil
}

// findTable returns Causeway's table of that name, or nil.
func findTable(conn *nftables.Conn, name string) (*nftables.Table, error) {
	tables, err := conn.ListTablesOfFamily(nftables.TableFamilyINet)
	if err != nil {
		return nil, fmt.Errorf("listing nftables tables: %w", err)
	}
	for _, t := range tables {
		if t.Name == name {
			return t, nil
		}
	}
	return nil, nil
}

// tableNames lists every table of every family, "family name", for the
// capture.
func tableNames(conn *nftables.Conn) ([]string, error) {
	tables, err := conn.ListTables()
	if err != nil {
		return nil, fmt.Errorf("listing nftables tables: %w", err)
	}
	out := make([]string, 0, len(tables))
	for _, t := range tables {
		out = append(out, fmt.Sprintf("%d %s", t.Family, t.Name))
	}
	return out, nil
}

// ruleSpec is a rule as Causeway writes it: a tag (stored as the rule's
// comment) and its expressions.
type ruleSpec struct {
	tag   string
	exprs []expr.Any
}

func (r ruleSpec) rule(t *nftables.Table, ch *nftables.Chain) *nftables.Rule {
	return &nftables.Rule{Table: t, Chain: ch, Exprs: r.exprs,
		UserData: userdata.AppendString(nil, userdata.TypeComment, r.tag)}
}

func ruleTag(r *nftables.Rule) string {
	s, _ := userdata.GetString(r.UserData, userdata.TypeComment)
	return s
}

// sameExprs compares expressions read back from the kernel with the ones
// written.
func sameExprs(got, want []expr.Any) bool { return reflect.DeepEqual(got, want) }

// Expression builders, in the order nft itself would emit them.

func accept() expr.Any { return &expr.Verdict{Kind: expr.VerdictAccept} }
func drop() expr.Any   { return &expr.Verdict{Kind: expr.VerdictDrop} }

func ifname(n string) []byte {
	b := make([]byte, 16)
	copy(b, n)
	return b
}

// matchIface is "meta iifname NAME" (in) or "meta oifname NAME" (out).
func matchIface(in bool, name string) []expr.Any {
	key := expr.MetaKeyOIFNAME
	if in {
		key = expr.MetaKeyIIFNAME
	}
	return []expr.Any{
		&expr.Meta{Key: key, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: ifname(name)},
	}
}

// matchAddr is "ip saddr A" / "ip daddr A" (or ip6) in an inet table.
func matchAddr(src bool, a netip.Addr) []expr.Any {
	proto, off, n := byte(unix.NFPROTO_IPV4), uint32(16), uint32(4)
	if src {
		off = 12
	}
	if a.Is6() {
		proto, off, n = unix.NFPROTO_IPV6, 24, 16
		if src {
			off = 8
		}
	}
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: a.AsSlice()},
	}
}

// matchTCPPort is "tcp sport P" / "tcp dport P".
func matchTCPPort(src bool, port uint16) []expr.Any {
	off := uint32(2)
	if src {
		off = 0
	}
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_TCP}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: off, Len: 2},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binaryutil.BigEndian.PutUint16(port)},
	}
}

// matchEstablished is "ct state established,related".
func matchEstablished() []expr.Any {
	return []expr.Any{
		&expr.Ct{Register: 1, Key: expr.CtKeySTATE},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4,
			Mask: binaryutil.NativeEndian.PutUint32(expr.CtStateBitESTABLISHED | expr.CtStateBitRELATED),
			Xor:  binaryutil.NativeEndian.PutUint32(0)},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: binaryutil.NativeEndian.PutUint32(0)},
	}
}

// matchICMPv6Type is "icmpv6 type T" (neighbour discovery must pass for
// an IPv6 management address to stay reachable).
func matchICMPv6Type(typ byte) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_ICMPV6}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{typ}},
	}
}

// then is a rule's final verdict.
func then(v expr.Any) []expr.Any { return []expr.Any{v} }

func join(parts ...[]expr.Any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// baseChain is a filter chain on the input or output hook.
func baseChain(t *nftables.Table, in bool, policy nftables.ChainPolicy) *nftables.Chain {
	name, hook := "output", nftables.ChainHookOutput
	if in {
		name, hook = "input", nftables.ChainHookInput
	}
	return &nftables.Chain{Name: name, Table: t, Type: nftables.ChainTypeFilter,
		Hooknum: hook, Priority: nftables.ChainPriorityFilter, Policy: &policy}
}

// checkChain reads a base chain back and compares hook and policy.
func checkChain(conn *nftables.Conn, want *nftables.Chain) (*nftables.Chain, error) {
	got, err := conn.ListChain(want.Table, want.Name)
	if err != nil {
		return nil, fmt.Errorf("reading chain %s %s: %w", want.Table.Name, want.Name, err)
	}
	if got.Hooknum == nil || *got.Hooknum != *want.Hooknum || got.Policy == nil || *got.Policy != *want.Policy {
		return nil, fmt.Errorf("chain %s %s has another hook or policy", want.Table.Name, want.Name)
	}
	return got, nil
}
