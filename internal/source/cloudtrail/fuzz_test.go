package cloudtrail

import (
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// FuzzNormalize runs Match and Normalize over whatever the flattener makes
// of fuzzed input: they must never panic, and a matched record must keep
// the fields it came with.
func FuzzNormalize(f *testing.F) {
	cases, _ := filepath.Glob(filepath.Join("testdata", "cases", "*.json"))
	for _, path := range cases {
		_, raws := readArray(f, path)
		for _, r := range raws {
			f.Add(string(r))
		}
	}
	f.Add(`{"eventname":"GetRecords","eventsource":"dynamodb.amazonaws.com","eventtime":"2023-01-10 21:04:02"}`)
	f.Add(`{"eventName":"AssumeRole","awsRegion":"x","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/"}}`)
	rf := RecordFormat(nil)
	f.Fuzz(func(t *testing.T, raw string) {
		rec, err := jsonrec.NewFlattener().Flatten(raw)
		if err != nil {
			return
		}
		if !rf.Match(&rec) {
			return
		}
		ev := &event.Event{Source: event.Source{Format: Name}, Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			t.Fatalf("Normalize failed: %v", err)
		}
		for _, r := range ev.Refs {
			if r.Entity.ID == "" {
				t.Fatalf("empty entity ref %v", r)
			}
		}
	})
}
