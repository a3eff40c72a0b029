package sourcetest

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

func TestReader(t *testing.T) {
	r := NewReader([]byte("hello world"))
	buf := make([]byte, 4)
	var offs []int64
	for {
		_, err := r.Read(buf)
		offs = append(offs, r.Offset())
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if want := []int64{4, 8, 11, 11}; !reflect.DeepEqual(offs, want) {
		t.Errorf("offsets %v, want %v", offs, want)
	}
}

func TestSinkOffsets(t *testing.T) {
	var s Sink
	s.Error(&source.Error{Path: "p", Offset: 7, Err: errors.New("x")})
	s.Error(errors.New("plain"))
	s.Event(&event.Event{})
	if got := s.Offsets(); !reflect.DeepEqual(got, []int64{7, -2}) || len(s.Events) != 1 {
		t.Errorf("offsets %v, %d events", got, len(s.Events))
	}
}

func TestCorporaDirFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CAUSEWAY_CORPORA", dir)
	if got := CorporaDir(); got != dir {
		t.Errorf("CorporaDir = %q, want %q", got, dir)
	}
	if got := Corpus(t, "a/b"); got != filepath.Join(dir, "a/b") {
		t.Errorf("Corpus = %q", got)
	}
}

func TestCorporaSkipsWhenAbsent(t *testing.T) {
	t.Setenv("CAUSEWAY_CORPORA", filepath.Join(t.TempDir(), "missing"))
	ok := t.Run("inner", func(t *testing.T) {
		Corpora(t)
		t.Error("Corpora did not skip")
	})
	if !ok {
		t.Error("inner test failed")
	}
}

func TestFirstDiff(t *testing.T) {
	if got := firstDiff([]byte("a\nb\nc"), []byte("a\nx\nc")); !strings.Contains(got, "line 2") {
		t.Errorf("got %q", got)
	}
	if got := firstDiff([]byte("a\nb"), []byte("a")); got != "got 2 lines, want 1" {
		t.Errorf("got %q", got)
	}
}

func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.golden")
	if err := os.WriteFile(path, []byte("same\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	Golden(t, path, []byte("same\n"))
}

func TestLinesAndSummaries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.jsonl")
	if err := os.WriteFile(path, []byte(" a \n\n b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Lines(t, path); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Lines = %q", got)
	}
	ev := &event.Event{Class: event.ClassLogon, Action: "x", Fields: []event.Field{{Key: "k", Value: "v"}}}
	s := Summaries([]*event.Event{ev})
	if len(s) != 1 || s[0].Fields != 1 || s[0].Action != "x" || s[0].Time != "" {
		t.Errorf("Summaries = %+v", s)
	}
	line := string(EventLines([]*event.Event{ev}))
	if !strings.Contains(line, `"fields":[["k","v"]]`) || !strings.HasSuffix(line, "}\n") {
		t.Errorf("EventLines = %s", line)
	}
}
