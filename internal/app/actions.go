package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// ActionsConfig is what `causeway actions` takes.
type ActionsConfig struct {
	Respond RespondConfig // State, and Agents for approve and undo
	User    string        // who approves, denies or undoes
	Why     string        // a denial's reason
	Output  string
}

// Actions lists the actions of a response's state directory; approves,
// denies, undoes or confirms (keeps past its time to live) one by id or a
// unique prefix of it; or expires: undoes what outlived its time to live
// unconfirmed.
func Actions(ctx context.Context, cfg ActionsConfig, deps Deps, verb string, ids []string) error {
	if cfg.Respond.State == "" {
		return errNoState
	}
	if cfg.Output != "text" && cfg.Output != "json" {
		return fmt.Errorf("unknown output %q: want text or json", cfg.Output)
	}
	r := cfg.Respond
	r.Mode = "enforce"
	if verb == "list" || verb == "deny" || verb == "confirm" {
		r.Mode, r.Agents = "monitor", "" // no connector needed
	}
	ex, closeEx, err := openExecutor(ctx, r, deps)
	if err != nil {
		return err
	}
	defer closeEx()
	var out []action.Action
	switch verb {
	case "list":
		out = ex.List()
	case "expire":
		// Undo what outlived its time to live unconfirmed.
		if err := ex.Tick(ctx, deps.Now()); err != nil {
			return err
		}
		out = ex.List()
	default:
		if len(ids) == 0 {
			return fmt.Errorf("actions %s: name the action id", verb)
		}
		if cfg.User == "" {
			return fmt.Errorf("actions %s: say who you are with --user", verb)
		}
		for _, prefix := range ids {
			id, err := resolveAction(ex.List(), prefix)
			if err != nil {
				return err
			}
			var a action.Action
			switch verb {
			case "approve":
				a, err = ex.Approve(ctx, id, cfg.User)
			case "deny":
				a, err = ex.Reject(id, cfg.User, cfg.Why)
			case "undo":
				a, err = ex.Undo(ctx, id, cfg.User)
			case "confirm":
				a, err = ex.Confirm(id, cfg.User)
			default:
				return fmt.Errorf("actions: unknown %q: want list, approve, deny, undo, confirm or expire", verb)
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", verb, prefix, err)
			}
			out = append(out, a)
		}
	}
	if cfg.Output == "json" {
		enc := json.NewEncoder(deps.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, a := range out {
		fmt.Fprintf(deps.Stdout, "%s  %-10s %-12s %s %s\n", a.ID.String()[:12], a.Decision, a.State, a.Kind, a.Target.ID)
	}
	return nil
}

// resolveAction finds the action whose id starts with prefix.
func resolveAction(all []action.Action, prefix string) (event.ID, error) {
	prefix = strings.ToLower(prefix)
	var found []event.ID
	for _, a := range all {
		if strings.HasPrefix(a.ID.String(), prefix) {
			found = append(found, a.ID)
		}
	}
	switch len(found) {
	case 0:
		return event.ID{}, fmt.Errorf("no action %s", prefix)
	case 1:
		return found[0], nil
	}
	return event.ID{}, fmt.Errorf("%d actions start with %s: give more of the id", len(found), prefix)
}
