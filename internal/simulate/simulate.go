// Package simulate is Causeway's attack range: from an environment
// description (people, Windows and Linux hosts, an AWS account, an Okta
// organisation, an Entra ID tenant) it writes telemetry in the sources'
// native formats (Windows Sysmon and Security events as evtx_dump JSON or
// EVTX files, CloudTrail, VPC Flow Logs, Okta System Log, Entra ID sign-ins, auth.log,
// auditd, Zeek conn, dns, http and ssl logs), with benign background shaped
// like a working company and attack campaigns interleaved in the same
// streams, and a ground-truth scenario file per campaign in the format of
// `causeway eval`.
//
// A run is deterministic: the same configuration and seed give
// byte-identical files. Events are generated in time order through one
// priority queue of pending records and scheduled activities, so memory
// stays bounded whatever the duration and rate.
package simulate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// Config is what a run simulates.
type Config struct {
	// Seed makes the run repeatable: every random choice derives from it.
	Seed uint64
	// Start is when the simulated period begins; zero is DefaultStart.
	Start time.Time
	// Duration of the period; zero is one day.
	Duration time.Duration
	// Rate scales the benign background (1 is a realistic small company:
	// the default environment writes about 70,000 events on a working
	// day); zero means 1.
	Rate float64
	// Environment is the company; nil is DefaultEnvironment().
	Environment *Environment
	// Campaigns names the attacks to run (see Campaigns); nil runs all of
	// them, an empty non-nil slice none.
	Campaigns []string
	// MaxFileBytes rotates Windows event files at this size; zero is 64 MiB.
	MaxFileBytes int64
	// WindowsFormat is how Windows events are written: WindowsJSON (the
	// default, "" too) or WindowsEVTX.
	WindowsFormat string
}

// Formats of the Windows event files (Config.WindowsFormat).
const (
	WindowsJSON = "json" // evtx_dump JSON lines
	WindowsEVTX = "evtx" // Windows XML Event Log files
)

// DefaultStart is a Monday, so that a one-day run is a working day.
var DefaultStart = time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)

// Summary says what a run wrote.
type Summary struct {
	Start, End time.Time
	Events     int64            // records written
	Sources    map[string]int64 // records by source: windows, cloudtrail, vpcflow, okta, entra, syslog, auditd, zeek
	Files      int
	Bytes      int64
	Scenarios  []ScenarioSummary
}

// ScenarioSummary is one campaign of a run.
type ScenarioSummary struct {
	Name  string
	Path  string // the scenario file
	Start time.Time
	End   time.Time
}

// Source directories under the output directory.
const (
	DirWindows    = "windows"
	DirCloudTrail = "aws"
	DirOkta       = "okta"
	DirLinux      = "linux"
	DirZeek       = "zeek"
	DirEntra      = "entra"
)

// Run simulates cfg into the directory out, which must be empty or absent,
// reporting progress lines to progress (nil for none).
func Run(ctx context.Context, cfg Config, out string, progress io.Writer) (Summary, error) {
	if err := cfg.fill(); err != nil {
		return Summary{}, err
	}
	if err := emptyDir(out); err != nil {
		return Summary{}, err
	}
	if progress == nil {
		progress = io.Discard
	}
	s := newSim(cfg, out, progress)
	if err := s.plan(); err != nil {
		return Summary{}, err
	}
	err := s.run(ctx)
	if cerr := s.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Summary{}, err
	}
	if err := s.writeScenarios(); err != nil {
		return Summary{}, err
	}
	sum := s.summary()
	fmt.Fprintf(progress, "simulated %s .. %s: %d events in %d files (%d bytes)\n",
		sum.Start.Format(time.RFC3339), sum.End.Format(time.RFC3339), sum.Events, sum.Files, sum.Bytes)
	return sum, nil
}

// fill applies defaults and validates.
func (c *Config) fill() error {
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	c.Start = c.Start.UTC()
	if c.Duration == 0 {
		c.Duration = 24 * time.Hour
	}
	if c.Duration < time.Hour {
		return fmt.Errorf("simulation duration %s: want at least an hour", c.Duration)
	}
	if c.Rate == 0 {
		c.Rate = 1
	}
	if c.Rate < 0 {
		return fmt.Errorf("simulation rate %g: want a positive number", c.Rate)
	}
	if c.Environment == nil {
		c.Environment = DefaultEnvironment()
	}
	if err := c.Environment.Validate(); err != nil {
		return fmt.Errorf("validating environment: %w", err)
	}
	if c.MaxFileBytes <= 0 {
		c.MaxFileBytes = 64 << 20
	}
	switch c.WindowsFormat {
	case "":
		c.WindowsFormat = WindowsJSON
	case WindowsJSON, WindowsEVTX:
	default:
		return fmt.Errorf("unknown Windows format %q: want %s or %s", c.WindowsFormat, WindowsJSON, WindowsEVTX)
	}
	if c.Campaigns == nil {
		c.Campaigns = Campaigns()
	}
	for _, name := range c.Campaigns {
		if !slices.Contains(Campaigns(), name) {
			return fmt.Errorf("unknown campaign %q: want one of %v", name, Campaigns())
		}
	}
	return nil
}

// emptyDir makes sure dir exists and holds nothing, so that a run never
// mixes with the files of another.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating output directory: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("reading output directory: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("output directory %s is not empty", dir)
	}
	return nil
}
