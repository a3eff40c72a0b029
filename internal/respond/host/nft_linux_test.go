//go:build linux

package host

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/google/nftables"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

var nsSeq atomic.Int32

// testNetNS creates an empty network namespace for the test and returns
// its path; the connector changes the firewall there, never the host's.
func testNetNS(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: nftables is tested inside a network namespace, which needs root")
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("skipping: no ip command to create a network namespace")
	}
	name := fmt.Sprintf("cwh-%d-%d", os.Getpid(), nsSeq.Add(1))
	if out, err := exec.Command(ip, "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("skipping: ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(ip, "netns", "delete", name).Run() })
	return "/run/netns/" + name
}

// hostTables lists the tables of the test process's own namespace, read
// only, to show the tests leave them alone.
func hostTables(t *testing.T) []string {
	t.Helper()
	conn, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	names, err := tableNames(conn)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func nsTables(t *testing.T, c *Connector) []string {
	t.Helper()
	conn, done, err := c.nft()
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	names, err := tableNames(conn)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestIsolateRuleset(t *testing.T) {
	ns := testNetNS(t)
	before := hostTables(t)
	c := newConnector(t, Config{NetNS: ns})
	ctx := context.Background()
	a := act(action.HostIsolate, map[string]string{ParamManagement: "10.77.0.2:7443"})

	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Captured = b
	for range 2 { // idempotent
		if err := c.Apply(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := c.Verify(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if got := nsTables(t, c); !slices.Equal(got, []string{fmt.Sprintf("%d %s", nftables.TableFamilyINet, isolateTable)}) {
		t.Fatalf("tables in the namespace: %v", got)
	}

	// Someone removes the management rule: verify sees it, apply mends it.
	conn, done, err := c.nft()
	if err != nil {
		t.Fatal(err)
	}
	tbl := &nftables.Table{Family: nftables.TableFamilyINet, Name: isolateTable}
	rules, err := conn.GetRules(tbl, &nftables.Chain{Name: "input", Table: tbl})
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.DelRule(rules[1]); err != nil {
		t.Fatal(err)
	}
	if err := conn.Flush(); err != nil {
		t.Fatal(err)
	}
	done()
	if err := c.Verify(ctx, a); err == nil {
		t.Fatal("verify missed a deleted rule")
	}
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}

	// Another management address is another ruleset.
	other := act(action.HostIsolate, map[string]string{ParamManagement: "10.77.0.9:7443"})
	if err := c.Verify(ctx, other); err == nil {
		t.Fatal("verify accepted rules for another management address")
	}

	for range 2 {
		if err := c.Undo(ctx, a, b); err != nil {
			t.Fatal(err)
		}
	}
	if got := nsTables(t, c); len(got) != 0 {
		t.Fatalf("tables left after undo: %v", got)
	}
	if err := c.Verify(ctx, a); err == nil {
		t.Fatal("verify passed after undo")
	}
	if after := hostTables(t); !slices.Equal(before, after) {
		t.Fatalf("the test's own ruleset changed: %v -> %v", before, after)
	}
}

func TestIsolateIPv6Management(t *testing.T) {
	ns := testNetNS(t)
	c := newConnector(t, Config{NetNS: ns})
	ctx := context.Background()
	a := act(action.HostIsolate, map[string]string{ParamManagement: "[fd00:77::2]:7443"})
	b, err := c.Capture(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Captured = b
	if err := c.Apply(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.Undo(ctx, a, b); err != nil {
		t.Fatal(err)
	}
}

func TestBlockIPRuleset(t *testing.T) {
	ns := testNetNS(t)
	before := hostTables(t)
	c := newConnector(t, Config{NetNS: ns})
	ctx := context.Background()
	blocks := []*action.Action{
		act(action.HostBlockIP, map[string]string{ParamIP: "203.0.113.7"}),
		act(action.HostBlockIP, map[string]string{ParamIP: "2001:db8::7"}),
	}
	blocks[1].ID = event.NewID("second")
	for _, a := range blocks {
		b, err := c.Capture(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		a.Captured = b
		for range 2 {
			if err := c.Apply(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Verify(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	st := readBlockT(t, c)
	if len(st.inRules) != 2 || len(st.outRule) != 2 {
		t.Fatalf("%d in and %d out rules, want 2 and 2 (applying twice adds nothing)", len(st.inRules), len(st.outRule))
	}
	// Undoing one block leaves the other.
	if err := c.Undo(ctx, blocks[0], blocks[0].Captured); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(ctx, blocks[0]); err == nil {
		t.Fatal("first block still verified after its undo")
	}
	if err := c.Verify(ctx, blocks[1]); err != nil {
		t.Fatalf("second block lost: %v", err)
	}
	for range 2 {
		if err := c.Undo(ctx, blocks[1], blocks[1].Captured); err != nil {
			t.Fatal(err)
		}
	}
	if got := nsTables(t, c); len(got) != 0 {
		t.Fatalf("tables left after undo: %v", got)
	}
	if after := hostTables(t); !slices.Equal(before, after) {
		t.Fatalf("the test's own ruleset changed: %v -> %v", before, after)
	}
}

func readBlockT(t *testing.T, c *Connector) blockState {
	t.Helper()
	conn, done, err := c.nft()
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	st, err := readBlock(conn)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
