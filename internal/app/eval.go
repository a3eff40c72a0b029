package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/causeway-soc/causeway/internal/eval"
	"github.com/causeway-soc/causeway/internal/source"
)

// EvalConfig is what `causeway eval` takes besides the scenario files.
type EvalConfig struct {
	Config
	// Corpora is the folder scenario inputs are relative to; default
	// $CAUSEWAY_CORPORA, else ../shared/corpora.
	Corpora string
}

// Eval investigates each scenario's inputs and scores the incidents
// against its ground truth.
func Eval(ctx context.Context, cfg EvalConfig, deps Deps, paths []string) error {
	if cfg.Output != "text" && cfg.Output != "json" {
		return fmt.Errorf("unknown output %q: want text or json", cfg.Output)
	}
	root := cfg.Corpora
	if root == "" {
		root = os.Getenv("CAUSEWAY_CORPORA")
	}
	if root == "" {
		root = filepath.Join("..", "shared", "corpora")
	}
	var results []eval.Result
	for _, p := range paths {
		s, err := eval.Load(p)
		if err != nil {
			return err
		}
		r, err := evalScenario(ctx, cfg.Config, deps, s, root)
		if err != nil {
			return fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		results = append(results, r)
	}
	sum := eval.Summarize(results)
	if cfg.Output == "json" {
		enc := json.NewEncoder(deps.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	return eval.WriteText(deps.Stdout, sum)
}

// evalScenario runs the pipeline on one scenario, quietly, and scores it.
func evalScenario(ctx context.Context, cfg Config, deps Deps, s *eval.Scenario, root string) (eval.Result, error) {
	inputs := s.InputPaths(root)
	for _, in := range inputs {
		if _, err := os.Stat(in); err != nil {
			return eval.Result{}, fmt.Errorf("input missing (set --corpora or CAUSEWAY_CORPORA): %w", err)
		}
	}
	cfg.Domains = s.Domains
	cfg.Year = s.Year
	cfg.Events, cfg.Report = "", ""
	quiet := deps
	quiet.Stdout = io.Discard
	a, err := analyze(ctx, cfg, quiet, func(ctx context.Context, w *source.Walker, sink source.Sink) error {
		return w.Read(ctx, inputs, sink)
	})
	if err != nil {
		return eval.Result{}, err
	}
	return eval.Score(s, a.Incidents(), a.Lookup), nil
}
