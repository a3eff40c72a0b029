package source

import (
	"encoding/binary"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// utf16Reader transcodes a UTF-16 stream (after its byte order mark) to
// UTF-8, so that text exported by Windows tools reads like any other file.
// Unpaired surrogates become U+FFFD; a trailing odd byte is dropped.
type utf16Reader struct {
	r     io.Reader
	order binary.ByteOrder
	in    []byte // undecoded input
	out   []byte // decoded, not yet returned
	err   error
	high  rune // pending high surrogate, or 0
}

func newUTF16Reader(r io.Reader, order binary.ByteOrder) *utf16Reader {
	return &utf16Reader{r: r, order: order, in: make([]byte, 0, 32<<10)}
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		n, err := u.r.Read(u.in[len(u.in):cap(u.in)])
		u.in = u.in[:len(u.in)+n]
		u.err = err
		i := 0
		for ; i+1 < len(u.in); i += 2 {
			r := rune(u.order.Uint16(u.in[i:]))
			switch {
			case u.high != 0 && utf16.IsSurrogate(r) && r >= 0xdc00:
				u.out = utf8.AppendRune(u.out, utf16.DecodeRune(u.high, r))
				u.high = 0
				continue
			case u.high != 0:
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.high = 0
			}
			if utf16.IsSurrogate(r) && r < 0xdc00 {
				u.high = r
				continue
			}
			u.out = utf8.AppendRune(u.out, r)
		}
		u.in = u.in[:copy(u.in, u.in[i:])]
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	if len(u.out) == 0 {
		u.out = u.out[:0:0]
	}
	return n, nil
}
