package simulate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeScenarios writes each campaign's ground truth as a scenario file of
// `causeway eval` at the top of the output directory. Inputs are the
// source directories the campaign wrote to, relative to the file.
func (s *sim) writeScenarios() error {
	for _, c := range s.campaigns {
		c.path = filepath.Join(s.out, c.name+".yaml")
		if err := os.WriteFile(c.path, []byte(s.scenarioYAML(c)), 0o644); err != nil {
			return fmt.Errorf("writing scenario %s: %w", c.name, err)
		}
	}
	return nil
}

func (s *sim) scenarioYAML(c *campaignRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\n", c.name)
	fmt.Fprintf(&b, "description: >\n%s", indentText(c.description))
	fmt.Fprintf(&b, "truth_source: >\n%s", indentText(fmt.Sprintf(
		"Written by causeway simulate (seed %d, environment %q, %s to %s) as it emitted the campaign's events: every id is computed "+
			"with the event model's constructors from the values written. %s",
		s.cfg.Seed, s.env.Name, s.start.Format("2006-01-02T15:04Z"), s.end.Format("2006-01-02T15:04Z"), c.source)))
	b.WriteString("inputs:\n")
	for _, in := range c.inputs {
		fmt.Fprintf(&b, "  - %s\n", quote("./"+in))
	}
	fmt.Fprintf(&b, "domains:\n  %s: %s\n", s.env.Domain.NetBIOS, quote(s.env.Domain.DNS))
	fmt.Fprintf(&b, "year: %d\n", c.first.Year())
	b.WriteString("truth:\n  root_cause:\n")
	for _, id := range c.rootCause {
		fmt.Fprintf(&b, "    - %s\n", quote(id))
	}
	fmt.Fprintf(&b, "  first_compromised: %s\n", quote(c.firstComp))
	b.WriteString("  entities:\n")
	for _, e := range c.entities {
		fmt.Fprintf(&b, "    - %s%s\n", quote(e.id), comment(e.note))
	}
	b.WriteString("  techniques:\n")
	for _, t := range c.techniques {
		fmt.Fprintf(&b, "    - %s%s\n", t.id, comment(t.note))
	}
	writeList(&b, "data_accessed", c.data)
	writeList(&b, "benign", c.benign)
	return b.String()
}

func writeList(b *strings.Builder, key string, ids []string) {
	if len(ids) == 0 {
		fmt.Fprintf(b, "  %s: []\n", key)
		return
	}
	fmt.Fprintf(b, "  %s:\n", key)
	for _, id := range ids {
		fmt.Fprintf(b, "    - %s\n", quote(id))
	}
}

// quote is a YAML single-quoted scalar.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func comment(note string) string {
	if note == "" {
		return ""
	}
	return "  # " + strings.ReplaceAll(note, "\n", " ")
}

// indentText folds text into lines of about 96 characters, indented two
// spaces, for a YAML folded scalar.
func indentText(text string) string {
	var b strings.Builder
	line := 0
	for _, w := range strings.Fields(text) {
		if line > 0 && line+1+len(w) > 96 {
			b.WriteString("\n")
			line = 0
		}
		if line == 0 {
			b.WriteString("  ")
			line = 2
		} else {
			b.WriteString(" ")
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	b.WriteString("\n")
	return b.String()
}
