package app

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"
)

// TestBenchCommand runs `causeway bench` on a small simulation and checks
// that every stage reports its throughput over all the events read.
func TestBenchCommand(t *testing.T) {
	var out bytes.Buffer
	deps := Deps{Stdout: &out, Stderr: &out, Now: time.Now}
	if err := Bench(context.Background(), BenchConfig{Seed: 3, Duration: 24 * time.Hour, Rate: 0.25, Output: "json"}, deps); err != nil {
		t.Fatal(err)
	}
	var rep BenchReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	names := []string{"simulate", "read", "detect", "graph", "investigate"}
	if len(rep.Stages) != len(names) || rep.Events == 0 || rep.Incidents == 0 {
		t.Fatalf("report %+v", rep)
	}
	for i, s := range rep.Stages {
		if s.Name != names[i] || s.EventsPerSec <= 0 {
			t.Errorf("stage %d: %+v", i, s)
		}
		if (s.Name == "read" || s.Name == "detect" || s.Name == "graph") && s.Events != rep.Events {
			t.Errorf("%s handled %d events of %d simulated", s.Name, s.Events, rep.Events)
		}
	}
}
