package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/respond"
	"github.com/causeway-soc/causeway/internal/respond/agent"
	"github.com/causeway-soc/causeway/internal/respond/audit"
	"github.com/causeway-soc/causeway/internal/respond/aws"
	"github.com/causeway-soc/causeway/internal/respond/executor"
	"github.com/causeway-soc/causeway/internal/respond/idp"
	"github.com/causeway-soc/causeway/internal/respond/notify"
)

// connectors builds what enforce mode acts through: the host agents named
// in the agents file, AWS when a region is configured (AWS_REGION), Okta
// or Entra ID when their variables are set, and the signed webhook
// (CAUSEWAY_WEBHOOK_URL, CAUSEWAY_WEBHOOK_SECRET) and Slack
// (CAUSEWAY_SLACK_WEBHOOK_URL) notifications. Kinds nothing serves fail
// when an action of theirs is applied, and the failure is audited.
func connectors(cfg RespondConfig, deps Deps) (executor.Connectors, error) {
	var cs []respond.Connector
	if cfg.Agents != "" {
		hosts, err := loadAgents(cfg.Agents)
		if err != nil {
			return nil, err
		}
		cs = append(cs, hosts)
	}
	if region := os.Getenv("AWS_REGION"); region != "" {
		awsCfg, err := aws.LoadAWSConfig(context.Background(), region)
		if err != nil {
			return nil, err
		}
		c, err := aws.New(aws.Config{}, aws.Deps{AWS: awsCfg, Logger: deps.Logger, Now: deps.Now})
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	if icfg := idp.ConfigFromEnv(os.Getenv); icfg.Okta != nil || icfg.Entra != nil {
		c, err := idp.New(icfg, idp.Deps{Logger: deps.Logger, Now: deps.Now})
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	var ncfg notify.Config
	if u := os.Getenv("CAUSEWAY_WEBHOOK_URL"); u != "" {
		ncfg.Webhook = &notify.WebhookConfig{URL: u, Secrets: []string{os.Getenv("CAUSEWAY_WEBHOOK_SECRET")}}
	}
	if u := os.Getenv("CAUSEWAY_SLACK_WEBHOOK_URL"); u != "" {
		ncfg.Slack = &notify.SlackConfig{URL: u}
	}
	if ncfg.Webhook != nil || ncfg.Slack != nil {
		c, err := notify.New(ncfg, notify.Deps{Logger: deps.Logger, Now: deps.Now})
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return executor.NewConnectors(cs...)
}

// hostAgents routes host actions to the agent on the target's host.
type hostAgents struct {
	byHost map[string]*agent.Client // by host entity id
	kinds  []action.Kind
}

// loadAgents reads a YAML file of host entity id -> {url, key_file}.
func loadAgents(path string) (*hostAgents, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading agents file: %w", err)
	}
	var file map[string]struct {
		URL     string `yaml:"url"`
		KeyFile string `yaml:"key_file"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("reading agents file %s: %w", path, err)
	}
	h := &hostAgents{byHost: map[string]*agent.Client{},
		kinds: []action.Kind{action.HostIsolate, action.HostKillProcess, action.HostQuarantineFile, action.HostLockAccount, action.HostBlockIP}}
	for host, a := range file {
		key, err := audit.LoadKey(a.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("agent of %s: %w", host, err)
		}
		c, err := agent.NewClient(agent.ClientConfig{URL: a.URL, Key: key, Kinds: h.kinds}, agent.ClientDeps{})
		if err != nil {
			return nil, fmt.Errorf("agent of %s: %w", host, err)
		}
		if !strings.HasPrefix(host, "host:") {
			host = "host:" + strings.ToLower(host)
		}
		h.byHost[host] = c
	}
	return h, nil
}

func (h *hostAgents) Kinds() []action.Kind { return h.kinds }

// client finds the agent of the action's host: the target itself, or the
// host its id is scoped to ("process:ws1/..." is on host:ws1).
func (h *hostAgents) client(a *action.Action) (*agent.Client, error) {
	host := a.Params["host"]
	if host == "" {
		id := a.Target.ID
		if strings.HasPrefix(id, "host:") {
			host = id
		} else if _, rest, ok := strings.Cut(id, ":"); ok {
			if name, _, ok := strings.Cut(rest, "/"); ok {
				host = "host:" + name
			}
		}
	}
	if !strings.HasPrefix(host, "host:") {
		host = "host:" + host
	}
	c, ok := h.byHost[host]
	if !ok {
		return nil, fmt.Errorf("no agent configured for %s", host)
	}
	return c, nil
}

func (h *hostAgents) Capture(ctx context.Context, a *action.Action) ([]byte, error) {
	c, err := h.client(a)
	if err != nil {
		return nil, err
	}
	return c.Capture(ctx, a)
}

func (h *hostAgents) Apply(ctx context.Context, a *action.Action) error {
	c, err := h.client(a)
	if err != nil {
		return err
	}
	return c.Apply(ctx, a)
}

func (h *hostAgents) Verify(ctx context.Context, a *action.Action) error {
	c, err := h.client(a)
	if err != nil {
		return err
	}
	return c.Verify(ctx, a)
}

func (h *hostAgents) Undo(ctx context.Context, a *action.Action, captured []byte) error {
	c, err := h.client(a)
	if err != nil {
		return err
	}
	return c.Undo(ctx, a, captured)
}

var _ respond.Connector = (*hostAgents)(nil)

// errNoState is returned by `actions` without a state directory.
var errNoState = errors.New("name the state directory of the response with --state DIR")
