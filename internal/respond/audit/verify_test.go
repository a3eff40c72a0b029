package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// rewrite applies edit to the lines (with their newlines) of a log.
func rewrite(t *testing.T, path string, edit func([]string) []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	lines = lines[:len(lines)-1] // the empty string after the last newline
	if err := os.WriteFile(path, []byte(strings.Join(edit(lines), "")), 0o600); err != nil {
		t.Fatal(err)
	}
}

// reseal changes a record and recomputes its hash, as an attacker without
// the key can for a plain chain.
func reseal(t *testing.T, line string, change func(*Record)) string {
	t.Helper()
	var r Record
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatal(err)
	}
	change(&r)
	r.Hash = r.sum(nil)
	b, err := r.encode()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestTampering(t *testing.T) {
	why := func(s string) func(*Record) { return func(r *Record) { r.Why = s } }
	tests := []struct {
		name    string
		edit    func(t *testing.T, l []string) []string
		problem Problem
		seq     uint64
		line    int
	}{
		{"edited why", func(t *testing.T, l []string) []string {
			l[4] = strings.Replace(l[4], "step 4", "step 5", 1)
			return l
		}, Edited, 5, 5},
		{"edited data", func(t *testing.T, l []string) []string {
			l[2] = strings.Replace(l[2], `"web-01"`, `"web-02"`, 1)
			return l
		}, Edited, 3, 3},
		{"edited and resealed", func(t *testing.T, l []string) []string {
			l[4] = reseal(t, l[4], why("nothing happened"))
			return l
		}, Relinked, 6, 6},
		{"resealed chain from the edit on", func(t *testing.T, l []string) []string {
			l[4] = reseal(t, l[4], why("nothing happened"))
			for i := 5; i < len(l); i++ {
				var prev Record
				json.Unmarshal([]byte(l[i-1]), &prev)
				l[i] = reseal(t, l[i], func(r *Record) { r.Prev = prev.Hash })
			}
			return l
		}, "", 0, 0}, // undetectable without a key or a head: see TestHead
		{"spacing", func(t *testing.T, l []string) []string {
			l[3] = strings.Replace(l[3], `"seq":4,`, `"seq": 4,`, 1)
			return l
		}, Edited, 4, 4},
		{"repeated key", func(t *testing.T, l []string) []string {
			l[3] = strings.Replace(l[3], `{"seq":4,`, `{"seq":4,"why":"other",`, 1)
			return l
		}, Edited, 4, 4},
		{"deleted", func(t *testing.T, l []string) []string { return append(l[:4], l[5:]...) }, Deleted, 5, 5},
		{"first deleted", func(t *testing.T, l []string) []string { return l[1:] }, Deleted, 1, 1},
		{"swapped", func(t *testing.T, l []string) []string { l[4], l[5] = l[5], l[4]; return l }, Reordered, 5, 5},
		{"moved to the end", func(t *testing.T, l []string) []string {
			moved := l[2]
			return append(append(l[:2], l[3:]...), moved)
		}, Reordered, 3, 3},
		{"replayed", func(t *testing.T, l []string) []string { return append(l, l[2]) }, Reordered, 11, 11},
		{"garbage line", func(t *testing.T, l []string) []string {
			return append(l[:3], append([]string{"hello\n"}, l[3:]...)...)
		}, Malformed, 4, 4},
		{"torn tail", func(t *testing.T, l []string) []string { l[9] = l[9][:40]; return l }, Truncated, 10, 10},
		{"trailing bytes", func(t *testing.T, l []string) []string { return append(l, "{") }, Truncated, 11, 11},
		{"alg changed", func(t *testing.T, l []string) []string {
			l[6] = reseal(t, l[6], func(r *Record) { r.Alg = "md5" })
			return l
		}, Edited, 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeLog(t, 10, nil)
			rewrite(t, path, func(l []string) []string { return tt.edit(t, l) })
			rep, err := Verify(path)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Problem != tt.problem || rep.BadSeq != tt.seq || rep.Line != tt.line || rep.OK != (tt.problem == "") {
				t.Errorf("got %s at seq %d line %d (%s), want %s at seq %d line %d", rep.Problem, rep.BadSeq, rep.Line, rep.Detail, tt.problem, tt.seq, tt.line)
			}
			if !rep.OK && rep.Records != int(tt.seq-1) {
				t.Errorf("%d records verified, want %d", rep.Records, tt.seq-1)
			}
		})
	}
}

// TestKeyedTampering: with a key, a resealed record is caught where it is.
func TestKeyedTampering(t *testing.T) {
	path := writeLog(t, 10, testKey)
	rewrite(t, path, func(l []string) []string {
		l[4] = reseal(t, l[4], why2("nothing happened")) // an HMAC under a guessed (empty) key
		return l
	})
	if rep, _ := Verify(path, WithKey(testKey)); rep.Problem != Edited || rep.BadSeq != 5 {
		t.Errorf("resealed keyed record: %+v", rep)
	}
	// Rewriting the whole file as a plain chain is caught at once.
	path = writeLog(t, 3, testKey)
	rewrite(t, path, func(l []string) []string {
		prev := zeroHash
		for i := range l {
			l[i] = reseal(t, l[i], func(r *Record) { r.Alg, r.Prev = AlgSHA256, prev })
			var r Record
			json.Unmarshal([]byte(l[i]), &r)
			prev = r.Hash
		}
		return l
	})
	if rep, _ := Verify(path, WithKey(testKey)); rep.Problem != KeyNeeded || rep.BadSeq != 1 {
		t.Errorf("downgraded chain: %+v", rep)
	}
}

func why2(s string) func(*Record) { return func(r *Record) { r.Why = s } }

// TestHead: records cut from the end, or a chain rewritten up to the
// end, are caught against a head kept elsewhere.
func TestHead(t *testing.T) {
	path := writeLog(t, 10, nil)
	rep, _ := Verify(path)
	head := rep.Head
	rewrite(t, path, func(l []string) []string { return l[:8] })
	if rep, _ := Verify(path); !rep.OK {
		t.Fatalf("a chain cut at a record boundary verifies on its own: %+v", rep)
	}
	rep, _ = Verify(path, WithHead(head))
	if rep.Problem != Truncated || rep.BadSeq != 9 || rep.Records != 8 {
		t.Errorf("cut tail against the head: %+v", rep)
	}
	path = writeLog(t, 10, nil)
	rewrite(t, path, func(l []string) []string {
		l[9] = reseal(t, l[9], why2("rewritten"))
		return l
	})
	if rep, _ := Verify(path, WithHead(head)); rep.Problem != Edited || rep.BadSeq != 10 {
		t.Errorf("rewritten tail against the head: %+v", rep)
	}
}

// TestCanonicalEncoding computes a record's hash as the documentation
// describes, independently of the package, so the format stays what
// external verifiers expect.
func TestCanonicalEncoding(t *testing.T) {
	r := Record{
		Seq: 7, Time: time.Date(2026, 3, 4, 10, 0, 0, 500, time.UTC), Kind: KindApply,
		Action: event.NewID("a"), Actor: "alice", Why: "because", Data: json.RawMessage(`{"x":1}`),
		Alg: AlgSHA256, Prev: zeroHash,
	}
	var b bytes.Buffer
	b.WriteString("causeway-audit-v1")
	for _, f := range []string{"7", "2026-03-04T10:00:00.0000005Z", "apply", r.Action.String(), "", "alice", "because", `{"x":1}`, "sha256", zeroHash} {
		binary.Write(&b, binary.BigEndian, uint64(len(f)))
		b.WriteString(f)
	}
	sum := sha256.Sum256(b.Bytes())
	if got := r.sum(nil); got != hex.EncodeToString(sum[:]) {
		t.Errorf("hash %s, want %s", got, hex.EncodeToString(sum[:]))
	}
}

func TestVerifyEmptyAndMissing(t *testing.T) {
	path := writeLog(t, 0, nil)
	if rep, err := Verify(path); err != nil || !rep.OK || rep.Records != 0 {
		t.Errorf("empty log: %+v %v", rep, err)
	}
	if rep, _ := Verify(path, WithHead(Head{Seq: 2, Hash: "x"})); rep.Problem != Truncated || rep.BadSeq != 1 {
		t.Errorf("empty log with a head: %+v", rep)
	}
	if _, err := Verify(path + ".missing"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// FuzzVerifyReader: arbitrary bytes are reported on, never crash.
func FuzzVerifyReader(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("{}\n"))
	f.Add([]byte(`{"seq":1,"time":"2026-03-04T10:00:01Z","kind":"plan","actor":"causeway","alg":"sha256","prev":"` + zeroHash + `","hash":"00"}` + "\n"))
	f.Add([]byte("\n\n{\"seq\":1}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := VerifyReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK != (rep.Problem == "") || rep.Records > rep.Lines {
			t.Fatalf("inconsistent report %+v", rep)
		}
	})
}
