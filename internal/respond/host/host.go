// Package host is the Linux host connector, run by the agent on the host
// it contains: it isolates the host with an nftables table of its own
// that leaves only the management channel open, kills a process (checking
// its start time, since pids are reused), moves a file into a vault with
// its hash, path, mode and owner, locks a local account in the shadow
// file, and blocks an IP address in Causeway's nftables table. Each action
// captures what it changes first, verifies by reading the state back, and
// undoes from the capture (kill excepted: not reversible).
//
// Targets come from the action's parameters (see the Param constants) and
// are validated strictly: absolute clean paths, numeric pids, addresses
// parsed with net/netip, conservative account names; a value holding a
// shell metacharacter is refused. Nothing here runs a shell or another
// program: nftables is driven over netlink, /etc/shadow edited in Go.
package host

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/respond"
)

// Config configures a Connector.
type Config struct {
	// VaultDir holds quarantined files, one directory per action; it is
	// created with mode 0700. Required for host.quarantine_file.
	VaultDir string
	// ShadowPath is the shadow password file host.lock_account edits;
	// empty means /etc/shadow. Edits hold the lock file .pwd.lock beside
	// it, as lckpwdf(3) does.
	ShadowPath string
	// NetNS, when set, is the path of the network namespace whose
	// firewall isolate and block_ip change (e.g. /run/netns/NAME); empty
	// means the agent's own.
	NetNS string
	// KillWait bounds how long Apply waits for a killed process to be
	// gone; 0 means 5 s.
	KillWait time.Duration
}

// Deps are the connector's collaborators.
type Deps struct {
	Logger *slog.Logger // nil: discard
}

// Connector serves the host.* kinds on the machine (or network
// namespace) it runs in. It is safe for concurrent use: firewall changes
// and shadow edits are serialized by a lock; the other kinds act on their
// own target only.
type Connector struct {
	cfg Config
	log *slog.Logger
	mu  sync.Mutex // serializes nftables batches and shadow edits
	ops map[action.Kind]ops
}

// ops are one kind's four steps.
type ops struct {
	capture func(ctx context.Context, a *action.Action) ([]byte, error)
	apply   func(ctx context.Context, a *action.Action) error
	verify  func(ctx context.Context, a *action.Action) error
	undo    func(ctx context.Context, a *action.Action, captured []byte) error
}

// New returns a connector. Nothing on the host is touched until an action
// is applied.
func New(cfg Config, deps Deps) (*Connector, error) {
	if cfg.ShadowPath == "" {
		cfg.ShadowPath = "/etc/shadow"
	}
	if cfg.KillWait <= 0 {
		cfg.KillWait = 5 * time.Second
	}
	for name, p := range map[string]string{"vault": cfg.VaultDir, "shadow": cfg.ShadowPath, "netns": cfg.NetNS} {
		if p != "" && !filepath.IsAbs(p) {
			return nil, fmt.Errorf("configuring host connector: %s path %q is not absolute", name, p)
		}
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Connector{cfg: cfg, log: deps.Logger}
	c.ops = c.kindOps()
	return c, nil
}

// Kinds implements respond.Connector.
func (c *Connector) Kinds() []action.Kind {
	return []action.Kind{action.HostIsolate, action.HostKillProcess, action.HostQuarantineFile,
		action.HostLockAccount, action.HostBlockIP}
}

func (c *Connector) kind(a *action.Action) (ops, error) {
	o, ok := c.ops[a.Kind]
	if !ok {
		return ops{}, fmt.Errorf("host connector: kind %q not served", a.Kind)
	}
	return o, nil
}

// Capture implements respond.Connector.
func (c *Connector) Capture(ctx context.Context, a *action.Action) ([]byte, error) {
	o, err := c.kind(a)
	if err != nil {
		return nil, err
	}
	b, err := o.capture(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("capturing %s: %w", a.Kind, err)
	}
	return b, nil
}

// Apply implements respond.Connector.
func (c *Connector) Apply(ctx context.Context, a *action.Action) error {
	o, err := c.kind(a)
	if err != nil {
		return err
	}
	if err := o.apply(ctx, a); err != nil {
		return fmt.Errorf("applying %s: %w", a.Kind, err)
	}
	c.log.Info("host action applied", "kind", string(a.Kind), "action", a.ID.String())
	return nil
}

// Verify implements respond.Connector.
func (c *Connector) Verify(ctx context.Context, a *action.Action) error {
	o, err := c.kind(a)
	if err != nil {
		return err
	}
	if err := o.verify(ctx, a); err != nil {
		return fmt.Errorf("verifying %s: %w", a.Kind, err)
	}
	return nil
}

// Undo implements respond.Connector.
func (c *Connector) Undo(ctx context.Context, a *action.Action, captured []byte) error {
	o, err := c.kind(a)
	if err != nil {
		return err
	}
	if err := o.undo(ctx, a, captured); err != nil {
		if errors.Is(err, respond.ErrIrreversible) {
			return err
		}
		return fmt.Errorf("undoing %s: %w", a.Kind, err)
	}
	c.log.Info("host action undone", "kind", string(a.Kind), "action", a.ID.String())
	return nil
}

// errNoCapture is returned by steps that need the capture and got none.
var errNoCapture = errors.New("no capture: Capture must run first")

// mkdirPrivate creates a directory readable by its owner only.
func mkdirPrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

var _ respond.Connector = (*Connector)(nil)
