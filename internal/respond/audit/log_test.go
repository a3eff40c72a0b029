package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// ticker is a clock that moves a second per reading.
type ticker struct {
	mu sync.Mutex
	t  time.Time
}

func (c *ticker) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func newTicker() *ticker { return &ticker{t: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)} }

var testKey = []byte("0123456789abcdef0123")

func open(t *testing.T, path string, key []byte) *Log {
	t.Helper()
	l, err := Open(Config{Path: path, Key: key}, Deps{Now: newTicker().Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func entry(i int) Entry {
	kinds := []Kind{KindPlan, KindDecision, KindApproval, KindDenial, KindApply, KindVerify, KindUndo, KindExpire, KindError}
	return Entry{
		Kind:     kinds[i%len(kinds)],
		Action:   event.NewID("action", fmt.Sprint(i)),
		Incident: event.NewID("incident", "1"),
		Actor:    Causeway,
		Why:      fmt.Sprintf("step %d", i),
		Data:     map[string]any{"i": i, "target": "web-01"},
	}
}

// writeLog makes a log of n records and returns its path.
func writeLog(t *testing.T, n int, key []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.log")
	l := open(t, path, key)
	for i := range n {
		if _, err := l.Append(entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestAppendVerifyRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := open(t, path, nil)
	entries := []Entry{
		{Kind: KindPlan, Incident: event.NewID("i"), Actor: Causeway, Why: "cut 2 paths", Data: json.RawMessage(` { "a" : [1, 2] , "b":"<script>&" } `)},
		{Kind: KindDecision, Action: event.NewID("a"), Actor: Causeway, Why: "invalid utf-8 \xff kept as a replacement", Data: map[string]string{"x": "é\u2028"}},
		{Kind: KindApproval, Action: event.NewID("a"), Actor: "alice", Why: "ok"},
		{Kind: KindApply, Action: event.NewID("a"), Actor: Causeway, Data: nil},
		{Kind: KindError, Actor: Causeway, Why: "line\nbreak", Data: json.RawMessage("null")},
	}
	var recs []Record
	for _, e := range entries {
		r, err := l.Append(e)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if recs[0].Prev != zeroHash || recs[1].Prev != recs[0].Hash || recs[4].Seq != 5 {
		t.Errorf("chain not linked: %+v", recs[:2])
	}
	if string(recs[0].Data) != `{"a":[1,2],"b":"<script>&"}` || recs[3].Data != nil || recs[4].Data != nil {
		t.Errorf("data %s / %s / %s", recs[0].Data, recs[3].Data, recs[4].Data)
	}
	if h := l.Head(); h.Seq != 5 || h.Hash != recs[4].Hash {
		t.Errorf("head %+v", h)
	}
	rep, err := Verify(path, WithHead(l.Head()))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.Records != 5 || rep.Lines != 5 || !rep.First.Equal(recs[0].Time) || !rep.Last.Equal(recs[4].Time) {
		t.Fatalf("report %+v", rep)
	}
	// Reopening continues the chain.
	l.Close()
	l2 := open(t, path, nil)
	r, err := l2.Append(entry(9))
	if err != nil {
		t.Fatal(err)
	}
	if r.Seq != 6 || r.Prev != recs[4].Hash {
		t.Errorf("after reopening: seq %d prev %s", r.Seq, r.Prev)
	}
	if rep, _ := Verify(path); !rep.OK || rep.Records != 6 {
		t.Errorf("after reopening: %+v", rep)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestAppendRefuses(t *testing.T) {
	l := open(t, filepath.Join(t.TempDir(), "a.log"), nil)
	for name, e := range map[string]Entry{
		"kind":  {Kind: "delete", Actor: Causeway},
		"actor": {Kind: KindApply},
		"data":  {Kind: KindApply, Actor: Causeway, Data: make(chan int)},
		"raw":   {Kind: KindApply, Actor: Causeway, Data: json.RawMessage("{")},
	} {
		if _, err := l.Append(e); err == nil {
			t.Errorf("%s: append succeeded", name)
		}
	}
	l.Close()
	if _, err := l.Append(entry(0)); err == nil {
		t.Error("append after close succeeded")
	}
	if h := l.Head(); h.Seq != 0 {
		t.Errorf("refused appends moved the head to %d", h.Seq)
	}
}

func TestKeyed(t *testing.T) {
	path := writeLog(t, 3, testKey)
	if rep, _ := Verify(path, WithKey(testKey)); !rep.OK || !rep.Keyed || rep.Records != 3 {
		t.Errorf("with the key: %+v", rep)
	}
	if rep, _ := Verify(path); rep.OK || rep.Problem != KeyNeeded || rep.BadSeq != 1 {
		t.Errorf("without the key: %+v", rep)
	}
	if rep, _ := Verify(path, WithKey([]byte("another key of 16+ bytes"))); rep.OK || rep.Problem != Edited || rep.BadSeq != 1 {
		t.Errorf("with another key: %+v", rep)
	}
	if _, err := Open(Config{Path: path}, Deps{}); !errors.Is(err, ErrKey) {
		t.Errorf("opening a keyed log without its key: %v", err)
	}
	plain := writeLog(t, 2, nil)
	if _, err := Open(Config{Path: plain, Key: testKey}, Deps{}); !errors.Is(err, ErrKey) {
		t.Errorf("opening a plain log with a key: %v", err)
	}
	if rep, _ := Verify(plain, WithKey(testKey)); rep.Problem != KeyNeeded {
		t.Errorf("verifying a plain log with a key: %+v", rep)
	}
	if _, err := Open(Config{Path: path, Key: []byte("short")}, Deps{}); err == nil {
		t.Error("a 5-byte key was accepted")
	}
}

func TestConcurrentAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := open(t, path, testKey)
	var wg sync.WaitGroup
	seqs := make([][]uint64, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				r, err := l.Append(entry(w*100 + i))
				if err != nil {
					t.Error(err)
					return
				}
				seqs[w] = append(seqs[w], r.Seq)
			}
		})
	}
	wg.Wait()
	seen := map[uint64]bool{}
	for _, s := range seqs {
		for _, q := range s {
			if seen[q] {
				t.Fatalf("seq %d given twice", q)
			}
			seen[q] = true
		}
	}
	rep, err := Verify(path, WithKey(testKey), WithHead(l.Head()))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.Records != 400 || rep.Head.Seq != 400 {
		t.Errorf("report %+v", rep)
	}
}

// TestCrashMidWrite: a record cut short is reported as truncated; Open
// refuses the log unless asked to repair, and repairing drops only the
// incomplete record.
func TestCrashMidWrite(t *testing.T) {
	path := writeLog(t, 4, nil)
	whole, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(whole), "\n")
	// The fourth record was being written when the machine stopped.
	cut := strings.Join(lines[:3], "") + lines[3][:len(lines[3])/2]
	if err := os.WriteFile(path, []byte(cut), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || rep.Problem != Truncated || rep.BadSeq != 4 || rep.Records != 3 || rep.Line != 4 {
		t.Fatalf("report %+v", rep)
	}
	if _, err := Open(Config{Path: path}, Deps{}); !errors.Is(err, ErrTruncated) {
		t.Fatalf("Open without repair: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != cut {
		t.Fatal("Open without repair changed the file")
	}
	l, err := Open(Config{Path: path, Repair: true}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if h := l.Head(); h.Seq != 3 {
		t.Errorf("head after repair: %d", h.Seq)
	}
	if r, err := l.Append(entry(7)); err != nil || r.Seq != 4 {
		t.Fatalf("append after repair: %d %v", r.Seq, err)
	}
	if rep, _ := Verify(path); !rep.OK || rep.Records != 4 {
		t.Errorf("after repair: %+v", rep)
	}
}

// TestOpenRefusesTamperedTail: repair never drops records that fail to
// verify.
func TestOpenRefusesTamperedTail(t *testing.T) {
	for name, edit := range map[string]func([]string) []string{
		"last edited":     func(l []string) []string { l[2] = strings.Replace(l[2], "step 2", "step X", 1); return l },
		"previous edited": func(l []string) []string { l[1] = strings.Replace(l[1], "step 1", "step X", 1); return l },
		"last deleted":    func(l []string) []string { return append(l[:1], l[2]) },
		"garbage":         func(l []string) []string { return append(l, "{}\n") },
	} {
		t.Run(name, func(t *testing.T) {
			path := writeLog(t, 3, nil)
			rewrite(t, path, edit)
			if _, err := Open(Config{Path: path, Repair: true}, Deps{}); !errors.Is(err, ErrTampered) {
				t.Errorf("Open: %v, want ErrTampered", err)
			}
		})
	}
}

// TestOpenReadsLongTail: records larger than the first tail chunk.
func TestOpenReadsLongTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := open(t, path, nil)
	for i := range 3 {
		if _, err := l.Append(Entry{Kind: KindPlan, Actor: Causeway, Data: strings.Repeat("x", 100_000+i)}); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	l2 := open(t, path, nil)
	if h := l2.Head(); h.Seq != 3 {
		t.Errorf("head %d", h.Seq)
	}
}
