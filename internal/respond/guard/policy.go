package guard

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"sync"

	"cel.dev/cel-go/cel"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// Mode says whether the guard's decisions are carried out.
type Mode string

// Modes.
const (
	ModeEnforce Mode = "enforce" // autonomous actions apply, approvals are asked for
	ModeMonitor Mode = "monitor" // every would-be-applied action ends in shadow
)

// Built-in limits, used when a policy does not set them.
const (
	DefaultPerIncident = 5      // autonomous actions per incident
	DefaultPerHour     = 20     // autonomous actions per hour, all incidents
	DefaultEvalCost    = 10_000 // CEL cost units per rule evaluation
	maxPolicyBytes     = 1 << 20
	maxRules           = 1000
	maxExprChars       = 8192
)

// Limits caps what the guard lets happen autonomously.
type Limits struct {
	// PerIncident and PerHour cap autonomous actions (the blast radius);
	// the excess needs approval. Zero allows none.
	PerIncident int
	PerHour     int
	// PerKindPerHour caps autonomous actions of one kind per hour.
	PerKindPerHour map[action.Kind]int
	// EvalCost caps the CEL cost of evaluating one rule; a rule that
	// exceeds it fails, and a failed rule caps the decision at approve.
	EvalCost uint64
}

// Rule is one compiled policy rule.
type Rule struct {
	Name        string
	Description string
	When        string
	Decision    action.Decision
	// AllowIrreversible lets the rule decide autonomous for actions of
	// fidelity none or lossy.
	AllowIrreversible bool
	// PromoteAfter keeps the rule in monitor mode until this many of its
	// shadow decisions were confirmed correct, with none judged wrong.
	PromoteAfter int
	// Fingerprint is a hash of the rule's text: editing a rule restarts
	// its promotion record.
	Fingerprint string
	// Source is "file:line" of the rule.
	Source string

	prog cel.Program
}

// Policy is a compiled policy file. It is immutable and safe for
// concurrent use.
type Policy struct {
	Name    string // file name, for messages
	Mode    Mode
	Default action.Decision
	Limits  Limits
	// Destructive lists kinds treated as destructive besides those of
	// fidelity none (which always are).
	Destructive map[action.Kind]bool
	Rules       []*Rule
}

// Load reads and compiles a policy file.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading policy: %w", err)
	}
	return Parse(path, data)
}

//go:embed default_policy.yaml
var defaultPolicy []byte

var compileDefault = sync.OnceValues(func() (*Policy, error) {
	return Parse("default_policy.yaml", defaultPolicy)
})

// Default returns the built-in policy (default_policy.yaml).
func Default() *Policy {
	p, err := compileDefault()
	if err != nil {
		panic(fmt.Sprintf("compiling the built-in policy: %v", err))
	}
	return p
}

// DefaultSource returns the text of the built-in policy, to start a
// policy file from.
func DefaultSource() []byte { return append([]byte(nil), defaultPolicy...) }

// Parse compiles a policy from YAML. name is the file name used in
// errors, which read "name:line: what".
func Parse(name string, data []byte) (*Policy, error) {
	if len(data) > maxPolicyBytes {
		return nil, fmt.Errorf("%s: policy is %d bytes, more than %d", name, len(data), maxPolicyBytes)
	}
	raw, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("building the CEL environment: %w", err)
	}
	p := &Policy{
		Name:        name,
		Mode:        ModeEnforce,
		Default:     action.Recommend,
		Limits:      raw.limits,
		Destructive: map[action.Kind]bool{},
	}
	if raw.mode != "" {
		p.Mode = Mode(raw.mode)
	}
	if raw.def != "" {
		p.Default = action.Decision(raw.def)
	}
	for _, k := range raw.destructive {
		p.Destructive[action.Kind(k)] = true
	}
	seen := map[string]string{}
	for _, rr := range raw.rules {
		src := name + ":" + strconv.Itoa(rr.line)
		if prev, ok := seen[rr.name]; ok {
			return nil, fmt.Errorf("%s: rule %q: name already used at %s", src, rr.name, prev)
		}
		seen[rr.name] = src
		r := &Rule{
			Name:              rr.name,
			Description:       rr.description,
			When:              rr.when,
			Decision:          action.Decision(rr.decision),
			AllowIrreversible: rr.allowIrreversible,
			PromoteAfter:      rr.promoteAfter,
			Source:            src,
		}
		r.Fingerprint = fingerprint(r)
		prog, err := compileRule(env, rr, p.Limits.EvalCost)
		if err != nil {
			return nil, fmt.Errorf("%s:%w", name, err)
		}
		r.prog = prog
		p.Rules = append(p.Rules, r)
	}
	return p, nil
}

// fingerprint hashes what a rule decides and when.
func fingerprint(r *Rule) string {
	h := sha256.New()
	fmt.Fprintf(h, "%q %q %q %t %d", r.Name, r.When, r.Decision, r.AllowIrreversible, r.PromoteAfter)
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// destructive reports whether acting on a protected asset with a is
// refused outright rather than recommended.
func (p *Policy) destructive(a *action.Action) bool {
	return fidelity(a.Fidelity) == action.None || p.Destructive[a.Kind]
}

// fidelity normalizes a fidelity: anything but exact or lossy is
// treated as none.
func fidelity(f action.Fidelity) action.Fidelity {
	if f == action.Exact || f == action.Lossy {
		return f
	}
	return action.None
}
