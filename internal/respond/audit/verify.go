package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Report is the result of verifying a log.
type Report struct {
	Path string `json:"path,omitempty"`
	// OK is true when every record verified and the log ends where it
	// should.
	OK bool `json:"ok"`
	// Records counts the records that verified, from the first; First and
	// Last are their times, Head the last one's seq and hash.
	Records int       `json:"records"`
	First   time.Time `json:"first,omitzero"`
	Last    time.Time `json:"last,omitzero"`
	Head    Head      `json:"head"`
	Keyed   bool      `json:"keyed"`
	// Lines counts the complete lines of the file.
	Lines int `json:"lines"`
	// When not OK: the first sequence number that did not verify (the
	// chain holds up to BadSeq-1), the line it was expected on, what is
	// wrong and why.
	BadSeq  uint64  `json:"bad_seq,omitempty"`
	Line    int     `json:"line,omitempty"`
	Problem Problem `json:"problem,omitempty"`
	Detail  string  `json:"detail,omitempty"`
}

// VerifyOption changes what Verify checks.
type VerifyOption func(*verifyConfig)

type verifyConfig struct {
	key  []byte
	head *Head
}

// WithKey verifies a keyed chain with key.
func WithKey(key []byte) VerifyOption { return func(c *verifyConfig) { c.key = key } }

// WithHead requires the log to reach head (kept apart from the log, for
// example from Log.Head after the last append), so records cut from the
// end are detected.
func WithHead(h Head) VerifyOption { return func(c *verifyConfig) { c.head = &h } }

// Verify reads the log at path and reports the first record that does not
// verify. Tampering is reported in the Report; the error is for a file
// that cannot be read.
func Verify(path string, opts ...VerifyOption) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{}, fmt.Errorf("verifying audit log: %w", err)
	}
	defer f.Close()
	rep, err := VerifyReader(f, opts...)
	rep.Path = path
	if err != nil {
		return rep, fmt.Errorf("verifying audit log %s: %w", path, err)
	}
	return rep, nil
}

// VerifyReader verifies a log read from r.
func VerifyReader(r io.Reader, opts ...VerifyOption) (Report, error) {
	var cfg verifyConfig
	for _, o := range opts {
		o(&cfg)
	}
	rep := Report{Keyed: cfg.key != nil, Head: Head{Hash: zeroHash}}
	c := newChecker(cfg.key)
	br := bufio.NewReaderSize(r, 64<<10)
	var missing uint64 // a seq missing where the first problem was found
	headHash := ""     // the hash of the record at the expected head's seq
	for {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			if len(line) > 0 && rep.Problem == "" {
				rep.fail(c.expect, rep.Lines+1, Truncated, fmt.Sprintf("%d bytes of an incomplete record after seq %d (a write cut short)", len(line), c.expect-1))
			}
			break
		}
		if err != nil {
			return rep, err
		}
		rep.Lines++
		if rep.Problem != "" {
			if missing != 0 && seqOf(line) == missing {
				rep.Problem = Reordered
				rep.Detail += fmt.Sprintf("; seq %d comes later, on line %d: records reordered", missing, rep.Lines)
				missing = 0
			}
			continue
		}
		rec, why := c.decode(line)
		if why != "" {
			rep.fail(c.expect, rep.Lines, Malformed, why)
			continue
		}
		if p, why := c.check(rec, line); p != "" {
			if p == Deleted {
				missing = c.expect
			}
			rep.fail(c.expect, rep.Lines, p, why)
			continue
		}
		if rep.Records == 0 {
			rep.First = rec.Time
		}
		rep.Records++
		rep.Last = rec.Time
		rep.Head = Head{Seq: rec.Seq, Hash: rec.Hash}
		if cfg.head != nil && rec.Seq == cfg.head.Seq {
			headHash = rec.Hash
		}
	}
	if cfg.head != nil && rep.Problem == "" {
		switch h := *cfg.head; {
		case rep.Head.Seq < h.Seq:
			rep.fail(rep.Head.Seq+1, rep.Lines+1, Truncated, fmt.Sprintf("the log ends at seq %d but its head was seq %d: records were cut from the end", rep.Head.Seq, h.Seq))
		case h.Seq > 0 && headHash != h.Hash:
			rep.fail(h.Seq, int(h.Seq), Edited, fmt.Sprintf("seq %d does not have the head's hash: the chain was rewritten up to there", h.Seq))
		}
	}
	rep.OK = rep.Problem == ""
	return rep, nil
}

func (rep *Report) fail(seq uint64, line int, p Problem, why string) {
	rep.BadSeq, rep.Line, rep.Problem, rep.Detail = seq, line, p, why
}

// readLine returns the next line without its newline; at the end of the
// input it returns what is left (an incomplete line) with io.EOF.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		line = append(line, frag...)
		switch {
		case err == nil:
			return bytes.TrimSuffix(line, []byte("\n")), nil
		case errors.Is(err, bufio.ErrBufferFull):
			if len(line) > maxLine {
				// Too long to be a record: keep reading so that the
				// line count stays right, without keeping the bytes.
				line = line[:maxLine]
			}
		default:
			return line, err
		}
	}
}

// seqOf returns a line's seq, or 0.
func seqOf(line []byte) uint64 {
	var s struct {
		Seq uint64 `json:"seq"`
	}
	if json.Unmarshal(line, &s) != nil {
		return 0
	}
	return s.Seq
}
