package agent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/causeway-soc/causeway/internal/respond/host"
)

// Config configures `causeway agent`.
type Config struct {
	// Listen is the TCP address to serve on, "ADDR:PORT".
	Listen string
	// KeyFile holds the shared key: its content, surrounding white space
	// trimmed, at least MinKeyLen bytes (e.g. 64 hex digits from
	// `openssl rand -hex 32`). The file must not be readable by group or
	// others.
	KeyFile string
	// Host configures the host connector; an empty VaultDir means
	// DefaultVaultDir.
	Host host.Config
	// Logger receives the agent's log; nil discards it.
	Logger *slog.Logger
	// Ready, when set, is called with the listening address once the
	// agent accepts connections.
	Ready func(net.Addr)
}

// DefaultVaultDir is where quarantined files go unless configured.
const DefaultVaultDir = "/var/lib/causeway/vault"

// Run serves the agent until ctx is cancelled, then shuts down, letting
// requests in progress finish for up to 10 s.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	key, err := LoadKey(cfg.KeyFile)
	if err != nil {
		return err
	}
	if cfg.Host.VaultDir == "" {
		cfg.Host.VaultDir = DefaultVaultDir
	}
	conn, err := host.New(cfg.Host, host.Deps{Logger: cfg.Logger})
	if err != nil {
		return err
	}
	srv, err := NewServer(key, ServerDeps{Connector: conn, Logger: cfg.Logger})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("starting agent: %w", err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	cfg.Logger.Info("agent listening", "addr", ln.Addr().String())
	if cfg.Ready != nil {
		cfg.Ready(ln.Addr())
	}
	select {
	case err := <-served:
		return fmt.Errorf("serving agent: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("stopping agent: %w", err)
	}
	return nil
}

// LoadKey reads a shared key file, refusing one that group or others can
// read or that is too short.
func LoadKey(path string) ([]byte, error) {
	if path == "" {
		return nil, errors.New("loading agent key: no key file")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("loading agent key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("loading agent key: %s has mode %v, want no access for group and others", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading agent key: %w", err)
	}
	key := bytes.TrimSpace(b)
	if err := checkKey(key); err != nil {
		return nil, fmt.Errorf("loading agent key %s: %w", path, err)
	}
	return key, nil
}
