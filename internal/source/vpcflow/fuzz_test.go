package vpcflow

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// FuzzDecode feeds arbitrary streams to the text decoder: it must not
// panic, and every error must name the input and an offset inside it.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.log"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := decode(t, "fuzz", data)
		for _, err := range c.Errs {
			var se *source.Error
			if !errors.As(err, &se) || se.Path != "fuzz" || se.Offset < 0 || se.Offset > int64(len(data)) {
				t.Fatalf("bad error %v", err)
			}
		}
		for _, ev := range c.Events {
			if ev.ID.IsZero() || ev.Source.Offset < 0 || ev.Source.Offset > int64(len(data)) {
				t.Fatalf("bad event %+v", ev)
			}
		}
	})
}

// FuzzNormalizeJSON runs Match and Normalize over the flattening of
// arbitrary JSON.
func FuzzNormalizeJSON(f *testing.F) {
	f.Add(`{"srcAddr":"10.0.0.1","dstAddr":"192.168.1.1","srcPort":54321,"dstPort":443,"flowDirection":"egress","vpcId":"vpc-12345678"}`)
	f.Add(`{"dstPort":22,"dstAddr":"10.0.0.1","srcAddr":"1.1.1.1","instanceId":"i-0d4c7318592c6a2c7","action":"REJECT","p_log_type":"AWS.VPCFlow"}`)
	f.Add(`{"interfaceId":"eni-1","logStatus":"SKIPDATA","start":1431280876}`)
	rf := RecordFormat()
	f.Fuzz(func(t *testing.T, raw string) {
		rec, err := jsonrec.NewFlattener().Flatten(raw)
		if err != nil || !rf.Match(&rec) {
			return
		}
		ev := &event.Event{Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			t.Fatalf("Normalize failed: %v", err)
		}
		for _, r := range ev.Refs {
			if r.Entity.ID == "" {
				t.Fatalf("empty ref %v", r)
			}
		}
	})
}
