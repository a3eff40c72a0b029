//go:build linux

package host

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/google/nftables"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// isolateCapture is what host.isolate records before applying.
type isolateCapture struct {
	Management string `json:"management"`
	// TableExisted says Causeway's isolation table was already there
	// (from an earlier isolation); Tables lists every table of the host's
	// ruleset, which isolation leaves as it is.
	TableExisted bool     `json:"table_existed"`
	Tables       []string `json:"tables"`
}

// isolateRules are the rules of the isolation table: loopback, and TCP
// with the management address on the management port. Everything else
// hits the drop policy, connections already open included.
//
// When the agent listens on the port (the usual case), connections from
// the management address to it are accepted in, and packets from it to
// the management address out, without conntrack: a connection open
// before isolation (the very request that applies it) is then not cut,
// whereas conntrack, started in a namespace only by its first ct rule,
// would take its next packet for a new one. Only a process bound to the
// port can send from it, and the agent holds it. When the agent dials
// the engine's port instead, connections to it are accepted out and
// only established replies in, so that the engine's address cannot open
// connections to other ports by choosing its source port.
func isolateRules(mgmt netip.AddrPort) (in, out []ruleSpec) {
	ip, port := mgmt.Addr(), mgmt.Port()
	in = []ruleSpec{
		{"causeway isolate: loopback", join(matchIface(true, "lo"), then(accept()))},
		{"causeway isolate: management to agent", join(matchAddr(true, ip), matchTCPPort(false, port), then(accept()))},
		{"causeway isolate: management replies", join(matchAddr(true, ip), matchTCPPort(true, port), matchEstablished(), then(accept()))},
	}
	out = []ruleSpec{
		{"causeway isolate: loopback", join(matchIface(false, "lo"), then(accept()))},
		{"causeway isolate: agent to management", join(matchAddr(false, ip), matchTCPPort(true, port), then(accept()))},
		{"causeway isolate: management dial", join(matchAddr(false, ip), matchTCPPort(false, port), then(accept()))},
	}
	if ip.Is6() {
		for _, typ := range []byte{135, 136} { // neighbour solicitation, advertisement
			in = append(in, ruleSpec{fmt.Sprintf("causeway isolate: icmpv6 %d", typ), join(matchICMPv6Type(typ), then(accept()))})
			out = append(out, ruleSpec{fmt.Sprintf("causeway isolate: icmpv6 %d", typ), join(matchICMPv6Type(typ), then(accept()))})
		}
	}
	return in, out
}

func (c *Connector) isolateCapture(_ context.Context, a *action.Action) ([]byte, error) {
	mgmt, err := isolateTarget(a)
	if err != nil {
		return nil, err
	}
	conn, release, err := c.open()
	if err != nil {
		return nil, err
	}
	defer release()
	t, err := findTable(conn, isolateTable)
	if err != nil {
		return nil, err
	}
	names, err := tableNames(conn)
	if err != nil {
		return nil, err
	}
	return json.Marshal(isolateCapture{Management: mgmt.String(), TableExisted: t != nil, Tables: names})
}

// isolateApply replaces the isolation table in one atomic batch: applying
// again gives the same ruleset, and there is no moment without it.
func (c *Connector) isolateApply(_ context.Context, a *action.Action) error {
	mgmt, err := isolateTarget(a)
	if err != nil {
		return err
	}
	conn, release, err := c.open()
	if err != nil {
		return err
	}
	defer release()
	old, err := findTable(conn, isolateTable)
	if err != nil {
		return err
	}
	if old != nil {
		conn.DelTable(old)
	}
	t := conn.AddTable(&nftables.Table{Family: nftables.TableFamilyINet, Name: isolateTable})
	in := conn.AddChain(baseChain(t, true, nftables.ChainPolicyDrop))
	out := conn.AddChain(baseChain(t, false, nftables.ChainPolicyDrop))
	rin, rout := isolateRules(mgmt)
	for _, r := range rin {
		conn.AddRule(r.rule(t, in))
	}
	for _, r := range rout {
		conn.AddRule(r.rule(t, out))
	}
	if err := conn.Flush(); err != nil {
		return fmt.Errorf("writing isolation table: %w", err)
	}
	return nil
}

// isolateVerify reads the table back: both chains with a drop policy and
// exactly the rules written, in order.
func (c *Connector) isolateVerify(_ context.Context, a *action.Action) error {
	mgmt, err := isolateTarget(a)
	if err != nil {
		return err
	}
	conn, release, err := c.open()
	if err != nil {
		return err
	}
	defer release()
	t, err := findTable(conn, isolateTable)
	if err != nil {
		return err
	}
	if t == nil {
		return fmt.Errorf("table inet %s is missing", isolateTable)
	}
	rin, rout := isolateRules(mgmt)
	for _, side := range []struct {
		chain *nftables.Chain
		rules []ruleSpec
	}{{baseChain(t, true, nftables.ChainPolicyDrop), rin}, {baseChain(t, false, nftables.ChainPolicyDrop), rout}} {
		ch, err := checkChain(conn, side.chain)
		if err != nil {
			return err
		}
		got, err := conn.GetRules(t, ch)
		if err != nil {
			return fmt.Errorf("reading rules of %s: %w", ch.Name, err)
		}
		if len(got) != len(side.rules) {
			return fmt.Errorf("chain %s has %d rules, want %d", ch.Name, len(got), len(side.rules))
		}
		for i, r := range side.rules {
			if ruleTag(got[i]) != r.tag || !sameExprs(got[i].Exprs, r.exprs) {
				return fmt.Errorf("chain %s rule %d is not %q", ch.Name, i, r.tag)
			}
		}
	}
	return nil
}

// isolateUndo deletes the isolation table; gone already is done.
func (c *Connector) isolateUndo(_ context.Context, _ *action.Action, captured []byte) error {
	if len(captured) == 0 {
		return errNoCapture
	}
	conn, release, err := c.open()
	if err != nil {
		return err
	}
	defer release()
	t, err := findTable(conn, isolateTable)
	if err != nil || t == nil {
		return err
	}
	conn.DelTable(t)
	if err := conn.Flush(); err != nil {
		return fmt.Errorf("deleting isolation table: %w", err)
	}
	return nil
}
