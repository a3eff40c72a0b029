package auditd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// FuzzDecode feeds arbitrary streams to the decoder: it must not panic, and
// every event it sends must have an id, a time and a host.
func FuzzDecode(f *testing.F) {
	if data, err := os.ReadFile("testdata/session.log"); err == nil {
		f.Add(data)
		for _, line := range bytes.Split(data, []byte("\n")) {
			f.Add(line)
		}
	}
	if dir := os.Getenv("CAUSEWAY_CORPORA"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, samples, "UC01[36]*.log"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("type=SOCKADDR msg=audit(1.1:1): saddr=0A00\ntype=EXECVE msg=audit(1.1:1): argc=3 a0_len=4 a0[0]=41 a2[7]=4242\n"))
	f.Add([]byte("type=USER_LOGIN msg=audit(09/13/20 12:26:40.123:456) : msg='op=login acct=\"x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c sourcetest.Sink
		in := sourcetest.Input("fuzz", data)
		if err := Format(nil, Config{Window: 3}).Decode(context.Background(), in, &c); err != nil {
			t.Fatalf("Decode returned %v", err)
		}
		for _, ev := range c.Events {
			if ev.ID.IsZero() {
				t.Fatal("event without id")
			}
			if _, ok := ev.Ref("host"); !ok {
				t.Fatalf("event %s without host", ev.ID)
			}
		}
		for _, err := range c.Errs {
			var se *source.Error
			if !asError(err, &se) || se.Offset < 0 || se.Offset > int64(len(data)) {
				t.Fatalf("error %v has no offset inside the stream", err)
			}
		}
	})
}
