package sigma

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// CorrelationType is the kind of a correlation rule.
type CorrelationType string

// Correlation types of specification v2.1.0.
const (
	EventCount      CorrelationType = "event_count"
	ValueCount      CorrelationType = "value_count"
	Temporal        CorrelationType = "temporal"
	TemporalOrdered CorrelationType = "temporal_ordered"
	ValueSum        CorrelationType = "value_sum"
	ValueAvg        CorrelationType = "value_avg"
	ValuePercentile CorrelationType = "value_percentile"
)

// Correlation is a correlation rule: it fires when the rules it refers to
// match events in a pattern (count, distinct values, order) within a
// timespan, per group of field values.
type Correlation struct {
	ID, Name, Title string
	Status, Level   string
	Description     string
	Tags            []string
	Path            string
	Type            CorrelationType
	// Rules are the referenced rules (or correlations) by id or name, as
	// written; Build resolves them.
	Rules    []string
	GroupBy  []string
	Timespan time.Duration
	// Condition holds comparisons joined with AND ("gte": 100); empty for
	// temporal types, which then need every referenced rule.
	Condition map[string]float64
	// Field is condition.field: the field counted by value_count and
	// aggregated by value_sum, value_avg and value_percentile.
	Field string
	// Aliases maps an alias used in GroupBy to the field name in the events
	// of each referenced rule (by rule name).
	Aliases map[string]map[string]string
	// Generate tells whether the referenced rules also alert on their own.
	Generate bool

	refs  []ruleRef // resolved Rules
	steps map[ruleRef][]int
}

// ruleRef is a resolved reference: a detection rule or a correlation.
type ruleRef struct {
	rule *Rule
	corr *Correlation
}

func (r ruleRef) name() string {
	if r.rule != nil {
		return r.rule.Name
	}
	return r.corr.Name
}

// Filter is a Sigma global filter: a detection that excludes events from
// the rules it lists.
type Filter struct {
	ID, Title string
	Path      string
	Logsource Logsource
	Rules     []string
	detection *detection
}

var condOps = map[string]bool{"gt": true, "gte": true, "lt": true, "lte": true, "eq": true, "neq": true}

// parseCorrelation parses a correlation rule.
func parseCorrelation(root *yaml.Node) (*Correlation, error) {
	c := &Correlation{}
	var body *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "title":
			c.Title, err = scalar(v)
		case "id":
			c.ID, err = scalar(v)
		case "name":
			c.Name, err = scalar(v)
		case "status":
			c.Status, err = scalar(v)
		case "level":
			c.Level, err = scalar(v)
		case "description":
			c.Description, err = scalar(v)
		case "tags":
			c.Tags, err = scalars(v)
		case "correlation":
			body = v
		case "generate":
			// The specification's schema puts generate beside correlation;
			// pySigma reads it inside. Both are accepted.
			c.Generate = v.Value == "true"
		}
		if err != nil {
			return nil, err
		}
	}
	if c.Title == "" {
		return nil, errAt(root.Line, "missing title")
	}
	if body.Kind != yaml.MappingNode {
		return nil, errAt(body.Line, "correlation: want a mapping, got %s", kindName(body))
	}
	var timespan, cond *yaml.Node
	for i := 0; i+1 < len(body.Content); i += 2 {
		k, v := body.Content[i], body.Content[i+1]
		var err error
		switch k.Value {
		case "type":
			var t string
			t, err = scalar(v)
			c.Type = CorrelationType(t)
		case "rules":
			c.Rules, err = scalars(v)
		case "group-by":
			c.GroupBy, err = scalars(v)
		case "timespan":
			timespan = v
		case "condition":
			cond = v
		case "generate":
			c.Generate = v.Value == "true"
		case "aliases":
			c.Aliases, err = parseAliases(v)
		default:
			err = errAt(k.Line, "correlation: unknown key %q", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	switch c.Type {
	case EventCount, ValueCount, ValueSum, ValueAvg, ValuePercentile, Temporal, TemporalOrdered:
	default:
		return nil, errAt(body.Line, "correlation: unknown type %q", c.Type)
	}
	if len(c.Rules) == 0 {
		return nil, errAt(body.Line, "correlation: no rules")
	}
	if timespan == nil {
		return nil, errAt(body.Line, "correlation: missing timespan")
	}
	d, err := parseTimespan(timespan.Value)
	if err != nil {
		return nil, errAt(timespan.Line, "correlation: %v", err)
	}
	c.Timespan = d
	if cond != nil {
		if err := c.parseCondition(cond); err != nil {
			return nil, err
		}
	}
	temporal := c.Type == Temporal || c.Type == TemporalOrdered
	if !temporal && len(c.Condition) == 0 {
		return nil, errAt(body.Line, "correlation: %s needs a condition", c.Type)
	}
	if c.Type != EventCount && !temporal && c.Field == "" {
		return nil, errAt(body.Line, "correlation: %s needs condition.field", c.Type)
	}
	return c, nil
}

func (c *Correlation) parseCondition(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return errAt(n.Line, "correlation condition: want a mapping, got %s", kindName(n))
	}
	c.Condition = map[string]float64{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "field" {
			fs, err := scalars(v)
			if err != nil || len(fs) == 0 {
				return errAt(v.Line, "correlation condition: bad field")
			}
			c.Field = fs[0]
			continue
		}
		if !condOps[k.Value] {
			return errAt(k.Line, "correlation condition: unknown operator %q", k.Value)
		}
		f, err := strconv.ParseFloat(v.Value, 64)
		if err != nil {
			return errAt(v.Line, "correlation condition %s: want a number, got %q", k.Value, v.Value)
		}
		c.Condition[k.Value] = f
	}
	return nil
}

func parseAliases(n *yaml.Node) (map[string]map[string]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, errAt(n.Line, "aliases: want a mapping")
	}
	out := map[string]map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		alias, m := n.Content[i].Value, n.Content[i+1]
		if m.Kind != yaml.MappingNode {
			return nil, errAt(m.Line, "alias %q: want a mapping of rule name to field", alias)
		}
		out[alias] = map[string]string{}
		for j := 0; j+1 < len(m.Content); j += 2 {
			out[alias][m.Content[j].Value] = m.Content[j+1].Value
		}
	}
	return out, nil
}

// parseTimespan reads "30s", "5m", "1h", "7d" (also "1w", "1M", "1y" as
// some tools write them).
func parseTimespan(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 {
		return 0, fmt.Errorf("bad timespan %q", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad timespan %q", s)
	}
	unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour,
		'w': 7 * 24 * time.Hour, 'M': 30 * 24 * time.Hour, 'y': 365 * 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, fmt.Errorf("bad timespan %q: unit must be s, m, h or d", s)
	}
	return time.Duration(n) * unit, nil
}

// parseFilter parses a global filter.
func parseFilter(root *yaml.Node) (*Filter, error) {
	f := &Filter{}
	var body *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "title":
			f.Title, err = scalar(v)
		case "id":
			f.ID, err = scalar(v)
		case "logsource":
			f.Logsource, err = parseLogsource(v)
		case "filter":
			body = v
		}
		if err != nil {
			return nil, err
		}
	}
	if f.Title == "" {
		return nil, errAt(root.Line, "missing title")
	}
	if body.Kind != yaml.MappingNode {
		return nil, errAt(body.Line, "filter: want a mapping, got %s", kindName(body))
	}
	// The filter section is a detection with a rules list beside it.
	det := &yaml.Node{Kind: yaml.MappingNode, Line: body.Line}
	for i := 0; i+1 < len(body.Content); i += 2 {
		if body.Content[i].Value == "rules" {
			rs, err := scalars(body.Content[i+1])
			if err != nil {
				return nil, err
			}
			f.Rules = rs
			continue
		}
		det.Content = append(det.Content, body.Content[i], body.Content[i+1])
	}
	if len(f.Rules) == 0 {
		return nil, errAt(body.Line, "filter: no rules")
	}
	d, err := parseDetection(det)
	if err != nil {
		return nil, err
	}
	f.detection = d
	return f, nil
}
