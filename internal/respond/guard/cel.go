package guard

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"
	"gopkg.in/yaml.v3"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// The variables a rule sees. Their fields are named by the cel tags; a
// rule that names a field that does not exist fails to compile.
type (
	celAction struct {
		ID         string            `cel:"id"`
		Kind       string            `cel:"kind"`
		Target     celTarget         `cel:"target"`
		Fidelity   string            `cel:"fidelity"`
		Cost       float64           `cel:"cost"`
		Params     map[string]string `cel:"params"`
		TTL        time.Duration     `cel:"ttl"`
		Confidence float64           `cel:"confidence"`
	}
	celTarget struct {
		Kind string `cel:"kind"`
		ID   string `cel:"id"`
		Name string `cel:"name"`
	}
	celIncident struct {
		ID         string  `cel:"id"`
		Severity   string  `cel:"severity"`
		Confidence float64 `cel:"confidence"`
	}
	celEvidence struct {
		Trusted bool `cel:"trusted"`
	}
)

// newEnv declares the variables rules may use.
func newEnv() (*cel.Env, error) {
	return cel.NewEnv(
		ext.NativeTypes(
			reflect.TypeFor[celAction](),
			reflect.TypeFor[celIncident](),
			reflect.TypeFor[celEvidence](),
			reflect.TypeFor[Asset](),
			ext.ParseStructTags(true),
		),
		ext.Strings(),
		cel.Variable("action", cel.ObjectType("guard.celAction")),
		cel.Variable("asset", cel.ObjectType("guard.Asset")),
		cel.Variable("incident", cel.ObjectType("guard.celIncident")),
		cel.Variable("evidence", cel.ObjectType("guard.celEvidence")),
		cel.Variable("now", cel.TimestampType),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.ParserExpressionSizeLimit(maxExprChars),
	)
}

// compileRule type-checks a rule's condition and plans it with a cost
// limit. Errors carry the line of the condition in the policy file.
func compileRule(env *cel.Env, r rawRule, costLimit uint64) (cel.Program, error) {
	ast, iss := env.Compile(r.when)
	if iss != nil && iss.Err() != nil {
		errs := iss.Errors()
		msgs := make([]string, 0, len(errs))
		line := r.whenNode.Line
		for i, e := range errs {
			if i == 0 && r.whenNode.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				// A block scalar starts on the line after its indicator.
				line += max(e.Location.Line(), 1)
			}
			msgs = append(msgs, fmt.Sprintf("%s (column %d)", e.Message, e.Location.Column()+1))
		}
		return nil, &lineError{line: line, msg: fmt.Sprintf("rule %q: when: %s", r.name, strings.Join(msgs, "; "))}
	}
	if ast.OutputType() != cel.BoolType {
		return nil, errAt(r.whenNode, "rule %q: when: is %s, want a bool", r.name, ast.OutputType())
	}
	prog, err := env.Program(ast,
		cel.CostLimit(costLimit),
		cel.InterruptCheckFrequency(100),
		cel.EvalOptions(cel.OptOptimize),
	)
	if err != nil {
		return nil, errAt(r.whenNode, "rule %q: planning: %v", r.name, err)
	}
	return prog, nil
}

// vars builds the rule inputs. Values are bound, never parsed: a target
// name is a string to CEL whatever characters it holds.
func vars(a *action.Action, asset Asset, c Context, now time.Time) map[string]any {
	params := a.Params
	if params == nil {
		params = map[string]string{}
	}
	if asset.Tags == nil {
		asset.Tags = []string{}
	}
	return map[string]any{
		"action": celAction{
			ID:         a.ID.String(),
			Kind:       string(a.Kind),
			Target:     celTarget{Kind: string(a.Target.Kind), ID: a.Target.ID, Name: a.Target.Name},
			Fidelity:   string(fidelity(a.Fidelity)),
			Cost:       a.Cost,
			Params:     params,
			TTL:        a.TTL,
			Confidence: a.Reason.Confidence,
		},
		"asset":    asset,
		"incident": celIncident{ID: a.Reason.Incident.String(), Severity: c.Severity, Confidence: c.Confidence},
		"evidence": celEvidence{Trusted: a.Reason.Trusted},
		"now":      now,
	}
}

// eval runs a rule's condition.
func (r *Rule) eval(ctx context.Context, in map[string]any) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	out, _, err := r.prog.ContextEval(ctx, in)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("result is %s, not a bool", out.Type())
	}
	return bool(b), nil
}
