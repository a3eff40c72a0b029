package jsonrec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxRecord is the default limit on one record's size.
const MaxRecord = 16 << 20

// Scanner splits a JSON stream into top-level objects: JSON lines,
// concatenated (pretty-printed) objects, and the elements of a top-level
// array all come out one object at a time. It holds at most one record in
// memory; a record over the size limit is skipped whole and reported.
//
// A Scanner is not safe for concurrent use.
type Scanner struct {
	r       io.Reader
	max     int
	buf     []byte
	pos     int   // next unread byte in buf
	base    int64 // stream offset of buf[0]
	eof     bool
	rerr    error
	inArray bool
	// lines is set once the first record fits on one line: the stream is
	// JSON lines, and a newline inside a record means it was cut short.
	// multi is set once the first record spans lines (pretty-printed).
	lines, multi bool
	// watch are top-level keys to report per record (envelopes); found
	// lists those the last record has.
	watch, found []string
}

// Watch makes the scanner note, for each record, which of keys occur among
// its top-level members (see Found). It costs nothing extra: the scanner
// walks every byte anyway.
func (s *Scanner) Watch(keys ...string) { s.watch = keys }

// Found returns the watched keys that are top-level members of the record
// Next returned last, in document order.
func (s *Scanner) Found() []string { return s.found }

// NewScanner returns a Scanner over r; max <= 0 means MaxRecord.
func NewScanner(r io.Reader, max int) *Scanner {
	if max <= 0 {
		max = MaxRecord
	}
	return &Scanner{r: r, max: max, buf: make([]byte, 0, 64<<10)}
}

// SplitError is a part of the stream that is not a JSON object. The scanner
// has already moved past it.
type SplitError struct {
	Offset int64
	Msg    string
}

func (e *SplitError) Error() string { return e.Msg }

// Next returns the next object and its stream offset. At the end of the
// stream it returns io.EOF. A *SplitError reports a skipped part; call Next
// again to go on. Any other error is a read error of the underlying stream.
// raw is valid until the next call.
func (s *Scanner) Next() (raw []byte, off int64, err error) {
	for {
		c, ok := s.skipSpace()
		if !ok {
			if s.rerr != nil {
				return nil, s.offset(), s.rerr
			}
			return nil, s.offset(), io.EOF
		}
		switch {
		case c == '[' && !s.inArray:
			s.inArray = true
			s.pos++
			continue
		case s.inArray && (c == ',' || c == ']'):
			if c == ']' {
				s.inArray = false
			}
			s.pos++
			continue
		case c == '{':
			return s.object()
		}
		off := s.offset()
		n := s.skipLine()
		return nil, off, &SplitError{Offset: off, Msg: fmt.Sprintf("unexpected byte %q where a JSON object should start (%d bytes skipped to the next line)", c, n)}
	}
}

func (s *Scanner) offset() int64 { return s.base + int64(s.pos) }

// fill drops buf[:keep] and reads more input; it returns false at EOF.
func (s *Scanner) fill(keep int) bool {
	if keep > 0 {
		n := copy(s.buf, s.buf[keep:])
		s.buf = s.buf[:n]
		s.base += int64(keep)
		s.pos -= keep
	}
	if s.eof {
		return false
	}
	if len(s.buf) == cap(s.buf) { // one record fills the buffer: grow it
		nb := make([]byte, len(s.buf), 2*cap(s.buf))
		copy(nb, s.buf)
		s.buf = nb
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if err != nil {
		s.eof = true
		if !errors.Is(err, io.EOF) {
			s.rerr = err
		}
	}
	return n > 0 || !s.eof
}

func (s *Scanner) skipSpace() (byte, bool) {
	for {
		for s.pos < len(s.buf) {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			case 0xEF: // UTF-8 byte order mark
				if s.pos+2 >= len(s.buf) && !s.eof {
					s.fill(s.pos)
					continue
				}
				if s.pos+2 < len(s.buf) && s.buf[s.pos+1] == 0xBB && s.buf[s.pos+2] == 0xBF {
					s.pos += 3
					continue
				}
				return c, true
			default:
				return c, true
			}
		}
		if !s.fill(s.pos) {
			return 0, false
		}
	}
}

// skipLine drops bytes up to and including the next newline.
func (s *Scanner) skipLine() int {
	n := 0
	for {
		for s.pos < len(s.buf) {
			c := s.buf[s.pos]
			s.pos++
			n++
			if c == '\n' {
				return n
			}
		}
		if !s.fill(s.pos) {
			return n
		}
	}
}

// object scans one object starting at s.pos (which holds '{').
func (s *Scanner) object() ([]byte, int64, error) {
	start := s.offset()
	depth, inStr, esc := 0, false, false
	i := s.pos
	over := false
	s.found = s.found[:0]
	expectKey, keyStart := false, -1
	bs := -1 // index of the next backslash in buf, len(buf) if none; -1: not known
	for {
	scan:
		for ; i < len(s.buf); i++ {
			if inStr {
				if esc {
					esc = false
					continue
				}
				// Jump to the next byte that matters inside a string.
				// The quote is looked for only before the next backslash (or
				// long strings with many escapes would cost quadratic time),
				// and where that backslash is, is remembered (or buffers
				// without one would be searched to the end for every string).
				if bs < i {
					if k := bytes.IndexByte(s.buf[i:], '\\'); k >= 0 {
						bs = i + k
					} else {
						bs = len(s.buf)
					}
				}
				seg := s.buf[i:]
				limit := s.buf[i:bs]
				q := bytes.IndexByte(limit, '"')
				if q < 0 {
					q = len(limit)
				}
				if n := bytes.IndexByte(seg[:q], '\n'); n >= 0 {
					q = n
				}
				i += q
				if i == len(s.buf) {
					break
				}
				switch s.buf[i] {
				case '\\':
					esc = true
				case '"':
					inStr = false
					if keyStart >= 0 {
						s.noteKey(s.buf[keyStart:i])
						keyStart = -1
					}
				case '\n':
					return s.broken(start, i, "raw newline inside a string: record truncated?")
				}
				continue
			}
			c := s.buf[i]
			switch c {
			case '"':
				inStr = true
				if expectKey && depth == 1 && len(s.watch) > 0 && !over {
					keyStart = i + 1
				}
				expectKey = false
			case ',':
				expectKey = depth == 1
			case '{', '[':
				expectKey = depth == 0
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					i++
					if over {
						s.pos = i
						return nil, start, &SplitError{Offset: start, Msg: fmt.Sprintf("record of %d bytes is over the %d-byte limit: skipped", s.offset()-start, s.max)}
					}
					raw := s.buf[s.pos:i]
					s.pos = i
					if !s.lines && !s.multi {
						if bytes.IndexByte(raw, '\n') >= 0 {
							s.multi = true
						} else {
							s.lines = true
						}
					}
					return raw, start, nil
				}
			case '\n':
				// A record cut short in JSON lines runs into the next line.
				// Once the stream is known to be JSON lines, any newline
				// inside a record says so. Before that (in the first record),
				// a line holding one whole object directly inside the
				// record's top level says so; pretty-printed envelopes put
				// whole objects on lines one level deeper.
				if depth == 0 || over || s.multi {
					continue
				}
				if s.lines {
					return s.broken(start, i+1, "record ends before its closing brace")
				}
				if depth != 1 {
					continue
				}
				whole, known := s.wholeObjectLine(i + 1)
				if !known {
					break scan // read on before deciding
				}
				if whole {
					return s.broken(start, i+1, "record ends before its closing brace")
				}
			}
		}
		if !over && i-s.pos > s.max {
			over = true
		}
		if over { // drop what we have scanned: only the depth matters now
			s.base += int64(i)
			s.buf = s.buf[:0]
			s.pos, i = 0, 0
			keyStart = -1
		}
		keep := s.pos
		more := s.fill(keep)
		i -= keep
		bs = -1
		if keyStart >= 0 {
			keyStart -= keep
		}
		if !more && i >= len(s.buf) {
			s.pos = len(s.buf)
			msg := "stream ends inside a record: truncated"
			if s.rerr != nil {
				msg = "reading: " + s.rerr.Error()
				s.rerr = nil // reported here, with the record's offset
			}
			return nil, start, &SplitError{Offset: start, Msg: msg}
		}
	}
}

func (s *Scanner) noteKey(k []byte) {
	for _, w := range s.watch {
		if string(k) == w {
			s.found = append(s.found, w)
			return
		}
	}
}

// lookahead bounds how far wholeObjectLine reads ahead.
const lookahead = 1 << 20

// wholeObjectLine reports whether the line starting at buf[i] is one
// complete JSON object. known is false when the buffer ends first and more
// input may follow.
func (s *Scanner) wholeObjectLine(i int) (whole, known bool) {
	if i >= len(s.buf) {
		return false, s.eof
	}
	if s.buf[i] != '{' {
		return false, true
	}
	depth, inStr, esc := 0, false, false
	for j := i; j < len(s.buf) && j-i < lookahead; j++ {
		c := s.buf[j]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			case c == '\n':
				return false, true
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '\n':
			return false, true
		}
		if depth == 0 {
			rest := j + 1
			for rest < len(s.buf) && (s.buf[rest] == ' ' || s.buf[rest] == '\t' || s.buf[rest] == '\r') {
				rest++
			}
			if rest == len(s.buf) && !s.eof {
				return false, false
			}
			return rest == len(s.buf) || s.buf[rest] == '\n', true
		}
	}
	return false, s.eof || len(s.buf)-i >= lookahead
}

// broken skips a malformed record up to buf[end] and reports it.
func (s *Scanner) broken(start int64, end int, msg string) ([]byte, int64, error) {
	s.pos = end
	return nil, start, &SplitError{Offset: start, Msg: msg}
}
