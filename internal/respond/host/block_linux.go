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

// blockCapture is what host.block_ip records before applying.
type blockCapture struct {
	IP string `json:"ip"`
	// TableExisted says Causeway's table was there already; Blocked lists
	// the tags of the rules it held then.
	TableExisted bool     `json:"table_existed"`
	Blocked      []string `json:"blocked,omitempty"`
}

// blockRules are the two drop rules of one block_ip action, tagged with
// its id so that undo removes its own rules and no other action's.
func blockRules(a *action.Action, ip netip.Addr) (in, out ruleSpec) {
	tag := "causeway block " + a.ID.String() + " " + ip.String()
	return ruleSpec{tag + " in", join(matchAddr(true, ip), then(drop()))},
		ruleSpec{tag + " out", join(matchAddr(false, ip), then(drop()))}
}

// blockState reads Causeway's table: the table (nil if absent), its two
// chains and their rules.
type blockState struct {
	table            *nftables.Table
	in, out          *nftables.Chain
	inRules, outRule []*nftables.Rule
}

func readBlock(conn *nftables.Conn) (blockState, error) {
	var st blockState
	t, err := findTable(conn, blockTable)
	if err != nil || t == nil {
		return st, err
	}
	st.table = t
	for _, side := range []struct {
		want  *nftables.Chain
		ch    **nftables.Chain
		rules *[]*nftables.Rule
	}{
		{baseChain(t, true, nftables.ChainPolicyAccept), &st.in, &st.inRules},
		{baseChain(t, false, nftables.ChainPolicyAccept), &st.out, &st.outRule},
	} {
		ch, err := checkChain(conn, side.want)
		if err != nil {
			return st, err
		}
		rules, err := conn.GetRules(t, ch)
		if err != nil {
			return st, fmt.Errorf("reading rules of %s %s: %w", blockTable, ch.Name, err)
		}
		*side.ch, *side.rules = ch, rules
	}
	return st, nil
}

func findRule(rules []*nftables.Rule, tag string) *nftables.Rule {
	for _, r := range rules {
		if ruleTag(r) == tag {
			return r
		}
	}
	return nil
}

func (c *Connector) blockCapture(_ context.Context, a *action.Action) ([]byte, error) {
	ip, err := blockTarget(a)
	if err != nil {
		return nil, err
	}
	conn, release, err := c.open()
	if err != nil {
		return nil, err
	}
	defer release()
	st, err := readBlock(conn)
	if err != nil {
		return nil, err
	}
	cp := blockCapture{IP: ip.String(), TableExisted: st.table != nil}
	for _, r := range append(st.inRules, st.outRule...) {
		cp.Blocked = append(cp.Blocked, ruleTag(r))
	}
	return json.Marshal(cp)
}

// blockApply adds the action's rules unless they are there already.
func (c *Connector) blockApply(_ context.Context, a *action.Action) error {
	ip, err := blockTarget(a)
	if err != nil {
		return err
	}
	conn, release, err := c.open()
	if err != nil {
		return err
	}
	defer release()
	st, err := readBlock(conn)
	if err != nil {
		return err
	}
	t := st.table
	if t == nil {
		t = conn.AddTable(&nftables.Table{Family: nftables.TableFamilyINet, Name: blockTable})
		st.in = conn.AddChain(baseChain(t, true, nftables.ChainPolicyAccept))
		st.out = conn.AddChain(baseChain(t, false, nftables.ChainPolicyAccept))
	}
	in, out := blockRules(a, ip)
	if findRule(st.inRules, in.tag) == nil {
		conn.AddRule(in.rule(t, st.in))
	}
	if findRule(st.outRule, out.tag) == nil {
		conn.AddRule(out.rule(t, st.out))
	}
	if err := conn.Flush(); err != nil {
		return fmt.Errorf("writing block rules: %w", err)
	}
	return nil
}

// blockVerify reads both rules back and compares their expressions.
func (c *Connector) blockVerify(_ context.Context, a *action.Action) error {
	ip, err := blockTarget(a)
	if err != nil {
		return err
	}
	conn, release, err := c.open()
	if err != nil {
		return err
	}
	defer release()
	st, err := readBlock(conn)
	if err != nil {
		return err
	}
	if st.table == nil {
		return fmt.Errorf("table inet %s is missing", blockTable)
	}
	in, out := blockRules(a, ip)
	for _, x := range []struct {
		rules []*nftables.Rule
		spec  ruleSpec
	}{{st.inRules, in}, {st.outRule, out}} {
		r := findRule(x.rules, x.spec.tag)
		if r == nil || !sameExprs(r.Exprs, x.spec.exprs) {
			return fmt.Errorf("rule %q is missing or altered", x.spec.tag)
		}
	}
	return nil
}

// blockUndo removes the action's rules, and Causeway's table once it
// holds no rule.
func (c *Connector) blockUndo(_ context.Context, a *action.Action, captured []byte) error {
	if len(captured) == 0 {
		return errNoCapture
	}
	ip, err := blockTarget(a)
	if err != nil {
		return err
	}
	conn, release, err := c.open()
	if err != nil {
		return err
	}
	defer release()
	st, err := readBlock(conn)
	if err != nil || st.table == nil {
		return err
	}
	in, out := blockRules(a, ip)
	left := len(st.inRules) + len(st.outRule)
	for _, r := range []*nftables.Rule{findRule(st.inRules, in.tag), findRule(st.outRule, out.tag)} {
		if r != nil {
			if err := conn.DelRule(r); err != nil {
				return fmt.Errorf("deleting rule %q: %w", ruleTag(r), err)
			}
			left--
		}
	}
	if left == 0 {
		conn.DelTable(st.table)
	}
	if err := conn.Flush(); err != nil {
		return fmt.Errorf("deleting block rules: %w", err)
	}
	return nil
}
