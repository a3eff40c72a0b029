// Command causeway is the autonomous SOC engine: it reads security telemetry,
// detects and explains attacks, and contains them under policy.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/app"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `Causeway: autonomous SOC engine.

Usage:
  causeway demo [flags]                  simulate a company under attack, investigate it, plan containment, write the report
  causeway investigate [flags] PATH...   read logs (files, directories, archives, - for stdin)
  causeway simulate [flags] --out DIR    write a simulated company's telemetry with attack campaigns and their ground truth
  causeway bench [flags]                 simulate a company and measure every stage: events/s, latency, memory
  causeway eval [flags] SCENARIO...      investigate scenarios and score the incidents against their ground truth
  causeway rules lint [flags] DIR...     check Sigma rule files: what does not load, and why
  causeway rules test [flags] DIR...     run rules against the samples and regression data beside them
  causeway actions list|approve|deny|undo|confirm|expire [flags] [ID...]
                                         review and act on the containment actions of a response
  causeway audit verify [flags] FILE     check an audit log's hash chain for tampering
  causeway agent [flags]                 serve host containment actions to the engine (run as root on the host)
  causeway version                       print the version

Run "causeway COMMAND -h" for the flags of a command.
`

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	deps := app.Deps{
		Stdout:   stdout,
		Stderr:   stderr,
		Logger:   slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now:      time.Now,
		Terminal: isTerminal(stderr),
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "investigate":
		fs, cfg := commonFlags("investigate", stderr)
		var paths []string
		if paths, err = parse(fs, rest); err == nil {
			if len(paths) == 0 {
				err = errors.New("investigate: name at least one PATH (or - for standard input)")
			} else {
				err = app.Investigate(ctx, *cfg, deps, paths)
			}
		}
	case "demo":
		fs, cfg := commonFlags("demo", stderr)
		dcfg := app.DemoConfig{}
		fs.Uint64Var(&dcfg.Seed, "seed", 1, "simulation seed: the same seed plays the same day")
		fs.StringVar(&dcfg.Campaign, "campaign", app.DemoCampaign, "the attack campaign to play (see causeway simulate)")
		fs.StringVar(&dcfg.Data, "data", "", "keep the simulated telemetry and ground truth in this directory (default: a temporary one, removed)")
		fs.Lookup("report").DefValue = app.DefaultDemoReport
		cfg.Report = app.DefaultDemoReport
		fs.Lookup("respond").DefValue = "plan"
		cfg.Respond.Mode = "plan"
		if _, err = parse(fs, rest); err == nil {
			dcfg.Config = *cfg
			err = app.Demo(ctx, dcfg, deps)
		}
	case "simulate":
		fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
		fs.SetOutput(stderr)
		cfg := app.SimulateConfig{}
		fs.Uint64Var(&cfg.Seed, "seed", 1, "seed: the same seed writes the same files")
		fs.StringVar(&cfg.Out, "out", "", "output directory, empty or absent (required)")
		fs.DurationVar(&cfg.Duration, "duration", 24*time.Hour, "simulated period, from Monday 2026-03-09 00:00 UTC")
		fs.Float64Var(&cfg.Rate, "rate", 1, "scale of the benign background (1: a small company, about 70,000 events a working day)")
		fs.StringVar(&cfg.Environment, "environment", "", "environment file (YAML); default: the built-in company")
		fs.StringVar(&cfg.Campaigns, "campaigns", "", "comma-separated attack campaigns (default all; none for background only)")
		fs.StringVar(&cfg.Output, "output", "text", "summary format: text or json")
		fs.StringVar(&cfg.WindowsFormat, "windows-format", "json", "Windows event files: json (evtx_dump JSON lines) or evtx (Windows event log files)")
		if _, err = parse(fs, rest); err == nil {
			err = app.Simulate(ctx, cfg, deps)
		}
	case "bench":
		fs := flag.NewFlagSet("bench", flag.ContinueOnError)
		fs.SetOutput(stderr)
		cfg := app.BenchConfig{}
		fs.Uint64Var(&cfg.Seed, "seed", 1, "simulation seed")
		fs.DurationVar(&cfg.Duration, "duration", 24*time.Hour, "simulated period")
		fs.Float64Var(&cfg.Rate, "rate", 1, "scale of the simulated background (1: about 70,000 events a working day)")
		fs.StringVar(&cfg.Output, "output", "text", "output format: text or json")
		fs.StringVar(&cfg.Dir, "dir", "", "simulate into this directory and keep it (default: a temporary one)")
		fs.Func("rules", "also detect with the Sigma rules under this directory (repeatable)", func(v string) error {
			cfg.Rules = append(cfg.Rules, v)
			return nil
		})
		if _, err = parse(fs, rest); err == nil {
			err = app.Bench(ctx, cfg, deps)
		}
	case "eval":
		fs, cfg := commonFlags("eval", stderr)
		ecfg := app.EvalConfig{}
		fs.StringVar(&ecfg.Corpora, "corpora", "", "folder the scenarios' inputs are relative to (default $CAUSEWAY_CORPORA, else ../shared/corpora)")
		var paths []string
		if paths, err = parse(fs, rest); err == nil {
			if len(paths) == 0 {
				err = errors.New("eval: name at least one scenario file")
			} else {
				ecfg.Config = *cfg
				err = app.Eval(ctx, ecfg, deps, paths)
			}
		}
	case "rules":
		err = rules(ctx, deps, rest)
	case "audit":
		err = auditCmd(deps, rest)
	case "actions":
		err = actionsCmd(ctx, deps, rest)
	case "agent":
		fs := flag.NewFlagSet("agent", flag.ContinueOnError)
		fs.SetOutput(stderr)
		var cfg app.AgentConfig
		fs.StringVar(&cfg.Listen, "listen", "", "address to serve on, ADDR:PORT (required)")
		fs.StringVar(&cfg.KeyFile, "key-file", "", "file holding the key shared with the engine, 32 bytes or more, mode 0600 (required)")
		fs.StringVar(&cfg.Vault, "vault", "", "directory for quarantined files (default /var/lib/causeway/vault)")
		if _, err = parse(fs, rest); err == nil {
			if cfg.Listen == "" || cfg.KeyFile == "" {
				err = errors.New("agent: --listen and --key-file are required")
			} else {
				deps.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
				err = app.Agent(ctx, cfg, deps)
			}
		}
	case "version", "--version":
		fmt.Fprintln(stdout, "causeway", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "causeway: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "causeway:", err)
		return 1
	}
	return 0
}

// actionsCmd runs "causeway actions list|approve|deny|undo".
func actionsCmd(ctx context.Context, deps app.Deps, args []string) error {
	if len(args) == 0 {
		return errors.New("actions: want list, approve, deny, undo, confirm or expire")
	}
	verb := args[0]
	fs := flag.NewFlagSet("actions "+verb, flag.ContinueOnError)
	fs.SetOutput(deps.Stderr)
	cfg := app.ActionsConfig{}
	fs.StringVar(&cfg.Respond.State, "state", "", "the response's state directory (as given to investigate --state)")
	fs.StringVar(&cfg.Respond.MinSeverity, "respond-severity", "medium", "the least severe incident to plan containment for: informational, low, medium, high or critical")
	fs.StringVar(&cfg.Respond.Agents, "agents", "", "host agents file, for approving or undoing host actions")
	fs.StringVar(&cfg.User, "user", "", "who approves, denies or undoes (recorded in the audit log)")
	fs.StringVar(&cfg.Why, "why", "", "why an action is denied")
	fs.StringVar(&cfg.Output, "output", "text", "output format: text or json")
	ids, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	return app.Actions(ctx, cfg, deps, verb, ids)
}

// auditCmd runs "causeway audit verify FILE".
func auditCmd(deps app.Deps, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("audit: want verify, then the audit log file")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(deps.Stderr)
	output := fs.String("output", "text", "output format: text or json")
	keyFile := fs.String("key-file", "", "file holding the key the log was written with, if any")
	files, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return errors.New("audit verify: name one audit log file")
	}
	return app.AuditVerify(deps, files[0], *keyFile, *output)
}

// rules runs "causeway rules lint|test DIR...".
func rules(ctx context.Context, deps app.Deps, args []string) error {
	if len(args) == 0 || (args[0] != "lint" && args[0] != "test") {
		return errors.New("rules: want lint or test, then one or more rule directories")
	}
	sub := args[0]
	fs := flag.NewFlagSet("rules "+sub, flag.ContinueOnError)
	fs.SetOutput(deps.Stderr)
	cfg := app.Config{Domains: map[string]string{}}
	fs.StringVar(&cfg.Output, "output", "text", "output format: text or json")
	dirs, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return fmt.Errorf("rules %s: name at least one rule directory", sub)
	}
	if sub == "lint" {
		return app.RulesLint(cfg, deps, dirs)
	}
	return app.RulesTest(ctx, cfg, deps, dirs)
}

func commonFlags(name string, stderr io.Writer) (*flag.FlagSet, *app.Config) {
	cfg := &app.Config{Domains: map[string]string{}}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Output, "output", "text", "output format: text or json")
	fs.StringVar(&cfg.Progress, "progress", "auto", "progress display on stderr: auto, always or never")
	fs.IntVar(&cfg.Year, "year", 0, "year of syslog time stamps that carry none (RFC 3164); 0: the current year, or the last for dates in the future")
	fs.Func("rules", "detect with the Sigma rules under this directory (repeatable), e.g. a SigmaHQ checkout's rules/", func(s string) error {
		cfg.Rules = append(cfg.Rules, s)
		return nil
	})
	fs.StringVar(&cfg.Respond.Mode, "respond", "", "contain what is found: plan (propose and decide), monitor (record what would be done) or enforce (apply what policy allows)")
	fs.StringVar(&cfg.Respond.Policy, "policy", "", "response policy file (default: the built-in policy)")
	fs.StringVar(&cfg.Respond.Inventory, "inventory", "", "asset inventory file: criticality, owners, protected assets, crown jewels")
	fs.StringVar(&cfg.Respond.State, "state", "", "directory for the response's actions, audit log and counters (monitor, enforce)")
	fs.StringVar(&cfg.Respond.MinSeverity, "respond-severity", "medium", "the least severe incident to plan containment for: informational, low, medium, high or critical")
	fs.StringVar(&cfg.Respond.Agents, "agents", "", "file naming the host agents, host -> {url, key_file} (enforce)")
	fs.StringVar(&cfg.Report, "report", "", "write incident reports (index.html, one page per incident, incidents.md, incidents.json) into this directory")
	fs.BoolVar(&cfg.LearnClocks, "learn-clocks", false, "learn each network sensor's clock offset from the flows hosts also logged, and shift its events onto the hosts' clock")
	fs.StringVar(&cfg.Events, "events", "", "also write the normalized events to this file as JSON lines (- for standard output)")
	fs.Func("domain", "map a Windows domain to its DNS suffix, NAME=SUFFIX (repeatable), so CORP\\alice and alice@corp.com are one principal", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" || v == "" {
			return fmt.Errorf("want NAME=SUFFIX, got %q", s)
		}
		cfg.Domains[k] = v
		return nil
	})
	return fs, cfg
}

// parse parses flags that may come before, between or after positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
