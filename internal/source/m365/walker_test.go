package m365_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// countSink counts events per format and keeps errors.
type countSink struct {
	events map[string]int
	ids    map[event.ID]bool
	errs   []error
}

func (s *countSink) Event(ev *event.Event) {
	s.events[ev.Source.Format]++
	s.ids[ev.ID] = true
}

func (s *countSink) Error(err error) { s.errs = append(s.errs, err) }

// TestWalker reads the identity corpora end to end through the source
// package's walker and JSON splitter (which unwraps Panther's {"log": ...}
// test envelopes and opens the zips): every record becomes an event of the
// expected format, and only records of other formats are reported.
func TestWalker(t *testing.T) {
	dir := sourcetest.Corpora(t)
	rt := filepath.Join(dir, "panther", "rule_tests")
	gs := filepath.Join(dir, "otrf-compound", "GoldenSAMLADFSMailAccess")
	paths := []string{
		filepath.Join(rt, "Okta.SystemLog.jsonl"),
		filepath.Join(rt, "Azure.Audit.jsonl"),
		filepath.Join(rt, "Microsoft365.Audit.AzureActiveDirectory.jsonl"),
		filepath.Join(rt, "Microsoft365.Audit.Exchange.jsonl"),
		filepath.Join(rt, "Microsoft365.Audit.SharePoint.jsonl"),
		filepath.Join(rt, "Amazon.EKS.Audit.jsonl"),
		filepath.Join(gs, "AADAuditEvents.Zip"),
		filepath.Join(gs, "OfficeActivityEvents.Zip"),
		filepath.Join(gs, "Microsoft365DefenderEvents.Zip"),
		filepath.Join(dir, "k8s-audit", "falco-trace-files"),
	}
	// Expected counts, computed independently by the other tests of these
	// packages from line counts and encoding/json: Okta 66 lines; Azure.Audit
	// 26 sign-ins + 21 audits; M365 4+10+5 lines + 1 OfficeActivity row; EKS
	// 222 audit events (188 native, 34 AKS) of 270 records, the other 48 GKE
	// and Azure activity records; 4 Entra audit rows; 9 Defender rows; 4
	// Falco traces.
	want := map[string]int{
		"okta": 66, "entra_signin": 26, "entra_audit": 21 + 4, "m365": 20, "k8saudit": 222 + 4, "mde": 9,
	}
	const otherFormats = 48
	sink := &countSink{events: map[string]int{}, ids: map[event.ID]bool{}}
	w := source.NewWalker(source.Config{}, []source.Format{source.JSONFormat(identityFormats(&event.Principals{}))})
	if err := w.Read(context.Background(), paths, sink); err != nil {
		t.Fatal(err)
	}
	for f, n := range want {
		if sink.events[f] != n {
			t.Errorf("%s: %d events, want %d", f, sink.events[f], n)
		}
	}
	unknown := 0
	for _, err := range sink.errs {
		if errors.Is(err, source.ErrUnknownRecord) {
			unknown++
			continue
		}
		t.Errorf("unexpected error: %v", err)
	}
	if unknown != otherFormats {
		t.Errorf("%d unrecognized records, want %d", unknown, otherFormats)
	}
	t.Logf("events %v, %d distinct ids, %d records of other formats", sink.events, len(sink.ids), unknown)
}
