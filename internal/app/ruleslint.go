package app

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/finding"
	"github.com/causeway-soc/causeway/internal/sigma"
)

// LintIssue is one problem `causeway rules lint` found in a rule file.
type LintIssue struct {
	Path     string `json:"path"`
	Line     int    `json:"line,omitempty"`
	Rule     string `json:"rule,omitempty"`
	Severity string `json:"severity"` // "error": the rule does not run; "warning": it runs, but see message
	Message  string `json:"message"`
}

// LintReport is the result of `causeway rules lint`.
type LintReport struct {
	Rules        int         `json:"rules"`        // rules compiled
	Correlations int         `json:"correlations"` // correlation rules resolved
	Errors       int         `json:"errors"`
	Warnings     int         `json:"warnings"`
	Issues       []LintIssue `json:"issues"`
}

// RulesLint loads the rules under dirs and reports every rule that does
// not load (with file and line) and rules that load but will not work as
// their author expects: a logsource no reader produces, an expand
// placeholder without values, a duplicate id, no ATT&CK tag. It returns an
// error when a rule failed to load.
func RulesLint(cfg Config, deps Deps, dirs []string) error {
	if cfg.Output != "text" && cfg.Output != "json" {
		return fmt.Errorf("unknown output %q: want text or json", cfg.Output)
	}
	rs, errs, err := loadRuleset(dirs, false)
	if err != nil {
		return err
	}
	rep := lint(rs, errs)
	if cfg.Output == "json" {
		enc := json.NewEncoder(deps.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		for _, is := range rep.Issues {
			loc := is.Path
			if is.Line > 0 {
				loc = fmt.Sprintf("%s:%d", is.Path, is.Line)
			}
			fmt.Fprintf(deps.Stdout, "%s: %s: %s\n", loc, is.Severity, is.Message)
		}
		fmt.Fprintf(deps.Stdout, "%d rules and %d correlations compiled; %d errors, %d warnings\n",
			rep.Rules, rep.Correlations, rep.Errors, rep.Warnings)
	}
	if rep.Errors > 0 {
		return fmt.Errorf("rules lint: %d rule files do not load", rep.Errors)
	}
	return nil
}

func lint(rs *sigma.Ruleset, errs []*sigma.LoadError) *LintReport {
	rep := &LintReport{Rules: len(rs.Rules()), Correlations: len(rs.Correlations())}
	for _, e := range errs {
		msg := e.Err.Error()
		rep.Issues = append(rep.Issues, LintIssue{Path: e.Path, Line: e.Line, Rule: e.Rule, Severity: "error", Message: msg})
	}
	warn := func(r *sigma.Rule, format string, args ...any) {
		rep.Issues = append(rep.Issues, LintIssue{Path: r.Path, Rule: r.ID, Severity: "warning", Message: fmt.Sprintf(format, args...)})
	}
	unmapped := map[*sigma.Rule]bool{}
	for _, r := range rs.Unmapped() {
		unmapped[r] = true
	}
	seen := map[string]string{}
	for _, r := range rs.Rules() {
		if r.ID == "" {
			warn(r, "no id: findings cannot be traced to the rule")
		} else if first, dup := seen[r.ID]; dup {
			warn(r, "id %s is also used by %s", r.ID, first)
		} else {
			seen[r.ID] = r.Path
		}
		if unmapped[r] {
			l := r.Logsource
			warn(r, "no reader produces logsource %s: the rule never matches", logsourceText(l.Product, l.Category, l.Service))
		}
		if len(r.Unresolved) > 0 {
			warn(r, "expand placeholders without values match nothing: %s", strings.Join(r.Unresolved, ", "))
		}
		if tech, _ := finding.ParseTags(r.Tags); len(tech) == 0 && !r.CorrelationOnly {
			warn(r, "no ATT&CK technique tag: findings will not name a technique")
		}
		if r.Level == "" && !r.CorrelationOnly {
			warn(r, "no level")
		}
	}
	sort.SliceStable(rep.Issues, func(i, j int) bool {
		a, b := rep.Issues[i], rep.Issues[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Line < b.Line
	})
	for _, is := range rep.Issues {
		if is.Severity == "error" {
			rep.Errors++
		} else {
			rep.Warnings++
		}
	}
	return rep
}

func logsourceText(product, category, service string) string {
	var parts []string
	for _, kv := range [][2]string{{"product", product}, {"category", category}, {"service", service}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+": "+kv[1])
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
