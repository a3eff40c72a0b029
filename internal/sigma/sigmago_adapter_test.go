package sigma

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	sigmago "github.com/bradleyjkemp/sigma-go"
	sgeval "github.com/bradleyjkemp/sigma-go/evaluator"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// This file adapts github.com/bradleyjkemp/sigma-go (a test oracle and
// the speed baseline of versus_sigmago_test.go) to Causeway's events and
// logsource mapping, so that both engines see the same rules, the same
// events and the same routing.

// winRuleFile is one SigmaHQ Windows rule file as both engines load it.
type winRuleFile struct {
	path  string
	data  []byte
	ours  *Rule         // nil when our engine does not load it
	sg    *sigmago.Rule // nil when sigma-go does not parse it
	sgErr error
	docs  int // YAML documents in the file (correlations, filters)
}

// sgUnit is one sigma-go evaluator for one target of a rule's logsource,
// with the target's field renames given to sigma-go as a field mapping.
type sgUnit struct {
	file *winRuleFile
	eval *sgeval.RuleEvaluator
	cond map[string][]string
}

// sgRouter routes an event to the sigma-go units of its channel and
// EventID, as our index does; sigma-go has no routing of its own short of
// a per-rule RelevantToEvent over named indexes.
type sgRouter struct {
	byKey map[string][]*sgUnit // "channel|eventid" or "channel|*"
	units int
}

var (
	winOnce  sync.Once
	winRules *Ruleset
	winFiles []*winRuleFile
	winErrs  []*LoadError
)

// loadWindowsRules reads every rule file under */windows/ of the SigmaHQ
// roots (deprecated and unsupported folders skipped, as Load does), loads
// them into our engine and parses them with sigma-go, once per test binary.
func loadWindowsRules(tb testing.TB) (*Ruleset, []*winRuleFile, []*LoadError) {
	dir := filepath.Join(corpora(tb), "sigma")
	winOnce.Do(func() { winRules, winFiles, winErrs = readWindowsRules(tb, dir) })
	if winRules == nil {
		tb.Fatal("loading the Windows rules failed")
	}
	return winRules, winFiles, winErrs
}

func readWindowsRules(tb testing.TB, dir string) (*Ruleset, []*winRuleFile, []*LoadError) {
	fsys := os.DirFS(dir)
	b, err := NewBuilder(Config{})
	if err != nil {
		tb.Fatal(err)
	}
	var files []*winRuleFile
	var errs []*LoadError
	for _, root := range sigmaRoots {
		werr := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if n := d.Name(); n == "deprecated" || n == "unsupported" {
					return fs.SkipDir
				}
				return nil
			}
			if ext := path.Ext(p); (ext != ".yml" && ext != ".yaml") || !strings.Contains(p, "/windows/") {
				return nil
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			f := &winRuleFile{path: p, data: data}
			docs, _ := parseFile(data)
			f.docs = len(docs)
			if r, err := sigmago.ParseRule(data); err != nil {
				f.sgErr = err
			} else {
				f.sg = &r
			}
			files = append(files, f)
			errs = append(errs, b.Add(p, data)...)
			return nil
		})
		if werr != nil {
			tb.Fatalf("walking %s: %v", root, werr)
		}
	}
	rs, berrs := b.Build()
	errs = append(errs, berrs...)
	byPath := map[string]*winRuleFile{}
	for _, f := range files {
		byPath[f.path] = f
	}
	for _, r := range rs.Rules() {
		if f := byPath[r.Path]; f != nil && f.ours == nil {
			f.ours = r
		}
	}
	return rs, files, errs
}

// newSGRouter compiles one sigma-go evaluator per (rule, target) of our
// logsource mapping for the given files.
func newSGRouter(tb testing.TB, files []*winRuleFile) *sgRouter {
	ls, err := builtinLogsources()
	if err != nil {
		tb.Fatal(err)
	}
	rt := &sgRouter{byKey: map[string][]*sgUnit{}}
	for _, f := range files {
		if f.sg == nil {
			continue
		}
		l := Logsource{Product: f.sg.Logsource.Product, Category: f.sg.Logsource.Category, Service: f.sg.Logsource.Service}
		for _, t := range ls.resolve(l) {
			// sigma-go expands every value written %name%; by the
			// specification only the expand modifier does (those rules are
			// left out), so the adapter gives the value back as written.
			opts := []sgeval.Option{sgeval.WithPlaceholderExpander(literalPlaceholder)}
			if len(t.Fields) > 0 {
				cfg := sigmago.Config{FieldMappings: map[string]sigmago.FieldMapping{}}
				for from, to := range t.Fields {
					cfg.FieldMappings[from] = sigmago.FieldMapping{TargetNames: []string{to}}
				}
				opts = append(opts, sgeval.WithConfig(cfg))
			}
			u := &sgUnit{file: f, eval: sgeval.ForRule(*f.sg, opts...), cond: t.Conditions}
			rt.units++
			for _, ch := range t.Channels {
				ch = strings.ToLower(ch)
				if len(t.EventIDs) == 0 {
					rt.byKey[ch+"|*"] = append(rt.byKey[ch+"|*"], u)
				}
				for _, id := range t.EventIDs {
					k := ch + "|" + strconv.Itoa(id)
					rt.byKey[k] = append(rt.byKey[k], u)
				}
			}
		}
	}
	return rt
}

func literalPlaceholder(_ context.Context, name string) ([]string, error) {
	return []string{name}, nil
}

// match calls fn with each unit whose rule sigma-go finds matching ev, and
// onErr with each evaluation error.
func (rt *sgRouter) match(ev *event.Event, fn func(*sgUnit), onErr func(*sgUnit, error)) {
	m := sgEvent(ev)
	ch := strings.ToLower(ev.Value("Channel"))
	for _, k := range []string{ch + "|" + ev.Value("EventID"), ch + "|*"} {
		for _, u := range rt.byKey[k] {
			if !targetConditions(ev, u.cond) {
				continue
			}
			res, err := u.eval.Matches(context.Background(), m)
			if err != nil {
				onErr(u, err)
				continue
			}
			if res.Match {
				fn(u)
			}
		}
	}
}

// targetConditions checks a target's extra field conditions the way our
// compiler does: one of the values, compared case-insensitively.
func targetConditions(ev *event.Event, cond map[string][]string) bool {
	for f, vals := range cond {
		ok := false
		for _, fld := range ev.Fields {
			if fld.Key != f {
				continue
			}
			for _, v := range vals {
				if strings.EqualFold(fld.Value, v) {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// sgEvent is the adapter: sigma-go looks fields up in a map[string]any.
// Our Windows field names are already the names SigmaHQ rules use, so the
// keys are kept; a repeated key keeps its first value, as Event.Value
// does, and a missing one is absent (nil to sigma-go).
func sgEvent(ev *event.Event) map[string]any {
	m := make(map[string]any, len(ev.Fields))
	for _, f := range ev.Fields {
		if _, dup := m[f.Key]; !dup {
			m[f.Key] = f.Value
		}
	}
	return m
}

// repeatedKeys counts the events with a field key given more than once,
// which the adapter reduces to the first value.
func repeatedKeys(events []*event.Event) int {
	n := 0
	for _, ev := range events {
		keys := make([]string, 0, len(ev.Fields))
		for _, f := range ev.Fields {
			keys = append(keys, f.Key)
		}
		sort.Strings(keys)
		for i := 1; i < len(keys); i++ {
			if keys[i] == keys[i-1] {
				n++
				break
			}
		}
	}
	return n
}
