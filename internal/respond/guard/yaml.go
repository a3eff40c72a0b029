package guard

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// rawPolicy is a policy file as written, checked but not compiled.
type rawPolicy struct {
	mode, def   string
	limits      Limits
	destructive []string
	rules       []rawRule
}

type rawRule struct {
	name, description, decision string
	when                        string
	whenNode                    *yaml.Node
	allowIrreversible           bool
	promoteAfter                int
	line                        int
}

// lineError is a problem at a line of the policy file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("%d: %s", e.line, e.msg) }

func errAt(n *yaml.Node, format string, args ...any) error {
	return &lineError{line: n.Line, msg: fmt.Sprintf(format, args...)}
}

// decode reads the YAML structure of a policy, rejecting unknown keys and
// bad values with the line they are on.
func decode(name string, data []byte) (*rawPolicy, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: parsing YAML: %w", name, err)
	}
	raw := &rawPolicy{limits: Limits{
		PerIncident:    DefaultPerIncident,
		PerHour:        DefaultPerHour,
		PerKindPerHour: map[action.Kind]int{},
		EvalCost:       DefaultEvalCost,
	}}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty policy", name)
	}
	if err := raw.decodeTop(doc.Content[0]); err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%s:%w", name, err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return raw, nil
}

// fields calls fn for each key of a mapping node, failing on keys not in
// known.
func fields(n *yaml.Node, what string, known []string, fn func(key string, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return errAt(n, "%s: want a mapping", what)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ok := false
		for _, s := range known {
			ok = ok || s == k.Value
		}
		if !ok || k.Kind != yaml.ScalarNode {
			return errAt(k, "%s: unknown key %q", what, k.Value)
		}
		if seen[k.Value] {
			return errAt(k, "%s: key %q repeated", what, k.Value)
		}
		seen[k.Value] = true
		if err := fn(k.Value, v); err != nil {
			return err
		}
	}
	return nil
}

// scalar decodes a scalar node into v.
func scalar(n *yaml.Node, key string, v any) error {
	if n.Kind != yaml.ScalarNode {
		return errAt(n, "%s: want a single value", key)
	}
	if err := n.Decode(v); err != nil {
		return errAt(n, "%s: %s", key, n.Value)
	}
	return nil
}

func (raw *rawPolicy) decodeTop(n *yaml.Node) error {
	known := []string{"version", "mode", "default", "limits", "destructive_kinds", "rules"}
	err := fields(n, "policy", known, func(key string, v *yaml.Node) error {
		switch key {
		case "version":
			var ver int
			if err := scalar(v, key, &ver); err != nil {
				return err
			}
			if ver != 1 {
				return errAt(v, "version: %d is not supported (want 1)", ver)
			}
		case "mode":
			if err := scalar(v, key, &raw.mode); err != nil {
				return err
			}
			if Mode(raw.mode) != ModeEnforce && Mode(raw.mode) != ModeMonitor {
				return errAt(v, "mode: %q is neither enforce nor monitor", raw.mode)
			}
		case "default":
			if err := scalar(v, key, &raw.def); err != nil {
				return err
			}
			if !validDecision(raw.def) {
				return errAt(v, "default: %q is not a decision (autonomous, approve, recommend, deny)", raw.def)
			}
		case "limits":
			return raw.decodeLimits(v)
		case "destructive_kinds":
			if v.Kind != yaml.SequenceNode {
				return errAt(v, "destructive_kinds: want a list")
			}
			for _, k := range v.Content {
				var s string
				if err := scalar(k, key, &s); err != nil {
					return err
				}
				if !kindShape(s) {
					return errAt(k, "destructive_kinds: %q is not an action kind (domain.verb)", s)
				}
				raw.destructive = append(raw.destructive, s)
			}
		case "rules":
			if v.Kind != yaml.SequenceNode {
				return errAt(v, "rules: want a list")
			}
			if len(v.Content) > maxRules {
				return errAt(v, "rules: %d rules, more than %d", len(v.Content), maxRules)
			}
			for _, rn := range v.Content {
				r, err := decodeRule(rn)
				if err != nil {
					return err
				}
				raw.rules = append(raw.rules, r)
			}
		}
		return nil
	})
	return err
}

func (raw *rawPolicy) decodeLimits(n *yaml.Node) error {
	known := []string{"autonomous_per_incident", "autonomous_per_hour", "per_kind_per_hour", "eval_cost"}
	return fields(n, "limits", known, func(key string, v *yaml.Node) error {
		switch key {
		case "autonomous_per_incident":
			return count(v, key, &raw.limits.PerIncident)
		case "autonomous_per_hour":
			return count(v, key, &raw.limits.PerHour)
		case "eval_cost":
			var c int
			if err := count(v, key, &c); err != nil {
				return err
			}
			if c == 0 {
				return errAt(v, "eval_cost: must be positive")
			}
			raw.limits.EvalCost = uint64(c)
		case "per_kind_per_hour":
			if v.Kind != yaml.MappingNode {
				return errAt(v, "per_kind_per_hour: want a mapping of action kind to count")
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				if !kindShape(v.Content[i].Value) {
					return errAt(v.Content[i], "per_kind_per_hour: %q is not an action kind (domain.verb)", v.Content[i].Value)
				}
				var c int
				if err := count(v.Content[i+1], v.Content[i].Value, &c); err != nil {
					return err
				}
				raw.limits.PerKindPerHour[action.Kind(v.Content[i].Value)] = c
			}
		}
		return nil
	})
}

// count decodes a non-negative integer.
func count(n *yaml.Node, key string, into *int) error {
	if err := scalar(n, key, into); err != nil {
		return err
	}
	if *into < 0 {
		return errAt(n, "%s: %d is negative", key, *into)
	}
	return nil
}

func decodeRule(n *yaml.Node) (rawRule, error) {
	r := rawRule{line: n.Line}
	known := []string{"name", "description", "when", "decision", "allow_irreversible", "promote_after"}
	err := fields(n, "rule", known, func(key string, v *yaml.Node) error {
		switch key {
		case "name":
			return scalar(v, key, &r.name)
		case "description":
			return scalar(v, key, &r.description)
		case "when":
			r.whenNode = v
			return scalar(v, key, &r.when)
		case "decision":
			if err := scalar(v, key, &r.decision); err != nil {
				return err
			}
			if !validDecision(r.decision) {
				return errAt(v, "decision: %q is not a decision (autonomous, approve, recommend, deny)", r.decision)
			}
		case "allow_irreversible":
			return scalar(v, key, &r.allowIrreversible)
		case "promote_after":
			return count(v, key, &r.promoteAfter)
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	switch {
	case r.name == "":
		return r, errAt(n, "rule: name is required")
	case r.whenNode == nil || r.when == "":
		return r, errAt(n, "rule %q: when is required", r.name)
	case r.decision == "":
		return r, errAt(n, "rule %q: decision is required", r.name)
	case len(r.when) > maxExprChars:
		return r, errAt(r.whenNode, "rule %q: when is %d characters, more than %d", r.name, len(r.when), maxExprChars)
	}
	return r, nil
}

// kindShape reports whether s looks like an action kind, "domain.verb".
func kindShape(s string) bool {
	dot := strings.IndexByte(s, '.')
	if dot <= 0 || dot == len(s)-1 || strings.Count(s, ".") != 1 {
		return false
	}
	for _, r := range s {
		if r != '.' && r != '_' && (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
