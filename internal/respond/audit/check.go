package audit

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Problem is what is wrong with a log.
type Problem string

// Problems Verify reports.
const (
	Edited    Problem = "edited"    // a record's content does not match its hash, or is not in canonical form
	Relinked  Problem = "relinked"  // a record's prev does not match the record before it: one of them was rewritten
	Deleted   Problem = "deleted"   // a sequence number is missing
	Reordered Problem = "reordered" // records are out of order or repeated
	Truncated Problem = "truncated" // the file ends in an incomplete record, or before the expected head
	Malformed Problem = "malformed" // a line is not a record
	KeyNeeded Problem = "key"       // the chain is keyed and no key, or a chain of another kind, was given
)

// checker verifies records one after the other.
type checker struct {
	key      []byte
	alg      string // the chain's algorithm, from its first record
	expect   uint64 // the next sequence number
	prevHash string // the hash the next record must name as prev
}

func newChecker(key []byte) checker {
	return checker{key: key, expect: 1, prevHash: zeroHash}
}

// decode parses one line, without its newline.
func (c *checker) decode(line []byte) (*Record, string) {
	var r Record
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Sprintf("not a record: %v", err)
	}
	return &r, ""
}

// check verifies r, read from line, as the next record of the chain and
// advances past it. It returns the problem and why, or "" when r holds.
func (c *checker) check(r *Record, line []byte) (Problem, string) {
	if c.alg == "" {
		c.alg = r.Alg
	}
	switch {
	case r.Alg != AlgSHA256 && r.Alg != AlgHMAC:
		return Edited, fmt.Sprintf("unknown hash algorithm %q", r.Alg)
	case r.Alg != c.alg:
		return Edited, fmt.Sprintf("the chain changes from %s to %s", c.alg, r.Alg)
	case r.Alg == AlgHMAC && c.key == nil:
		return KeyNeeded, "the chain is keyed: a key is needed to verify it"
	case r.Alg == AlgSHA256 && c.key != nil:
		return KeyNeeded, "a key was given but the chain is not keyed: it was written without the key, or rewritten"
	}
	if subtle.ConstantTimeCompare([]byte(r.sum(c.key)), []byte(r.Hash)) != 1 {
		return Edited, "the record's hash does not match its content"
	}
	if enc, err := r.encode(); err != nil || !bytes.Equal(bytes.TrimSuffix(enc, []byte("\n")), line) {
		return Edited, "the line is not in canonical form (changed spacing, repeated or extra keys)"
	}
	switch {
	case r.Seq > c.expect:
		return Deleted, fmt.Sprintf("seq %d found where %d was expected", r.Seq, c.expect)
	case r.Seq < c.expect:
		return Reordered, fmt.Sprintf("seq %d found where %d was expected: a record repeated or moved", r.Seq, c.expect)
	case r.Prev != c.prevHash:
		return Relinked, fmt.Sprintf("prev does not match the hash of seq %d: one of the two was rewritten", c.expect-1)
	}
	c.expect++
	c.prevHash = r.Hash
	return "", ""
}

// tail is the end of a log file.
type tail struct {
	last, prev []byte // the last two complete lines, without newlines
	end        int64  // offset just past the last complete line
	torn       int64  // bytes after it (an incomplete record)
}

// readTail reads the end of f backwards until it holds the last two
// complete lines.
func readTail(f *os.File) (tail, error) {
	var t tail
	st, err := f.Stat()
	if err != nil {
		return t, fmt.Errorf("reading the tail: %w", err)
	}
	size := st.Size()
	chunk := int64(64 << 10)
	for {
		start := max(size-chunk, 0)
		buf := make([]byte, size-start)
		if _, err := f.ReadAt(buf, start); err != nil && err != io.EOF {
			return t, fmt.Errorf("reading the tail: %w", err)
		}
		if t, ok := splitTail(buf, start); ok || start == 0 {
			return t, nil
		}
		if chunk >= 2*maxLine+1 {
			return t, fmt.Errorf("reading the tail: no complete record in the last %d bytes", chunk)
		}
		chunk *= 2
	}
}

// splitTail finds the last two complete lines of buf, which starts at
// offset start of the file. ok is false when buf may not hold them whole.
func splitTail(buf []byte, start int64) (tail, bool) {
	var t tail
	nl := bytes.LastIndexByte(buf, '\n')
	t.end = start + int64(nl+1)
	t.torn = start + int64(len(buf)) - t.end
	if nl < 0 {
		return t, false
	}
	body := buf[:nl]
	i := bytes.LastIndexByte(body, '\n')
	if i < 0 {
		t.last = body
		return t, start == 0
	}
	t.last = body[i+1:]
	j := bytes.LastIndexByte(body[:i], '\n')
	if j < 0 && start > 0 {
		return t, false
	}
	t.prev = body[j+1 : i]
	return t, true
}
