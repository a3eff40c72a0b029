package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLine is the longest line a line-based decoder accepts by default.
const MaxLine = 16 << 20

// Lines reads a stream line by line with the byte offset of each line.
// It never holds more than max bytes of one line: a longer line is reported
// as an *Error at its offset and skipped. Trailing "\r\n" or "\n" is removed.
//
// A Lines is not safe for concurrent use.
type Lines struct {
	in     *Input
	format string
	max    int
	r      *bufio.Reader
	off    int64 // offset of the next unread byte
	line   []byte
	buf    []byte
	lineNo int
	start  int64
}

// NewLines returns a line reader over in. format names the decoder in
// errors; max <= 0 means MaxLine.
func NewLines(in *Input, format string, max int) *Lines {
	if max <= 0 {
		max = MaxLine
	}
	return &Lines{in: in, format: format, max: max, r: bufio.NewReaderSize(in.R, 64<<10)}
}

// Next advances to the next line. It returns false at the end of the stream
// or on a read error (see Err). Overlong lines are reported to sink and
// skipped.
func (l *Lines) Next(sink Sink) bool {
	for {
		start := l.off
		l.buf = l.buf[:0]
		tooLong := false
		for {
			chunk, err := l.r.ReadSlice('\n')
			l.off += int64(len(chunk))
			if !tooLong {
				if len(l.buf)+len(chunk) > l.max+2 {
					tooLong = true
					l.buf = l.buf[:0]
				} else if err == nil && len(l.buf) == 0 {
					l.line = chunk // common case: no copy
				} else {
					l.buf = append(l.buf, chunk...)
					l.line = l.buf
				}
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != nil && !errors.Is(err, io.EOF) {
				sink.Error(l.in.Errorf(l.format, start, fmt.Errorf("reading: %w", err)))
				return false
			}
			if l.off == start { // EOF, nothing read
				return false
			}
			break
		}
		l.lineNo++
		if tooLong {
			sink.Error(l.in.Errorf(l.format, start, fmt.Errorf("line %d is %d bytes, over the %d-byte limit: skipped", l.lineNo, l.off-start, l.max)))
			continue
		}
		l.line = bytes.TrimSuffix(l.line, []byte{'\n'})
		l.line = bytes.TrimSuffix(l.line, []byte{'\r'})
		l.start = start
		return true
	}
}

// Bytes returns the current line. It is valid until the next call to Next.
func (l *Lines) Bytes() []byte { return l.line }

// Offset returns the byte offset of the current line in the stream.
func (l *Lines) Offset() int64 { return l.start }

// Number returns the 1-based number of the current line.
func (l *Lines) Number() int { return l.lineNo }
