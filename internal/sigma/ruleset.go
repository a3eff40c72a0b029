package sigma

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Config configures loading.
type Config struct {
	// Placeholders gives the values of expand placeholders, by name
	// without the percent signs.
	Placeholders map[string][]string
	// Logsources are extra logsource mapping documents (the format of the
	// embedded logsources.yaml); their entries replace built-in ones.
	Logsources [][]byte
}

// Ruleset is a set of compiled rules, indexed for matching. It is
// immutable and safe for concurrent use.
type Ruleset struct {
	rules    []*Rule
	unmapped []*Rule
	units    []*unit
	full     []uint8 // by unit idx: unit.full, read by the prefilter
	corrs    []*Correlation
	corrBy   map[ruleRef][]*Correlation // by referenced rule or correlation

	fieldIDs   map[string]fieldID
	fieldTable fieldTable // fieldIDs for matching
	fieldNames []string
	channelID  fieldID
	eventIDID  fieldID

	chans   map[string]*chanIndex // "c:<lower channel>" or "f:<format>"
	anyChan *chanIndex            // Windows events of a channel no rule names

	pool sync.Pool
}

// unit is one rule compiled for one target.
type unit struct {
	idx  int
	rule *Rule
	root node
	keys []string // "c:<lower channel>", "c:*" or "f:<format>"
	eids []int    // nil: any EventID
	// reqs are necessary literal conditions, all of which must hold (none:
	// the unit is evaluated on every event of its bucket); full has one bit
	// per requirement.
	reqs []*requirement
	full uint8
}

// chanIndex holds the buckets of one channel or format.
type chanIndex struct {
	byEID map[int]*bucket
	other *bucket
}

// bucket is the list of units an event with a given channel and EventID
// can match, in load order.
type bucket struct {
	units  []*unit
	always []*unit    // units without a literal prerequisite
	pre    *prefilter // finds the others; nil when there are none
}

// Rules returns the compiled rules in load order.
func (rs *Ruleset) Rules() []*Rule { return rs.rules }

// Unmapped returns the compiled rules whose logsource has no mapping; they
// never match.
func (rs *Ruleset) Unmapped() []*Rule { return rs.unmapped }

// Load reads every .yml/.yaml rule under the given roots of fsys (the
// whole of fsys when no root is given), skipping folders named deprecated
// or unsupported. Rules that fail to parse or compile are returned as
// errors, one per file; the others load.
func Load(cfg Config, fsys fs.FS, roots ...string) (*Ruleset, []*LoadError) {
	if len(roots) == 0 {
		roots = []string{"."}
	}
	b, err := NewBuilder(cfg)
	if err != nil {
		return nil, []*LoadError{{Path: "logsources", Err: err}}
	}
	var errs []*LoadError
	for _, root := range roots {
		errs = append(errs, b.addTree(fsys, root, "")...)
	}
	rs, berrs := b.Build()
	return rs, append(errs, berrs...)
}

// LoadDirs loads every rule file under the directories into one Ruleset, as
// Load does; rule paths and errors name the files as dir/relative path.
func LoadDirs(cfg Config, dirs ...string) (*Ruleset, []*LoadError) {
	b, err := NewBuilder(cfg)
	if err != nil {
		return nil, []*LoadError{{Path: "logsources", Err: err}}
	}
	var errs []*LoadError
	for _, dir := range dirs {
		errs = append(errs, b.addTree(os.DirFS(dir), ".", dir)...)
	}
	rs, berrs := b.Build()
	return rs, append(errs, berrs...)
}

// AddFS adds the rule files under root in fsys, as Load does; prefix is
// prepended to the paths it reports (a directory name, or "" for none).
func (b *Builder) AddFS(fsys fs.FS, root, prefix string) []*LoadError {
	return b.addTree(fsys, root, prefix)
}

// addTree adds the rule files under root in fsys, skipping deprecated and
// unsupported folders; prefix is prepended to the paths it reports.
func (b *Builder) addTree(fsys fs.FS, root, prefix string) []*LoadError {
	var errs []*LoadError
	name := func(p string) string {
		if prefix == "" {
			return p
		}
		return filepath.Join(prefix, filepath.FromSlash(p))
	}
	werr := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &LoadError{Path: name(p), Err: fmt.Errorf("reading: %w", err)})
			return nil
		}
		if d.IsDir() {
			if n := d.Name(); n == "deprecated" || n == "unsupported" {
				return fs.SkipDir
			}
			return nil
		}
		if ext := path.Ext(p); ext != ".yml" && ext != ".yaml" {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, &LoadError{Path: name(p), Err: fmt.Errorf("reading: %w", err)})
			return nil
		}
		errs = append(errs, b.Add(name(p), data)...)
		return nil
	})
	if werr != nil {
		errs = append(errs, &LoadError{Path: name(root), Err: fmt.Errorf("walking: %w", werr)})
	}
	return errs
}

// Builder compiles rules one at a time into a Ruleset.
type Builder struct {
	rs       *Ruleset
	ls       logsources
	cfg      Config
	automata map[string]*acAutomaton
	rules    []*Rule
	filters  []*Filter
	corrs    []*Correlation
}

// NewBuilder returns a builder with the built-in logsource mapping plus
// cfg.Logsources.
func NewBuilder(cfg Config) (*Builder, error) {
	base, err := builtinLogsources()
	if err != nil {
		return nil, err
	}
	ls, err := parseLogsources(base, cfg.Logsources...)
	if err != nil {
		return nil, err
	}
	rs := &Ruleset{fieldIDs: map[string]fieldID{}}
	rs.channelID = rs.intern("Channel")
	rs.eventIDID = rs.intern("EventID")
	return &Builder{rs: rs, ls: ls, cfg: cfg, automata: map[string]*acAutomaton{}}, nil
}

func (rs *Ruleset) intern(name string) fieldID {
	if id, ok := rs.fieldIDs[name]; ok {
		return id
	}
	id := fieldID(len(rs.fieldNames))
	rs.fieldIDs[name] = id
	rs.fieldNames = append(rs.fieldNames, name)
	return id
}

// Add parses one rule file: detection rules, correlation rules and filters,
// several per file as YAML documents. It returns the documents that do not
// parse; Build compiles the others.
func (b *Builder) Add(p string, data []byte) []*LoadError {
	docs, err := parseFile(data)
	var errs []*LoadError
	for _, d := range docs {
		switch {
		case d.err != nil:
			errs = append(errs, loadError(p, "", d.err))
		case d.rule != nil:
			d.rule.Path = p
			b.rules = append(b.rules, d.rule)
		case d.corr != nil:
			d.corr.Path = p
			b.corrs = append(b.corrs, d.corr)
		case d.filter != nil:
			d.filter.Path = p
			b.filters = append(b.filters, d.filter)
		}
	}
	if err != nil {
		errs = append(errs, loadError(p, "", err))
	} else if len(docs) == 0 {
		errs = append(errs, loadError(p, "", errAt(1, "empty rule file")))
	}
	return errs
}

func loadError(path, rule string, err error) *LoadError {
	le := &LoadError{Path: path, Rule: rule, Err: err}
	var lerr *lineError
	if errors.As(err, &lerr) {
		le.Line, le.Err = lerr.line, lerr.err
	}
	return le
}

// compileAll compiles the added rules with their filters and resolves the
// correlations.
func (b *Builder) compileAll() []*LoadError {
	var errs []*LoadError
	filters := map[string][]*Filter{}
	for _, f := range b.filters {
		for _, r := range f.Rules {
			filters[r] = append(filters[r], f)
		}
	}
	for _, r := range b.rules {
		fs := filters[r.ID]
		if r.Name != "" {
			fs = append(fs, filters[r.Name]...)
		}
		if err := b.compile(r, fs); err != nil {
			errs = append(errs, loadError(r.Path, r.ID, err))
		}
	}
	return append(errs, b.resolveCorrelations()...)
}

// compile compiles r for each of its targets.
func (b *Builder) compile(r *Rule, filters []*Filter) error {
	targets := b.ls.resolve(r.Logsource)
	unresolved := map[string]bool{}
	var units []*unit
	compileFor := func(t Target) error {
		c := &compiler{intern: b.rs.intern, renames: t.Fields, placeholders: b.cfg.Placeholders, unresolved: unresolved, automata: b.automata}
		root, err := c.compileDetection(r.detection)
		if err != nil {
			return err
		}
		for _, f := range filters {
			fn, err := c.compileDetection(f.detection)
			if err != nil {
				return fmt.Errorf("filter %s (%s): %w", f.Title, f.Path, err)
			}
			root = andNode{root, notNode{fn}}
		}
		u := &unit{rule: r, root: root}
		if len(t.Conditions) > 0 {
			and := andNode{root}
			for _, f := range sortedKeys(t.Conditions) {
				n := &strNode{field: b.rs.intern(f)}
				for _, v := range t.Conditions[f] {
					n.add(newStrMatcher(literal(v), false))
				}
				and = append(and, n)
			}
			u.root = and
		}
		for _, ch := range t.Channels {
			if ch == "*" {
				u.keys = append(u.keys, "c:*")
			} else {
				u.keys = append(u.keys, "c:"+lowerString(ch))
			}
		}
		for _, f := range t.Formats {
			u.keys = append(u.keys, "f:"+f)
		}
		u.eids = t.EventIDs
		if len(u.eids) == 0 {
			u.eids = requiredEventIDs(u.root, b.rs.eventIDID)
		}
		units = append(units, u)
		return nil
	}
	if len(targets) == 0 {
		// Compile anyway so that errors are reported; the rule never matches.
		if err := compileFor(Target{}); err != nil {
			return err
		}
		units = nil
		b.rs.unmapped = append(b.rs.unmapped, r)
	}
	for _, t := range targets {
		if err := compileFor(t); err != nil {
			return err
		}
	}
	for p := range unresolved {
		r.Unresolved = append(r.Unresolved, p)
	}
	sort.Strings(r.Unresolved)
	for _, u := range units {
		u.idx = len(b.rs.units)
		b.rs.units = append(b.rs.units, u)
	}
	b.rs.rules = append(b.rs.rules, r)
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// requiredEventIDs returns the EventIDs a node can only match on, or nil.
func requiredEventIDs(n node, eid fieldID) []int {
	switch n := n.(type) {
	case andNode:
		for _, k := range n {
			if ids := requiredEventIDs(k, eid); ids != nil {
				return ids
			}
		}
	case orNode:
		var all []int
		for _, k := range n {
			ids := requiredEventIDs(k, eid)
			if ids == nil {
				return nil
			}
			all = append(all, ids...)
		}
		return all
	case *strNode:
		if n.field != eid || n.contains != nil || n.starts != nil || n.ends != nil {
			return nil
		}
		var ids []int
		for _, m := range n.ms {
			if m.kind != strExact {
				return nil
			}
			id, err := strconv.Atoi(strings.TrimSpace(m.lit))
			if err != nil {
				return nil
			}
			ids = append(ids, id)
		}
		for k := range n.exact {
			id, err := strconv.Atoi(strings.TrimSpace(k))
			if err != nil {
				return nil
			}
			ids = append(ids, id)
		}
		return ids
	}
	return nil
}
