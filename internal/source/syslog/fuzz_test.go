package syslog

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

func fixtureLines(f *testing.F) {
	for _, name := range []string{"testdata/auth.log", "testdata/sysmon.log"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		for _, line := range bytes.Split(data, []byte("\n")) {
			f.Add(line)
		}
	}
}

// FuzzDecode feeds arbitrary streams to the syslog decoder: no panic, every
// event has an id and a host, every error an offset inside the stream.
func FuzzDecode(f *testing.F) {
	fixtureLines(f)
	f.Add([]byte("<13>1 2022-05-11T18:10:21Z h a 1 - [x y=\"\\]\" z] m\n<999>Jan  1 00:00:00 h"))
	now := func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, data []byte) {
		var c sourcetest.Sink
		in := sourcetest.Input("fuzz", data)
		if err := Format(nil, nil, Config{Now: now}).Decode(context.Background(), in, &c); err != nil {
			t.Fatalf("Decode returned %v", err)
		}
		for _, ev := range c.Events {
			if ev.ID.IsZero() {
				t.Fatal("event without id")
			}
			if _, ok := ev.Ref("host"); !ok && ev.Value("Computer") != "" {
				t.Fatalf("event %s without host", ev.ID)
			}
		}
		for _, err := range c.Errs {
			var se *source.Error
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > int64(len(data)) {
				t.Fatalf("error %v has no offset inside the stream", err)
			}
		}
	})
}

// FuzzEventXML feeds arbitrary documents to the Sysmon XML parser.
func FuzzEventXML(f *testing.F) {
	data, err := os.ReadFile("testdata/sysmon.log")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if i := bytes.Index(line, []byte("<Event>")); i >= 0 {
			f.Add(string(line[i:]))
		}
	}
	f.Add("<Event><System><EventID>1</EventID></System><EventData><Data Name='a'>&#x1F600;&#99999999;&bogus;&amp</Data></EventData></Event>")
	f.Fuzz(func(t *testing.T, doc string) {
		var rec winevent.Record
		if err := parseEventXML(doc, &rec); err == nil && rec.EventID == 0 && rec.Provider == "" {
			t.Fatal("accepted a document without EventID or Provider")
		}
	})
}
