package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrNotDetection marks YAML documents that are valid Sigma but not
// detection rules (correlation rules, filters), which Parse does not handle.
var ErrNotDetection = errors.New("not a detection rule")

// Parse parses and validates one Sigma detection rule (the first document
// of data). Errors carry the line of the offending node (see LoadError).
// Correlation rules and filters give ErrNotDetection.
func Parse(data []byte) (*Rule, error) {
	docs, err := parseFile(data)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, errAt(1, "rule is not a YAML mapping")
	}
	d := docs[0]
	switch {
	case d.err != nil:
		return nil, d.err
	case d.rule == nil:
		return nil, fmt.Errorf("%w: %s", ErrNotDetection, d.kind())
	}
	return d.rule, nil
}

// document is one YAML document of a rule file: a detection rule, a
// correlation rule or a filter, or the error that kept it from parsing.
type document struct {
	rule   *Rule
	corr   *Correlation
	filter *Filter
	err    error
}

func (d document) kind() string {
	switch {
	case d.corr != nil:
		return "correlation rule"
	case d.filter != nil:
		return "filter"
	}
	return "rule"
}

// parseFile splits a file into YAML documents and parses each. A YAML
// syntax error ends the file; other errors are kept per document.
func parseFile(data []byte) (docs []document, err error) {
	defer func() {
		if p := recover(); p != nil { // yaml.v3 has panicked on hostile input before
			docs, err = nil, fmt.Errorf("parsing rule: %v", p)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			var line int
			if _, serr := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); serr == nil {
				return docs, &lineError{line: line, err: fmt.Errorf("parsing YAML: %w", err)}
			}
			return docs, fmt.Errorf("parsing YAML: %w", err)
		}
		docs = append(docs, parseDocument(&doc))
	}
}

// parseDocument parses one document according to its kind.
func parseDocument(doc *yaml.Node) document {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return document{err: errAt(max(doc.Line, 1), "rule is not a YAML mapping")}
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "correlation":
			c, err := parseCorrelation(root)
			return document{corr: c, err: err}
		case "filter":
			f, err := parseFilter(root)
			return document{filter: f, err: err}
		}
	}
	r, err := parseRule(root)
	return document{rule: r, err: err}
}

// parseRule parses a detection rule.
func parseRule(root *yaml.Node) (*Rule, error) {
	var err error
	r := &Rule{}
	var det *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "title":
			r.Title, err = scalar(v)
		case "id":
			r.ID, err = scalar(v)
		case "name":
			r.Name, err = scalar(v)
		case "status":
			r.Status, err = scalar(v)
		case "level":
			r.Level, err = scalar(v)
		case "description":
			r.Description, err = scalar(v)
		case "author":
			r.Author, err = scalar(v)
		case "date":
			r.Date, err = scalar(v)
		case "modified":
			r.Modified, err = scalar(v)
		case "tags":
			r.Tags, err = scalars(v)
		case "references":
			r.References, err = scalars(v)
		case "falsepositives":
			r.FalsePositives, err = scalars(v)
		case "fields":
			r.Fields, err = scalars(v)
		case "logsource":
			r.Logsource, err = parseLogsource(v)
		case "detection":
			det = v
		}
		if err != nil {
			return nil, err
		}
	}
	if r.Title == "" {
		return nil, errAt(root.Line, "missing title")
	}
	if det == nil {
		return nil, errAt(root.Line, "missing detection")
	}
	if r.detection, err = parseDetection(det); err != nil {
		return nil, err
	}
	return r, nil
}

func scalar(n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", errAt(n.Line, "want a scalar, got %s", kindName(n))
	}
	if n.Tag == "!!null" {
		return "", nil
	}
	return n.Value, nil
}

func scalars(n *yaml.Node) ([]string, error) {
	if n.Kind == yaml.ScalarNode {
		s, err := scalar(n)
		if s == "" {
			return nil, err
		}
		return []string{s}, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n.Line, "want a list, got %s", kindName(n))
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, err := scalar(c)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func parseLogsource(n *yaml.Node) (Logsource, error) {
	var l Logsource
	if n.Kind != yaml.MappingNode {
		return l, errAt(n.Line, "logsource: want a mapping, got %s", kindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		v, err := scalar(n.Content[i+1])
		if err != nil {
			return l, err
		}
		switch n.Content[i].Value {
		case "category":
			l.Category = v
		case "product":
			l.Product = v
		case "service":
			l.Service = v
		case "definition":
			l.Definition = v
		}
	}
	return l, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a scalar"
}

// parseDetection parses the search identifiers and the condition.
func parseDetection(n *yaml.Node) (*detection, error) {
	if n.Kind != yaml.MappingNode {
		return nil, errAt(n.Line, "detection: want a mapping, got %s", kindName(n))
	}
	d := &detection{searches: map[string]*search{}}
	var cond *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "condition":
			cond = v
			continue
		case "timeframe":
			continue
		}
		if _, dup := d.searches[k.Value]; dup {
			return nil, errAt(k.Line, "duplicate search identifier %q", k.Value)
		}
		s, err := parseSearch(k.Value, v)
		if err != nil {
			return nil, err
		}
		s.line = k.Line
		d.searches[k.Value] = s
		d.order = append(d.order, k.Value)
	}
	if cond == nil {
		return nil, errAt(n.Line, "missing condition")
	}
	d.condLine = cond.Line
	var texts []*yaml.Node
	switch cond.Kind {
	case yaml.ScalarNode:
		texts = []*yaml.Node{cond}
	case yaml.SequenceNode:
		texts = cond.Content
	default:
		return nil, errAt(cond.Line, "condition: want a string or a list, got %s", kindName(cond))
	}
	for _, t := range texts {
		if t.Kind != yaml.ScalarNode {
			return nil, errAt(t.Line, "condition: want a string, got %s", kindName(t))
		}
		c, err := parseCondition(t.Value, d)
		if err != nil {
			return nil, errAt(t.Line, "condition %q: %v", t.Value, err)
		}
		d.conditions = append(d.conditions, c)
	}
	if len(d.conditions) == 0 {
		return nil, errAt(cond.Line, "empty condition")
	}
	return d, nil
}

// parseSearch parses one search identifier's value.
func parseSearch(name string, n *yaml.Node) (*search, error) {
	s := &search{name: name}
	switch n.Kind {
	case yaml.MappingNode:
		m, err := parseMap(n)
		if err != nil {
			return nil, err
		}
		s.maps = append(s.maps, m)
	case yaml.SequenceNode:
		var kw *item
		for _, c := range n.Content {
			switch c.Kind {
			case yaml.MappingNode:
				m, err := parseMap(c)
				if err != nil {
					return nil, err
				}
				s.maps = append(s.maps, m)
			case yaml.ScalarNode:
				if c.Tag == "!!null" {
					return nil, errAt(c.Line, "search %q: null keyword", name)
				}
				if kw == nil {
					kw = &item{line: c.Line}
					s.maps = append(s.maps, []*item{kw})
				}
				kw.values = append(kw.values, scalarValue(c))
			default:
				return nil, errAt(c.Line, "search %q: unexpected %s in list", name, kindName(c))
			}
		}
		if len(n.Content) == 0 {
			return nil, errAt(n.Line, "search %q: empty list", name)
		}
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, errAt(n.Line, "search %q: empty", name)
		}
		s.maps = append(s.maps, []*item{{line: n.Line, values: []value{scalarValue(n)}}})
	default:
		return nil, errAt(n.Line, "search %q: unexpected %s", name, kindName(n))
	}
	return s, nil
}

// parseMap parses a map of field items (AND).
func parseMap(n *yaml.Node) ([]*item, error) {
	items := make([]*item, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, errAt(k.Line, "field name: want a scalar, got %s", kindName(k))
		}
		names := strings.Split(k.Value, "|")
		it := &item{field: names[0], line: k.Line}
		mods, err := parseModifiers(names[1:])
		if err != nil {
			return nil, errAt(k.Line, "field %q: %v", k.Value, err)
		}
		it.mods = mods
		switch v.Kind {
		case yaml.ScalarNode:
			it.values = []value{scalarValue(v)}
		case yaml.SequenceNode:
			for _, c := range v.Content {
				if c.Kind != yaml.ScalarNode {
					return nil, errAt(c.Line, "field %q: want scalar values, got %s", k.Value, kindName(c))
				}
				it.values = append(it.values, scalarValue(c))
			}
			if len(it.values) == 0 {
				return nil, errAt(v.Line, "field %q: empty value list", k.Value)
			}
		default:
			return nil, errAt(v.Line, "field %q: want a value or a list, got %s", k.Value, kindName(v))
		}
		if len(it.values) == 1 && it.values[0].null {
			it.null = true
		}
		if err := it.validate(); err != nil {
			return nil, errAt(k.Line, "field %q: %v", k.Value, err)
		}
		items = append(items, it)
	}
	return items, nil
}

func scalarValue(n *yaml.Node) value {
	v := value{raw: n.Value}
	switch n.Tag {
	case "!!null":
		v.null, v.raw = true, ""
	case "!!int", "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil {
			v.num, v.isNum = f, true
		} else if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			v.num, v.isNum = float64(i), true
			v.raw = strconv.FormatInt(i, 10)
		}
	case "!!bool":
		v.isBool = true
		v.b = strings.EqualFold(n.Value, "true") || strings.EqualFold(n.Value, "yes") || strings.EqualFold(n.Value, "on")
	}
	return v
}

// validate checks value types against the modifiers.
func (it *item) validate() error {
	m := it.mods
	// SigmaHQ rules use |all on single values; it is accepted (AND of one).
	for _, v := range it.values {
		if v.null && len(it.values) > 1 {
			return fmt.Errorf("null inside a value list")
		}
		if v.null && len(m.chain) > 0 && !m.neq {
			return fmt.Errorf("null value with modifiers")
		}
		switch {
		case m.exists:
			if !v.isBool {
				return fmt.Errorf("exists wants true or false, got %q", v.raw)
			}
		case m.cmp != "" && m.timePart == "":
			if !v.isNum {
				return fmt.Errorf("%s wants a number, got %q", m.cmp, v.raw)
			}
		case m.timePart != "":
			if !v.isNum {
				return fmt.Errorf("%s wants a number, got %q", m.timePart, v.raw)
			}
		case m.fieldref:
			if strings.ContainsAny(v.raw, "*?") {
				return fmt.Errorf("fieldref with a wildcard in field name %q", v.raw)
			}
		}
	}
	if it.field == "" && (it.null || m.exists || m.fieldref || m.cmp != "" || m.cidr || m.timePart != "") {
		return fmt.Errorf("keyword with a field-only modifier")
	}
	return nil
}
