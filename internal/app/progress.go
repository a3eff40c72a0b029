package app

import (
	"fmt"
	"sync"
	"time"

	"github.com/causeway-soc/causeway/internal/source"
)

// progressEvery is how often the progress line is redrawn on a terminal;
// without a terminal a line is written every logEvery.
const (
	progressEvery = 250 * time.Millisecond
	logEvery      = 10 * time.Second
)

// startProgress shows files, bytes, events, events/s and errors on Stderr
// while reading, and returns a function that stops it.
func startProgress(cfg Config, deps Deps, st *source.Stats, sink *countingSink, start time.Time) func() {
	show := cfg.Progress == "always" || (cfg.Progress == "auto" && deps.Terminal)
	if !show && cfg.Progress != "auto" {
		return func() {}
	}
	every := progressEvery
	if !deps.Terminal {
		every = logEvery
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	line := func() string {
		el := deps.Now().Sub(start).Seconds()
		ev := sink.events.Load()
		rate := 0.0
		if el > 0 {
			rate = float64(ev) / el
		}
		return fmt.Sprintf("files %d  read %.1f MiB  events %d  %.0f events/s  errors %d",
			st.Files.Load(), float64(st.Bytes.Load())/(1<<20), ev, rate, sink.errors.Load())
	}
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				if deps.Terminal && show {
					fmt.Fprintf(deps.Stderr, "\r\033[K%s\n", line())
				}
				return
			case <-t.C:
				if deps.Terminal {
					if show {
						fmt.Fprintf(deps.Stderr, "\r\033[K%s", line())
					}
				} else {
					fmt.Fprintln(deps.Stderr, line())
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
