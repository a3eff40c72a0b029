package app

import (
	"context"
	"fmt"

	"github.com/causeway-soc/causeway/internal/respond/agent"
	"github.com/causeway-soc/causeway/internal/respond/audit"
	"github.com/causeway-soc/causeway/internal/respond/host"
)

// AuditVerify checks an audit log's hash chain and prints what it found; it
// returns an error when the log was tampered with.
func AuditVerify(deps Deps, path, keyFile, output string) error {
	if output != "text" && output != "json" {
		return fmt.Errorf("unknown output %q: want text or json", output)
	}
	var key []byte
	if keyFile != "" {
		var err error
		if key, err = audit.LoadKey(keyFile); err != nil {
			return err
		}
	}
	return audit.VerifyCommand(deps.Stdout, path, key, output == "json")
}

// AgentConfig is what `causeway agent` takes.
type AgentConfig struct {
	Listen, KeyFile, Vault string
}

// Agent serves the host connector to the engine until ctx ends.
func Agent(ctx context.Context, cfg AgentConfig, deps Deps) error {
	return agent.Run(ctx, agent.Config{
		Listen:  cfg.Listen,
		KeyFile: cfg.KeyFile,
		Host:    host.Config{VaultDir: cfg.Vault},
		Logger:  deps.Logger,
	})
}
