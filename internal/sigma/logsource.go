package sigma

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:embed logsources.yaml
var defaultLogsources []byte

// Target selects the events one compiled form of a rule applies to.
type Target struct {
	// Channels are Windows channels, compared case-insensitively; "*" is
	// any event that has a Channel field.
	Channels []string `yaml:"channels"`
	// Formats are reader names (event.Source.Format) for non-Windows sources.
	Formats []string `yaml:"formats"`
	// EventIDs restricts the EventID field; empty means any.
	EventIDs []int `yaml:"eventids"`
	// Conditions are extra field values, each field matching one of its values.
	Conditions map[string][]string `yaml:"conditions"`
	// Fields renames rule field names to the event's field names.
	Fields map[string]string `yaml:"fields"`
}

// LogsourceMapping is one entry of the mapping: a logsource and its targets.
type LogsourceMapping struct {
	Logsource struct {
		Product  string `yaml:"product"`
		Category string `yaml:"category"`
		Service  string `yaml:"service"`
	} `yaml:"logsource"`
	Targets []Target `yaml:"targets"`
}

// logsources resolves rule logsources to targets.
type logsources map[[3]string][]Target

// builtinLogsources parses the embedded mapping once; the result is never
// modified (parseLogsources copies it).
var builtinLogsources = sync.OnceValues(func() (logsources, error) {
	return parseLogsources(nil, defaultLogsources)
})

// parseLogsources reads mapping YAML over a copy of base; later documents
// replace entries of earlier ones with the same logsource.
func parseLogsources(base logsources, docs ...[]byte) (logsources, error) {
	ls := make(logsources, len(base))
	for k, v := range base {
		ls[k] = v
	}
	for _, d := range docs {
		var entries []LogsourceMapping
		if err := yaml.Unmarshal(d, &entries); err != nil {
			return nil, fmt.Errorf("parsing logsource mapping: %w", err)
		}
		for _, e := range entries {
			if len(e.Targets) == 0 {
				return nil, fmt.Errorf("logsource mapping %v: no targets", e.Logsource)
			}
			for _, t := range e.Targets {
				if len(t.Channels) == 0 && len(t.Formats) == 0 {
					return nil, fmt.Errorf("logsource mapping %v: target without channels or formats", e.Logsource)
				}
			}
			k := lsKey(e.Logsource.Product, e.Logsource.Category, e.Logsource.Service)
			ls[k] = e.Targets
		}
	}
	return ls, nil
}

func lsKey(product, category, service string) [3]string {
	return [3]string{strings.ToLower(product), strings.ToLower(category), strings.ToLower(service)}
}

// resolve returns the targets of a rule's logsource, or nil when unmapped.
func (ls logsources) resolve(l Logsource) []Target {
	if t, ok := ls[lsKey(l.Product, l.Category, l.Service)]; ok {
		return t
	}
	if l.Category != "" && l.Service != "" {
		if t, ok := ls[lsKey(l.Product, l.Category, "")]; ok {
			return t
		}
		if t, ok := ls[lsKey(l.Product, "", l.Service)]; ok {
			return t
		}
	}
	return nil
}
