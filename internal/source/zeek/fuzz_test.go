package zeek

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

func FuzzTSV(f *testing.F) {
	for _, name := range []string{"testdata/mixed.log"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/3])
	}
	f.Add([]byte("#separator \\x09\n#fields\tts\tx\n#types\ttime\tvector[string]\n1.5\ta\\x2cb,(empty),-\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := decode(t, "fuzz.log", b)
		for _, ev := range c.Events {
			if ev.ID.IsZero() || len(ev.Fields) == 0 || ev.Fields[0].Key != keyPath {
				t.Fatalf("bad event %+v", ev)
			}
		}
		for _, err := range c.Errs {
			var se *source.Error
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > int64(len(b)) {
				t.Fatalf("bad error %v", err)
			}
		}
	})
}

func FuzzJSON(f *testing.F) {
	b, err := os.ReadFile("testdata/mixed.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" {
			f.Add(l)
		}
	}
	f.Add(`{"_path":"x","ts":"2020-01-01T00:00:00Z","a":["",""],"b":"\u0001\\x","c":1e400}`)
	rf := RecordFormat()
	flat := jsonrec.NewFlattener()
	f.Fuzz(func(t *testing.T, raw string) {
		rec, err := flat.Flatten(raw)
		if err != nil || !rf.Match(&rec) {
			return
		}
		ev := &event.Event{Fields: rec.Fields}
		if err := rf.Normalize(&rec, ev); err != nil {
			return
		}
		if ev.ID.IsZero() || ev.Fields[0].Key != keyPath {
			t.Fatalf("bad event %+v", ev)
		}
	})
}
